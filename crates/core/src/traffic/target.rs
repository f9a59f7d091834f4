//! The mini program an entry opens: an app of kind mini program with a deployed
//! version, and a page of that version. Shared by the entries that name a page
//! (web-page launches, app launches, service-account menus and articles).

use super::pages::AppPages;
use crate::container::package;
use crate::container::store::{PackageFiles, PackageStore};
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind};
use serde_json::Value;

type ApiResult<T> = Result<T, ApiError>;

/// The longest page path (with its query) an entry may carry.
pub const MAX_PATH: usize = 1024;

/// A page path as entries write it: `pages/a/a`, `/pages/a/a.html`, with or without a
/// query. Returns (path without leading `/` or `.html`, query string).
pub fn split_path(s: &str) -> (String, String) {
    let (p, q) = s.split_once('?').unwrap_or((s, ""));
    let p = p.trim_start_matches('/');
    let p = p.strip_suffix(".html").unwrap_or(p);
    (p.to_string(), q.to_string())
}

/// The pages of a mini program's current version: 40166 for an app that is no mini
/// program, 85900 when nothing is deployed.
pub async fn current_pages(store: &dyn PackageStore, files: &dyn PackageFiles, app: &App) -> ApiResult<AppPages> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidWeappAppid, "not a mini program"));
    }
    let v = package::current(store, app).await?;
    let bytes = files.get(&v.manifest_sha256).await?.ok_or_else(|| ApiError::with(Code::SystemBusy, "the package's manifest is missing from storage"))?;
    let manifest: Value = serde_json::from_slice(&bytes).map_err(|_| ApiError::with(Code::SystemBusy, "the package's manifest is not JSON"))?;
    Ok(AppPages::from_manifest(v.version, &manifest))
}

/// Checks that `path` (may carry a query; empty means the home page) is a page of the
/// mini program's current version; 40165 otherwise. Returns (page, query).
pub async fn check_page(store: &dyn PackageStore, files: &dyn PackageFiles, app: &App, path: &str) -> ApiResult<(String, String)> {
    if path.chars().count() > MAX_PATH {
        return Err(ApiError::with(Code::InvalidWeappPagepath, format!("longer than {MAX_PATH} characters")));
    }
    let pages = current_pages(store, files, app).await?;
    let (page, query) = split_path(path);
    if page.is_empty() {
        return Ok((pages.home.clone(), query));
    }
    if !pages.has(&page) {
        return Err(ApiError::with(Code::InvalidWeappPagepath, format!("{} is not a page of the current version", page.chars().take(80).collect::<String>())));
    }
    Ok((page, query))
}

/// Whether `target` belongs to the same subject or open-platform account as `owner`:
/// what a web page, a service account's menu or an article may open.
pub fn same_owner(owner: &App, target: &App) -> bool {
    owner.subject_id == target.subject_id || (owner.open_appid.is_some() && owner.open_appid == target.open_appid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_entries_write_them() {
        assert_eq!(split_path("/pages/a/a.html?x=1&y=2"), ("pages/a/a".into(), "x=1&y=2".into()));
        assert_eq!(split_path("pages/a/a"), ("pages/a/a".into(), String::new()));
        assert_eq!(split_path(""), (String::new(), String::new()));
    }
}
