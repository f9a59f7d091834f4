//! `TemplateStore` in SQL, one text for both backends.

use crate::{Db, Outcome, Row, Step, Val, R};
use async_trait::async_trait;
use openmini_core::identity::StoreError;
use openmini_core::reach::store::{OutboxEvent, PrivateTemplate, TemplateStore};

fn template(r: &Row) -> R<PrivateTemplate> {
    let kids = r
        .text(3)?
        .split(',')
        .map(|k| k.parse::<i64>().map_err(|_| StoreError::Unavailable(format!("bad kid list {k}"))))
        .collect::<R<Vec<i64>>>()?;
    Ok(PrivateTemplate {
        pri_tmpl_id: r.text(0)?,
        app_id: r.int(1)?,
        tid: r.int(2)?,
        kids,
        scene_desc: r.text(4)?,
        created_at: r.int(5)?,
    })
}

/// The inbox row a delivery writes, last step of every send script.
pub(crate) fn inbox_step(d: &Delivery<'_>) -> Step {
    Step::new(
        "INSERT INTO inbox (user_id, app_id, folder, pri_tmpl_id, title, body, page, created_at, msgid, from_user) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) RETURNING id",
        vec![
            d.user_id.into(),
            d.app_id.into(),
            d.folder.into(),
            Some(d.pri_tmpl_id).filter(|t| !t.is_empty()).into(),
            d.title.into(),
            d.body.into(),
            d.page.into(),
            d.now.into(),
            d.msgid.into(),
        ],
    )
}

/// Queues `e` for the app's developer server, if it has one configured; part of the
/// script that does what the event reports, so an event is never lost or invented.
pub(crate) fn outbox_step(app_id: i64, e: &OutboxEvent, now: i64) -> Step {
    Step::new(
        "INSERT INTO outbox (app_id, kind, payload, state, next_at, created_at) \
         SELECT $1, $2, $3, 'pending', $4, $4 FROM app_servers WHERE app_id = $1",
        vec![app_id.into(), (&e.kind).into(), (&e.payload).into(), now.into()],
    )
}

/// The delivery's inbox row, then its event (if any): the tail of every send script.
/// The inbox row stays the last step with rows, so [`delivered_id`] finds its id.
pub(crate) fn delivery_steps(d: &Delivery<'_>) -> Vec<Step> {
    let mut steps = Vec::with_capacity(2);
    if let Some(e) = &d.event {
        steps.push(outbox_step(d.app_id, e, d.now));
    }
    steps.push(inbox_step(d));
    steps
}

/// A user action restarts the customer-service window at its full size and length.
fn window_step(app_id: i64, user_id: i64, sends: i64, expires_at: i64, now: i64) -> Step {
    Step::new(
        "INSERT INTO cs_windows (app_id, user_id, remaining, expires_at, last_action_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (app_id, user_id) DO UPDATE SET remaining = excluded.remaining, \
           expires_at = excluded.expires_at, last_action_at = excluded.last_action_at",
        vec![app_id.into(), user_id.into(), sends.into(), expires_at.into(), now.into()],
    )
}

/// The message id of a completed send script.
pub(crate) fn delivered_id(mut results: Vec<crate::StepResult>) -> R<i64> {
    Ok(results.pop().and_then(|s| s.rows.into_iter().next()).map(|row| row.int(0)).transpose()?.unwrap_or(0))
}

macro_rules! inbox_cols {
    () => {
        "id, app_id, folder, title, body, page, created_at, read_at, clicked_at, complained_at, from_user"
    };
}

fn inbox_message(r: &Row) -> R<InboxMessage> {
    Ok(InboxMessage {
        id: r.int(0)?,
        app_id: r.int(1)?,
        folder: r.text(2)?,
        title: r.text(3)?,
        body: r.text(4)?,
        page: r.opt_text(5)?,
        created_at: r.int(6)?,
        read_at: r.opt_int(7)?,
        clicked_at: r.opt_int(8)?,
        complained_at: r.opt_int(9)?,
        from_user: r.int(10)? != 0,
    })
}

