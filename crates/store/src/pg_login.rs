//! Logins on PostgreSQL, batched: the counterpart of SQLite's group commit. Logins
//! queued while a statement runs go to PostgreSQL together as one statement over
//! `unnest`ed arrays, which amortises PostgreSQL's fixed cost per statement (executor
//! set-up, locks, a round trip, a commit) over the batch.
//!
//! The decision per login is the one `complete_login` documents. Two rules keep a
//! batch correct under concurrency:
//! - one user (rate key) at most once per batch, so no row is upserted twice in one
//!   statement; a second login of the same user waits for the next batch;
//! - every statement takes its row locks in rate-key order (each user's rows, always
//!   window → ledger → session, are disjoint from other users'), so batches on
//!   several nodes cannot deadlock.

use crate::postgres::Postgres;
use crate::DbErr;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Logins per statement at most.
const MAX_BATCH: usize = 128;
/// Statements in flight at once per node. One, like SQLite's writer: while it runs,
/// the next batch gathers, so batches grow with load (measured: 8k logins/s with one
/// worker, 6k with two, 4k with four, on the 2-core bench). Other nodes run their own.
const WORKERS: usize = 1;

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

/// (counted in the window, code spent) for one login.
pub(crate) type LoginResult = Result<(bool, bool), DbErr>;

type Job = (LoginItem, oneshot::Sender<LoginResult>);

#[derive(Clone)]
pub(crate) struct LoginBatcher {
    tx: mpsc::UnboundedSender<Job>,
}

impl LoginBatcher {
    pub(crate) fn start(pg: Postgres) -> LoginBatcher {
        let (tx, rx) = mpsc::unbounded_channel();
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..WORKERS {
            tokio::spawn(worker(pg.clone(), rx.clone()));
        }
        LoginBatcher { tx }
    }

    pub(crate) async fn login(&self, item: LoginItem) -> LoginResult {
        let (tx, rx) = oneshot::channel();
        self.tx.send((item, tx)).map_err(|_| DbErr::Other("login batcher stopped".into()))?;
        rx.await.map_err(|_| DbErr::Other("login batcher stopped".into()))?
    }
}

async fn worker(pg: Postgres, rx: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>) {
    let mut carry: VecDeque<Job> = VecDeque::new();
    loop {
        let mut batch: Vec<Job> = Vec::new();
        let mut keys = HashSet::new();
        let mut later = VecDeque::new();
        let take = |job: Job, batch: &mut Vec<Job>, keys: &mut HashSet<String>, later: &mut VecDeque<Job>| {
            // The limit is a node-wide setting; a differing one simply waits its turn.
            let same_limit = batch.first().is_none_or(|(f, _)| f.limit == job.0.limit);
            if same_limit && keys.insert(job.0.rate_key.clone()) {
                batch.push(job);
            } else {
                later.push_back(job);
            }
        };
        while let Some(job) = carry.pop_front() {
            take(job, &mut batch, &mut keys, &mut later);
        }
        // With work in hand (carried logins), never wait for the queue: another worker
        // may be holding it while it waits for new logins, which could be the very
        // ones this worker carries.
        let queue = if batch.is_empty() { Some(rx.lock().await) } else { rx.try_lock().ok() };
        if let Some(mut rx) = queue {
            if batch.is_empty() {
                match rx.recv().await {
                    Some(job) => take(job, &mut batch, &mut keys, &mut later),
                    None => return,
                }
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => take(job, &mut batch, &mut keys, &mut later),
                    Err(_) => break,
                }
            }
        }
        carry = later;
        if batch.is_empty() {
            continue;
        }
        batch.sort_by(|a, b| a.0.rate_key.cmp(&b.0.rate_key));
        let items: Vec<&LoginItem> = batch.iter().map(|(i, _)| i).collect();
        // One retry: a lost connection or a serialisation hiccup should not fail logins.
        let result = match run(&pg, &items).await {
            Ok(r) => Ok(r),
            Err(_) => run(&pg, &items).await,
        };
        match result {
            Ok(outcomes) => {
                for ((_, reply), outcome) in batch.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                let msg = match e {
                    DbErr::Unique => "unexpected unique violation".to_string(),
                    DbErr::Other(m) => m,
                };
                for (_, reply) in batch {
                    let _ = reply.send(Err(DbErr::Other(msg.clone())));
                }
            }
        }
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
        use sqlx::Row as _;
        let n: i64 = r.try_get("n").map_err(|e| DbErr::Other(e.to_string()))?;
        let counted: bool = r.try_get("counted").map_err(|e| DbErr::Other(e.to_string()))?;
        let spent: bool = r.try_get("spent").map_err(|e| DbErr::Other(e.to_string()))?;
        if let Some(slot) = out.get_mut(n as usize) {
            *slot = (counted, spent);
        }
    }
    Ok(out)
}
