//! The client API the host shell and container use (documented in docs/client-api.md).
//! Our own surface, so it speaks HTTP statuses: errors are `{errcode, errmsg}` from the
//! same table, with 400/401/403/404/429/503 as fits.

mod auth;
mod container;
mod entries;
mod inbox;
mod links;
mod proxy;
mod scan;
mod search;
mod subscriptions;

use crate::open_api::reply::{json, rid};
use crate::state::AppState;
use auth::ClientUser;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use openmini_core::{ApiError, Code};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/client/v1/signin/start", post(signin_start))
        .route("/client/v1/signin/verify", post(signin_verify))
        .route("/client/v1/signout", post(signout))
        .route("/client/v1/me", get(me))
        .route("/client/v1/apps/{appid}/login", post(login_code))
        .route("/client/v1/apps/{appid}/phone-code", post(phone_code))
        .route("/client/v1/apps/{appid}/user-profile", post(user_profile))
        .route("/client/v1/apps/{appid}/tap", post(subscriptions::tap))
        .route("/client/v1/apps/{appid}/subscribe", post(subscriptions::consent))
        .route("/client/v1/apps/{appid}/templates", get(subscriptions::templates))
        .route("/client/v1/apps/{appid}/subscriptions", get(subscriptions::list))
        .route("/client/v1/apps/{appid}/subscriptions/withdraw", post(subscriptions::withdraw))
        .route("/client/v1/apps/{appid}/subscriptions/switch", post(subscriptions::switch))
        .route("/client/v1/apps/{appid}/cs/messages", post(subscriptions::cs_message))
        .route("/client/v1/apps/{appid}/cs/enter", post(subscriptions::cs_enter))
        .route("/client/v1/apps/{appid}/forms", post(subscriptions::form))
        .route("/client/v1/apps/{appid}/payments", post(subscriptions::payment))
        .route("/client/v1/inbox", get(inbox::list))
        .route("/client/v1/inbox/stream", get(inbox::stream))
        .route("/client/v1/inbox/read", post(inbox::read_all))
        .route("/client/v1/inbox/{id}/read", post(inbox::read))
        .route("/client/v1/inbox/{id}/open", post(inbox::open))
        .route("/client/v1/inbox/{id}/complain", post(inbox::complain))
        .route("/client/v1/inbox/{id}/stop", post(inbox::stop))
        .route("/client/v1/my-apps", get(inbox::my_apps))
        .route("/client/v1/my-apps/{appid}", post(inbox::add_my_app).delete(inbox::remove_my_app))
        .route("/client/v1/apps/{appid}/push", post(inbox::push_switch))
        .route("/client/v1/apps", get(container::catalogue))
        .route("/client/v1/search", get(search::search))
        .route("/client/v1/apps/{appid}/package", get(container::package))
        .route("/client/v1/apps/{appid}/events", post(container::events))
        .route("/client/v1/apps/{appid}/request", post(proxy::request))
        .route("/client/v1/apps/{appid}/upload", post(proxy::upload))
        .route("/client/v1/apps/{appid}/download", post(proxy::download))
        .route("/client/v1/scan", post(scan::scan))
        .route("/client/v1/links/resolve", get(links::resolve))
        .route("/client/v1/jssdk/verify", post(entries::jssdk_verify))
        .route("/client/v1/jssdk/launch", post(entries::jssdk_launch))
        .route("/client/v1/launch", post(entries::app_launch))
        .route("/client/v1/launch/consent", post(entries::app_consent))
        .route("/client/v1/launch/redeem", post(entries::redeem))
        .route("/client/v1/shares", post(entries::share))
        .route("/client/v1/apps/{appid}/share-info", post(entries::share_info))
        .route("/client/v1/official-accounts", get(entries::official_accounts))
        .route("/client/v1/official-accounts/{appid}", get(entries::official_account))
        .route("/client/v1/articles/{id}", get(entries::article))
}

/// The client API carries no cookies, only bearer tokens, so any origin may call it:
/// web pages (the JS-SDK) and third-party hosts embedding the container
/// (`/sdk/host.js`) do. Preflights are answered here, before routing.
pub async fn cors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{header, HeaderValue, Method};
    let from_page = req.uri().path().starts_with("/client/v1/") && req.headers().contains_key(header::ORIGIN);
    if from_page && req.method() == Method::OPTIONS {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, DELETE"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        return r;
    }
    let mut r = next.run(req).await;
    if from_page {
        r.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    r
}

/// A client-API error.
#[derive(Debug)]
pub struct ClientError(pub ApiError);

impl From<ApiError> for ClientError {
    fn from(e: ApiError) -> Self {
        ClientError(e)
    }
}

impl From<openmini_core::identity::StoreError> for ClientError {
    fn from(e: openmini_core::identity::StoreError) -> Self {
        ClientError(e.into())
    }
}

impl From<Code> for ClientError {
    fn from(c: Code) -> Self {
        ClientError(ApiError::new(c))
    }
}

