//! The web apps embedded in the binary (`web/`): the host shell at `/` and `/shell/`,
//! the JS-SDK for web pages at `/jssdk/openmini.js`, the launch API for third-party
//! hosts at `/sdk/host.js`, the container runtime at `/container/`, and the container's
//! frame document at `/container/frame?appid=…` with the Content-Security-Policy of
//! docs/container.md.
//!
//! rust-embed reads the files from disk on every request in debug builds (edit the
//! JavaScript, reload the page, no rebuild) and embeds them in release builds.

use crate::state::AppState;
use crate::{content_type, json_status};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openmini_core::container::package::is_bundle_path;
use openmini_core::keys::is_appid;
use openmini_core::{ApiError, Code};
use serde::Deserialize;

#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/"]
#[allow_missing = true]
struct Web;

/// How long browsers keep runtime files: not at all in debug builds (the files change
/// under a running server), a few minutes in release builds; both revalidate by ETag.
const ASSET_CACHE: &str = if cfg!(debug_assertions) { "no-cache" } else { "public, max-age=300" };

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|h: HeaderMap| async move { file("shell/index.html", &h, false) }))
        .route("/shell/{*path}", get(shell_file))
        .route("/jssdk/openmini.js", get(|h: HeaderMap| async move { file("jssdk/openmini.js", &h, true) }))
        .route("/sdk/{*path}", get(sdk_file))
        .route("/container/frame", get(frame))
        .route("/container/{*path}", get(container_file))
}

/// A path that does not decode (invalid UTF-8) names no file.
type FilePath = Result<Path<String>, PathRejection>;

// The shell's modules are public, and third-party hosts import them through
// `/sdk/host.js` from their own origin: CORS on both.
async fn shell_file(p: FilePath, h: HeaderMap) -> Response {
    match p {
        Ok(Path(p)) => file(&format!("shell/{p}"), &h, true),
        Err(_) => json_status(StatusCode::NOT_FOUND, "no such file"),
    }
}

/// `/sdk/host.js`: the launch API for third-party hosts (docs/host-sdk.md).
async fn sdk_file(p: FilePath, h: HeaderMap) -> Response {
    match p {
        Ok(Path(p)) => file(&format!("sdk/{p}"), &h, true),
        Err(_) => json_status(StatusCode::NOT_FOUND, "no such file"),
    }
}

async fn container_file(p: FilePath, h: HeaderMap) -> Response {
    match p {
        // The frame document only with its CSP, never as a plain file.
        Ok(Path(p)) if p == "frame.html" => json_status(StatusCode::NOT_FOUND, "the frame is /container/frame?appid=…"),
        Ok(Path(p)) => match p.strip_prefix("bundle/") {
            Some(name) => match bundle(name) {
                Some((bytes, sha)) => respond(bytes, &sha, "bundle.js", &h, true),
                None => json_status(StatusCode::NOT_FOUND, "no such bundle"),
            },
            None => file(&format!("container/{p}"), &h, true),
        },
        Err(_) => json_status(StatusCode::NOT_FOUND, "no such file"),
    }
}

/// The runtime's scripts joined in the order `web/container/bundles.json` lists them:
/// a mini program starts with two requests for the runtime instead of dozens (one of
/// the frame's scripts, one of the worker's imports). Made once per release binary.
fn bundle(name: &str) -> Option<(Vec<u8>, String)> {
    static MADE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, (Vec<u8>, String)>>> = std::sync::OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    if !cfg!(debug_assertions) {
        if let Some(b) = made.lock().ok()?.get(name) {
            return Some(b.clone());
        }
    }
    let list = Web::get("container/bundles.json")?;
    let lists: serde_json::Value = serde_json::from_slice(&list.data).ok()?;
    let mut out = Vec::new();
    for f in lists.get(name)?.as_array()? {
        let path = format!("container/{}", f.as_str()?);
        let file = Web::get(&path)?;
        out.extend_from_slice(format!("/* {path} */\n").as_bytes());
        out.extend_from_slice(&file.data);
        out.extend_from_slice(b"\n;\n");
    }
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&out));
    if let Ok(mut m) = made.lock() {
        m.insert(name.to_string(), (out.clone(), sha.clone()));
    }
    Some((out, sha))
}

/// An embedded file with its type, `nosniff`, cache headers and an ETag (its SHA-256).
fn file(path: &str, req: &HeaderMap, cors: bool) -> Response {
    let Some(f) = is_bundle_path(path).then(|| Web::get(path)).flatten() else {
        return json_status(StatusCode::NOT_FOUND, "no such file");
    };
    let sha = hex::encode(f.metadata.sha256_hash());
    respond(f.data.into_owned(), &sha, path, req, cors)
}

