//! The signed-in user of a client call: `Authorization: Bearer <token>` from sign-in.

use super::ClientError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use openmini_core::identity::store::ClientSession;
use openmini_core::Code;

pub struct ClientUser {
    pub token: String,
    pub session: ClientSession,
}

impl FromRequestParts<AppState> for ClientUser {
    type Rejection = ClientError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ClientError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(Code::AccessTokenMissing)?
            .trim()
            .to_string();
        let session = state.identity.client_session(&token).await?;
        Ok(ClientUser { token, session })
    }
}
