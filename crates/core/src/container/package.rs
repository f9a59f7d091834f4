//! Deployed packages: what a bundle must look like to be stored, how it is stored
//! (every file by its SHA-256, then one version record with the file list), and what
//! the container is told about the version to run.

use super::store::{NewVersion, PackageFile, PackageFiles, PackageStore, PackageVersion};
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind};
use crate::keys::sha256_hex;
use std::collections::BTreeMap;

/// The bundle's own description of itself (docs/bundle.md).
pub const MANIFEST: &str = "manifest.json";
/// The bundle format this platform runs.
pub const FORMAT: i64 = 1;
/// At most this many files in a bundle (as the compiler reads at most).
pub const MAX_FILES: usize = 50_000;
/// At most this many bytes in one file.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// At most this many bytes in all.
pub const MAX_PACKAGE_BYTES: usize = 256 << 20;
/// A bundle path is at most this long.
pub const MAX_PATH_BYTES: usize = 512;

type ApiResult<T> = Result<T, ApiError>;

/// A path a bundle may contain: relative, `/`-separated, no empty, `.` or `..`
/// segments, no backslashes or control characters. The server looks files up by
/// exact path in the version's list, so this is about keeping the list clean (and
/// writable to disk by `openmini build`), not the only guard against traversal.
pub fn is_bundle_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= MAX_PATH_BYTES
        && !p.chars().any(|c| c == '\\' || c.is_control())
        && p.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// The `Referer` WeChat sends with a mini program's requests, which developers' servers
/// check: `https://servicewechat.com/{appid}/{version}/page-frame.html`.
pub fn referer(appid: &str, version: i64) -> String {
    format!("https://servicewechat.com/{appid}/{version}/page-frame.html")
}

/// The URL prefix the container loads a version's files from.
pub fn base(appid: &str, version: i64) -> String {
    format!("/pkg/{appid}/{version}/")
}

/// Checks a built bundle (bundle path → bytes, `manifest.json` included) and returns
/// its file list and manifest hash. Nothing is stored.
pub fn check_bundle(files: &BTreeMap<String, Vec<u8>>) -> ApiResult<(Vec<PackageFile>, String)> {
    let bad = |d: String| ApiError::with(Code::InvalidArgs, d);
    let manifest = files.get(MANIFEST).ok_or_else(|| bad("the bundle has no manifest.json".into()))?;
    let format = serde_json::from_slice::<serde_json::Value>(manifest).ok().and_then(|m| m.get("format").and_then(|f| f.as_i64()));
    if format != Some(FORMAT) {
        return Err(bad(format!("manifest.json is not a bundle manifest of format {FORMAT}")));
    }
    if files.len() > MAX_FILES {
        return Err(bad(format!("more than {MAX_FILES} files")));
    }
    let mut total = 0usize;
    let mut list = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        if !is_bundle_path(path) {
            return Err(bad(format!("not a bundle path: {:?}", path.chars().take(80).collect::<String>())));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(bad(format!("{path} is larger than {MAX_FILE_BYTES} bytes")));
        }
        total += bytes.len();
        list.push(PackageFile { path: path.clone(), sha256: sha256_hex(bytes), size: bytes.len() as i64 });
    }
    if total > MAX_PACKAGE_BYTES {
        return Err(bad(format!("the bundle is larger than {MAX_PACKAGE_BYTES} bytes")));
    }
    Ok((list, sha256_hex(manifest)))
}

/// Stores a built bundle as the app's next version and makes it current. Only mini
/// programs have packages. The files are written first (content-addressed, so a
/// failure leaves at most unreferenced files, never a version with missing ones); the
/// version and its file list are then recorded in one atomic step.
pub async fn deploy(
    versions: &dyn PackageStore,
    objects: &dyn PackageFiles,
    app: &App,
    files: &BTreeMap<String, Vec<u8>>,
    created_by: &str,
    now: i64,
) -> ApiResult<PackageVersion> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidAppid, "packages are for mini programs"));
    }
    let (list, manifest_sha256) = check_bundle(files)?;
    for (f, bytes) in list.iter().zip(files.values()) {
        objects.put(&f.sha256, bytes).await?;
    }
    let size = list.iter().map(|f| f.size).sum();
    let v = NewVersion { app_id: app.id, manifest_sha256: &manifest_sha256, size, created_by, now };
    Ok(versions.create_version(&v, &list).await?)
}

/// The version an app's users run now: 40013 for an app that is not a mini program,
/// 85900 when nothing is deployed.
pub async fn current(versions: &dyn PackageStore, app: &App) -> ApiResult<PackageVersion> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidAppid, "packages are for mini programs"));
    }
    versions.current_version(app.id).await?.ok_or_else(|| {
        ApiError::with(Code::NotDeployed, "deploy one with `openmini app deploy`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_paths() {
        for ok in ["manifest.json", "main/view.js", "sub/pkg a/logic.js", "main/files/图片.png", "a/.b/c"] {
            assert!(is_bundle_path(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "main//x", "main/../x", "..", "./x", "main/.", "a\\b", "a\0b", "x/", &"a".repeat(513)] {
            assert!(!is_bundle_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn bundles_are_checked() {
        let manifest = br#"{"format":1,"packages":[]}"#.to_vec();
        let mut files = BTreeMap::from([("manifest.json".to_string(), manifest.clone()), ("main/view.js".into(), b"x".to_vec())]);
        let (list, sha) = check_bundle(&files).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(sha, sha256_hex(&manifest));
        assert_eq!(list[0].sha256, sha256_hex(b"x"), "main/view.js sorts first");
        files.insert("../evil".into(), vec![]);
        assert_eq!(check_bundle(&files).unwrap_err().code, Code::InvalidArgs);
        files.remove("../evil");
        files.insert("manifest.json".into(), br#"{"format":2}"#.to_vec());
        assert!(check_bundle(&files).unwrap_err().errmsg().contains("format 1"));
        files.remove("manifest.json");
        assert!(check_bundle(&files).unwrap_err().errmsg().contains("no manifest.json"));
    }

    #[test]
    fn referer_is_wechats() {
        assert_eq!(referer("wx0123456789abcdef", 3), "https://servicewechat.com/wx0123456789abcdef/3/page-frame.html");
        assert_eq!(base("wx0123456789abcdef", 3), "/pkg/wx0123456789abcdef/3/");
    }
}
