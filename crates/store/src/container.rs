//! The container's store traits in SQL, one text for both backends: package versions
//! and their file lists, allowed domains, analytics events.

use crate::{Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::container::store::*;
use openmini_core::identity::StoreError;
use std::sync::OnceLock;

macro_rules! version_cols {
    () => {
        "v.app_id, v.version, v.manifest_sha256, v.size, v.files, v.created_by, v.created_at"
    };
}

fn version(r: &Row) -> R<PackageVersion> {
    Ok(PackageVersion {
        app_id: r.int(0)?,
        version: r.int(1)?,
        manifest_sha256: r.text(2)?,
        size: r.int(3)?,
        files: r.int(4)?,
        created_by: r.text(5)?,
        created_at: r.int(6)?,
    })
}

/// File rows go in multi-row statements of these sizes (largest first), so a bundle of
/// thousands of files is a few hundred statements, and only four texts are prepared.
const CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `INSERT … SELECT` of `n` file rows numbered with the version the script allocated:
/// `$1` is the app, then path, sha256 and size of each row.
fn files_sql(n: usize) -> &'static str {
    static TEXTS: OnceLock<Vec<(usize, &'static str)>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        CHUNKS
            .iter()
            .map(|&n| {
                let rows: Vec<String> = (0..n).map(|i| format!("(${}, ${}, CAST(${} AS BIGINT))", 3 * i + 2, 3 * i + 3, 3 * i + 4)).collect();
                let sql = format!(
                    "INSERT INTO package_files (app_id, version, path, sha256, size) \
                     SELECT c.app_id, c.n, v.column1, v.column2, v.column3 FROM app_counters c, (VALUES {}) AS v \
                     WHERE c.app_id = $1 AND c.name = 'package_version'",
                    rows.join(", ")
                );
                // Built once per process, for the program's lifetime.
                (n, &*Box::leak(sql.into_boxed_str()))
            })
            .collect()
    });
    texts.iter().find(|(k, _)| *k == n).map(|(_, s)| *s).unwrap_or("")
}

fn file_steps(app_id: i64, files: &[PackageFile]) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut rest = files;
    while !rest.is_empty() {
        let n = CHUNKS.into_iter().find(|&c| c <= rest.len()).unwrap_or(1);
        let (chunk, tail) = rest.split_at(n);
        let mut params: Vec<Val> = Vec::with_capacity(1 + 3 * n);
        params.push(app_id.into());
        for f in chunk {
            params.push((&f.path).into());
            params.push((&f.sha256).into());
            // Text, cast in SQL: every parameter of a VALUES list is bound as one type.
            params.push(f.size.to_string().into());
        }
        steps.push(Step::new(files_sql(n), params));
        rest = tail;
    }
    steps
}

/// An optional integer, bound as text (cast in SQL) so a parameter has one type
/// whether or not it is NULL.
fn opt_int(v: Option<i64>) -> Val {
    v.map(|n| Val::Text(n.to_string())).unwrap_or(Val::Null)
}

#[async_trait]
impl PackageStore for Db {
    async fn create_version(&self, v: &NewVersion<'_>, files: &[PackageFile]) -> R<PackageVersion> {
        let mut steps = vec![
            // The counter row is the lock: concurrent deploys of one app get 1, 2, 3 ….
            Step::new(
                "INSERT INTO app_counters (app_id, name, n) VALUES ($1, 'package_version', 1) \
                 ON CONFLICT (app_id, name) DO UPDATE SET n = app_counters.n + 1 RETURNING n",
                vec![v.app_id.into()],
            ),
            Step::new(
                "INSERT INTO package_versions (app_id, version, manifest_sha256, size, files, created_by, created_at) \
                 SELECT app_id, n, $2, $3, $4, $5, $6 FROM app_counters WHERE app_id = $1 AND name = 'package_version'",
                vec![v.app_id.into(), v.manifest_sha256.into(), v.size.into(), (files.len() as i64).into(), v.created_by.into(), v.now.into()],
            ),
        ];
        steps.extend(file_steps(v.app_id, files));
        steps.push(Step::new(
            "INSERT INTO package_current (app_id, version, updated_at) \
             SELECT app_id, n, $2 FROM app_counters WHERE app_id = $1 AND name = 'package_version' \
             ON CONFLICT (app_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
            vec![v.app_id.into(), v.now.into()],
        ));
        // A first deploy makes a mini program searchable (store/src/search.rs).
        steps.push(crate::search::app_change(v.app_id, v.now));
        let Outcome::Done(results) = self.script(steps).await? else {
            return Err(StoreError::Unavailable("deploy script aborted".into()));
        };
        let number = results.first().and_then(|r| r.rows.first()).map(|r| r.int(0)).transpose()?.unwrap_or(0);
        Ok(PackageVersion {
            app_id: v.app_id,
            version: number,
            manifest_sha256: v.manifest_sha256.to_string(),
            size: v.size,
            files: files.len() as i64,
            created_by: v.created_by.to_string(),
            created_at: v.now,
        })
    }

    async fn versions(&self, app_id: i64) -> R<Vec<PackageVersion>> {
        self.rows(concat!("SELECT ", version_cols!(), " FROM package_versions v WHERE v.app_id = $1 ORDER BY v.version DESC"), vec![app_id.into()])
            .await?
            .iter()
            .map(version)
            .collect()
    }

