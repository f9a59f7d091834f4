//! The public template library (`/wxaapi/newtmpl/getcategory`, `getpubtemplatetitles`,
//! `getpubtemplatekeywords`). Private templates (addtemplate, …) come with the rest of
//! subscription messages.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::library::library;
use serde_json::json;

pub async fn category(State(s): State<AppState>, r: OpenRequest) -> Reply {
    s.identity.authenticate(r.q("access_token")).await?;
    Ok(ok_with_errcode(json!({ "data": library().categories })))
}

pub async fn titles(State(s): State<AppState>, r: OpenRequest) -> Reply {
    s.identity.authenticate(r.q("access_token")).await?;
    let (count, page) = library().titles(r.q("ids"), r.q("start"), r.q("limit"))?;
    let data: Vec<_> = page
        .iter()
        .map(|t| json!({ "tid": t.tid, "title": t.title, "type": t.kind, "categoryId": t.category_id }))
        .collect();
    Ok(ok_with_errcode(json!({ "count": count, "data": data })))
}

pub async fn keywords(State(s): State<AppState>, r: OpenRequest) -> Reply {
    s.identity.authenticate(r.q("access_token")).await?;
    let t = library().keywords(r.q("tid"))?;
    let data: Vec<_> = t
        .keywords
        .iter()
        .map(|k| json!({ "kid": k.kid, "name": k.name, "example": k.example, "rule": k.rule }))
        .collect();
    Ok(ok_with_errcode(json!({ "count": data.len(), "data": data })))
}
