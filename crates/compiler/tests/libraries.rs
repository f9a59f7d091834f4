//! Real code nobody here wrote: every component of @vant/weapp and of
//! tdesign-miniprogram (npm, pinned in `tests/libs/package.json`, installed at test
//! time), placed in a generated app's `miniprogram_npm`, compiles with no error (WXML,
//! WXS and WXSS), and the render code it becomes loads in Node with a render function
//! for every WXML file.

use openmini_compiler::build::{build, Options};
use openmini_compiler::diag::Severity;
use std::path::{Path, PathBuf};
use std::process::Command;

fn libs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/libs").canonicalize().unwrap()
}

fn ensure_installed(dir: &Path) {
    if dir.join("node_modules/@vant/weapp/dist").exists() && dir.join("node_modules/tdesign-miniprogram/miniprogram_dist").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()
        .expect("npm is needed to install the component libraries (tests/libs/package.json)");
    assert!(status.success(), "npm install of the component libraries failed");
}

fn copy_dir(from: &Path, to: &Path) -> usize {
    let mut wxml = 0;
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            wxml += copy_dir(&src, &dst);
        } else {
            wxml += usize::from(src.extension().is_some_and(|x| x == "wxml"));
            std::fs::copy(&src, &dst).unwrap();
        }
    }
    wxml
}

/// Every component of the library: each JSON under `dist` that says `"component": true`,
/// as (tag, path for usingComponents).
fn components(dist: &Path, name: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dist.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap_or_default();
                if v["component"] == true && p.with_extension("wxml").exists() {
                    let rel = p.with_extension("").strip_prefix(dist).unwrap().to_string_lossy().replace('\\', "/");
                    out.push((format!("c-{}", rel.replace(['/', '@'], "-")), format!("{name}/{rel}")));
                }
            }
        }
    }
    out.sort();
    out
}

/// Builds a one-page app that uses every component of the library; returns (warning
/// codes, WXML files).
fn build_with(name: &str, dist: &str, page: &str) -> (Vec<&'static str>, usize) {
    let app = std::env::temp_dir().join(format!("openmini_lib_{}_{}", name.replace('/', "_"), std::process::id()));
    let _ = std::fs::remove_dir_all(&app);
    let src = libs_dir().join("node_modules").join(name).join(dist);
    let wxml = copy_dir(&src, &app.join("miniprogram_npm").join(name));
    let used = components(&src, name);
    assert!(used.len() >= 60, "{name}: only {} components", used.len());
    let using: serde_json::Map<String, serde_json::Value> = used.iter().map(|(t, p)| (t.clone(), p.clone().into())).collect();
    std::fs::create_dir_all(app.join("pages/index")).unwrap();
    std::fs::write(app.join("app.json"), r#"{"pages": ["pages/index/index"]}"#).unwrap();
    std::fs::write(app.join("pages/index/index.json"), serde_json::json!({ "usingComponents": using }).to_string()).unwrap();
    std::fs::write(app.join("pages/index/index.wxml"), page).unwrap();
    let started = std::time::Instant::now();
    let b = build(&app, &Options::default());
    let ms = started.elapsed().as_millis();
    let errors: Vec<String> = b.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{name}: {} errors\n{}", errors.len(), errors.join("\n"));
    // Every component resolved, and the components they use in turn.
    let m = b.manifest.as_ref().unwrap();
    assert_eq!(m.components.uses["pages/index/index"].len(), used.len(), "{name}");
    assert!(m.components.components.len() >= used.len(), "{name}");
    let view = String::from_utf8(b.files["main/view.js"].clone()).unwrap();
    let out = app.join("view.js");
    std::fs::write(&out, view).unwrap();
    let count = Command::new("node")
        .arg("-e")
        .arg(format!("const vm=require('vm');const c={{}};vm.createContext(c);let p;c.__wxView=(root,v)=>{{p=v;}};vm.runInContext(require('fs').readFileSync({:?},'utf8'),c);console.log(Object.keys(p.pages).length)", out))
        .output()
        .expect("node is needed to load the render code");
    assert!(count.status.success(), "{name}: the render code does not load: {}", String::from_utf8_lossy(&count.stderr));
    let pages: usize = String::from_utf8_lossy(&count.stdout).trim().parse().unwrap();
    assert_eq!(pages, wxml + 1, "{name}: one render function per WXML file and the page");
    eprintln!("{name}: {wxml} WXML files and their WXS/WXSS compiled in {ms} ms, 0 errors, {} warnings", b.diagnostics.len());
    (b.diagnostics.iter().map(|d| d.code).collect(), wxml)
}

#[test]
fn every_component_of_two_real_libraries_compiles() {
    ensure_installed(&libs_dir());
    let (warnings, n) = build_with("@vant/weapp", "dist", "<van-button type=\"primary\">OK</van-button>");
    assert!(n >= 70, "vant has {n} WXML files");
    assert!(warnings.is_empty(), "vant: {warnings:?}");
    let (warnings, n) = build_with("tdesign-miniprogram", "miniprogram_dist", "<t-button>OK</t-button>");
    assert!(n >= 100, "tdesign has {n} WXML files");
    // Its published sources repeat aria attributes on three elements, and some of its
    // component stylesheets use tag selectors (`text`, `strong`, `mark`): real findings.
    assert!(warnings.iter().all(|w| matches!(*w, "duplicate-attribute" | "component-selector")), "tdesign: {warnings:?}");
    assert_eq!(warnings.iter().filter(|w| **w == "duplicate-attribute").count(), 3);
}
