//! Service and subscription accounts: the menu (`/cgi-bin/menu/create`, `get`,
//! `delete`) and articles (`/cgi-bin/draft/add`, `get`, `delete`), the entries of
//! scenes 1035 and 1058 (docs/traffic.md).

use super::reply::{ok_with_errcode, Failure, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use openmini_core::traffic::entry_store::OfficialStore;
use openmini_core::traffic::{articles, menus};
use openmini_core::Code;
use serde_json::{json, Value};

/// `POST /cgi-bin/menu/create` `{button: […]}`: checked whole, then replaces the menu.
pub async fn menu_create(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    menus::check_owner(&app)?;
    let menu = menus::check(&s.identity, &s.db, s.packages.as_ref(), &app, r.body()?).await?;
    s.db.set_menu(app.id, &menu.to_string(), s.identity.now()).await?;
    Ok(ok_with_errcode(json!({})))
}

/// `GET /cgi-bin/menu/get` → `{menu: {button: […]}}`; 46003 without a menu.
pub async fn menu_get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    menus::check_owner(&app)?;
    let text = s.db.menu(app.id).await?.ok_or(Code::MenuNotExist)?;
    let menu: Value = serde_json::from_str(&text).map_err(|_| Failure(Code::SystemBusy.into()))?;
    Ok(super::reply::Success(json!({ "menu": menu })))
}

/// `GET` (or `POST`) `/cgi-bin/menu/delete`.
pub async fn menu_delete(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    menus::check_owner(&app)?;
    s.db.delete_menu(app.id).await?;
    Ok(ok_with_errcode(json!({})))
}

/// `POST /cgi-bin/draft/add` → `{media_id}`.
pub async fn draft_add(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    let media_id = articles::add(&s.identity, &s.db, &s.db, s.packages.as_ref(), &app, r.body()?).await?;
    Ok(super::reply::Success(json!({ "media_id": media_id })))
}

/// `POST /cgi-bin/draft/get` `{media_id}` → `{news_item: […]}`.
pub async fn draft_get(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    Ok(super::reply::Success(articles::get(&s.db, &app, r.body()?).await?))
}

/// `POST /cgi-bin/draft/delete` `{media_id}`.
pub async fn draft_delete(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    articles::delete(&s.db, &app, r.body()?).await?;
    Ok(ok_with_errcode(json!({})))
}