macro_rules! template_cols {
    () => {
        "pri_tmpl_id, app_id, tid, kids, scene_desc, created_at"
    };
}

#[async_trait]
impl TemplateStore for Db {
    async fn add_template(&self, t: &PrivateTemplate, limit: i64) -> R<bool> {
        let kids = t.kids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let outcome = self
            .script(vec![
                // The counter row is the lock: concurrent adds of one app serialise here.
                Step::new(
                    "INSERT INTO app_counters (app_id, name, n) VALUES ($1, 'templates', 1) \
                     ON CONFLICT (app_id, name) DO UPDATE SET n = app_counters.n + 1 WHERE app_counters.n < $2",
                    vec![t.app_id.into(), limit.into()],
                )
                .or_abort(1),
                Step::new(
                    concat!("INSERT INTO private_templates (", template_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6)"),
                    vec![
                        (&t.pri_tmpl_id).into(),
                        t.app_id.into(),
                        t.tid.into(),
                        kids.into(),
                        (&t.scene_desc).into(),
                        t.created_at.into(),
                    ],
                ),
            ])
            .await?;
        self.hot.templates.clear();
        Ok(matches!(outcome, Outcome::Done(_)))
    }

    async fn templates(&self, app_id: i64) -> R<Vec<PrivateTemplate>> {
        self.rows(
            concat!("SELECT ", template_cols!(), " FROM private_templates WHERE app_id = $1 ORDER BY created_at, pri_tmpl_id"),
            vec![app_id.into()],
        )
        .await?
        .iter()
        .map(template)
        .collect()
    }

    async fn template(&self, app_id: i64, pri_tmpl_id: &str) -> R<Option<PrivateTemplate>> {
        let key = (app_id, pri_tmpl_id.to_string());
        if let Some(t) = self.hot.templates.get(&key) {
            return Ok(Some(t));
        }
        let t = self
            .row(
                concat!("SELECT ", template_cols!(), " FROM private_templates WHERE app_id = $1 AND pri_tmpl_id = $2"),
                vec![app_id.into(), pri_tmpl_id.into()],
            )
            .await?
            .as_ref()
            .map(template)
            .transpose()?;
        if let Some(t) = &t {
            self.hot.templates.put(key, t.clone());
        }
        Ok(t)
    }

    async fn delete_template(&self, app_id: i64, pri_tmpl_id: &str) -> R<bool> {
        let outcome = self
            .script(vec![
                Step::new(
                    "DELETE FROM private_templates WHERE app_id = $1 AND pri_tmpl_id = $2",
                    vec![app_id.into(), pri_tmpl_id.into()],
                )
                .or_abort(1),
                Step::new(
                    "UPDATE app_counters SET n = n - 1 WHERE app_id = $1 AND name = 'templates'",
                    vec![app_id.into()],
                ),
            ])
            .await?;
        self.hot.templates.clear();
        Ok(matches!(outcome, Outcome::Done(_)))
    }
}

use openmini_core::reach::store::{Answer, Delivery, Grant, InboxMessage, SubscriptionStore};

#[async_trait]
impl SubscriptionStore for Db {
    async fn record_consent(&self, app_id: i64, user_id: i64, answers: &[Answer], event: Option<&OutboxEvent>, now: i64) -> R<()> {
        let mut steps = answers
            .iter()
            .map(|a| {
                let (add, active) = match (a.kind, a.accepted) {
                    (2, true) => (1, 1),
                    (2, false) => (0, 1),
                    (_, true) => (0, 1),
                    (_, false) => (0, 0),
                };
                // A one-time reject changes nothing already granted; a long-term answer
                // sets the standing grant.
                Step::new(
                    "INSERT INTO sub_grants (app_id, user_id, pri_tmpl_id, kind, remaining, active, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (app_id, user_id, pri_tmpl_id) DO UPDATE SET \
                       remaining = sub_grants.remaining + excluded.remaining, \
                       active = CASE WHEN excluded.kind = 2 THEN sub_grants.active ELSE excluded.active END, \
                       kind = excluded.kind, updated_at = excluded.updated_at",
                    vec![app_id.into(), user_id.into(), (&a.pri_tmpl_id).into(), a.kind.into(), Val::Int(add), Val::Int(active), now.into()],
                )
            })
            .collect::<Vec<_>>();
        steps.extend(event.map(|e| outbox_step(app_id, e, now)));
        if !steps.is_empty() {
            self.script(steps).await?;
        }
        Ok(())
    }

