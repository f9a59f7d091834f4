//! `project.config.json` and `app.json`: where the mini program is, its pages and its
//! subpackages, checked with diagnostics that point into the JSON.

use crate::diag::{Diagnostic, Severity, Source, Span};
use serde_json::Value;

/// A package: the main one (root `""`) or a subpackage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Package {
    pub root: String,
    pub name: Option<String>,
    /// Page paths relative to the mini program (`pages/index/index`).
    pub pages: Vec<String>,
    pub independent: bool,
}

/// What `app.json` says, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct App {
    pub packages: Vec<Package>,
    /// The whole of app.json, for the container (window, tabBar, permission, …).
    pub config: Value,
}

/// Fields of app.json the platform knows; others get a warning (a typo is likely).
const KNOWN: &[&str] = &[
    "entryPagePath", "pages", "window", "tabBar", "networkTimeout", "debug", "functionalPages", "subpackages", "subPackages",
    "workers", "requiredBackgroundModes", "requiredPrivateInfos", "plugins", "preloadRule", "resizable", "usingComponents",
    "permission", "sitemapLocation", "style", "useExtendedLib", "entranceDeclare", "darkmode", "themeLocation",
    "lazyCodeLoading", "singlePage", "supportedMaterials", "serviceProviderTicket", "embeddedAppIdList", "halfPage",
    "debugOptions", "enablePassiveEvent", "resolveAlias", "renderer", "rendererOptions", "componentFramework", "miniApp",
    "static", "componentPlaceholder", "navigateToMiniProgramAppIdList",
];

/// Problems with page lists placed in app.json at most (then one line says there are more).
pub const MAX_PAGE_PROBLEMS: usize = 200;

/// Where `needle` (a JSON string value) first appears in the text, for diagnostics.
pub fn find(text: &str, needle: &str) -> usize {
    let quoted = serde_json::to_string(needle).unwrap_or_default();
    text.find(&quoted).unwrap_or(0)
}

/// Parses JSON with a diagnostic at serde's line and column on failure.
pub fn parse_json(src: &Source<'_>) -> Result<Value, Diagnostic> {
    serde_json::from_str(src.text).map_err(|e| {
        let mut d = src.diag(Severity::Error, "bad-json", Span::default(), format!("not valid JSON: {e}"));
        d.line = e.line().max(1);
        d.col = e.column().max(1);
        d.excerpt = src.text.lines().nth(d.line - 1).unwrap_or("").chars().take(200).collect();
        d.excerpt_col = d.col.min(200);
        d
    })
}

