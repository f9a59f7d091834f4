//! Campaigns (DESIGN.md rule 4 and 11): one push or subscription message to every user
//! of an app who may receive it. A durable job walks the app's users in batches by user
//! id; each batch's deliveries, counters and the cursor commit together, and each
//! (campaign, user) delivery is unique, so a crash resumes where the last batch
//! committed and no user gets the message twice. Users the rules exclude (not added,
//! refused, allowance used, no live grant, switched off) count as skipped.

use super::push::{self, AllowancePolicy};
use super::store::{Batch, Campaign, CampaignStore, PushStore, TemplateStore};
use crate::error::{ApiError, Code};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A batch that fails this many times counts its users as failed and is passed.
pub const BATCH_TRIES: u32 = 3;

/// A campaign's message, checked when the campaign is created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub title: String,
    pub body: String,
    pub page: Option<String>,
    /// Subscription campaigns: the private template spent.
    pub pri_tmpl_id: Option<String>,
}

/// Starts a push campaign: the message is checked now, delivered by the workers.
pub async fn start_push(store: &dyn CampaignStore, app_id: i64, p: &push::Push, now: i64) -> Result<i64, ApiError> {
    let m = Message { title: p.title.clone(), body: p.body.clone(), page: p.page.clone(), pri_tmpl_id: None };
    Ok(store.create_campaign(app_id, "push", &serde_json::to_string(&m).unwrap_or_default(), now).await?)
}

/// Starts a subscription campaign: values are checked against the template now.
pub async fn start_subscribe(
    store: &dyn CampaignStore,
    tpls: &dyn TemplateStore,
    app_id: i64,
    template_id: Option<&str>,
    page: Option<&str>,
    data: Option<&Value>,
    now: i64,
) -> Result<i64, ApiError> {
    let c = super::subscribe::compose(tpls, app_id, template_id, page, data).await?;
    let m = Message { title: c.title, body: c.body, page: c.page, pri_tmpl_id: Some(c.pri_tmpl_id) };
    Ok(store.create_campaign(app_id, "subscribe", &serde_json::to_string(&m).unwrap_or_default(), now).await?)
}

pub async fn status(store: &dyn CampaignStore, app_id: i64, id: i64) -> Result<Campaign, ApiError> {
    store.campaign(id).await?.filter(|c| c.app_id == app_id).ok_or_else(|| Code::InvalidCampaign.into())
}

/// Runs one claimed campaign to its end (or until another node takes it over).
/// `lease_ms`: how long each batch holds the campaign; `batch`: users per batch
/// (configuration `reach.campaign_batch`, default 10,000: 1M users in 100 transactions).
pub async fn run<S>(store: &S, policy: &AllowancePolicy, c: Campaign, lease_ms: i64, batch: i64, clock: &dyn crate::Clock) -> Result<Campaign, ApiError>
where
    S: CampaignStore + PushStore,
{
    let m: Message = serde_json::from_str(&c.payload).map_err(|e| ApiError::with(Code::SystemBusy, format!("campaign payload: {e}")))?;
    let mut cursor = c.cursor_user;
    loop {
        let Some(hi) = store.batch_end(c.app_id, cursor, batch).await? else {
            store.finish_campaign(c.id, clock.now_ms()).await?;
            break;
        };
        let t = clock.now_ms();
        let current = Campaign { cursor_user: cursor, ..c.clone() };
        let b = Batch {
            campaign: &current,
            lo: cursor,
            hi,
            title: &m.title,
            body: &m.body,
            page: m.page.as_deref(),
            now: t,
            lease_until: t + lease_ms,
        };
        let mut tries = 0;
        let moved = loop {
            let r = match &m.pri_tmpl_id {
                Some(tmpl) => store.subscribe_batch(&b, tmpl).await,
                None => {
                    let a = push::allowance(store, policy, c.app_id, t).await;
                    match a {
                        Ok(a) => store.push_batch(&b, a.week, a.allowance).await,
                        Err(e) => Err(crate::identity::StoreError::Unavailable(e.errmsg())),
                    }
                }
            };
            match r {
                Ok(moved) => break moved,
                Err(e) => {
                    tries += 1;
                    tracing::warn!(campaign = c.id, lo = cursor, hi, error = %e, "campaign batch failed");
                    if tries >= BATCH_TRIES {
                        break store.fail_batch(&b).await?;
                    }
                }
            }
        };
        if !moved {
            // Another node has the campaign now.
            break;
        }
        cursor = hi;
    }
    Ok(store.campaign(c.id).await?.unwrap_or(c))
}
