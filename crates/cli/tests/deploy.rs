//! `openmini app deploy` as a developer runs it: a small mini program built and
//! deployed with the binary, then fetched file by file from a running `serve` and
//! checked against the manifest's hashes; a broken one refused with its diagnostics;
//! the demo mini program deployed by the first start when `examples/demo/` builds.

use openmini_core::keys::sha256_hex;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_openmini");

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("openmini_deploy_{tag}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs a command with `--json`: (success, its JSON object).
fn run(data: &Path, args: &[&str]) -> (bool, Value) {
    let out = Command::new(BIN).args(args).args(["--data", data.to_str().unwrap(), "--json"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("{args:?}: not one JSON object: {stdout} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), v)
}

fn ok(data: &Path, args: &[&str]) -> Value {
    let (success, v) = run(data, args);
    assert!(success, "{args:?} failed: {v}");
    v
}

/// A blocking HTTP/1.1 GET: (status, headers in lower case, body).
fn http_get(port: u16, path: &str) -> Option<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head, raw[split + 4..].to_vec()))
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data: &Path) -> (Serve, u16, PathBuf) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = data.join("serve.log");
    let child = Command::new(BIN)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()])
        .current_dir(data)
        .stdout(std::fs::File::create(data.join("serve.out")).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let guard = Serve(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_get(port, "/healthz").map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "serve did not come up: {}", std::fs::read_to_string(&log).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(50));
    }
    (guard, port, log)
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

const APP: &[(&str, &str)] = &[
    ("app.json", r#"{"pages": ["pages/index/index", "pages/about/about"], "window": {"navigationBarTitleText": "Deploy"}}"#),
    ("app.js", "App({ onLaunch() {} })"),
    ("app.wxss", "page { background: #fff; }"),
    ("pages/index/index.wxml", "<view class=\"hi\">Hello {{name}}</view><image src=\"/images/logo.png\"/>"),
    ("pages/index/index.js", "Page({ data: { name: 'deploy' } })"),
    ("pages/index/index.wxss", ".hi { width: 750rpx; }"),
    ("pages/index/index.json", "{}"),
    ("pages/about/about.wxml", "<text>about</text>"),
    ("pages/about/about.js", "Page({})"),
    ("images/logo.png", "\u{89}PNG not really"),
];

#[test]
fn deploy_then_fetch_every_file_from_serve() {
    let root = tmpdir("fetch");
    let data = root.join("data");
    let src = root.join("app");
    write(&src, APP);
    let subject = ok(&data, &["subject", "create", "--name", "Deployers"]);
    let app = ok(&data, &["app", "create", "--subject", &subject["id"].to_string(), "--kind", "miniprogram", "--name", "Deployed"]);
    let appid = app["appid"].as_str().unwrap().to_string();

    let d = ok(&data, &["app", "deploy", "--app", &appid, src.to_str().unwrap()]);
    assert_eq!((d["version"].as_i64(), d["base"].as_str()), (Some(1), Some(format!("/pkg/{appid}/1/").as_str())), "{d}");
    let d2 = ok(&data, &["app", "deploy", "--app", &appid, src.to_str().unwrap()]);
    assert_eq!(d2["version"], 2);
    assert_eq!(d2["manifest_sha256"], d["manifest_sha256"], "the same source builds the same bundle");
    let v = ok(&data, &["app", "versions", "--app", &appid]);
    assert_eq!(v["current"], 2);
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);

    // A broken app is refused with its diagnostics; the current version stays.
    let bad = root.join("bad");
    write(&bad, APP);
    write(&bad, &[("pages/about/about.wxml", "<view>{{ oops </view>")]);
    let (success, e) = run(&data, &["app", "deploy", "--app", &appid, bad.to_str().unwrap()]);
    assert!(!success);
    assert!(e["error"].as_str().unwrap().starts_with("not deployed"), "{e}");
    assert!(e["diagnostics"].as_array().unwrap().iter().any(|d| d["file"] == "pages/about/about.wxml"), "{e}");
    assert_eq!(ok(&data, &["app", "versions", "--app", &appid])["current"], 2);
    // Only mini programs have packages.
    let site = ok(&data, &["app", "create", "--subject", &subject["id"].to_string(), "--kind", "website", "--name", "Site"]);
    let (success, e) = run(&data, &["app", "deploy", "--app", site["appid"].as_str().unwrap(), src.to_str().unwrap()]);
    assert!(!success && e["error"].as_str().unwrap().contains("40013"), "{e}");

    let dm = ok(&data, &["app", "domains", "--app", &appid, "--request", "https://API.example.com/", "--download", "http://localhost:3000"]);
    assert_eq!(dm["request"], serde_json::json!(["https://api.example.com"]));
    assert_eq!(dm["download"], serde_json::json!(["http://localhost:3000"]));
    assert_eq!(ok(&data, &["app", "domains", "--app", &appid])["request"], dm["request"]);
    let (success, _) = run(&data, &["app", "domains", "--app", &appid, "--upload", "http://example.com"]);
    assert!(!success, "plain http only to this machine");

    let (_serve, port, _) = serve(&data);
    let (status, head, body) = http_get(port, &format!("/pkg/{appid}/2/manifest.json")).unwrap();
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json") && head.contains("immutable"), "{head}");
    let manifest: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(sha256_hex(&body), d2["manifest_sha256"].as_str().unwrap());
    let mut fetched = 0;
    for f in manifest["packages"].as_array().unwrap().iter().flat_map(|p| p["files"].as_array().unwrap()) {
        let path = f["path"].as_str().unwrap();
        let (status, head, bytes) = http_get(port, &format!("/pkg/{appid}/2/{path}")).unwrap();
        assert_eq!(status, 200, "{path}");
        assert_eq!(sha256_hex(&bytes), f["sha256"].as_str().unwrap(), "{path}");
        assert!(head.contains("access-control-allow-origin: *"), "{head}");
        if path.ends_with(".js") {
            assert!(head.contains("content-type: text/javascript"), "{path}: {head}");
        }
        fetched += 1;
    }
    assert!(fetched >= 5, "view.js, logic.js, stylesheets and the image: {fetched}");
    let (status, _, body) = http_get(port, &format!("/pkg/{appid}/2/../../openmini.db")).unwrap();
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    let (status, head, _) = http_get(port, &format!("/container/frame?appid={appid}")).unwrap();
    if status == 200 {
        assert!(head.contains(&format!("script-src http://127.0.0.1:{port}/container/ http://127.0.0.1:{port}/pkg/{appid}/;")), "{head}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_first_start_deploys_the_demo_mini_program_if_it_builds() {
    let root = tmpdir("demo");
    let (serve_guard, port, log) = serve(&root);
    let creds: Value = serde_json::from_str(&std::fs::read_to_string(root.join("demo-credentials.json")).unwrap()).unwrap();
    let appid = creds["apps"].as_array().unwrap().iter().find(|a| a["kind"] == "miniprogram").unwrap()["appid"].as_str().unwrap().to_string();
    drop(serve_guard);
    let versions = ok(&root, &["app", "versions", "--app", &appid]);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let log = std::fs::read_to_string(log).unwrap();
    if versions["current"] == 1 {
        let d = ok(&root, &["app", "domains", "--app", &appid]);
        assert!(d["request"].as_array().unwrap().iter().any(|o| o == &format!("http://127.0.0.1:{port}")), "{d}");
    } else {
        // No demo source yet, or one that does not build: a warning, and serve runs.
        assert!(!demo.join("app.json").exists() || log.contains("does not build"), "{log}");
        assert!(log.contains("demo"), "{log}");
    }
    let _ = std::fs::remove_dir_all(&root);
}
