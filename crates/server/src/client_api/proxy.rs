//! The network proxy of `wx.request`, `wx.uploadFile` and `wx.downloadFile`: the host
//! shell calls these with the user's token (which never reaches the mini program) and
//! the platform makes the request, to an origin on the app's allowed list of that kind.
//!
//! What is sent: the mini program's headers minus hop-by-hop ones and those the proxy
//! owns (`Host`, `Content-Length`, `Referer`, `Accept-Encoding`, `Origin`, …), plus
//! `Referer: https://servicewechat.com/{appid}/{version}/page-frame.html` as WeChat
//! sends. Nothing of the user's own request (their platform token, cookies) is
//! forwarded. Redirects are not followed: a 3xx comes back as it is, with its
//! `Location`, and the mini program may request that URL (checked like any other).
//! No cookies are kept between calls.

use super::auth::ClientUser;
use super::{read_json, ClientError, ClientReply};
use crate::content_type;
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::Json;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use openmini_core::container::domains::{self, check_url};
use openmini_core::container::package;
use openmini_core::container::store::{DomainKind, DomainStore, PackageStore};
use openmini_core::identity::AppKind;
use openmini_core::{ApiError, Code};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

/// Connection-level headers, never passed on in either direction (RFC 9110 §7.6.1).
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];
/// Headers the proxy sets itself (or that mean nothing through it): a mini program's
/// values are dropped. WeChat also refuses a `Referer` set by the mini program.
const PROXY_OWNED: &[&str] = &["host", "content-length", "referer", "accept-encoding", "origin", "expect", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"];
/// Methods of `wx.request`; CONNECT would open a tunnel, so the proxy refuses it.
const METHODS: &[&str] = &["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT"];
const USER_AGENT: &str = concat!("Mozilla/5.0 (OpenMini) miniProgram OpenMini/", env!("CARGO_PKG_VERSION"));

/// A proxy route's JSON body: larger than other client bodies, since it carries the
/// mini program's data (base64-encoded).
pub struct ProxyBody<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for ProxyBody<T> {
    type Rejection = ClientError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ClientError> {
        read_json(req, state.config.proxy.body_limit()).await.map(ProxyBody)
    }
}

fn bad(d: String) -> ApiError {
    ApiError::with(Code::InvalidArgs, d)
}

/// What a call is allowed to reach, and the `Referer` it carries.
struct Target {
    url: reqwest::Url,
    referer: String,
    appid: String,
}

async fn target(s: &AppState, appid: &str, url: &str, kind: DomainKind) -> Result<Target, ApiError> {
    let app = s.identity.app_param(Some(appid)).await?;
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidAppid, "the network proxy is for mini programs"));
    }
    let allowed = s.db.domains(app.id).await?;
    let url = check_url(url, allowed.of(kind), kind)?;
    let version = s.db.current_version(app.id).await?.map_or(0, |v| v.version);
    Ok(Target { url, referer: package::referer(&app.appid, version), appid: app.appid })
}

/// The mini program's headers as they will be sent: string values (numbers and
/// booleans written out, as the base library does), minus what the proxy owns.
fn forward_headers(given: Option<&Map<String, Value>>, drop_content_type: bool) -> Result<HeaderMap, ApiError> {
    let mut out = HeaderMap::new();
    let Some(given) = given else { return Ok(out) };
    // Headers a `Connection` header names are hop-by-hop too.
    let named: Vec<String> = given
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("connection"))
        .filter_map(|(_, v)| v.as_str())
        .flat_map(|v| v.split(',').map(|n| n.trim().to_ascii_lowercase()))
        .collect();
    for (k, v) in given {
        let value = match v {
            Value::Null => continue,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(bad(format!("header {k} must be a string"))),
        };
        let lower = k.to_ascii_lowercase();
        if HOP_BY_HOP.contains(&lower.as_str()) || PROXY_OWNED.contains(&lower.as_str()) || named.contains(&lower) {
            continue;
        }
        if drop_content_type && lower == "content-type" {
            continue;
        }
        let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| bad(format!("{k:?} is not a header name")))?;
        let value = HeaderValue::from_str(&value).map_err(|_| bad(format!("header {k} has characters a header cannot carry")))?;
        out.append(name, value);
    }
    Ok(out)
}

fn finish_headers(h: &mut HeaderMap, t: &Target) {
    if let Ok(v) = HeaderValue::from_str(&t.referer) {
        h.insert(reqwest::header::REFERER, v);
    }
    h.entry(reqwest::header::USER_AGENT).or_insert(HeaderValue::from_static(USER_AGENT));
}

