//! Hostile input to `openmini build`: nesting, sizes, floods, cycles, missing and
//! escaping paths, bytes that are not UTF-8, links out of the folder. Each build must
//! end promptly (run on a thread with a deadline, so a hang fails the test instead of
//! blocking CI), report the problem as a diagnostic with its code and place, never
//! crash, and where render code is made, that code must still run in Node without a
//! stack overflow.

use openmini_compiler::build::{build, Bundle, Options};
use openmini_compiler::diag::Severity;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one build may take (debug builds, a loaded 2-core machine).
const DEADLINE: Duration = Duration::from_secs(20);

fn folder() -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("openmini_hostile_{}_{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A folder with these files (bytes, so not necessarily UTF-8).
fn app(files: &[(&str, &[u8])]) -> PathBuf {
    let dir = folder();
    for (path, bytes) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

const ONE_PAGE: &[u8] = br#"{"pages": ["pages/index/index"]}"#;

/// Builds `dir` on a thread of the default size (2 MB, like a server's worker), failing
/// the test if it takes longer than [`DEADLINE`].
fn build_in_time(dir: &Path) -> Bundle {
    // One build at a time: the deadline is for this build, not for the others running.
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE.lock().unwrap_or_else(|p| p.into_inner());
    let (tx, rx) = mpsc::channel();
    let d = dir.to_path_buf();
    let started = Instant::now();
    std::thread::Builder::new()
        .name("build".into())
        .spawn(move || {
            let _ = tx.send(build(&d, &Options::default()));
        })
        .unwrap();
    match rx.recv_timeout(DEADLINE) {
        Ok(b) => {
            // The bundle is in memory; the folder (up to tens of MB) is not needed again.
            let _ = std::fs::remove_dir_all(dir);
            b
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the build of {} did not finish in {DEADLINE:?}", dir.display()),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the build of {} panicked after {:?}", dir.display(), started.elapsed()),
    }
}

/// (file, line, col, code, severity) of every diagnostic.
fn found(b: &Bundle) -> Vec<(String, usize, usize, &'static str, Severity)> {
    b.diagnostics.iter().map(|d| (d.file.clone(), d.line, d.col, d.code, d.severity)).collect()
}

fn has(b: &Bundle, file: &str, line: usize, col: usize, code: &str) -> bool {
    b.diagnostics.iter().any(|d| d.file == file && d.line == line && d.col == col && d.code == code)
}

fn has_code(b: &Bundle, file: &str, code: &str) -> bool {
    b.diagnostics.iter().any(|d| d.file == file && d.code == code)
}

/// Runs a script file in Node (with a deadline) and returns its output.
fn node(script: &str) -> String {
    let dir = folder();
    let path = dir.join("run.js");
    std::fs::write(&path, script).unwrap();
    // Output to files: a pipe nobody reads while waiting would fill and stall node.
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new("node")
        .arg(&path)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .stdin(Stdio::null())
        .spawn()
        .expect("node is needed to run the render code");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("the render code did not finish in {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "node failed: {}", std::fs::read_to_string(&err).unwrap_or_default());
    let printed = std::fs::read_to_string(&out).unwrap().trim().to_string();
    let _ = std::fs::remove_dir_all(&dir);
    printed
}

/// Renders `page` of the main package with `data`; prints the tree as JSON, or
/// `error: <message>` if rendering threw (the container shows that, it must not crash).
fn render(b: &Bundle, page: &str, data: &str) -> String {
    let view = String::from_utf8(b.files["main/view.js"].clone()).unwrap();
    node(&format!(
        "var views;function __wxView(root,v){{views=v;}}\n{view}\n\
         try{{console.log(JSON.stringify(views.pages[{page:?}]({data})));}}catch(e){{console.log('error: '+(e instanceof RangeError?'RangeError ':'')+e.message);}}"
    ))
}

#[test]
fn deeply_nested_wxml() {
    let deep = "<view>".repeat(100_000) + &"</view>".repeat(100_000);
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", deep.as_bytes())]);
    let b = build_in_time(&dir);
    // Reported where the first element too deep starts (past 256 open ones).
    assert!(has(&b, "pages/index/index.wxml", 1, 256 * 6 + 1, "too-deep"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() < 1000, "{} diagnostics", b.diagnostics.len());
    let out = render(&b, "pages/index/index.wxml", "{}");
    assert!(out.starts_with("error: Dom limit exceeded"), "{}", &out[..out.len().min(200)]);

    // As deep as allowed renders, as deep as written.
    let deep = "<view>".repeat(256) + "x" + &"</view>".repeat(256);
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", deep.as_bytes())]);
    let b = build_in_time(&dir);
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    let out = render(&b, "pages/index/index.wxml", "{}");
    assert_eq!(out.matches("\"tag\":\"view\"").count(), 256, "{}", &out[..200]);

    // Nested `wx:for` and `wx:if` and `block`: functions within functions.
    let deep = "<view wx:for=\"{{list}}\"><block wx:if=\"{{item}}\">".repeat(128) + "{{item}}" + &"</block></view>".repeat(128);
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", deep.as_bytes())]);
    let b = build_in_time(&dir);
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    assert_eq!(render(&b, "pages/index/index.wxml", "{list: [1]}").matches("\"tag\"").count(), 128);
}

#[test]
fn huge_files() {
    // Several MB of ordinary WXML.
    let row = "<view class=\"row {{cls}}\" data-i=\"{{i}}\"><text>{{title}} and some text</text></view>\n";
    let big = row.repeat((3 << 20) / row.len() + 1);
    assert!(big.len() > 3 << 20);
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", big.as_bytes())]);
    let b = build_in_time(&dir);
    assert_eq!(b.errors(), 0, "{:?}", &found(&b)[..found(&b).len().min(5)]);
    // More nodes than a render may make: the render stops with a message.
    let out = render(&b, "pages/index/index.wxml", "{title: 't'}");
    assert!(out.starts_with("error: Dom limit exceeded"), "{}", &out[..out.len().min(300)]);

    // Over the per-file limit: refused before it is read, and the page is then missing.
    let dir = app(&[("app.json", ONE_PAGE)]);
    let f = std::fs::File::create(dir.join("pages/index/index.wxml")).unwrap_or_else(|_| {
        std::fs::create_dir_all(dir.join("pages/index")).unwrap();
        std::fs::File::create(dir.join("pages/index/index.wxml")).unwrap()
    });
    f.set_len((16 << 20) + 1).unwrap();
    let b = build_in_time(&dir);
    assert!(has(&b, "pages/index/index.wxml", 1, 1, "file-too-large"), "{:?}", found(&b));
    assert!(has_code(&b, "app.json", "missing-page"), "{:?}", found(&b));
}

#[test]
fn recursive_templates_end_at_render_time() {
    let page = |wxml: &str| {
        let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", wxml.as_bytes())]);
        let b = build_in_time(&dir);
        assert_eq!(b.errors(), 0, "{:?}", found(&b));
        render(&b, "pages/index/index.wxml", "{}")
    };
    // Itself: stops at the depth limit (64 templates deep).
    let out = page("<template name=\"t\"><view><template is=\"t\"/></view></template><template is=\"t\"/>");
    assert_eq!(out.matches("\"tag\":\"view\"").count(), 64, "{out}");
    // Each other.
    let out = page("<template name=\"a\"><view><template is=\"b\"/></view></template><template name=\"b\"><text><template is=\"a\"/></text></template><template is=\"a\"/>");
    assert_eq!(out.matches("\"tag\"").count(), 64, "{out}");
    // Twice itself at every level, making no nodes: 2^64 calls unless the work is bounded.
    let out = page("<template name=\"t\"><template is=\"t\"/><template is=\"t\"/></template><template is=\"t\"/>");
    assert!(out.starts_with("error: ") && !out.contains("RangeError"), "{out}");
    // The name from the data, recursing through `data`.
    let out = page("<template name=\"t\"><text>{{n}}</text><template is=\"{{next}}\" data=\"{{next: next, n: n + 1}}\"/></template><template is=\"t\" data=\"{{next: 't', n: 0}}\"/>");
    assert!(out.contains("\"63\"") && !out.contains("\"64\""), "{out}");
}

#[test]
fn import_and_include_cycles() {
    let dir = app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<import src=\"a\"/><include src=\"a\"/><template is=\"fromB\"/><include src=\"index\"/>"),
        ("pages/index/a.wxml", b"<import src=\"./b.wxml\"/><template name=\"fromA\"><text>A</text></template><text>a</text><include src=\"b\"/>"),
        ("pages/index/b.wxml", b"<import src=\"/pages/index/a\"/><template name=\"fromB\"><text>B</text></template><include src=\"a\"/>"),
    ]);
    let b = build_in_time(&dir);
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    // `import` is not transitive, so index sees no `fromB`; includes go round to the depth limit.
    let out = render(&b, "pages/index/index.wxml", "{}");
    assert!(out.starts_with('[') && !out.contains("\"B\"") && out.matches("\"a\"").count() >= 32, "{out}");

    // WXS modules that require each other, and themselves: each runs once.
    let dir = app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<wxs module=\"a\" src=\"/utils/a.wxs\"/><text>{{a.name}} {{a.other}} {{a.self}}</text>"),
        ("utils/a.wxs", b"var b = require('./b.wxs'); module.exports = {name: 'a', other: b.name, self: require('a.wxs') === module.exports};"),
        ("utils/b.wxs", b"var a = require('/utils/a.wxs'); module.exports = {name: 'b', sawA: typeof a};"),
    ]);
    let b = build_in_time(&dir);
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    let out = render(&b, "pages/index/index.wxml", "{}");
    assert!(out.starts_with(r#"[{"tag":"text","attrs":{},"children":["a b "#), "{out}");
}

#[test]
fn missing_files() {
    let dir = app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<view/>\n  <include src=\"nope\"/>\n<import src=\"/gone/t.wxml\"/>\n<wxs module=\"m\" src=\"./m.wxs\"/>"),
        ("pages/index/index.wxss", b"@charset \"utf-8\";\n@import \"nope.wxss\";\n.a { color: red; }"),
        ("app.wxss", b"@import '/styles/missing';"),
    ]);
    let b = build_in_time(&dir);
    let f = "pages/index/index.wxml";
    assert!(has(&b, f, 2, 3, "missing-file") && has(&b, f, 3, 1, "missing-file") && has(&b, f, 4, 1, "missing-file"), "{:?}", found(&b));
    assert!(has(&b, "pages/index/index.wxss", 2, 1, "missing-file"), "{:?}", found(&b));
    assert!(has(&b, "app.wxss", 1, 1, "missing-file"), "{:?}", found(&b));
    assert!(render(&b, f, "{}").starts_with("[{\"tag\":\"view\""));
}

