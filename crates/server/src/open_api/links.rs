//! Links (docs/traffic.md, "Links"): `generatescheme`, `generate_urllink`,
//! `genwxashortlink`, `queryscheme`, `query_urllink`. Fields are read with their JSON
//! types checked (47001 naming the field); the rules are in
//! `openmini_core::traffic::links`.

use super::reply::{ok_with_errcode, Reply};
use super::request::OpenRequest;
use crate::state::AppState;
use crate::web::request_origin;
use axum::extract::State;
use axum::http::HeaderMap;
use openmini_core::identity::App;
use openmini_core::traffic::link_store::LinkKind;
use openmini_core::traffic::links::{self, Expiry, LinkInfo};
use openmini_core::traffic::resolve::{self, LinkText};
use openmini_core::{ApiError, Code};
use serde_json::{json, Map, Value};

fn type_error(name: &str, what: &str) -> ApiError {
    ApiError::with(Code::DataFormat, format!("{name} must be {what}"))
}

fn present<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name).filter(|v| !v.is_null())
}

/// A string field (a number is taken as its decimal text, as `OpenRequest::b_str`).
pub(crate) fn str_field(m: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match present(m, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(type_error(name, "a string")),
    }
}

/// An integer field: a JSON integer or its decimal text.
pub(crate) fn int_field(m: &Map<String, Value>, name: &str) -> Result<Option<i64>, ApiError> {
    match present(m, name) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| type_error(name, "an integer")),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| type_error(name, "an integer")),
        Some(_) => Err(type_error(name, "an integer")),
    }
}

/// A boolean field: true/false, 0/1 or their text.
pub(crate) fn bool_field(m: &Map<String, Value>, name: &str) -> Result<Option<bool>, ApiError> {
    match present(m, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Ok(Some(false)),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some(true)),
        Some(Value::String(s)) if s == "true" || s == "1" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" || s == "0" => Ok(Some(false)),
        Some(_) => Err(type_error(name, "a boolean")),
    }
}

/// The public origin links are written with: `public_url`, else the `Host` the caller
/// used, else the listening address.
pub(crate) fn origin(s: &AppState, h: &HeaderMap) -> String {
    request_origin(s, h).unwrap_or_else(|| format!("http://{}", s.config.addr))
}

pub(crate) async fn caller_app(s: &AppState, r: &OpenRequest) -> Result<App, ApiError> {
    let app = s.identity.authenticate(r.q("access_token")).await?;
    links::check_app(&app)?;
    Ok(app)
}

fn expiry(b: &Map<String, Value>) -> Result<Expiry, ApiError> {
    bool_field(b, "is_expire")?; // always true on WeChat now; only its type matters
    Ok(Expiry { expire_type: int_field(b, "expire_type")?, expire_time: int_field(b, "expire_time")?, expire_interval: int_field(b, "expire_interval")? })
}

/// Schemes and URL links: check everything, then make and count the link.
async fn generate(s: &AppState, app: &App, kind: LinkKind, target: &Map<String, Value>, b: &Map<String, Value>) -> Result<String, ApiError> {
    let (path, query, env) = (str_field(target, "path")?, str_field(target, "query")?, str_field(target, "env_version")?);
    let e = expiry(b)?;
    let now = s.identity.now();
    let pages = crate::app_pages::current(s, app).await?;
    let target = links::check_target(pages.as_deref(), path.as_deref(), query.as_deref(), env.as_deref())?;
    let expire_at = links::expire_at(&s.config.links, &e, now)?;
    let day = s.identity.policy().day_of(now);
    let link = links::generate(&s.db, &s.config.links, app, kind, target, expire_at, now, day).await?;
    metrics::counter!("openmini_links_total", "kind" => kind.as_str()).increment(1);
    Ok(link.code)
}

/// `POST /wxa/generatescheme`: `{jump_wxa: {path, query, env_version}, expire_type,
/// expire_time | expire_interval, is_expire}` → `{openlink}`.
pub async fn generate_scheme(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let jump = match present(b, "jump_wxa") {
        None => Map::new(),
        Some(Value::Object(o)) => o.clone(),
        Some(_) => return Err(type_error("jump_wxa", "an object {path, query, env_version}").into()),
    };
    let code = generate(&s, &app, LinkKind::Scheme, &jump, b).await?;
    Ok(ok_with_errcode(json!({ "openlink": links::scheme_text(&code) })))
}

/// `POST /wxa/generate_urllink`: `{path, query, env_version, expire_type, expire_time |
/// expire_interval}` → `{url_link}`.
pub async fn generate_urllink(State(s): State<AppState>, h: HeaderMap, r: OpenRequest) -> Reply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let code = generate(&s, &app, LinkKind::UrlLink, b, b).await?;
    Ok(ok_with_errcode(json!({ "url_link": links::url_link_text(&origin(&s, &h), &code) })))
}

