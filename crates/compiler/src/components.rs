//! `usingComponents`: which component each page and component uses, resolved the way
//! WeChat resolves it — `/abs` from the mini program's root, `./rel` and `../rel` from
//! the JSON's folder, anything else from `miniprogram_npm` folders up the tree (a
//! folder path means its `index`) — following components into their own JSON.

use crate::app::find;
use crate::diag::{Diagnostic, Severity, Source, Span};
use crate::wxml::codegen::resolve_any;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What a page or component uses: tag → component path (without extension).
pub type Uses = BTreeMap<String, String>;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ComponentMap {
    /// For every page and every component reached: the components it uses.
    pub uses: BTreeMap<String, Uses>,
    /// Every component reached, with what its styles need.
    pub components: BTreeMap<String, ComponentInfo>,
    /// Components with `componentGenerics`: generic name → its default component, if any.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub generics: BTreeMap<String, BTreeMap<String, Option<String>>>,
}

/// What the container needs to know of a component's styles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentInfo {
    /// `styleIsolation` of its JSON, if set (its JS `options` may set it too).
    pub style_isolation: Option<String>,
    /// The prefix its stylesheet's classes carry (`wxss::prefix_of`).
    pub prefix: String,
}

/// The values `styleIsolation` may take.
const ISOLATIONS: &[&str] = &["isolated", "apply-shared", "shared", "page-isolated", "page-apply-shared", "page-shared"];

/// The component at `spec` as written in `owner.json`, if one is there.
fn resolve(owner: &str, spec: &str, exists: &dyn Fn(&str) -> bool) -> Option<String> {
    let found = |p: &str| -> Option<String> {
        let p = p.trim_end_matches('/');
        if exists(&format!("{p}.wxml")) {
            Some(p.to_string())
        } else if exists(&format!("{p}/index.wxml")) {
            Some(format!("{p}/index"))
        } else {
            None
        }
    };
    if spec.starts_with('/') || spec.starts_with("./") || spec.starts_with("../") {
        return resolve_any(owner, spec).and_then(|p| found(&p));
    }
    // A package name: miniprogram_npm in the owner's folder or any folder above it.
    let mut dir: Vec<&str> = owner.split('/').collect();
    dir.pop();
    loop {
        let base = if dir.is_empty() { String::new() } else { format!("{}/", dir.join("/")) };
        if let Some(p) = found(&format!("{base}miniprogram_npm/{spec}")) {
            return Some(p);
        }
        if dir.pop().is_none() {
            break;
        }
    }
    // Old projects name siblings without `./`.
    resolve_any(owner, spec).and_then(|p| found(&p))
}

/// Resolves the components of `pages` (and, for every page, app.json's global ones),
/// then of the components they reach.
pub fn resolve_all(
    pages: &[String],
    app_json: &Value,
    json_of: &dyn Fn(&str) -> Option<String>,
    exists: &dyn Fn(&str) -> bool,
    diags: &mut Vec<Diagnostic>,
) -> ComponentMap {
    let mut map = ComponentMap::default();
    let global: Uses = uses_of("app", app_json, json_of("app.json").as_deref().unwrap_or(""), exists, diags);
    let mut queue: Vec<(String, bool)> = pages.iter().map(|p| (p.clone(), true)).collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some((owner, is_page)) = queue.pop() {
        if !seen.insert(owner.clone()) {
            continue;
        }
        let json_path = format!("{owner}.json");
        let text = json_of(&json_path).unwrap_or_default();
        let value: Value = if text.trim().is_empty() {
            Value::Object(Default::default())
        } else {
            match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    let src = Source::new(&json_path, &text);
                    let mut d = src.diag(Severity::Error, "bad-json", Span::default(), format!("not valid JSON: {e}"));
                    (d.line, d.col) = (e.line().max(1), e.column().max(1));
                    diags.push(d);
                    Value::Object(Default::default())
                }
            }
        };
        if !is_page {
            if value.get("component") != Some(&Value::Bool(true)) {
                let src = Source::new(&json_path, &text);
                diags.push(src.diag(Severity::Warning, "not-a-component", Span::default(), format!("`{owner}` is used as a component but its JSON lacks \"component\": true")));
            }
            let isolation = value.get("styleIsolation").and_then(Value::as_str).map(str::to_string);
            if let Some(bad) = isolation.as_deref().filter(|i| !ISOLATIONS.contains(i)) {
                let src = Source::new(&json_path, &text);
                diags.push(src.diag(Severity::Error, "bad-style-isolation", Span::new(find(&text, bad), 0), format!("styleIsolation `{bad}` is not one of {}", ISOLATIONS.join(", "))));
            }
            map.components.insert(owner.clone(), ComponentInfo { style_isolation: isolation, prefix: crate::wxss::prefix_of(&owner) });
        }
        let mut uses = if is_page { global.clone() } else { Uses::new() };
        uses.extend(uses_of(&owner, &value, &text, exists, diags));
        let generics = generics_of(&owner, &value, &text, exists, diags);
        for target in uses.values().chain(generics.values().flatten()) {
            if !seen.contains(target) {
                queue.push((target.clone(), false));
            }
        }
        if !generics.is_empty() {
            map.generics.insert(owner.clone(), generics);
        }
        map.uses.insert(owner, uses);
    }
    map
}