/// Checks `app.json`. `has_page(path)` says whether `path.wxml` exists in the package.
pub fn check(src: &Source<'_>, has_page: &dyn Fn(&str) -> bool, diags: &mut Vec<Diagnostic>) -> Option<App> {
    let config = match parse_json(src) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let Some(obj) = config.as_object() else {
        diags.push(src.diag(Severity::Error, "bad-app-json", Span::default(), "app.json must be a JSON object"));
        return None;
    };
    for key in obj.keys() {
        if !KNOWN.contains(&key.as_str()) {
            diags.push(src.diag(Severity::Warning, "unknown-field", Span::new(find(src.text, key), 0), format!("`{key}` is not a field of app.json")));
        }
    }
    let err = |diags: &mut Vec<Diagnostic>, code, at: usize, msg: String| diags.push(src.diag(Severity::Error, code, Span::new(at, at), msg));
    // Problems with the page lists, past which they are counted, not placed: placing one
    // searches the text, and 200,000 missing pages would search it 200,000 times.
    let mut page_problems = 0usize;
    let mut pages_of = |v: Option<&Value>, field: &str, root: &str, diags: &mut Vec<Diagnostic>| -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut problem = |diags: &mut Vec<Diagnostic>, code, needle: &str, msg: String| {
            page_problems += 1;
            if page_problems <= MAX_PAGE_PROBLEMS {
                err(diags, code, find(src.text, needle), msg);
            } else if page_problems == MAX_PAGE_PROBLEMS + 1 {
                err(diags, "too-many-errors", find(src.text, needle), "more problems with pages are not shown".into());
            }
        };
        match v.and_then(Value::as_array) {
            Some(list) if !list.is_empty() => {
                for p in list {
                    match p.as_str() {
                        Some(s) if !s.is_empty() && !s.starts_with('/') && !s.split('/').any(|seg| seg == ".." || seg == ".") => {
                            let full = if root.is_empty() { s.to_string() } else { format!("{}/{s}", root.trim_end_matches('/')) };
                            if !has_page(&full) {
                                problem(diags, "missing-page", s, format!("page `{full}` has no `{full}.wxml`"));
                            }
                            if !seen.insert(full.clone()) {
                                problem(diags, "duplicate-page", s, format!("page `{full}` is listed twice"));
                            }
                            out.push(full);
                        }
                        _ => problem(diags, "bad-page", field, format!("`{field}` entries are page paths like \"pages/index/index\"")),
                    }
                }
            }
            _ => problem(diags, "no-pages", field, format!("`{field}` must be a non-empty list of page paths")),
        }
        out
    };
    let main_pages = pages_of(obj.get("pages"), "pages", "", diags);
    let mut packages = vec![Package { root: String::new(), name: None, pages: main_pages, independent: false }];
    let subs = obj.get("subpackages").or(obj.get("subPackages"));
    if obj.contains_key("subpackages") && obj.contains_key("subPackages") {
        err(diags, "duplicate-field", find(src.text, "subPackages"), "give `subpackages` or `subPackages`, not both".into());
    }
    if let Some(subs) = subs {
        let Some(list) = subs.as_array() else {
            err(diags, "bad-subpackages", find(src.text, "subpackages"), "subpackages must be a list".into());
            return Some(App { packages, config });
        };
        for s in list {
            let root = s.get("root").and_then(Value::as_str).unwrap_or("").trim_matches('/').to_string();
            if root.is_empty() || root.split('/').any(|seg| seg == ".." || seg == ".") {
                err(diags, "bad-root", find(src.text, "root"), "a subpackage needs a `root` folder inside the mini program".into());
                continue;
            }
            if packages.iter().any(|p| !p.root.is_empty() && (root.starts_with(&format!("{}/", p.root)) || p.root.starts_with(&format!("{root}/")) || p.root == root)) {
                err(diags, "overlapping-root", find(src.text, &root), format!("subpackage root `{root}` overlaps another"));
                continue;
            }
            let pages = pages_of(s.get("pages"), "pages", &root, diags);
            if let Some(p) = packages[0].pages.iter().find(|p| p.starts_with(&format!("{root}/"))) {
                err(diags, "page-in-subpackage", find(src.text, p), format!("`{p}` is inside subpackage `{root}`; list it there"));
            }
            packages.push(Package {
                root,
                name: s.get("name").and_then(Value::as_str).map(str::to_string),
                pages,
                independent: s.get("independent").and_then(Value::as_bool).unwrap_or(false),
            });
        }
    }
    check_fields(src, obj, &packages, diags);
    Some(App { packages, config })
}

/// The fields that name pages, packages or files must name real ones.
fn check_fields(
    src: &Source<'_>,
    obj: &serde_json::Map<String, Value>,
    packages: &[Package],
    diags: &mut Vec<Diagnostic>,
) {
    let all_pages: Vec<&String> = packages.iter().flat_map(|p| &p.pages).collect();
    let at = |needle: &str| Span::new(find(src.text, needle), 0);
    let mut err = |code, span, msg: String| diags.push(src.diag(Severity::Error, code, span, msg));
    if let Some(entry) = obj.get("entryPagePath") {
        match entry.as_str() {
            Some(p) if all_pages.iter().any(|x| *x == p) => {}
            _ => err("bad-entry-page", at("entryPagePath"), "entryPagePath must be one of the pages".into()),
        }
    }
    if let Some(tab) = obj.get("tabBar") {
        let list = tab.get("list").and_then(Value::as_array);
        match list {
            Some(l) if (2..=5).contains(&l.len()) => {
                for item in l {
                    let page = item.get("pagePath").and_then(Value::as_str).unwrap_or("");
                    if !packages[0].pages.iter().any(|p| p == page) {
                        err("bad-tab-page", at(page), format!("tabBar page `{page}` must be a page of the main package"));
                    }
                    if item.get("text").and_then(Value::as_str).is_none_or(str::is_empty) {
                        err("bad-tab-item", at(page), format!("tabBar item `{page}` needs a text"));
                    }
                }
            }
            _ => err("bad-tab-bar", at("tabBar"), "tabBar.list must have 2 to 5 items".into()),
        }
    }
    if let Some(rules) = obj.get("preloadRule").and_then(Value::as_object) {
        for (page, rule) in rules {
            if !all_pages.contains(&page) {
                err("bad-preload-rule", at(page), format!("preloadRule names `{page}`, which is not a page"));
            }
            for pkg in rule.get("packages").and_then(Value::as_array).into_iter().flatten() {
                let name = pkg.as_str().unwrap_or("");
                let known = name == "__APP__" || packages.iter().skip(1).any(|p| p.root == name.trim_matches('/') || p.name.as_deref() == Some(name));
                if !known {
                    err("bad-preload-rule", at(name), format!("preloadRule package `{name}` is not a subpackage root or name"));
                }
            }
        }
    }
    if let Some(t) = obj.get("networkTimeout").and_then(Value::as_object) {
        for (k, v) in t {
            if v.as_u64().is_none_or(|ms| ms == 0) {
                err("bad-network-timeout", at(k), format!("networkTimeout.{k} must be a positive number of milliseconds"));
            }
        }
    }
    if let Some(style) = obj.get("style") {
        if style.as_str() != Some("v2") {
            err("bad-style", at("style"), "style can only be \"v2\"".into());
        }
    }
    if let Some(l) = obj.get("lazyCodeLoading") {
        if l.as_str() != Some("requiredComponents") {
            err("bad-lazy-code-loading", at("lazyCodeLoading"), "lazyCodeLoading can only be \"requiredComponents\"".into());
        }
    }
}

