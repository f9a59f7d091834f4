//! Entries into mini programs (docs/traffic.md): web pages' JS-SDK and open tag
//! (scene 1167), launches from mobile apps (1069) with the user's consent, shares and
//! share tickets (1007, 1008, 1044, 1154), service accounts' menus and articles (1035,
//! 1058). Rules in `openmini_core::traffic`.

use super::auth::ClientUser;
use super::{Body, ClientError, ClientReply};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use openmini_core::traffic::entry_store::OfficialStore;
use openmini_core::traffic::{articles, jssdk, launch, shares};
use openmini_core::{ApiError, Code};
use serde_json::{json, Map, Value};

type Obj = Map<String, Value>;

fn string(b: &Obj, k: &str) -> Result<String, ClientError> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(ApiError::with(Code::DataFormat, format!("{k} must be a string")).into()),
    }
}

fn opt_string(b: &Obj, k: &str) -> Result<Option<String>, ClientError> {
    Ok(Some(string(b, k)?).filter(|s| !s.is_empty()))
}

fn flag(b: &Obj, k: &str) -> Result<bool, ClientError> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(v)) => Ok(*v),
        Some(_) => Err(ApiError::with(Code::DataFormat, format!("{k} must be a boolean")).into()),
    }
}

fn object(b: Value) -> Result<Obj, ClientError> {
    match b {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::with(Code::DataFormat, "body must be a JSON object").into()),
    }
}

// ---- web pages -----------------------------------------------------------------------------

/// `POST /client/v1/jssdk/verify`: `wx.config` of a page (no user needed).
pub async fn jssdk_verify(State(s): State<AppState>, h: HeaderMap, Body(b): Body<Value>) -> ClientReply {
    let b = object(b)?;
    let r = jssdk::ConfigRequest {
        appid: string(&b, "appId")?,
        timestamp: string(&b, "timestamp")?,
        nonce_str: string(&b, "nonceStr")?,
        signature: string(&b, "signature")?,
        url: string(&b, "url")?,
    };
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()).filter(|o| *o != "null");
    let (token, cfg) = jssdk::verify(&s.identity, &r, origin, &s.config.entries).await?;
    let tags: Vec<&str> = match b.get("openTagList") {
        Some(Value::Array(l)) => l.iter().filter_map(Value::as_str).filter(|t| *t == jssdk::OPEN_TAG).collect(),
        _ => Vec::new(),
    };
    let p = &s.config.entries;
    Ok(Json(json!({
        "errMsg": "config:ok",
        "config": token,
        "expires_in": p.jssdk_session_secs,
        "appId": cfg.appid,
        "openTagList": tags,
        "minimums": { "client": p.min_client, "ios": p.min_ios, "android": p.min_android },
    })))
}

/// `POST /client/v1/jssdk/launch`: the open tag was tapped; a launch ticket and the
/// shell's URL that redeems it.
pub async fn jssdk_launch(State(s): State<AppState>, h: HeaderMap, Body(b): Body<Value>) -> ClientReply {
    let b = object(b)?;
    let r = jssdk::LaunchRequest {
        config: string(&b, "config")?,
        appid: opt_string(&b, "appid")?,
        username: opt_string(&b, "username")?,
        path: string(&b, "path")?,
        extra_data: b.get("extraData").cloned(),
    };
    let ua = h.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let ticket = jssdk::launch(&s.identity, &s.db, &s.db, s.packages.as_ref(), &r, ua, &s.config.entries).await?;
    let origin = crate::web::request_origin(&s, &h).ok_or_else(|| ApiError::with(Code::InvalidArgs, "bad Host header"))?;
    Ok(Json(json!({ "errMsg": "launch:ok", "ticket": ticket, "url": format!("{origin}/#/open?launch={ticket}") })))
}

/// `POST /client/v1/launch/redeem` `{ticket}`: the shell opens what a web page asked for.
pub async fn redeem(State(s): State<AppState>, _u: ClientUser, Body(b): Body<Value>) -> ClientReply {
    let b = object(b)?;
    let l = jssdk::redeem(&s.identity, &string(&b, "ticket")?, &s.config.entries).await?;
    Ok(Json(l.to_json()))
}

// ---- other apps ----------------------------------------------------------------------------

fn launch_request(b: &Obj) -> Result<launch::LaunchRequest, ClientError> {
    Ok(launch::LaunchRequest {
        from: string(b, "from")?,
        appid: opt_string(b, "appid")?,
        username: match opt_string(b, "userName")? {
            Some(u) => Some(u),
            None => opt_string(b, "username")?,
        },
        path: string(b, "path")?,
        ext_data: b.get("extData").cloned(),
    })
}