#[test]
fn wxss_import_cycles() {
    let dir = app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<view/>"),
        ("pages/index/index.wxss", b"@import \"a.wxss\";\n.page { width: 750rpx; }"),
        ("pages/index/a.wxss", b"\n@import \"b\";\n.a { color: red; }"),
        ("pages/index/b.wxss", b"@import \"/pages/index/a.wxss\";\n.b { color: blue; }"),
        ("self.wxss", b"\n\n  @import \"self.wxss\";"),
    ]);
    let b = build_in_time(&dir);
    assert!(has_code(&b, "pages/index/b.wxss", "import-cycle"), "{:?}", found(&b));
    assert!(has(&b, "self.wxss", 3, 3, "import-cycle"), "{:?}", found(&b));
    let css = String::from_utf8(b.files["main/css/pages/index/index.css"].clone()).unwrap();
    assert!(css.contains("color:red") && css.contains("color:#00f") && css.contains("100vw"), "{css}");

    // A diamond of imports many times over: each file imports the next ten times, 16
    // deep (10^16 inlinings if each import were inlined anew).
    let mut files: Vec<(String, Vec<u8>)> = vec![("app.json".into(), ONE_PAGE.to_vec()), ("pages/index/index.wxml".into(), b"<view/>".to_vec())];
    for i in 0..16 {
        let mut s = String::new();
        for _ in 0..10 {
            s.push_str(&format!("@import \"s{}.wxss\";\n", i + 1));
        }
        s.push_str(&format!(".c{i} {{ margin: {i}rpx; }}\n"));
        files.push((format!("s{i}.wxss"), s.into_bytes()));
    }
    files.push(("s16.wxss".into(), b".end { color: red; }".to_vec()));
    let list: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let b = build_in_time(&app(&list));
    assert!(b.files.contains_key("main/css/s0.css"), "{:?}", found(&b));
}