/// `POST /wxa/genwxashortlink`: `{page_url, page_title, is_permanent}` → `{link}`.
pub async fn short_link(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let (page_url, title, permanent) = (str_field(b, "page_url")?, str_field(b, "page_title")?, bool_field(b, "is_permanent")?.unwrap_or(false));
    let now = s.identity.now();
    let pages = crate::app_pages::current(&s, &app).await?;
    let day = s.identity.policy().day_of(now);
    let link = links::short_link(&s.db, &s.config.links, &app, pages.as_deref(), page_url.as_deref(), title.as_deref(), permanent, now, day).await?;
    metrics::counter!("openmini_links_total", "kind" => "shortlink").increment(1);
    Ok(ok_with_errcode(json!({ "link": links::short_link_text(&app.name, &link.title, &link.code) })))
}

fn info_json(i: &LinkInfo) -> Value {
    json!({
        "appid": i.appid, "path": i.path, "query": i.query,
        "create_time": i.create_time, "expire_time": i.expire_time, "env_version": i.env_version,
    })
}

/// What a query answers besides the link's info: the day's remaining opens, and (ours)
/// the opens and last visitor.
async fn query_answer(s: &AppState, app: &App, key: &str, info: Option<LinkInfo>) -> Reply {
    let day = s.identity.policy().day_of(s.identity.now());
    let remain = links::remaining_opens(&s.db, &s.config.links, app.id, day).await?;
    let mut out = json!({ "quota_info": { "remain_visit_quota": remain } });
    if let (Some(i), Some(o)) = (info, out.as_object_mut()) {
        o.insert(key.into(), info_json(&i));
        o.insert("visit_openid".into(), i.visit_openid.into());
        o.insert("visit_count".into(), i.visit_count.into());
    }
    Ok(ok_with_errcode(out))
}

fn query_type(b: &Map<String, Value>) -> Result<i64, ApiError> {
    match int_field(b, "query_type")?.unwrap_or(0) {
        t @ (0 | 1) => Ok(t),
        _ => Err(ApiError::with(Code::InvalidArgs, "query_type must be 0 (the link) or 1 (the day's remaining opens)")),
    }
}

/// `POST /wxa/queryscheme`: `{scheme, query_type}` → `{scheme_info, quota_info,
/// visit_openid}`; an encrypted scheme of this app, or a plain scheme naming it.
pub async fn query_scheme(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let (scheme, qt) = (str_field(b, "scheme")?, query_type(b)?);
    if qt == 1 {
        return query_answer(&s, &app, "scheme_info", None).await;
    }
    let scheme = scheme.filter(|x| !x.is_empty()).ok_or_else(|| ApiError::with(Code::InvalidArgs, "scheme is required"))?;
    let info = match resolve::parse(&scheme) {
        Some(LinkText::Scheme { code, .. }) => {
            let l = links::owned(&s.db, &app, &code, &[LinkKind::Scheme]).await?;
            links::info(&app, &l, |u| s.identity.keys().openid(&app.appid, u))
        }
        Some(LinkText::Plain { appid, path, query, env_version }) if appid == app.appid => LinkInfo {
            appid,
            path,
            query,
            create_time: 0,
            expire_time: 0,
            env_version: if env_version.is_empty() { "release".into() } else { env_version },
            visit_openid: String::new(),
            visit_count: 0,
        },
        Some(LinkText::Plain { .. }) => return Err(ApiError::with(Code::LinkNotFound, "the plain scheme names another app").into()),
        _ => return Err(ApiError::with(Code::InvalidArgs, "scheme must be weixin://dl/business/?t=… or a plain scheme").into()),
    };
    query_answer(&s, &app, "scheme_info", Some(info)).await
}

/// `POST /wxa/query_urllink`: `{url_link, query_type}` → `{url_link_info, quota_info,
/// visit_openid}`.
pub async fn query_urllink(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let (url, qt) = (str_field(b, "url_link")?, query_type(b)?);
    if qt == 1 {
        return query_answer(&s, &app, "url_link_info", None).await;
    }
    let url = url.filter(|x| !x.is_empty()).ok_or_else(|| ApiError::with(Code::InvalidArgs, "url_link is required"))?;
    let Some(LinkText::UrlLink { code, .. }) = resolve::parse(&url) else {
        return Err(ApiError::with(Code::InvalidArgs, "url_link must be <origin>/l/<code>").into());
    };
    let l = links::owned(&s.db, &app, &code, &[LinkKind::UrlLink]).await?;
    let info = links::info(&app, &l, |u| s.identity.keys().openid(&app.appid, u));
    query_answer(&s, &app, "url_link_info", Some(info)).await
}
