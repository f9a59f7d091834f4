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