fn respond(bytes: Vec<u8>, sha: &str, path: &str, req: &HeaderMap, cors: bool) -> Response {
    let etag = format!("\"{sha}\"");
    let cache = if path.ends_with(".html") { "no-cache" } else { ASSET_CACHE };
    let mut headers = vec![
        (header::CONTENT_TYPE, content_type::of(path).to_string()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        (header::CACHE_CONTROL, cache.into()),
        (header::ETAG, etag.clone()),
    ];
    if cors {
        headers.push((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".into()));
    }
    let fresh = req.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh { StatusCode::NOT_MODIFIED.into_response() } else { bytes.into_response() };
    for (k, v) in headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().insert(k, v);
        }
    }
    if fresh {
        res.headers_mut().remove(header::CONTENT_TYPE);
    }
    res
}

/// The frame's policy (docs/container.md, "Trust boundaries"): scripts only from the
/// runtime and the app's own package, the worker from a blob, network only to the
/// package, images and media from anywhere, no frames, forms or base changes, and a
/// sandbox that gives the frame an opaque origin.
pub fn frame_csp(origin: &str, appid: &str) -> String {
    let o = origin;
    format!(
        "default-src 'none'; script-src {o}/container/ {o}/pkg/{appid}/; worker-src blob:; connect-src {o}/pkg/{appid}/; \
         style-src 'unsafe-inline' {o}/container/ {o}/pkg/{appid}/; img-src * data: blob:; media-src * data: blob:; \
         font-src {o}/container/ data:; frame-src 'none'; form-action 'none'; base-uri 'none'; sandbox allow-scripts"
    )
}

/// A `Host` header that can go into a CSP unchanged: a name or address and a port.
fn is_host(h: &str) -> bool {
    !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
}

/// The origin the browser used: `public_url` if configured, else the `Host` it sent,
/// with `https` when a proxy in front says so (`X-Forwarded-Proto`).
pub fn request_origin(s: &AppState, h: &HeaderMap) -> Option<String> {
    if let Some(u) = &s.config.public_url {
        return Some(u.clone());
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or(&s.config.addr);
    let https = h.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    is_host(host).then(|| format!("{}://{}", if https { "https" } else { "http" }, host.to_ascii_lowercase()))
}

#[derive(Deserialize)]
pub struct FrameQuery {
    appid: Option<String>,
}

/// `GET /container/frame?appid=…`: the frame document with the app's CSP.
async fn frame(State(s): State<AppState>, h: HeaderMap, q: Result<Query<FrameQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let appid = q.ok().and_then(|Query(q)| q.appid).filter(|a| is_appid(a));
    let Some(appid) = appid else {
        let e = ApiError::with(Code::InvalidAppid, "appid must be wx + 16 hex digits");
        return crate::client_api::ClientError(e).into_response();
    };
    let Some(origin) = request_origin(&s, &h) else {
        return json_status(StatusCode::BAD_REQUEST, "bad Host header");
    };
    let Some(f) = Web::get("container/frame.html") else {
        return json_status(StatusCode::NOT_FOUND, "the container is not built into this binary (web/container/frame.html)");
    };
    let mut res = f.data.into_owned().into_response();
    let hs = res.headers_mut();
    hs.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    hs.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    hs.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Ok(v) = HeaderValue::from_str(&frame_csp(&origin, &appid.to_ascii_lowercase())) {
        hs.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_names_the_origin_and_the_app() {
        let csp = frame_csp("http://127.0.0.1:8080", "wx0123456789abcdef");
        assert!(csp.starts_with("default-src 'none'; script-src http://127.0.0.1:8080/container/ http://127.0.0.1:8080/pkg/wx0123456789abcdef/;"), "{csp}");
        assert!(csp.contains("connect-src http://127.0.0.1:8080/pkg/wx0123456789abcdef/;"));
        assert!(csp.ends_with("base-uri 'none'; sandbox allow-scripts"));
        assert!(!csp.contains("unsafe-eval"));
    }

    #[test]
    fn hosts_that_could_inject_into_the_csp_are_refused() {
        for ok in ["127.0.0.1:8080", "mini.example.com", "[::1]:8080", "localhost"] {
            assert!(is_host(ok), "{ok}");
        }
        for bad in ["", "a b", "a;script-src *", "a'", "a/b", "a\"", &"a".repeat(256)] {
            assert!(!is_host(bad), "{bad}");
        }
    }
}
