//! The container's server side in-process: deployed package files (and every way of
//! asking for a file that is not one), the package endpoint, the frame's CSP and the
//! embedded runtime, analytics intake, QR scanning, and the network proxy against a
//! local developer server (allowed and refused origins, redirects, timeouts, size
//! limits, binary bodies, headers). Plus hostile bodies on every new route.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::{any, get};
use axum::Router;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use http_body_util::BodyExt;
use openmini_core::container::package;
use openmini_core::container::store::{DomainKind, EventStore};
use openmini_core::container::domains;
use openmini_core::identity::AppKind;
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::state::AppState;
use openmini_server::{router, Platform};
use openmini_store::{ConnectOptions, Db};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

mod common;
use common::{send, Resp};

static N: AtomicU64 = AtomicU64::new(0);

struct World {
    router: Router,
    state: AppState,
    appid: String,
    app_id: i64,
    user: i64,
    /// `Authorization: Bearer …` of a signed-in user.
    auth: String,
}

async fn world_with(mut cfg: Config) -> World {
    let dir = std::env::temp_dir().join(format!("openmini_ctr_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    cfg.data = dir.clone();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let p = Platform::on(db.clone(), Arc::new(SystemClock), cfg.identity.clone()).await.unwrap();
    let s = p.identity.create_subject("S").await.unwrap();
    let (app, _) = p.identity.create_app(s.id, AppKind::Miniprogram, "Mini", None).await.unwrap();
    p.identity.store().create_host_app("Shell", 0).await.unwrap();
    let phone = format!("138{:08}", N.fetch_add(1, Ordering::SeqCst));
    let code = p.identity.signin_start(&phone).await.unwrap();
    let (token, user) = p.identity.signin_verify(&phone, &code, 1).await.unwrap();
    let state = AppState::new(p.identity, db, cfg);
    World { router: router(state.clone()), state, appid: app.appid, app_id: app.id, user: user.id, auth: format!("Bearer {token}") }
}

async fn world() -> World {
    world_with(Config::default()).await
}

impl World {
    async fn get(&self, uri: &str) -> Resp {
        send(&self.router, "GET", uri, &[], Body::empty()).await
    }
    /// A client call as the signed-in user.
    async fn call(&self, method: &str, uri: &str, body: impl Into<Body>) -> Resp {
        send(&self.router, method, uri, &[("authorization", &self.auth)], body).await
    }
    async fn post(&self, what: &str, body: Value) -> Resp {
        self.call("POST", &format!("/client/v1/apps/{}/{what}", self.appid), body.to_string()).await
    }
    async fn deploy(&self, app_id: i64, files: &BTreeMap<String, Vec<u8>>) -> i64 {
        let app = self.state.identity.store().app_by_id(app_id).await.unwrap().unwrap();
        package::deploy(&self.state.db, self.state.packages.as_ref(), &app, files, "test", self.state.identity.now()).await.unwrap().version
    }
    async fn allow(&self, kind: DomainKind, origins: &[String]) {
        domains::set(&self.state.db, self.app_id, &[(kind, origins.to_vec())], self.state.identity.now()).await.unwrap();
    }
}

/// A small bundle as the compiler writes it.
fn bundle(tag: &str) -> BTreeMap<String, Vec<u8>> {
    let manifest = json!({"format": 1, "generator": "test", "packages": [{"root": "", "pages": ["pages/index/index"]}], "tag": tag});
    BTreeMap::from([
        ("manifest.json".to_string(), serde_json::to_vec_pretty(&manifest).unwrap()),
        ("main/view.js".into(), format!("({{pages: {{}}}}) // {tag}").into_bytes()),
        ("main/logic.js".into(), b"define(\"app.js\", function (require, module, exports) {});".to_vec()),
        ("main/css/app.css".into(), b"wx-view{color:red}".to_vec()),
        ("main/files/logo.png".into(), b"\x89PNG\r\n\x1a\nnot really".to_vec()),
        ("main/files/data.json".into(), br#"{"a":1}"#.to_vec()),
        (format!("main/files/{tag}.txt"), tag.as_bytes().to_vec()),
    ])
}

#[tokio::test]
async fn package_files_are_served_immutable_with_their_types() {
    let w = world().await;
    let files = bundle("one");
    assert_eq!(w.deploy(w.app_id, &files).await, 1);
    for (path, ctype) in [
        ("manifest.json", "application/json"),
        ("main/view.js", "text/javascript; charset=utf-8"),
        ("main/logic.js", "text/javascript; charset=utf-8"),
        ("main/css/app.css", "text/css; charset=utf-8"),
        ("main/files/logo.png", "image/png"),
        ("main/files/data.json", "application/json"),
    ] {
        let r = w.get(&format!("/pkg/{}/1/{path}", w.appid)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.body, files[path], "{path}");
        assert_eq!(r.header("content-type"), ctype, "{path}");
        assert_eq!(r.header("cache-control"), "public, max-age=31536000, immutable");
        assert_eq!(r.header("access-control-allow-origin"), "*");
        assert_eq!(r.header("x-content-type-options"), "nosniff");
        assert!(r.header("content-security-policy").starts_with("sandbox"), "opened as a document, a file runs nothing");
    }
    // An older version stays served after a new one.
    assert_eq!(w.deploy(w.app_id, &bundle("two")).await, 2);
    assert_eq!(w.get(&format!("/pkg/{}/1/main/files/one.txt", w.appid)).await.body, b"one");
    assert_eq!(w.get(&format!("/pkg/{}/2/main/files/two.txt", w.appid)).await.body, b"two");
}

#[tokio::test]
async fn anything_but_a_listed_file_is_a_json_404() {
    let w = world().await;
    w.deploy(w.app_id, &bundle("mine")).await;
    // Another app's package: its files are not this app's.
    let s = w.state.identity.create_subject("Other").await.unwrap();
    let (other, _) = w.state.identity.create_app(s.id, AppKind::Miniprogram, "Other", None).await.unwrap();
    w.deploy(other.id, &bundle("theirs")).await;
    assert_eq!(w.get(&format!("/pkg/{}/1/main/files/theirs.txt", other.appid)).await.status, StatusCode::OK);
    let a = &w.appid;
    for uri in [
        format!("/pkg/{a}/1/main/files/theirs.txt"),
        format!("/pkg/{a}/1/../1/manifest.json"),
        format!("/pkg/{a}/1/main/../manifest.json"),
        format!("/pkg/{a}/1/%2e%2e/%2e%2e/Cargo.toml"),
        format!("/pkg/{a}/1/main/%2e%2e/manifest.json"),
        format!("/pkg/{a}/1/..%2f..%2fCargo.toml"),
        format!("/pkg/{a}/1//etc/passwd"),
        format!("/pkg/{a}/1/%2Fetc%2Fpasswd"),
        format!("/pkg/{a}/1/main\\..\\manifest.json"),
        format!("/pkg/{a}/1/main/files"),
        format!("/pkg/{a}/1/main/files/"),
        format!("/pkg/{a}/1/MANIFEST.JSON"),
        format!("/pkg/{a}/1/%00"),
        format!("/pkg/{a}/1/%FF%FE"),
        format!("/pkg/{a}/2/manifest.json"),
        format!("/pkg/{a}/0/manifest.json"),
        format!("/pkg/{a}/-1/manifest.json"),
        format!("/pkg/{a}/1.0/manifest.json"),
        format!("/pkg/{a}/99999999999999999999999/manifest.json"),
        format!("/pkg/{a}/latest/manifest.json"),
        format!("/pkg/{a}/1/"),
        format!("/pkg/{a}/1"),
        "/pkg/wx0000000000000000/1/manifest.json".to_string(),
        "/pkg/../1/manifest.json".to_string(),
        "/pkg/WXnothex/1/manifest.json".to_string(),
    ] {
        let r = w.get(&uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.header("content-type"), "application/json", "{uri}");
        assert_eq!(r.json()["errcode"], 48004, "{uri}");
    }
}

#[tokio::test]
async fn the_package_endpoint_names_the_current_version() {
    let w = world().await;
    let uri = format!("/client/v1/apps/{}/package", w.appid);
    assert_eq!(w.get(&uri).await.status, StatusCode::UNAUTHORIZED);
    let r = w.call("GET", &uri, Body::empty()).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::NOT_FOUND, Some(85900)));
    assert!(r.json()["errmsg"].as_str().unwrap().starts_with("no version deployed"));
    let files = bundle("v1");
    w.deploy(w.app_id, &files).await;
    w.deploy(w.app_id, &bundle("v2")).await;
    let v = w.call("GET", &uri, Body::empty()).await.json();
    assert_eq!(v["appid"], w.appid.as_str());
    assert_eq!(v["name"], "Mini");
    assert_eq!(v["version"], 2);
    assert_eq!(v["base"], format!("/pkg/{}/2/", w.appid));
    assert_eq!(v["manifest"]["tag"], "v2");
    assert_eq!(v["manifest"]["format"], 1);
    // Unknown, malformed, and apps that are not mini programs.
    for bad in ["wx0000000000000000", "nope", "wx00"] {
        let r = w.call("GET", &format!("/client/v1/apps/{bad}/package"), Body::empty()).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::NOT_FOUND, Some(40013)), "{bad}");
    }
    let s = w.state.identity.create_subject("S2").await.unwrap();
    let (site, _) = w.state.identity.create_app(s.id, AppKind::Website, "Site", None).await.unwrap();
    let r = w.call("GET", &format!("/client/v1/apps/{}/package", site.appid), Body::empty()).await;
    assert_eq!(r.json()["errcode"], 40013);
}

