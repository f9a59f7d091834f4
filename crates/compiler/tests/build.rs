//! `build` on a small mini program written to a temporary folder: packages,
//! manifest hashes, render code that runs, and bad input reported with positions.

use openmini_compiler::build::{build, write, Options};
use openmini_compiler::diag::Severity;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn app(files: &[(&str, &str)]) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("openmini_build_{}_{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

const APP_JSON: &str = r#"{
  "pages": ["pages/index/index", "pages/logs/logs"],
  "subpackages": [{"root": "pkgA", "pages": ["pages/cat/cat"]}],
  "window": {"navigationBarTitleText": "Demo"}
}"#;

fn demo() -> PathBuf {
    app(&[
        ("project.config.json", r#"{"miniprogramRoot": "miniprogram/"}"#),
        ("miniprogram/app.json", APP_JSON),
        ("miniprogram/app.js", "App({})"),
        ("miniprogram/common/card.wxml", "<template name=\"card\"><view class=\"card\">{{title}}</view></template>"),
        ("miniprogram/pages/index/index.wxml", "<import src=\"/common/card.wxml\"/><template is=\"card\" data=\"{{title: greeting}}\"/>"),
        ("miniprogram/pages/index/index.json", r#"{"usingComponents": {"my-badge": "../../components/badge/badge", "lib-button": "lib/button"}}"#),
        ("miniprogram/components/badge/badge.wxml", "<text class=\"badge\"><slot/></text>"),
        ("miniprogram/components/badge/badge.json", r#"{"component": true, "styleIsolation": "isolated"}"#),
        ("miniprogram/components/badge/badge.wxss", ".badge { color: red; }"),
        ("miniprogram/miniprogram_npm/lib/button/index.wxml", "<button><slot/></button>"),
        ("miniprogram/miniprogram_npm/lib/button/index.json", r#"{"component": true, "usingComponents": {"inner": "./inner"}}"#),
        ("miniprogram/miniprogram_npm/lib/button/inner.wxml", "<view/>"),
        ("miniprogram/miniprogram_npm/lib/button/inner.json", r#"{"component": true}"#),
        ("miniprogram/pages/index/index.js", "Page({data: {greeting: 'hi'}})"),
        ("miniprogram/pages/index/index.wxss", ".card { width: 750rpx; }"),
        ("miniprogram/pages/logs/logs.wxml", "<view wx:for=\"{{logs}}\">{{item}}</view>"),
        ("miniprogram/pkgA/pages/cat/cat.wxml", "<import src=\"../../../common/card.wxml\"/><template is=\"card\" data=\"{{title: 'cat'}}\"/>"),
        ("miniprogram/pkgA/pages/cat/cat.js", "Page({})"),
    ])
}

fn run_node(script: &str) -> String {
    let out = std::process::Command::new("node").arg("-e").arg(script).output().expect("node is needed to run the bundle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn builds_packages_with_a_manifest_and_render_code_that_runs() {
    let dir = demo();
    let b = build(&dir, &Options::default());
    assert_eq!(b.errors(), 0, "{:#?}", b.diagnostics);
    let m = b.manifest.as_ref().unwrap();
    assert_eq!(m.packages.len(), 2);
    assert_eq!(m.packages[0].pages, vec!["pages/index/index", "pages/logs/logs"]);
    assert_eq!(m.packages[1].pages, vec!["pkgA/pages/cat/cat"]);
    assert_eq!(m.app["window"]["navigationBarTitleText"], "Demo");
    // Each page's own JSON, without its (resolved) usingComponents.
    assert_eq!(m.pages["pages/index/index"], serde_json::json!({}));
    assert_eq!(m.pages["pkgA/pages/cat/cat"], serde_json::json!({}));
    let uses = &m.components.uses["pages/index/index"];
    assert_eq!(uses["my-badge"], "components/badge/badge");
    assert_eq!(uses["lib-button"], "miniprogram_npm/lib/button/index");
    assert_eq!(m.components.uses["miniprogram_npm/lib/button/index"]["inner"], "miniprogram_npm/lib/button/inner");
    let badge = &m.components.components["components/badge/badge"];
    assert_eq!(badge.style_isolation.as_deref(), Some("isolated"));
    assert_eq!(badge.prefix, openmini_compiler::wxss::prefix_of("components/badge/badge"));
    let out = dir.join("out");
    write(&b, &out).unwrap();
    // Every file the manifest lists is there, with that hash and size.
    for pkg in &m.packages {
        for f in &pkg.files {
            let bytes = std::fs::read(out.join(&f.path)).unwrap();
            assert_eq!((hex::encode(Sha256::digest(&bytes)), bytes.len() as u64), (f.sha256.clone(), f.size), "{}", f.path);
        }
    }
    assert_eq!(std::fs::read_to_string(out.join("main/css/pages/index/index.css")).unwrap(), ".card{width:100vw}");
    // A component's classes carry its prefix; a page's and the app's stay as written.
    assert_eq!(std::fs::read_to_string(out.join("main/css/components/badge/badge.css")).unwrap(), format!(".{}--badge{{color:red}}", badge.prefix));
    assert!(!out.join("main/files/pkgA/pages/cat/cat.js").exists(), "subpackage files stay in their package");
    let logic = std::fs::read_to_string(out.join("main/logic.js")).unwrap();
    assert!(logic.contains("define(\"pages/index/index.js\"") && !logic.contains("cat.js"));
    // The subpackage renders a template of the main package.
    let view = |p: &Path| std::fs::read_to_string(p).unwrap();
    let main = view(&out.join("main/view.js"));
    let sub = view(&out.join("sub/pkgA/view.js"));
    let js = format!(
        "var V={{}};function __wxView(root,v){{V[root]=v;}}\n{main}{sub}var m=V[''],s=V['pkgA'];console.log(JSON.stringify([m.pages['pages/index/index.wxml']({{greeting:'hi'}}),m.pages['pages/logs/logs.wxml']({{logs:[1,2]}}),s.pages['pkgA/pages/cat/cat.wxml']({{}})]))"
    );
    assert_eq!(
        run_node(&js),
        r#"[[{"tag":"view","attrs":{"class":"card"},"children":["hi"]}],[{"tag":"view","attrs":{},"children":["1"]},{"tag":"view","attrs":{},"children":["2"]}],[{"tag":"view","attrs":{"class":"card"},"children":["cat"]}]]"#
    );
}

#[test]
fn bad_input_is_reported_with_positions_and_the_build_goes_on() {
    let dir = app(&[
        ("app.json", "{\n  \"pages\": [\"pages/a/a\", \"pages/missing/missing\"],\n  \"pagez\": 1\n}"),
        ("pages/a/a.wxml", "<view>{{ 1 + }}</view>\n<text>"),
        ("pages/a/b.wxml", "<view wx:else/>"),
        ("pages/a/a.json", "{\n  \"usingComponents\": {\"x-nope\": \"./nope\", \"x-half\": \"../half\"}\n}"),
        ("pages/half.wxml", "<view/>"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", dir.join("pages/etc")).unwrap();
    let b = build(&dir, &Options::default());
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code, d.severity)).collect();
    assert!(found.contains(&("app.json", 2, 26, "missing-page", Severity::Error)), "{found:?}");
    assert!(found.contains(&("app.json", 3, 3, "unknown-field", Severity::Warning)), "{found:?}");
    assert!(found.contains(&("pages/a/a.wxml", 1, 14, "bad-expression", Severity::Error)), "{found:?}");
    assert!(found.contains(&("pages/a/a.wxml", 2, 1, "unclosed-tag", Severity::Error)), "{found:?}");
    assert!(found.contains(&("pages/a/b.wxml", 1, 1, "else-without-if", Severity::Error)), "{found:?}");
    assert!(found.contains(&("pages/a/a.json", 2, 33, "missing-component", Severity::Error)), "{found:?}");
    assert!(found.contains(&("pages/half.json", 1, 1, "not-a-component", Severity::Warning)), "{found:?}");
    #[cfg(unix)]
    assert!(found.iter().any(|f| f.3 == "symlink"), "{found:?}");
    assert!(!b.files.keys().any(|k| k.contains("passwd")));

    let broken = app(&[("app.json", "{\n  \"pages\": [\"a\",]\n}")]);
    let b = build(&broken, &Options::default());
    assert_eq!((b.diagnostics[0].code, b.diagnostics[0].line), ("bad-json", 2));
    assert!(b.manifest.is_none());

    let escape = app(&[("project.config.json", r#"{"miniprogramRoot": "../../etc"}"#), ("app.json", "{}")]);
    let b = build(&escape, &Options::default());
    assert!(b.diagnostics.iter().any(|d| d.code == "path-escapes"), "{:?}", b.diagnostics);

    let none = app(&[("README.md", "hi")]);
    assert_eq!(build(&none, &Options::default()).diagnostics[0].code, "no-app-json");
}

#[test]
fn app_json_fields_name_real_pages_and_packages() {
    let dir = app(&[
        (
            "app.json",
            r#"{
  "pages": ["pages/a/a", "pages/b/b"],
  "subpackages": [{"root": "sub", "name": "extra", "pages": ["pages/c/c"]}],
  "entryPagePath": "pages/zz/zz",
  "tabBar": {"list": [{"pagePath": "pages/a/a", "text": "A"}, {"pagePath": "sub/pages/c/c", "text": "C"}]},
  "preloadRule": {"pages/a/a": {"packages": ["extra", "nosuch"]}},
  "networkTimeout": {"request": -1},
  "style": "v1",
  "lazyCodeLoading": "all"
}"#,
        ),
        ("pages/a/a.wxml", "<view/>"),
        ("pages/b/b.wxml", "<view/>"),
        ("sub/pages/c/c.wxml", "<view/>"),
    ]);
    let b = build(&dir, &Options::default());
    let codes: Vec<_> = b.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    for want in [("bad-entry-page", 4), ("bad-tab-page", 5), ("bad-preload-rule", 6), ("bad-network-timeout", 7), ("bad-style", 8), ("bad-lazy-code-loading", 9)] {
        assert!(codes.contains(&want), "{want:?} in {codes:?}");
    }
    assert_eq!(codes.len(), 6, "{codes:?}");
}

#[test]
fn app_json_files_permissions_and_window_values() {
    let dir = app(&[
        (
            "app.json",
            r##"{
  "pages": ["pages/a/a", "pages/b/b"],
  "sitemapLocation": "sitemap.json",
  "permission": {"scope.userLocation": {"desc": ""}, "userLocation": {"desc": "ok"}},
  "window": {"navigationBarTextStyle": "red", "navigationBarBackgroundColor": "blue"},
  "tabBar": {"color": "#7A7E83", "selectedColor": "#12345", "custom": true, "list": [
    {"pagePath": "pages/a/a", "text": "A", "iconPath": "img/a.png"},
    {"pagePath": "pages/b/b", "text": "B", "iconPath": "/img/missing.png"}]}
}"##,
        ),
        ("pages/a/a.wxml", "<list generic:cell=\"my-cell\"/>"),
        ("pages/a/a.json", r#"{"usingComponents": {"list": "/comp/list", "my-cell": "/comp/cell"}}"#),
        ("comp/list.wxml", "<cell/>"),
        ("comp/list.json", r#"{"component": true, "componentGenerics": {"cell": {"default": "./plain"}}}"#),
        ("comp/plain.wxml", "<view/>"),
        ("comp/plain.json", r#"{"component": true}"#),
        ("comp/cell.wxml", "<view/>"),
        ("comp/cell.json", r#"{"component": true}"#),
        ("pages/b/b.wxml", "<view/>"),
        ("img/a.png", "png"),
    ]);
    let b = build(&dir, &Options::default());
    let codes: Vec<_> = b.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    let want = [
        ("missing-file", 3),
        ("bad-permission", 4),
        ("bad-permission", 4),
        ("bad-window", 5),
        ("bad-window", 5),
        ("bad-tab-bar", 6),
        ("missing-file", 6),
        ("missing-file", 8),
    ];
    let mut sorted = codes.clone();
    sorted.sort();
    let mut want = want.to_vec();
    want.sort();
    assert_eq!(sorted, want, "{:#?}", b.diagnostics);
    // The generic's default is reached, resolved and listed.
    let m = b.manifest.unwrap();
    assert_eq!(m.components.generics["comp/list"]["cell"].as_deref(), Some("comp/plain"));
    assert!(m.components.components.contains_key("comp/plain"));
}

#[test]
fn size_limits_warn() {
    let dir = demo();
    let b = build(&dir, &Options { max_main_bytes: 10, max_total_bytes: 20 });
    let codes: Vec<_> = b.diagnostics.iter().map(|d| (d.code, d.severity)).collect();
    assert_eq!(codes, vec![("main-package-size", Severity::Warning), ("app-size", Severity::Warning)]);
}

/// A demo app whose JavaScript uses what mini programs use: `import`/`export` between
/// files, `import x from` a CommonJS module, a package from `miniprogram_npm` (its
/// `package.json` `main`), `/abs` paths, a subpackage requiring the main package and an
/// independent subpackage on its own; and newer syntax (classes, arrows, destructuring,
/// spread, template literals, for-of, default and rest parameters, generators,
/// async/await, `?.`, `??`, `**`).
fn js_demo(lower: bool) -> PathBuf {
    app(&[
        ("project.config.json", &format!(r#"{{"setting": {{"es6": {lower}, "minified": false}}}}"#)),
        (
            "app.json",
            r#"{"pages": ["pages/index/index"], "subpackages": [{"root": "pkgA", "pages": ["pages/cat/cat"]}, {"root": "pkgB", "pages": ["pages/dog/dog"], "independent": true}]}"#,
        ),
        ("app.js", "const { twice } = require('./utils/util.js');\nApp({ twice: twice(5) });\n"),
        (
            "utils/util.js",
            "const twice = (n = 1) => n * 2;\nclass Counter {\n  constructor(start) { this.n = start; }\n  inc(by = 1) { this.n += by; return this; }\n  get value() { return this.n; }\n}\nclass Double extends Counter {\n  inc(by = 1) { return super.inc(by * 2); }\n}\nfunction* range(n) { for (let i = 0; i < n; i++) yield i; }\nconst sumAll = (...xs) => xs.reduce((a, b) => a + b, 0);\nasync function later(v) { const x = await Promise.resolve(v); return x ** 2; }\nmodule.exports = { twice, Counter, Double, range, sumAll, later };\n",
        ),
        ("utils/greet.js", "export function greet(who = 'world') { return `hello ${who}`; }\nexport default { version: 2 };\n"),
        ("miniprogram_npm/tiny-fmt/package.json", r#"{"name": "tiny-fmt", "main": "lib/fmt"}"#),
        ("miniprogram_npm/tiny-fmt/lib/fmt.js", "module.exports = function fmt(n) { return 'n:' + n; };\n"),
        (
            "pages/index/index.js",
            "import util, { twice as t2 } from '../../utils/util';\nimport fmt from 'tiny-fmt';\nimport * as greet from '/utils/greet';\nconst { Double, range, sumAll, later } = util;\nconst counts = [...range(4)];\nconst { a, ...rest } = { a: 1, b: 2, c: 3 };\nconst o = { ...rest, d: 4 };\nconst deep = { x: { y: null } };\nlet s = '';\nfor (const [k, v] of Object.entries(o)) s += `${k}=${v};`;\nconst data = {\n  twice: t2(21), counter: new Double(1).inc().inc(2).value, counts, sum: sumAll(...counts), a,\n  rest: o, s, opt: deep?.x?.y?.z ?? 'none', greet: greet.greet(), version: greet.default.version, fmt: fmt(3),\n};\nlater(3).then((v) => { data.later = v; });\nPage({ data });\nexport default data;\n",
        ),
        ("pages/index/index.wxml", "<view>{{twice}}</view>"),
        ("pkgA/pages/cat/cat.js", "import { sumAll } from '../../../utils/util';\nPage({ data: { cat: sumAll(1, 2, 3) } });\n"),
        ("pkgA/pages/cat/cat.wxml", "<view>{{cat}}</view>"),
        ("pkgB/pages/dog/dog.js", "const h = require('./helper');\nPage({ data: { dog: h.bark() } });\n"),
        ("pkgB/pages/dog/helper.js", "class Dog { bark() { return 'woof'; } }\nexports.bark = () => new Dog().bark();\n"),
        ("pkgB/pages/dog/dog.wxml", "<view>{{dog}}</view>"),
    ])
}

/// Runs `logic.js` files in Node the way the container does: `define` records modules,
/// `require` looks only in each module's table; the main package and a subpackage share
/// one registry, an independent subpackage has its own. Prints what `App` and `Page` got.
fn run_logic(main: &str, sub: &str, independent: &str) -> String {
    let script = format!(
        r#"const vm = require('vm');
const out = {{}}, pages = [];
function registry() {{
  const defs = {{}}, cache = {{}};
  function load(id) {{
    if (cache[id]) return cache[id].exports;
    const d = defs[id];
    if (!d) throw new Error('no module ' + id);
    const module = {{ exports: {{}} }};
    cache[id] = module;
    d.factory.call(module.exports, (spec) => {{
      if (!(spec in d.table)) throw new Error(id + ' requires ' + spec + ', not in its table');
      return load(d.table[spec]);
    }}, module, module.exports);
    return module.exports;
  }}
  const ctx = vm.createContext({{ define(id, table, factory) {{ defs[id] = {{ table, factory }}; }}, Promise, Object,
    App(o) {{ out.app = o; }}, Page(o) {{ pages.push(o.data); }} }});
  return {{ run(code) {{ vm.runInContext(code, ctx); }}, load }};
}}
const r = registry();
r.run({main});
r.run({sub});
['app.js', 'pages/index/index.js', 'pkgA/pages/cat/cat.js'].forEach(r.load);
const alone = registry();
alone.run({independent});
alone.load('pkgB/pages/dog/dog.js');
// After the promises (`async` functions) settle.
setTimeout(() => console.log(JSON.stringify(Object.assign(out, ...pages))), 10);
"#,
        main = serde_json::to_string(main).unwrap(),
        sub = serde_json::to_string(sub).unwrap(),
        independent = serde_json::to_string(independent).unwrap()
    );
    run_node(&script)
}

/// Whether `word` stands in `code` as a word of its own (not inside `_create_class`).
fn has_word(code: &str, word: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    code.match_indices(word).any(|(i, _)| !ident(code[..i].chars().next_back()) && !ident(code[i + word.len()..].chars().next()))
}

#[test]
fn javascript_modules_link_and_run_the_same_lowered_or_not() {
    let mut results = Vec::new();
    for lower in [false, true] {
        let b = build(&js_demo(lower), &Options::default());
        assert!(b.diagnostics.is_empty(), "{:#?}", b.diagnostics);
        let text = |p: &str| String::from_utf8(b.files[p].clone()).unwrap();
        let (main, sub, ind) = (text("main/logic.js"), text("sub/pkgA/logic.js"), text("sub/pkgB/logic.js"));
        // Requires resolved into each module's table.
        assert!(main.contains(r#""tiny-fmt":"miniprogram_npm/tiny-fmt/lib/fmt.js""#), "{main}");
        assert!(main.contains(r#""/utils/greet":"utils/greet.js""#) && main.contains(r#""../../utils/util":"utils/util.js""#), "{main}");
        assert!(sub.contains(r#""../../../utils/util":"utils/util.js""#), "{sub}");
        // No ES module syntax is left, lowered or not.
        for js in [&main, &sub, &ind] {
            assert!(!has_word(js, "import") && !has_word(js, "export"), "{js}");
        }
        if lower {
            // The app's own modules (swc's helpers are checked as ES5 by acorn in
            // libraries.rs; their error messages say "class").
            let own = |js: &str| js.split("\ndefine(").filter(|d| !d.starts_with("\"@swc/helpers/")).collect::<Vec<_>>().join("\n");
            for js in [&own(&main), &own(&sub), &own(&ind)] {
                for w in ["class", "let", "const", "async", "await"] {
                    assert!(!has_word(js, w), "`{w}` left in\n{js}");
                }
                for m in ["=>", "`", "?.", "??", "**", "..."] {
                    assert!(!js.contains(m), "`{m}` left in\n{js}");
                }
            }
            // Helpers once per package: the subpackage uses the main package's; the
            // independent one has its own.
            let call_check = "define(\"@swc/helpers/_/_class_call_check\"";
            assert_eq!((main.matches(call_check).count(), sub.matches(call_check).count(), ind.matches(call_check).count()), (1, 0, 1));
        } else {
            // Newer syntax stays (the container runs modern Chromium); plain scripts as written.
            assert!(main.contains("class Counter {") && main.contains("const twice = (n = 1) => n * 2;"), "{main}");
        }
        results.push(run_logic(&main, &sub, &ind));
    }
    assert_eq!(
        results[0],
        r#"{"app":{"twice":10},"twice":42,"counter":7,"counts":[0,1,2,3],"sum":6,"a":1,"rest":{"b":2,"c":3,"d":4},"s":"b=2;c=3;d=4;","opt":"none","greet":"hello world","version":2,"fmt":"n:3","later":9,"cat":6,"dog":"woof"}"#
    );
    assert_eq!(results[1], results[0], "lowered to ES5, the app computes the same");
}

#[test]
fn javascript_problems_are_reported_with_positions_and_the_rest_compiles() {
    let dir = app(&[
        ("app.json", r#"{"pages": ["pages/a/a"], "subpackages": [{"root": "sub", "pages": ["p/p"]}, {"root": "solo", "pages": ["p/p"], "independent": true}]}"#),
        ("pages/a/a.wxml", "<view/>"),
        ("pages/a/a.js", "const ok = require('./b');\nconst x = {\n  a: 1,\n  b: ,\n};\n"),
        ("pages/a/b.js", "module.exports = require('nowhere');\nrequire('../../../../etc/passwd');\nrequire('/sub/p/p');\nvar name = 'dyn'; require('./' + name);\n"),
        ("sub/p/p.wxml", "<view/>"),
        ("sub/p/p.js", "require('../../pages/a/b');\n"),
        ("solo/p/p.wxml", "<view/>"),
        ("solo/p/p.js", "import b from '../../pages/a/b';\nexport default b;\n"),
    ]);
    let b = build(&dir, &Options::default());
    let found: Vec<_> = b.diagnostics.iter().map(|d| (d.file.as_str(), d.line, d.col, d.code, d.severity)).collect();
    assert_eq!(
        found,
        vec![
            ("pages/a/a.js", 4, 6, "bad-js", Severity::Error),
            ("pages/a/b.js", 1, 26, "missing-module", Severity::Warning),
            ("pages/a/b.js", 2, 9, "path-escapes", Severity::Error),
            ("pages/a/b.js", 3, 9, "cross-package-require", Severity::Error),
            ("solo/p/p.js", 1, 15, "independent-require", Severity::Error),
        ]
    );
    assert!(b.diagnostics[0].to_string().contains("  |   b: ,\n  |      ^"), "{}", b.diagnostics[0]);
    // The other modules compiled: the subpackage's require of the main package is fine,
    // the dynamic require is left to the runtime.
    let main = String::from_utf8(b.files["main/logic.js"].clone()).unwrap();
    assert!(main.contains("define(\"pages/a/b.js\", {}, function") && !main.contains("define(\"pages/a/a.js\""), "{main}");
    let sub = String::from_utf8(b.files["sub/sub/logic.js"].clone()).unwrap();
    assert!(sub.contains(r#"define("sub/p/p.js", {"../../pages/a/b":"pages/a/b.js"}"#), "{sub}");
}
