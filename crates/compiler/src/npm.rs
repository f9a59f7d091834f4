//! WeChat's "build npm" (构建 npm), done by `openmini build` in memory: the dependencies
//! a mini program declares in `package.json` and installed in `node_modules` join its
//! files as `miniprogram_npm/<name>/…`, where `usingComponents` and `require` find them
//! (components.rs, js/resolve.rs). Nothing is written into the source folder.
//!
//! Which `package.json`s (as WeChat DevTools decides):
//!
//! - by default, every `package.json` of the mini program (outside `miniprogram_npm`)
//!   with a `node_modules` folder beside it; its `miniprogram_npm` goes beside it too;
//! - with project.config.json's `setting.packNpmManually: true`, instead, each
//!   `{packageJsonPath, miniprogramNpmDistDir}` of `setting.packNpmRelationList` (paths
//!   from the project's folder, which they may not leave; the second inside the mini
//!   program).
//!
//! What each dependency (of `dependencies`, not `devDependencies`) contributes:
//!
//! - a mini-program package — its package.json has a `miniprogram` field naming a folder
//!   of the package, or it has a `miniprogram_dist` folder — that folder, whole (less
//!   TypeScript declarations and source maps), and its own `dependencies` in turn;
//! - any other package (plain JavaScript, CommonJS or ES modules): its package.json and
//!   the `.js` files reachable from its `main` (or `index.js`) through literal
//!   `require`/`import`s, and the packages those name, in turn. (WeChat bundles such a
//!   package into one file from its `main`; here its files stay apart, so a deep
//!   `require("pkg/sub")` of a file `main` does not reach is not built, as on WeChat.)
//!
//! Where: a dependency goes to `miniprogram_npm/<name>/` (flat, as WeChat builds it),
//! unless a package needs a different copy of a name than the one there (npm installed it
//! nested), which then goes into that package's own `miniprogram_npm/`; a bare `require`
//! finds the nearest, as node finds the nearest `node_modules`. Packages are found as
//! node finds them, by their real folders (so pnpm's links inside `node_modules` work);
//! a link that leaves `node_modules` is not followed. A `miniprogram_npm/<name>` already
//! in the source (built by the developer) wins over `node_modules`.
//!
//! Files keep the limits of the source's (one file at most `MAX_FILE_BYTES`, the whole
//! build at most `MAX_FILES` files, no links followed, names UTF-8), and the problems of
//! their content are reported where they really are (`node_modules/…`): the build maps
//! the bundle's paths back through the [`Origins`] returned here.

use crate::app::{find, parse_json};
use crate::build::{diag, read_folder, through_link, MAX_FILES, MAX_FILE_BYTES};
use crate::diag::{Diagnostic, Severity, Source, Span};
use crate::wxml::codegen::resolve_any;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

/// Each built file's path in the mini program → where it came from, as diagnostics
/// name it (relative to the mini program's root: `node_modules/@vant/weapp/lib/…`).
pub type Origins = BTreeMap<String, String>;

/// Packages placed per `package.json` at most: a guard against pathological trees.
const MAX_PACKAGES: usize = 5_000;

/// A `package.json` whose dependencies are built.
struct Relation {
    /// Its folder, where `node_modules` is.
    dir: PathBuf,
    /// The folder as diagnostics name it (`""`, `"sub/"`, `"../"`).
    shown: String,
    text: String,
    /// Where `miniprogram_npm/` goes, relative to the mini program's root (`""`, `"sub/"`).
    dist: String,
}

/// A package being built.
struct Pkg {
    /// Its real folder (links resolved), inside the relation's `node_modules`.
    real: PathBuf,
    /// Its folder in the mini program: `miniprogram_npm/dayjs/` (with the trailing `/`).
    dest: String,
    /// Its folder as diagnostics name it: `node_modules/dayjs/`.
    shown: String,
    /// A plain JavaScript package (its modules are read as they are reached), not a
    /// mini-program package (its folder is read whole).
    plain: bool,
}

