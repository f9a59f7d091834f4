//! `POST /cgi-bin/message/subscribe/send`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use super::{party, recipient};
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::subscribe;
use serde_json::json;

pub async fn send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app, user_id) = recipient(&s, &r).await?;
    let (template_id, page) = (r.b_str("template_id")?, r.b_str("page")?);
    let data = r.body()?.get("data");
    let party = party(&s, &app, user_id);
    let now = s.identity.now();
    let msgid = subscribe::send(&s.db, &s.db, app.id, user_id, Some(&party), template_id.as_deref(), page.as_deref(), data, now).await?;
    s.hub.notify(user_id);
    s.outbox_wake.notify_one();
    Ok(ok_with_errcode(json!({ "msgid": msgid })))
}

/// `POST /cgi-bin/message/wxopen/template/send`: a legacy template message, spending a
/// form id (1 send) or a payment's prepay_id (3 sends) within 7 days.
pub async fn legacy_send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app, user_id) = recipient(&s, &r).await?;
    let (template_id, page, form_id) = (r.b_str("template_id")?, r.b_str("page")?, r.b_str("form_id")?);
    let data = r.body()?.get("data");
    let msgid = openmini_core::reach::legacy::send(
        &s.db,
        &s.db,
        app.id,
        user_id,
        template_id.as_deref(),
        page.as_deref(),
        form_id.as_deref(),
        data,
        s.identity.now(),
    )
    .await?;
    s.hub.notify(user_id);
    Ok(ok_with_errcode(json!({ "msgid": msgid })))
}
