//! The user's side of subscription messages: tap proofs, the consent dialog
//! (`wx.requestSubscribeMessage`), what each app may send, withdrawal, the per-app
//! switch, and the inbox.

use super::auth::ClientUser;
use super::{Body, ClientReply};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use crate::open_api::party;
use openmini_core::reach::store::{PushStore, SubscriptionStore};
use openmini_core::reach::{customer_service, events, inbox, legacy, subscribe, templates};
use openmini_core::{ApiError, Code};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
pub struct TemplateQuery {
    ids: Option<String>,
}

/// `GET /client/v1/apps/{appid}/templates?ids=a,b`: what the consent dialog and the
/// settings show the user about the app's templates (title, one-time or long-term, the
/// keywords' names), for the ids given, of this app only; unknown ids are left out.
pub async fn templates(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>, q: Result<Query<TemplateQuery>, QueryRejection>) -> ClientReply {
    let Query(q) = q.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let app = s.identity.app_param(Some(&appid)).await?;
    let ids: Vec<&str> = q.ids.as_deref().unwrap_or("").split(',').map(str::trim).filter(|i| !i.is_empty()).collect();
    if ids.len() > 25 {
        return Err(ApiError::with(Code::InvalidArgs, "at most 25 ids").into());
    }
    let list: Vec<Value> = templates::list(&s.db, app.id)
        .await?
        .into_iter()
        .filter(|t| ids.contains(&t.pri_tmpl_id.as_str()))
        .map(|t| json!({ "priTmplId": t.pri_tmpl_id, "title": t.title, "type": t.kind, "keywords": t.keywords }))
        .collect();
    Ok(Json(json!({ "templates": list })))
}

/// A tap proof: the host shell asks for one when the user taps in the view layer.
pub async fn tap(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let tap = s.identity.mint_tap(&appid, &u.session).await?;
    Ok(Json(json!({ "tap": tap })))
}

#[derive(Deserialize)]
pub struct Consent {
    #[serde(rename = "tmplIds")]
    tmpl_ids: Vec<String>,
    tap: String,
    /// The ids the user accepted in the dialog; the others were rejected.
    #[serde(default)]
    accepted: Vec<String>,
}

pub async fn consent(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Consent>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    s.identity.spend_tap(&app, u.session.user_id, &b.tap).await?;
    let party = party(&s, &app, u.session.user_id);
    let results = subscribe::consent(&s.db, &s.db, app.id, u.session.user_id, &b.tmpl_ids, &b.accepted, Some(&party), s.identity.now()).await?;
    s.outbox_wake.notify_one();
    let mut out = json!({ "errMsg": "requestSubscribeMessage:ok" });
    for (id, result) in results {
        out[id] = Value::from(result);
    }
    Ok(Json(out))
}

pub async fn list(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let grants = s.db.grants(app.id, u.session.user_id).await?;
    let off = s.db.switched_off(app.id, u.session.user_id).await?;
    let (added, refused) = s.db.push_state(app.id, u.session.user_id).await?;
    let grants: Vec<_> = grants
        .into_iter()
        .map(|g| json!({ "priTmplId": g.pri_tmpl_id, "type": g.kind, "remaining": g.remaining, "active": g.active }))
        .collect();
    let push = json!({ "added": added, "enabled": !refused });
    Ok(Json(json!({ "enabled": !off, "grants": grants, "push": push })))
}

#[derive(Deserialize)]
pub struct Withdraw {
    #[serde(rename = "priTmplId")]
    pri_tmpl_id: String,
}

pub async fn withdraw(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Withdraw>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let p = party(&s, &app, u.session.user_id);
    let done = subscribe::withdraw(&s.db, app.id, u.session.user_id, &b.pri_tmpl_id, Some(&p), s.identity.now()).await?;
    s.outbox_wake.notify_one();
    Ok(Json(json!({ "ok": done })))
}

#[derive(Deserialize)]
pub struct Switch {
    enabled: bool,
}

pub async fn switch(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Switch>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let p = party(&s, &app, u.session.user_id);
    subscribe::switch(&s.db, app.id, u.session.user_id, !b.enabled, Some(&p), s.identity.now()).await?;
    s.outbox_wake.notify_one();
    Ok(Json(json!({ "enabled": b.enabled })))
}

#[derive(Deserialize)]
pub struct UserLine {
    content: String,
}

/// The user writes to the app's customer service (from the inbox or the mini program):
/// the line joins the conversation, 5 replies are allowed within 48 h, and the
/// developer's server gets the message.
pub async fn cs_message(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<UserLine>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let (now, user_id) = (s.identity.now(), u.session.user_id);
    let p = party(&s, &app, user_id);
    let msgid = inbox::write(&s.db, app.id, user_id, &b.content, |id| events::text(&p, now, &b.content, id), now).await?;
    s.hub.notify(user_id);
    s.outbox_wake.notify_one();
    Ok(Json(json!({ "ok": true, "msgid": msgid })))
}

/// The user enters the app's service session: 2 replies allowed within 1 minute.
pub async fn cs_enter(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let (now, user_id) = (s.identity.now(), u.session.user_id);
    let event = events::entered_session(&party(&s, &app, user_id), now);
    customer_service::user_acted(&s.db, app.id, user_id, customer_service::UserAction::Entered, Some(&event), now).await?;
    s.outbox_wake.notify_one();
    Ok(Json(json!({ "ok": true })))
}

/// A form submitted with `report-submit`: its `formId` lets the app send 1 template
/// message within 7 days.
pub async fn form(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let id = legacy::record_form(&s.db, app.id, u.session.user_id, s.identity.now()).await?;
    Ok(Json(json!({ "formId": id })))
}

/// A payment (until the payment gateway exists, recorded here): its `prepay_id` lets
/// the app send 3 template messages within 7 days.
pub async fn payment(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let id = legacy::record_payment(&s.db, app.id, u.session.user_id, s.identity.now()).await?;
    Ok(Json(json!({ "prepay_id": id })))
}
