//! The pages of the version a link or code opens: read from the deployed bundle's
//! `manifest.json` (docs/bundle.md), with the home page and each page's title. Built
//! by the caller from the current version (the server caches it by the manifest's
//! hash, which never changes under a name).

use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPages {
    /// The version these pages are from.
    pub version: i64,
    /// Where the app opens when no page is named: `entryPagePath`, else the first page.
    pub home: String,
    /// Every page (subpackages' with their root) → its navigation-bar title (the
    /// page's own, else the app's, else empty).
    pages: BTreeMap<String, String>,
}

fn title(v: Option<&Value>) -> Option<&str> {
    v.and_then(|w| w.get("navigationBarTitleText")).and_then(Value::as_str).filter(|t| !t.is_empty())
}

impl AppPages {
    /// The pages a manifest lists. A manifest without pages gives an empty list (every
    /// page check then fails), never an error: it was checked when deployed.
    pub fn from_manifest(version: i64, m: &Value) -> AppPages {
        let mut pages = BTreeMap::new();
        let app_title = title(m.get("app").and_then(|a| a.get("window"))).unwrap_or("");
        let own = m.get("pages");
        let mut add = |p: String| {
            let t = title(own.and_then(|o| o.get(&p))).unwrap_or(app_title).to_string();
            pages.entry(p).or_insert(t);
        };
        let mut first = None;
        for pkg in m.get("packages").and_then(Value::as_array).into_iter().flatten() {
            let root = pkg.get("root").and_then(Value::as_str).unwrap_or("").trim_matches('/');
            for p in pkg.get("pages").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                let full = if root.is_empty() { p.to_string() } else { format!("{root}/{p}") };
                if first.is_none() {
                    first = Some(full.clone());
                }
                add(full);
            }
        }
        if let Some(o) = own.and_then(Value::as_object) {
            for p in o.keys() {
                add(p.clone());
            }
        }
        let entry = m.get("app").and_then(|a| a.get("entryPagePath")).and_then(Value::as_str).map(|p| p.trim_start_matches('/').to_string());
        let home = entry.filter(|e| pages.contains_key(e)).or(first).or_else(|| pages.keys().next().cloned()).unwrap_or_default();
        AppPages { version, home, pages }
    }

    /// Whether the version has this page (exactly: no leading `/`, no query).
    pub fn has(&self, page: &str) -> bool {
        self.pages.contains_key(page)
    }

    /// The page's title, if the version has the page.
    pub fn title(&self, page: &str) -> Option<&str> {
        self.pages.get(page).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_titles_and_home() {
        let m = json!({
            "format": 1,
            "packages": [
                {"root": "", "pages": ["pages/index/index", "pages/item/item"]},
                {"root": "sub", "pages": ["a/a"]},
            ],
            "app": {"window": {"navigationBarTitleText": "Shop"}, "entryPagePath": "pages/item/item"},
            "pages": {"pages/index/index": {"navigationBarTitleText": "Home"}, "sub/a/a": {}},
        });
        let p = AppPages::from_manifest(3, &m);
        assert_eq!((p.version, p.home.as_str(), p.len()), (3, "pages/item/item", 3));
        assert!(p.has("sub/a/a") && p.has("pages/index/index"));
        assert!(!p.has("/pages/index/index") && !p.has("a/a") && !p.has("pages/index/index?x=1"));
        assert_eq!(p.title("pages/index/index"), Some("Home"));
        assert_eq!(p.title("pages/item/item"), Some("Shop"));
        assert_eq!(p.title("sub/a/a"), Some("Shop"));
        // No entryPagePath: the first page.
        let p = AppPages::from_manifest(1, &json!({"packages": [{"root": "", "pages": ["p/a", "p/b"]}]}));
        assert_eq!(p.home, "p/a");
        let p = AppPages::from_manifest(1, &json!({"format": 1}));
        assert!(p.is_empty() && p.home.is_empty());
    }
}
