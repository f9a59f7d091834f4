//! Subscription templates: the public library (`/wxaapi/newtmpl/getcategory`,
//! `getpubtemplatetitles`, `getpubtemplatekeywords`) and an app's private templates
//! (`addtemplate`, `gettemplate`, `deltemplate`).

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::reach::{self, library::library};
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

/// `POST /wxaapi/newtmpl/addtemplate` `{tid, kidList, sceneDesc}` → `{priTmplId}`.
pub async fn add(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let tid = r.b_str("tid")?;
    let kids = r.b_int_list("kidList")?;
    let scene = r.b_str("sceneDesc")?;
    let id = reach::templates::add(&s.db, app.id, tid.as_deref(), &kids, scene.as_deref(), s.identity.now()).await?;
    Ok(ok_with_errcode(json!({ "priTmplId": id })))
}

/// `GET /wxaapi/newtmpl/gettemplate` → `data[]{priTmplId, title, content, example, type}`.
pub async fn list(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let data: Vec<_> = reach::templates::list(&s.db, app.id)
        .await?
        .into_iter()
        .map(|t| json!({ "priTmplId": t.pri_tmpl_id, "title": t.title, "content": t.content, "example": t.example, "type": t.kind }))
        .collect();
    Ok(ok_with_errcode(json!({ "data": data })))
}

/// `POST /wxaapi/newtmpl/deltemplate` `{priTmplId}`.
pub async fn delete(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let id = r.b_str("priTmplId")?;
    reach::templates::delete(&s.db, app.id, id.as_deref()).await?;
    Ok(ok_with_errcode(json!({})))
}
