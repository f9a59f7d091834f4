//! `POST /cgi-bin/message/subscribe/send`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::subscribe;
use openmini_core::{ApiError, Code};
use serde_json::json;

pub async fn send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let touser = r.b_str("touser")?.filter(|t| !t.is_empty() && t.len() <= 64).ok_or(Code::InvalidOpenid)?;
    // Only this app's users: another app's openid is simply unknown here.
    let user = s.identity.store().app_user_by_openid(app.id, &touser).await.map_err(ApiError::from)?.ok_or(Code::InvalidOpenid)?;
    let (template_id, page) = (r.b_str("template_id")?, r.b_str("page")?);
    let data = r.body()?.get("data");
    let msgid = subscribe::send(&s.db, &s.db, app.id, user.user_id, template_id.as_deref(), page.as_deref(), data, s.identity.now()).await?;
    Ok(ok_with_errcode(json!({ "msgid": msgid })))
}

/// `POST /cgi-bin/message/wxopen/template/send`: a legacy template message, spending a
/// form id (1 send) or a payment's prepay_id (3 sends) within 7 days.
pub async fn legacy_send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let touser = r.b_str("touser")?.filter(|t| !t.is_empty() && t.len() <= 64).ok_or(Code::InvalidOpenid)?;
    let user = s.identity.store().app_user_by_openid(app.id, &touser).await.map_err(ApiError::from)?.ok_or(Code::InvalidOpenid)?;
    let (template_id, page, form_id) = (r.b_str("template_id")?, r.b_str("page")?, r.b_str("form_id")?);
    let data = r.body()?.get("data");
    let msgid = openmini_core::reach::legacy::send(
        &s.db,
        &s.db,
        app.id,
        user.user_id,
        template_id.as_deref(),
        page.as_deref(),
        form_id.as_deref(),
        data,
        s.identity.now(),
    )
    .await?;
    Ok(ok_with_errcode(json!({ "msgid": msgid })))
}
