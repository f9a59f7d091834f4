//! The user's inbox (DESIGN.md rule 5): three folders, read marks, clicks that open the
//! message's page with its scene, complaints and "stop receiving". Every reaction is
//! recorded; the weekly allowance is computed from them.

use super::customer_service::AFTER_MESSAGE;
use super::store::{Delivery, InboxMessage, InboxStore, OutboxEvent, PushStore, Reaction, SubscriptionStore};
use super::events::Party;
use crate::error::{ApiError, Code};

/// Subscription and template messages (服务通知).
pub const SERVICE: &str = "service";
/// Weekly mini-program pushes (我的小程序消息).
pub const PUSH: &str = "push";
/// Customer-service conversations.
pub const CUSTOMER_SERVICE: &str = "customer_service";
pub const FOLDERS: [&str; 3] = [SERVICE, PUSH, CUSTOMER_SERVICE];

pub fn check_folder(folder: Option<&str>) -> Result<Option<&str>, ApiError> {
    match folder.filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(f) if FOLDERS.contains(&f) => Ok(Some(f)),
        Some(_) => Err(ApiError::with(Code::InvalidArgs, "folder must be service, push or customer_service")),
    }
}

/// The scene a click on a message of `folder` opens the mini program with.
pub fn scene_of(folder: &str) -> i64 {
    match folder {
        SERVICE => 1014,
        PUSH => 1104,
        _ => 1073,
    }
}

async fn own(store: &dyn InboxStore, user_id: i64, id: i64) -> Result<InboxMessage, ApiError> {
    store.inbox_message(user_id, id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such message"))
}

/// The user opens a message: recorded as a click (first time) and read; returns the
/// message, whose page the host opens with [`scene_of`] its folder.
pub async fn click(store: &dyn InboxStore, user_id: i64, id: i64, now: i64) -> Result<InboxMessage, ApiError> {
    let m = own(store, user_id, id).await?;
    store.react(user_id, id, Reaction::Clicked, now).await?;
    Ok(m)
}

pub async fn read(store: &dyn InboxStore, user_id: i64, id: i64, now: i64) -> Result<(), ApiError> {
    own(store, user_id, id).await?;
    store.react(user_id, id, Reaction::Read, now).await?;
    Ok(())
}

/// The user complains about a message (once per message counts).
pub async fn complain(store: &dyn InboxStore, user_id: i64, id: i64, now: i64) -> Result<InboxMessage, ApiError> {
    let m = own(store, user_id, id).await?;
    store.react(user_id, id, Reaction::Complained, now).await?;
    Ok(m)
}

/// "Stop receiving" on a message: a push refuses the app's pushes; a service
/// notification switches the app's notifications off. Returns the message.
/// `party`: who the app's change event is from and to (given the app's id), if the
/// developer's server is to hear of a switch.
pub async fn stop(
    inbox: &dyn InboxStore,
    pushes: &dyn PushStore,
    subs: &dyn SubscriptionStore,
    user_id: i64,
    id: i64,
    party: Option<&Party>,
    now: i64,
) -> Result<InboxMessage, ApiError> {
    let m = own(inbox, user_id, id).await?;
    match m.folder.as_str() {
        PUSH => pushes.set_push_refusal(m.app_id, user_id, true, now).await?,
        _ => super::subscribe::switch(subs, m.app_id, user_id, true, party, now).await?,
    }
    Ok(m)
}

/// A message of the user's, or 40097.
pub async fn message(store: &dyn InboxStore, user_id: i64, id: i64) -> Result<InboxMessage, ApiError> {
    own(store, user_id, id).await
}

/// The user writes to the app's customer service from the inbox: the line is kept in
/// the conversation, the 48-hour window of 5 replies opens, and the developer's server
/// gets the message, in one step. Returns the message id.
pub async fn write(store: &dyn InboxStore, app_id: i64, user_id: i64, content: &str, event: impl FnOnce(i64) -> OutboxEvent, now: i64) -> Result<i64, ApiError> {
    if content.trim().is_empty() || content.len() > 2048 {
        return Err(ApiError::with(Code::InvalidArgs, "content must be 1-2048 bytes of text"));
    }
    let body = serde_json::json!({ "content": content }).to_string();
    let msgid = super::new_msgid();
    let d = Delivery {
        app_id,
        user_id,
        pri_tmpl_id: "",
        kind: 0,
        folder: CUSTOMER_SERVICE,
        title: "text",
        body: &body,
        page: None,
        now,
        msgid,
        event: Some(event(msgid)),
    };
    let (sends, len) = AFTER_MESSAGE;
    store.user_wrote(&d, sends, now + len).await?;
    Ok(msgid)
}
