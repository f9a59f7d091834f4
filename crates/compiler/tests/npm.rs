//! WeChat's "build npm" in `openmini build` (src/npm.rs): a package.json and a small
//! node_modules written here — a mini-program package, plain CommonJS and ES-module
//! packages, a nested copy of a dependency, a developer's own miniprogram_npm — and the
//! real @vant/weapp (tests/libs, installed at test time); the limits and refusals.

use openmini_compiler::build::{build, Options};
use openmini_compiler::diag::Severity;
use std::path::{Path, PathBuf};

fn app(files: &[(&str, &str)]) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("openmini_npm_{}_{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Every file under `dir` (relative paths), to check the source is left as it was.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

fn logic_of(b: &openmini_compiler::build::Bundle) -> String {
    String::from_utf8(b.files["main/logic.js"].clone()).unwrap()
}

/// Runs `logic.js` in Node with a `define`/`require` that looks only in each module's
/// table, requires `entry` and prints `JSON.stringify` of what it exports.
fn run(logic: &str, entry: &str) -> String {
    let dir = std::env::temp_dir().join(format!("openmini_npm_run_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let file = dir.join(format!("logic{}.js", N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    std::fs::write(&file, logic).unwrap();
    let script = format!(
        "const defs={{}},cache={{}};global.define=(id,t,f)=>{{defs[id]={{t,f}};}};\
         function load(id){{if(cache[id])return cache[id].exports;const d=defs[id];if(!d)throw new Error('no module '+id);const m={{exports:{{}}}};cache[id]=m;\
         d.f.call(m.exports,(s)=>{{if(!(s in d.t))throw new Error(id+': '+s+' not in its table');return load(d.t[s]);}},m,m.exports);return m.exports;}}\
         global.Page=()=>{{}};global.Component=()=>{{}};global.App=()=>{{}};\
         require({:?});console.log(JSON.stringify(load({entry:?})));",
        file
    );
    let out = std::process::Command::new("node").arg("-e").arg(script).output().expect("node is needed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

const PAGE_JSON: &str = r#"{"usingComponents": {"lib-button": "comp-lib/button/index"}}"#;

fn fake_project() -> PathBuf {
    app(&[
        (
            "package.json",
            r#"{
  "name": "my-app",
  "dependencies": {
    "comp-lib": "^1.0.0",
    "plain": "^1.0.0",
    "esm-lib": "^1.0.0",
    "deep": "^1.0.0",
    "mine": "^1.0.0"
  },
  "devDependencies": {"dev-only": "^1.0.0"}
}"#,
        ),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.wxml", "<lib-button>go</lib-button>"),
        ("pages/index/index.json", PAGE_JSON),
        (
            "pages/index/index.js",
            "const plain = require('plain');\nimport esm, { more } from 'esm-lib';\nconst deep = require('deep');\nconst mine = require('mine');\nconst util = require('comp-lib/util');\nmodule.exports = { plain, esm: esm(), more, deep, mine, util };\n",
        ),
        // The developer's own build of `mine` wins over node_modules.
        ("miniprogram_npm/mine/index.js", "module.exports = 'built by hand';"),
        ("node_modules/mine/package.json", r#"{"name": "mine"}"#),
        ("node_modules/mine/index.js", "module.exports = 'from node_modules';"),
        // A mini-program package: its `miniprogram` folder, less type declarations; it
        // depends on `helper`.
        ("node_modules/comp-lib/package.json", r#"{"name": "comp-lib", "miniprogram": "dist", "dependencies": {"helper": "1"}}"#),
        ("node_modules/comp-lib/src/button/index.ts", "export {}"),
        ("node_modules/comp-lib/dist/button/index.wxml", "<view class=\"btn\"><slot/></view>"),
        ("node_modules/comp-lib/dist/button/index.json", r#"{"component": true}"#),
        ("node_modules/comp-lib/dist/button/index.wxss", ".btn { color: red; }"),
        ("node_modules/comp-lib/dist/button/index.js", "Component({})"),
        ("node_modules/comp-lib/dist/button/index.d.ts", "export {};"),
        ("node_modules/comp-lib/dist/util.js", "module.exports = require('helper').name + '!';"),
        // Plain CommonJS with `main` in a folder; `unused.js` is reached by nothing (and
        // does not even parse), so it is not built.
        ("node_modules/helper/package.json", r#"{"name": "helper", "main": "lib/main"}"#),
        ("node_modules/helper/lib/main.js", "exports.name = require('./name');"),
        ("node_modules/helper/lib/name.js", "module.exports = 'helper';"),
        ("node_modules/plain/package.json", r#"{"name": "plain", "main": "src/index.js", "dependencies": {"deep": "^2.0.0"}}"#),
        ("node_modules/plain/src/index.js", "var a = require('./a');\nmodule.exports = { a: a, deep: require('deep') };\n"),
        ("node_modules/plain/src/a.js", "module.exports = 'a';"),
        ("node_modules/plain/src/unused.js", "this is not JavaScript ("),
        // npm installed plain's deep@2 inside plain; the app's deep@1 at the top.
        ("node_modules/plain/node_modules/deep/package.json", r#"{"name": "deep", "version": "2.0.0"}"#),
        ("node_modules/plain/node_modules/deep/index.js", "module.exports = 2;"),
        ("node_modules/deep/package.json", r#"{"name": "deep", "version": "1.0.0"}"#),
        ("node_modules/deep/index.js", "module.exports = 1;"),
        // ES modules, no `main`: index.js.
        ("node_modules/esm-lib/package.json", r#"{"name": "esm-lib", "type": "module"}"#),
        ("node_modules/esm-lib/index.js", "export default function () { return 'esm'; }\nexport * from './more.js';\n"),
        ("node_modules/esm-lib/more.js", "export const more = 'more';\n"),
        ("node_modules/dev-only/package.json", r#"{"name": "dev-only"}"#),
        ("node_modules/dev-only/index.js", "module.exports = 'dev';"),
    ])
}

#[test]
fn dependencies_become_miniprogram_npm_in_the_build_only() {
    let dir = fake_project();
    let before = listing(&dir);
    let b = build(&dir, &Options::default());
    let problems: Vec<String> = b.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Nothing written into the source folder.
    assert_eq!(listing(&dir), before);
    let m = b.manifest.as_ref().unwrap();
    assert_eq!(m.components.uses["pages/index/index"]["lib-button"], "miniprogram_npm/comp-lib/button/index");
    assert!(m.components.components.contains_key("miniprogram_npm/comp-lib/button/index"));
    let prefix = openmini_compiler::wxss::prefix_of("miniprogram_npm/comp-lib/button/index");
    assert_eq!(String::from_utf8_lossy(&b.files["main/css/miniprogram_npm/comp-lib/button/index.css"]), format!(".{prefix}--btn{{color:red}}"));
    let view = String::from_utf8_lossy(&b.files["main/view.js"]).into_owned();
    assert!(view.contains("\"miniprogram_npm/comp-lib/button/index.wxml\""), "{view}");
    let logic = logic_of(&b);
    // What each module's table says: the nearest copy of `deep` for each.
    assert!(logic.contains(r#"define("miniprogram_npm/plain/src/index.js", {"./a":"miniprogram_npm/plain/src/a.js","deep":"miniprogram_npm/plain/miniprogram_npm/deep/index.js"}"#), "{logic}");
    assert!(logic.contains(r#""deep":"miniprogram_npm/deep/index.js""#), "{logic}");
    assert!(logic.contains(r#""helper":"miniprogram_npm/helper/lib/main.js""#), "{logic}");
    // And running it: every package answers as it would in node.
    assert_eq!(
        run(&logic, "pages/index/index.js"),
        r#"{"plain":{"a":"a","deep":2},"esm":"esm","more":"more","deep":1,"mine":"built by hand","util":"helper!"}"#
    );
    // Only what is reached or published for mini programs; never devDependencies.
    let all: Vec<&String> = b.files.keys().chain(m.packages[0].files.iter().map(|f| &f.path)).collect();
    for absent in ["unused", "dev-only", ".d.ts", "index.ts", "node_modules", "from node_modules"] {
        assert!(!all.iter().any(|k| k.contains(absent)), "{absent} in the bundle");
        assert!(!logic.contains(absent), "{absent} in logic.js");
    }
    // A plain package keeps its package.json (its `main`), as a file of the bundle.
    assert!(b.files.contains_key("main/files/miniprogram_npm/helper/package.json"));
}

#[test]
fn problems_in_packages_are_named_where_they_are() {
    let dir = app(&[
        ("package.json", "{\n  \"dependencies\": {\n    \"evil\": \"1\",\n    \"broken\": \"1\",\n    \"absent\": \"1\",\n    \"../up\": \"1\",\n    \"linked\": \"1\"\n  }\n}"),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("pages/index/index.wxml", "<view/>"),
        ("pages/index/index.js", "require('broken')"),
        // A `miniprogram` folder that climbs out of the package.
        ("node_modules/evil/package.json", "{\n  \"name\": \"evil\",\n  \"miniprogram\": \"../../\"\n}"),
        ("node_modules/broken/package.json", "{\"name\": \"broken\"}"),
        ("node_modules/broken/index.js", "var ok = 1;\nvar bad = ;\n"),
    ]);
    // A package that is a link out of node_modules, and one inside a package's folder.
    #[cfg(unix)]
    {
        let outside = app(&[("package.json", "{}"), ("index.js", "module.exports = 'outside'")]);
        std::os::unix::fs::symlink(&outside, dir.join("node_modules/linked")).unwrap();
    }
    let b = build(&dir, &Options::default());
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code, d.severity)).collect();
    assert!(found.contains(&("node_modules/evil/package.json", 3, 18, "path-escapes", Severity::Error)), "{found:?}");
    assert!(found.contains(&("node_modules/broken/index.js", 2, 11, "bad-js", Severity::Error)), "{found:?}");
    assert!(found.contains(&("package.json", 5, 5, "npm-not-installed", Severity::Warning)), "{found:?}");
    assert!(found.contains(&("package.json", 6, 5, "bad-package-json", Severity::Error)), "{found:?}");
    #[cfg(unix)]
    {
        assert!(found.contains(&("node_modules/linked", 1, 1, "symlink", Severity::Warning)), "{found:?}");
        assert!(found.contains(&("package.json", 7, 5, "npm-not-installed", Severity::Warning)), "{found:?}");
    }
    assert!(!b.files.keys().any(|k| k.contains("evil") || k.contains("outside")), "{:?}", b.files.keys());
}

#[cfg(unix)]
#[test]
fn links_and_odd_names_inside_packages_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let dir = app(&[
        ("package.json", r#"{"dependencies": {"lib": "1"}}"#),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("pages/index/index.wxml", "<view/>"),
        ("node_modules/lib/package.json", r#"{"miniprogram": "dist"}"#),
        ("node_modules/lib/dist/index.js", "module.exports = 1"),
    ]);
    std::os::unix::fs::symlink("/etc/passwd", dir.join("node_modules/lib/dist/passwd.js")).unwrap();
    std::fs::write(dir.join("node_modules/lib/dist").join(std::ffi::OsStr::from_bytes(b"bad\xffname.js")), "1").unwrap();
    let b = build(&dir, &Options::default());
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.code)).collect();
    assert!(found.contains(&("node_modules/lib/dist/passwd.js", "symlink")), "{found:?}");
    assert!(found.iter().any(|(f, c)| f.starts_with("node_modules/lib/dist/bad") && *c == "bad-file-name"), "{found:?}");
    assert!(b.files.keys().all(|k| !k.contains("passwd")));
    // A link named as the miniprogram folder is not followed either.
    let dir = app(&[
        ("package.json", r#"{"dependencies": {"lib": "1"}}"#),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("pages/index/index.wxml", "<view/>"),
        ("node_modules/lib/package.json", r#"{"miniprogram": "dist"}"#),
    ]);
    std::os::unix::fs::symlink("/etc", dir.join("node_modules/lib/dist")).unwrap();
    let b = build(&dir, &Options::default());
    assert!(b.diagnostics.iter().any(|d| d.file == "node_modules/lib/package.json" && d.code == "path-escapes"), "{:?}", b.diagnostics);
}

#[test]
fn pack_npm_manually_and_package_json_in_a_subfolder() {
    // project.config.json's relation list: the project's package.json, built into the
    // mini program's folder (the default would not look outside miniprogramRoot).
    let dir = app(&[
        (
            "project.config.json",
            r#"{"miniprogramRoot": "miniprogram/", "setting": {"packNpmManually": true, "packNpmRelationList": [{"packageJsonPath": "./package.json", "miniprogramNpmDistDir": "./miniprogram/"}]}}"#,
        ),
        ("package.json", r#"{"dependencies": {"dayjs": "1"}}"#),
        ("node_modules/dayjs/package.json", r#"{"main": "dayjs.min.js"}"#),
        ("node_modules/dayjs/dayjs.min.js", "module.exports = function () { return 'day'; };"),
        ("miniprogram/app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("miniprogram/pages/index/index.wxml", "<view/>"),
        ("miniprogram/pages/index/index.js", "module.exports = require('dayjs')();"),
        // Beside a package.json deeper in the mini program: its own miniprogram_npm.
        ("miniprogram/sub/package.json", r#"{"dependencies": {"local": "1"}}"#),
        ("miniprogram/sub/node_modules/local/index.js", "module.exports = 'local';"),
        ("miniprogram/sub/node_modules/local/package.json", "{}"),
        ("miniprogram/sub/x.js", "module.exports = require('local');"),
    ]);
    let b = build(&dir, &Options::default());
    let logic = logic_of(&b);
    assert_eq!(run(&logic, "pages/index/index.js"), "\"day\"");
    // Manual mode replaces the default one: sub/package.json is not built.
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.code)).collect();
    assert_eq!(found, vec![("sub/x.js", "missing-module")]);
    assert!(!logic.contains("sub/miniprogram_npm/local"), "{logic}");

    // The default mode builds sub/package.json's into sub/miniprogram_npm.
    std::fs::write(dir.join("project.config.json"), r#"{"miniprogramRoot": "miniprogram/"}"#).unwrap();
    let b = build(&dir, &Options::default());
    let logic = logic_of(&b);
    assert_eq!(run(&logic, "sub/x.js"), "\"local\"");
    assert!(b.diagnostics.iter().any(|d| d.code == "missing-module"), "the root's dayjs is outside the mini program: {:?}", b.diagnostics);

    // Relation paths may not leave the project; a dist folder outside the mini program is
    // not built (a warning).
    std::fs::write(
        dir.join("project.config.json"),
        r#"{"miniprogramRoot": "miniprogram/", "setting": {"packNpmManually": true, "packNpmRelationList": [
  {"packageJsonPath": "../../etc/package.json", "miniprogramNpmDistDir": "./miniprogram/"},
  {"packageJsonPath": "./package.json", "miniprogramNpmDistDir": "./elsewhere/"}]}}"#,
    )
    .unwrap();
    let b = build(&dir, &Options::default());
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.code)).collect();
    assert!(found.contains(&("project.config.json", 2, "path-escapes")), "{found:?}");
    assert!(found.contains(&("project.config.json", 3, "npm-dist-outside")), "{found:?}");
}

fn libs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/libs").canonicalize().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The real @vant/weapp as npm installs it (tests/libs), declared in a package.json: its
/// `miniprogram` folder (`lib`) is what the app gets; every component resolves and
/// compiles with no problem at all.
#[test]
fn the_real_vant_weapp_from_node_modules() {
    let libs = libs_dir();
    if !libs.join("node_modules/@vant/weapp/lib").exists() {
        let status = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&libs)
            .status()
            .expect("npm is needed to install the component libraries (tests/libs/package.json)");
        assert!(status.success());
    }
    let vant = libs.join("node_modules/@vant/weapp");
    let version = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(vant.join("package.json")).unwrap()).unwrap()["version"].clone();
    let tags = ["button", "cell", "cell-group", "field", "switch", "checkbox", "checkbox-group", "radio", "radio-group", "stepper", "rate", "slider", "tabs", "tab", "tag", "icon", "dialog", "toast", "popup", "action-sheet", "collapse", "collapse-item", "steps", "grid", "grid-item"];
    let using: serde_json::Map<String, serde_json::Value> = tags.iter().map(|t| (format!("van-{t}"), format!("@vant/weapp/{t}/index").into())).collect();
    let dir = app(&[
        ("package.json", &serde_json::json!({ "dependencies": { "@vant/weapp": version } }).to_string()),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("pages/index/index.wxml", "<van-button type=\"primary\">OK</van-button>"),
        ("pages/index/index.json", &serde_json::json!({ "usingComponents": using }).to_string()),
        ("pages/index/index.js", "import Toast from '@vant/weapp/toast/toast';\nPage({ onLoad() { Toast; } });\n"),
    ]);
    copy_dir(&vant, &dir.join("node_modules/@vant/weapp"));
    let b = build(&dir, &Options::default());
    let problems: Vec<String> = b.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let m = b.manifest.as_ref().unwrap();
    assert_eq!(m.components.uses["pages/index/index"].len(), tags.len());
    assert_eq!(m.components.uses["pages/index/index"]["van-button"], "miniprogram_npm/@vant/weapp/button/index");
    // Everything of `lib` that runs (its .d.ts left out), nothing of `dist`.
    let lib_files = listing(&vant.join("lib")).into_iter().filter(|f| !f.ends_with(".ts")).count();
    let view = String::from_utf8_lossy(&b.files["main/view.js"]).into_owned();
    let logic = logic_of(&b);
    let built = |f: &str| {
        let p = format!("miniprogram_npm/@vant/weapp/{f}");
        if f.ends_with(".wxml") || f.ends_with(".wxs") {
            view.contains(&format!("{p:?}"))
        } else if f.ends_with(".js") {
            logic.contains(&format!("define({p:?}"))
        } else if f.ends_with(".wxss") {
            b.files.contains_key(&format!("main/css/{}.css", p.trim_end_matches(".wxss")))
        } else {
            b.files.contains_key(&format!("main/files/{p}"))
        }
    };
    let missing: Vec<String> = listing(&vant.join("lib")).into_iter().filter(|f| !f.ends_with(".ts") && !built(f)).collect();
    assert!(missing.is_empty(), "not in the bundle: {missing:?}");
    assert!(lib_files > 300, "{lib_files}");
    assert!(!b.files.keys().any(|k| k.contains("/dist/") || k.ends_with(".ts")));
    assert!(logic.contains(r#""@vant/weapp/toast/toast":"miniprogram_npm/@vant/weapp/toast/toast.js""#));
}

/// pnpm's layout: node_modules/<name> links into node_modules/.pnpm, where a package's
/// dependencies are its siblings (links again). Followed, as node follows them, since
/// they stay inside node_modules.
#[cfg(unix)]
#[test]
fn pnpm_links_inside_node_modules_are_followed() {
    let dir = app(&[
        ("package.json", r#"{"dependencies": {"a": "1"}}"#),
        ("app.json", r#"{"pages": ["pages/index/index"]}"#),
        ("pages/index/index.wxml", "<view/>"),
        ("pages/index/index.js", "module.exports = require('a');"),
        ("node_modules/.pnpm/a@1.0.0/node_modules/a/package.json", r#"{"name": "a", "dependencies": {"b": "1"}}"#),
        ("node_modules/.pnpm/a@1.0.0/node_modules/a/index.js", "module.exports = 'a+' + require('b');"),
        ("node_modules/.pnpm/b@1.0.0/node_modules/b/package.json", r#"{"name": "b"}"#),
        ("node_modules/.pnpm/b@1.0.0/node_modules/b/index.js", "module.exports = 'b';"),
    ]);
    std::os::unix::fs::symlink(".pnpm/a@1.0.0/node_modules/a", dir.join("node_modules/a")).unwrap();
    std::os::unix::fs::symlink("../../b@1.0.0/node_modules/b", dir.join("node_modules/.pnpm/a@1.0.0/node_modules/b")).unwrap();
    let b = build(&dir, &Options::default());
    assert_eq!(b.diagnostics, vec![]);
    let logic = logic_of(&b);
    assert_eq!(run(&logic, "pages/index/index.js"), "\"a+b\"");
    assert!(logic.contains(r#"define("miniprogram_npm/b/index.js""#), "{logic}");
}
