//! `IdentityStore` in SQL, written once for both backends.

use crate::{conflict, Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use base64::Engine as _;
use openmini_core::identity::store::*;
use openmini_core::identity::*;

macro_rules! app_cols {
    () => {
        "id, appid, subject_id, kind, name, secret_hash, open_appid, created_at"
    };
}
macro_rules! user_cols {
    () => {
        "id, country_code, phone, name, blocked, created_at"
    };
}
macro_rules! app_user_cols {
    () => {
        "app_id, user_id, openid, session_key_enc, session_at"
    };
}

fn app(r: &Row) -> R<App> {
    let kind = r.text(3)?;
    Ok(App {
        id: r.int(0)?,
        appid: r.text(1)?,
        subject_id: r.int(2)?,
        kind: AppKind::parse(&kind).ok_or_else(|| StoreError::Unavailable(format!("bad app kind {kind}")))?,
        name: r.text(4)?,
        secret_hash: r.text(5)?,
        open_appid: r.opt_text(6)?,
        created_at: r.int(7)?,
    })
}

fn user(r: &Row) -> R<User> {
    Ok(User {
        id: r.int(0)?,
        country_code: r.int(1)?,
        phone: r.text(2)?,
        name: r.text(3)?,
        blocked: r.int(4)? != 0,
        created_at: r.int(5)?,
    })
}

fn subject(r: &Row) -> R<Subject> {
    Ok(Subject { id: r.int(0)?, name: r.text(1)?, verified: r.int(2)? != 0, created_at: r.int(3)? })
}

fn app_user(r: &Row) -> R<AppUser> {
    Ok(AppUser {
        app_id: r.int(0)?,
        user_id: r.int(1)?,
        openid: r.text(2)?,
        session_key_enc: r.opt_text(3)?,
        session_at: r.opt_int(4)?,
    })
}

fn first(rows: Vec<Row>) -> R<Row> {
    rows.into_iter().next().ok_or_else(|| StoreError::Unavailable("statement returned no row".into()))
}

impl Db {
    /// Reads one app and remembers it under both keys in the per-node cache.
    async fn load_app(&self, sql: &'static str, key: Val) -> R<Option<App>> {
        let found = self.row(sql, vec![key]).await?.as_ref().map(app).transpose()?;
        if let Some(a) = &found {
            self.hot.apps_by_appid.put(a.appid.clone(), a.clone());
            self.hot.apps_by_id.put(a.id, a.clone());
        }
        Ok(found)
    }
}

#[async_trait]
impl IdentityStore for Db {
    async fn master_key(&self, candidate: &[u8; 32]) -> R<[u8; 32]> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(candidate);
        self.write("INSERT INTO platform_keys (id, master_b64) VALUES (1, $1) ON CONFLICT (id) DO NOTHING", vec![b64.into()])
            .await?;
        let stored = first(self.rows("SELECT master_b64 FROM platform_keys WHERE id = 1", vec![]).await?)?.text(0)?;
        base64::engine::general_purpose::STANDARD
            .decode(stored)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| StoreError::Unavailable("stored platform key is corrupt".into()))
    }

    async fn create_subject(&self, name: &str, now: i64) -> R<Subject> {
        let r = self
            .write(
                "INSERT INTO subjects (name, verified, created_at) VALUES ($1, 0, $2) RETURNING id, name, verified, created_at",
                vec![name.into(), now.into()],
            )
            .await?;
        subject(&first(r.rows)?)
    }

    async fn subject(&self, id: i64) -> R<Option<Subject>> {
        self.row("SELECT id, name, verified, created_at FROM subjects WHERE id = $1", vec![id.into()])
            .await?
            .as_ref()
            .map(subject)
            .transpose()
    }

    async fn count_subjects(&self) -> R<i64> {
        first(self.rows("SELECT COUNT(*) FROM subjects", vec![]).await?)?.int(0)
    }

    async fn create_open_account(&self, a: &OpenAccount, bind_app: Option<i64>) -> R<BindOutcome> {
        let mut steps = vec![Step::new(
            "INSERT INTO open_accounts (open_appid, subject_id, created_by_api, bound_count, created_at) VALUES ($1, $2, $3, $4, $5)",
            vec![
                (&a.open_appid).into(),
                a.subject_id.into(),
                (a.created_by_api as i64).into(),
                (bind_app.is_some() as i64).into(),
                a.created_at.into(),
            ],
        )];
        if let Some(app_id) = bind_app {
            steps.push(
                Step::new(
                    "UPDATE apps SET open_appid = $1 WHERE id = $2 AND open_appid IS NULL",
                    vec![(&a.open_appid).into(), app_id.into()],
                )
                .or_abort(1),
            );
        }
        let outcome = self.script(steps).await.map_err(conflict("open account"))?;
        self.hot.forget_apps();
        Ok(match outcome {
            Outcome::Done(_) => BindOutcome::Bound,
            Outcome::Aborted(_) => BindOutcome::AlreadyBound,
        })
    }

    async fn open_account(&self, open_appid: &str) -> R<Option<OpenAccount>> {
        self.row(
            "SELECT open_appid, subject_id, created_by_api, created_at FROM open_accounts WHERE open_appid = $1",
            vec![open_appid.into()],
        )
        .await?
        .map(|r| {
            Ok(OpenAccount {
                open_appid: r.text(0)?,
                subject_id: r.int(1)?,
                created_by_api: r.int(2)? != 0,
                created_at: r.int(3)?,
            })
        })
        .transpose()
    }

    async fn create_app(&self, a: &NewApp, bind_limit: i64) -> R<Option<App>> {
        let mut steps = Vec::with_capacity(2);
        if let Some(open) = &a.open_appid {
            // Count the binding first: its row lock serialises binds to one account.
            steps.push(
                Step::new(
                    "UPDATE open_accounts SET bound_count = bound_count + 1 WHERE open_appid = $1 AND bound_count < $2",
                    vec![open.into(), bind_limit.into()],
                )
                .or_abort(1),
            );
        }
        // Search follows new apps through the change log (store/src/search.rs).
        steps.push(crate::search::appid_change(&a.appid, a.created_at));
        steps.push(Step::new(
            concat!(
                "INSERT INTO apps (appid, subject_id, kind, name, secret_hash, open_appid, created_at) ",
                "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
                app_cols!()
            ),
            vec![
                (&a.appid).into(),
                a.subject_id.into(),
                a.kind.as_str().into(),
                (&a.name).into(),
                (&a.secret_hash).into(),
                a.open_appid.clone().into(),
                a.created_at.into(),
            ],
        ));
        match self.script(steps).await.map_err(conflict("appid"))? {
            Outcome::Done(mut results) => app(&first(results.pop().unwrap_or_default().rows)?).map(Some),
            Outcome::Aborted(_) => Ok(None),
        }
    }

    async fn app_by_appid(&self, appid: &str) -> R<Option<App>> {
        match self.hot.apps_by_appid.get(appid) {
            Some(a) => Ok(Some(a)),
            None => self.load_app(concat!("SELECT ", app_cols!(), " FROM apps WHERE appid = $1"), appid.into()).await,
        }
    }

    async fn app_by_id(&self, id: i64) -> R<Option<App>> {
        match self.hot.apps_by_id.get(&id) {
            Some(a) => Ok(Some(a)),
            None => self.load_app(concat!("SELECT ", app_cols!(), " FROM apps WHERE id = $1"), id.into()).await,
        }
    }

    async fn list_apps(&self) -> R<Vec<App>> {
        self.rows(concat!("SELECT ", app_cols!(), " FROM apps ORDER BY id"), vec![]).await?.iter().map(app).collect()
    }

    async fn set_app_secret(&self, app_id: i64, secret_hash: &str) -> R<()> {
        self.write("UPDATE apps SET secret_hash = $1 WHERE id = $2", vec![secret_hash.into(), app_id.into()]).await?;
        self.hot.forget_apps();
        Ok(())
    }

    async fn bind_app(&self, app_id: i64, open_appid: &str, limit: i64) -> R<BindOutcome> {
        const ALREADY: u8 = 1;
        const LIMIT: u8 = 2;
        let outcome = self
            .script(vec![
                Step::new(
                    "UPDATE apps SET open_appid = $1 WHERE id = $2 AND open_appid IS NULL",
                    vec![open_appid.into(), app_id.into()],
                )
                .or_abort(ALREADY),
                // The counter row is the lock: concurrent binds to one account serialise here.
                Step::new(
                    "UPDATE open_accounts SET bound_count = bound_count + 1 WHERE open_appid = $1 AND bound_count < $2",
                    vec![open_appid.into(), limit.into()],
                )
                .or_abort(LIMIT),
            ])
            .await?;
        self.hot.forget_apps();
        Ok(match outcome {
            Outcome::Done(_) => BindOutcome::Bound,
            Outcome::Aborted(ALREADY) => BindOutcome::AlreadyBound,
            Outcome::Aborted(_) => BindOutcome::LimitReached,
        })
    }

    async fn unbind_app(&self, app_id: i64, open_appid: &str) -> R<bool> {
        let outcome = self
            .script(vec![
                Step::new(
                    "UPDATE apps SET open_appid = NULL WHERE id = $1 AND open_appid = $2",
                    vec![app_id.into(), open_appid.into()],
                )
                .or_abort(1),
                Step::new(
                    "UPDATE open_accounts SET bound_count = bound_count - 1 WHERE open_appid = $1",
                    vec![open_appid.into()],
                ),
            ])
            .await?;
        self.hot.forget_apps();
        Ok(matches!(outcome, Outcome::Done(_)))
    }

    async fn create_host_app(&self, name: &str, now: i64) -> R<HostApp> {
        let r = self
            .write(
                "INSERT INTO host_apps (name, created_at) VALUES ($1, $2) RETURNING id, name, created_at",
                vec![name.into(), now.into()],
            )
            .await?;
        let r = first(r.rows)?;
        Ok(HostApp { id: r.int(0)?, name: r.text(1)?, created_at: r.int(2)? })
    }

    async fn list_host_apps(&self) -> R<Vec<HostApp>> {
        self.rows("SELECT id, name, created_at FROM host_apps ORDER BY id", vec![])
            .await?
            .iter()
            .map(|r| Ok(HostApp { id: r.int(0)?, name: r.text(1)?, created_at: r.int(2)? }))
            .collect()
    }

    async fn claim_once(&self, task: &str, now: i64) -> R<bool> {
        let r = self
            .write(
                "INSERT INTO platform_tasks (task, claimed_at) VALUES ($1, $2) ON CONFLICT (task) DO NOTHING",
                vec![task.into(), now.into()],
            )
            .await?;
        Ok(r.changed == 1)
    }

    async fn host_app(&self, id: i64) -> R<Option<HostApp>> {
        self.row("SELECT id, name, created_at FROM host_apps WHERE id = $1", vec![id.into()])
            .await?
            .map(|r| Ok(HostApp { id: r.int(0)?, name: r.text(1)?, created_at: r.int(2)? }))
            .transpose()
    }

    async fn create_user(&self, cc: i64, phone: &str, name: &str, now: i64) -> R<User> {
        let r = self
            .write(
                concat!(
                    "INSERT INTO users (country_code, phone, name, blocked, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING ",
                    user_cols!()
                ),
                vec![cc.into(), phone.into(), name.into(), now.into()],
            )
            .await
            .map_err(conflict("user with this phone number"))?;
        user(&first(r.rows)?)
    }

    async fn user(&self, id: i64) -> R<Option<User>> {
        self.row(concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"), vec![id.into()])
            .await?
            .as_ref()
            .map(user)
            .transpose()
    }

    async fn user_by_phone(&self, cc: i64, phone: &str) -> R<Option<User>> {
        self.row(
            concat!("SELECT ", user_cols!(), " FROM users WHERE country_code = $1 AND phone = $2"),
            vec![cc.into(), phone.into()],
        )
        .await?
        .as_ref()
        .map(user)
        .transpose()
    }

    async fn set_user_blocked(&self, id: i64, blocked: bool) -> R<bool> {
        let outcome = self
            .script(vec![
                Step::new("UPDATE users SET blocked = $1 WHERE id = $2", vec![(blocked as i64).into(), id.into()]).or_abort(1),
                // A blocked user's host sessions end (unblocking restores none).
                Step::new("DELETE FROM client_sessions WHERE user_id = $1 AND $2 = 1", vec![id.into(), (blocked as i64).into()]),
            ])
            .await?;
        self.hot.sessions.clear();
        Ok(matches!(outcome, Outcome::Done(_)))
    }

    async fn insert_token(&self, hash: &str, app_id: i64, kind: TokenKind, expires_at: i64) -> R<()> {
        self.write(
            "INSERT INTO access_tokens (token_hash, app_id, kind, expires_at) VALUES ($1, $2, $3, $4)",
            vec![hash.into(), app_id.into(), kind.as_str().into(), expires_at.into()],
        )
        .await
        .map_err(conflict("token"))?;
        self.hot.tokens.clear();
        Ok(())
    }

    async fn cap_tokens(&self, app_id: i64, kind: TokenKind, cap_at: i64, older_than: i64, keep: &str) -> R<u64> {
        let r = self
            .write(
                "UPDATE access_tokens SET expires_at = $1, replaced = 1 \
                 WHERE app_id = $2 AND kind = $3 AND expires_at > $1 AND expires_at < $4 AND token_hash <> $5",
                vec![cap_at.into(), app_id.into(), kind.as_str().into(), older_than.into(), keep.into()],
            )
            .await?;
        self.hot.tokens.clear();
        Ok(r.changed)
    }

    async fn revoke_token(&self, hash: &str) -> R<()> {
        self.write("DELETE FROM access_tokens WHERE token_hash = $1", vec![hash.into()]).await?;
        self.hot.tokens.clear();
        Ok(())
    }

    async fn token(&self, hash: &str) -> R<Option<TokenRecord>> {
        if let Some(t) = self.hot.tokens.get(hash) {
            return Ok(Some(t));
        }
        let t = self
            .row("SELECT app_id, expires_at, replaced FROM access_tokens WHERE token_hash = $1", vec![hash.into()])
            .await?
            .map(|r| R::Ok(TokenRecord { app_id: r.int(0)?, expires_at: r.int(1)?, replaced: r.int(2)? != 0 }))
            .transpose()?;
        if let Some(t) = &t {
            self.hot.tokens.put(hash.to_string(), t.clone());
        }
        Ok(t)
    }

    async fn current_stable(&self, app_id: i64) -> R<Option<StableToken>> {
        self.row("SELECT token_enc, issued_at, expires_at FROM stable_tokens WHERE app_id = $1", vec![app_id.into()])
            .await?
            .map(|r| Ok(StableToken { token_enc: r.text(0)?, issued_at: r.int(1)?, expires_at: r.int(2)? }))
            .transpose()
    }

    async fn replace_stable_if(&self, app_id: i64, new: &StableToken, renew_before: i64) -> R<bool> {
        let r = self
            .write(
                "INSERT INTO stable_tokens (app_id, token_enc, issued_at, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (app_id) DO UPDATE SET token_enc = excluded.token_enc, issued_at = excluded.issued_at, \
                 expires_at = excluded.expires_at WHERE stable_tokens.expires_at <= $5",
                vec![app_id.into(), (&new.token_enc).into(), new.issued_at.into(), new.expires_at.into(), renew_before.into()],
            )
            .await?;
        Ok(r.changed == 1)
    }

    async fn take_force_refresh(&self, app_id: i64, day: i64, now: i64, not_after_last: i64, per_day: i64) -> R<ForceRefresh> {
        let r = self
            .write(
                "INSERT INTO stable_refresh (app_id, day, n, last_at) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (app_id) DO UPDATE SET \
                   n = CASE WHEN stable_refresh.day = excluded.day THEN stable_refresh.n + 1 ELSE 1 END, \
                   day = excluded.day, last_at = excluded.last_at \
                 WHERE stable_refresh.last_at <= $4 AND (stable_refresh.day <> excluded.day OR stable_refresh.n < $5)",
                vec![app_id.into(), day.into(), now.into(), not_after_last.into(), per_day.into()],
            )
            .await?;
        if r.changed == 1 {
            return Ok(ForceRefresh::Allowed);
        }
        let last_at = first(self.rows("SELECT last_at FROM stable_refresh WHERE app_id = $1", vec![app_id.into()]).await?)?.int(0)?;
        Ok(if last_at > not_after_last { ForceRefresh::TooSoon } else { ForceRefresh::DailyLimit })
    }

    async fn redeem(&self, key: &str, expires_at: i64) -> R<bool> {
        let r = self
            .write(
                "INSERT INTO code_ledger (code_key, expires_at) VALUES ($1, $2) ON CONFLICT (code_key) DO NOTHING",
                vec![key.into(), expires_at.into()],
            )
            .await?;
        Ok(r.changed == 1)
    }

    async fn hit(&self, key: &str, window: i64, expires_at: i64) -> R<i64> {
        let r = self
            .write(
                "INSERT INTO rate_windows (rate_key, win, hits, expires_at) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (rate_key) DO UPDATE SET \
                   hits = CASE WHEN rate_windows.win = excluded.win THEN rate_windows.hits + 1 ELSE 1 END, \
                   win = excluded.win, expires_at = excluded.expires_at \
                 RETURNING hits",
                vec![key.into(), window.into(), expires_at.into()],
            )
            .await?;
        first(r.rows)?.int(0)
    }

    async fn complete_login(&self, l: &LoginRedemption<'_>) -> R<LoginOutcome> {
        // The decision, the same on both databases: the call counts in the user's
        // window if the user exists unblocked and the window has room (the upsert's
        // WHERE runs under the row's lock, so the limit is exact across nodes); only a
        // counted call may spend the code; only a spent code sets the session.
        let (counted, spent) = match self.dialect() {
            // Batched with other nodes' worth of logins into one statement: pg_login.rs.
            crate::Dialect::Postgres => {
                let batcher = self.logins().ok_or_else(|| StoreError::Unavailable("no login batcher".into()))?;
                batcher
                    .submit(crate::pg_login::LoginItem {
                        rate_key: l.rate_key.to_string(),
                        win: l.rate_window,
                        win_ends: l.rate_window_ends,
                        limit: l.rate_limit,
                        user_id: l.user_id,
                        code_key: l.code_key.to_string(),
                        code_exp: l.code_expires_at,
                        app_id: l.app_id,
                        openid: l.openid.to_string(),
                        enc: l.session_key_enc.to_string(),
                        now: l.now,
                    })
                    .await?
            }
            // Steps of one script in the next group commit; `changes()` carries the
            // spend into the session step, so only a refused count aborts (first step,
            // nothing to undo).
            crate::Dialect::Sqlite => {
                let outcome = self
                    .script(vec![
                        Step::new(
                            "INSERT INTO rate_windows (rate_key, win, hits, expires_at) \
                             SELECT $1, $2, 1, $3 FROM users WHERE id = $4 AND blocked = 0 \
                             ON CONFLICT (rate_key) DO UPDATE SET \
                               hits = CASE WHEN rate_windows.win = excluded.win THEN rate_windows.hits + 1 ELSE 1 END, \
                               win = excluded.win, expires_at = excluded.expires_at \
                             WHERE rate_windows.win <> excluded.win OR rate_windows.hits < $5",
                            vec![l.rate_key.into(), l.rate_window.into(), l.rate_window_ends.into(), l.user_id.into(), l.rate_limit.into()],
                        )
                        .or_abort(1),
                        Step::new(
                            "INSERT INTO code_ledger (code_key, expires_at) VALUES ($1, $2) ON CONFLICT (code_key) DO NOTHING",
                            vec![l.code_key.into(), l.code_expires_at.into()],
                        ),
                        Step::new(
                            "INSERT INTO app_users (app_id, user_id, openid, session_key_enc, session_at, created_at) \
                             SELECT $1, $2, $3, $4, $5, $5 WHERE changes() = 1 \
                             ON CONFLICT (app_id, user_id) DO UPDATE SET \
                               session_key_enc = excluded.session_key_enc, session_at = excluded.session_at",
                            vec![l.app_id.into(), l.user_id.into(), l.openid.into(), l.session_key_enc.into(), l.now.into()],
                        ),
                    ])
                    .await?;
                match outcome {
                    Outcome::Done(r) => (true, r.get(1).is_some_and(|s| s.changed == 1)),
                    Outcome::Aborted(_) => (false, false),
                }
            }
        };
        Ok(match (counted, spent) {
            (true, true) => LoginOutcome::Done,
            (true, false) => LoginOutcome::CodeUsed,
            (false, _) => {
                // Not counted: a blocked (or vanished) user, or a full window.
                let blocked = self
                    .row("SELECT blocked FROM users WHERE id = $1", vec![l.user_id.into()])
                    .await?
                    .map(|r| r.int(0))
                    .transpose()?
                    .is_none_or(|b| b != 0);
                if blocked { LoginOutcome::Blocked } else { LoginOutcome::RateLimited }
            }
        })
    }

    async fn app_user_by_openid(&self, app_id: i64, openid: &str) -> R<Option<AppUser>> {
        self.row(
            concat!("SELECT ", app_user_cols!(), " FROM app_users WHERE app_id = $1 AND openid = $2"),
            vec![app_id.into(), openid.into()],
        )
        .await?
        .as_ref()
        .map(app_user)
        .transpose()
    }

    async fn app_user_id(&self, app_id: i64, openid: &str) -> R<Option<i64>> {
        let key = (app_id, openid.to_string());
        if let Some(id) = self.hot.openids.get(&key) {
            return Ok(Some(id));
        }
        let id = self
            .row("SELECT user_id FROM app_users WHERE app_id = $1 AND openid = $2", vec![app_id.into(), openid.into()])
            .await?
            .map(|r| r.int(0))
            .transpose()?;
        if let Some(id) = id {
            self.hot.openids.put(key, id);
        }
        Ok(id)
    }

    async fn app_user(&self, app_id: i64, user_id: i64) -> R<Option<AppUser>> {
        self.row(
            concat!("SELECT ", app_user_cols!(), " FROM app_users WHERE app_id = $1 AND user_id = $2"),
            vec![app_id.into(), user_id.into()],
        )
        .await?
        .as_ref()
        .map(app_user)
        .transpose()
    }

    async fn put_signin_challenge(&self, phone_key: &str, code_hash: &str, expires_at: i64) -> R<()> {
        self.write(
            "INSERT INTO signin_challenges (phone_key, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (phone_key) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0",
            vec![phone_key.into(), code_hash.into(), expires_at.into()],
        )
        .await?;
        Ok(())
    }

    async fn attempt_signin(&self, phone_key: &str, code_hash: &str, now: i64, max_attempts: i64) -> R<bool> {
        let r = self
            .write(
                "UPDATE signin_challenges SET attempts = attempts + 1 \
                 WHERE phone_key = $1 AND expires_at > $2 AND attempts < $3 RETURNING code_hash",
                vec![phone_key.into(), now.into(), max_attempts.into()],
            )
            .await?;
        let stored = r.rows.first().map(|r| r.text(0)).transpose()?;
        if stored.as_deref() != Some(code_hash) {
            return Ok(false);
        }
        let r = self
            .write(
                "DELETE FROM signin_challenges WHERE phone_key = $1 AND code_hash = $2",
                vec![phone_key.into(), code_hash.into()],
            )
            .await?;
        Ok(r.changed == 1)
    }

    async fn create_client_session(&self, token_hash: &str, s: &ClientSession) -> R<()> {
        self.write(
            "INSERT INTO client_sessions (token_hash, user_id, host_app_id, expires_at) VALUES ($1, $2, $3, $4)",
            vec![token_hash.into(), s.user_id.into(), s.host_app_id.into(), s.expires_at.into()],
        )
        .await
        .map_err(conflict("session"))?;
        Ok(())
    }

    async fn client_session(&self, token_hash: &str) -> R<Option<ClientSession>> {
        if let Some(s) = self.hot.sessions.get(token_hash) {
            return Ok(Some(s));
        }
        let found = self
            .row("SELECT user_id, host_app_id, expires_at FROM client_sessions WHERE token_hash = $1", vec![token_hash.into()])
            .await?
            .map(|r| R::Ok(ClientSession { user_id: r.int(0)?, host_app_id: r.int(1)?, expires_at: r.int(2)? }))
            .transpose()?;
        if let Some(s) = &found {
            self.hot.sessions.put(token_hash.to_string(), s.clone());
        }
        Ok(found)
    }

    async fn delete_client_session(&self, token_hash: &str) -> R<()> {
        self.write("DELETE FROM client_sessions WHERE token_hash = $1", vec![token_hash.into()]).await?;
        self.hot.sessions.remove(token_hash);
        Ok(())
    }

    async fn prune(&self, now: i64) -> R<u64> {
        // Expired tokens are kept a day so callers get "expired" rather than "invalid".
        let steps: Vec<Step> = [
            ("DELETE FROM access_tokens WHERE expires_at < $1", Val::Int(now - 86_400_000)),
            ("DELETE FROM code_ledger WHERE code_key < $1", Val::Text(format!("{now:013}"))),
            ("DELETE FROM rate_windows WHERE expires_at < $1", Val::Int(now)),
            ("DELETE FROM signin_challenges WHERE expires_at < $1", Val::Int(now)),
            ("DELETE FROM client_sessions WHERE expires_at < $1", Val::Int(now)),
        ]
        .into_iter()
        .map(|(sql, before)| Step::new(sql, vec![before]))
        .collect();
        Ok(match self.script(steps).await? {
            Outcome::Done(r) => r.iter().map(|s| s.changed).sum(),
            Outcome::Aborted(_) => 0,
        })
    }
}
