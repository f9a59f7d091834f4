//! The container's calls about the app itself: which package version to run, and the
//! analytics it reports (`wx.reportEvent`, opens with their scene).

use super::auth::ClientUser;
use super::{Body, ClientReply};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use openmini_core::container::store::{EventStore, PackageStore};
use openmini_core::container::{events, package};
use openmini_core::search::store::SearchStore;
use openmini_core::{ApiError, Code};
use serde_json::{json, Value};

/// `GET /client/v1/apps/{appid}/package`: the version this user runs, with its manifest.
pub async fn package(State(s): State<AppState>, _u: ClientUser, Path(appid): Path<String>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    // Risk control (`openmini app suspend`): the app cannot be opened anywhere.
    if s.db.is_suspended(app.id).await? {
        return Err(ApiError::with(Code::AppSuspended, "this mini program has been suspended by the platform").into());
    }
    let v = package::current(&s.db, &app).await?;
    let missing = || ApiError::with(Code::SystemBusy, "the package's manifest is missing from storage");
    let bytes = s.packages.get(&v.manifest_sha256).await?.ok_or_else(missing)?;
    let manifest: Value = serde_json::from_slice(&bytes).map_err(|_| missing())?;
    Ok(Json(json!({
        "appid": app.appid,
        "name": app.name,
        "version": v.version,
        "base": package::base(&app.appid, v.version),
        "manifest": manifest,
    })))
}

#[derive(serde::Deserialize)]
pub struct CatalogueQuery {
    q: Option<String>,
    limit: Option<i64>,
}

/// `GET /client/v1/apps?q=&limit=`: the mini programs users can open (those with a
/// deployed version), by name; `q` matches part of the name, or an exact appid.
pub async fn catalogue(State(s): State<AppState>, _u: ClientUser, q: Result<Query<CatalogueQuery>, QueryRejection>) -> ClientReply {
    let Query(q) = q.map_err(|e| ApiError::with(Code::InvalidArgs, e.body_text()))?;
    let query = q.q.unwrap_or_default();
    let query = query.trim();
    if query.chars().count() > 64 {
        return Err(ApiError::with(Code::InvalidArgs, "q is longer than 64 characters").into());
    }
    let apps = s.db.deployed_apps(query, q.limit.unwrap_or(50).clamp(1, 200)).await?;
    let apps: Vec<Value> = apps.into_iter().map(|a| json!({ "appid": a.appid, "name": a.name, "version": a.version })).collect();
    Ok(Json(json!({ "apps": apps })))
}

/// `POST /client/v1/apps/{appid}/events`: a batch of events and/or an open, checked
/// whole before any is stored.
pub async fn events(State(s): State<AppState>, u: ClientUser, Path(appid): Path<String>, Body(b): Body<Value>) -> ClientReply {
    let app = s.identity.app_param(Some(&appid)).await?;
    let batch = events::check_report(&b)?;
    s.db.record_events(app.id, u.session.user_id, &batch, s.identity.now()).await?;
    for e in &batch {
        metrics::counter!("openmini_app_events_total", "kind" => e.kind).increment(1);
    }
    Ok(Json(json!({ "ok": true, "recorded": batch.len() })))
}
