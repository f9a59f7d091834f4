//! The JavaScript of a mini program: every `.js` file becomes a module of its package's
//! `logic.js` (docs/bundle.md), as
//!
//! ```js
//! define("pages/a/a.js", {"../../utils/util": "utils/util.js"}, function (require, module, exports) {…});
//! ```
//!
//! with its static requires resolved at compile time (resolve.rs), so the container's
//! `require` is a lookup in that table. Files go through swc (transform.rs): syntax
//! errors are diagnostics, ES module syntax always becomes CommonJS (it cannot stand in a
//! function), and with `setting.es6` or `setting.enhance` in project.config.json newer
//! syntax is lowered to ES5. swc's helpers become modules defined once per package
//! (helpers.rs). WXS is checked against its ES5 subset here too (wxs.rs), with the same
//! parser.
//!
//! Packages follow WeChat's rules: a subpackage may require the main package's modules
//! (the container loads the main package first); an independent subpackage only its own;
//! the main package none of a subpackage's.

mod depth;
mod helpers;
pub mod resolve;
pub mod transform;
pub mod wxs;

use crate::diag::{Diagnostic, Severity, Source, Span};
use resolve::{Failure, Files};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use transform::Compiled;

/// How JavaScript is compiled, from project.config.json.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsOptions {
    /// Newer syntax lowered to ES5 (`setting.es6`, or `setting.enhance`).
    pub lower: bool,
}

/// A package as the JavaScript stage sees it (index 0 is the main package).
#[derive(Debug, Clone, Copy)]
pub struct Package<'a> {
    pub root: &'a str,
    pub independent: bool,
}

/// The stack of the threads that run swc: its parser, passes and printer recurse once
/// per level of nesting, up to depth.rs's limit. Only what is touched is committed.
const STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a thread with [`STACK_BYTES`] of stack (on this one if none can be made).
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(f));
    // Takes `f` out (releasing the lock) and runs it; `None` once it has been taken.
    let run = || slot.lock().ok().and_then(|mut f| f.take()).map(|f| f());
    let ran = std::thread::scope(|s| std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(s, run).ok().map(|h| h.join()));
    match ran {
        Some(Ok(Some(v))) => v,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        // The thread could not start: `f` is still in its slot.
        _ => run().unwrap_or_else(|| unreachable!("`f` runs once, here or on the thread")),
    }
}

impl Files for BTreeMap<String, Vec<u8>> {
    fn exists(&self, path: &str) -> bool {
        self.contains_key(path)
    }
    fn text(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// What compiling one file gave: the module (unless it failed) and its problems.
type Outcome = (Option<Compiled>, Vec<Diagnostic>);

/// Compiles every file (path, text) on all cores; a file on which swc panics is an error,
/// not a crash of the build.
fn compile_all(items: &[(&str, &str)], lower: bool) -> Vec<Outcome> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let one = |(path, text): (&str, &str)| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| transform::compile(path, text, lower)))
            .unwrap_or_else(|panic| (None, vec![internal_error(path, text, &panic)]))
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(items.len());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(&item) = items.get(i) else { break };
            done.push((i, one(item)));
        }
        done
    };
    let mut results: Vec<(usize, Outcome)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers).filter_map(|_| std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(s, work).ok()).collect();
        let mut all: Vec<_> = handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect();
        // No thread could start (or one died): what is left runs here.
        all.extend(work());
        all
    });
    // In the order of `items`, whatever happened to the threads.
    let mut slots: Vec<Option<Outcome>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in results.drain(..) {
        slots[i] = Some(r);
    }
    slots.into_iter().zip(items).map(|(r, &(path, text))| r.unwrap_or_else(|| (None, vec![internal_error(path, text, &"no result")]))).collect()
}

/// A panic of swc on one file, as that file's error.
pub(crate) fn internal_error(path: &str, text: &str, panic: &dyn std::any::Any) -> Diagnostic {
    let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
    Source::new(path, text).diag(Severity::Error, "js-internal", Span::default(), format!("the JavaScript compiler failed on this file ({why}); please report it"))
}