#[tokio::test]
async fn the_catalogue_lists_what_users_can_open() {
    let w = world().await;
    assert_eq!(w.get("/client/v1/apps").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.call("GET", "/client/v1/apps", Body::empty()).await.json()["apps"], serde_json::json!([]));
    w.deploy(w.app_id, &bundle("v1")).await;
    let all = w.call("GET", "/client/v1/apps", Body::empty()).await.json();
    assert_eq!(all["apps"], serde_json::json!([{"appid": w.appid, "name": "Mini", "version": 1}]));
    assert_eq!(w.call("GET", "/client/v1/apps?q=mIn", Body::empty()).await.json()["apps"].as_array().unwrap().len(), 1);
    assert_eq!(w.call("GET", "/client/v1/apps?q=zzz", Body::empty()).await.json()["apps"], serde_json::json!([]));
    for bad in ["/client/v1/apps?limit=x", &format!("/client/v1/apps?q={}", "长".repeat(65))] {
        let r = w.call("GET", bad, Body::empty()).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_REQUEST, Some(40097)), "{bad}");
    }
}

const CSP_FOR: &str = "default-src 'none'; script-src {O}/container/ {O}/pkg/{A}/; worker-src blob:; connect-src {O}/pkg/{A}/; \
style-src 'unsafe-inline' {O}/container/ {O}/pkg/{A}/; img-src * data: blob:; media-src * data: blob:; font-src {O}/container/ data:; \
frame-src 'none'; form-action 'none'; base-uri 'none'; sandbox allow-scripts";