/// `POST /client/v1/launch`: a mobile app opens a mini program in this host app.
pub async fn app_launch(State(s): State<AppState>, u: ClientUser, Body(b): Body<Value>) -> ClientReply {
    let r = launch_request(&object(b)?)?;
    match launch::launch(&s.identity, &s.db, &s.db, s.packages.as_ref(), &u.session, &r).await? {
        launch::LaunchAnswer::Launch(l) => Ok(Json(l.to_json())),
        launch::LaunchAnswer::ConsentNeeded { app, miniprogram } => Ok(Json(json!({
            "consent_needed": true,
            "app": { "appid": app.appid, "name": app.name },
            "miniprogram": { "appid": miniprogram.appid, "name": miniprogram.name },
        }))),
    }
}

/// `POST /client/v1/launch/consent`: the user allowed it; remembered per user, host app
/// and mini program.
pub async fn app_consent(State(s): State<AppState>, u: ClientUser, Body(b): Body<Value>) -> ClientReply {
    let r = launch_request(&object(b)?)?;
    launch::consent(&s.identity, &s.db, &u.session, &r.from, r.appid.as_deref(), r.username.as_deref()).await?;
    Ok(Json(json!({ "ok": true })))
}

// ---- shares --------------------------------------------------------------------------------

/// `POST /client/v1/shares`: a card shared into a chat, a group or the timeline.
pub async fn share(State(s): State<AppState>, u: ClientUser, Body(b): Body<Value>) -> ClientReply {
    let b = object(b)?;
    let chat = match b.get("chat") {
        None | Some(Value::Null) => None,
        Some(Value::Object(c)) => Some((string(c, "id")?, flag(c, "group")?)),
        Some(_) => return Err(ApiError::with(Code::DataFormat, "chat must be an object {id, group}").into()),
    };
    let r = shares::ShareRequest {
        appid: string(&b, "appid")?,
        title: string(&b, "title")?,
        path: string(&b, "path")?,
        image_url: string(&b, "imageUrl")?,
        chat,
        timeline: flag(&b, "timeline")?,
        with_share_ticket: flag(&b, "withShareTicket")?,
    };
    let shared = shares::record(&s.identity, &s.db, &u.session, &r).await?;
    let mut out = json!({ "id": shared.id, "scene": shared.scene });
    if let Some(t) = shared.share_ticket {
        out["shareTicket"] = t.into();
    }
    Ok(Json(out))
}

/// `POST /client/v1/apps/{appid}/share-info` `{shareTicket}`: `wx.getShareInfo`.
pub async fn share_info(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Value>) -> ClientReply {
    let b = object(b)?;
    let (encrypted, iv) = shares::share_info(&s.identity, &s.db, &u.session, &appid, &string(&b, "shareTicket")?, &s.config.entries).await?;
    Ok(Json(json!({ "errMsg": "getShareInfo:ok", "encryptedData": encrypted, "iv": iv })))
}

// ---- service accounts ----------------------------------------------------------------------

/// `GET /client/v1/official-accounts`: service and subscription accounts (通讯录 › 公众号).
pub async fn official_accounts(State(s): State<AppState>, _u: ClientUser) -> ClientReply {
    let list = s.db.official_accounts(200).await?;
    let accounts: Vec<Value> = list.into_iter().map(|a| json!({ "appid": a.appid, "name": a.name, "kind": a.kind })).collect();
    Ok(Json(json!({ "accounts": accounts })))
}

/// `GET /client/v1/official-accounts/{appid}`: the account's page: its menu and articles.
pub async fn official_account(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    openmini_core::traffic::menus::check_owner(&app).map_err(|_| ApiError::with(Code::InvalidAppid, "not a service or subscription account"))?;
    let menu = match s.db.menu(app.id).await? {
        Some(t) => serde_json::from_str::<Value>(&t).unwrap_or(Value::Null),
        None => Value::Null,
    };
    let list: Vec<Value> = s
        .db
        .articles(app.id, 50)
        .await?
        .iter()
        .map(|a| json!({ "id": a.id, "title": a.article.title, "digest": a.article.digest, "author": a.article.author, "thumbUrl": a.article.thumb_url, "createdAt": a.created_at }))
        .collect();
    Ok(Json(json!({ "appid": app.appid, "name": app.name, "kind": app.kind, "menu": menu, "articles": list })))
}

/// `GET /client/v1/articles/{id}`: an article and the mini program it links to.
pub async fn article(State(s): State<AppState>, _u: ClientUser, Path(id): Path<i64>) -> ClientReply {
    let a = s.db.article(id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such article"))?;
    let owner = s.identity.store().app_by_id(a.app_id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such article"))?;
    let miniprogram = match &a.article.miniprogram {
        Some((appid, path)) => {
            let name = s.identity.store().app_by_appid(appid).await?.map(|m| m.name).unwrap_or_default();
            json!({ "appid": appid, "pagepath": path, "name": name })
        }
        None => Value::Null,
    };
    let mut out = articles::item_json(&a);
    out["id"] = a.id.into();
    out["account"] = json!({ "appid": owner.appid, "name": owner.name });
    out["miniprogram"] = miniprogram;
    out["createdAt"] = a.created_at.into();
    Ok(Json(out))
}
