//! `openmini build`: a mini-program folder in, a bundle out (docs/bundle.md). Reads
//! `project.config.json` (`miniprogramRoot`) when present, checks `app.json`, and per
//! package (the main one and each subpackage) writes the render code of its WXML
//! (`view.js`), its JavaScript modules (`logic.js`), its stylesheets and other files, with a
//! `manifest.json` of every file's hash and size. Every problem is a diagnostic with
//! `file:line:col`; the build goes on after errors and reports them all.
//!
//! WXSS compiles through `wxss.rs` into `css/<path>.css`, one file per stylesheet.
//! `usingComponents` is resolved (components.rs) into the manifest. JavaScript goes
//! through js/: ES modules to CommonJS, `require`s resolved, lowered to ES5 when
//! project.config.json's `setting.es6` (or `setting.enhance`) asks for it. Before any of
//! that, the npm dependencies of the mini program's package.json are built from
//! node_modules into its files as `miniprogram_npm/…` (npm.rs, WeChat's "build npm").

use crate::app::{self, App};
use crate::diag::{Diagnostic, Severity, Source};
use crate::js::{self, JsOptions};
use crate::wxml::codegen;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Limits of the input: a package this large is refused before anything is read twice.
pub const MAX_FILE_BYTES: u64 = 16 << 20;
pub const MAX_FILES: usize = 50_000;

#[derive(Debug, Clone)]
pub struct Options {
    /// Warn above this size of the main package (the store enforces it).
    pub max_main_bytes: u64,
    /// Warn above this size of the whole app.
    pub max_total_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_main_bytes: 2 << 20, max_total_bytes: 20 << 20 }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageManifest {
    pub root: String,
    pub name: Option<String>,
    pub pages: Vec<String>,
    pub independent: bool,
    pub files: Vec<FileEntry>,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub format: u32,
    pub generator: String,
    pub packages: Vec<PackageManifest>,
    pub size: u64,
    pub app: serde_json::Value,
    /// What each page and component uses (`usingComponents`, resolved).
    pub components: crate::components::ComponentMap,
    /// Each page's own JSON (window settings such as `navigationBarTitleText`,
    /// `enablePullDownRefresh`), without `usingComponents` (resolved above).
    pub pages: BTreeMap<String, serde_json::Value>,
}

/// A build: the files to write (bundle path → bytes), the manifest, the problems.
#[derive(Debug)]
pub struct Bundle {
    pub files: BTreeMap<String, Vec<u8>>,
    pub manifest: Option<Manifest>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Bundle {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }
}

pub(crate) fn diag(file: &str, severity: Severity, code: &'static str, message: String) -> Diagnostic {
    Diagnostic { severity, code, message, file: file.to_string(), line: 1, col: 1, excerpt: String::new(), excerpt_col: 1 }
}

/// Every regular file under `root` (paths with `/`), without following links: a link
/// could reach outside the package. Dot-folders and `node_modules` are skipped.
pub fn read_tree(root: &Path, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Vec<u8>> {
    read_folder(root, "", &mut 0, &|_| true, diags)
}

/// [`read_tree`] of any folder: diagnostics name files `shown` + their path below `root`
/// (npm.rs reads packages in `node_modules` with it); `count` is the number of files read
/// so far, against [`MAX_FILES`] for the whole build; only files for which `keep(path)`
/// holds are read.
pub(crate) fn read_folder(root: &Path, shown: &str, count: &mut usize, keep: &dyn Fn(&str) -> bool, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    let total = count;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            let rel = dir.strip_prefix(root).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
            let name = if rel.is_empty() && shown.is_empty() { dir.display().to_string() } else { format!("{shown}{rel}") };
            diags.push(diag(&name, Severity::Error, "unreadable", "cannot read this folder".into()));
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let Ok(rel) = path.strip_prefix(root) else { continue };
            let parts = || rel.components().filter_map(|c| if let Component::Normal(s) = c { Some(s) } else { None });
            let rel_s = parts().map(|s| s.to_string_lossy()).collect::<Vec<_>>().join("/");
            let shown_s = format!("{shown}{rel_s}");
            if !e.file_name().to_string_lossy().starts_with('.') && parts().any(|s| s.to_str().is_none()) {
                // Not skipped quietly: a folder's files would lose its name and take others' paths.
                diags.push(diag(&shown_s, Severity::Error, "bad-file-name", "file and folder names must be UTF-8; this one is left out".into()));
                continue;
            }
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.file_type().is_symlink() {
                diags.push(diag(&shown_s, Severity::Warning, "symlink", "symbolic links are not followed (they could leave the package)".into()));
                continue;
            }
            if meta.is_dir() {
                if !(name.starts_with('.') || name == "node_modules") {
                    stack.push(path);
                }
                continue;
            }
            if !meta.is_file() || name.starts_with('.') {
                continue;
            }
            if rel_s.is_empty() || !keep(&rel_s) {
                continue;
            }
            if meta.len() > MAX_FILE_BYTES {
                diags.push(diag(&shown_s, Severity::Error, "file-too-large", format!("{} bytes; at most {MAX_FILE_BYTES} per file", meta.len())));
                continue;
            }
            *total += 1;
            if *total > MAX_FILES {
                diags.push(diag(&shown_s, Severity::Error, "too-many-files", format!("more than {MAX_FILES} files")));
                return files;
            }
            match std::fs::read(&path) {
                Ok(bytes) => {
                    files.insert(rel_s, bytes);
                }
                Err(err) => diags.push(diag(&shown_s, Severity::Error, "unreadable", err.to_string())),
            }
        }
    }
    files
}

