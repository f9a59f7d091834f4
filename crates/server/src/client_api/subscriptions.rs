//! The user's side of subscription messages: tap proofs, the consent dialog
//! (`wx.requestSubscribeMessage`), what each app may send, withdrawal, the per-app
//! switch, and the inbox.

use super::auth::ClientUser;
use super::{Body, ClientReply};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use openmini_core::reach::store::SubscriptionStore;
use openmini_core::reach::{customer_service, legacy, subscribe};
use serde::Deserialize;
use serde_json::{json, Value};

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
    let results = subscribe::consent(&s.db, &s.db, app.id, u.session.user_id, &b.tmpl_ids, &b.accepted, s.identity.now()).await?;
    let mut out = json!({ "errMsg": "requestSubscribeMessage:ok" });
    for (id, result) in results {
        out[id] = Value::from(result);
    }
    Ok(Json(out))
}

pub async fn list(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let grants = s.db.grants(app.id, u.session.user_id).await.map_err(openmini_core::ApiError::from)?;
    let off = s.db.switched_off(app.id, u.session.user_id).await.map_err(openmini_core::ApiError::from)?;
    let grants: Vec<_> = grants
        .into_iter()
        .map(|g| json!({ "priTmplId": g.pri_tmpl_id, "type": g.kind, "remaining": g.remaining, "active": g.active }))
        .collect();
    Ok(Json(json!({ "enabled": !off, "grants": grants })))
}

#[derive(Deserialize)]
pub struct Withdraw {
    #[serde(rename = "priTmplId")]
    pri_tmpl_id: String,
}

pub async fn withdraw(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Withdraw>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let done = s.db.withdraw(app.id, u.session.user_id, &b.pri_tmpl_id, s.identity.now()).await.map_err(openmini_core::ApiError::from)?;
    Ok(Json(json!({ "ok": done })))
}

#[derive(Deserialize)]
pub struct Switch {
    enabled: bool,
}

pub async fn switch(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Switch>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    s.db.set_switch(app.id, u.session.user_id, !b.enabled, s.identity.now()).await.map_err(openmini_core::ApiError::from)?;
    Ok(Json(json!({ "enabled": b.enabled })))
}

/// The user writes to the app's customer service: 5 replies allowed within 48 h.
pub async fn cs_message(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    cs_action(&s, &u, &appid, customer_service::UserAction::Message).await
}

/// The user enters the app's service session: 2 replies allowed within 1 minute.
pub async fn cs_enter(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    cs_action(&s, &u, &appid, customer_service::UserAction::Entered).await
}

async fn cs_action(s: &AppState, u: &ClientUser, appid: &str, action: customer_service::UserAction) -> ClientReply {
    let app = s.identity.app_param(Some(appid)).await?;
    customer_service::user_acted(&s.db, app.id, u.session.user_id, action, s.identity.now()).await?;
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

pub async fn inbox(State(s): State<AppState>, u: ClientUser) -> ClientReply {
    let msgs = s.db.inbox(u.session.user_id, 100).await.map_err(openmini_core::ApiError::from)?;
    let msgs: Vec<_> = msgs
        .into_iter()
        .map(|m| {
            let body: Value = serde_json::from_str(&m.body).unwrap_or(Value::Null);
            json!({ "id": m.id, "appId": m.app_id, "folder": m.folder, "title": m.title, "body": body, "page": m.page, "createdAt": m.created_at })
        })
        .collect();
    Ok(Json(json!({ "messages": msgs })))
}