#[tokio::test]
async fn the_frame_carries_the_apps_csp() {
    let w = world().await;
    let uri = format!("/container/frame?appid={}", w.appid);
    let r = send(&w.router, "GET", &uri, &[("host", "127.0.0.1:8080")], Body::empty()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("cache-control"), "no-store");
    let want = CSP_FOR.replace("{O}", "http://127.0.0.1:8080").replace("{A}", &w.appid);
    assert_eq!(r.header("content-security-policy"), want);
    assert!(String::from_utf8_lossy(&r.body).to_ascii_lowercase().contains("<html"), "an HTML document");
    // Behind a TLS proxy.
    let r = send(&w.router, "GET", &uri, &[("host", "Mini.Example.com"), ("x-forwarded-proto", "https")], Body::empty()).await;
    assert!(r.header("content-security-policy").contains("script-src https://mini.example.com/container/ "), "{}", r.header("content-security-policy"));
    // A Host that would write into the policy is refused.
    for host in ["a;script-src *", "a b", "evil.com/x"] {
        let r = send(&w.router, "GET", &uri, &[("host", host)], Body::empty()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{host}");
        assert!(r.header("content-security-policy").is_empty());
        r.json();
    }
    // Bad or missing appids.
    for q in ["", "?appid=", "?appid=wx00", "?appid=wx0123456789abcdeg", "?appid=wx0123456789abcdef%3B%20script-src%20*"] {
        let r = send(&w.router, "GET", &format!("/container/frame{q}"), &[("host", "127.0.0.1:8080")], Body::empty()).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::NOT_FOUND, Some(40013)), "{q}");
    }
    // public_url wins over Host.
    let w = world_with(Config { public_url: Some("https://mini.example.com".into()), ..Config::default() }).await;
    let r = send(&w.router, "GET", &format!("/container/frame?appid={}", w.appid), &[("host", "127.0.0.1:1")], Body::empty()).await;
    let want = CSP_FOR.replace("{O}", "https://mini.example.com").replace("{A}", &w.appid);
    assert_eq!(r.header("content-security-policy"), want);
}

