//! Message deliveries on PostgreSQL, batched (pg_batch.rs): a subscription send spends
//! its grant, a customer-service send one send of its window, and either puts the
//! message in the inbox and its event in the outbox — for a whole batch in one
//! statement. The decision per item is exactly that of the single-item scripts in
//! reach.rs (the same conditions, evaluated under the row's lock); the key is the
//! grant (app, user, template) or the window (app, user).

use crate::pg_batch::{get, Batched, Batcher};
use crate::postgres::Postgres;
use crate::DbErr;
use async_trait::async_trait;
use openmini_core::reach::store::Delivery;

/// An owned [`Delivery`], queued for a batch.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    key: String,
    app_id: i64,
    user_id: i64,
    tmpl: String,
    kind: i64,
    folder: String,
    title: String,
    body: String,
    page: Option<String>,
    now: i64,
    msgid: i64,
    ev_kind: Option<String>,
    ev_payload: Option<String>,
}

impl Item {
    pub(crate) fn grant(d: &Delivery<'_>) -> Item {
        Item::new(format!("{}:{}:{}", d.app_id, d.user_id, d.pri_tmpl_id), d)
    }

    pub(crate) fn window(d: &Delivery<'_>) -> Item {
        Item::new(format!("{}:{}", d.app_id, d.user_id), d)
    }

    fn new(key: String, d: &Delivery<'_>) -> Item {
        Item {
            key,
            app_id: d.app_id,
            user_id: d.user_id,
            tmpl: d.pri_tmpl_id.to_string(),
            kind: d.kind,
            folder: d.folder.to_string(),
            title: d.title.to_string(),
            body: d.body.to_string(),
            page: d.page.map(str::to_string),
            now: d.now,
            msgid: d.msgid,
            ev_kind: d.event.as_ref().map(|e| e.kind.clone()),
            ev_payload: d.event.as_ref().map(|e| e.payload.clone()),
        }
    }
}

const INPUT: &str = "\
WITH input AS (
  SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[])
    AS t(n, app_id, user_id, tmpl, kind, folder, title, body, page, now_ms, msgid, ev_kind, ev_payload)
)";

/// After `spent(n)`: the inbox rows and the events of the items that passed.
const DELIVER: &str = "\
, box AS (
  INSERT INTO inbox (user_id, app_id, folder, pri_tmpl_id, title, body, page, created_at, msgid, from_user)
  SELECT i.user_id, i.app_id, i.folder, NULLIF(i.tmpl, ''), i.title, i.body, i.page, i.now_ms, i.msgid, 0
  FROM input i JOIN spent s ON s.n = i.n ORDER BY i.n
  RETURNING 1
), ev AS (
  INSERT INTO outbox (app_id, kind, payload, state, next_at, created_at)
  SELECT i.app_id, i.ev_kind, i.ev_payload, 'pending', i.now_ms, i.now_ms
  FROM input i JOIN spent s ON s.n = i.n JOIN app_servers a ON a.app_id = i.app_id
  WHERE i.ev_kind IS NOT NULL ORDER BY i.n
  RETURNING 1
)
SELECT n FROM spent";

/// Grants are locked in key order first; the spend then re-checks them under the lock.
const GRANTS: &str = "\
, locked AS (
  SELECT g.app_id, g.user_id, g.pri_tmpl_id FROM sub_grants g JOIN input i
    ON g.app_id = i.app_id AND g.user_id = i.user_id AND g.pri_tmpl_id = i.tmpl
  ORDER BY g.app_id, g.user_id, g.pri_tmpl_id FOR UPDATE OF g
), spent AS (
  UPDATE sub_grants g SET remaining = CASE WHEN g.kind = 2 THEN g.remaining - 1 ELSE g.remaining END, updated_at = i.now_ms
  FROM input i JOIN locked l ON l.app_id = i.app_id AND l.user_id = i.user_id AND l.pri_tmpl_id = i.tmpl
  WHERE g.app_id = i.app_id AND g.user_id = i.user_id AND g.pri_tmpl_id = i.tmpl AND g.kind = i.kind
    AND ((g.kind = 2 AND g.remaining > 0) OR (g.kind = 3 AND g.active = 1))
    AND NOT EXISTS (SELECT 1 FROM sub_switches s WHERE s.app_id = i.app_id AND s.user_id = i.user_id AND s.off = 1)
  RETURNING i.n
)";

