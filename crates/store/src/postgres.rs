//! The PostgreSQL backend: a pool; multi-step scripts run in one transaction.

use crate::{ConnectOptions, DbErr, Outcome, Row, Step, StepResult, Val};
use sqlx::postgres::{PgArguments, PgPoolOptions, PgRow};
use sqlx::{Column, Executor, PgPool, Postgres as Pg, Row as _, TypeInfo};
use std::time::Duration;

#[derive(Clone)]
pub(crate) struct Postgres {
    pool: PgPool,
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

impl Postgres {
    pub(crate) async fn connect(url: &str, opts: &ConnectOptions) -> Result<Postgres, DbErr> {
        if let Some(schema) = &opts.schema {
            if !schema.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                return Err(DbErr::Other("schema name must be [A-Za-z0-9_]".into()));
            }
            let admin = PgPoolOptions::new().max_connections(1).connect(url).await.map_err(err)?;
            admin.execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str()).await.map_err(err)?;
            admin.close().await;
        }
        let schema = opts.schema.clone();
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections.unwrap_or(16))
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
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
            .map_err(err)?;
        Ok(Postgres { pool })
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbErr> {
        let rows = query(sql, params).fetch_all(&self.pool).await.map_err(err)?;
        rows.iter().map(convert).collect()
    }

    pub(crate) async fn script(&self, steps: Vec<Step>) -> Result<Outcome, DbErr> {
        if let [only] = steps.as_slice() {
            let r = run_step(&self.pool, only).await?;
            return Ok(match only.abort_unless_changed {
                Some(tag) if r.changed == 0 => Outcome::Aborted(tag),
                _ => Outcome::Done(vec![r]),
            });
        }
        let mut tx = self.pool.begin().await.map_err(err)?;
        let mut results = Vec::with_capacity(steps.len());
        for step in &steps {
            let r = run_step(&mut *tx, step).await?;
            if let Some(tag) = step.abort_unless_changed {
                if r.changed == 0 {
                    tx.rollback().await.map_err(err)?;
                    return Ok(Outcome::Aborted(tag));
                }
            }
            results.push(r);
        }
        tx.commit().await.map_err(err)?;
        Ok(Outcome::Done(results))
    }

    pub(crate) async fn batch(&self, sql: &str) -> Result<(), DbErr> {
        sqlx::raw_sql(sql).execute(&self.pool).await.map_err(err)?;
        Ok(())
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
