//! `require("…")` resolved at compile time the way WeChat resolves it, so the container's
//! `require` is a table lookup: `./` and `../` from the requiring file's folder, `/abs`
//! from the mini program's root, a bare name from `miniprogram_npm/<name>` in the file's
//! folder or any folder above it, and, as old projects write it, a bare path from the
//! file's folder. `.js` is implied; a folder means its `package.json` `main` or its
//! `index.js`.

use crate::wxml::codegen::resolve_any;

/// Why a path names no module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No file there.
    Missing,
    /// The path climbs above the mini program's root.
    Escapes,
}

/// What the resolver may look at: whether a file exists, and a file's text.
pub trait Files {
    fn exists(&self, path: &str) -> bool;
    fn text(&self, path: &str) -> Option<&str>;
}

/// The module `spec` names when required from the module at `from` (a path like
/// `pages/a/a.js`): another module's path.
pub fn resolve(from: &str, spec: &str, files: &dyn Files) -> Result<String, Failure> {
    if spec.is_empty() {
        return Err(Failure::Missing);
    }
    let relative = spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..";
    if spec.starts_with('/') || relative {
        let path = resolve_any(from, spec).ok_or(Failure::Escapes)?;
        return module_at(&path, files).ok_or(Failure::Missing);
    }
    // A package: miniprogram_npm in the file's folder or any folder above it.
    let mut dir: Vec<&str> = from.split('/').collect();
    dir.pop();
    loop {
        let base = if dir.is_empty() { String::new() } else { format!("{}/", dir.join("/")) };
        if let Some(p) = resolve_any("", &format!("{base}miniprogram_npm/{spec}")).and_then(|p| module_at(&p, files)) {
            return Ok(p);
        }
        if dir.pop().is_none() {
            break;
        }
    }
    // Old projects name files beside them without `./`.
    resolve_any(from, spec).and_then(|p| module_at(&p, files)).ok_or(Failure::Missing)
}

/// The module file at `path`: the file itself (`.js`), `path.js`, or a folder's entry.
fn module_at(path: &str, files: &dyn Files) -> Option<String> {
    if path.ends_with(".js") && files.exists(path) {
        return Some(path.to_string());
    }
    let js = format!("{path}.js");
    if files.exists(&js) {
        return Some(js);
    }
    // A folder: its package.json's `main` (a file, or a folder with index.js), else index.js.
    if let Some(main) = files.text(&format!("{path}/package.json")).and_then(main_of) {
        if let Some(m) = resolve_any(&format!("{path}/package.json"), &main) {
            for candidate in [m.clone(), format!("{m}.js"), format!("{m}/index.js")] {
                if candidate.ends_with(".js") && files.exists(&candidate) {
                    return Some(candidate);
                }
            }
        }
    }
    let index = format!("{path}/index.js");
    files.exists(&index).then_some(index)
}

pub(crate) fn main_of(package_json: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(package_json).ok()?;
    let main = v.get("main")?.as_str()?.trim();
    (!main.is_empty()).then(|| main.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Map(BTreeMap<&'static str, &'static str>);
    impl Files for Map {
        fn exists(&self, p: &str) -> bool {
            self.0.contains_key(p)
        }
        fn text(&self, p: &str) -> Option<&str> {
            self.0.get(p).copied()
        }
    }

    #[test]
    fn resolves_like_wechat() {
        let files = Map(BTreeMap::from([
            ("utils/util.js", ""),
            ("pages/a/a.js", ""),
            ("pages/a/helper.js", ""),
            ("pages/a/lib/index.js", ""),
            ("miniprogram_npm/dayjs/index.js", ""),
            ("miniprogram_npm/dayjs/locale/zh-cn.js", ""),
            ("miniprogram_npm/@scope/pkg/package.json", r#"{"main": "dist/main"}"#),
            ("miniprogram_npm/@scope/pkg/dist/main.js", ""),
            ("pages/a/miniprogram_npm/local/index.js", ""),
        ]));
        let r = |spec: &str| resolve("pages/a/a.js", spec, &files);
        assert_eq!(r("../../utils/util"), Ok("utils/util.js".into()));
        assert_eq!(r("../../utils/util.js"), Ok("utils/util.js".into()));
        assert_eq!(r("/utils/util"), Ok("utils/util.js".into()));
        assert_eq!(r("./helper"), Ok("pages/a/helper.js".into()));
        assert_eq!(r("./lib"), Ok("pages/a/lib/index.js".into()));
        assert_eq!(r("dayjs"), Ok("miniprogram_npm/dayjs/index.js".into()));
        assert_eq!(r("dayjs/locale/zh-cn"), Ok("miniprogram_npm/dayjs/locale/zh-cn.js".into()));
        assert_eq!(r("@scope/pkg"), Ok("miniprogram_npm/@scope/pkg/dist/main.js".into()));
        assert_eq!(r("local"), Ok("pages/a/miniprogram_npm/local/index.js".into()));
        assert_eq!(r("helper"), Ok("pages/a/helper.js".into()));
        assert_eq!(r("../../../etc/passwd"), Err(Failure::Escapes));
        assert_eq!(r("./nope"), Err(Failure::Missing));
        assert_eq!(r("nope"), Err(Failure::Missing));
        assert_eq!(r(""), Err(Failure::Missing));
    }
}