/// The `logic.js` of every package (in the order of `packages`), from the app's files.
/// `package_of` tells which package holds a path.
pub fn logic(files: &BTreeMap<String, Vec<u8>>, packages: &[Package], package_of: &dyn Fn(&str) -> usize, opts: JsOptions, diags: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut sources: Vec<(&str, &str)> = Vec::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".js")) {
        match std::str::from_utf8(bytes) {
            Ok(t) => sources.push((path, t)),
            Err(e) => diags.push(Source::new(path, "").diag(Severity::Error, "not-utf8", Span::default(), format!("not UTF-8 text (byte {})", e.valid_up_to()))),
        }
    }
    let compiled = compile_all(&sources, opts.lower);
    let mut found = Vec::new();
    let mut modules: Vec<Vec<String>> = vec![Vec::new(); packages.len()];
    let mut helpers: Vec<BTreeSet<String>> = vec![BTreeSet::new(); packages.len()];
    for ((path, text), (module, mut d)) in sources.iter().zip(compiled) {
        found.append(&mut d);
        let Some(module) = module else { continue };
        let pkg = package_of(path);
        let src = Source::new(path, text);
        let table = link(&src, &module, packages, pkg, package_of, files, &mut helpers[pkg], &mut found);
        let mut def = String::with_capacity(module.code.len() + 128);
        let _ = write!(def, "define({}, {}, function (require, module, exports) {{\n{}\n}});\n", json(path), serde_json::to_string(&table).unwrap_or_default(), module.code);
        modules[pkg].push(def);
    }
    found.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    diags.append(&mut found);
    // Helpers once per package: a subpackage uses the main package's, unless independent.
    let main_helpers = helpers[0].clone();
    (0..packages.len())
        .map(|i| {
            let mut out = String::from("/* openmini bundle: logic */\n");
            for spec in &helpers[i] {
                if i > 0 && !packages[i].independent && main_helpers.contains(spec) {
                    continue;
                }
                if let Some(body) = helpers::module_body(spec) {
                    let _ = write!(out, "define({}, {{}}, function (require, module, exports) {{\n{body}}});\n", json(spec));
                }
            }
            for m in &modules[i] {
                out.push_str(m);
            }
            out
        })
        .collect()
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Resolves the requires of one module (in package `pkg`) into its table, reporting what
/// cannot be resolved or may not be required from here; notes the helpers it needs.
#[allow(clippy::too_many_arguments)]
fn link(
    src: &Source,
    module: &Compiled,
    packages: &[Package],
    pkg: usize,
    package_of: &dyn Fn(&str) -> usize,
    files: &BTreeMap<String, Vec<u8>>,
    helpers_used: &mut BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut table = BTreeMap::new();
    for r in &module.requires {
        if table.contains_key(&r.spec) && r.at.is_none() {
            continue;
        }
        let at = Span::new(r.at.unwrap_or(0), r.at.unwrap_or(0) + 1);
        let target = match resolve::resolve(src.name, &r.spec, files) {
            Ok(t) => t,
            // swc's helpers, unless the app brings its own copy.
            Err(_) if helpers::is_helper(&r.spec) => {
                helpers_used.insert(r.spec.clone());
                table.insert(r.spec.clone(), r.spec.clone());
                continue;
            }
            Err(Failure::Escapes) => {
                diags.push(src.diag(Severity::Error, "path-escapes", at, format!("`{}` leaves the mini program", r.spec)));
                continue;
            }
            Err(Failure::Missing) => {
                // Code may guard a require at run time: a warning, and the runtime throws.
                diags.push(src.diag(Severity::Warning, "missing-module", at, format!("no module `{}` (looked for .js files, folders' index.js and miniprogram_npm)", r.spec)));
                continue;
            }
        };
        let there = package_of(&target);
        let allowed = there == pkg || (there == 0 && !packages[pkg].independent);
        if !allowed {
            let (code, why) = if packages[pkg].independent {
                ("independent-require", format!("`{}` is {target}, outside this independent subpackage ({}/), which runs without the rest of the app", r.spec, packages[pkg].root))
            } else if pkg == 0 {
                ("cross-package-require", format!("`{}` is {target}, in subpackage {}/: the main package cannot require a subpackage's modules", r.spec, packages[there].root))
            } else {
                ("cross-package-require", format!("`{}` is {target}, in another subpackage ({}/): only the main package's modules and this subpackage's can be required", r.spec, packages[there].root))
            };
            diags.push(src.diag(Severity::Error, code, at, why));
            continue;
        }
        table.insert(r.spec.clone(), target);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
        files.iter().map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())).collect()
    }

    #[test]
    fn packages_require_what_they_may() {
        let files = app(&[
            ("app.js", "require('./sub/x')"),
            ("utils/u.js", "module.exports = 1"),
            ("sub/x.js", "var u = require('../utils/u'); require('../other/y')"),
            ("other/y.js", ""),
            ("ind/z.js", "import u from '../utils/u'; require('./missing'); export default u"),
        ]);
        let packages = [Package { root: "", independent: false }, Package { root: "sub", independent: false }, Package { root: "other", independent: false }, Package { root: "ind", independent: true }];
        let package_of = |p: &str| packages.iter().skip(1).position(|k| p.starts_with(&format!("{}/", k.root))).map_or(0, |i| i + 1);
        let mut diags = Vec::new();
        let logic = logic(&files, &packages, &package_of, JsOptions::default(), &mut diags);
        let found: Vec<_> = diags.iter().map(|d| (d.file.as_str(), d.code, d.line, d.col)).collect();
        assert_eq!(
            found,
            vec![
                ("app.js", "cross-package-require", 1, 9),
                ("ind/z.js", "independent-require", 1, 15),
                ("ind/z.js", "missing-module", 1, 37),
                ("sub/x.js", "cross-package-require", 1, 40),
            ]
        );
        assert!(logic[1].contains("define(\"sub/x.js\", {\"../utils/u\":\"utils/u.js\"}, function (require, module, exports) {\nvar u = require('../utils/u'); require('../other/y')\n});"), "{}", logic[1]);
        // The independent subpackage defines the interop helper itself; the others need none.
        assert!(logic[3].contains("define(\"@swc/helpers/_/_interop_require_default\""), "{}", logic[3]);
        assert!(!logic[0].contains("@swc/helpers"));
    }
}