/// Builds the npm dependencies of the mini program at `root` (in the project folder
/// `project`, whose project.config.json is `config` with its text) into `files`.
pub fn build(project: &Path, root: &Path, config: Option<(&Value, &str)>, files: &mut BTreeMap<String, Vec<u8>>, diags: &mut Vec<Diagnostic>) -> Origins {
    crate::js::on_big_stack(|| {
        let relations = relations(project, root, config, files, diags);
        let mut out = Builder { files, out: BTreeMap::new(), origins: Origins::new(), count: files.len(), diags: Vec::new() };
        for r in &relations {
            out.relation(r);
        }
        let Builder { out: built, origins, diags: mut found, .. } = out;
        diags.append(&mut found);
        for (path, bytes) in built {
            files.entry(path).or_insert(bytes);
        }
        origins
    })
}

/// The path's folders from the project's folder, `..` and `.` resolved; `None` if it
/// leaves the project (or is absolute).
fn normalize(path: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts)
}

/// `path` (folders from the project's) as seen from the mini program's root (`root`,
/// the same), with `/` at the end if it is not empty: `sub/`, `../`.
fn from_root(path: &[String], root: &[String]) -> String {
    let common = path.iter().zip(root).take_while(|(a, b)| a == b).count();
    let mut s = "../".repeat(root.len() - common);
    for p in &path[common..] {
        s.push_str(p);
        s.push('/');
    }
    s
}

/// Whether `path` is a real folder (not a link to one).
fn is_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// The package.jsons to build, with their texts.
fn relations(project: &Path, root: &Path, config: Option<(&Value, &str)>, files: &BTreeMap<String, Vec<u8>>, diags: &mut Vec<Diagnostic>) -> Vec<Relation> {
    let root_rel: Vec<String> = root.strip_prefix(project).ok().and_then(|r| normalize(&r.to_string_lossy())).unwrap_or_default();
    let setting = config.and_then(|(v, _)| v.get("setting"));
    if setting.and_then(|s| s.get("packNpmManually")).and_then(Value::as_bool) == Some(true) {
        let (_, text) = config.unwrap_or((&Value::Null, ""));
        return manual(project, &root_rel, setting.and_then(|s| s.get("packNpmRelationList")), text, diags);
    }
    // By default: every package.json of the mini program with node_modules beside it.
    let mut out = Vec::new();
    for (path, bytes) in files {
        let dist = match path.strip_suffix("package.json") {
            Some(d) if d.is_empty() || d.ends_with('/') => d,
            _ => continue,
        };
        if path.split('/').any(|s| s == "miniprogram_npm") || !is_dir(&root.join(dist).join("node_modules")) {
            continue;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => out.push(Relation { dir: root.join(dist), shown: dist.to_string(), text: text.to_string(), dist: dist.to_string() }),
            Err(e) => diags.push(diag(path, Severity::Error, "bad-package-json", format!("not UTF-8 text (byte {}); its npm dependencies are not built", e.valid_up_to()))),
        }
    }
    out
}

