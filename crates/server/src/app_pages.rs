//! The pages of an app's current version, for links and codes: the current version is
//! read on every call (a keyed lookup), its manifest parsed once per node and kept by
//! its hash (content never changes under a hash).

use crate::state::AppState;
use openmini_core::container::store::PackageStore;
use openmini_core::identity::{App, AppKind};
use openmini_core::traffic::pages::AppPages;
use openmini_core::{ApiError, Code};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Manifests kept at most; the map starts over past it.
const MAX_KEPT: usize = 1024;

fn kept() -> &'static Mutex<HashMap<(String, i64), Arc<AppPages>>> {
    static KEPT: OnceLock<Mutex<HashMap<(String, i64), Arc<AppPages>>>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// The pages of the version `app`'s users run now; `None` when nothing is deployed (or
/// the app is not a mini program).
pub async fn current(s: &AppState, app: &App) -> Result<Option<Arc<AppPages>>, ApiError> {
    if app.kind != AppKind::Miniprogram {
        return Ok(None);
    }
    let Some(v) = s.db.current_version(app.id).await? else {
        return Ok(None);
    };
    let key = (v.manifest_sha256.clone(), v.version);
    if let Some(p) = kept().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(Some(p));
    }
    let missing = || ApiError::with(Code::SystemBusy, "the package's manifest is missing from storage");
    let bytes = s.packages.get(&v.manifest_sha256).await?.ok_or_else(missing)?;
    let manifest: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| missing())?;
    let pages = Arc::new(AppPages::from_manifest(v.version, &manifest));
    if let Ok(mut m) = kept().lock() {
        if m.len() >= MAX_KEPT {
            m.clear();
        }
        m.insert(key, pages.clone());
    }
    Ok(Some(pages))
}