    async fn grants(&self, app_id: i64, user_id: i64) -> R<Vec<Grant>> {
        self.rows(
            "SELECT pri_tmpl_id, kind, remaining, active FROM sub_grants WHERE app_id = $1 AND user_id = $2 ORDER BY pri_tmpl_id",
            vec![app_id.into(), user_id.into()],
        )
        .await?
        .iter()
        .map(|r| Ok(Grant { pri_tmpl_id: r.text(0)?, kind: r.int(1)?, remaining: r.int(2)?, active: r.int(3)? != 0 }))
        .collect()
    }

    async fn withdraw(&self, app_id: i64, user_id: i64, pri_tmpl_id: &str, event: Option<&OutboxEvent>, now: i64) -> R<bool> {
        let mut steps = vec![Step::new(
            "UPDATE sub_grants SET remaining = 0, active = 0, updated_at = $4 \
             WHERE app_id = $1 AND user_id = $2 AND pri_tmpl_id = $3",
            vec![app_id.into(), user_id.into(), pri_tmpl_id.into(), now.into()],
        )
        .or_abort(1)];
        steps.extend(event.map(|e| outbox_step(app_id, e, now)));
        Ok(matches!(self.script(steps).await?, Outcome::Done(_)))
    }

    async fn set_switch(&self, app_id: i64, user_id: i64, off: bool, event: Option<&OutboxEvent>, now: i64) -> R<()> {
        let mut steps = vec![Step::new(
            "INSERT INTO sub_switches (app_id, user_id, off, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (app_id, user_id) DO UPDATE SET off = excluded.off, updated_at = excluded.updated_at",
            vec![app_id.into(), user_id.into(), (off as i64).into(), now.into()],
        )];
        steps.extend(event.map(|e| outbox_step(app_id, e, now)));
        self.script(steps).await?;
        Ok(())
    }

    async fn switched_off(&self, app_id: i64, user_id: i64) -> R<bool> {
        Ok(self
            .row("SELECT off FROM sub_switches WHERE app_id = $1 AND user_id = $2", vec![app_id.into(), user_id.into()])
            .await?
            .map(|r| r.int(0))
            .transpose()?
            .is_some_and(|off| off != 0))
    }

    async fn deliver(&self, d: &Delivery<'_>) -> R<Option<i64>> {
        if let Some(b) = self.batchers() {
            // The same decision for a whole batch in one statement: pg_deliver.rs.
            let spent = b.grants.submit(crate::pg_deliver::Item::grant(d)).await?;
            return Ok(spent.then_some(d.msgid));
        }
        // The grant row is the lock: concurrent sends on any node spend it one by one.
        let grant = Step::new(
            "UPDATE sub_grants SET remaining = CASE WHEN kind = 2 THEN remaining - 1 ELSE remaining END, updated_at = $4 \
             WHERE app_id = $1 AND user_id = $2 AND pri_tmpl_id = $3 AND kind = $5 \
               AND ((kind = 2 AND remaining > 0) OR (kind = 3 AND active = 1)) \
               AND NOT EXISTS (SELECT 1 FROM sub_switches s WHERE s.app_id = $1 AND s.user_id = $2 AND s.off = 1)",
            vec![d.app_id.into(), d.user_id.into(), d.pri_tmpl_id.into(), d.now.into(), d.kind.into()],
        )
        .or_abort(1);
        let mut steps = vec![grant];
        steps.extend(delivery_steps(d));
        match self.script(steps).await? {
            Outcome::Done(r) => Ok(Some(delivered_id(r)?)),
            Outcome::Aborted(_) => Ok(None),
        }
    }

    async fn inbox(&self, user_id: i64, limit: i64) -> R<Vec<InboxMessage>> {
        self.rows(
            concat!("SELECT ", inbox_cols!(), " FROM inbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2"),
            vec![user_id.into(), limit.into()],
        )
        .await?
        .iter()
        .map(inbox_message)
        .collect()
    }
}

