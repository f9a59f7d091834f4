//! Storage for OpenMini on SQLite (the embedded default) and PostgreSQL (scale-out),
//! with one schema and one SQL text: statements use `$N` placeholders, which both
//! accept, and are written once as data ([`Step`]) that either backend executes.
//!
//! - **SQLite** ([`sqlite`]): reads run inline on pooled connections (microseconds, WAL
//!   lets them run beside the writer); writes go to one writer thread that commits
//!   whatever is queued in one transaction (group commit), each caller's statements in
//!   their own savepoint. No busy-waiting, one WAL append per batch.
//! - **PostgreSQL** ([`postgres`]): a connection pool; multi-step writes run in a
//!   transaction and rely on row locks.
//!
//! Every quota and single-use decision is one atomic conditional statement (or one
//! short script), so several `serve` nodes on one PostgreSQL agree.

mod container;
mod entries;
mod files;
mod hot;
mod identity;
mod links;
mod load;
mod migrate;
mod pg_batch;
mod pg_deliver;
mod pg_login;
mod postgres;
mod push;
mod reach;
mod search;
mod sqlite;

pub use files::LocalFiles;
use openmini_core::identity::StoreError;

pub type R<T> = std::result::Result<T, StoreError>;

/// A parameter or column value: all the schema uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// SQL NULL. Bound as text on PostgreSQL, so use it for text columns only.
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Val::Null)
    }
}

/// A result row; columns are read by position, in the order the SELECT names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Val>);

fn bad_column(i: usize, want: &str) -> StoreError {
    StoreError::Unavailable(format!("column {i} is not {want}"))
}

impl Row {
    pub fn int(&self, i: usize) -> R<i64> {
        match self.0.get(i) {
            Some(Val::Int(v)) => Ok(*v),
            _ => Err(bad_column(i, "an integer")),
        }
    }
    pub fn text(&self, i: usize) -> R<String> {
        match self.0.get(i) {
            Some(Val::Text(v)) => Ok(v.clone()),
            _ => Err(bad_column(i, "text")),
        }
    }
    pub fn opt_text(&self, i: usize) -> R<Option<String>> {
        match self.0.get(i) {
            Some(Val::Null) => Ok(None),
            Some(Val::Text(v)) => Ok(Some(v.clone())),
            _ => Err(bad_column(i, "text or null")),
        }
    }
    pub fn opt_int(&self, i: usize) -> R<Option<i64>> {
        match self.0.get(i) {
            Some(Val::Null) => Ok(None),
            Some(Val::Int(v)) => Ok(Some(*v)),
            _ => Err(bad_column(i, "an integer or null")),
        }
    }
}

/// One statement of a write script.
#[derive(Debug, Clone)]
pub struct Step {
    pub sql: &'static str,
    pub params: Vec<Val>,
    /// If the statement changes no row, roll the whole script back and report this tag.
    pub abort_unless_changed: Option<u8>,
}

impl Step {
    pub fn new(sql: &'static str, params: Vec<Val>) -> Step {
        Step { sql, params, abort_unless_changed: None }
    }
    pub fn or_abort(mut self, tag: u8) -> Step {
        self.abort_unless_changed = Some(tag);
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepResult {
    /// Rows changed (for statements with RETURNING: rows returned).
    pub changed: u64,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done(Vec<StepResult>),
    /// Rolled back: the step with this tag changed nothing.
    Aborted(u8),
}

/// Storage failures inside a backend; unique violations are told apart so callers can
/// report "already exists".
#[derive(Debug)]
pub(crate) enum DbErr {
    Unique,
    Other(String),
}

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        match e {
            DbErr::Unique => StoreError::Conflict(String::new()),
            DbErr::Other(m) => StoreError::Unavailable(m),
        }
    }
}

/// Names what a unique violation was about.
pub(crate) fn conflict(what: &str) -> impl Fn(StoreError) -> StoreError + '_ {
    move |e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(what.to_string()),
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres, pg_deliver::PgBatchers),
}

/// A connected store. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    backend: Backend,
    hot: std::sync::Arc<hot::HotCache>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dialect", &self.dialect()).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// PostgreSQL only: use (and create) this schema instead of `public`. Tests give
    /// each case its own schema.
    pub schema: Option<String>,
    /// PostgreSQL pool size (default 16).
    pub max_connections: Option<u32>,
}

impl Db {
    /// Connects and runs migrations. `url` is `sqlite://PATH` or `postgres://…`.
    pub async fn connect(url: &str, opts: ConnectOptions) -> R<Db> {
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pg = postgres::Postgres::connect(url, &opts).await?;
            let batchers = pg_deliver::PgBatchers::start(&pg);
            Backend::Postgres(pg, batchers)
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or(path);
            Backend::Sqlite(sqlite::Sqlite::open(std::path::Path::new(path)).await?)
        } else {
            return Err(StoreError::Unavailable("database URL must start with sqlite:// or postgres://".into()));
        };
        let db = Db { backend, hot: Default::default() };
        migrate::run(&db).await?;
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(..) => Dialect::Postgres,
        }
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(p, _) => p.close().await,
        }
    }

    /// PostgreSQL's login batcher (none on SQLite, whose writer batches everything).
    pub(crate) fn logins(&self) -> Option<&pg_login::LoginBatcher> {
        self.batchers().map(|b| &b.logins)
    }

    /// PostgreSQL's batchers (none on SQLite, whose writer batches everything).
    pub(crate) fn batchers(&self) -> Option<&pg_deliver::PgBatchers> {
        match &self.backend {
            Backend::Postgres(_, b) => Some(b),
            Backend::Sqlite(_) => None,
        }
    }

    /// A trivial query, for readiness checks.
    pub async fn ping(&self) -> R<()> {
        self.rows("SELECT 1", vec![]).await.map(drop)
    }

    /// Rows of a read-only statement.
    pub async fn rows(&self, sql: &'static str, params: Vec<Val>) -> R<Vec<Row>> {
        Ok(match &self.backend {
            Backend::Sqlite(s) => s.rows(sql, &params)?,
            Backend::Postgres(p, _) => p.rows(sql, &params).await?,
        })
    }

    pub async fn row(&self, sql: &'static str, params: Vec<Val>) -> R<Option<Row>> {
        Ok(self.rows(sql, params).await?.into_iter().next())
    }

    /// Runs a write script atomically.
    pub async fn script(&self, steps: Vec<Step>) -> R<Outcome> {
        Ok(match &self.backend {
            Backend::Sqlite(s) => s.script(steps).await?,
            Backend::Postgres(p, _) => p.script(steps).await?,
        })
    }

    /// One write statement; returns its result.
    pub async fn write(&self, sql: &'static str, params: Vec<Val>) -> R<StepResult> {
        match self.script(vec![Step::new(sql, params)]).await? {
            Outcome::Done(mut r) => Ok(r.pop().unwrap_or_default()),
            // A step without an abort tag cannot abort; should it ever, it changed nothing.
            Outcome::Aborted(_) => Ok(StepResult::default()),
        }
    }

    /// Runs administrative SQL text (several statements; tests and benchmarks drop schemas).
    pub async fn execute_raw(&self, sql: &str) -> R<()> {
        match &self.backend {
            Backend::Sqlite(s) => s.batch(sql.to_string()).await?,
            Backend::Postgres(p, _) => p.batch(sql).await?,
        }
        Ok(())
    }
}
