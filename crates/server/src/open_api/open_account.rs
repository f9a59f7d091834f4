//! Open-platform accounts: `/cgi-bin/open/create|bind|unbind|get|have`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use serde_json::json;

pub async fn create(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let appid = r.b_str("appid")?;
    let open_appid = s.identity.open_create(r.q("access_token"), appid.as_deref()).await?;
    Ok(ok_with_errcode(json!({ "open_appid": open_appid })))
}

pub async fn bind(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (appid, open_appid) = (r.b_str("appid")?, r.b_str("open_appid")?);
    s.identity.open_bind(r.q("access_token"), appid.as_deref(), open_appid.as_deref()).await?;
    Ok(ok_with_errcode(json!({})))
}

pub async fn unbind(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (appid, open_appid) = (r.b_str("appid")?, r.b_str("open_appid")?);
    s.identity.open_unbind(r.q("access_token"), appid.as_deref(), open_appid.as_deref()).await?;
    Ok(ok_with_errcode(json!({})))
}

pub async fn get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let appid = r.b_str("appid")?;
    let open_appid = s.identity.open_get(r.q("access_token"), appid.as_deref()).await?;
    Ok(ok_with_errcode(json!({ "open_appid": open_appid })))
}

pub async fn have(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let have = s.identity.open_have(r.q("access_token")).await?;
    Ok(ok_with_errcode(json!({ "have_open": have })))
}