use openmini_core::reach::store::{CsRefusal, CustomerServiceStore};

#[async_trait]
impl CustomerServiceStore for Db {
    async fn open_window(&self, app_id: i64, user_id: i64, sends: i64, expires_at: i64, event: Option<&OutboxEvent>, now: i64) -> R<()> {
        let mut steps = vec![window_step(app_id, user_id, sends, expires_at, now)];
        steps.extend(event.map(|e| outbox_step(app_id, e, now)));
        self.script(steps).await?;
        Ok(())
    }

    async fn cs_deliver(&self, d: &Delivery<'_>) -> R<Result<i64, CsRefusal>> {
        let outcome = if let Some(b) = self.batchers() {
            // The same decision for a whole batch in one statement: pg_deliver.rs.
            if b.windows.submit(crate::pg_deliver::Item::window(d)).await? {
                return Ok(Ok(d.msgid));
            }
            Outcome::Aborted(1)
        } else {
            self.script(self.cs_steps(d)).await?
        };
        match outcome {
            Outcome::Done(r) => Ok(Ok(delivered_id(r)?)),
            Outcome::Aborted(_) => {
                let open = self
                    .row(
                        "SELECT 1 FROM cs_windows WHERE app_id = $1 AND user_id = $2 AND expires_at > $3",
                        vec![d.app_id.into(), d.user_id.into(), d.now.into()],
                    )
                    .await?
                    .is_some();
                Ok(Err(if open { CsRefusal::OutOfQuota } else { CsRefusal::OutOfTime }))
            }
        }
    }

    async fn last_action(&self, app_id: i64, user_id: i64) -> R<Option<i64>> {
        self.row("SELECT last_action_at FROM cs_windows WHERE app_id = $1 AND user_id = $2", vec![app_id.into(), user_id.into()])
            .await?
            .map(|r| r.int(0))
            .transpose()
    }
}

impl Db {
    /// A customer-service send as one script: spend, then deliver.
    fn cs_steps(&self, d: &Delivery<'_>) -> Vec<Step> {
        // The window row is the lock: concurrent sends spend it one by one.
        let spend = Step::new(
            "UPDATE cs_windows SET remaining = remaining - 1 \
             WHERE app_id = $1 AND user_id = $2 AND remaining > 0 AND expires_at > $3",
            vec![d.app_id.into(), d.user_id.into(), d.now.into()],
        )
        .or_abort(1);
        let mut steps = vec![spend];
        steps.extend(delivery_steps(d));
        steps
    }
}

use openmini_core::reach::store::{FormGrantStore, FormRefusal};

#[async_trait]
impl FormGrantStore for Db {
    async fn add_form_grant(&self, form_id: &str, app_id: i64, user_id: i64, kind: &str, sends: i64, expires_at: i64) -> R<()> {
        self.write(
            "INSERT INTO form_grants (form_id, app_id, user_id, kind, remaining, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![form_id.into(), app_id.into(), user_id.into(), kind.into(), sends.into(), expires_at.into()],
        )
        .await?;
        Ok(())
    }

    async fn form_deliver(&self, form_id: &str, d: &Delivery<'_>) -> R<Result<i64, FormRefusal>> {
        // The id's row is the lock: it is spent once per send, on any node.
        let spend = Step::new(
            "UPDATE form_grants SET remaining = remaining - 1 \
             WHERE form_id = $1 AND app_id = $2 AND user_id = $3 AND remaining > 0 AND expires_at > $4",
            vec![form_id.into(), d.app_id.into(), d.user_id.into(), d.now.into()],
        )
        .or_abort(1);
        let mut steps = vec![spend];
        steps.extend(delivery_steps(d));
        match self.script(steps).await? {
            Outcome::Done(r) => Ok(Ok(delivered_id(r)?)),
            Outcome::Aborted(_) => {
                let used = self
                    .row(
                        "SELECT 1 FROM form_grants WHERE form_id = $1 AND app_id = $2 AND user_id = $3 AND remaining = 0 AND expires_at > $4",
                        vec![form_id.into(), d.app_id.into(), d.user_id.into(), d.now.into()],
                    )
                    .await?
                    .is_some();
                Ok(Err(if used { FormRefusal::Used } else { FormRefusal::Invalid }))
            }
        }
    }
}

