//! Group commit for PostgreSQL: the counterpart of SQLite's single writer. Requests
//! queued while a statement runs go to PostgreSQL together as one statement over
//! `unnest`ed arrays, which amortises PostgreSQL's fixed cost per statement (executor
//! set-up, locks, a round trip, a commit) over the batch. Used for the hottest writes:
//! logins (pg_login.rs) and message deliveries (pg_deliver.rs).
//!
//! Two rules keep a batch correct under concurrency:
//! - one key (a user's rate window, a grant, a window) at most once per batch, so no
//!   row is changed twice in one statement; a second request waits for the next batch;
//! - every statement takes its row locks in key order, so batches on several nodes
//!   cannot deadlock.

use crate::postgres::Postgres;
use crate::DbErr;
use async_trait::async_trait;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// One kind of batched request: its key, and the statement that runs a batch.
#[async_trait]
pub(crate) trait Batched: Send + Sync + 'static {
    type Item: Send + Sync + 'static;
    type Out: Send + 'static;
    /// Requests per statement at most.
    const MAX: usize;
    /// Statements of this kind in flight at once per node (logins, measured on the
    /// 2-core bench: 8k/s with one, 6k with two, 4k with four).
    const WORKERS: usize = 1;
    /// Requests with the same key never share a batch; batches run in key order.
    fn key(item: &Self::Item) -> &str;
    /// Whether `item` may join a batch that starts with `first`.
    fn compatible(_first: &Self::Item, _item: &Self::Item) -> bool {
        true
    }
    /// Runs one batch (sorted by key); the outcome of each item, in order.
    async fn run(pg: &Postgres, items: &[&Self::Item]) -> Result<Vec<Self::Out>, DbErr>;
}

type Job<B> = (<B as Batched>::Item, oneshot::Sender<Result<<B as Batched>::Out, DbErr>>);

/// A queue of one kind of request and its workers (`Batched::WORKERS`; few, so that
/// while statements run the next batch gathers and batches grow with load).
pub(crate) struct Batcher<B: Batched> {
    tx: mpsc::UnboundedSender<Job<B>>,
}

impl<B: Batched> Clone for Batcher<B> {
    fn clone(&self) -> Self {
        Batcher { tx: self.tx.clone() }
    }
}

impl<B: Batched> Batcher<B> {
    pub(crate) fn start(pg: Postgres) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..B::WORKERS {
            tokio::spawn(worker::<B>(pg.clone(), rx.clone()));
        }
        Batcher { tx }
    }

    pub(crate) async fn submit(&self, item: B::Item) -> Result<B::Out, DbErr> {
        let (tx, rx) = oneshot::channel();
        self.tx.send((item, tx)).map_err(|_| DbErr::Other("batcher stopped".into()))?;
        rx.await.map_err(|_| DbErr::Other("batcher stopped".into()))?
    }
}

async fn worker<B: Batched>(pg: Postgres, rx: Arc<Mutex<mpsc::UnboundedReceiver<Job<B>>>>) {
    let mut carry: VecDeque<Job<B>> = VecDeque::new();
    loop {
        let mut batch: Vec<Job<B>> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        let mut later = VecDeque::new();
        let take = |job: Job<B>, batch: &mut Vec<Job<B>>, keys: &mut HashSet<String>, later: &mut VecDeque<Job<B>>| {
            let fits = batch.first().is_none_or(|(f, _)| B::compatible(f, &job.0));
            if fits && !keys.contains(B::key(&job.0)) {
                keys.insert(B::key(&job.0).to_string());
                batch.push(job);
            } else {
                later.push_back(job);
            }
        };
        while let Some(job) = carry.pop_front() {
            take(job, &mut batch, &mut keys, &mut later);
        }
        // With work in hand (carried requests), never wait for the queue.
        let queue = if batch.is_empty() { Some(rx.lock().await) } else { rx.try_lock().ok() };
        if let Some(mut rx) = queue {
            if batch.is_empty() {
                match rx.recv().await {
                    Some(job) => take(job, &mut batch, &mut keys, &mut later),
                    None => return,
                }
            }
            while batch.len() < B::MAX {
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
        batch.sort_by(|a, b| B::key(&a.0).cmp(B::key(&b.0)));
        let items: Vec<&B::Item> = batch.iter().map(|(i, _)| i).collect();
        // One retry: a lost connection or a serialisation hiccup should not fail requests.
        let result = match B::run(&pg, &items).await {
            Ok(r) => Ok(r),
            Err(_) => B::run(&pg, &items).await,
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

/// Reads column `name` of a batch's result row.
pub(crate) fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(r: &'r sqlx::postgres::PgRow, name: &str) -> Result<T, DbErr> {
    use sqlx::Row as _;
    r.try_get(name).map_err(|e| DbErr::Other(e.to_string()))
}
