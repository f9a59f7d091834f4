//! Storage for OpenMini on SQLite (the embedded default) and PostgreSQL (scale-out),
//! with one schema and one SQL text: queries use `$N` placeholders, which both drivers
//! accept, through sqlx's `Any` driver.
//!
//! SQLite gets one writer connection and a small pool of readers (WAL mode), so writes
//! queue in the pool instead of spinning in SQLite's busy handler; PostgreSQL gets one
//! pool and relies on row locks. Every quota and single-use decision is one atomic
//! conditional statement (or one short transaction), so several `serve` nodes on one
//! PostgreSQL agree.

mod identity;
mod migrate;

use openmini_core::identity::StoreError;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    read: AnyPool,
    write: AnyPool,
    dialect: Dialect,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("dialect", &self.dialect).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// PostgreSQL only: use (and create) this schema instead of `public`. Tests give
    /// each case its own schema.
    pub schema: Option<String>,
    /// Connections in the (read) pool; default 8 for PostgreSQL, 4 for SQLite readers.
    pub max_connections: Option<u32>,
}

fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn map_err(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what.to_string()),
        _ => unavailable(e),
    }
}

impl Db {
    /// Connects and runs migrations. `url` is `sqlite://PATH` or `postgres://…`.
    pub async fn connect(url: &str, opts: ConnectOptions) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(StoreError::Unavailable(
                "database URL must start with sqlite: or postgres:".into(),
            ));
        };
        let db = match dialect {
            Dialect::Postgres => {
                if let Some(schema) = &opts.schema {
                    if !schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                        return Err(StoreError::Unavailable("schema name must be [A-Za-z0-9_]".into()));
                    }
                    let admin = AnyPoolOptions::new().max_connections(1).connect(url).await.map_err(unavailable)?;
                    admin
                        .execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str())
                        .await
                        .map_err(unavailable)?;
                    admin.close().await;
                }
                let schema = opts.schema.clone();
                let pool = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.unwrap_or(8))
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(move |conn, _| {
                        let schema = schema.clone();
                        Box::pin(async move {
                            if let Some(s) = schema {
                                conn.execute(format!("SET search_path TO {s}").as_str()).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await
                    .map_err(unavailable)?;
                Db { read: pool.clone(), write: pool, dialect }
            }
            Dialect::Sqlite => {
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(sqlite_pragmas)
                    .connect(&url)
                    .await
                    .map_err(unavailable)?;
                let read = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.unwrap_or(4))
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(sqlite_pragmas)
                    .connect(&url)
                    .await
                    .map_err(unavailable)?;
                Db { read, write, dialect }
            }
        };
        migrate::run(&db).await?;
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// A trivial query, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await.map_err(unavailable)?;
        Ok(())
    }
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

fn sqlite_pragmas(
    conn: &mut sqlx::AnyConnection,
    _meta: sqlx::pool::PoolConnectionMetadata,
) -> BoxFuture<'_, Result<(), sqlx::Error>> {
    Box::pin(async move {
        conn.execute(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
        )
        .await?;
        Ok(())
    })
}

/// Reads a column, turning a decoding failure into a storage error.
fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    use sqlx::Row;
    row.try_get(name).map_err(unavailable)
}

impl Db {
    /// Runs one statement of administrative SQL (benchmarks and tests drop schemas).
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        self.write.execute(sql).await.map_err(unavailable)?;
        Ok(())
    }
}
