//! `PushStore`, `OutboxStore` and `CampaignStore` in SQL, one text for both backends.

use crate::reach::{delivered_id, delivery_steps};
use crate::{Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::identity::StoreError;
use openmini_core::reach::push::Allowance;
use openmini_core::reach::store::{
    Attempt, Batch, Campaign, CampaignStore, Delivery, OutboxEvent, OutboxItem, OutboxStore, PushFigures, PushRefusal, PushStore,
    ServerConfig,
};

#[async_trait]
impl PushStore for Db {
    async fn add_my_app(&self, user_id: i64, app_id: i64, now: i64) -> R<()> {
        self.write(
            "INSERT INTO my_apps (user_id, app_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, app_id) DO NOTHING",
            vec![user_id.into(), app_id.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    async fn remove_my_app(&self, user_id: i64, app_id: i64) -> R<bool> {
        Ok(self.write("DELETE FROM my_apps WHERE user_id = $1 AND app_id = $2", vec![user_id.into(), app_id.into()]).await?.changed == 1)
    }

    async fn my_apps(&self, user_id: i64) -> R<Vec<(i64, i64)>> {
        self.rows("SELECT app_id, added_at FROM my_apps WHERE user_id = $1 ORDER BY added_at DESC, app_id", vec![user_id.into()])
            .await?
            .iter()
            .map(|r| Ok((r.int(0)?, r.int(1)?)))
            .collect()
    }

    async fn set_push_refusal(&self, app_id: i64, user_id: i64, refused: bool, now: i64) -> R<()> {
        let (sql, params): (&'static str, Vec<Val>) = if refused {
            (
                "INSERT INTO push_refusals (app_id, user_id, refused_at) VALUES ($1, $2, $3) ON CONFLICT (app_id, user_id) DO NOTHING",
                vec![app_id.into(), user_id.into(), now.into()],
            )
        } else {
            ("DELETE FROM push_refusals WHERE app_id = $1 AND user_id = $2", vec![app_id.into(), user_id.into()])
        };
        self.write(sql, params).await?;
        Ok(())
    }

    async fn push_state(&self, app_id: i64, user_id: i64) -> R<(bool, bool)> {
        let r = self
            .row(
                "SELECT (SELECT COUNT(*) FROM my_apps WHERE user_id = $2 AND app_id = $1), \
                        (SELECT COUNT(*) FROM push_refusals WHERE app_id = $1 AND user_id = $2)",
                vec![app_id.into(), user_id.into()],
            )
            .await?
            .ok_or_else(|| StoreError::Unavailable("no row".into()))?;
        Ok((r.int(0)? > 0, r.int(1)? > 0))
    }

    async fn allowance(&self, app_id: i64, week: i64) -> R<Option<Allowance>> {
        let Some(r) = self.row("SELECT figures FROM push_allowances WHERE app_id = $1 AND week = $2", vec![app_id.into(), week.into()]).await?
        else {
            return Ok(None);
        };
        serde_json::from_str(&r.text(0)?).map(Some).map_err(|e| StoreError::Unavailable(format!("stored allowance: {e}")))
    }

    async fn latest_allowance_before(&self, app_id: i64, week: i64) -> R<Option<i64>> {
        self.row(
            "SELECT allowance FROM push_allowances WHERE app_id = $1 AND week < $2 ORDER BY week DESC LIMIT 1",
            vec![app_id.into(), week.into()],
        )
        .await?
        .map(|r| r.int(0))
        .transpose()
    }

    async fn put_allowance(&self, app_id: i64, a: &Allowance, now: i64) -> R<()> {
        let figures = serde_json::to_string(a).map_err(|e| StoreError::Unavailable(e.to_string()))?;
        self.write(
            "INSERT INTO push_allowances (app_id, week, allowance, figures, computed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (app_id, week) DO NOTHING",
            vec![app_id.into(), a.week.into(), a.allowance.into(), figures.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    async fn push_figures(&self, app_id: i64, from: i64, to: i64) -> R<PushFigures> {
        let r = self
            .row(
                "SELECT COUNT(*), COUNT(DISTINCT user_id), COUNT(clicked_at), \
                   CAST(COALESCE(SUM(CASE WHEN clicked_at IS NOT NULL AND complained_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
                   COUNT(complained_at), \
                   (SELECT COUNT(*) FROM push_refusals WHERE app_id = $1 AND refused_at >= $2 AND refused_at < $3) \
                 FROM inbox WHERE app_id = $1 AND folder = 'push' AND created_at >= $2 AND created_at < $3",
                vec![app_id.into(), from.into(), to.into()],
            )
            .await?
            .ok_or_else(|| StoreError::Unavailable("no row".into()))?;
        Ok(PushFigures {
            sent: r.int(0)?,
            recipients: r.int(1)?,
            clicks: r.int(2)?,
            effective_clicks: r.int(3)?,
            complaints: r.int(4)?,
            refusals: r.int(5)?,
        })
    }

    async fn push_deliver(&self, d: &Delivery<'_>, week: i64, allowance: i64) -> R<Result<i64, PushRefusal>> {
        // The user's count row of the week is the lock: concurrent pushes on any node
        // count one by one, and the last one over the allowance changes nothing.
        let count = Step::new(
            "INSERT INTO push_counts (app_id, user_id, week, n) SELECT $1, $2, $3, 1 \
             WHERE $4 > 0 AND EXISTS (SELECT 1 FROM my_apps WHERE user_id = $2 AND app_id = $1) \
               AND NOT EXISTS (SELECT 1 FROM push_refusals WHERE app_id = $1 AND user_id = $2) \
             ON CONFLICT (app_id, week, user_id) DO UPDATE SET n = push_counts.n + 1 WHERE push_counts.n < $4",
            vec![d.app_id.into(), d.user_id.into(), week.into(), allowance.into()],
        )
        .or_abort(1);
        let mut steps = vec![count];
        steps.extend(delivery_steps(d));
        match self.script(steps).await? {
            Outcome::Done(r) => Ok(Ok(delivered_id(r)?)),
            Outcome::Aborted(_) => {
                let (added, refused) = self.push_state(d.app_id, d.user_id).await?;
                Ok(Err(if added && !refused { PushRefusal::AllowanceUsed } else { PushRefusal::NotAdded }))
            }
        }
    }

    async fn pushes_in_week(&self, app_id: i64, user_id: i64, week: i64) -> R<i64> {
        Ok(self
            .row("SELECT n FROM push_counts WHERE app_id = $1 AND week = $2 AND user_id = $3", vec![app_id.into(), week.into(), user_id.into()])
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0))
    }
}

/// `-1` stands for "none" in nullable integer columns (NULL binds as text on PostgreSQL).
fn opt(v: Option<i64>) -> Val {
    Val::Int(v.unwrap_or(-1))
}

macro_rules! outbox_cols {
    () => {
        "id, app_id, kind, payload, state, attempts, next_at, last_status, last_error, created_at, delivered_at"
    };
}

fn outbox_item(r: &Row) -> R<OutboxItem> {
    Ok(OutboxItem {
        id: r.int(0)?,
        app_id: r.int(1)?,
        kind: r.text(2)?,
        payload: r.text(3)?,
        state: r.text(4)?,
        attempts: r.int(5)?,
        next_at: r.int(6)?,
        last_status: r.opt_int(7)?,
        last_error: r.opt_text(8)?,
        created_at: r.int(9)?,
        delivered_at: r.opt_int(10)?,
    })
}

#[async_trait]
impl OutboxStore for Db {
    async fn set_server(&self, c: &ServerConfig, now: i64) -> R<()> {
        self.write(
            "INSERT INTO app_servers (app_id, url, token_enc, aes_key_enc, format, mode, verified_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (app_id) DO UPDATE SET url = excluded.url, token_enc = excluded.token_enc, \
               aes_key_enc = excluded.aes_key_enc, format = excluded.format, mode = excluded.mode, \
               verified_at = excluded.verified_at, updated_at = excluded.updated_at",
            vec![
                c.app_id.into(),
                (&c.url).into(),
                (&c.token_enc).into(),
                c.aes_key_enc.as_deref().into(),
                (&c.format).into(),
                (&c.mode).into(),
                c.verified_at.into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn server(&self, app_id: i64) -> R<Option<ServerConfig>> {
        self.row(
            "SELECT app_id, url, token_enc, aes_key_enc, format, mode, verified_at FROM app_servers WHERE app_id = $1",
            vec![app_id.into()],
        )
        .await?
        .map(|r| {
            Ok(ServerConfig {
                app_id: r.int(0)?,
                url: r.text(1)?,
                token_enc: r.text(2)?,
                aes_key_enc: r.opt_text(3)?,
                format: r.text(4)?,
                mode: r.text(5)?,
                verified_at: r.int(6)?,
            })
        })
        .transpose()
    }

    async fn remove_server(&self, app_id: i64) -> R<bool> {
        Ok(self.write("DELETE FROM app_servers WHERE app_id = $1", vec![app_id.into()]).await?.changed == 1)
    }

    async fn enqueue(&self, app_id: i64, e: &OutboxEvent, now: i64) -> R<Option<i64>> {
        let r = self
            .write(
                "INSERT INTO outbox (app_id, kind, payload, state, next_at, created_at) \
                 SELECT $1, $2, $3, 'pending', $4, $4 FROM app_servers WHERE app_id = $1 RETURNING id",
                vec![app_id.into(), (&e.kind).into(), (&e.payload).into(), now.into()],
            )
            .await?;
        r.rows.first().map(|row| row.int(0)).transpose()
    }

    async fn claim_due(&self, now: i64, lease_until: i64, limit: i64) -> R<Vec<OutboxItem>> {
        // The outer conditions repeat the inner ones: on PostgreSQL a row another node
        // leased meanwhile is re-checked after its lock and skipped.
        let r = self
            .write(
                concat!(
                    "UPDATE outbox SET lease_until = $2, attempts = attempts + 1 \
                     WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND next_at <= $1 AND lease_until <= $1 \
                                  ORDER BY next_at LIMIT $3) \
                       AND state = 'pending' AND lease_until <= $1 RETURNING ",
                    outbox_cols!()
                ),
                vec![now.into(), lease_until.into(), limit.into()],
            )
            .await?;
        r.rows.iter().map(outbox_item).collect()
    }

    async fn record_attempt(&self, id: i64, a: &Attempt, now: i64) -> R<()> {
        let (state, next_at, status, error): (&str, i64, Option<i64>, Option<&str>) = match a {
            Attempt::Delivered { status } => ("delivered", 0, Some(*status), None),
            Attempt::Retry { next_at, status, error } => ("pending", *next_at, *status, Some(error)),
            Attempt::Dead { status, error } => ("dead", 0, *status, Some(error)),
        };
        self.write(
            "UPDATE outbox SET state = $2, next_at = CASE WHEN $3 > 0 THEN $3 ELSE next_at END, lease_until = 0, \
               last_status = CASE WHEN $4 < 0 THEN NULL ELSE $4 END, last_error = $5, \
               delivered_at = CASE WHEN $2 = 'delivered' THEN $6 ELSE delivered_at END \
             WHERE id = $1",
            vec![id.into(), state.into(), next_at.into(), opt(status), error.into(), now.into()],
        )
        .await?;
        Ok(())
    }

    async fn deliveries(&self, app_id: i64, limit: i64) -> R<Vec<OutboxItem>> {
        self.rows(concat!("SELECT ", outbox_cols!(), " FROM outbox WHERE app_id = $1 ORDER BY id DESC LIMIT $2"), vec![app_id.into(), limit.into()])
            .await?
            .iter()
            .map(outbox_item)
            .collect()
    }
}

macro_rules! campaign_cols {
    () => {
        "id, app_id, kind, payload, state, cursor_user, sent, skipped, failed, created_at, finished_at"
    };
}

fn campaign(r: &Row) -> R<Campaign> {
    Ok(Campaign {
        id: r.int(0)?,
        app_id: r.int(1)?,
        kind: r.text(2)?,
        payload: r.text(3)?,
        state: r.text(4)?,
        cursor_user: r.int(5)?,
        sent: r.int(6)?,
        skipped: r.int(7)?,
        failed: r.int(8)?,
        created_at: r.int(9)?,
        finished_at: r.opt_int(10)?,
    })
}

/// The first step of every batch: moves the cursor from `lo` to `hi` and renews the
/// lease, or aborts the batch if the cursor is elsewhere (another node has it). On
/// PostgreSQL the campaign row's lock also serialises two nodes on one campaign.
fn claim_batch(b: &Batch<'_>) -> Step {
    Step::new(
        "UPDATE campaigns SET cursor_user = $3, lease_until = $4 WHERE id = $1 AND cursor_user = $2 AND state = 'running'",
        vec![b.campaign.id.into(), b.lo.into(), b.hi.into(), b.lease_until.into()],
    )
    .or_abort(1)
}

/// The last step: adds the batch's delivered and skipped users to the counters.
fn count_batch(b: &Batch<'_>) -> Step {
    Step::new(
        "UPDATE campaigns SET \
           sent = sent + (SELECT COUNT(*) FROM inbox WHERE campaign_id = $1 AND user_id > $3 AND user_id <= $4), \
           skipped = skipped + (SELECT COUNT(*) FROM app_users WHERE app_id = $2 AND user_id > $3 AND user_id <= $4) \
                             - (SELECT COUNT(*) FROM inbox WHERE campaign_id = $1 AND user_id > $3 AND user_id <= $4) \
         WHERE id = $1",
        vec![b.campaign.id.into(), b.campaign.app_id.into(), b.lo.into(), b.hi.into()],
    )
}

/// The parameters of a batch's inbox insert: `$1` app, `$2`/`$3` the user range, `$4`
/// what picks the rows (week or template), `$5` the campaign, `$6`–`$9` the message.
fn delivery_params(b: &Batch<'_>, pick: Val) -> Vec<Val> {
    vec![
        b.campaign.app_id.into(),
        b.lo.into(),
        b.hi.into(),
        pick,
        b.campaign.id.into(),
        b.title.into(),
        b.body.into(),
        b.page.into(),
        b.now.into(),
    ]
}

async fn run_batch(db: &Db, steps: Vec<Step>) -> R<bool> {
    Ok(matches!(db.script(steps).await?, Outcome::Done(_)))
}

#[async_trait]
impl CampaignStore for Db {
    async fn create_campaign(&self, app_id: i64, kind: &str, payload: &str, now: i64) -> R<i64> {
        let r = self
            .write(
                "INSERT INTO campaigns (app_id, kind, payload, state, created_at) VALUES ($1, $2, $3, 'running', $4) RETURNING id",
                vec![app_id.into(), kind.into(), payload.into(), now.into()],
            )
            .await?;
        r.rows.first().map(|row| row.int(0)).transpose()?.ok_or_else(|| StoreError::Unavailable("no id".into()))
    }

    async fn campaign(&self, id: i64) -> R<Option<Campaign>> {
        self.row(concat!("SELECT ", campaign_cols!(), " FROM campaigns WHERE id = $1"), vec![id.into()]).await?.as_ref().map(campaign).transpose()
    }

    async fn claim_campaign(&self, now: i64, lease_until: i64) -> R<Option<Campaign>> {
        let r = self
            .write(
                concat!(
                    "UPDATE campaigns SET lease_until = $2 \
                     WHERE id = (SELECT id FROM campaigns WHERE state = 'running' AND lease_until <= $1 ORDER BY id LIMIT 1) \
                       AND state = 'running' AND lease_until <= $1 RETURNING ",
                    campaign_cols!()
                ),
                vec![now.into(), lease_until.into()],
            )
            .await?;
        r.rows.first().map(campaign).transpose()
    }

    async fn batch_end(&self, app_id: i64, after: i64, size: i64) -> R<Option<i64>> {
        self.row(
            "SELECT MAX(user_id) FROM (SELECT user_id FROM app_users WHERE app_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3) t",
            vec![app_id.into(), after.into(), size.into()],
        )
        .await?
        .map(|r| r.opt_int(0))
        .transpose()
        .map(Option::flatten)
    }

    async fn push_batch(&self, b: &Batch<'_>, week: i64, allowance: i64) -> R<bool> {
        let (c, app) = (b.campaign.id, b.campaign.app_id);
        run_batch(
            self,
            vec![
                claim_batch(b),
                // Count the push for every eligible user still under the allowance, and
                // tag the counted rows with the campaign…
                Step::new(
                    "INSERT INTO push_counts (app_id, user_id, week, n, campaign_id) \
                     SELECT a.app_id, a.user_id, $4, 1, $5 FROM app_users a \
                     WHERE a.app_id = $1 AND a.user_id > $2 AND a.user_id <= $3 AND $6 > 0 \
                       AND EXISTS (SELECT 1 FROM my_apps m WHERE m.user_id = a.user_id AND m.app_id = a.app_id) \
                       AND NOT EXISTS (SELECT 1 FROM push_refusals r WHERE r.app_id = a.app_id AND r.user_id = a.user_id) \
                     ON CONFLICT (app_id, week, user_id) DO UPDATE SET n = push_counts.n + 1, campaign_id = excluded.campaign_id \
                       WHERE push_counts.n < $6",
                    vec![app.into(), b.lo.into(), b.hi.into(), week.into(), c.into(), allowance.into()],
                ),
                // …then deliver to exactly the tagged users.
                Step::new(
                    "INSERT INTO inbox (user_id, app_id, folder, title, body, page, created_at, campaign_id, from_user) \
                     SELECT p.user_id, p.app_id, 'push', $6, $7, $8, $9, $5, 0 FROM push_counts p \
                     WHERE p.app_id = $1 AND p.week = $4 AND p.campaign_id = $5 AND p.user_id > $2 AND p.user_id <= $3",
                    delivery_params(b, week.into()),
                ),
                count_batch(b),
            ],
        )
        .await
    }

    async fn subscribe_batch(&self, b: &Batch<'_>, pri_tmpl_id: &str) -> R<bool> {
        let (c, app) = (b.campaign.id, b.campaign.app_id);
        run_batch(
            self,
            vec![
                claim_batch(b),
                // Spend a live grant of every user who has one and has not switched the
                // app off, tagging the spent rows with the campaign…
                Step::new(
                    "UPDATE sub_grants SET remaining = CASE WHEN kind = 2 THEN remaining - 1 ELSE remaining END, \
                       campaign_id = $5, updated_at = $6 \
                     WHERE app_id = $1 AND pri_tmpl_id = $4 AND user_id > $2 AND user_id <= $3 \
                       AND ((kind = 2 AND remaining > 0) OR (kind = 3 AND active = 1)) \
                       AND NOT EXISTS (SELECT 1 FROM sub_switches s WHERE s.app_id = $1 AND s.user_id = sub_grants.user_id AND s.off = 1) \
                       AND EXISTS (SELECT 1 FROM app_users a WHERE a.app_id = $1 AND a.user_id = sub_grants.user_id)",
                    vec![app.into(), b.lo.into(), b.hi.into(), pri_tmpl_id.into(), c.into(), b.now.into()],
                ),
                // …then deliver to exactly those users.
                Step::new(
                    "INSERT INTO inbox (user_id, app_id, folder, pri_tmpl_id, title, body, page, created_at, campaign_id, from_user) \
                     SELECT g.user_id, g.app_id, 'service', g.pri_tmpl_id, $6, $7, $8, $9, $5, 0 FROM sub_grants g \
                     WHERE g.app_id = $1 AND g.pri_tmpl_id = $4 AND g.campaign_id = $5 AND g.user_id > $2 AND g.user_id <= $3",
                    delivery_params(b, pri_tmpl_id.into()),
                ),
                count_batch(b),
            ],
        )
        .await
    }

    async fn fail_batch(&self, b: &Batch<'_>) -> R<bool> {
        run_batch(
            self,
            vec![
                claim_batch(b),
                Step::new(
                    "UPDATE campaigns SET failed = failed + (SELECT COUNT(*) FROM app_users WHERE app_id = $2 AND user_id > $3 AND user_id <= $4) \
                     WHERE id = $1",
                    vec![b.campaign.id.into(), b.campaign.app_id.into(), b.lo.into(), b.hi.into()],
                ),
            ],
        )
        .await
    }

    async fn finish_campaign(&self, id: i64, now: i64) -> R<()> {
        self.write(
            "UPDATE campaigns SET state = 'done', finished_at = $2, lease_until = 0 WHERE id = $1 AND state = 'running'",
            vec![id.into(), now.into()],
        )
        .await?;
        Ok(())
    }
}
