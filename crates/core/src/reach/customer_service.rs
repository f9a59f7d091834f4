//! Customer-service messages (DESIGN.md rule 2): after the user writes to the app, the
//! app may send 5 messages within 48 hours; after the user merely enters the service
//! session, 2 within 1 minute. Each new user action restarts the window at that
//! action's full size and length: windows never add up.

use super::store::{CsRefusal, CustomerServiceStore, Delivery, OutboxEvent};
use crate::error::{ApiError, Code};
use serde_json::{json, Value};

pub const AFTER_MESSAGE: (i64, i64) = (5, 48 * 3_600_000);
pub const AFTER_ENTERING: (i64, i64) = (2, 60_000);
/// `typing` needs a user action at most this long ago (45080 otherwise).
pub const TYPING_AFTER_MS: i64 = 30_000;

/// The user's action that opens a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAction {
    /// The user wrote to the app.
    Message,
    /// The user entered the service session.
    Entered,
}

pub async fn user_acted(
    store: &dyn CustomerServiceStore,
    app_id: i64,
    user_id: i64,
    action: UserAction,
    event: Option<&OutboxEvent>,
    now: i64,
) -> Result<(), ApiError> {
    let (sends, len) = match action {
        UserAction::Message => AFTER_MESSAGE,
        UserAction::Entered => AFTER_ENTERING,
    };
    Ok(store.open_window(app_id, user_id, sends, now + len, event, now).await?)
}

/// Checks a `custom/send` body and renders what the inbox shows: (title, body).
pub fn render(msg: &Value) -> Result<(String, Value), ApiError> {
    let bad = |why: &str| ApiError::with(Code::DataFormat, why.to_string());
    let text = |v: Option<&Value>, name: &str, max: usize| -> Result<String, ApiError> {
        match v.and_then(Value::as_str) {
            Some(s) if !s.is_empty() && s.len() <= max => Ok(s.to_string()),
            _ => Err(bad(&format!("{name} must be 1-{max} bytes of text"))),
        }
    };
    match msg.get("msgtype").and_then(Value::as_str) {
        Some("text") => {
            let content = text(msg.pointer("/text/content"), "text.content", 2048)?;
            Ok(("text".into(), json!({ "content": content })))
        }
        Some("image") => {
            let media = text(msg.pointer("/image/media_id"), "image.media_id", 128)?;
            Ok(("image".into(), json!({ "media_id": media })))
        }
        Some("link") => Ok((
            "link".into(),
            json!({
                "title": text(msg.pointer("/link/title"), "link.title", 256)?,
                "description": text(msg.pointer("/link/description"), "link.description", 1024)?,
                "url": text(msg.pointer("/link/url"), "link.url", 2048)?,
                "thumb_url": msg.pointer("/link/thumb_url").and_then(Value::as_str).unwrap_or(""),
            }),
        )),
        Some("miniprogrampage") => Ok((
            "miniprogrampage".into(),
            json!({
                "title": text(msg.pointer("/miniprogrampage/title"), "miniprogrampage.title", 256)?,
                "pagepath": text(msg.pointer("/miniprogrampage/pagepath"), "miniprogrampage.pagepath", 1024)?,
                "thumb_media_id": msg.pointer("/miniprogrampage/thumb_media_id").and_then(Value::as_str).unwrap_or(""),
            }),
        )),
        _ => Err(bad("msgtype must be text, image, link or miniprogrampage")),
    }
}

/// `custom/send` to a known recipient: spends one send of the live window.
pub async fn send(store: &dyn CustomerServiceStore, app_id: i64, user_id: i64, msg: &Value, now: i64) -> Result<i64, ApiError> {
    let (kind, body) = render(msg)?;
    let body = body.to_string();
    let d = Delivery {
        app_id,
        user_id,
        pri_tmpl_id: "",
        kind: 0,
        folder: "customer_service",
        title: &kind,
        body: &body,
        page: None,
        now,
        msgid: super::new_msgid(),
        event: None,
    };
    match store.cs_deliver(&d).await? {
        Ok(_) => Ok(d.msgid),
        Err(CsRefusal::OutOfTime) => Err(Code::ResponseOutOfTime.into()),
        Err(CsRefusal::OutOfQuota) => Err(Code::OutOfSendQuota.into()),
    }
}

/// `custom/typing`: only while the user acted in the last 30 seconds.
pub async fn typing(store: &dyn CustomerServiceStore, app_id: i64, user_id: i64, command: Option<&str>, now: i64) -> Result<(), ApiError> {
    if !matches!(command, Some("Typing" | "CancelTyping")) {
        return Err(ApiError::with(Code::InvalidArgs, "command must be Typing or CancelTyping"));
    }
    match store.last_action(app_id, user_id).await? {
        Some(at) if now - at <= TYPING_AFTER_MS => Ok(()),
        _ => Err(Code::NoRecentInteraction.into()),
    }
}