#[test]
fn bytes_that_are_not_utf8() {
    let bad: &[u8] = b"<view>\xff\xfe caf\xe9</view>";
    let dir = app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<view/>"),
        ("pages/index/index.json", b"{\"navigationBarTitleText\": \"\xff\"}"),
        ("pages/index/index.js", b"Page({data: '\xc3\x28'})"),
        ("pages/index/index.wxss", b".a { content: '\xff'; }"),
        ("pages/index/other.wxml", bad),
        ("utils/u.wxs", b"module.exports = '\xe2\x82';"),
    ]);
    let b = build_in_time(&dir);
    for f in ["pages/index/other.wxml", "utils/u.wxs", "pages/index/index.js", "pages/index/index.wxss", "pages/index/index.json"] {
        assert!(has_code(&b, f, "not-utf8"), "{f}: {:?}", found(&b));
    }
    assert!(render(&b, "pages/index/index.wxml", "{}").starts_with("[{\"tag\":\"view\""));

    // app.json itself.
    let b = build_in_time(&app(&[("app.json", b"{\"pages\": [\"\xff\"]}")]));
    assert!(has_code(&b, "app.json", "no-app-json") || has_code(&b, "app.json", "not-utf8"), "{:?}", found(&b));
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>")]);
    std::fs::write(dir.join("pages").join(OsStr::from_bytes(b"bad\xff.wxml")), "<text/>").unwrap();
    // A folder whose name is not UTF-8 must not lose its name: its app.json is not the app's.
    let odd = dir.join(OsStr::from_bytes(b"dir\xfe"));
    std::fs::create_dir_all(odd.join("pages/index")).unwrap();
    std::fs::write(odd.join("app.json"), r#"{"pages": ["pages/evil/evil"]}"#).unwrap();
    std::fs::write(odd.join("pages/index/index.wxml"), "<evil/>").unwrap();
    let b = build_in_time(&dir);
    let bad: Vec<_> = b.diagnostics.iter().filter(|d| d.code == "bad-file-name").collect();
    assert_eq!(bad.len(), 2, "{:?}", found(&b));
    assert!(bad.iter().all(|d| !d.file.starts_with('/') && d.file.contains('\u{fffd}')), "{bad:?}");
    assert_eq!(b.manifest.as_ref().unwrap().packages[0].pages, vec!["pages/index/index"]);
    assert_eq!(b.errors(), 2, "{:?}", found(&b));
    assert!(render(&b, "pages/index/index.wxml", "{}").starts_with("[{\"tag\":\"view\""));
}

