//! The user's inbox: folders, read marks, clicks that open the message's page with its
//! scene, complaints, "stop receiving", a live stream of new messages; and "My mini
//! programs", which decides who may get an app's weekly pushes.

use super::auth::ClientUser;
use super::{Body, ClientReply};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use openmini_core::identity::IdentityStore;
use openmini_core::reach::inbox::{self, check_folder, scene_of};
use openmini_core::reach::store::{InboxFilter, InboxMessage, InboxStore, PushStore};
use openmini_core::{ApiError, Code};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

/// A message as the client sees it; `appid` resolved for the host.
fn message_json(m: &InboxMessage, appids: &HashMap<i64, String>) -> Value {
    let body: Value = serde_json::from_str(&m.body).unwrap_or(Value::Null);
    json!({
        "id": m.id,
        "appid": appids.get(&m.app_id),
        "folder": m.folder,
        "title": m.title,
        "body": body,
        "page": m.page,
        "createdAt": m.created_at,
        "read": m.read_at.is_some(),
        "clicked": m.clicked_at.is_some(),
        "complained": m.complained_at.is_some(),
        "fromUser": m.from_user,
    })
}

async fn appids(store: &dyn IdentityStore, msgs: &[InboxMessage]) -> Result<HashMap<i64, String>, ApiError> {
    let mut out = HashMap::new();
    for m in msgs {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(m.app_id) {
            if let Some(app) = store.app_by_id(m.app_id).await? {
                e.insert(app.appid);
            }
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
pub struct ListQuery {
    folder: Option<String>,
    appid: Option<String>,
    before: Option<i64>,
    limit: Option<i64>,
}

/// `GET /client/v1/inbox?folder=&appid=&before=&limit=`: newest first, with unread
/// counts per folder.
pub async fn list(State(s): State<AppState>, u: ClientUser, q: Result<Query<ListQuery>, QueryRejection>) -> ClientReply {
    let Query(q) = q.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let folder = check_folder(q.folder.as_deref())?.map(str::to_string);
    let app_id = match q.appid.as_deref() {
        Some(a) => Some(s.identity.app_param(Some(a)).await?.id),
        None => None,
    };
    let filter = InboxFilter { folder, app_id, before: q.before, after: None };
    let msgs = s.db.inbox_messages(u.session.user_id, &filter, q.limit.unwrap_or(50).clamp(1, 200)).await?;
    let ids = appids(s.identity.store().as_ref(), &msgs).await?;
    let unread: serde_json::Map<String, Value> = s.db.unread(u.session.user_id).await?.into_iter().map(|(f, n)| (f, n.into())).collect();
    let messages: Vec<Value> = msgs.iter().map(|m| message_json(m, &ids)).collect();
    Ok(Json(json!({ "messages": messages, "unread": unread })))
}

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<i64>,
}

/// `GET /client/v1/inbox/stream?after=ID`: Server-Sent Events, one `message` event per
/// new inbox message (oldest first), as they arrive on any node: a send on this node
/// wakes the stream at once, and it looks at the store every second besides.
pub async fn stream(
    State(s): State<AppState>,
    u: ClientUser,
    q: Result<Query<StreamQuery>, QueryRejection>,
) -> Result<Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>>, super::ClientError> {
    let Query(q) = q.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let user_id = u.session.user_id;
    // Without `after`, start from now: after the newest message.
    let mut last = match q.after {
        Some(a) => a,
        None => s.db.inbox_messages(user_id, &InboxFilter::default(), 1).await?.first().map_or(0, |m| m.id),
    };
    let mut wake = s.hub.subscribe(user_id);
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(64);
    tokio::spawn(async move {
        loop {
            let filter = InboxFilter { after: Some(last), ..Default::default() };
            let mut more = false;
            match s.db.inbox_messages(user_id, &filter, 100).await {
                Ok(mut msgs) => {
                    msgs.reverse();
                    more = msgs.len() == 100;
                    let ids = appids(s.identity.store().as_ref(), &msgs).await.unwrap_or_default();
                    for m in &msgs {
                        last = last.max(m.id);
                        let ev = Event::default().event("message").id(m.id.to_string()).data(message_json(m, &ids).to_string());
                        if tx.send(ev).await.is_err() {
                            return; // the client went away
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "inbox stream read failed"),
            }
            if more {
                continue;
            }
            tokio::select! {
                _ = wake.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = tx.closed() => return,
            }
        }
    });
    let events = tokio_stream::StreamExt::map(tokio_stream::wrappers::ReceiverStream::new(rx), Ok);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

pub async fn read(State(s): State<AppState>, u: ClientUser, Path(id): Path<i64>) -> ClientReply {
    inbox::read(&s.db, u.session.user_id, id, s.identity.now()).await?;
    Ok(Json(json!({ "ok": true })))
}

#[derive(Deserialize)]
pub struct ReadAll {
    folder: Option<String>,
    #[serde(rename = "upTo")]
    up_to: Option<i64>,
}

/// `POST /client/v1/inbox/read {folder?, upTo?}`: marks a folder (or all) read.
pub async fn read_all(State(s): State<AppState>, u: ClientUser, Body(b): Body<ReadAll>) -> ClientReply {
    let folder = check_folder(b.folder.as_deref())?;
    let n = s.db.mark_all_read(u.session.user_id, folder, b.up_to.unwrap_or(i64::MAX), s.identity.now()).await?;
    Ok(Json(json!({ "ok": true, "marked": n })))
}

/// `POST /client/v1/inbox/{id}/open`: records the click; the host opens `page` of
/// `appid` with `scene`.
pub async fn open(State(s): State<AppState>, u: ClientUser, Path(id): Path<i64>) -> ClientReply {
    let m = inbox::click(&s.db, u.session.user_id, id, s.identity.now()).await?;
    let appid = s.identity.store().app_by_id(m.app_id).await?.map(|a| a.appid);
    let (path, query) = match m.page.as_deref() {
        Some(p) => p.split_once('?').map_or((p, ""), |(a, b)| (a, b)),
        None => ("", ""),
    };
    Ok(Json(json!({ "appid": appid, "path": path, "query": query, "scene": scene_of(&m.folder) })))
}

pub async fn complain(State(s): State<AppState>, u: ClientUser, Path(id): Path<i64>) -> ClientReply {
    let m = inbox::complain(&s.db, u.session.user_id, id, s.identity.now()).await?;
    tracing::info!(user = u.session.user_id, app_id = m.app_id, message = id, "complaint");
    Ok(Json(json!({ "ok": true })))
}

/// "Stop receiving": pushes of this app stop (a push) or all its notifications (a
/// service notification).
pub async fn stop(State(s): State<AppState>, u: ClientUser, Path(id): Path<i64>) -> ClientReply {
    let user_id = u.session.user_id;
    let m = inbox::message(&s.db, user_id, id).await?;
    let app = s.identity.store().app_by_id(m.app_id).await?.ok_or(Code::InvalidAppid)?;
    let p = crate::open_api::party(&s, &app, user_id);
    let m = inbox::stop(&s.db, &s.db, &s.db, user_id, id, Some(&p), s.identity.now()).await?;
    s.outbox_wake.notify_one();
    Ok(Json(json!({ "ok": true, "stopped": if m.folder == inbox::PUSH { "push" } else { "notifications" } })))
}

pub async fn my_apps(State(s): State<AppState>, u: ClientUser) -> ClientReply {
    let mut out = Vec::new();
    for (app_id, added_at) in s.db.my_apps(u.session.user_id).await? {
        if let Some(app) = s.identity.store().app_by_id(app_id).await? {
            out.push(json!({ "appid": app.appid, "name": app.name, "addedAt": added_at }));
        }
    }
    Ok(Json(json!({ "apps": out })))
}

pub async fn add_my_app(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    s.db.add_my_app(u.session.user_id, app.id, s.identity.now()).await?;
    Ok(Json(json!({ "ok": true })))
}

pub async fn remove_my_app(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let removed = s.db.remove_my_app(u.session.user_id, app.id).await?;
    Ok(Json(json!({ "ok": removed })))
}

#[derive(Deserialize)]
pub struct PushSwitch {
    enabled: bool,
}

/// The user's switch for an app's weekly pushes.
pub async fn push_switch(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<PushSwitch>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    s.db.set_push_refusal(app.id, u.session.user_id, !b.enabled, s.identity.now()).await?;
    Ok(Json(json!({ "enabled": b.enabled })))
}
