//! OpenMini's own open-API endpoints (docs/open-api.md): the weekly mini-program push,
//! its allowance, campaigns, and the developer-server settings and delivery log.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use super::recipient;
use crate::delivery::{self, ServerSettings};
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::store::{Campaign, OutboxStore};
use openmini_core::reach::{campaign, push};
use openmini_core::{ApiError, Code};
use serde_json::{json, Value};

/// `POST /wxa/push/send`: `{touser, title, content, page?}`.
pub async fn send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app, user_id) = recipient(&s, &r).await?;
    let p = push::compose(r.b_str("title")?.as_deref(), r.b_str("content")?.as_deref(), r.b_str("page")?.as_deref())?;
    let msgid = push::send(&s.db, &s.config.reach.push, app.id, user_id, &p, s.identity.now()).await?;
    s.hub.notify(user_id);
    Ok(ok_with_errcode(json!({ "msgid": msgid })))
}

/// `GET /wxa/push/getallowance`: this week's allowance and the figures that set it.
pub async fn allowance(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let policy = &s.config.reach.push;
    let a = push::allowance(&s.db, policy, app.id, s.identity.now()).await?;
    Ok(ok_with_errcode(json!({
        "week": push::week_label(a.week),
        "allowance": a.allowance,
        "previous": a.previous,
        "reason": a.reason,
        "figures": a.figures,
        "refusal_share": a.refusal_share,
        "complaint_rate": a.complaint_rate,
        "effective_ctr": a.effective_ctr,
        "policy": policy,
    })))
}

fn campaign_json(c: &Campaign) -> Value {
    json!({
        "campaign_id": c.id,
        "kind": c.kind,
        "state": c.state,
        "sent": c.sent,
        "skipped": c.skipped,
        "failed": c.failed,
        "create_time": c.created_at / 1000,
        "finish_time": c.finished_at.map(|t| t / 1000),
    })
}

/// `POST /wxa/push/campaign/create`: `{kind: "push", title, content, page?}` or
/// `{kind: "subscribe", template_id, data, page?}` to every user who may receive it.
pub async fn campaign_create(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let now = s.identity.now();
    let page = r.b_str("page")?;
    let id = match r.b_str("kind")?.as_deref() {
        Some("push") => {
            let p = push::compose(r.b_str("title")?.as_deref(), r.b_str("content")?.as_deref(), page.as_deref())?;
            campaign::start_push(&s.db, app.id, &p, now).await?
        }
        Some("subscribe") => {
            let tmpl = r.b_str("template_id")?;
            campaign::start_subscribe(&s.db, &s.db, app.id, tmpl.as_deref(), page.as_deref(), r.body()?.get("data"), now).await?
        }
        _ => return Err(ApiError::with(Code::InvalidArgs, "kind must be push or subscribe").into()),
    };
    tracing::info!(appid = %app.appid, campaign = id, "campaign created");
    Ok(ok_with_errcode(json!({ "campaign_id": id })))
}

/// `GET|POST /wxa/push/campaign/get?campaign_id=…`: progress and counts.
pub async fn campaign_get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let raw = match r.q("campaign_id") {
        Some(q) => Some(q.to_string()),
        None => r.b_str("campaign_id").ok().flatten(),
    };
    let id = raw.and_then(|v| v.parse::<i64>().ok()).ok_or(Code::InvalidCampaign)?;
    let c = campaign::status(&s.db, app.id, id).await?;
    Ok(ok_with_errcode(campaign_json(&c)))
}

/// `POST /wxa/server/set`: `{url, token, encoding_aes_key?, format: json|xml, mode:
/// plain|compatible|safe}`; the URL is checked with an echostr before it is saved.
pub async fn server_set(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let need = |v: Option<String>, name: &str| v.ok_or_else(|| ApiError::with(Code::InvalidArgs, format!("{name} is required")));
    let set = ServerSettings {
        url: need(r.b_str("url")?, "url")?,
        token: need(r.b_str("token")?, "token")?,
        encoding_aes_key: r.b_str("encoding_aes_key")?.filter(|k| !k.is_empty()),
        format: r.b_str("format")?.unwrap_or_else(|| "json".into()),
        mode: r.b_str("mode")?.unwrap_or_else(|| "plain".into()),
    };
    delivery::configure(&s, &app, &set).await?;
    Ok(ok_with_errcode(json!({})))
}

/// `GET /wxa/server/get`: the settings, without the token and key.
pub async fn server_get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let c = s.db.server(app.id).await?;
    Ok(ok_with_errcode(match c {
        Some(c) => json!({ "url": c.url, "format": c.format, "mode": c.mode, "verify_time": c.verified_at / 1000 }),
        None => json!({ "url": null }),
    }))
}

/// `GET /wxa/server/deliveries?limit=…`: the delivery log, newest first.
pub async fn deliveries(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let limit = r.q("limit").and_then(|l| l.parse::<i64>().ok()).unwrap_or(50).clamp(1, 500);
    let items: Vec<Value> = s
        .db
        .deliveries(app.id, limit)
        .await?
        .into_iter()
        .map(|i| {
            json!({
                "id": i.id, "kind": i.kind, "state": i.state, "attempts": i.attempts,
                "next_time": i.next_at / 1000, "last_status": i.last_status, "last_error": i.last_error,
                "create_time": i.created_at / 1000, "deliver_time": i.delivered_at.map(|t| t / 1000),
            })
        })
        .collect();
    Ok(ok_with_errcode(json!({ "list": items })))
}
