//! `GET /pkg/{appid}/{version}/{*path}`: the files of deployed package versions, as the
//! container loads them. A path is served only if it is in that version's file list
//! (looked up exactly, so `..`, encoded or not, absolute paths and other apps' files
//! are simply not found). Packages are public, as on WeChat; versions never change, so
//! the answers are cacheable forever.

use crate::state::AppState;
use crate::{content_type, json_status};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use openmini_core::container::store::PackageStore;
use openmini_core::keys::is_appid;
use openmini_core::{ApiError, Code};

/// A package file opened as a document (typed in the address bar, say) must not run
/// the developer's HTML or SVG scripts on the platform's origin: sandboxed, no sources.
const DOCUMENT_CSP: &str = "sandbox; default-src 'none'; img-src * data:; media-src * data:; style-src 'unsafe-inline'";

fn not_found() -> Response {
    json_status(StatusCode::NOT_FOUND, "no such package file")
}

pub async fn file(State(s): State<AppState>, p: Result<Path<(String, String, String)>, PathRejection>) -> Response {
    let Ok(Path((appid, version, path))) = p else { return not_found() };
    let Ok(version) = version.parse::<i64>() else { return not_found() };
    if !is_appid(&appid) || version < 1 {
        return not_found();
    }
    match lookup(&s, &appid, version, &path).await {
        Ok(Some((sha, bytes))) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            for (k, v) in [
                (header::CONTENT_TYPE, content_type::of(&path)),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CONTENT_SECURITY_POLICY, DOCUMENT_CSP),
            ] {
                h.insert(k, HeaderValue::from_static(v));
            }
            if let Ok(v) = HeaderValue::from_str(&format!("\"{sha}\"")) {
                h.insert(header::ETAG, v);
            }
            res
        }
        Ok(None) => not_found(),
        Err(e) if e.code == Code::InvalidAppid => not_found(),
        Err(e) => crate::client_api::ClientError(e).into_response(),
    }
}

async fn lookup(s: &AppState, appid: &str, version: i64, path: &str) -> Result<Option<(String, Vec<u8>)>, ApiError> {
    let app = s.identity.app_param(Some(appid)).await?;
    let Some(f) = s.db.package_file(app.id, version, path).await? else { return Ok(None) };
    match s.packages.get(&f.sha256).await? {
        Some(bytes) => Ok(Some((f.sha256, bytes))),
        None => {
            tracing::error!(appid, version, path, sha256 = %f.sha256, "a package file is missing from the package folder");
            Err(ApiError::with(Code::SystemBusy, "package file missing from storage"))
        }
    }
}