#[tokio::test]
async fn the_runtime_is_served_from_the_embedded_web_folder() {
    let w = world().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/container");
    // Whatever runtime file exists now (others write web/ in parallel).
    let Some(js) = walk(&dir).into_iter().find(|p| p.ends_with(".js")) else { return };
    let r = w.get(&format!("/container/{js}")).await;
    assert_eq!(r.status, StatusCode::OK, "/container/{js}");
    assert_eq!(r.body, std::fs::read(dir.join(&js)).unwrap());
    assert_eq!(r.header("content-type"), "text/javascript; charset=utf-8");
    assert_eq!(r.header("access-control-allow-origin"), "*");
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let etag = r.header("etag").to_string();
    assert!(etag.starts_with('"') && etag.len() == 66, "{etag}");
    let r = send(&w.router, "GET", &format!("/container/{js}"), &[("if-none-match", &etag)], Body::empty()).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    // The frame only with its CSP; nothing outside the folder.
    for uri in [
        "/container/frame.html",
        "/container/../Cargo.toml",
        "/container/%2e%2e/%2e%2e/Cargo.toml",
        "/container/..%2f..%2fCargo.toml",
        "/container//etc/passwd",
        "/container/nope.js",
        "/shell/../container/frame.html",
        "/shell/%2e%2e/%2e%2e/crates/server/Cargo.toml",
    ] {
        let r = w.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.json()["errcode"], 48004, "{uri}");
    }
    // The runtime's bundles: every listed file, in order, each with its path in a comment.
    let lists: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("bundles.json")).unwrap()).unwrap();
    for name in ["view.js", "logic.js"] {
        let r = w.get(&format!("/container/bundle/{name}")).await;
        assert_eq!((r.status, r.header("content-type")), (StatusCode::OK, "text/javascript; charset=utf-8"), "{name}");
        assert_eq!(r.header("access-control-allow-origin"), "*");
        let text = String::from_utf8(r.body.clone()).unwrap();
        let mut at = 0;
        for f in lists[name].as_array().unwrap() {
            let f = f.as_str().unwrap();
            let here = text[at..].find(&format!("/* container/{f} */\n")).unwrap_or_else(|| panic!("{f} missing or out of order in {name}")) + at;
            let body = std::fs::read_to_string(dir.join(f)).unwrap();
            assert!(text[here..].contains(&body), "{f}");
            at = here + 1;
        }
        let etag = r.header("etag").to_string();
        let again = send(&w.router, "GET", &format!("/container/bundle/{name}"), &[("if-none-match", &etag)], Body::empty()).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    }
    for uri in ["/container/bundle/nope.js", "/container/bundle/", "/container/bundle/../bundles.json"] {
        assert_eq!(w.get(uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    // The shell at / when it is there; a JSON 404 when it is not.
    let r = w.get("/").await;
    if r.status == StatusCode::OK {
        assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
        assert_eq!(r.header("cache-control"), "no-cache");
    } else {
        assert_eq!(r.json()["errcode"], 48004);
    }
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in std::fs::read_dir(dir.join(&rel)).into_iter().flatten().flatten() {
            let p = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push(p.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn events_are_checked_then_stored_for_the_user() {
    let w = world_with(Config { body_limit: 64 << 10, ..Config::default() }).await;
    let r = w
        .post(
            "events",
            json!({
                "events": [{"name": "add_to_cart", "data": {"sku": "A1", "n": 2}, "at": 1718000000000i64}, {"name": "view_item"}],
                "open": {"scene": 1047, "path": "pages/item/item", "query": {"id": "7"}, "referrerInfo": {}},
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"ok": true, "recorded": 3}));
    let store: &dyn EventStore = &w.state.db;
    assert_eq!(store.count_events(w.app_id, Some("open"), None).await.unwrap(), 1);
    assert_eq!(store.count_events(w.app_id, Some("event"), Some("add_to_cart")).await.unwrap(), 1);
    let open = store.events(w.app_id, Some(w.user), 10).await.unwrap().into_iter().find(|e| e.kind == "open").unwrap();
    assert_eq!((open.scene, open.path.as_deref()), (Some(1047), Some("pages/item/item")));
    // Refused batches store nothing, and say why.
    let many: Vec<Value> = (0..101).map(|_| json!({"name": "x"})).collect();
    for (body, status, code) in [
        (json!({"events": [{"name": "ok"}, {"name": "9lives"}]}), 400, 40097),
        (json!({"events": [{"name": "ok", "data": {"k": [1, 2]}}]}), 400, 40097),
        (json!({"events": many}), 400, 40097),
        (json!({"open": {"scene": "1001"}}), 400, 40097),
        (json!({"events": {"name": "x"}}), 400, 47001),
        (json!({"events": [{"name": "x", "data": {"s": "y".repeat(70_000)}}]}), 400, 47001),
    ] {
        let r = w.post("events", body.clone()).await;
        assert_eq!((r.status.as_u16(), r.json()["errcode"].as_i64()), (status, Some(code)), "{}", &body.to_string()[..body.to_string().len().min(80)]);
    }
    assert_eq!(store.count_events(w.app_id, None, None).await.unwrap(), 3);
    assert_eq!(w.post("events", json!({})).await.json()["recorded"], 0);
    let r = send(&w.router, "POST", &format!("/client/v1/apps/{}/events", w.appid), &[], "{}").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = w.call("POST", "/client/v1/apps/wx0000000000000000/events", "{}").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A QR code image of `text`: 8 pixels a module, with the quiet zone.
fn qr_image(text: &str, format: image::ImageFormat) -> Vec<u8> {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (n, scale, quiet) = (code.width() as u32, 8u32, 4u32);
    let colors = code.to_colors();
    let side = (n + 2 * quiet) * scale;
    let img = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / scale) as i64 - quiet as i64, (y / scale) as i64 - quiet as i64);
        let dark = mx >= 0 && my >= 0 && (mx as u32) < n && (my as u32) < n && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[tokio::test]
async fn scan_decodes_png_and_jpeg_qr_codes() {
    let w = world().await;
    for (text, format) in [
        ("https://example.com/pages/index?scene=42", image::ImageFormat::Png),
        ("扫码点餐 table=7", image::ImageFormat::Jpeg),
    ] {
        let r = w.call("POST", "/client/v1/scan", qr_image(text, format)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
        let v = r.json();
        assert_eq!(v["result"], text);
        assert_eq!(v["scanType"], "QR_CODE");
        assert_eq!(v["charSet"], "utf-8");
        assert_eq!(B64.decode(v["rawData"].as_str().unwrap()).unwrap(), text.as_bytes());
    }
    // A picture without a code, things that are not pictures, too big, not signed in.
    let blank = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::GrayImage::from_pixel(64, 64, image::Luma([255])).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let r = w.call("POST", "/client/v1/scan", blank).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_REQUEST, Some(85905)));
    let mut truncated = qr_image("x", image::ImageFormat::Png);
    truncated.truncate(40);
    for body in [b"GIF89a....".to_vec(), Vec::new(), truncated, b"\xff\xd8\xff\xe0garbage".to_vec(), vec![0x89; 6 << 20]] {
        let r = w.call("POST", "/client/v1/scan", body).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_REQUEST, Some(47001)));
    }
    let r = send(&w.router, "POST", "/client/v1/scan", &[], qr_image("x", image::ImageFormat::Png)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

// ---- the network proxy, against a developer server of our own -------------------------

/// A request as the developer's server saw it: method, headers, body.
type Seen = (String, HeaderMap, Vec<u8>);

#[derive(Clone, Default)]
struct Dev {
    /// What the last request to /echo or /upload carried.
    seen: Arc<Mutex<Option<Seen>>>,
    hits_target: Arc<AtomicU64>,
}

async fn dev_server(dev: Dev) -> String {
    let record = |d: Dev| {
        move |req: Request<Body>| {
            let d = d.clone();
            async move {
                let (parts, body) = req.into_parts();
                let body = body.collect().await.unwrap().to_bytes().to_vec();
                *d.seen.lock().unwrap() = Some((parts.method.to_string(), parts.headers, body.clone()));
                ([("content-type", "application/json"), ("x-dev", "yes")], json!({"got": String::from_utf8_lossy(&body), "uri": parts.uri.to_string()}).to_string())
            }
        }
    };
    let target_hits = dev.hits_target.clone();
    let app = Router::new()
        .route("/echo", any(record(dev.clone())))
        .route("/upload", any(record(dev.clone())))
        .route("/redirect", get(|| async { (StatusCode::FOUND, [("location", "https://elsewhere.example.com/target")], "moved") }))
        .route("/local-redirect", get(|| async { (StatusCode::FOUND, [("location", "/target")], "") }))
        .route(
            "/target",
            get(move || {
                target_hits.fetch_add(1, Ordering::SeqCst);
                async { "target" }
            }),
        )
        .route("/slow", get(|| async { std::future::pending::<&str>().await }))
        .route("/big", get(|| async { vec![b'x'; 1001] }))
        .route("/big-chunked", get(|| async { Body::from_stream(tokio_stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 100])))) }))
        .route("/binary", get(|| async { ([("content-type", "image/png")], vec![0u8, 159, 146, 150, 255]) }))
        .route(
            "/cookie",
            get(|| async {
                let mut h = HeaderMap::new();
                h.append("set-cookie", "a=1; Path=/".parse().unwrap());
                h.append("set-cookie", "b=2; HttpOnly".parse().unwrap());
                (h, "cookies")
            }),
        )
        .route("/status", get(|| async { (StatusCode::IM_A_TEAPOT, "short and stout") }));
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://127.0.0.1:{}", l.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    origin
}

