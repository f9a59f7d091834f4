//! Other apps (docs/traffic.md, "Other apps"): a mobile app opens a mini program in a
//! host app (scene 1069). It may open any mini program of its own open-platform account,
//! otherwise only the ones linked to it (at most `links_per_mobile_app`). The first
//! open of a mini program in a host app other than the platform's web shell asks the
//! user, and the answer is remembered per user, host app and mini program.

use super::entry_policy::EntryPolicy;
use super::entry_store::{LaunchStore, LinkOutcome};
use super::jssdk::resolve_target;
use super::target;
use crate::container::store::{PackageFiles, PackageStore};
use crate::error::{ApiError, Code};
use crate::identity::store::ClientSession;
use crate::identity::{App, AppKind, Identity, IdentityStore};
use serde_json::{json, Value};

type ApiResult<T> = Result<T, ApiError>;

/// The scene of a mini program opened by a mobile app.
pub const SCENE_APP: i64 = 1069;
/// Largest `extData` an app may pass, as JSON.
pub const MAX_EXT_DATA: usize = 1024;

/// An open the host performs: the page with its query string, the scene, what the mini
/// program gets as `referrerInfo`, and the source the open is recorded with.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    pub appid: String,
    pub path: String,
    pub query: String,
    pub scene: i64,
    pub referrer_info: Value,
    pub source: String,
}

impl Launch {
    pub fn to_json(&self) -> Value {
        json!({
            "appid": self.appid, "path": self.path, "query": self.query, "scene": self.scene,
            "referrerInfo": self.referrer_info, "source": self.source,
        })
    }
}

/// What `POST /client/v1/launch` answers.
#[derive(Debug, Clone, PartialEq)]
pub enum LaunchAnswer {
    Launch(Launch),
    /// The first open of this mini program in this host app: ask the user.
    ConsentNeeded { app: App, miniprogram: App },
}

fn mobile_app(app: App) -> ApiResult<App> {
    if app.kind != AppKind::Mobile {
        return Err(ApiError::with(Code::InvalidAppid, "not a mobile app"));
    }
    Ok(app)
}

fn miniprogram(app: App) -> ApiResult<App> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidWeappAppid, "not a mini program"));
    }
    Ok(app)
}

fn same_account(a: &App, b: &App) -> bool {
    a.open_appid.is_some() && a.open_appid == b.open_appid
}

/// `openmini app link --app MOBILE --miniprogram APPID [--off]`: links (or unlinks) and
/// returns the app's links after. A mini program of the app's own open-platform account
/// needs no link (refused, nothing stored); past the limit: 89004, nothing stored.
pub async fn link(id: &Identity, store: &dyn LaunchStore, mobile: &str, mini: &str, on: bool, p: &EntryPolicy) -> ApiResult<Vec<String>> {
    let app = mobile_app(id.app_param(Some(mobile)).await?)?;
    let mp = miniprogram(id.app_param(Some(mini)).await.map_err(|e| if e.code == Code::InvalidAppid { ApiError::with(Code::InvalidWeappAppid, "no such mini program") } else { e })?)?;
    if on {
        if same_account(&app, &mp) {
            return Err(ApiError::with(Code::InvalidArgs, "no link needed: the app and the mini program are of the same open-platform account"));
        }
        match store.link_app(app.id, mp.id, p.links_per_mobile_app, id.now()).await? {
            LinkOutcome::Linked | LinkOutcome::AlreadyLinked => {}
            LinkOutcome::LimitReached => {
                return Err(ApiError::with(Code::BindLimit, format!("a mobile app links at most {} mini programs outside its open-platform account", p.links_per_mobile_app)))
            }
        }
    } else if !store.unlink_app(app.id, mp.id).await? {
        return Err(ApiError::with(Code::InvalidArgs, "the mini program is not linked to this app"));
    }
    Ok(store.app_links(app.id).await?)
}

/// Whether `mobile` may open `mp`: same open-platform account, or linked.
pub async fn may_open(store: &dyn LaunchStore, mobile: &App, mp: &App) -> ApiResult<bool> {
    Ok(same_account(mobile, mp) || store.is_linked(mobile.id, mp.id).await?)
}