/// The mini program's `timeout` (ms), capped by the configuration; none or not
/// positive means the cap.
fn timeout(s: &AppState, asked: Option<f64>) -> Duration {
    let cap = s.config.proxy.timeout_ms;
    let ms = asked.filter(|t| t.is_finite() && *t >= 1.0).map_or(cap, |t| (t as u64).min(cap));
    Duration::from_millis(ms.max(1))
}

fn decode_data(data: Option<&str>, encoding: Option<&str>, limit: usize) -> Result<Vec<u8>, ApiError> {
    let bytes = match (data, encoding) {
        (None, _) => Vec::new(),
        (Some(d), None | Some("text") | Some("utf8") | Some("utf-8")) => d.as_bytes().to_vec(),
        (Some(d), Some("base64")) => B64.decode(d).map_err(|_| ApiError::with(Code::DataFormat, "data is not base64"))?,
        (Some(_), Some(other)) => return Err(bad(format!("dataEncoding {other:?}: text or base64"))),
    };
    if bytes.len() > limit {
        return Err(ApiError::with(Code::DataFormat, format!("data larger than {limit} bytes")));
    }
    Ok(bytes)
}

/// A reqwest failure as the mini program sees it.
fn failure(e: &reqwest::Error) -> ApiError {
    if e.is_timeout() {
        ApiError::new(Code::RequestTimeout)
    } else {
        // The kind of failure, without our internals (the chain may name local paths).
        let what = if e.is_connect() { "cannot connect" } else if e.is_body() || e.is_decode() { "bad response body" } else { "no valid response" };
        ApiError::with(Code::RequestFailed, what)
    }
}

/// An answer of the developer's server, read up to the configured limit.
struct Answer {
    status: u16,
    headers: Map<String, Value>,
    cookies: Vec<String>,
    content_type: String,
    body: Vec<u8>,
}

async fn send(s: &AppState, kind: &'static str, t: &Target, req: reqwest::RequestBuilder, head: bool) -> Result<Answer, ApiError> {
    let started = Instant::now();
    let result = read_answer(s, req, head).await;
    let outcome = match &result {
        Ok(_) => "ok",
        Err(e) if e.code == Code::RequestTimeout => "timeout",
        Err(e) if e.code == Code::ResponseTooLarge => "too_large",
        Err(_) => "failed",
    };
    metrics::counter!("openmini_proxy_requests_total", "kind" => kind, "outcome" => outcome).increment(1);
    let origin = domains::origin(&t.url).unwrap_or_default();
    let ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(a) => tracing::debug!(target: "openmini::proxy", appid = %t.appid, kind, %origin, status = a.status, ms, "proxied"),
        Err(e) => tracing::info!(target: "openmini::proxy", appid = %t.appid, kind, %origin, error = %e.errmsg(), ms, "proxy call failed"),
    }
    result
}

/// Reads the answer, refusing it past the limit (at once when its `Content-Length`
/// says so, which for `HEAD` is only the size a `GET` would have).
async fn read_answer(s: &AppState, req: reqwest::RequestBuilder, head: bool) -> Result<Answer, ApiError> {
    let limit = s.config.proxy.max_response_bytes;
    let too_large = || ApiError::with(Code::ResponseTooLarge, format!("more than {limit} bytes"));
    let mut res = req.send().await.map_err(|e| failure(&e))?;
    if !head && res.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in res.headers() {
        let (name, value) = (name.as_str(), String::from_utf8_lossy(value.as_bytes()).into_owned());
        if HOP_BY_HOP.contains(&name) {
            continue;
        }
        if name == "set-cookie" {
            cookies.push(value.clone());
        }
        match headers.get_mut(name) {
            Some(Value::String(v)) => {
                v.push_str(", ");
                v.push_str(&value);
            }
            _ => {
                headers.insert(name.to_string(), Value::String(value));
            }
        }
    }
    let content_type = res.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let status = res.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| failure(&e))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, headers, cookies, content_type, body })
}

/// The body for the mini program: text when asked for text and it is UTF-8, base64
/// otherwise (`arraybuffer`, or bytes that are not text).
fn body_value(body: Vec<u8>, arraybuffer: bool) -> (Value, &'static str) {
    if !arraybuffer {
        if let Ok(text) = String::from_utf8(body.clone()) {
            return (Value::String(text), "text");
        }
    }
    (Value::String(B64.encode(body)), "base64")
}

#[derive(Deserialize)]
pub struct RequestCall {
    url: String,
    method: Option<String>,
    header: Option<Map<String, Value>>,
    data: Option<String>,
    #[serde(rename = "dataEncoding")]
    data_encoding: Option<String>,
    #[serde(rename = "responseType")]
    response_type: Option<String>,
    timeout: Option<f64>,
}

