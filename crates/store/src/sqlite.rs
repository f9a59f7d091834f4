//! The SQLite backend: inline reads on pooled connections, one writer thread with
//! group commit.

use crate::{DbErr, Outcome, Row, Step, StepResult, Val};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

/// Scripts committed together at most; bounds one transaction's latency.
const MAX_BATCH: usize = 512;

enum Job {
    Script(Vec<Step>, oneshot::Sender<Result<Outcome, DbErr>>),
    Batch(String, oneshot::Sender<Result<(), DbErr>>),
}

#[derive(Clone)]
pub(crate) struct Sqlite {
    path: Arc<PathBuf>,
    readers: Arc<Mutex<Vec<Connection>>>,
    writer: mpsc::UnboundedSender<Job>,
}

fn err(e: rusqlite::Error) -> DbErr {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            DbErr::Unique
        }
        _ => DbErr::Other(e.to_string()),
    }
}

fn open_conn(path: &Path, write: bool) -> Result<Connection, DbErr> {
    let flags = if write {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags).map_err(err)?;
    conn.execute_batch(
        // No mmap: while the writer grows the file, every reader remaps it, and each
        // unmap is a TLB shootdown on every core (perf on `bench reach`).
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
    )
    .map_err(err)?;
    if write {
        // The writer touches the hot tails of every index on each batch: keep 64 MB of
        // pages, and checkpoint in bigger, rarer steps (pages rewritten between two
        // checkpoints are copied once).
        conn.execute_batch("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8000;").map_err(err)?;
    }
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// Binds `$N` parameters by their number, whatever order they appear in.
fn bind(stmt: &mut rusqlite::CachedStatement<'_>, params: &[Val]) -> Result<(), DbErr> {
    for i in 1..=stmt.parameter_count() {
        let n = stmt
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| DbErr::Other(format!("parameter {i} is not of the form $N")))?;
        let v = params.get(n - 1).ok_or_else(|| DbErr::Other(format!("missing parameter ${n}")))?;
        let v = match v {
            Val::Null => Value::Null,
            Val::Int(i) => Value::Integer(*i),
            Val::Text(t) => Value::Text(t.clone()),
        };
        stmt.raw_bind_parameter(i, v).map_err(err)?;
    }
    Ok(())
}

fn collect(stmt: &mut rusqlite::CachedStatement<'_>) -> Result<Vec<Row>, DbErr> {
    let cols = stmt.column_count();
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(err)? {
        let mut vals = Vec::with_capacity(cols);
        for i in 0..cols {
            vals.push(match r.get_ref(i).map_err(err)? {
                ValueRef::Null => Val::Null,
                ValueRef::Integer(v) => Val::Int(v),
                ValueRef::Real(f) => Val::Int(f as i64),
                ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Val::Text(String::from_utf8_lossy(b).into_owned()),
            });
        }
        out.push(Row(vals));
    }
    Ok(out)
}

fn run_step(conn: &Connection, step: &Step) -> Result<StepResult, DbErr> {
    let mut stmt = conn.prepare_cached(step.sql).map_err(err)?;
    bind(&mut stmt, &step.params)?;
    if stmt.column_count() > 0 {
        let rows = collect(&mut stmt)?;
        Ok(StepResult { changed: rows.len() as u64, rows })
    } else {
        stmt.raw_execute().map_err(err)?;
        Ok(StepResult { changed: conn.changes(), rows: Vec::new() })
    }
}

/// Runs a fixed statement through the statement cache (savepoints run per script).
fn run_fixed(conn: &Connection, sql: &str) -> Result<(), DbErr> {
    conn.prepare_cached(sql).map_err(err)?.raw_execute().map_err(err)?;
    Ok(())
}

fn undo_script(conn: &Connection) -> Result<(), DbErr> {
    run_fixed(conn, "ROLLBACK TO script")?;
    run_fixed(conn, "RELEASE script")
}

