//! `GET /client/v1/search?q=&limit=&type=` (Bearer): what the shell's search box (scene
//! 1005) and 搜一搜 (1053) show. The query rules are `openmini_core::search::query`, the
//! index `openmini-search`.

use super::auth::ClientUser;
use super::ClientReply;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use openmini_core::search::query::SearchQuery;
use openmini_core::{ApiError, Code};
use serde_json::{json, Value};

#[derive(serde::Deserialize)]
pub struct Params {
    q: Option<String>,
    limit: Option<String>,
    #[serde(rename = "type")]
    kinds: Option<String>,
}

/// Mini programs, services, official accounts and articles, best first (ranking:
/// docs/traffic.md, "Search").
pub async fn search(State(s): State<AppState>, _u: ClientUser, p: Result<Query<Params>, QueryRejection>) -> ClientReply {
    let Query(p) = p.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let q = SearchQuery::parse(p.q.as_deref(), p.limit.as_deref(), p.kinds.as_deref())?;
    let started = std::time::Instant::now();
    let hits = s.search.search(&q)?;
    metrics::histogram!("openmini_search_seconds").record(started.elapsed().as_secs_f64());
    let items: Vec<Value> = hits
        .into_iter()
        .map(|h| {
            let mut item = json!({
                "type": h.kind.as_str(),
                "appid": h.appid,
                "title": h.title,
                "name": h.name,
                "score": (h.score as f64 * 1000.0).round() / 1000.0,
            });
            for (k, v) in [("page", h.page.map(Value::from)), ("category", h.category.map(Value::from)), ("article", h.article.map(Value::from))] {
                if let Some(v) = v {
                    item[k] = v;
                }
            }
            item
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}
