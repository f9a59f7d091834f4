//! `GET /cgi-bin/token` and `POST /cgi-bin/stable_token`.

use super::reply::{Reply, Success};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use serde_json::json;

pub async fn token(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let t = s.identity.issue_token(r.q("grant_type"), r.q("appid"), r.q("secret")).await?;
    Ok(Success(json!({ "access_token": t.access_token, "expires_in": t.expires_in })))
}

pub async fn stable_token(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let (grant, appid, secret) = (r.b_str("grant_type")?, r.b_str("appid")?, r.b_str("secret")?);
    let force = r.b_bool("force_refresh")?;
    let t = s
        .identity
        .stable_token(grant.as_deref(), appid.as_deref(), secret.as_deref(), force)
        .await?;
    Ok(Success(json!({ "access_token": t.access_token, "expires_in": t.expires_in })))
}