/// `componentGenerics`: `{"name": true}` or `{"name": {"default": "path"}}`, the default
/// resolved like `usingComponents`.
fn generics_of(owner: &str, value: &Value, text: &str, exists: &dyn Fn(&str) -> bool, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    let Some(g) = value.get("componentGenerics") else { return out };
    let json_path = format!("{owner}.json");
    let src = Source::new(&json_path, text);
    let Some(g) = g.as_object() else {
        diags.push(src.diag(Severity::Error, "bad-component-generics", Span::new(find(text, "componentGenerics"), 0), "componentGenerics must be an object of name: true or {\"default\": path}"));
        return out;
    };
    for (name, spec) in g {
        let at = Span::new(find(text, name), 0);
        let default = match spec {
            Value::Bool(true) => None,
            Value::Object(o) => match o.get("default").map(Value::as_str) {
                None => None,
                Some(Some(path)) => match resolve(owner, path, exists) {
                    Some(p) => Some(p),
                    None => {
                        diags.push(src.diag(Severity::Error, "missing-component", Span::new(find(text, path), 0), format!("generic `{name}`: no component at `{path}`")));
                        None
                    }
                },
                Some(None) => {
                    diags.push(src.diag(Severity::Error, "bad-component-generics", at, format!("generic `{name}`: `default` must be a component path")));
                    None
                }
            },
            _ => {
                diags.push(src.diag(Severity::Error, "bad-component-generics", at, format!("generic `{name}` must be true or {{\"default\": path}}")));
                None
            }
        };
        out.insert(name.clone(), default);
    }
    out
}

/// The `usingComponents` of one JSON (`owner` is the page or component path).
fn uses_of(owner: &str, value: &Value, text: &str, exists: &dyn Fn(&str) -> bool, diags: &mut Vec<Diagnostic>) -> Uses {
    let json_path = if owner == "app" { "app.json".to_string() } else { format!("{owner}.json") };
    let src = Source::new(&json_path, text);
    let mut out = Uses::new();
    let Some(using) = value.get("usingComponents") else { return out };
    let Some(using) = using.as_object() else {
        diags.push(src.diag(Severity::Error, "bad-using-components", Span::new(find(text, "usingComponents"), 0), "usingComponents must be an object of tag: path"));
        return out;
    };
    for (tag, spec) in using {
        let at = Span::new(find(text, tag), 0);
        let Some(spec) = spec.as_str() else {
            diags.push(src.diag(Severity::Error, "bad-using-components", at, format!("`{tag}`: the path must be a string")));
            continue;
        };
        if spec.starts_with("plugin://") || spec.starts_with("plugin-private://") {
            diags.push(src.diag(Severity::Warning, "plugin-component", at, format!("`{tag}`: plugins are not supported yet")));
            continue;
        }
        // A page-relative path is relative to the page's folder; app.json's to the root.
        let from = if owner == "app" { "app" } else { owner };
        match resolve(from, spec, exists) {
            Some(p) => {
                out.insert(tag.clone(), p);
            }
            None => diags.push(src.diag(Severity::Error, "missing-component", Span::new(find(text, spec), 0), format!("`{tag}`: no component at `{spec}`"))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generics_resolve_their_defaults() {
        let files: BTreeSet<&str> = ["comp/list.wxml", "comp/item.wxml"].into();
        let exists = |p: &str| files.contains(p);
        let json = r#"{"component": true, "componentGenerics": {"selectable": true, "cell": {"default": "./item"}, "bad": 3, "gone": {"default": "./nope"}}}"#;
        let mut diags = Vec::new();
        let g = generics_of("comp/list", &serde_json::from_str(json).unwrap(), json, &exists, &mut diags);
        assert_eq!(g["selectable"], None);
        assert_eq!(g["cell"].as_deref(), Some("comp/item"));
        let codes: Vec<_> = diags.iter().map(|d| (d.code, d.col)).collect();
        assert_eq!(codes, vec![("bad-component-generics", 94), ("missing-component", 124)], "{diags:#?}");
    }

    #[test]
    fn resolves_relative_absolute_and_npm_paths() {
        let files: BTreeSet<&str> = [
            "components/card/card.wxml",
            "pages/a/item.wxml",
            "miniprogram_npm/@vant/weapp/button/index.wxml",
            "pages/a/miniprogram_npm/local/index.wxml",
        ]
        .into();
        let exists = |p: &str| files.contains(p);
        assert_eq!(resolve("pages/a/a", "/components/card/card", &exists).as_deref(), Some("components/card/card"));
        assert_eq!(resolve("pages/a/a", "../../components/card/card", &exists).as_deref(), Some("components/card/card"));
        assert_eq!(resolve("pages/a/a", "./item", &exists).as_deref(), Some("pages/a/item"));
        assert_eq!(resolve("pages/a/a", "@vant/weapp/button/index", &exists).as_deref(), Some("miniprogram_npm/@vant/weapp/button/index"));
        assert_eq!(resolve("pages/a/a", "@vant/weapp/button", &exists).as_deref(), Some("miniprogram_npm/@vant/weapp/button/index"));
        assert_eq!(resolve("pages/a/a", "local", &exists).as_deref(), Some("pages/a/miniprogram_npm/local/index"));
        assert_eq!(resolve("pages/a/a", "item", &exists).as_deref(), Some("pages/a/item"));
        assert_eq!(resolve("pages/a/a", "../../../../etc/passwd", &exists), None);
        assert_eq!(resolve("pages/a/a", "nope", &exists), None);
    }
}
