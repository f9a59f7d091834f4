//! `GET /client/v1/links/resolve?link=&from=`: what a link or code opens, for the shell
//! (扫一扫, pasted links, landing pages), with its scene; the open is counted (the
//! day's opens of schemes and URL links) and recorded (`app_events`, kind `open`, with
//! the scene and source) before the answer, so the shell does not record it again.

use super::auth::ClientUser;
use super::ClientReply;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use openmini_core::traffic::resolve::{self, Via};
use openmini_core::{ApiError, Code};
use serde_json::json;

#[derive(serde::Deserialize)]
pub struct ResolveQuery {
    link: Option<String>,
    from: Option<String>,
}

pub async fn resolve(State(s): State<AppState>, u: ClientUser, q: Result<Query<ResolveQuery>, QueryRejection>) -> ClientReply {
    let Query(q) = q.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let link = q.link.filter(|l| !l.trim().is_empty()).ok_or_else(|| ApiError::with(Code::InvalidArgs, "link is required"))?;
    let via = Via::parse(q.from.as_deref().unwrap_or("")).ok_or_else(|| ApiError::with(Code::InvalidArgs, "from must be album, camera, longpress or text"))?;
    let o = resolve::open(&s.identity, &s.db, &s.config.links, u.session.user_id, &link, via).await?;
    metrics::counter!("openmini_link_opens_total", "kind" => o.target.kind).increment(1);
    let t = &o.target;
    Ok(Json(json!({
        "appid": t.app.appid,
        "name": t.app.name,
        "path": t.path,
        "query": t.query,
        "scene": o.scene,
        "source": t.source,
        "kind": t.kind,
        "title": t.title,
        "expire_time": t.expire_at.map_or(0, |ms| ms.div_euclid(1000)),
        "recorded": true,
    })))
}
