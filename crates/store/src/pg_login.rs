//! Logins on PostgreSQL, batched (pg_batch.rs): the decision per login is the one
//! `complete_login` documents; the key is the user's rate key (each user's rows,
//! always window → ledger → session, are disjoint from other users').

use crate::pg_batch::{get, Batched, Batcher};
use crate::postgres::Postgres;
use crate::DbErr;
use async_trait::async_trait;

#[derive(Debug, Clone)]
pub(crate) struct LoginItem {
    pub rate_key: String,
    pub win: i64,
    pub win_ends: i64,
    pub limit: i64,
    pub user_id: i64,
    pub code_key: String,
    pub code_exp: i64,
    pub app_id: i64,
    pub openid: String,
    pub enc: String,
    pub now: i64,
}

pub(crate) struct Logins;

/// Logins, batched.
pub(crate) type LoginBatcher = Batcher<Logins>;

#[async_trait]
impl Batched for Logins {
    type Item = LoginItem;
    /// (counted in the window, code spent).
    type Out = (bool, bool);
    const MAX: usize = 128;

    fn key(item: &LoginItem) -> &str {
        &item.rate_key
    }

    /// The limit is a node-wide setting; a differing one simply waits its turn.
    fn compatible(first: &LoginItem, item: &LoginItem) -> bool {
        first.limit == item.limit
    }

    async fn run(pg: &Postgres, items: &[&LoginItem]) -> Result<Vec<(bool, bool)>, DbErr> {
        run(pg, items).await
    }
}

const SQL: &str = "\
WITH input AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[],
                       $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::bigint[])
    AS t(n, rate_key, win, win_ends, user_id, code_key, code_exp, app_id, openid, enc, now_ms)
), hit AS (
  INSERT INTO rate_windows (rate_key, win, hits, expires_at)
  SELECT i.rate_key, i.win, 1, i.win_ends
  FROM input i JOIN users u ON u.id = i.user_id AND u.blocked = 0
  ORDER BY i.rate_key
  ON CONFLICT (rate_key) DO UPDATE SET
    hits = CASE WHEN rate_windows.win = excluded.win THEN rate_windows.hits + 1 ELSE 1 END,
    win = excluded.win, expires_at = excluded.expires_at
  WHERE rate_windows.win <> excluded.win OR rate_windows.hits < $12
  RETURNING rate_key
), spend AS (
  INSERT INTO code_ledger (code_key, expires_at)
  SELECT i.code_key, i.code_exp FROM input i JOIN hit h ON h.rate_key = i.rate_key
  ORDER BY i.rate_key
  ON CONFLICT (code_key) DO NOTHING
  RETURNING code_key
), sess AS (
  INSERT INTO app_users (app_id, user_id, openid, session_key_enc, session_at, created_at)
  SELECT i.app_id, i.user_id, i.openid, i.enc, i.now_ms, i.now_ms FROM input i JOIN spend s ON s.code_key = i.code_key
  ORDER BY i.rate_key
  ON CONFLICT (app_id, user_id) DO UPDATE SET
    session_key_enc = excluded.session_key_enc, session_at = excluded.session_at
  RETURNING 1
)
SELECT i.n, (h.rate_key IS NOT NULL) AS counted, (s.code_key IS NOT NULL) AS spent, (SELECT COUNT(*) FROM sess) AS sessions
FROM input i LEFT JOIN hit h ON h.rate_key = i.rate_key LEFT JOIN spend s ON s.code_key = i.code_key";

/// Runs one batch; returns the outcome of each item, in order.
async fn run(pg: &Postgres, items: &[&LoginItem]) -> Result<Vec<(bool, bool)>, DbErr> {
    let col_i = |f: fn(&LoginItem) -> i64| items.iter().map(|i| f(i)).collect::<Vec<i64>>();
    let col_s = |f: fn(&LoginItem) -> &str| items.iter().map(|i| f(i).to_string()).collect::<Vec<String>>();
    let q = sqlx::query(SQL)
        .bind((0..items.len() as i64).collect::<Vec<i64>>())
        .bind(col_s(|i| &i.rate_key))
        .bind(col_i(|i| i.win))
        .bind(col_i(|i| i.win_ends))
        .bind(col_i(|i| i.user_id))
        .bind(col_s(|i| &i.code_key))
        .bind(col_i(|i| i.code_exp))
        .bind(col_i(|i| i.app_id))
        .bind(col_s(|i| &i.openid))
        .bind(col_s(|i| &i.enc))
        .bind(col_i(|i| i.now))
        .bind(items[0].limit);
    let rows = pg.fetch_all(q).await?;
    let mut out = vec![(false, false); items.len()];
    for r in rows {
        let n: i64 = get(&r, "n")?;
        if let Some(slot) = out.get_mut(n as usize) {
            *slot = (get(&r, "counted")?, get(&r, "spent")?);
        }
    }
    Ok(out)
}