/// `POST /client/v1/apps/{appid}/request`: `wx.request`.
pub async fn request(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>, ProxyBody(b): ProxyBody<RequestCall>) -> ClientReply {
    let t = target(&s, &appid, &b.url, DomainKind::Request).await?;
    let method = b.method.as_deref().unwrap_or("GET").to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        return Err(bad(format!("method {method:?} is not one of {}", METHODS.join(", "))).into());
    }
    if method == "CONNECT" {
        return Err(bad("the proxy does not open CONNECT tunnels".into()).into());
    }
    let arraybuffer = match b.response_type.as_deref() {
        None | Some("text") => false,
        Some("arraybuffer") => true,
        Some(other) => return Err(bad(format!("responseType {other:?}: text or arraybuffer")).into()),
    };
    let data = decode_data(b.data.as_deref(), b.data_encoding.as_deref(), s.config.proxy.max_request_bytes)?;
    let mut headers = forward_headers(b.header.as_ref(), false)?;
    finish_headers(&mut headers, &t);
    // WeChat's default for wx.request.
    headers.entry(reqwest::header::CONTENT_TYPE).or_insert(HeaderValue::from_static("application/json"));
    let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| bad("bad method".into()))?;
    let mut req = s.proxy.request(method.clone(), t.url.clone()).headers(headers).timeout(timeout(&s, b.timeout));
    // GET and HEAD carry no body: the container puts their data in the query string.
    if !data.is_empty() && method != reqwest::Method::GET && method != reqwest::Method::HEAD {
        req = req.body(data);
    }
    let a = send(&s, "request", &t, req, method == reqwest::Method::HEAD).await?;
    let (data, encoding) = body_value(a.body, arraybuffer);
    Ok(Json(json!({
        "statusCode": a.status,
        "header": a.headers,
        "data": data,
        "dataEncoding": encoding,
        "cookies": a.cookies,
        "errMsg": "request:ok",
    })))
}

#[derive(Deserialize)]
pub struct UploadCall {
    url: String,
    name: String,
    #[serde(rename = "fileData")]
    file_data: String,
    #[serde(rename = "fileName")]
    file_name: Option<String>,
    #[serde(rename = "formData")]
    form_data: Option<Map<String, Value>>,
    header: Option<Map<String, Value>>,
    timeout: Option<f64>,
}

/// `POST /client/v1/apps/{appid}/upload`: `wx.uploadFile`, a multipart/form-data POST
/// with the file under `name` and `formData`'s fields.
pub async fn upload(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>, ProxyBody(b): ProxyBody<UploadCall>) -> ClientReply {
    let t = target(&s, &appid, &b.url, DomainKind::Upload).await?;
    if b.name.is_empty() || b.name.len() > 256 {
        return Err(bad("name (the file's form field) must be 1-256 bytes".into()).into());
    }
    let file = decode_data(Some(&b.file_data), Some("base64"), s.config.proxy.max_request_bytes)?;
    let file_name = b.file_name.filter(|n| !n.is_empty()).unwrap_or_else(|| "file".into());
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in b.form_data.iter().flatten() {
        let v = match v {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        form = form.text(k.clone(), v);
    }
    let part = reqwest::multipart::Part::bytes(file).file_name(file_name.clone());
    let part = part.mime_str(content_type::of(&file_name)).map_err(|_| bad("fileName".into()))?;
    form = form.part(b.name.clone(), part);
    let mut headers = forward_headers(b.header.as_ref(), true)?;
    finish_headers(&mut headers, &t);
    let req = s.proxy.post(t.url.clone()).headers(headers).multipart(form).timeout(timeout(&s, b.timeout));
    let a = send(&s, "upload", &t, req, false).await?;
    let (data, encoding) = body_value(a.body, false);
    Ok(Json(json!({
        "statusCode": a.status,
        "header": a.headers,
        "data": data,
        "dataEncoding": encoding,
        "cookies": a.cookies,
        "errMsg": "uploadFile:ok",
    })))
}

#[derive(Deserialize)]
pub struct DownloadCall {
    url: String,
    header: Option<Map<String, Value>>,
    timeout: Option<f64>,
}

/// `POST /client/v1/apps/{appid}/download`: `wx.downloadFile`; the file comes back
/// base64-encoded for the container to turn into a temporary file.
pub async fn download(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>, ProxyBody(b): ProxyBody<DownloadCall>) -> ClientReply {
    let t = target(&s, &appid, &b.url, DomainKind::Download).await?;
    let mut headers = forward_headers(b.header.as_ref(), false)?;
    finish_headers(&mut headers, &t);
    let req = s.proxy.get(t.url.clone()).headers(headers).timeout(timeout(&s, b.timeout));
    let a = send(&s, "download", &t, req, false).await?;
    Ok(Json(json!({
        "statusCode": a.status,
        "header": a.headers,
        "data": B64.encode(&a.body),
        "contentType": a.content_type,
        "errMsg": "downloadFile:ok",
    })))
}
