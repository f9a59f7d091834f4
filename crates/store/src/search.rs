//! `SearchStore` in SQL, one text for both backends: apps' services, the suspension
//! flag and description, what the index reads, the change log, usage.

use crate::{Db, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::identity::{AppKind, StoreError};
use openmini_core::search::services::Service;
use openmini_core::search::store::*;
use std::sync::OnceLock;

/// An account's articles indexed when it changes: its latest this many (a rebuild
/// indexes all).
const ACCOUNT_ARTICLES: i64 = 1000;

/// Service rows go in multi-row statements of these sizes (largest first): 200
/// services are 5 statements, and only four texts are prepared.
const CHUNKS: [usize; 4] = [64, 16, 4, 1];

/// `INSERT` of `n` service rows: `$1` the app, `$2` the time, then position, page,
/// title, keywords and category of each row.
fn services_sql(n: usize) -> &'static str {
    static TEXTS: OnceLock<Vec<(usize, &'static str)>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        CHUNKS
            .iter()
            .map(|&n| {
                let rows: Vec<String> =
                    (0..n).map(|i| format!("($1, ${}, ${}, ${}, ${}, ${}, $2)", 5 * i + 3, 5 * i + 4, 5 * i + 5, 5 * i + 6, 5 * i + 7)).collect();
                let sql = format!(
                    "INSERT INTO app_services (app_id, position, page, title, keywords, category, updated_at) VALUES {}",
                    rows.join(", ")
                );
                // Built once per process, for the program's lifetime.
                (n, &*Box::leak(sql.into_boxed_str()))
            })
            .collect()
    });
    texts.iter().find(|(k, _)| *k == n).map(|(_, s)| *s).unwrap_or("")
}

/// The change-log row of an app, written in the same script as the change.
pub(crate) fn app_change(app_id: i64, now: i64) -> Step {
    Step::new(
        "INSERT INTO search_changes (kind, target, created_at) SELECT 'app', appid, $2 FROM apps WHERE id = $1",
        vec![app_id.into(), now.into()],
    )
}

/// The change-log row of an app known by appid (before its row exists).
pub(crate) fn appid_change(appid: &str, now: i64) -> Step {
    Step::new("INSERT INTO search_changes (kind, target, created_at) VALUES ('app', $1, $2)", vec![appid.into(), now.into()])
}

fn service(r: &Row, from: usize) -> R<Service> {
    let keywords = r.text(from + 2)?;
    Ok(Service {
        page: r.text(from)?,
        title: r.text(from + 1)?,
        keywords: serde_json::from_str(&keywords).map_err(|_| StoreError::Unavailable("bad keywords column".into()))?,
        category: r.text(from + 3)?,
    })
}

macro_rules! index_app_cols {
    () => {
        "a.id, a.appid, a.kind, a.name, a.description, a.suspended, \
         CAST(CASE WHEN c.app_id IS NULL THEN 0 ELSE 1 END AS BIGINT) \
         FROM apps a LEFT JOIN package_current c ON c.app_id = a.id"
    };
}

fn index_app(r: &Row) -> R<IndexApp> {
    let kind = r.text(2)?;
    Ok(IndexApp {
        id: r.int(0)?,
        appid: r.text(1)?,
        kind: AppKind::parse(&kind).ok_or_else(|| StoreError::Unavailable(format!("bad app kind {kind}")))?,
        name: r.text(3)?,
        description: r.text(4)?,
        suspended: r.int(5)? != 0,
        deployed: r.int(6)? != 0,
        services: Vec::new(),
        articles: Vec::new(),
    })
}

fn change_row(r: &Row) -> R<ChangeRow> {
    Ok(ChangeRow { seq: r.int(0)?, change: Change::parse(&r.text(1)?, &r.text(2)?) })
}

#[async_trait]
impl SearchStore for Db {
    async fn replace_services(&self, app_id: i64, services: &[Service], now: i64) -> R<()> {
        let mut steps = vec![Step::new("DELETE FROM app_services WHERE app_id = $1", vec![app_id.into()])];
        let mut rest = services;
        let mut position = 0i64;
        while !rest.is_empty() {
            let n = CHUNKS.into_iter().find(|&c| c <= rest.len()).unwrap_or(1);
            let (chunk, tail) = rest.split_at(n);
            let mut params: Vec<Val> = Vec::with_capacity(2 + 5 * n);
            params.push(app_id.into());
            params.push(now.into());
            for s in chunk {
                params.push(position.into());
                params.push((&s.page).into());
                params.push((&s.title).into());
                params.push(serde_json::to_string(&s.keywords).unwrap_or_else(|_| "[]".into()).into());
                params.push((&s.category).into());
                position += 1;
            }
            steps.push(Step::new(services_sql(n), params));
            rest = tail;
        }
        steps.push(app_change(app_id, now));
        self.script(steps).await?;
        Ok(())
    }

    async fn services(&self, app_id: i64) -> R<Vec<Service>> {
        self.rows("SELECT page, title, keywords, category FROM app_services WHERE app_id = $1 ORDER BY position", vec![app_id.into()])
            .await?
            .iter()
            .map(|r| service(r, 0))
            .collect()
    }

    async fn set_description(&self, app_id: i64, description: &str, now: i64) -> R<()> {
        self.script(vec![
            Step::new("UPDATE apps SET description = $2 WHERE id = $1", vec![app_id.into(), description.into()]),
            app_change(app_id, now),
        ])
        .await?;
        Ok(())
    }

