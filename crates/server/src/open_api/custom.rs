//! Customer-service messages: `POST /cgi-bin/message/custom/send` and `custom/typing`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::customer_service;
use openmini_core::{ApiError, Code};
use serde_json::{json, Value};

/// The recipient: an openid of the calling app (another app's is unknown here).
async fn recipient(s: &AppState, r: &OpenRequest) -> Result<(i64, i64), ApiError> {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let touser = r.b_str("touser")?.filter(|t| !t.is_empty() && t.len() <= 64).ok_or(Code::InvalidOpenid)?;
    let user = s.identity.store().app_user_by_openid(app.id, &touser).await?.ok_or(Code::InvalidOpenid)?;
    Ok((app.id, user.user_id))
}

pub async fn send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app_id, user_id) = recipient(&s, &r).await?;
    let msg = Value::Object(r.body()?.clone());
    customer_service::send(&s.db, app_id, user_id, &msg, s.identity.now()).await?;
    Ok(ok_with_errcode(json!({})))
}

pub async fn typing(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app_id, user_id) = recipient(&s, &r).await?;
    let command = r.b_str("command")?;
    customer_service::typing(&s.db, app_id, user_id, command.as_deref(), s.identity.now()).await?;
    Ok(ok_with_errcode(json!({})))
}