/// `setting.packNpmRelationList` of project.config.json (`text`).
fn manual(project: &Path, root_rel: &[String], list: Option<&Value>, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Relation> {
    let src = Source::new("project.config.json", text);
    let at = |needle: &str| Span::new(find(text, needle), 0);
    let at_key = |key: &str| Span::new(text.find(&format!("\"{key}\"")).unwrap_or(0), 0);
    let Some(list) = list.and_then(Value::as_array) else {
        diags.push(src.diag(Severity::Error, "bad-project-config", at_key("packNpmManually"), "packNpmManually needs packNpmRelationList: [{packageJsonPath, miniprogramNpmDistDir}]"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in list {
        let (Some(pj), Some(dd)) = (item.get("packageJsonPath").and_then(Value::as_str), item.get("miniprogramNpmDistDir").and_then(Value::as_str)) else {
            diags.push(src.diag(Severity::Error, "bad-project-config", at_key("packNpmRelationList"), "each item of packNpmRelationList needs packageJsonPath and miniprogramNpmDistDir (strings)"));
            continue;
        };
        let inside = |p: &str| normalize(p).filter(|parts| !through_link(project, &parts.join("/")));
        let (Some(pj_parts), Some(dd_parts)) = (inside(pj), inside(dd)) else {
            let bad = if inside(pj).is_none() { pj } else { dd };
            diags.push(src.diag(Severity::Error, "path-escapes", at(bad), format!("`{bad}` leaves the project (or goes through a symbolic link)")));
            continue;
        };
        if !dd_parts.starts_with(root_rel) {
            diags.push(src.diag(
                Severity::Warning,
                "npm-dist-outside",
                at(dd),
                format!("`{dd}` is outside the mini program (miniprogramRoot `{}`): the npm packages built there would not be part of it; not built", root_rel.join("/")),
            ));
            continue;
        }
        let dist: String = dd_parts[root_rel.len()..].iter().map(|p| format!("{p}/")).collect();
        let Some((_, folder)) = pj_parts.split_last() else {
            diags.push(src.diag(Severity::Error, "bad-project-config", at(pj), "packageJsonPath must name a package.json"));
            continue;
        };
        let shown = from_root(folder, root_rel);
        let file = project.join(pj_parts.join("/"));
        match read_small(&file) {
            Ok(text) => out.push(Relation { dir: project.join(folder.join("/")), shown, text, dist }),
            Err(why) => diags.push(src.diag(Severity::Error, "bad-package-json", at(pj), format!("`{pj}` {why}"))),
        }
    }
    out
}

/// A small text file (a package.json): a regular file (not a link) of UTF-8, at most
/// `MAX_FILE_BYTES`.
fn read_small(path: &Path) -> Result<String, &'static str> {
    let meta = std::fs::symlink_metadata(path).map_err(|_| "does not exist")?;
    if !meta.is_file() {
        return Err("must be a regular file (links are not followed)");
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err("is larger than the per-file limit");
    }
    String::from_utf8(std::fs::read(path).map_err(|_| "cannot be read")?).map_err(|_| "is not UTF-8")
}

/// Whether `name` is an npm package name (`dayjs`, `@vant/weapp`): nothing that could
/// make a path go elsewhere.
fn valid_name(name: &str) -> bool {
    let seg = |s: &str| !s.is_empty() && !s.starts_with('.') && s.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c));
    name.len() <= 214
        && match name.strip_prefix('@') {
            Some(rest) => rest.split_once('/').is_some_and(|(scope, n)| seg(scope) && seg(n)),
            None => seg(name),
        }
}

/// A bare module path split into the package's name and the path inside it:
/// `@scope/pkg/sub/x` → (`@scope/pkg`, `sub/x`).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let cut = if spec.starts_with('@') { spec.match_indices('/').nth(1).map(|(i, _)| i) } else { spec.find('/') };
    let (name, sub) = match cut {
        Some(i) => (&spec[..i], &spec[i + 1..]),
        None => (spec, ""),
    };
    valid_name(name).then_some((name, sub))
}

struct Builder<'a> {
    /// The source's files (a `miniprogram_npm/<name>` there wins).
    files: &'a BTreeMap<String, Vec<u8>>,
    out: BTreeMap<String, Vec<u8>>,
    origins: Origins,
    /// Files of the build so far, against `MAX_FILES`.
    count: usize,
    diags: Vec<Diagnostic>,
}