fn status_of(code: Code) -> StatusCode {
    match code {
        Code::SystemBusy => StatusCode::SERVICE_UNAVAILABLE,
        Code::InvalidCredential | Code::AccessTokenMissing | Code::AccessTokenExpired | Code::InvalidAccessToken => {
            StatusCode::UNAUTHORIZED
        }
        Code::HighRiskUser | Code::ApiUnauthorized | Code::AppSuspended => StatusCode::FORBIDDEN,
        Code::InvalidAppid | Code::ApiNotFound | Code::NotDeployed | Code::LinkNotFound => StatusCode::NOT_FOUND,
        Code::LinkExpired => StatusCode::GONE,
        Code::MinuteQuota | Code::DailyQuota => StatusCode::TOO_MANY_REQUESTS,
        Code::UrlNotInDomainList => StatusCode::FORBIDDEN,
        Code::RequestTimeout => StatusCode::GATEWAY_TIMEOUT,
        Code::RequestFailed | Code::ResponseTooLarge => StatusCode::BAD_GATEWAY,
        _ => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for ClientError {
    fn into_response(self) -> Response {
        json(
            status_of(self.0.code),
            &json!({ "errcode": self.0.code.errcode(), "errmsg": format!("{} rid: {}", self.0.errmsg(), rid()) }),
        )
    }
}

type ClientReply = Result<Json<Value>, ClientError>;

/// A JSON body, with parse failures as typed client errors rather than axum's text.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for Body<T> {
    type Rejection = ClientError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, ClientError> {
        read_json(req, state.config.body_limit).await.map(Body)
    }
}

/// A JSON body of at most `limit` bytes (empty counts as `{}`), parse failures as 47001.
pub(crate) async fn read_json<T: serde::de::DeserializeOwned>(req: axum::extract::Request, limit: usize) -> Result<T, ClientError> {
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| ApiError::with(Code::DataFormat, "body too large"))?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
    serde_json::from_slice(bytes).map_err(|e| ClientError(ApiError::with(Code::DataFormat, e.to_string())))
}

#[derive(Deserialize)]
struct SigninStart {
    phone: String,
}

async fn signin_start(State(s): State<AppState>, Body(b): Body<SigninStart>) -> ClientReply {
    let code = s.identity.signin_start(&b.phone).await?;
    // Demo sign-in: the code goes to the server log instead of an SMS gateway.
    tracing::info!(target: "openmini::signin", phone = %mask(&b.phone), signin_code = %code, "sign-in code (demo: no SMS gateway)");
    Ok(Json(json!({ "ok": true, "expires_in": openmini_core::identity::service::SIGNIN_CODE_TTL_MS / 1000 })))
}

fn mask(phone: &str) -> String {
    let n = phone.chars().count();
    phone.chars().enumerate().map(|(i, c)| if i >= 3 && i + 4 < n { '*' } else { c }).collect()
}

#[derive(Deserialize)]
struct SigninVerify {
    phone: String,
    code: String,
    #[serde(default = "default_host")]
    host_app_id: i64,
}

fn default_host() -> i64 {
    1
}

async fn signin_verify(State(s): State<AppState>, Body(b): Body<SigninVerify>) -> ClientReply {
    let (token, user) = s.identity.signin_verify(&b.phone, &b.code, b.host_app_id).await?;
    Ok(Json(json!({ "token": token, "user": user })))
}

async fn signout(State(s): State<AppState>, u: ClientUser) -> ClientReply {
    s.identity.signout(&u.token).await?;
    Ok(Json(json!({ "ok": true })))
}

async fn me(State(s): State<AppState>, u: ClientUser) -> ClientReply {
    let user = s.identity.store().user(u.session.user_id).await.map_err(ApiError::from)?.ok_or(Code::InvalidCredential)?;
    Ok(Json(json!({ "user": user, "host_app_id": u.session.host_app_id })))
}

/// `wx.login`: a fresh code for this mini program.
async fn login_code(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let code = s.identity.session_login_code(&appid, &u.session).await?;
    Ok(Json(json!({ "code": code, "errMsg": "login:ok" })))
}

/// The phone-number button, after the user agreed: a single-use code for the app's
/// backend to exchange through `getuserphonenumber`.
async fn phone_code(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let code = s.identity.session_phone_code(&appid, &u.session).await?;
    Ok(Json(json!({ "code": code, "errMsg": "getPhoneNumber:ok" })))
}

/// `wx.getUserProfile`: profile data with `encryptedData`/`iv` for the app's backend.
async fn user_profile(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let p = s.identity.user_profile(&appid, u.session.user_id).await?;
    Ok(Json(json!({
        "errMsg": "getUserProfile:ok",
        "userInfo": p.user_info,
        "rawData": p.raw_data,
        "signature": p.signature,
        "encryptedData": p.encrypted_data,
        "iv": p.iv,
    })))
}
