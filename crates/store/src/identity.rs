//! `IdentityStore` on SQL. Reads go to the read pool, writes to the write pool.

use crate::{col, map_err, unavailable, Db};
use async_trait::async_trait;
use openmini_core::identity::store::*;
use openmini_core::identity::*;
use sqlx::any::AnyRow;
use sqlx::Connection;

type R<T> = std::result::Result<T, StoreError>;

const APP_COLS: &str = "id, appid, subject_id, kind, name, secret_hash, open_appid, created_at";
const USER_COLS: &str = "id, country_code, phone, name, blocked, created_at";

fn app_row(r: &AnyRow) -> R<App> {
    let kind: String = col(r, "kind")?;
    Ok(App {
        id: col(r, "id")?,
        appid: col(r, "appid")?,
        subject_id: col(r, "subject_id")?,
        kind: AppKind::parse(&kind).ok_or_else(|| StoreError::Unavailable(format!("bad app kind {kind}")))?,
        name: col(r, "name")?,
        secret_hash: col(r, "secret_hash")?,
        open_appid: col(r, "open_appid")?,
        created_at: col(r, "created_at")?,
    })
}

fn user_row(r: &AnyRow) -> R<User> {
    Ok(User {
        id: col(r, "id")?,
        country_code: col(r, "country_code")?,
        phone: col(r, "phone")?,
        name: col(r, "name")?,
        blocked: col::<i64>(r, "blocked")? != 0,
        created_at: col(r, "created_at")?,
    })
}

fn subject_row(r: &AnyRow) -> R<Subject> {
    Ok(Subject {
        id: col(r, "id")?,
        name: col(r, "name")?,
        verified: col::<i64>(r, "verified")? != 0,
        created_at: col(r, "created_at")?,
    })
}

fn app_user_row(r: &AnyRow) -> R<AppUser> {
    Ok(AppUser {
        app_id: col(r, "app_id")?,
        user_id: col(r, "user_id")?,
        openid: col(r, "openid")?,
        session_key_enc: col(r, "session_key_enc")?,
        session_at: col(r, "session_at")?,
    })
}

#[async_trait]
impl IdentityStore for Db {
    async fn master_key(&self, candidate: &[u8; 32]) -> R<[u8; 32]> {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(candidate);
        sqlx::query("INSERT INTO platform_keys (id, master_b64) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
            .bind(b64)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        let stored: String = sqlx::query_scalar("SELECT master_b64 FROM platform_keys WHERE id = 1")
            .fetch_one(&self.write)
            .await
            .map_err(unavailable)?;
        base64::engine::general_purpose::STANDARD
            .decode(stored)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| StoreError::Unavailable("stored platform key is corrupt".into()))
    }