fn small_limits() -> Config {
    let mut cfg = Config::default();
    cfg.proxy.timeout_ms = 300;
    cfg.proxy.max_request_bytes = 1000;
    cfg.proxy.max_response_bytes = 1000;
    cfg
}

#[tokio::test]
async fn requests_reach_allowed_origins_with_wechats_headers_and_nothing_of_the_user() {
    let w = world_with(small_limits()).await;
    let dev = Dev::default();
    let origin = dev_server(dev.clone()).await;
    w.allow(DomainKind::Request, std::slice::from_ref(&origin)).await;
    let version = w.deploy(w.app_id, &bundle("v")).await;

    let r = w
        .post(
            "request",
            json!({
                "url": format!("{origin}/echo?x=1"), "method": "post", "data": "{\"a\":1}",
                "header": {
                    "X-Custom": "yes", "X-Number": 5, "Referer": "https://evil.example.com/", "Host": "evil.example.com",
                    "Connection": "X-Secret", "X-Secret": "hop", "Proxy-Authorization": "Basic eA==", "Accept-Encoding": "gzip",
                    "Cookie": "session=dev",
                },
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["statusCode"], 200);
    assert_eq!(v["dataEncoding"], "text");
    assert_eq!(v["header"]["x-dev"], "yes");
    assert_eq!(v["errMsg"], "request:ok");
    let echoed: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
    assert_eq!(echoed["got"], "{\"a\":1}");
    assert_eq!(echoed["uri"], "/echo?x=1");
    let (method, h, _) = dev.seen.lock().unwrap().take().unwrap();
    assert_eq!(method, "POST");
    let hv = |n: &str| h.get(n).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(hv("referer"), Some(format!("https://servicewechat.com/{}/{version}/page-frame.html", w.appid)));
    assert_eq!(hv("x-custom").as_deref(), Some("yes"));
    assert_eq!(hv("x-number").as_deref(), Some("5"));
    assert_eq!(hv("content-type").as_deref(), Some("application/json"), "wx.request's default");
    assert_eq!(hv("cookie").as_deref(), Some("session=dev"), "the developer's own cookie header");
    assert_eq!(hv("host"), Some(origin.trim_start_matches("http://").to_string()));
    assert!(hv("user-agent").unwrap().contains("miniProgram"));
    for gone in ["x-secret", "proxy-authorization", "accept-encoding", "authorization", "origin"] {
        assert_eq!(hv(gone), None, "{gone} must not reach the developer's server");
    }
    assert!(!format!("{h:?}").contains(w.auth.trim_start_matches("Bearer ")), "the user's platform token never leaves");

    // Binary bodies both ways, as base64.
    let bytes = [0u8, 1, 2, 254, 255];
    let r = w.post("request", json!({"url": format!("{origin}/echo"), "method": "PUT", "data": B64.encode(bytes), "dataEncoding": "base64"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(dev.seen.lock().unwrap().take().unwrap().2, bytes);
    let v = w.post("request", json!({"url": format!("{origin}/binary")})).await.json();
    assert_eq!((v["dataEncoding"].as_str(), v["header"]["content-type"].as_str()), (Some("base64"), Some("image/png")));
    assert_eq!(B64.decode(v["data"].as_str().unwrap()).unwrap(), [0u8, 159, 146, 150, 255]);
    let v = w.post("request", json!({"url": format!("{origin}/status"), "responseType": "arraybuffer"})).await.json();
    assert_eq!((v["statusCode"].as_i64(), v["dataEncoding"].as_str()), (Some(418), Some("base64")));
    assert_eq!(B64.decode(v["data"].as_str().unwrap()).unwrap(), b"short and stout");
    // Cookies, each Set-Cookie on its own.
    let v = w.post("request", json!({"url": format!("{origin}/cookie")})).await.json();
    assert_eq!(v["cookies"], json!(["a=1; Path=/", "b=2; HttpOnly"]));
    assert!(v["header"].get("transfer-encoding").is_none() && v["header"].get("connection").is_none());
    // GET carries no body; HEAD and OPTIONS go through.
    w.post("request", json!({"url": format!("{origin}/echo"), "data": "ignored"})).await;
    let (m, _, body) = dev.seen.lock().unwrap().take().unwrap();
    assert_eq!((m.as_str(), body.len()), ("GET", 0));
    for m in ["HEAD", "OPTIONS", "DELETE", "TRACE"] {
        let r = w.post("request", json!({"url": format!("{origin}/echo"), "method": m})).await;
        assert_eq!(r.status, StatusCode::OK, "{m}");
    }
}

#[tokio::test]
async fn refused_origins_redirects_timeouts_and_sizes() {
    let w = world_with(small_limits()).await;
    let dev = Dev::default();
    let origin = dev_server(dev.clone()).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    w.allow(DomainKind::Request, &[origin.clone(), closed.clone()]).await;
    let port = origin.rsplit(':').next().unwrap();
    // Not in the list: another port, another name for the same host, another kind.
    for url in [format!("http://localhost:{port}/echo"), "http://127.0.0.1:1/echo".into(), "https://example.com/".into()] {
        let r = w.post("request", json!({ "url": url })).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{url}");
        let v = r.json();
        assert_eq!(v["errcode"], 85901);
        assert!(v["errmsg"].as_str().unwrap().starts_with("url not in domain list"), "{v}");
    }
    assert!(dev.seen.lock().unwrap().is_none(), "nothing was sent");
    let r = w.post("upload", json!({"url": format!("{origin}/upload"), "name": "file", "fileData": ""})).await;
    assert_eq!(r.json()["errcode"], 85901, "request domains do not allow uploads");
    let r = w.post("download", json!({"url": format!("{origin}/binary")})).await;
    assert_eq!(r.json()["errcode"], 85901, "nor downloads");

    // Redirects come back as they are, never followed.
    for path in ["/redirect", "/local-redirect"] {
        let v = w.post("request", json!({"url": format!("{origin}{path}")})).await.json();
        assert_eq!(v["statusCode"], 302, "{path}");
        assert!(v["header"]["location"].as_str().unwrap().ends_with("/target"));
    }
    assert_eq!(dev.hits_target.load(Ordering::SeqCst), 0);

    // Timeouts: the configured cap wins over a longer one asked for.
    let started = std::time::Instant::now();
    let r = w.post("request", json!({"url": format!("{origin}/slow"), "timeout": 60000})).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::GATEWAY_TIMEOUT, Some(85902)));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let r = w.post("request", json!({"url": format!("{closed}/x")})).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_GATEWAY, Some(85903)));

    // Sizes: answers over the limit (announced or streamed), bodies over the limit.
    for path in ["/big", "/big-chunked"] {
        let r = w.post("request", json!({"url": format!("{origin}{path}")})).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_GATEWAY, Some(85904)), "{path}");
    }
    // HEAD of a big file: its Content-Length is only what a GET would get.
    let v = w.post("request", json!({"url": format!("{origin}/big"), "method": "HEAD"})).await.json();
    assert_eq!((v["statusCode"].as_i64(), v["data"].as_str()), (Some(200), Some("")), "{v}");
    let r = w.post("request", json!({"url": format!("{origin}/echo"), "method": "POST", "data": "z".repeat(1001)})).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_REQUEST, Some(47001)));
    // 1000 bytes go out; the echo of them is over the answer limit.
    let r = w.post("request", json!({"url": format!("{origin}/echo"), "method": "POST", "data": "z".repeat(1000)})).await;
    assert_eq!(dev.seen.lock().unwrap().take().unwrap().2.len(), 1000);
    assert_eq!(r.json()["errcode"], 85904);

    // Bad calls.
    for (body, code) in [
        (json!({"url": format!("{origin}/echo"), "method": "PATCH"}), 40097),
        (json!({"url": format!("{origin}/echo"), "method": "CONNECT"}), 40097),
        (json!({"url": format!("{origin}/echo"), "responseType": "blob"}), 40097),
        (json!({"url": format!("{origin}/echo"), "dataEncoding": "hex", "data": "00"}), 40097),
        (json!({"url": format!("{origin}/echo"), "method": "POST", "dataEncoding": "base64", "data": "%%%"}), 47001),
        (json!({"url": format!("{origin}/echo"), "header": {"X-A": {"b": 1}}}), 40097),
        (json!({"url": format!("{origin}/echo"), "header": {"bad name": "x"}}), 40097),
        (json!({"url": format!("{origin}/echo"), "header": {"X-A": "a\r\nInjected: 1"}}), 40097),
        (json!({"url": format!("{origin}/echo"), "data": {"a": 1}}), 47001),
        (json!({"url": 5}), 47001),
        (json!({}), 47001),
        (json!({"url": "not a url"}), 40097),
        (json!({"url": "file:///etc/passwd"}), 40097),
    ] {
        let r = w.post("request", body.clone()).await;
        assert_eq!(r.json()["errcode"].as_i64(), Some(code), "{body}");
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert!(dev.seen.lock().unwrap().is_none(), "no bad call reached the server");
}

