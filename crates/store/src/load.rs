//! Synthetic users for load tests and benchmarks (`openmini app seed-users`, `openmini
//! bench reach`): rows written set-wise, thousands per statement, so a million users
//! take seconds. They are marked as synthetic (country code 0, phone `load-<tag>-<n>`),
//! so they can never collide with, or be mistaken for, real users.

use crate::{Db, Dialect, Step, R};
use openmini_core::identity::StoreError;

const USERS_SQLITE: &str = "WITH RECURSIVE s(n) AS (SELECT $2 UNION ALL SELECT n + 1 FROM s WHERE n < $3) \
     INSERT INTO users (country_code, phone, name, created_at) SELECT 0, 'load-' || $1 || '-' || n, 'Load ' || n, $4 FROM s";
const USERS_PG: &str = "INSERT INTO users (country_code, phone, name, created_at) \
     SELECT 0, 'load-' || $1 || '-' || n, 'Load ' || n, $4 FROM generate_series($2::bigint, $3::bigint) AS n";

impl Db {
    /// Adds users `from..=to` of the synthetic set `tag` (call in chunks for progress),
    /// logged in to `app_id` (an app user with openid `o<tag>_<user id>`) and, if
    /// `add`, with the app in "My mini programs". Returns the (first, last) user id of
    /// the chunk.
    pub async fn seed_load_users(&self, app_id: i64, tag: &str, from: i64, to: i64, add: bool, now: i64) -> R<(i64, i64)> {
        if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(StoreError::Unavailable("load tag must be letters and digits".into()));
        }
        let users = match self.dialect() {
            Dialect::Sqlite => USERS_SQLITE,
            Dialect::Postgres => USERS_PG,
        };
        let first = format!("load-{tag}-{from}");
        let mut steps = vec![
            Step::new(users, vec![tag.into(), from.into(), to.into(), now.into()]),
            Step::new(
                "INSERT INTO app_users (app_id, user_id, openid, created_at) \
                 SELECT $1, id, 'o' || $2 || '_' || id, $3 FROM users \
                 WHERE country_code = 0 AND id >= (SELECT id FROM users WHERE country_code = 0 AND phone = $4)",
                vec![app_id.into(), tag.into(), now.into(), first.clone().into()],
            ),
        ];
        if add {
            steps.push(Step::new(
                "INSERT INTO my_apps (user_id, app_id, added_at) SELECT id, $1, $2 FROM users \
                 WHERE country_code = 0 AND id >= (SELECT id FROM users WHERE country_code = 0 AND phone = $3)",
                vec![app_id.into(), now.into(), first.clone().into()],
            ));
        }
        self.script(steps).await?;
        let r = self
            .row(
                "SELECT MIN(id), MAX(id) FROM users WHERE country_code = 0 AND id >= (SELECT id FROM users WHERE country_code = 0 AND phone = $1)",
                vec![first.into()],
            )
            .await?
            .ok_or_else(|| StoreError::Unavailable("no users seeded".into()))?;
        Ok((r.int(0)?, r.int(1)?))
    }

    /// One-time grants of `pri_tmpl_id` for users `lo..=hi` of `app_id`: `remaining` each.
    pub async fn seed_load_grants(&self, app_id: i64, pri_tmpl_id: &str, lo: i64, hi: i64, remaining: i64, now: i64) -> R<()> {
        self.write(
            "INSERT INTO sub_grants (app_id, user_id, pri_tmpl_id, kind, remaining, active, updated_at) \
             SELECT app_id, user_id, $2, 2, $5, 1, $6 FROM app_users WHERE app_id = $1 AND user_id >= $3 AND user_id <= $4",
            vec![app_id.into(), pri_tmpl_id.into(), lo.into(), hi.into(), remaining.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    /// Open customer-service windows of `remaining` sends for users `lo..=hi`.
    pub async fn seed_load_windows(&self, app_id: i64, lo: i64, hi: i64, remaining: i64, expires_at: i64, now: i64) -> R<()> {
        self.write(
            "INSERT INTO cs_windows (app_id, user_id, remaining, expires_at, last_action_at) \
             SELECT app_id, user_id, $4, $5, $6 FROM app_users WHERE app_id = $1 AND user_id >= $2 AND user_id <= $3",
            vec![app_id.into(), lo.into(), hi.into(), remaining.into(), expires_at.into(), now.into()],
        )
        .await?;
        Ok(())
    }
}
