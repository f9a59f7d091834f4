//! The PostgreSQL backend: a small pool of sqlx connections; multi-step scripts run
//! in one transaction.

use crate::{ConnectOptions, DbErr, Outcome, Row, Step, StepResult, Val};
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgRow};
use sqlx::{Column, Connection, Executor, Postgres as Pg, Row as _, TypeInfo};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone)]
pub(crate) struct Postgres {
    opts: Arc<PgConnectOptions>,
    idle: Arc<Mutex<Vec<PgConnection>>>,
    permits: Arc<Semaphore>,
}

fn err(e: sqlx::Error) -> DbErr {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => DbErr::Unique,
        _ => DbErr::Other(e.to_string()),
    }
}

fn query<'q>(sql: &'q str, params: &[Val]) -> sqlx::query::Query<'q, Pg, PgArguments> {
    let mut q = sqlx::query(sql);
    for p in params {
        q = match p {
            Val::Null => q.bind(None::<String>),
            Val::Int(i) => q.bind(*i),
            Val::Text(t) => q.bind(t.clone()),
        };
    }
    q
}

fn convert(r: &PgRow) -> Result<Row, DbErr> {
    let mut vals = Vec::with_capacity(r.columns().len());
    for (i, c) in r.columns().iter().enumerate() {
        let v = match c.type_info().name() {
            "INT8" => r.try_get::<Option<i64>, _>(i).map(|v| v.map(Val::Int)),
            "INT4" => r.try_get::<Option<i32>, _>(i).map(|v| v.map(|x| Val::Int(x as i64))),
            "INT2" => r.try_get::<Option<i16>, _>(i).map(|v| v.map(|x| Val::Int(x as i64))),
            "BOOL" => r.try_get::<Option<bool>, _>(i).map(|v| v.map(|x| Val::Int(x as i64))),
            _ => r.try_get::<Option<String>, _>(i).map(|v| v.map(Val::Text)),
        }
        .map_err(err)?;
        vals.push(v.unwrap_or(Val::Null));
    }
    Ok(Row(vals))
}

async fn run_step<'e, E: Executor<'e, Database = Pg>>(ex: E, step: &Step) -> Result<StepResult, DbErr> {
    if step.sql.contains("RETURNING") {
        let rows = query(step.sql, &step.params).fetch_all(ex).await.map_err(err)?;
        let rows = rows.iter().map(convert).collect::<Result<Vec<_>, _>>()?;
        Ok(StepResult { changed: rows.len() as u64, rows })
    } else {
        let r = query(step.sql, &step.params).execute(ex).await.map_err(err)?;
        Ok(StepResult { changed: r.rows_affected(), rows: Vec::new() })
    }
}

/// A connection lent out by [`Postgres::conn`]. It goes back to the idle list on drop
/// only if the last use ran to completion; a use cancelled mid-query (its future
/// dropped) leaves the connection in an unknown state, so it is closed instead. This
/// replaces sqlx's pool, which pings every connection on release: a whole extra round
/// trip per query.
pub(crate) struct Lent {
    conn: Option<PgConnection>,
    clean: bool,
    home: Arc<Mutex<Vec<PgConnection>>>,
    _permit: OwnedSemaphorePermit,
}

impl Lent {
    /// The connection, for one use; call [`Lent::done`] when that use completed.
    pub(crate) fn get(&mut self) -> &mut PgConnection {
        self.clean = false;
        self.conn.as_mut().expect("present until drop")
    }

    pub(crate) fn done(&mut self) {
        self.clean = true;
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let (true, Some(c)) = (self.clean, self.conn.take()) {
            if let Ok(mut idle) = self.home.lock() {
                idle.push(c);
            }
        }
    }
}

impl Postgres {
    pub(crate) async fn connect(url: &str, opts: &ConnectOptions) -> Result<Postgres, DbErr> {
        let mut connect_opts: PgConnectOptions = url.parse().map_err(err)?;
        if let Some(schema) = &opts.schema {
            if !schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(DbErr::Other("schema name must be [A-Za-z0-9_]".into()));
            }
            let mut admin = PgConnection::connect_with(&connect_opts).await.map_err(err)?;
            admin.execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str()).await.map_err(err)?;
            let _ = admin.close().await;
            connect_opts = connect_opts.options([("search_path", schema.as_str())]);
        }
        let pg = Postgres {
            opts: Arc::new(connect_opts),
            idle: Arc::new(Mutex::new(Vec::new())),
            permits: Arc::new(Semaphore::new(opts.max_connections.unwrap_or(16) as usize)),
        };
        drop(pg.conn().await?); // fail fast on a wrong URL
        Ok(pg)
    }

    /// Borrows a connection (opening one if none is idle), waiting at most 10 s for a
    /// free slot.
    pub(crate) async fn conn(&self) -> Result<Lent, DbErr> {
        let permit = tokio::time::timeout(Duration::from_secs(10), self.permits.clone().acquire_owned())
            .await
            .map_err(|_| DbErr::Other("timed out waiting for a database connection".into()))?
            .map_err(|_| DbErr::Other("store closed".into()))?;
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match idle {
            Some(c) => c,
            None => PgConnection::connect_with(&self.opts).await.map_err(err)?,
        };
        Ok(Lent { conn: Some(conn), clean: true, home: self.idle.clone(), _permit: permit })
    }

    /// Runs a query built elsewhere (the login batcher's array query) on a lent connection.
    pub(crate) async fn fetch_all<'q>(
        &self,
        q: sqlx::query::Query<'q, Pg, PgArguments>,
    ) -> Result<Vec<PgRow>, DbErr> {
        let mut lent = self.conn().await?;
        let rows = q.fetch_all(lent.get()).await.map_err(err)?;
        lent.done();
        Ok(rows)
    }

    pub(crate) async fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbErr> {
        let mut lent = self.conn().await?;
        let rows = query(sql, params).fetch_all(lent.get()).await.map_err(err)?;
        lent.done();
        rows.iter().map(convert).collect()
    }

    pub(crate) async fn script(&self, steps: Vec<Step>) -> Result<Outcome, DbErr> {
        let mut lent = self.conn().await?;
        if let [only] = steps.as_slice() {
            let r = run_step(lent.get(), only).await?;
            lent.done();
            return Ok(match only.abort_unless_changed {
                Some(tag) if r.changed == 0 => Outcome::Aborted(tag),
                _ => Outcome::Done(vec![r]),
            });
        }
        let conn = lent.get();
        let mut tx = conn.begin().await.map_err(err)?;
        let mut results = Vec::with_capacity(steps.len());
        for step in &steps {
            let r = run_step(&mut *tx, step).await?;
            if let Some(tag) = step.abort_unless_changed {
                if r.changed == 0 {
                    tx.rollback().await.map_err(err)?;
                    lent.done();
                    return Ok(Outcome::Aborted(tag));
                }
            }
            results.push(r);
        }
        tx.commit().await.map_err(err)?;
        lent.done();
        Ok(Outcome::Done(results))
    }

    pub(crate) async fn batch(&self, sql: &str) -> Result<(), DbErr> {
        let mut lent = self.conn().await?;
        sqlx::raw_sql(sql).execute(lent.get()).await.map_err(err)?;
        lent.done();
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.permits.close();
        let idle: Vec<PgConnection> = self.idle.lock().map(|mut v| v.drain(..).collect()).unwrap_or_default();
        for c in idle {
            let _ = c.close().await;
        }
    }
}