#[test]
fn paths_that_leave_the_package() {
    let dir = app(&[
        (
            "app.json",
            br#"{
  "pages": ["pages/index/index", "../outside/page", "pages/../../x", "/abs/page"],
  "subpackages": [{"root": "../sub", "pages": ["a"]}, {"root": "ok/../../up", "pages": ["a"]}],
  "usingComponents": {"g-comp": "../../../../etc/comp"}
}"#,
        ),
        (
            "pages/index/index.wxml",
            b"<import src=\"../../../etc/passwd\"/>\n<include src=\"/../../x\"/>\n<wxs module=\"m\" src=\"../../../../m.wxs\"/>\n<view/>",
        ),
        ("pages/index/index.json", br#"{"usingComponents": {"x-comp": "../../../outside/comp", "y-comp": "/../up/comp"}}"#),
        ("pages/index/index.wxss", b"@import \"../../../etc/a.wxss\";\n@import '/../b';"),
    ]);
    let b = build_in_time(&dir);
    let f = "pages/index/index.wxml";
    assert!(has(&b, f, 1, 1, "path-escapes") && has(&b, f, 2, 1, "path-escapes") && has(&b, f, 3, 1, "path-escapes"), "{:?}", found(&b));
    assert!(has(&b, "pages/index/index.wxss", 1, 1, "path-escapes"), "{:?}", found(&b));
    for (file, line, code) in [("app.json", 2, "bad-page"), ("app.json", 3, "bad-root"), ("app.json", 4, "missing-component"), ("pages/index/index.json", 1, "missing-component")] {
        assert!(b.diagnostics.iter().any(|d| d.file == file && d.line == line && d.code == code), "{file}:{line} {code} in {:?}", found(&b));
    }
    assert_eq!(b.manifest.as_ref().unwrap().packages.len(), 1);
    assert!(b.files.keys().all(|k| !k.contains("..")), "{:?}", b.files.keys());
    assert!(render(&b, f, "{}").starts_with("[{\"tag\":\"view\""));

    for root in ["../outside", "/etc", "a/../../b"] {
        let dir = app(&[("project.config.json", format!("{{\"miniprogramRoot\": {root:?}}}").as_bytes()), ("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>")]);
        let b = build_in_time(&dir);
        assert!(has_code(&b, "project.config.json", "path-escapes"), "{root}: {:?}", found(&b));
    }
}