/// One relation's packages: where each is, what is placed where.
struct Tree<'r> {
    rel: &'r Relation,
    /// The real `node_modules` folder and the real folder of the package.json.
    modules: PathBuf,
    top: PathBuf,
    pkgs: Vec<Pkg>,
    /// Folder in the mini program (`miniprogram_npm/x/`) → the package placed there.
    placed: BTreeMap<String, usize>,
    /// Plain packages' modules to read: (package, path in the mini program).
    walk: VecDeque<(usize, String)>,
    walked: BTreeSet<String>,
    /// Dependencies of mini-program packages still to place: (package, name). Placed
    /// after the package.json's own, which must take the top level.
    pending: VecDeque<(usize, String)>,
}

impl Builder<'_> {
    fn relation(&mut self, rel: &Relation) {
        let pj = format!("{}package.json", rel.shown);
        let src = Source::new(&pj, &rel.text);
        let v = match parse_json(&src) {
            Ok(v) => v,
            Err(d) => return self.diags.push(d),
        };
        let Some(deps) = v.get("dependencies") else { return };
        let Some(deps) = deps.as_object() else {
            return self.diags.push(src.diag(Severity::Error, "bad-package-json", Span::new(find(&rel.text, "dependencies"), 0), "`dependencies` must be an object of name: version"));
        };
        let nm = rel.dir.join("node_modules");
        let (Ok(modules), Ok(top)) = (nm.canonicalize(), rel.dir.canonicalize()) else {
            if !deps.is_empty() {
                self.diags.push(src.diag(Severity::Warning, "npm-not-installed", Span::new(find(&rel.text, "dependencies"), 0), "no node_modules beside this package.json: run `npm install` here"));
            }
            return;
        };
        if !is_dir(&nm) {
            return self.diags.push(diag(&format!("{}node_modules", rel.shown), Severity::Warning, "symlink", "node_modules is a symbolic link: not followed (it could leave the project)".into()));
        }
        let mut tree = Tree { rel, modules, top, pkgs: Vec::new(), placed: BTreeMap::new(), walk: VecDeque::new(), walked: BTreeSet::new(), pending: VecDeque::new() };
        for name in deps.keys() {
            let at = Span::new(find(&rel.text, name), 0);
            if !valid_name(name) {
                self.diags.push(src.diag(Severity::Error, "bad-package-json", at, format!("`{name}` is not an npm package name")));
                continue;
            }
            if self.place(&mut tree, None, name, "").is_none() && !self.taken(&format!("{}miniprogram_npm/{name}/", rel.dist)) && self.count <= MAX_FILES {
                self.diags.push(src.diag(Severity::Warning, "npm-not-installed", at, format!("`{name}` is not in node_modules: run `npm install`")));
            }
        }
        // The dependencies of those, and the modules of plain packages (with the packages
        // they name), nearest first.
        while self.count <= MAX_FILES {
            if let Some((p, name)) = tree.pending.pop_front() {
                self.place(&mut tree, Some(p), &name, "");
            } else if let Some((p, path)) = tree.walk.pop_front() {
                self.read_module(&mut tree, p, &path);
            } else {
                break;
            }
        }
    }

    /// Whether the source or a package built so far has files in `folder` (`…/`).
    fn taken(&self, folder: &str) -> bool {
        let has = |m: &BTreeMap<String, Vec<u8>>| m.range(folder.to_string()..).next().is_some_and(|(k, _)| k.starts_with(folder));
        has(self.files) || has(&self.out)
    }

    /// Adds a file of package `p` (`rel`: its path in the package), once.
    fn add(&mut self, tree: &Tree, p: usize, rel: &str, bytes: Vec<u8>) {
        let pkg = &tree.pkgs[p];
        let dest = format!("{}{rel}", pkg.dest);
        if let std::collections::btree_map::Entry::Vacant(e) = self.out.entry(dest.clone()) {
            e.insert(bytes);
            self.count += 1;
            self.origins.insert(dest, format!("{}{}{rel}", tree.rel.shown, pkg.shown));
        }
    }

    /// The dependency `name` of package `from` (or of the package.json itself): found as
    /// node finds it, placed (or found placed), and for a plain package its module `sub`
    /// (or its main module) queued. The package's index, unless it is not installed or
    /// the folder it would take is the source's.
    fn place(&mut self, tree: &mut Tree, from: Option<usize>, name: &str, sub: &str) -> Option<usize> {
        let real = self.locate(tree, from, name)?;
        // Where `require(name)` from `from` will look, nearest first: its own
        // miniprogram_npm, then each one above it.
        let base = tree.rel.dist.clone();
        let mut levels = Vec::new();
        if let Some(f) = from {
            let mut level = tree.pkgs[f].dest.clone();
            while level.len() > base.len() {
                levels.push(level.clone());
                // Up one package: `a/miniprogram_npm/b/` → `a/`.
                let trimmed = level.trim_end_matches('/');
                level = match trimmed.rfind("/miniprogram_npm/") {
                    Some(i) if i + 1 >= base.len() => trimmed[..i + 1].to_string(),
                    _ => base.clone(),
                };
            }
        }
        levels.push(base.clone());
        let mut dest = None;
        for level in &levels {
            let at = format!("{level}miniprogram_npm/{name}/");
            if let Some(&p) = tree.placed.get(&at) {
                if tree.pkgs[p].real == real {
                    self.queue_entry(tree, p, sub);
                    return Some(p);
                }
                // Another copy of the name is nearer: this one goes into `from`'s own.
                dest = Some(format!("{}miniprogram_npm/{name}/", levels[0]));
                break;
            }
            if self.taken(&at) {
                // The source's own build of it (or a package's own copy): that is what
                // `require` finds.
                return None;
            }
        }
        let dest = dest.unwrap_or_else(|| format!("{base}miniprogram_npm/{name}/"));
        if tree.placed.contains_key(&dest) || tree.pkgs.len() >= MAX_PACKAGES {
            return None;
        }
        let shown = real.strip_prefix(&tree.top).map(|r| format!("{}/", r.to_string_lossy())).unwrap_or_default();
        let p = tree.pkgs.len();
        tree.pkgs.push(Pkg { real, dest: dest.clone(), shown, plain: false });
        tree.placed.insert(dest, p);
        self.fill(tree, p);
        self.queue_entry(tree, p, sub);
        Some(p)
    }

    /// The real folder of package `name` as node finds it from package `from` (or from
    /// the package.json): in `node_modules` of its folder or any folder above, up to the
    /// package.json's; never outside the relation's `node_modules`.
    fn locate(&mut self, tree: &Tree, from: Option<usize>, name: &str) -> Option<PathBuf> {
        let mut dir = from.map_or_else(|| tree.top.clone(), |f| tree.pkgs[f].real.clone());
        loop {
            if dir.file_name().is_none_or(|n| n != "node_modules") {
                let candidate = dir.join("node_modules").join(name);
                if let Ok(meta) = std::fs::symlink_metadata(&candidate) {
                    let real = candidate.canonicalize().ok().filter(|r| r.starts_with(&tree.modules) && is_dir(r));
                    match real {
                        Some(r) => return Some(r),
                        None if meta.file_type().is_symlink() => {
                            let shown = candidate.strip_prefix(&tree.top).map(|r| r.to_string_lossy().into_owned()).unwrap_or_default();
                            self.diags.push(diag(&format!("{}{shown}", tree.rel.shown), Severity::Warning, "symlink", "this link leaves node_modules: not followed".into()));
                        }
                        None => {}
                    }
                }
            }
            if dir == tree.top || !dir.pop() || !dir.starts_with(&tree.top) {
                return None;
            }
        }
    }

    /// Reads package `p`'s package.json and, for a mini-program package, its folder;
    /// places its dependencies (mini-program packages) or marks it plain.
    fn fill(&mut self, tree: &mut Tree, p: usize) {
        let real = tree.pkgs[p].real.clone();
        let shown = format!("{}{}package.json", tree.rel.shown, tree.pkgs[p].shown);
        let text = match read_small(&real.join("package.json")) {
            Ok(t) => t,
            Err(why) => {
                self.diags.push(diag(&shown, Severity::Error, "bad-package-json", format!("package.json {why}")));
                return;
            }
        };
        let src = Source::new(&shown, &text);
        let v = match parse_json(&src) {
            Ok(v) => v,
            Err(d) => return self.diags.push(d),
        };
        let folder = match v.get("miniprogram") {
            Some(Value::String(f)) => {
                let at = Span::new(find(&text, f), 0);
                match normalize(f) {
                    Some(parts) if !through_link(&real, &parts.join("/")) && is_dir(&real.join(parts.join("/"))) => Some(parts.join("/")),
                    Some(parts) if !through_link(&real, &parts.join("/")) => {
                        self.diags.push(src.diag(Severity::Error, "npm-no-miniprogram-folder", at, format!("`miniprogram`: the package has no folder `{f}`")));
                        return;
                    }
                    _ => {
                        self.diags.push(src.diag(Severity::Error, "path-escapes", at, format!("`miniprogram`: `{f}` leaves the package (or goes through a symbolic link); not built")));
                        return;
                    }
                }
            }
            Some(_) => {
                let at = Span::new(text.find("\"miniprogram\"").unwrap_or(0), 0);
                self.diags.push(src.diag(Severity::Error, "bad-package-json", at, "`miniprogram` must be a folder's path"));
                return;
            }
            None => is_dir(&real.join("miniprogram_dist")).then(|| "miniprogram_dist".to_string()),
        };
        let Some(folder) = folder else {
            // Plain JavaScript: its package.json (for `main`), and the modules reached.
            tree.pkgs[p].plain = true;
            self.add(tree, p, "package.json", text.into_bytes());
            return;
        };
        let base = if folder.is_empty() { String::new() } else { format!("{folder}/") };
        let shown_base = format!("{}{}{base}", tree.rel.shown, tree.pkgs[p].shown);
        // Type declarations and source maps do not run (WeChat's upload leaves them out too).
        let keep = |f: &str| !(f.ends_with(".ts") || f.ends_with(".map"));
        let found = read_folder(&real.join(&folder), &shown_base, &mut self.count, &keep, &mut self.diags);
        for (rel, bytes) in found {
            let dest = format!("{}{rel}", tree.pkgs[p].dest);
            self.origins.insert(dest.clone(), format!("{shown_base}{rel}"));
            self.out.entry(dest).or_insert(bytes);
        }
        // Its own dependencies, placed as the package.json's (after those).
        if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
            tree.pending.extend(deps.keys().filter(|n| valid_name(n)).map(|n| (p, n.clone())));
        }
    }

    /// Queues the module `sub` of plain package `p` (its main module if empty).
    fn queue_entry(&mut self, tree: &mut Tree, p: usize, sub: &str) {
        if !tree.pkgs[p].plain {
            return;
        }
        let dest = tree.pkgs[p].dest.clone();
        let path = if sub.is_empty() { dest.trim_end_matches('/').to_string() } else { format!("{dest}{sub}") };
        self.queue_module(tree, p, &path);
    }

    /// Queues the module at `path` (in the mini program) of package `p`, as the JS
    /// resolver will find it (js/resolve.rs `module_at`), with a package.json it reads.
    fn queue_module(&mut self, tree: &mut Tree, p: usize, path: &str) {
        let Some((module, package_json)) = self.module_at(tree, p, path) else { return };
        if let Some((rel, bytes)) = package_json {
            self.add(tree, p, &rel, bytes);
        }
        if tree.walked.insert(module.clone()) {
            tree.walk.push_back((p, module));
        }
    }

    /// The file of package `p` at `path` (a path in the mini program), if it is a real
    /// file of the package: its path inside the package.
    fn file_of(tree: &Tree, p: usize, path: &str) -> Option<(String, PathBuf)> {
        let pkg = &tree.pkgs[p];
        let rel = path.strip_prefix(&pkg.dest)?;
        let on_disk = pkg.real.join(rel);
        (!rel.is_empty() && !through_link(&pkg.real, rel) && std::fs::symlink_metadata(&on_disk).is_ok_and(|m| m.is_file())).then(|| (rel.to_string(), on_disk))
    }

    /// js/resolve.rs `module_at`, on package `p`'s files on disk.
    #[allow(clippy::type_complexity)]
    fn module_at(&mut self, tree: &Tree, p: usize, path: &str) -> Option<(String, Option<(String, Vec<u8>)>)> {
        let exists = |c: &str| Self::file_of(tree, p, c).is_some();
        if path.ends_with(".js") && exists(path) {
            return Some((path.to_string(), None));
        }
        let js = format!("{path}.js");
        if exists(&js) {
            return Some((js, None));
        }
        let pj = format!("{path}/package.json");
        if let Some((rel, on_disk)) = Self::file_of(tree, p, &pj) {
            if let Ok(text) = read_small(&on_disk) {
                if let Some(m) = crate::js::resolve::main_of(&text).and_then(|main| resolve_any(&pj, &main)) {
                    for candidate in [m.clone(), format!("{m}.js"), format!("{m}/index.js")] {
                        if candidate.ends_with(".js") && exists(&candidate) {
                            return Some((candidate, Some((rel, text.into_bytes()))));
                        }
                    }
                }
            }
        }
        let index = format!("{path}/index.js");
        exists(&index).then_some((index, None))
    }

    /// Reads one module of plain package `p` and follows what it names.
    fn read_module(&mut self, tree: &mut Tree, p: usize, path: &str) {
        let Some((rel, on_disk)) = Self::file_of(tree, p, path) else { return };
        let shown = format!("{}{}{rel}", tree.rel.shown, tree.pkgs[p].shown);
        let bytes = match std::fs::metadata(&on_disk) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                return self.diags.push(diag(&shown, Severity::Error, "file-too-large", format!("{} bytes; at most {MAX_FILE_BYTES} per file", m.len())));
            }
            _ => match std::fs::read(&on_disk) {
                Ok(b) => b,
                Err(e) => return self.diags.push(diag(&shown, Severity::Error, "unreadable", e.to_string())),
            },
        };
        if self.count >= MAX_FILES {
            self.count += 1;
            return self.diags.push(diag(&shown, Severity::Error, "too-many-files", format!("more than {MAX_FILES} files")));
        }
        let specs = std::str::from_utf8(&bytes).map(|t| crate::js::transform::imports(path, t)).unwrap_or_default();
        self.add(tree, p, &rel, bytes);
        for spec in specs {
            if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
                if let Some(target) = resolve_any(path, &spec) {
                    self.queue_module(tree, p, &target);
                }
            } else if let Some((name, sub)) = (!spec.starts_with('/')).then(|| split_spec(&spec)).flatten() {
                self.place(tree, Some(p), name, sub);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert!(valid_name("dayjs") && valid_name("@vant/weapp") && valid_name("lodash.get"));
        for bad in ["", "..", ".hidden", "@scope", "@/x", "a/b", "@a/b/c", "a\\b", "@../x"] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert_eq!(split_spec("@vant/weapp/lib/button"), Some(("@vant/weapp", "lib/button")));
        assert_eq!(split_spec("dayjs"), Some(("dayjs", "")));
        assert_eq!(split_spec("dayjs/locale/zh-cn"), Some(("dayjs", "locale/zh-cn")));
        assert_eq!(split_spec("../x"), None);
        assert_eq!(normalize("./a/../b/"), Some(vec!["b".to_string()]));
        assert_eq!(normalize("../x"), None);
        assert_eq!(normalize("/etc"), None);
        let root = ["miniprogram".to_string()];
        assert_eq!(from_root(&[], &root), "../");
        assert_eq!(from_root(&["miniprogram".into(), "sub".into()], &root), "sub/");
    }
}