/// Runs one caller's script inside the batch transaction. Several steps get a
/// savepoint so an abort or error undoes only this script.
fn run_script(conn: &Connection, steps: &[Step]) -> Result<Outcome, DbErr> {
    if let [only] = steps {
        let r = run_step(conn, only)?;
        return Ok(match only.abort_unless_changed {
            Some(tag) if r.changed == 0 => Outcome::Aborted(tag),
            _ => Outcome::Done(vec![r]),
        });
    }
    run_fixed(conn, "SAVEPOINT script")?;
    let mut results = Vec::with_capacity(steps.len());
    for step in steps {
        let r = match run_step(conn, step) {
            Ok(r) => r,
            Err(e) => {
                undo_script(conn)?;
                return Err(e);
            }
        };
        if let Some(tag) = step.abort_unless_changed {
            if r.changed == 0 {
                undo_script(conn)?;
                return Ok(Outcome::Aborted(tag));
            }
        }
        results.push(r);
    }
    run_fixed(conn, "RELEASE script")?;
    Ok(Outcome::Done(results))
}

fn writer_loop(conn: Connection, mut rx: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut scripts = Vec::with_capacity(jobs.len());
        for job in jobs {
            match job {
                // Administrative batches run alone, outside group commit.
                Job::Batch(sql, reply) => {
                    let _ = reply.send(conn.execute_batch(&sql).map_err(err));
                }
                Job::Script(steps, reply) => scripts.push((steps, reply)),
            }
        }
        if scripts.is_empty() {
            continue;
        }
        if let Err(e) = run_fixed(&conn, "BEGIN IMMEDIATE") {
            let msg = match e {
                DbErr::Other(m) => m,
                DbErr::Unique => "unique constraint".into(),
            };
            for (_, reply) in scripts {
                let _ = reply.send(Err(DbErr::Other(msg.clone())));
            }
            continue;
        }
        let results: Vec<_> = scripts.iter().map(|(steps, _)| run_script(&conn, steps)).collect();
        match run_fixed(&conn, "COMMIT") {
            Ok(()) => {
                for ((_, reply), r) in scripts.into_iter().zip(results) {
                    let _ = reply.send(r);
                }
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                let msg = match e {
                DbErr::Other(m) => m,
                DbErr::Unique => "unique constraint".into(),
            };
                for (_, reply) in scripts {
                    let _ = reply.send(Err(DbErr::Other(msg.clone())));
                }
            }
        }
    }
}

impl Sqlite {
    pub(crate) async fn open(path: &Path) -> Result<Sqlite, DbErr> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbErr::Other(format!("{}: {e}", dir.display())))?;
        }
        let conn = open_conn(path, true)?;
        let (tx, rx) = mpsc::unbounded_channel();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| DbErr::Other(e.to_string()))?;
        Ok(Sqlite { path: Arc::new(path.to_path_buf()), readers: Arc::new(Mutex::new(Vec::new())), writer: tx })
    }

    /// A read runs inline: an indexed lookup takes microseconds, less than a hop to a
    /// blocking thread would.
    pub(crate) fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbErr> {
        let conn = match self.readers.lock().map(|mut p| p.pop()) {
            Ok(Some(c)) => c,
            _ => open_conn(&self.path, false)?,
        };
        let result = (|| {
            let mut stmt = conn.prepare_cached(sql).map_err(err)?;
            bind(&mut stmt, params)?;
            collect(&mut stmt)
        })();
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 16 {
                pool.push(conn);
            }
        }
        result
    }

    pub(crate) async fn script(&self, steps: Vec<Step>) -> Result<Outcome, DbErr> {
        let (tx, rx) = oneshot::channel();
        self.writer.send(Job::Script(steps, tx)).map_err(|_| DbErr::Other("writer stopped".into()))?;
        rx.await.map_err(|_| DbErr::Other("writer stopped".into()))?
    }

    pub(crate) async fn batch(&self, sql: String) -> Result<(), DbErr> {
        let (tx, rx) = oneshot::channel();
        self.writer.send(Job::Batch(sql, tx)).map_err(|_| DbErr::Other("writer stopped".into()))?;
        rx.await.map_err(|_| DbErr::Other("writer stopped".into()))?
    }

    pub(crate) async fn close(&self) {
        if let Ok(mut p) = self.readers.lock() {
            p.clear();
        }
    }
}