/// `project.config.json`, if it is a regular file (not a link, which could name
/// `/dev/zero`) of at most [`MAX_FILE_BYTES`] of UTF-8.
fn read_config(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let problem = if !meta.is_file() {
        "must be a regular file (links are not followed)"
    } else if meta.len() > MAX_FILE_BYTES {
        "is larger than the per-file limit"
    } else {
        match std::fs::read(path).map(String::from_utf8) {
            Ok(Ok(text)) => return Some(text),
            Ok(Err(_)) => "is not UTF-8",
            Err(_) => "cannot be read",
        }
    };
    diags.push(diag("project.config.json", Severity::Error, "bad-project-config", format!("project.config.json {problem}")));
    None
}

/// Whether a folder on the way from `dir` to `dir/rel` is a symbolic link (which
/// could lead out of the project).
pub(crate) fn through_link(dir: &Path, rel: &str) -> bool {
    let mut at = dir.to_path_buf();
    Path::new(rel).components().any(|c| {
        at.push(c);
        std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
    })
}

/// Where the mini program is (`miniprogramRoot` of `project.config.json`, if any), and
/// how its JavaScript is compiled (`setting.es6`, WeChat's "ES6 to ES5", or
/// `setting.enhance`, its "enhanced compile", which implies it); and project.config.json
/// itself, with its text (npm.rs reads its `setting.packNpmManually`).
fn program_root(dir: &Path, diags: &mut Vec<Diagnostic>) -> (std::path::PathBuf, JsOptions, Option<(serde_json::Value, String)>) {
    let cfg = dir.join("project.config.json");
    let Some(text) = read_config(&cfg, diags) else { return (dir.to_path_buf(), JsOptions::default(), None) };
    let src = Source::new("project.config.json", &text);
    match app::parse_json(&src) {
        Ok(v) => {
            let setting = |k: &str| v.get("setting").and_then(|s| s.get(k)).and_then(|b| b.as_bool()).unwrap_or(false);
            let js = JsOptions { lower: setting("es6") || setting("enhance") };
            let root = match v.get("miniprogramRoot").and_then(|r| r.as_str()).filter(|r| !r.is_empty()) {
                Some(r) if Path::new(r).components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) && !through_link(dir, r) => dir.join(r),
                Some(r) => {
                    diags.push(diag("project.config.json", Severity::Error, "path-escapes", format!("miniprogramRoot `{r}` leaves the project")));
                    dir.to_path_buf()
                }
                None => dir.to_path_buf(),
            };
            (root, js, Some((v, text.clone())))
        }
        Err(d) => {
            diags.push(d);
            (dir.to_path_buf(), JsOptions::default(), None)
        }
    }
}

fn entry(path: String, bytes: &[u8]) -> FileEntry {
    FileEntry { path, sha256: hex::encode(Sha256::digest(bytes)), size: bytes.len() as u64 }
}

/// Builds the mini program in `dir`.
pub fn build(dir: &Path, opts: &Options) -> Bundle {
    build_with_progress(dir, opts, &mut |_, _| {})
}

