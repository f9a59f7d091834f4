//! Login (`jscode2session`, `checksession`) and phone numbers.

use super::reply::{ok_with_errcode, Reply, Success};
use super::request::OpenRequest;
use crate::state::AppState;
use axum::extract::State;
use serde_json::json;

pub async fn jscode2session(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let session = s
        .identity
        .code_to_session(r.q("appid"), r.q("secret"), r.q("js_code"), r.q("grant_type"))
        .await?;
    let mut body = json!({ "session_key": session.session_key, "openid": session.openid });
    if let Some(u) = session.unionid {
        body["unionid"] = u.into();
    }
    Ok(Success(body))
}

pub async fn checksession(State(s): State<AppState>, r: OpenRequest) -> Reply {
    s.identity
        .check_session(r.q("access_token"), r.q("openid"), r.q("signature"), r.q("sig_method"))
        .await?;
    Ok(ok_with_errcode(json!({})))
}

pub async fn phone_number(State(s): State<AppState>, r: OpenRequest) -> Reply {
    let code = r.b_str("code")?;
    let p = s.identity.phone_number(r.q("access_token"), code.as_deref()).await?;
    Ok(ok_with_errcode(json!({
        "phone_info": {
            "phoneNumber": p.phone_number,
            "purePhoneNumber": p.pure_phone_number,
            "countryCode": p.country_code,
            "watermark": { "timestamp": p.timestamp, "appid": p.appid },
        }
    })))
}