#[cfg(unix)]
#[test]
fn links_that_point_outside() {
    use std::os::unix::fs::symlink;
    let outside = app(&[("app.json", br#"{"pages": ["secret/page"]}"#), ("secret/page.wxml", b"<secret/>"), ("big.txt", b"x")]);
    let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>")]);
    symlink(&outside, dir.join("linked")).unwrap();
    symlink(outside.join("secret/page.wxml"), dir.join("pages/index/other.wxml")).unwrap();
    symlink("/etc/passwd", dir.join("passwd.wxss")).unwrap();
    let b = build_in_time(&dir);
    for f in ["linked", "pages/index/other.wxml", "passwd.wxss"] {
        assert!(has_code(&b, f, "symlink"), "{f}: {:?}", found(&b));
    }
    assert!(b.files.keys().all(|k| !k.contains("secret") && !k.contains("passwd")), "{:?}", b.files.keys());

    // The mini program's own root, app.json, project.config.json: links are not followed
    // either (project.config.json linked to /dev/zero would be read forever).
    let dir = app(&[("project.config.json", br#"{"miniprogramRoot": "mp"}"#)]);
    symlink(&outside, dir.join("mp")).unwrap();
    let b = build_in_time(&dir);
    assert!(b.manifest.is_none() && b.errors() > 0, "{:?}", found(&b));
    assert!(b.files.is_empty());
    let dir = app(&[("pages/index/index.wxml", b"<view/>")]);
    symlink(outside.join("app.json"), dir.join("app.json")).unwrap();
    symlink("/dev/zero", dir.join("project.config.json")).unwrap();
    let b = build_in_time(&dir);
    assert!(b.manifest.is_none() && has_code(&b, "app.json", "no-app-json"), "{:?}", found(&b));
    let _ = std::fs::remove_dir_all(&outside);
}

#[test]
fn huge_and_deep_app_json() {
    // Nested deeper than serde_json's recursion limit (128): an error at its place.
    let deep = format!("{{\"pages\": [\"pages/index/index\"], \"window\": {}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let b = build_in_time(&app(&[("app.json", deep.as_bytes()), ("pages/index/index.wxml", b"<view/>")]));
    let d = b.diagnostics.iter().find(|d| d.code == "bad-json").unwrap_or_else(|| panic!("{:?}", found(&b)));
    assert_eq!((d.file.as_str(), d.line), ("app.json", 1));
    assert!(d.col > 128 && d.col < 200 && d.message.contains("recursion"), "{d:?}");
    assert!(d.excerpt.chars().count() <= 200);
    // A page's JSON and a component's, too.
    let b = build_in_time(&app(&[
        ("app.json", ONE_PAGE),
        ("pages/index/index.wxml", b"<view/>"),
        ("pages/index/index.json", format!("{{\"usingComponents\": {}}}", "{\"a\":".repeat(50_000)).as_bytes()),
    ]));
    assert!(has_code(&b, "pages/index/index.json", "bad-json"), "{:?}", found(&b));

    // 15 MB of app.json: one long string, then 50,000 pages none of which exists.
    let long = format!("{{\"pages\": [\"pages/index/index\"], \"window\": {{\"navigationBarTitleText\": \"{}\"}}}}", "x".repeat(15 << 20));
    let b = build_in_time(&app(&[("app.json", long.as_bytes()), ("pages/index/index.wxml", b"<view/>")]));
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    let pages: Vec<String> = (0..50_000).map(|i| format!("pages/p{i}/p{i}")).collect();
    let many = serde_json::to_string_pretty(&serde_json::json!({ "pages": pages })).unwrap();
    let b = build_in_time(&app(&[("app.json", many.as_bytes())]));
    assert!(has(&b, "app.json", 3, 5, "missing-page"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() <= 1000, "{} diagnostics", b.diagnostics.len());
    // Each listed twice, 50,000 times: reported, not compared pairwise.
    let pages: Vec<String> = (0..100_000).map(|i| format!("p/{}", i / 2)).collect();
    let dup = serde_json::to_string(&serde_json::json!({ "pages": pages })).unwrap();
    let b = build_in_time(&app(&[("app.json", dup.as_bytes())]));
    assert!(has_code(&b, "app.json", "duplicate-page"), "{:?}", &found(&b)[..3]);
}

#[test]
fn thousands_of_pages() {
    let n = 2000;
    let pages: Vec<String> = (0..n).map(|i| format!("pages/p{i}/p{i}")).collect();
    let app_json = serde_json::to_string(&serde_json::json!({ "pages": pages, "subpackages": (0..5).map(|s| serde_json::json!({"root": format!("sub{s}"), "pages": ["a/a"]})).collect::<Vec<_>>() })).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = vec![("app.json".into(), app_json.into_bytes())];
    for p in &pages {
        files.push((format!("{p}.wxml"), format!("<view class=\"{p}\">{{{{title}}}}</view>").into_bytes()));
        if p.ends_with('7') {
            files.push((format!("{p}.wxss"), format!(".a {{ width: {}rpx; }}", p.len()).into_bytes()));
        }
        files.push((format!("{p}.json"), b"{}".to_vec()));
    }
    for s in 0..5 {
        files.push((format!("sub{s}/a/a.wxml"), b"<view/>".to_vec()));
    }
    let list: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let b = build_in_time(&app(&list));
    assert_eq!(b.errors(), 0, "{:?}", &found(&b)[..found(&b).len().min(5)]);
    let m = b.manifest.as_ref().unwrap();
    assert_eq!((m.packages.len(), m.packages[0].pages.len()), (6, n));
    assert_eq!(render(&b, "pages/p1999/p1999.wxml", "{title: 'last'}"), r#"[{"tag":"view","attrs":{"class":"pages/p1999/p1999"},"children":["last"]}]"#);
}

#[test]
fn expressions_nested_thousands_deep() {
    let page = |text: String| {
        let dir = app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", text.as_bytes())]);
        build_in_time(&dir)
    };
    let f = "pages/index/index.wxml";
    for (open, close) in [("(", ")"), ("[", "]"), ("{a:", "}"), ("!", ""), ("-", ""), ("a ? ", " : 1"), ("f(", ")"), ("a[", "]")] {
        let b = page(format!("<view>\n  <text>{{{{ {}1{} }}}}</text>\n</view>", open.repeat(5000), close.repeat(5000)));
        let d = b.diagnostics.iter().find(|d| d.code == "bad-expression").unwrap_or_else(|| panic!("{open}: {:?}", found(&b)));
        assert!(d.file == f && d.line == 2 && d.message.contains("nests more than"), "{open}: {d:?}");
    }
    // Long chains build deep trees without recursing while parsing: bounded too.
    for chain in ["a.b".to_string() + &".b".repeat(100_000), "1".to_string() + &" + 1".repeat(100_000), "f".to_string() + &"(1)".repeat(100_000), "a".to_string() + &"[0]".repeat(100_000), "1".to_string() + &" || a && 1 == 2 < 3 + 4 * 5".repeat(20_000)] {
        let b = page(format!("<view attr=\"{{{{ {chain} }}}}\">{{{{ {chain} }}}}</view>"));
        assert!(b.diagnostics.iter().filter(|d| d.code == "bad-expression").count() == 2, "{}: {:?}", &chain[..20], found(&b));
        assert!(render(&b, f, "{a: {}}").starts_with('['));
    }
    // As deep as allowed, of each kind: compiles on a 2 MB thread and renders.
    for (open, close) in [("(", ")"), ("[", "]"), ("{a:", "}"), ("!", ""), ("-(", ")"), ("a ? ", " : 1"), ("f(", ")"), ("a[", "]"), ("1 || 2 && 3 == 4 < 5 + 6 * !(", ")")] {
        let deepest = (1..200)
            .rev()
            .find(|n| openmini_compiler::wxml::expr::parse_expr(&format!("{}1{}", open.repeat(*n), close.repeat(*n))).is_ok())
            .unwrap_or_else(|| panic!("{open}"));
        assert!(deepest >= 14, "{open}: only {deepest} deep");
        let b = page(format!("<text attr=\"{{{{ {o}1{c} }}}}\">{{{{ {o}1{c} }}}}</text>", o = open.repeat(deepest), c = close.repeat(deepest)));
        assert_eq!(b.errors(), 0, "{open}: {:?}", found(&b));
        assert!(render(&b, f, "{a: {}, f: function () { return 1; }}").starts_with("[{\"tag\":\"text\""), "{open}");
    }
    let b = page(format!("<text>{{{{ {}1{} }}}}</text>", "(".repeat(100), ")".repeat(100)));
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
    assert_eq!(render(&b, f, "{}"), r#"[{"tag":"text","attrs":{},"children":["1"]}]"#);
    let b = page(format!("<text>{{{{ a{} }}}}</text>", ".b".repeat(100)));
    assert_eq!(b.errors(), 0, "{:?}", found(&b));
}

#[test]
fn attribute_floods() {
    let f = "pages/index/index.wxml";
    let many: String = (0..100_000).map(|i| format!(" a{i}=\"{{{{v}}}}-{i}\"")).collect();
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, format!("<view{many}/>").as_bytes())]));
    assert_eq!(b.errors(), 0, "{:?}", &found(&b)[..found(&b).len().min(3)]);
    let out = render(&b, f, "{v: 'x'}");
    assert!(out.contains("\"a99999\":\"x-99999\""), "{}", &out[..200]);
    // The same attribute 100,000 times, between others: the last one counts.
    let dup: String = (0..100_000).map(|i| format!(" x=\"{i}\" y{}=\"1\"", i % 1000)).collect();
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, format!("<view{dup}/>").as_bytes())]));
    assert!(has(&b, f, 1, 20, "duplicate-attribute"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() < 1000);
    assert!(render(&b, f, "{}").contains("\"x\":\"99999\""));
    // Bad expressions in all of them: reported, but not 100,000 times.
    let bad: String = (0..100_000).map(|i| format!(" a{i}=\"{{{{ 1 + }}}}\"")).collect();
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, format!("<view{bad}/>").as_bytes())]));
    assert!(has(&b, f, 1, 18, "bad-expression"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() < 1000, "{} diagnostics", b.diagnostics.len());
    // Unquoted values with a `{{` never closed, over and over.
    let open: String = " a={{".repeat(200_000);
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, format!("<view{open}>").as_bytes())]));
    assert!(b.errors() > 0);
}

