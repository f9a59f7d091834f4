//! Codes (docs/traffic.md, "Codes"): `getwxacodeunlimit`, `getwxacode`,
//! `createwxaqrcode`. The image on success with `Content-Type: image/jpeg` exactly (the
//! bytes are PNG; SDKs compare the header), JSON on errors. Rules in
//! `openmini_core::traffic::codes`, the drawing in `crate::qr`.

use super::links::{bool_field, caller_app, int_field, origin, str_field};
use super::reply::Failure;
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use openmini_core::traffic::codes::{self, Look};
use openmini_core::traffic::link_store::CodeKind;
use openmini_core::ApiError;
use serde_json::{Map, Value};

/// Images at most this wide are drawn on the request's thread (well under a
/// millisecond); larger ones on the blocking pool.
const INLINE_WIDTH: u32 = 640;

type ImageReply = Result<Response, Failure>;

fn look(b: &Map<String, Value>) -> Result<Look, ApiError> {
    let line_color = b.get("line_color");
    codes::look(int_field(b, "width")?, bool_field(b, "auto_color")?.unwrap_or(false), line_color, bool_field(b, "is_hyaline")?.unwrap_or(false))
}

async fn image(text: String, look: Look, kind: &'static str) -> ImageReply {
    let png = if look.width <= INLINE_WIDTH {
        crate::qr::png(&text, &look)?
    } else {
        tokio::task::spawn_blocking(move || crate::qr::png(&text, &look))
            .await
            .map_err(|_| ApiError::with(openmini_core::Code::SystemBusy, "drawing the code failed"))??
    };
    metrics::counter!("openmini_codes_total", "kind" => kind).increment(1);
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")], png).into_response())
}

/// `POST /wxa/getwxacodeunlimit`: `{scene, page, check_path, env_version, width,
/// auto_color, line_color, is_hyaline}`. Unlimited: nothing is stored.
pub async fn unlimited(State(s): State<AppState>, h: HeaderMap, r: OpenRequest) -> ImageReply {
    let app = caller_app(&s, &r).await?;
    let b = r.body()?;
    let (scene, page, env) = (str_field(b, "scene")?, str_field(b, "page")?, str_field(b, "env_version")?);
    let check_path = bool_field(b, "check_path")?.unwrap_or(true);
    let look = look(b)?;
    let pages = if check_path { crate::app_pages::current(&s, &app).await? } else { None };
    let u = codes::unlimited(pages.as_deref(), scene.as_deref(), page.as_deref(), check_path, env.as_deref())?;
    image(codes::unlimited_url(s.identity.keys(), &origin(&s, &h), &app.appid, &u), look, "unlimited").await
}

async fn limited(s: &AppState, h: &HeaderMap, r: &OpenRequest, kind: CodeKind) -> ImageReply {
    let app = caller_app(s, r).await?;
    let b = r.body()?;
    let path = str_field(b, "path")?;
    openmini_core::traffic::links::check_env(str_field(b, "env_version")?.as_deref())?;
    let look = match kind {
        CodeKind::WxaCode => look(b)?,
        // createwxaqrcode takes only a width.
        CodeKind::QrCode => codes::look(int_field(b, "width")?, false, None, false)?,
    };
    let pages = crate::app_pages::current(s, &app).await?;
    let c = codes::limited(&s.db, &s.config.links, &app, pages.as_deref(), kind, path.as_deref(), s.identity.now()).await?;
    image(codes::code_url(&origin(s, h), &c.code.id), look, kind.as_str()).await
}

/// `POST /wxa/getwxacode`: `{path, width, auto_color, line_color, is_hyaline}`.
pub async fn wxacode(State(s): State<AppState>, h: HeaderMap, r: OpenRequest) -> ImageReply {
    limited(&s, &h, &r, CodeKind::WxaCode).await
}

/// `POST /cgi-bin/wxaapp/createwxaqrcode`: `{path, width}`.
pub async fn qrcode(State(s): State<AppState>, h: HeaderMap, r: OpenRequest) -> ImageReply {
    limited(&s, &h, &r, CodeKind::QrCode).await
}
