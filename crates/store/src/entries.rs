//! The entries' store traits in SQL (docs/traffic.md: other apps, shares, service
//! accounts), one text for both backends. The link limit is decided by the app's
//! `app_counters` row in the same script as the link, so two nodes linking at once
//! cannot pass it.

use crate::{Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::identity::StoreError;
use openmini_core::traffic::entry_store::*;

const ALREADY: u8 = 1;
const LIMIT: u8 = 2;

#[async_trait]
impl LaunchStore for Db {
    async fn link_app(&self, app_id: i64, miniprogram_id: i64, limit: i64, now: i64) -> R<LinkOutcome> {
        let outcome = self
            .script(vec![
                Step::new(
                    "INSERT INTO app_counters (app_id, name, n) VALUES ($1, 'mobile_links', 0) ON CONFLICT (app_id, name) DO NOTHING",
                    vec![app_id.into()],
                ),
                Step::new(
                    "INSERT INTO app_links (app_id, miniprogram_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (app_id, miniprogram_id) DO NOTHING",
                    vec![app_id.into(), miniprogram_id.into(), now.into()],
                )
                .or_abort(ALREADY),
                // The counter row's lock orders concurrent links of one app.
                Step::new(
                    "UPDATE app_counters SET n = n + 1 WHERE app_id = $1 AND name = 'mobile_links' AND n < $2",
                    vec![app_id.into(), limit.into()],
                )
                .or_abort(LIMIT),
            ])
            .await?;
        Ok(match outcome {
            Outcome::Done(_) => LinkOutcome::Linked,
            Outcome::Aborted(ALREADY) => LinkOutcome::AlreadyLinked,
            Outcome::Aborted(_) => LinkOutcome::LimitReached,
        })
    }

    async fn unlink_app(&self, app_id: i64, miniprogram_id: i64) -> R<bool> {
        let outcome = self
            .script(vec![
                Step::new("DELETE FROM app_links WHERE app_id = $1 AND miniprogram_id = $2", vec![app_id.into(), miniprogram_id.into()]).or_abort(ALREADY),
                Step::new("UPDATE app_counters SET n = n - 1 WHERE app_id = $1 AND name = 'mobile_links' AND n > 0", vec![app_id.into()]),
            ])
            .await?;
        Ok(matches!(outcome, Outcome::Done(_)))
    }

    async fn app_links(&self, app_id: i64) -> R<Vec<String>> {
        self.rows(
            "SELECT a.appid FROM app_links l JOIN apps a ON a.id = l.miniprogram_id WHERE l.app_id = $1 ORDER BY l.created_at, l.miniprogram_id",
            vec![app_id.into()],
        )
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect()
    }

    async fn is_linked(&self, app_id: i64, miniprogram_id: i64) -> R<bool> {
        Ok(self.row("SELECT 1 FROM app_links WHERE app_id = $1 AND miniprogram_id = $2", vec![app_id.into(), miniprogram_id.into()]).await?.is_some())
    }

    async fn related_miniprograms(&self, subject_id: i64, open_appid: Option<&str>) -> R<Vec<String>> {
        self.rows(
            "SELECT appid FROM apps WHERE kind = 'miniprogram' AND (subject_id = $1 OR ($2 <> '' AND open_appid = $2)) ORDER BY id LIMIT 1000",
            vec![subject_id.into(), open_appid.unwrap_or("").into()],
        )
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect()
    }

    async fn set_host_mobile_app(&self, host_app_id: i64, app_id: Option<i64>, now: i64) -> R<()> {
        match app_id {
            Some(a) => {
                self.write(
                    "INSERT INTO host_app_mobile (host_app_id, app_id, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (host_app_id) DO UPDATE SET app_id = excluded.app_id, updated_at = excluded.updated_at",
                    vec![host_app_id.into(), a.into(), now.into()],
                )
                .await?;
            }
            None => {
                self.write("DELETE FROM host_app_mobile WHERE host_app_id = $1", vec![host_app_id.into()]).await?;
            }
        }
        Ok(())
    }

    async fn host_mobile_app(&self, host_app_id: i64) -> R<Option<i64>> {
        self.row("SELECT app_id FROM host_app_mobile WHERE host_app_id = $1", vec![host_app_id.into()]).await?.map(|r| r.int(0)).transpose()
    }

    async fn grant_launch_consent(&self, user_id: i64, host_app_id: i64, app_id: i64, now: i64) -> R<()> {
        self.write(
            "INSERT INTO launch_consents (user_id, host_app_id, app_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, host_app_id, app_id) DO NOTHING",
            vec![user_id.into(), host_app_id.into(), app_id.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    async fn launch_consent(&self, user_id: i64, host_app_id: i64, app_id: i64) -> R<bool> {
        Ok(self
            .row(
                "SELECT 1 FROM launch_consents WHERE user_id = $1 AND host_app_id = $2 AND app_id = $3",
                vec![user_id.into(), host_app_id.into(), app_id.into()],
            )
            .await?
            .is_some())
    }
}

fn share(r: &Row) -> R<Share> {
    let target = r.text(4)?;
    Ok(Share {
        id: r.int(0)?,
        app_id: r.int(1)?,
        user_id: r.int(2)?,
        host_app_id: r.int(3)?,
        target: ShareTarget::parse(&target).ok_or_else(|| StoreError::Unavailable(format!("bad share target {target}")))?,
        chat_id: r.opt_text(5)?,
        title: r.text(6)?,
        path: r.text(7)?,
        image_url: r.text(8)?,
        with_ticket: r.int(9)? != 0,
        created_at: r.int(10)?,
    })
}

#[async_trait]
impl ShareStore for Db {
    async fn record_share(&self, s: &NewShare) -> R<i64> {
        let r = self
            .write(
                "INSERT INTO shares (app_id, user_id, host_app_id, target, chat_id, title, path, image_url, with_ticket, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                vec![
                    s.app_id.into(),
                    s.user_id.into(),
                    s.host_app_id.into(),
                    s.target.as_str().into(),
                    s.chat_id.as_deref().into(),
                    (&s.title).into(),
                    (&s.path).into(),
                    (&s.image_url).into(),
                    (s.with_ticket as i64).into(),
                    s.now.into(),
                ],
            )
            .await?;
        r.rows.first().ok_or_else(|| StoreError::Unavailable("no id returned".into()))?.int(0)
    }

    async fn share(&self, id: i64) -> R<Option<Share>> {
        self.row(
            "SELECT id, app_id, user_id, host_app_id, target, chat_id, title, path, image_url, with_ticket, created_at FROM shares WHERE id = $1",
            vec![id.into()],
        )
        .await?
        .as_ref()
        .map(share)
        .transpose()
    }

    async fn count_shares(&self, app_id: i64) -> R<i64> {
        self.row("SELECT COUNT(*) FROM shares WHERE app_id = $1", vec![app_id.into()]).await?.map_or(Ok(0), |r| r.int(0))
    }
}

macro_rules! article_cols {
    () => {
        "id, app_id, media_id, position, title, author, digest, content, content_source_url, thumb_url, miniprogram_appid, miniprogram_path, created_at"
    };
}

fn article(r: &Row) -> R<StoredArticle> {
    let miniprogram = match (r.opt_text(10)?, r.opt_text(11)?) {
        (Some(a), Some(p)) => Some((a, p)),
        _ => None,
    };
    Ok(StoredArticle {
        id: r.int(0)?,
        app_id: r.int(1)?,
        media_id: r.text(2)?,
        index: r.int(3)?,
        article: Article {
            title: r.text(4)?,
            author: r.text(5)?,
            digest: r.text(6)?,
            content: r.text(7)?,
            content_source_url: r.text(8)?,
            thumb_url: r.text(9)?,
            miniprogram,
        },
        created_at: r.int(12)?,
    })
}

#[async_trait]
impl OfficialStore for Db {
    async fn set_menu(&self, app_id: i64, menu: &str, now: i64) -> R<()> {
        self.write(
            "INSERT INTO official_menus (app_id, menu, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (app_id) DO UPDATE SET menu = excluded.menu, updated_at = excluded.updated_at",
            vec![app_id.into(), menu.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    async fn menu(&self, app_id: i64) -> R<Option<String>> {
        self.row("SELECT menu FROM official_menus WHERE app_id = $1", vec![app_id.into()]).await?.map(|r| r.text(0)).transpose()
    }

    async fn delete_menu(&self, app_id: i64) -> R<bool> {
        Ok(self.write("DELETE FROM official_menus WHERE app_id = $1", vec![app_id.into()]).await?.changed > 0)
    }

    async fn add_draft(&self, app_id: i64, media_id: &str, articles: &[Article], now: i64) -> R<()> {
        let steps = articles
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (mp_appid, mp_path) = match &a.miniprogram {
                    Some((x, y)) => (Val::from(x), Val::from(y)),
                    None => (Val::Null, Val::Null),
                };
                Step::new(
                    "INSERT INTO articles (app_id, media_id, position, title, author, digest, content, content_source_url, thumb_url, \
                     miniprogram_appid, miniprogram_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    vec![
                        app_id.into(),
                        media_id.into(),
                        (i as i64).into(),
                        (&a.title).into(),
                        (&a.author).into(),
                        (&a.digest).into(),
                        (&a.content).into(),
                        (&a.content_source_url).into(),
                        (&a.thumb_url).into(),
                        mp_appid,
                        mp_path,
                        now.into(),
                    ],
                )
            })
            .collect::<Vec<_>>();
        let mut steps = steps;
        // Search indexes the account's articles again (store/src/search.rs).
        steps.push(crate::search::app_change(app_id, now));
        self.script(steps).await?;
        Ok(())
    }

    async fn draft(&self, app_id: i64, media_id: &str) -> R<Vec<StoredArticle>> {
        self.rows(
            concat!("SELECT ", article_cols!(), " FROM articles WHERE app_id = $1 AND media_id = $2 ORDER BY position"),
            vec![app_id.into(), media_id.into()],
        )
        .await?
        .iter()
        .map(article)
        .collect()
    }

    async fn delete_draft(&self, app_id: i64, media_id: &str) -> R<bool> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let out = self
            .script(vec![
                Step::new("DELETE FROM articles WHERE app_id = $1 AND media_id = $2", vec![app_id.into(), media_id.into()]),
                // Search drops the deleted articles (store/src/search.rs).
                crate::search::app_change(app_id, now),
            ])
            .await?;
        Ok(matches!(out, crate::Outcome::Done(r) if r.first().is_some_and(|s| s.changed > 0)))
    }

    async fn articles(&self, app_id: i64, limit: i64) -> R<Vec<StoredArticle>> {
        self.rows(
            concat!("SELECT ", article_cols!(), " FROM articles WHERE app_id = $1 ORDER BY id DESC LIMIT $2"),
            vec![app_id.into(), limit.into()],
        )
        .await?
        .iter()
        .map(article)
        .collect()
    }

    async fn article(&self, id: i64) -> R<Option<StoredArticle>> {
        self.row(concat!("SELECT ", article_cols!(), " FROM articles WHERE id = $1"), vec![id.into()]).await?.as_ref().map(article).transpose()
    }

    async fn official_accounts(&self, limit: i64) -> R<Vec<OfficialAccount>> {
        self.rows(
            "SELECT appid, name, kind FROM apps WHERE kind IN ('service', 'subscription') ORDER BY name, appid LIMIT $1",
            vec![limit.into()],
        )
        .await?
        .iter()
        .map(|r| Ok(OfficialAccount { appid: r.text(0)?, name: r.text(1)?, kind: r.text(2)? }))
        .collect()
    }
}