    async fn set_suspended(&self, app_id: i64, suspended: bool, now: i64) -> R<bool> {
        let out = self
            .script(vec![
                Step::new("UPDATE apps SET suspended = $2 WHERE id = $1", vec![app_id.into(), i64::from(suspended).into()]),
                app_change(app_id, now),
            ])
            .await?;
        Ok(matches!(out, crate::Outcome::Done(r) if r.first().is_some_and(|s| s.changed > 0)))
    }

    async fn is_suspended(&self, app_id: i64) -> R<bool> {
        let row = self.row("SELECT suspended FROM apps WHERE id = $1", vec![app_id.into()]).await?;
        Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) != 0)
    }

    async fn index_apps(&self, after_id: i64, limit: i64) -> R<Vec<IndexApp>> {
        let mut apps: Vec<IndexApp> = self
            .rows(concat!("SELECT ", index_app_cols!(), " WHERE a.id > $1 ORDER BY a.id LIMIT $2"), vec![after_id.into(), limit.into()])
            .await?
            .iter()
            .map(index_app)
            .collect::<R<_>>()?;
        let Some(last) = apps.last().map(|a| a.id) else { return Ok(apps) };
        let rows = self
            .rows(
                "SELECT app_id, page, title, keywords, category FROM app_services WHERE app_id > $1 AND app_id <= $2 ORDER BY app_id, position",
                vec![after_id.into(), last.into()],
            )
            .await?;
        // Both lists are ordered by app id: one pass.
        let mut i = 0;
        for r in &rows {
            let app_id = r.int(0)?;
            while i < apps.len() && apps[i].id < app_id {
                i += 1;
            }
            if let Some(a) = apps.get_mut(i).filter(|a| a.id == app_id) {
                a.services.push(service(r, 1)?);
            }
        }
        Ok(apps)
    }

    async fn index_app(&self, appid: &str) -> R<Option<IndexApp>> {
        let Some(row) = self.row(concat!("SELECT ", index_app_cols!(), " WHERE a.appid = $1"), vec![appid.into()]).await? else {
            return Ok(None);
        };
        let mut app = index_app(&row)?;
        match app.kind {
            AppKind::Miniprogram => app.services = self.services(app.id).await?,
            AppKind::Service | AppKind::Subscription => {
                app.articles = self
                    .rows(
                        "SELECT id, title, digest FROM articles WHERE app_id = $1 ORDER BY id DESC LIMIT $2",
                        vec![app.id.into(), ACCOUNT_ARTICLES.into()],
                    )
                    .await?
                    .iter()
                    .map(|r| Ok(IndexArticle { id: r.int(0)?, appid: app.appid.clone(), title: r.text(1)?, digest: r.text(2)? }))
                    .collect::<R<_>>()?;
            }
            AppKind::Website | AppKind::Mobile => {}
        }
        Ok(Some(app))
    }

    // Articles are the `articles` table of service and subscription accounts
    // (`/cgi-bin/draft/add`, store/src/entries.rs); a draft added or deleted writes the
    // account's 'app' change in the same script.
    async fn index_articles(&self, after_id: i64, limit: i64) -> R<Vec<IndexArticle>> {
        self.rows(
            "SELECT ar.id, a.appid, ar.title, ar.digest FROM articles ar JOIN apps a ON a.id = ar.app_id WHERE ar.id > $1 ORDER BY ar.id LIMIT $2",
            vec![after_id.into(), limit.into()],
        )
        .await?
        .iter()
        .map(|r| Ok(IndexArticle { id: r.int(0)?, appid: r.text(1)?, title: r.text(2)?, digest: r.text(3)? }))
        .collect()
    }

    async fn last_change(&self) -> R<i64> {
        let row = self.row("SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM search_changes", vec![]).await?;
        row.map_or(Ok(0), |r| r.int(0))
    }

    async fn changes_after(&self, seq: i64, limit: i64) -> R<Vec<ChangeRow>> {
        self.rows(
            "SELECT seq, kind, target FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            vec![seq.into(), limit.into()],
        )
        .await?
        .iter()
        .map(change_row)
        .collect()
    }

    async fn change(&self, seq: i64) -> R<Option<ChangeRow>> {
        self.row("SELECT seq, kind, target FROM search_changes WHERE seq = $1", vec![seq.into()]).await?.as_ref().map(change_row).transpose()
    }

    async fn prune_changes(&self, before: i64) -> R<u64> {
        Ok(self.write("DELETE FROM search_changes WHERE created_at < $1", vec![before.into()]).await?.changed)
    }

    async fn opens_since(&self, since: i64) -> R<Vec<(String, i64)>> {
        self.rows(
            "SELECT a.appid, o.n FROM (SELECT app_id, COUNT(*) AS n FROM app_events WHERE kind = 'open' AND created_at >= $1 GROUP BY app_id) o \
             JOIN apps a ON a.id = o.app_id",
            vec![since.into()],
        )
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?)))
        .collect()
    }

    async fn like_services(&self, text: &str, limit: i64) -> R<Vec<(String, String, String)>> {
        // LIKE's wildcards in the text are matched as themselves.
        let pattern = format!("%{}%", text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        self.rows(
            "SELECT a.appid, s.page, s.title FROM app_services s JOIN apps a ON a.id = s.app_id \
             WHERE a.suspended = 0 AND (lower(s.title) LIKE $1 ESCAPE '\\' OR lower(s.keywords) LIKE $1 ESCAPE '\\') LIMIT $2",
            vec![pattern.into(), limit.into()],
        )
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
        .collect()
    }
}
