//! `LinkStore` in SQL, one text for both backends: links, limited codes, the counters
//! that bound them, and opens. Every quota is one conditional upsert (its WHERE runs
//! under the counter row's lock) in the same script as what it pays for, so a refusal
//! rolls everything back and nodes sharing PostgreSQL agree.

use crate::{Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::identity::StoreError;
use openmini_core::traffic::link_store::*;

/// One quota: a newer window starts at 1; the same (or an older one, from a node whose
/// clock is behind) counts on while below the limit. Changes no row when full.
const COUNT: &str = "INSERT INTO link_counters (app_id, name, win, n) VALUES ($1, $2, $3, 1) \
     ON CONFLICT (app_id, name) DO UPDATE SET \
       n = CASE WHEN link_counters.win < excluded.win THEN 1 ELSE link_counters.n + 1 END, \
       win = CASE WHEN link_counters.win < excluded.win THEN excluded.win ELSE link_counters.win END \
     WHERE link_counters.win < excluded.win OR link_counters.n < $4";

fn count(app_id: i64, q: &Quota, tag: u8) -> Step {
    Step::new(COUNT, vec![app_id.into(), q.name.into(), q.window.into(), q.limit.into()]).or_abort(tag)
}

/// An optional integer, bound as text and cast in SQL, so the parameter has one type
/// whether or not it is NULL.
fn opt_int(v: Option<i64>) -> Val {
    v.map(|n| Val::Text(n.to_string())).unwrap_or(Val::Null)
}

fn opens(r: &Row, at: usize) -> R<Opens> {
    Ok(Opens { count: r.int(at)?, last_user_id: r.opt_int(at + 1)?, last_at: r.opt_int(at + 2)? })
}

fn link(r: &Row) -> R<StoredLink> {
    let kind = r.text(2)?;
    Ok(StoredLink {
        link: NewLink {
            code: r.text(0)?,
            app_id: r.int(1)?,
            kind: LinkKind::parse(&kind).ok_or_else(|| StoreError::Unavailable(format!("unknown link kind {kind}")))?,
            path: r.text(3)?,
            query: r.text(4)?,
            env_version: r.text(5)?,
            title: r.text(6)?,
            expire_at: r.opt_int(7)?,
            created_at: r.int(8)?,
        },
        opens: opens(r, 9)?,
    })
}

fn code(r: &Row) -> R<StoredCode> {
    let kind = r.text(2)?;
    Ok(StoredCode {
        code: NewCode {
            id: r.text(0)?,
            app_id: r.int(1)?,
            kind: CodeKind::parse(&kind).ok_or_else(|| StoreError::Unavailable(format!("unknown code kind {kind}")))?,
            path: r.text(3)?,
            query: r.text(4)?,
            created_at: r.int(5)?,
        },
        opens: opens(r, 6)?,
    })
}

impl Db {
    async fn code_for(&self, c: &NewCode) -> R<Option<StoredCode>> {
        self.row(
            "SELECT id, app_id, kind, path, query, created_at, opens, last_user_id, last_open_at FROM wxa_codes \
             WHERE app_id = $1 AND kind = $2 AND path = $3 AND query = $4",
            vec![c.app_id.into(), c.kind.as_str().into(), (&c.path).into(), (&c.query).into()],
        )
        .await?
        .as_ref()
        .map(code)
        .transpose()
    }
}

#[async_trait]
impl LinkStore for Db {
    async fn create_link(&self, l: &NewLink, quotas: &[Quota]) -> R<Option<usize>> {
        let mut steps: Vec<Step> = quotas.iter().enumerate().map(|(i, q)| count(l.app_id, q, i as u8 + 1)).collect();
        steps.push(Step::new(
            "INSERT INTO links (code, app_id, kind, path, query, env_version, title, expire_at, created_at, opens) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS BIGINT), $9, 0)",
            vec![
                (&l.code).into(),
                l.app_id.into(),
                l.kind.as_str().into(),
                (&l.path).into(),
                (&l.query).into(),
                (&l.env_version).into(),
                (&l.title).into(),
                opt_int(l.expire_at),
                l.created_at.into(),
            ],
        ));
        Ok(match self.script(steps).await? {
            Outcome::Done(_) => None,
            Outcome::Aborted(tag) => Some(tag.saturating_sub(1) as usize),
        })
    }

    async fn link(&self, c: &str) -> R<Option<StoredLink>> {
        self.row(
            "SELECT code, app_id, kind, path, query, env_version, title, expire_at, created_at, opens, last_user_id, last_open_at \
             FROM links WHERE code = $1",
            vec![c.into()],
        )
        .await?
        .as_ref()
        .map(link)
        .transpose()
    }

    async fn create_code(&self, c: &NewCode, quota: &Quota) -> R<CodeOutcome> {
        if let Some(existing) = self.code_for(c).await? {
            return Ok(CodeOutcome::Existing(existing));
        }
        const FULL: u8 = 1;
        const RACED: u8 = 2;
        let outcome = self
            .script(vec![
                count(c.app_id, quota, FULL),
                Step::new(
                    "INSERT INTO wxa_codes (id, app_id, kind, path, query, created_at, opens) VALUES ($1, $2, $3, $4, $5, $6, 0) \
                     ON CONFLICT (app_id, kind, path, query) DO NOTHING",
                    vec![(&c.id).into(), c.app_id.into(), c.kind.as_str().into(), (&c.path).into(), (&c.query).into(), c.created_at.into()],
                )
                .or_abort(RACED),
            ])
            .await?;
        match outcome {
            Outcome::Done(_) => Ok(CodeOutcome::Created),
            Outcome::Aborted(FULL) => Ok(CodeOutcome::Refused),
            // Another request made the same code first: its row, and nothing counted.
            Outcome::Aborted(_) => match self.code_for(c).await? {
                Some(existing) => Ok(CodeOutcome::Existing(existing)),
                None => Err(StoreError::Unavailable("a code raced in and vanished".into())),
            },
        }
    }

    async fn code(&self, id: &str) -> R<Option<StoredCode>> {
        self.row("SELECT id, app_id, kind, path, query, created_at, opens, last_user_id, last_open_at FROM wxa_codes WHERE id = $1", vec![id.into()])
            .await?
            .as_ref()
            .map(code)
            .transpose()
    }

    async fn record_open(&self, o: &OpenRecord<'_>) -> R<bool> {
        let mut steps = Vec::with_capacity(3);
        if let Some(q) = &o.quota {
            steps.push(count(o.app_id, q, 1));
        }
        match o.target {
            OpenTarget::Link(c) => steps.push(Step::new(
                "UPDATE links SET opens = opens + 1, last_user_id = $2, last_open_at = $3 WHERE code = $1",
                vec![c.into(), o.user_id.into(), o.now.into()],
            )),
            OpenTarget::Code(id) => steps.push(Step::new(
                "UPDATE wxa_codes SET opens = opens + 1, last_user_id = $2, last_open_at = $3 WHERE id = $1",
                vec![id.into(), o.user_id.into(), o.now.into()],
            )),
            OpenTarget::Nothing => {}
        }
        let e = o.event;
        steps.push(Step::new(
            "INSERT INTO app_events (app_id, user_id, kind, name, data, scene, path, client_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, CAST($6 AS BIGINT), $7, CAST($8 AS BIGINT), $9)",
            vec![
                o.app_id.into(),
                o.user_id.into(),
                e.kind.into(),
                e.name.as_deref().into(),
                (&e.data).into(),
                opt_int(e.scene),
                e.path.as_deref().into(),
                opt_int(e.client_at),
                o.now.into(),
            ],
        ));
        Ok(matches!(self.script(steps).await?, Outcome::Done(_)))
    }

    async fn quota_used(&self, app_id: i64, name: &str, window: i64) -> R<i64> {
        let r = self.row("SELECT win, n FROM link_counters WHERE app_id = $1 AND name = $2", vec![app_id.into(), name.into()]).await?;
        Ok(match r {
            Some(r) if r.int(0)? == window => r.int(1)?,
            _ => 0,
        })
    }
}
