//! `GET /cgi-bin/ticket/getticket?type=jsapi`: the ticket a website or service account
//! signs its pages' JS-SDK configuration with (docs/traffic.md, "Web pages").

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::traffic::jssdk;
use serde_json::json;

pub async fn getticket(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let (ticket, expires_in) = jssdk::getticket(s.identity.keys(), &app, r.q("type"), s.identity.now(), &s.config.entries)?;
    Ok(ok_with_errcode(json!({ "ticket": ticket, "expires_in": expires_in })))
}