/// The fields of app.json that name files (`sitemapLocation`, tab bar icons, a custom
/// tab bar) must name files of the package; `permission` entries need a reason shown to
/// the user; window colours and styles must be values the container can draw.
pub fn check_files(src: &Source<'_>, config: &Value, exists: &dyn Fn(&str) -> bool, diags: &mut Vec<Diagnostic>) {
    let at = |needle: &str| Span::new(find(src.text, needle), 0);
    let mut err = |code, span, msg: String| diags.push(src.diag(Severity::Error, code, span, msg));
    let file = |p: &str| p.trim_start_matches('/').to_string();
    if let Some(loc) = config.get("sitemapLocation") {
        match loc.as_str() {
            Some(p) if exists(&file(p)) => {}
            Some(p) => err("missing-file", at(p), format!("sitemapLocation `{p}` is not in the package")),
            None => err("bad-sitemap-location", at("sitemapLocation"), "sitemapLocation must be a file path".into()),
        }
    }
    if let Some(perm) = config.get("permission") {
        match perm.as_object() {
            Some(perm) => {
                for (scope, v) in perm {
                    let desc = v.get("desc").and_then(Value::as_str).unwrap_or("");
                    if !scope.starts_with("scope.") {
                        err("bad-permission", at(scope), format!("`{scope}` is not a permission scope (scope.userLocation, …)"));
                    } else if desc.trim().is_empty() || desc.chars().count() > 30 {
                        err("bad-permission", at(scope), format!("`{scope}` needs a `desc` of 1 to 30 characters, shown to the user"));
                    }
                }
            }
            None => err("bad-permission", at("permission"), "permission must be an object of scope: {desc}".into()),
        }
    }
    let colour = |v: &Value| v.as_str().is_some_and(is_colour);
    if let Some(w) = config.get("window").and_then(Value::as_object) {
        for (k, allowed) in [("navigationBarTextStyle", &["black", "white"][..]), ("backgroundTextStyle", &["dark", "light"]), ("navigationStyle", &["default", "custom"])] {
            if let Some(v) = w.get(k) {
                if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
                    err("bad-window", at(k), format!("window.{k} must be one of {}", allowed.join(", ")));
                }
            }
        }
        for k in ["navigationBarBackgroundColor", "backgroundColor", "backgroundColorTop", "backgroundColorBottom"] {
            if w.get(k).is_some_and(|v| !colour(v)) {
                err("bad-window", at(k), format!("window.{k} must be a hex colour like #ffffff"));
            }
        }
    }
    if let Some(tab) = config.get("tabBar").and_then(Value::as_object) {
        for k in ["color", "selectedColor", "backgroundColor"] {
            if tab.get(k).is_some_and(|v| !colour(v)) {
                err("bad-tab-bar", at(k), format!("tabBar.{k} must be a hex colour like #ffffff"));
            }
        }
        if tab.get("custom") == Some(&Value::Bool(true)) && !exists("custom-tab-bar/index.wxml") {
            err("missing-file", at("custom"), "a custom tabBar needs the component custom-tab-bar/index".into());
        }
        for item in tab.get("list").and_then(Value::as_array).into_iter().flatten() {
            for k in ["iconPath", "selectedIconPath"] {
                if let Some(p) = item.get(k).and_then(Value::as_str) {
                    if !exists(&file(p)) {
                        err("missing-file", at(p), format!("tabBar {k} `{p}` is not in the package"));
                    }
                }
            }
        }
    }
}

/// `#rgb` or `#rrggbb` (what WeChat accepts in app.json).
fn is_colour(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.chars().all(|c| c.is_ascii_hexdigit()))
}