#[test]
fn very_long_lines() {
    let f = "pages/index/index.wxml";
    // 2 MB on one line, an error every few bytes: reported with short excerpts.
    let line = "<view>{{ 1 + }}</view><text a=\"{{ ) }}\"/></x>".repeat(2 << 20 >> 6);
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, format!("<page>\n{line}\n").as_bytes())]));
    assert!(has(&b, f, 2, 14, "bad-expression"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() < 1000, "{} diagnostics", b.diagnostics.len());
    assert!(b.diagnostics.iter().all(|d| d.excerpt.chars().count() <= 200));
    // The same in WXSS.
    let css = ".a { color: red; } ! { } ".repeat(1 << 20 >> 5);
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), (f, b"<view/>"), ("pages/index/index.wxss", css.as_bytes())]));
    let w = "pages/index/index.wxss";
    assert!(has(&b, w, 1, 20, "bad-css") && has_code(&b, w, "too-many-errors"), "{:?}", &found(&b)[..3]);
    assert!(b.diagnostics.len() < 1000, "{} diagnostics", b.diagnostics.len());
    // Each excerpt is the part of the line around its column, the caret on the problem.
    for d in &b.diagnostics {
        assert!(d.excerpt.chars().count() <= 200, "{d:?}");
        if d.code == "bad-css" {
            assert_eq!(d.excerpt.chars().nth(d.excerpt_col - 1), Some('!'), "{d}");
        }
    }
}

