//! Customer-service messages: `POST /cgi-bin/message/custom/send` and `custom/typing`.

use super::reply::{ok_with_errcode, Reply};
use super::recipient;
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::customer_service;
use serde_json::{json, Value};

pub async fn send(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app, user_id) = recipient(&s, &r).await?;
    let msg = Value::Object(r.body()?.clone());
    customer_service::send(&s.db, app.id, user_id, &msg, s.identity.now()).await?;
    s.hub.notify(user_id);
    Ok(ok_with_errcode(json!({})))
}

pub async fn typing(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (app, user_id) = recipient(&s, &r).await?;
    let command = r.b_str("command")?;
    customer_service::typing(&s.db, app.id, user_id, command.as_deref(), s.identity.now()).await?;
    Ok(ok_with_errcode(json!({})))
}