const WINDOWS: &str = "\
, locked AS (
  SELECT w.app_id, w.user_id FROM cs_windows w JOIN input i ON w.app_id = i.app_id AND w.user_id = i.user_id
  ORDER BY w.app_id, w.user_id FOR UPDATE OF w
), spent AS (
  UPDATE cs_windows w SET remaining = w.remaining - 1
  FROM input i JOIN locked l ON l.app_id = i.app_id AND l.user_id = i.user_id
  WHERE w.app_id = i.app_id AND w.user_id = i.user_id AND w.remaining > 0 AND w.expires_at > i.now_ms
  RETURNING i.n
)";

/// Whether each item's grant or window was spent (and so its message delivered).
async fn run(pg: &Postgres, sql: &str, items: &[&Item]) -> Result<Vec<bool>, DbErr> {
    let ints = |f: fn(&Item) -> i64| items.iter().map(|i| f(i)).collect::<Vec<i64>>();
    let texts = |f: fn(&Item) -> &str| items.iter().map(|i| f(i).to_string()).collect::<Vec<String>>();
    let opts = |f: fn(&Item) -> Option<&str>| items.iter().map(|i| f(i).map(str::to_string)).collect::<Vec<Option<String>>>();
    let q = sqlx::query(sql)
        .bind((0..items.len() as i64).collect::<Vec<i64>>())
        .bind(ints(|i| i.app_id))
        .bind(ints(|i| i.user_id))
        .bind(texts(|i| &i.tmpl))
        .bind(ints(|i| i.kind))
        .bind(texts(|i| &i.folder))
        .bind(texts(|i| &i.title))
        .bind(texts(|i| &i.body))
        .bind(opts(|i| i.page.as_deref()))
        .bind(ints(|i| i.now))
        .bind(ints(|i| i.msgid))
        .bind(opts(|i| i.ev_kind.as_deref()))
        .bind(opts(|i| i.ev_payload.as_deref()));
    let mut out = vec![false; items.len()];
    for r in pg.fetch_all(q).await? {
        let n: i64 = get(&r, "n")?;
        if let Some(slot) = out.get_mut(n as usize) {
            *slot = true;
        }
    }
    Ok(out)
}

pub(crate) struct GrantDeliveries;
pub(crate) struct WindowDeliveries;

static GRANT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("{INPUT}{GRANTS}{DELIVER}"));
static WINDOW_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| format!("{INPUT}{WINDOWS}{DELIVER}"));

#[async_trait]
impl Batched for GrantDeliveries {
    type Item = Item;
    type Out = bool;
    const MAX: usize = 256;
    const WORKERS: usize = 2;
    fn key(item: &Item) -> &str {
        &item.key
    }
    async fn run(pg: &Postgres, items: &[&Item]) -> Result<Vec<bool>, DbErr> {
        run(pg, &GRANT_SQL, items).await
    }
}

#[async_trait]
impl Batched for WindowDeliveries {
    type Item = Item;
    type Out = bool;
    const MAX: usize = 256;
    const WORKERS: usize = 2;
    fn key(item: &Item) -> &str {
        &item.key
    }
    async fn run(pg: &Postgres, items: &[&Item]) -> Result<Vec<bool>, DbErr> {
        run(pg, &WINDOW_SQL, items).await
    }
}

/// This node's batchers on PostgreSQL.
#[derive(Clone)]
pub(crate) struct PgBatchers {
    pub logins: crate::pg_login::LoginBatcher,
    pub grants: Batcher<GrantDeliveries>,
    pub windows: Batcher<WindowDeliveries>,
}

impl PgBatchers {
    pub(crate) fn start(pg: &Postgres) -> PgBatchers {
        PgBatchers { logins: Batcher::start(pg.clone()), grants: Batcher::start(pg.clone()), windows: Batcher::start(pg.clone()) }
    }
}