#[tokio::test]
async fn uploads_and_downloads_go_through_their_own_lists() {
    let w = world_with(small_limits()).await;
    let dev = Dev::default();
    let origin = dev_server(dev.clone()).await;
    w.allow(DomainKind::Upload, std::slice::from_ref(&origin)).await;
    w.allow(DomainKind::Download, std::slice::from_ref(&origin)).await;
    let r = w
        .post(
            "upload",
            json!({
                "url": format!("{origin}/upload"), "name": "photo", "fileName": "cat.png", "fileData": B64.encode(b"\x89PNGcat"),
                "formData": {"album": "pets", "n": 3}, "header": {"X-Up": "1", "Content-Type": "text/plain"},
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!((v["statusCode"].as_i64(), v["errMsg"].as_str()), (Some(200), Some("uploadFile:ok")));
    let (method, h, body) = dev.seen.lock().unwrap().take().unwrap();
    assert_eq!(method, "POST");
    assert!(h["content-type"].to_str().unwrap().starts_with("multipart/form-data; boundary="));
    assert_eq!(h["x-up"], "1");
    assert!(h["referer"].to_str().unwrap().starts_with(&format!("https://servicewechat.com/{}/", w.appid)));
    let body = String::from_utf8_lossy(&body);
    for part in ["name=\"photo\"; filename=\"cat.png\"", "Content-Type: image/png", "\u{FFFD}PNGcat", "name=\"album\"", "pets", "name=\"n\"", "\r\n3\r\n"] {
        assert!(body.contains(part), "{part:?} in {body}");
    }
    let v = w.post("download", json!({"url": format!("{origin}/binary")})).await.json();
    assert_eq!((v["statusCode"].as_i64(), v["contentType"].as_str()), (Some(200), Some("image/png")));
    assert_eq!(B64.decode(v["data"].as_str().unwrap()).unwrap(), [0u8, 159, 146, 150, 255]);
    let r = w.post("download", json!({"url": format!("{origin}/big")})).await;
    assert_eq!(r.json()["errcode"], 85904);
    let r = w.post("upload", json!({"url": format!("{origin}/upload"), "name": "f", "fileData": B64.encode(vec![1u8; 1001])})).await;
    assert_eq!(r.json()["errcode"], 47001);
    let r = w.post("upload", json!({"url": format!("{origin}/upload"), "name": "", "fileData": ""})).await;
    assert_eq!(r.json()["errcode"], 40097);
    // The request list is separate: nothing is allowed there.
    assert_eq!(w.post("request", json!({"url": format!("{origin}/echo")})).await.json()["errcode"], 85901);
}

/// With a valid session, garbage at every new route: typed errors in JSON, never a
/// 5xx, and nothing stored or sent.
#[test]
fn hostile_bodies_on_the_container_routes() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world());
    rt.block_on(w.deploy(w.app_id, &bundle("h")));
    let value = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        ".{0,30}".prop_map(Value::from),
        "(https?|ftp|file)://[a-z0-9.:\\[\\]@%/]{0,30}".prop_map(Value::from),
        Just(json!(["x", 1, null])),
        Just(json!({"scene": 1001, "path": "p"})),
        Just(json!([{"name": "ok", "data": {"a": 1}}, {"name": 5}])),
        Just(json!({"X-A": "1", "Host": "x"})),
    ];
    let key = prop_oneof![
        Just("url"), Just("method"), Just("header"), Just("data"), Just("dataEncoding"), Just("responseType"), Just("timeout"),
        Just("name"), Just("fileData"), Just("fileName"), Just("formData"), Just("events"), Just("open"),
    ];
    let body = prop_oneof![
        proptest::collection::vec((key, value), 0..6).prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..300),
    ];
    let a = w.appid.clone();
    let routes: Vec<(&str, String)> = vec![
        ("POST", format!("/client/v1/apps/{a}/request")),
        ("POST", format!("/client/v1/apps/{a}/upload")),
        ("POST", format!("/client/v1/apps/{a}/download")),
        ("POST", format!("/client/v1/apps/{a}/events")),
        ("GET", format!("/client/v1/apps/{a}/package")),
        ("POST", "/client/v1/scan".into()),
        ("GET", format!("/pkg/{a}/1/")),
        ("GET", format!("/container/frame?appid={a}&x=")),
        ("GET", "/container/".into()),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 400, ..Default::default() });
    runner
        .run(&(0..routes.len(), body, "([a-zA-Z0-9._/-]|%[0-9A-F]{2}){0,20}"), |(i, b, tail)| {
            let (method, path) = &routes[i];
            let uri = if method == &"GET" { format!("{path}{tail}") } else { path.clone() };
            let r = rt.block_on(send(&w.router, method, &uri, &[("authorization", &w.auth)], b.clone()));
            prop_assert!(!r.status.is_server_error(), "{uri} -> {} {}", r.status, String::from_utf8_lossy(&r.body));
            if r.status != StatusCode::OK || r.header("content-type") == "application/json" {
                let v: Value = serde_json::from_slice(&r.body).map_err(|_| TestCaseError::fail(format!("{uri}: not JSON")))?;
                if r.status != StatusCode::OK {
                    prop_assert!(v["errcode"].is_i64() && v["errmsg"].is_string(), "{uri}: {v}");
                }
            }
            Ok(())
        })
        .unwrap();
    // Nothing of it reached a store: the app still has one version and no domains.
    let store: &dyn openmini_core::container::store::PackageStore = &w.state.db;
    assert_eq!(rt.block_on(store.versions(w.app_id)).unwrap().len(), 1);
    let d: &dyn openmini_core::container::store::DomainStore = &w.state.db;
    assert_eq!(rt.block_on(d.domains(w.app_id)).unwrap(), Default::default());
}