#[cfg(test)]
mod deep {
    use super::*;

    /// Nesting just under depth.rs's limit compiles (lowered: the most passes) on the
    /// workers' stack; just over it is an error, not a crash.
    #[test]
    fn nesting_up_to_the_limit_compiles_and_beyond_is_refused() {
        let n = 1_900;
        let cases = [
            format!("var x = {}1{};", "(".repeat(n), ")".repeat(n)),
            format!("var x = {}1{};", "[".repeat(n), "]".repeat(n)),
            format!("var x = {}a;", "a + ".repeat(n)),
            format!("var x = {}a;", "!".repeat(n)),
            format!("var x = {}a;", "- ".repeat(n)),
            format!("var x = {}1;", "a = ".repeat(n)),
            format!("var x = {}1;", "a ? b : ".repeat(n / 2)),
            format!("var x = a{};", ".b()".repeat(n / 2)),
            format!("if (a) {{}}{} {{}}", " else if (a) {}".repeat(n)),
            format!("var f = {}1;", "() => ".repeat(n / 2)),
            format!("var x = `{}1{}`;", "${`".repeat(n / 2), "`}".repeat(n / 2)),
        ];
        let items: Vec<(&str, &str)> = cases.iter().map(|c| ("deep.js", c.as_str())).collect();
        for lower in [false, true] {
            for (i, (c, d)) in compile_all(&items, lower).into_iter().enumerate() {
                assert!(c.is_some() && d.is_empty(), "case {i} (lower: {lower}): {:?}", d.first());
            }
        }
        let too_deep = format!("var x = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
        let (c, d) = transform::compile("deep.js", &too_deep, false);
        assert!(c.is_none());
        assert_eq!((d[0].code, d[0].line), ("too-deep", 1));
    }
}
