//! How an open-API answer is written: JSON with `Content-Type: application/json`,
//! HTTP 200 for business errors, `errmsg` = canonical text (+ detail) + ` rid: …`.
//! This is the one place an [`ApiError`] becomes a response.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use openmini_core::{ApiError, Code};
use serde_json::Value;

/// A failed call, as the open API reports it.
#[derive(Debug)]
pub struct Failure(pub ApiError);

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure(e)
    }
}

impl From<openmini_core::identity::StoreError> for Failure {
    fn from(e: openmini_core::identity::StoreError) -> Self {
        Failure(e.into())
    }
}

impl From<Code> for Failure {
    fn from(c: Code) -> Self {
        Failure(ApiError::new(c))
    }
}

pub fn rid() -> String {
    hex::encode(openmini_core::keys::random_bytes::<6>())
}

pub fn json(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let e = self.0;
        metrics::counter!("openmini_openapi_errors_total", "errcode" => e.code.errcode().to_string()).increment(1);
        let rid = rid();
        if e.code == Code::SystemBusy {
            tracing::warn!(rid, detail = ?e.detail, "open API call failed on our side");
        }
        json(
            StatusCode::OK,
            &serde_json::json!({ "errcode": e.code.errcode(), "errmsg": format!("{} rid: {rid}", e.errmsg()) }),
        )
    }
}

/// A success body, sent as is.
pub struct Success(pub Value);

impl IntoResponse for Success {
    fn into_response(self) -> Response {
        json(StatusCode::OK, &self.0)
    }
}

/// A success body with `errcode: 0, errmsg: "ok"` first, as the platform sends it on
/// the endpoints that include them.
pub fn ok_with_errcode(mut fields: Value) -> Success {
    let mut out = serde_json::json!({ "errcode": 0, "errmsg": "ok" });
    if let (Some(o), Some(f)) = (out.as_object_mut(), fields.as_object_mut()) {
        o.append(f);
    }
    Success(out)
}

pub type Reply = Result<Success, Failure>;
