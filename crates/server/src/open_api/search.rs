//! Services for search (docs/traffic.md, "Search"; docs/open-api.md): a mini program
//! declares the pages people can find it by. The rules are `openmini_core::search`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::search::services;
use openmini_core::search::store::{Change, SearchStore};
use serde_json::json;

/// `POST /wxa/search/submitservices?access_token=` `{services: [{page, title, keywords,
/// category}]}`: replaces the app's services; searchable on this node at once, on
/// the others within a second.
pub async fn submit(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let body = r.body()?;
    let list = services::submit(&s.db, &s.db, s.packages.as_ref(), &app, body.get("services"), s.identity.now()).await?;
    s.search.notify(Change::App(app.appid.clone()));
    Ok(ok_with_errcode(json!({ "count": list.len() })))
}

/// `GET /wxa/search/getservices?access_token=`: the app's services as submitted.
pub async fn get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let list = s.db.services(app.id).await?;
    Ok(ok_with_errcode(json!({ "services": list })))
}