use openmini_core::reach::store::{InboxFilter, InboxStore, Reaction};

#[async_trait]
impl InboxStore for Db {
    async fn inbox_messages(&self, user_id: i64, f: &InboxFilter, limit: i64) -> R<Vec<InboxMessage>> {
        self.rows(
            concat!(
                "SELECT ",
                inbox_cols!(),
                " FROM inbox WHERE user_id = $1 AND ($2 = '' OR folder = $2) AND ($3 = 0 OR app_id = $3) \
                 AND id < $4 AND id > $5 ORDER BY id DESC LIMIT $6"
            ),
            vec![
                user_id.into(),
                f.folder.as_deref().unwrap_or("").into(),
                f.app_id.unwrap_or(0).into(),
                f.before.unwrap_or(i64::MAX).into(),
                f.after.unwrap_or(0).into(),
                limit.into(),
            ],
        )
        .await?
        .iter()
        .map(inbox_message)
        .collect()
    }

    async fn inbox_message(&self, user_id: i64, id: i64) -> R<Option<InboxMessage>> {
        self.row(concat!("SELECT ", inbox_cols!(), " FROM inbox WHERE user_id = $1 AND id = $2"), vec![user_id.into(), id.into()])
            .await?
            .as_ref()
            .map(inbox_message)
            .transpose()
    }

    async fn unread(&self, user_id: i64) -> R<Vec<(String, i64)>> {
        self.rows(
            "SELECT folder, COUNT(*) FROM inbox WHERE user_id = $1 AND read_at IS NULL GROUP BY folder ORDER BY folder",
            vec![user_id.into()],
        )
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?)))
        .collect()
    }

    async fn react(&self, user_id: i64, id: i64, reaction: Reaction, now: i64) -> R<bool> {
        let sql = match reaction {
            Reaction::Read => "UPDATE inbox SET read_at = $3 WHERE user_id = $1 AND id = $2 AND read_at IS NULL",
            Reaction::Clicked => {
                "UPDATE inbox SET clicked_at = $3, read_at = COALESCE(read_at, $3) \
                 WHERE user_id = $1 AND id = $2 AND clicked_at IS NULL"
            }
            Reaction::Complained => {
                "UPDATE inbox SET complained_at = $3, read_at = COALESCE(read_at, $3) \
                 WHERE user_id = $1 AND id = $2 AND complained_at IS NULL"
            }
        };
        Ok(self.write(sql, vec![user_id.into(), id.into(), now.into()]).await?.changed == 1)
    }

    async fn mark_all_read(&self, user_id: i64, folder: Option<&str>, up_to: i64, now: i64) -> R<u64> {
        Ok(self
            .write(
                "UPDATE inbox SET read_at = $4 WHERE user_id = $1 AND read_at IS NULL AND ($2 = '' OR folder = $2) AND id <= $3",
                vec![user_id.into(), folder.unwrap_or("").into(), up_to.into(), now.into()],
            )
            .await?
            .changed)
    }

    async fn user_wrote(&self, d: &Delivery<'_>, sends: i64, expires_at: i64) -> R<i64> {
        let mut steps = vec![window_step(d.app_id, d.user_id, sends, expires_at, d.now)];
        if let Some(e) = &d.event {
            steps.push(outbox_step(d.app_id, e, d.now));
        }
        // The user's own line: from the user, and read already.
        steps.push(Step::new(
            "INSERT INTO inbox (user_id, app_id, folder, title, body, created_at, read_at, msgid, from_user) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, 1) RETURNING id",
            vec![d.user_id.into(), d.app_id.into(), d.folder.into(), d.title.into(), d.body.into(), d.now.into(), d.msgid.into()],
        ));
        match self.script(steps).await? {
            Outcome::Done(r) => delivered_id(r),
            Outcome::Aborted(_) => Ok(0),
        }
    }
}