    async fn deployed_apps(&self, query: &str, limit: i64) -> R<Vec<DeployedApp>> {
        // LIKE's wildcards in the query are matched as themselves.
        let pattern = format!("%{}%", query.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        self.rows(
            "SELECT a.appid, a.name, c.version FROM package_current c JOIN apps a ON a.id = c.app_id \
             WHERE a.suspended = 0 AND ($1 = '' OR lower(a.name) LIKE $2 ESCAPE '\\' OR a.appid = $1) ORDER BY a.name, a.appid LIMIT $3",
            vec![query.into(), pattern.into(), limit.into()],
        )
        .await?
        .iter()
        .map(|r| Ok(DeployedApp { appid: r.text(0)?, name: r.text(1)?, version: r.int(2)? }))
        .collect()
    }

    async fn version(&self, app_id: i64, number: i64) -> R<Option<PackageVersion>> {
        self.row(concat!("SELECT ", version_cols!(), " FROM package_versions v WHERE v.app_id = $1 AND v.version = $2"), vec![app_id.into(), number.into()])
            .await?
            .as_ref()
            .map(version)
            .transpose()
    }

    async fn current_version(&self, app_id: i64) -> R<Option<PackageVersion>> {
        self.row(
            concat!(
                "SELECT ", version_cols!(), " FROM package_current c ",
                "JOIN package_versions v ON v.app_id = c.app_id AND v.version = c.version WHERE c.app_id = $1"
            ),
            vec![app_id.into()],
        )
        .await?
        .as_ref()
        .map(version)
        .transpose()
    }

    async fn set_current_version(&self, app_id: i64, number: i64, now: i64) -> R<bool> {
        let r = self
            .write(
                "INSERT INTO package_current (app_id, version, updated_at) \
                 SELECT app_id, version, $3 FROM package_versions WHERE app_id = $1 AND version = $2 \
                 ON CONFLICT (app_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
                vec![app_id.into(), number.into(), now.into()],
            )
            .await?;
        Ok(r.changed > 0)
    }

    async fn package_file(&self, app_id: i64, number: i64, path: &str) -> R<Option<PackageFile>> {
        self.row(
            "SELECT path, sha256, size FROM package_files WHERE app_id = $1 AND version = $2 AND path = $3",
            vec![app_id.into(), number.into(), path.into()],
        )
        .await?
        .map(|r| Ok(PackageFile { path: r.text(0)?, sha256: r.text(1)?, size: r.int(2)? }))
        .transpose()
    }
}

#[async_trait]
impl DomainStore for Db {
    async fn set_domains(&self, app_id: i64, kind: DomainKind, origins: &[String], now: i64) -> R<()> {
        let mut steps = vec![Step::new("DELETE FROM app_domains WHERE app_id = $1 AND kind = $2", vec![app_id.into(), kind.as_str().into()])];
        for (i, o) in origins.iter().enumerate() {
            steps.push(Step::new(
                "INSERT INTO app_domains (app_id, kind, origin, position, updated_at) VALUES ($1, $2, $3, $4, $5)",
                vec![app_id.into(), kind.as_str().into(), o.into(), (i as i64).into(), now.into()],
            ));
        }
        self.script(steps).await?;
        Ok(())
    }

    async fn domains(&self, app_id: i64) -> R<AppDomains> {
        let mut out = AppDomains::default();
        for r in self.rows("SELECT kind, origin FROM app_domains WHERE app_id = $1 ORDER BY kind, position", vec![app_id.into()]).await? {
            let origin = r.text(1)?;
            match DomainKind::parse(&r.text(0)?) {
                Some(DomainKind::Request) => out.request.push(origin),
                Some(DomainKind::Upload) => out.upload.push(origin),
                Some(DomainKind::Download) => out.download.push(origin),
                None => {}
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl EventStore for Db {
    async fn record_events(&self, app_id: i64, user_id: i64, events: &[NewEvent], now: i64) -> R<()> {
        if events.is_empty() {
            return Ok(());
        }
        let steps = events
            .iter()
            .map(|e| {
                Step::new(
                    "INSERT INTO app_events (app_id, user_id, kind, name, data, scene, path, client_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT), $7, CAST($8 AS BIGINT), $9)",
                    vec![
                        app_id.into(),
                        user_id.into(),
                        e.kind.into(),
                        e.name.as_deref().into(),
                        (&e.data).into(),
                        opt_int(e.scene),
                        e.path.as_deref().into(),
                        opt_int(e.client_at),
                        now.into(),
                    ],
                )
            })
            .collect();
        self.script(steps).await?;
        Ok(())
    }

    async fn count_events(&self, app_id: i64, kind: Option<&str>, name: Option<&str>) -> R<i64> {
        let row = self
            .row(
                "SELECT COUNT(*) FROM app_events WHERE app_id = $1 AND ($2 = '' OR kind = $2) AND ($3 = '' OR name = $3)",
                vec![app_id.into(), kind.unwrap_or("").into(), name.unwrap_or("").into()],
            )
            .await?;
        row.map_or(Ok(0), |r| r.int(0))
    }

    async fn events(&self, app_id: i64, user_id: Option<i64>, limit: i64) -> R<Vec<StoredEvent>> {
        self.rows(
            "SELECT id, app_id, user_id, kind, name, data, scene, path, client_at, created_at FROM app_events \
             WHERE app_id = $1 AND ($2 = 0 OR user_id = $2) ORDER BY id DESC LIMIT $3",
            vec![app_id.into(), user_id.unwrap_or(0).into(), limit.into()],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(StoredEvent {
                id: r.int(0)?,
                app_id: r.int(1)?,
                user_id: r.int(2)?,
                kind: r.text(3)?,
                name: r.opt_text(4)?,
                data: r.text(5)?,
                scene: r.opt_int(6)?,
                path: r.opt_text(7)?,
                client_at: r.opt_int(8)?,
                created_at: r.int(9)?,
            })
        })
        .collect()
    }
}