/// The platform's own web shell: the first host app, created by the first `serve`.
pub async fn web_shell_id(store: &dyn IdentityStore) -> ApiResult<Option<i64>> {
    Ok(store.list_host_apps().await?.first().map(|h| h.id))
}

/// What the host app asks (`POST /client/v1/launch`).
#[derive(Debug, Clone, Default)]
pub struct LaunchRequest {
    /// The mobile app's appid.
    pub from: String,
    pub appid: Option<String>,
    /// The mini program's original id (`gh_…`), as WeChat's OpenSDK names it.
    pub username: Option<String>,
    pub path: String,
    pub ext_data: Option<Value>,
}

/// The mobile app a session's host app may speak for: `from` must be the host app's
/// own mobile app (`openmini host-app create --mobile-app`); 48001 otherwise.
async fn launching_app(id: &Identity, store: &dyn LaunchStore, session: &ClientSession, from: &str) -> ApiResult<App> {
    let app = mobile_app(id.app_param(Some(from)).await?)?;
    if store.host_mobile_app(session.host_app_id).await? != Some(app.id) {
        return Err(ApiError::with(Code::ApiUnauthorized, "this host app does not speak for that mobile app"));
    }
    Ok(app)
}

async fn allowed_target(id: &Identity, store: &dyn LaunchStore, app: &App, appid: Option<&str>, username: Option<&str>) -> ApiResult<App> {
    // A username is looked up among the app's own account and its links.
    let mp = match (appid.filter(|a| !a.is_empty()), username.filter(|u| !u.is_empty())) {
        (None, Some(u)) => {
            let linked = store.app_links(app.id).await?;
            match linked.into_iter().find(|a| crate::reach::events::original_id(a) == u) {
                Some(a) => resolve_target(id, store, app, Some(&a), None).await?,
                None => resolve_target(id, store, app, None, Some(u)).await?,
            }
        }
        _ => resolve_target(id, store, app, appid, username).await?,
    };
    if !may_open(store, app, &mp).await? {
        return Err(ApiError::with(Code::ApiUnauthorized, "the mini program is not linked to this app"));
    }
    Ok(mp)
}

/// `POST /client/v1/launch`: a mobile app opens a mini program in the session's host
/// app. Checks who may launch what, the page, and the user's consent.
#[allow(clippy::too_many_arguments)]
pub async fn launch(
    id: &Identity,
    store: &dyn LaunchStore,
    packages: &dyn PackageStore,
    files: &dyn PackageFiles,
    session: &ClientSession,
    r: &LaunchRequest,
) -> ApiResult<LaunchAnswer> {
    let app = launching_app(id, store, session, &r.from).await?;
    let mp = allowed_target(id, store, &app, r.appid.as_deref(), r.username.as_deref()).await?;
    let (page, query) = target::check_page(packages, files, &mp, &r.path).await?;
    let ext = match &r.ext_data {
        None | Some(Value::Null) => None,
        Some(v) if v.to_string().len() <= MAX_EXT_DATA => Some(v.clone()),
        Some(_) => return Err(ApiError::with(Code::InvalidArgs, format!("extData larger than {MAX_EXT_DATA} bytes"))),
    };
    let shell = web_shell_id(id.store().as_ref()).await?;
    if shell != Some(session.host_app_id) && !store.launch_consent(session.user_id, session.host_app_id, mp.id).await? {
        return Ok(LaunchAnswer::ConsentNeeded { app, miniprogram: mp });
    }
    let mut referrer = json!({ "appId": app.appid });
    if let Some(x) = ext {
        referrer["extraData"] = x;
    }
    Ok(LaunchAnswer::Launch(Launch { appid: mp.appid, path: page, query, scene: SCENE_APP, referrer_info: referrer, source: app.appid }))
}

/// `POST /client/v1/launch/consent`: the user allowed the mini program in this host app.
pub async fn consent(id: &Identity, store: &dyn LaunchStore, session: &ClientSession, from: &str, appid: Option<&str>, username: Option<&str>) -> ApiResult<()> {
    let app = launching_app(id, store, session, from).await?;
    let mp = allowed_target(id, store, &app, appid, username).await?;
    store.grant_launch_consent(session.user_id, session.host_app_id, mp.id, id.now()).await?;
    Ok(())
}