    async fn create_subject(&self, name: &str, now: i64) -> R<Subject> {
        let row = sqlx::query(
            "INSERT INTO subjects (name, verified, created_at) VALUES ($1, 0, $2) RETURNING id, name, verified, created_at",
        )
        .bind(name)
        .bind(now)
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)?;
        subject_row(&row)
    }

    async fn subject(&self, id: i64) -> R<Option<Subject>> {
        let row = sqlx::query("SELECT id, name, verified, created_at FROM subjects WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(subject_row).transpose()
    }

    async fn count_subjects(&self) -> R<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM subjects").fetch_one(&self.read).await.map_err(unavailable)
    }

    async fn create_open_account(&self, a: &OpenAccount) -> R<()> {
        sqlx::query(
            "INSERT INTO open_accounts (open_appid, subject_id, created_by_api, bound_count, created_at) VALUES ($1, $2, $3, 0, $4)",
        )
        .bind(&a.open_appid)
        .bind(a.subject_id)
        .bind(a.created_by_api as i64)
        .bind(a.created_at)
        .execute(&self.write)
        .await
        .map_err(|e| map_err(e, "open account"))?;
        Ok(())
    }

    async fn open_account(&self, open_appid: &str) -> R<Option<OpenAccount>> {
        let row = sqlx::query("SELECT open_appid, subject_id, created_by_api, created_at FROM open_accounts WHERE open_appid = $1")
            .bind(open_appid)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| {
            Ok(OpenAccount {
                open_appid: col(&r, "open_appid")?,
                subject_id: col(&r, "subject_id")?,
                created_by_api: col::<i64>(&r, "created_by_api")? != 0,
                created_at: col(&r, "created_at")?,
            })
        })
        .transpose()
    }

    async fn create_app(&self, a: &NewApp) -> R<App> {
        let row = sqlx::query(&format!(
            "INSERT INTO apps (appid, subject_id, kind, name, secret_hash, open_appid, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {APP_COLS}"
        ))
        .bind(&a.appid)
        .bind(a.subject_id)
        .bind(a.kind.as_str())
        .bind(&a.name)
        .bind(&a.secret_hash)
        .bind(a.open_appid.clone())
        .bind(a.created_at)
        .fetch_one(&self.write)
        .await
        .map_err(|e| map_err(e, "appid"))?;
        app_row(&row)
    }

    async fn app_by_appid(&self, appid: &str) -> R<Option<App>> {
        let row = sqlx::query(&format!("SELECT {APP_COLS} FROM apps WHERE appid = $1"))
            .bind(appid)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(app_row).transpose()
    }

    async fn app_by_id(&self, id: i64) -> R<Option<App>> {
        let row = sqlx::query(&format!("SELECT {APP_COLS} FROM apps WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(app_row).transpose()
    }

    async fn list_apps(&self) -> R<Vec<App>> {
        let rows = sqlx::query(&format!("SELECT {APP_COLS} FROM apps ORDER BY id"))
            .fetch_all(&self.read)
            .await
            .map_err(unavailable)?;
        rows.iter().map(app_row).collect()
    }

    async fn set_app_secret(&self, app_id: i64, secret_hash: &str) -> R<()> {
        sqlx::query("UPDATE apps SET secret_hash = $1 WHERE id = $2")
            .bind(secret_hash)
            .bind(app_id)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn bind_app(&self, app_id: i64, open_appid: &str, limit: i64) -> R<BindOutcome> {
        let mut conn = self.write.acquire().await.map_err(unavailable)?;
        let mut tx = conn.begin().await.map_err(unavailable)?;
        let bound = sqlx::query("UPDATE apps SET open_appid = $1 WHERE id = $2 AND open_appid IS NULL")
            .bind(open_appid)
            .bind(app_id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if bound.rows_affected() == 0 {
            return Ok(BindOutcome::AlreadyBound);
        }
        // The counter row is the lock: concurrent binds to one account serialise here.
        let counted = sqlx::query(
            "UPDATE open_accounts SET bound_count = bound_count + 1 WHERE open_appid = $1 AND bound_count < $2",
        )
        .bind(open_appid)
        .bind(limit)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if counted.rows_affected() == 0 {
            return Ok(BindOutcome::LimitReached); // dropping tx rolls back
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(BindOutcome::Bound)
    }

    async fn unbind_app(&self, app_id: i64, open_appid: &str) -> R<bool> {
        let mut conn = self.write.acquire().await.map_err(unavailable)?;
        let mut tx = conn.begin().await.map_err(unavailable)?;
        let n = sqlx::query("UPDATE apps SET open_appid = NULL WHERE id = $1 AND open_appid = $2")
            .bind(app_id)
            .bind(open_appid)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if n.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE open_accounts SET bound_count = bound_count - 1 WHERE open_appid = $1")
            .bind(open_appid)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(true)
    }

    async fn create_host_app(&self, name: &str, now: i64) -> R<HostApp> {
        let row = sqlx::query("INSERT INTO host_apps (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at")
            .bind(name)
            .bind(now)
            .fetch_one(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(HostApp { id: col(&row, "id")?, name: col(&row, "name")?, created_at: col(&row, "created_at")? })
    }

    async fn host_app(&self, id: i64) -> R<Option<HostApp>> {
        let row = sqlx::query("SELECT id, name, created_at FROM host_apps WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| Ok(HostApp { id: col(&r, "id")?, name: col(&r, "name")?, created_at: col(&r, "created_at")? }))
            .transpose()
    }

    async fn create_user(&self, cc: i64, phone: &str, name: &str, now: i64) -> R<User> {
        let row = sqlx::query(&format!(
            "INSERT INTO users (country_code, phone, name, blocked, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING {USER_COLS}"
        ))
        .bind(cc)
        .bind(phone)
        .bind(name)
        .bind(now)
        .fetch_one(&self.write)
        .await
        .map_err(|e| map_err(e, "user with this phone number"))?;
        user_row(&row)
    }

    async fn user(&self, id: i64) -> R<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(user_row).transpose()
    }

    async fn user_by_phone(&self, cc: i64, phone: &str) -> R<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE country_code = $1 AND phone = $2"))
            .bind(cc)
            .bind(phone)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.as_ref().map(user_row).transpose()
    }

    async fn set_user_blocked(&self, id: i64, blocked: bool) -> R<bool> {
        let n = sqlx::query("UPDATE users SET blocked = $1 WHERE id = $2")
            .bind(blocked as i64)
            .bind(id)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(n.rows_affected() == 1)
    }

    async fn insert_token(&self, hash: &str, app_id: i64, kind: TokenKind, expires_at: i64) -> R<()> {
        sqlx::query("INSERT INTO access_tokens (token_hash, app_id, kind, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(app_id)
            .bind(kind.as_str())
            .bind(expires_at)
            .execute(&self.write)
            .await
            .map_err(|e| map_err(e, "token"))?;
        Ok(())
    }

    async fn cap_tokens(&self, app_id: i64, kind: TokenKind, cap_at: i64, keep: &str) -> R<u64> {
        let n = sqlx::query(
            "UPDATE access_tokens SET expires_at = $1 WHERE app_id = $2 AND kind = $3 AND expires_at > $1 AND token_hash <> $4",
        )
        .bind(cap_at)
        .bind(app_id)
        .bind(kind.as_str())
        .bind(keep)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(n.rows_affected())
    }

    async fn token(&self, hash: &str) -> R<Option<TokenRecord>> {
        let row = sqlx::query("SELECT app_id, expires_at FROM access_tokens WHERE token_hash = $1")
            .bind(hash)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| Ok(TokenRecord { app_id: col(&r, "app_id")?, expires_at: col(&r, "expires_at")? })).transpose()
    }

    async fn current_stable(&self, app_id: i64) -> R<Option<StableToken>> {
        // From the writer: a node that just renewed must see its own write.
        let row = sqlx::query("SELECT token_enc, issued_at, expires_at FROM stable_tokens WHERE app_id = $1")
            .bind(app_id)
            .fetch_optional(&self.write)
            .await
            .map_err(unavailable)?;
        row.map(|r| {
            Ok(StableToken {
                token_enc: col(&r, "token_enc")?,
                issued_at: col(&r, "issued_at")?,
                expires_at: col(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn replace_stable_if(&self, app_id: i64, new: &StableToken, renew_before: i64) -> R<bool> {
        let n = sqlx::query(
            "INSERT INTO stable_tokens (app_id, token_enc, issued_at, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app_id) DO UPDATE SET token_enc = excluded.token_enc, issued_at = excluded.issued_at, \
             expires_at = excluded.expires_at WHERE stable_tokens.expires_at <= $5",
        )
        .bind(app_id)
        .bind(&new.token_enc)
        .bind(new.issued_at)
        .bind(new.expires_at)
        .bind(renew_before)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(n.rows_affected() == 1)
    }

    async fn take_force_refresh(&self, app_id: i64, day: i64, now: i64, not_after_last: i64, per_day: i64) -> R<ForceRefresh> {
        let taken = sqlx::query(
            "INSERT INTO stable_refresh (app_id, day, n, last_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (app_id) DO UPDATE SET \
               n = CASE WHEN stable_refresh.day = excluded.day THEN stable_refresh.n + 1 ELSE 1 END, \
               day = excluded.day, last_at = excluded.last_at \
             WHERE stable_refresh.last_at <= $4 AND (stable_refresh.day <> excluded.day OR stable_refresh.n < $5)",
        )
        .bind(app_id)
        .bind(day)
        .bind(now)
        .bind(not_after_last)
        .bind(per_day)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        if taken.rows_affected() == 1 {
            return Ok(ForceRefresh::Allowed);
        }
        let last_at: i64 = sqlx::query_scalar("SELECT last_at FROM stable_refresh WHERE app_id = $1")
            .bind(app_id)
            .fetch_one(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(if last_at > not_after_last { ForceRefresh::TooSoon } else { ForceRefresh::DailyLimit })
    }

    async fn redeem(&self, key: &str, expires_at: i64) -> R<bool> {
        let n = sqlx::query("INSERT INTO code_ledger (code_key, expires_at) VALUES ($1, $2) ON CONFLICT (code_key) DO NOTHING")
            .bind(key)
            .bind(expires_at)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(n.rows_affected() == 1)
    }

    async fn hit(&self, key: &str, window: i64, expires_at: i64) -> R<i64> {
        sqlx::query_scalar(
            "INSERT INTO rate_windows (rate_key, win, hits, expires_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (rate_key) DO UPDATE SET \
               hits = CASE WHEN rate_windows.win = excluded.win THEN rate_windows.hits + 1 ELSE 1 END, \
               win = excluded.win, expires_at = excluded.expires_at \
             RETURNING hits",
        )
        .bind(key)
        .bind(window)
        .bind(expires_at)
        .fetch_one(&self.write)
        .await
        .map_err(unavailable)
    }

    async fn upsert_session(&self, app_id: i64, user_id: i64, openid: &str, session_key_enc: &str, now: i64) -> R<()> {
        sqlx::query(
            "INSERT INTO app_users (app_id, user_id, openid, session_key_enc, session_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (app_id, user_id) DO UPDATE SET session_key_enc = excluded.session_key_enc, session_at = excluded.session_at",
        )
        .bind(app_id)
        .bind(user_id)
        .bind(openid)
        .bind(session_key_enc)
        .bind(now)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn app_user_by_openid(&self, app_id: i64, openid: &str) -> R<Option<AppUser>> {
        let row = sqlx::query(
            "SELECT app_id, user_id, openid, session_key_enc, session_at FROM app_users WHERE app_id = $1 AND openid = $2",
        )
        .bind(app_id)
        .bind(openid)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(app_user_row).transpose()
    }

    async fn app_user(&self, app_id: i64, user_id: i64) -> R<Option<AppUser>> {
        let row = sqlx::query(
            "SELECT app_id, user_id, openid, session_key_enc, session_at FROM app_users WHERE app_id = $1 AND user_id = $2",
        )
        .bind(app_id)
        .bind(user_id)
        .fetch_optional(&self.read)
        .await
        .map_err(unavailable)?;
        row.as_ref().map(app_user_row).transpose()
    }

    async fn put_signin_challenge(&self, phone_key: &str, code_hash: &str, expires_at: i64) -> R<()> {
        sqlx::query(
            "INSERT INTO signin_challenges (phone_key, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (phone_key) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0",
        )
        .bind(phone_key)
        .bind(code_hash)
        .bind(expires_at)
        .execute(&self.write)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn attempt_signin(&self, phone_key: &str, code_hash: &str, now: i64, max_attempts: i64) -> R<bool> {
        let stored: Option<String> = sqlx::query_scalar(
            "UPDATE signin_challenges SET attempts = attempts + 1 \
             WHERE phone_key = $1 AND expires_at > $2 AND attempts < $3 RETURNING code_hash",
        )
        .bind(phone_key)
        .bind(now)
        .bind(max_attempts)
        .fetch_optional(&self.write)
        .await
        .map_err(unavailable)?;
        if stored.as_deref() != Some(code_hash) {
            return Ok(false);
        }
        let n = sqlx::query("DELETE FROM signin_challenges WHERE phone_key = $1 AND code_hash = $2")
            .bind(phone_key)
            .bind(code_hash)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(n.rows_affected() == 1)
    }

    async fn create_client_session(&self, token_hash: &str, s: &ClientSession) -> R<()> {
        sqlx::query("INSERT INTO client_sessions (token_hash, user_id, host_app_id, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(s.user_id)
            .bind(s.host_app_id)
            .bind(s.expires_at)
            .execute(&self.write)
            .await
            .map_err(|e| map_err(e, "session"))?;
        Ok(())
    }

    async fn client_session(&self, token_hash: &str) -> R<Option<ClientSession>> {
        let row = sqlx::query("SELECT user_id, host_app_id, expires_at FROM client_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.read)
            .await
            .map_err(unavailable)?;
        row.map(|r| {
            Ok(ClientSession {
                user_id: col(&r, "user_id")?,
                host_app_id: col(&r, "host_app_id")?,
                expires_at: col(&r, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn delete_client_session(&self, token_hash: &str) -> R<()> {
        sqlx::query("DELETE FROM client_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.write)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn prune(&self, now: i64) -> R<u64> {
        // Expired tokens are kept a day so callers get "expired" rather than "invalid".
        let statements: [(&str, i64); 5] = [
            ("DELETE FROM access_tokens WHERE expires_at < $1", now - 86_400_000),
            ("DELETE FROM code_ledger WHERE expires_at < $1", now),
            ("DELETE FROM rate_windows WHERE expires_at < $1", now),
            ("DELETE FROM signin_challenges WHERE expires_at < $1", now),
            ("DELETE FROM client_sessions WHERE expires_at < $1", now),
        ];
        let mut total = 0;
        for (sql, before) in statements {
            total += sqlx::query(sql).bind(before).execute(&self.write).await.map_err(unavailable)?.rows_affected();
        }
        Ok(total)
    }
}