/// Nested rules are written out as every combination of their selector lists for the
/// container's browsers: ten lists of ten, nested ten deep, in 600 bytes, would be 10^10
/// selectors (found by the fuzzer, fuzz/: 11 KB of WXSS became 4 MB of CSS).
#[test]
fn wxss_nesting_that_multiplies() {
    let f = "pages/index/index.wxss";
    let mut css = String::new();
    for level in 0..10 {
        css.push_str(&(0..10).map(|i| format!(".x{level}_{i}")).collect::<Vec<_>>().join(","));
        css.push('{');
    }
    css.push_str("color:red;");
    css.push_str(&"}".repeat(10));
    let b = build_in_time(&app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>"), (f, css.as_bytes()), ("ok.wxss", b".a, .b { .c, .d { color: red; } }")]));
    assert!(has(&b, f, 1, 1, "nesting-too-large"), "{:?}", found(&b));
    assert!(b.files["main/css/pages/index/index.css"].len() < 1000);
    // Modest nesting is written out.
    assert!(!has_code(&b, "ok.wxss", "nesting-too-large"), "{:?}", found(&b));
    let ok = String::from_utf8_lossy(&b.files["main/css/ok.css"]).into_owned();
    assert!(ok.contains(".a") && ok.contains(".d{color:red}"), "{ok}");
}

#[test]
fn deeply_nested_wxss() {
    let f = "pages/index/index.wxss";
    // As deep as allowed compiles (lightningcss recurses; the build thread has 2 MB).
    for (open, close) in [(":is(", ")"), ("@media screen{", "}"), ("@supports (display: grid){", "}"), (".a{", "}"), ("calc(", ")"), ("var(--a,", ")")] {
        let inner = if open.starts_with(':') { ".a" } else { "1px" };
        let n = 31;
        let css = if open.starts_with(':') {
            format!(".x{}{inner}{} {{ color: red; }}", open.repeat(n), close.repeat(n))
        } else if open.ends_with('{') {
            format!(".x {{ {}color: blue;{} }}", open.repeat(n), close.repeat(n))
        } else {
            format!(".x {{ width: {}1px{}; }}", open.repeat(n), close.repeat(n))
        };
        let b = build_in_time(&app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>"), (f, css.as_bytes())]));
        assert!(!has_code(&b, f, "too-deep"), "{open}: {:?}", found(&b));
    }
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), (".a{", "}"), (":is(", ")"), ("@media screen{", "}"), ("calc(", ")")] {
        let css = format!(".x {{ width: {}1px{}; }}", open.repeat(100_000), close.repeat(100_000));
        let b = build_in_time(&app(&[("app.json", ONE_PAGE), ("pages/index/index.wxml", b"<view/>"), (f, css.as_bytes())]));
        let d = b.diagnostics.iter().find(|d| d.code == "too-deep").unwrap_or_else(|| panic!("{open}: {:?}", found(&b)));
        assert!(d.file == f && d.line == 1 && d.col > 31 * open.len(), "{d:?}");
        assert!(matches!(d.excerpt.chars().nth(d.excerpt_col - 1), Some('(' | '[' | '{')), "{d}");
    }
}

#[test]
fn deeply_nested_wxs() {
    let f = "pages/index/index.wxml";
    let deep = format!("module.exports = {}1{};", "(".repeat(100_000), ")".repeat(100_000));
    let inline = format!("<view/>\n<wxs module=\"b\">var x = {}1{};</wxs>", "[".repeat(100_000), "]".repeat(100_000));
    let b = build_in_time(&app(&[
        ("app.json", ONE_PAGE),
        (f, format!("<wxs module=\"a\" src=\"/utils/a.wxs\"/>{inline}").as_bytes()),
        ("utils/a.wxs", deep.as_bytes()),
    ]));
    assert!(b.diagnostics.iter().any(|d| d.file == "utils/a.wxs" && d.line == 1 && d.severity == Severity::Error), "{:?}", found(&b));
    assert!(b.diagnostics.iter().any(|d| d.file == f && d.line == 2 && d.severity == Severity::Error), "{:?}", found(&b));
}