/// [`build`], telling `progress(files done, files in all)` as packages complete (for a
/// progress bar on large apps).
pub fn build_with_progress(dir: &Path, opts: &Options, progress: &mut dyn FnMut(usize, usize)) -> Bundle {
    let mut diags = Vec::new();
    let (root, js_options, project) = program_root(dir, &mut diags);
    let mut files = read_tree(&root, &mut diags);
    // WeChat's "build npm": the dependencies in node_modules join the files as
    // miniprogram_npm/…, in memory (npm.rs); their problems are named by where they are.
    let origins = crate::npm::build(dir, &root, project.as_ref().map(|(v, t)| (v, t.as_str())), &mut files, &mut diags);
    let files = files;
    let text = |p: &str| files.get(p).and_then(|b| std::str::from_utf8(b).ok());
    let Some(app_text) = text("app.json") else {
        diags.push(diag("app.json", Severity::Error, "no-app-json", "a mini program needs app.json (UTF-8) at its root".into()));
        return Bundle { files: BTreeMap::new(), manifest: None, diagnostics: diags };
    };
    let app_src = Source::new("app.json", app_text);
    let has_page = |p: &str| files.contains_key(&format!("{p}.wxml"));
    let Some(App { packages, config }) = app::check(&app_src, &has_page, &mut diags) else {
        return Bundle { files: BTreeMap::new(), manifest: None, diagnostics: diags };
    };
    app::check_files(&app_src, &config, &|p: &str| files.contains_key(p), &mut diags);
    // The components every page reaches, resolved (also which stylesheets are components').
    let all_pages: Vec<String> = packages.iter().flat_map(|p| p.pages.iter().cloned()).collect();
    let json_of = |p: &str| text(p).map(str::to_string);
    let exists = |p: &str| files.contains_key(p);
    let components = crate::components::resolve_all(&all_pages, &config, &json_of, &exists, &mut diags);
    // The app's stylesheets, for `@import` across folders.
    let styles: BTreeMap<String, String> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".wxss"))
        .filter_map(|(p, b)| std::str::from_utf8(b).ok().map(|t| (p.clone(), t.to_string())))
        .collect();
    // Every source file belongs to the subpackage whose root holds it, or to the main package.
    let find_package = |p: &str| packages.iter().skip(1).position(|pk| p.strip_prefix(pk.root.as_str()).is_some_and(|r| r.starts_with('/'))).map_or(0, |i| i + 1);
    // Looked up once per file: the loops below ask for every file in every package.
    let package_index: std::collections::HashMap<&str, usize> = files.keys().map(|p| (p.as_str(), find_package(p))).collect();
    let package_of = |p: &str| package_index.get(p).copied().unwrap_or_else(|| find_package(p));
    // Every package's `logic.js` at once: requires are checked across packages, and
    // files compile in parallel.
    let js_packages: Vec<js::Package> = packages.iter().map(|p| js::Package { root: &p.root, independent: p.independent }).collect();
    let mut logic = js::logic(&files, &js_packages, &package_of, js_options, &mut diags);
    let mut out = BTreeMap::new();
    let mut manifests = Vec::new();
    let mut done = 0;
    for (i, pkg) in packages.iter().enumerate() {
        let dir_of = |name: &str| if pkg.root.is_empty() { format!("main/{name}") } else { format!("sub/{}/{name}", pkg.root) };
        let mut wxml = BTreeMap::new();
        let mut entries = Vec::new();
        let mut wxss = Vec::new();
        for (path, bytes) in files.iter().filter(|(p, _)| package_of(p) == i || (i > 0 && package_of(p) == 0 && (p.ends_with(".wxml") || p.ends_with(".wxs")))) {
            let own = package_of(path) == i;
            if path.ends_with(".wxml") || path.ends_with(".wxs") {
                match std::str::from_utf8(bytes) {
                    Ok(t) => {
                        wxml.insert(path.clone(), t.to_string());
                    }
                    Err(e) if own => diags.push(diag(path, Severity::Error, "not-utf8", format!("not UTF-8 text (byte {})", e.valid_up_to()))),
                    Err(_) => {}
                }
            } else if !own {
                continue;
            } else if path.ends_with(".js") {
                // In `logic` already.
            } else if (path.ends_with(".wxss") || path.ends_with(".json")) && std::str::from_utf8(bytes).is_err() {
                // Text the compiler reads (stylesheets, the JSON of pages and components).
                let at = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
                diags.push(diag(path, Severity::Error, "not-utf8", format!("not UTF-8 text (byte {at})")));
            } else if path.ends_with(".wxss") {
                wxss.push(path.clone());
            } else {
                let name = dir_of(&format!("files/{path}"));
                entries.push(entry(name.clone(), bytes));
                out.insert(name, bytes.clone());
            }
        }
        // Each stylesheet compiled on its own (a page's, a component's, the app's);
        // `@import` may reach any WXSS of the app.
        for path in &wxss {
            let stem = path.trim_end_matches(".wxss");
            let json = format!("{stem}.json");
            let is_component = || {
                components.components.contains_key(stem)
                    || text(&json).and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()).is_some_and(|v| v["component"] == true)
            };
            let scope = if path == "app.wxss" {
                crate::wxss::Scope::App
            } else if !all_pages.iter().any(|p| p == stem) && is_component() {
                crate::wxss::Scope::Component { prefix: crate::wxss::prefix_of(stem) }
            } else {
                crate::wxss::Scope::Page
            };
            let (css, mut d) = crate::wxss::compile(&styles, path, &scope);
            diags.append(&mut d);
            let name = dir_of(&format!("css/{}.css", path.trim_end_matches(".wxss")));
            entries.push(entry(name.clone(), css.as_bytes()));
            out.insert(name, css.into_bytes());
        }
        let (view, mut d) = codegen::compile(&wxml);
        // Problems of the main package's files are reported once, by the main package.
        d.retain(|x| package_of(&x.file) == i);
        diags.append(&mut d);
        // Loaded with importScripts by the container (which has no eval): it registers itself.
        let view = format!("__wxView({},{view});\n", serde_json::to_string(&pkg.root).unwrap_or_default());
        for (name, body) in [("view.js", view.into_bytes()), ("logic.js", std::mem::take(&mut logic[i]).into_bytes())] {
            let name = dir_of(name);
            entries.push(entry(name.clone(), &body));
            out.insert(name, body);
        }
        done += files.keys().filter(|p| package_of(p) == i).count();
        progress(done, files.len());
        let size = entries.iter().map(|e| e.size).sum();
        manifests.push(PackageManifest { root: pkg.root.clone(), name: pkg.name.clone(), pages: pkg.pages.clone(), independent: pkg.independent, files: entries, size });
    }
    let total: u64 = manifests.iter().map(|m| m.size).sum();
    if manifests[0].size > opts.max_main_bytes {
        diags.push(diag("app.json", Severity::Warning, "main-package-size", format!("the main package is {} bytes, more than {}", manifests[0].size, opts.max_main_bytes)));
    }
    if total > opts.max_total_bytes {
        diags.push(diag("app.json", Severity::Warning, "app-size", format!("the app is {total} bytes, more than {}", opts.max_total_bytes)));
    }
    // A page's JSON was checked by the component resolver; here it is only carried over.
    let pages = all_pages
        .iter()
        .map(|p| {
            let mut v = text(&format!("{p}.json")).and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok()).filter(|v| v.is_object()).unwrap_or_else(|| serde_json::json!({}));
            if let Some(o) = v.as_object_mut() {
                o.remove("usingComponents");
            }
            (p.clone(), v)
        })
        .collect();
    let manifest = Manifest { format: 1, generator: format!("openmini-compiler {}", env!("CARGO_PKG_VERSION")), packages: manifests, size: total, app: config, components, pages };
    if let Ok(m) = serde_json::to_vec_pretty(&manifest) {
        out.insert("manifest.json".into(), m);
    }
    // Problems in the npm packages built from node_modules, where they really are.
    for d in &mut diags {
        if let Some(origin) = origins.get(&d.file) {
            d.file = origin.clone();
        }
    }
    Bundle { files: out, manifest: Some(manifest), diagnostics: diags }
}

/// Writes the bundle under `out` (created; files of an earlier build are replaced).
pub fn write(bundle: &Bundle, out: &Path) -> std::io::Result<()> {
    for (path, bytes) in &bundle.files {
        let target = out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, bytes)?;
    }
    Ok(())
}
