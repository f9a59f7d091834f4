//! Links and codes over HTTP in-process (docs/traffic.md): every endpoint's answer and
//! every field's errcode, images decoded back (rqrr) to the URL they must hold at the
//! requested width, colour and transparency, the client's `links/resolve`, the landing
//! pages, and hostile bodies (never a 5xx, always JSON, nothing stored). The quotas'
//! edges and races are in `openmini-store`'s `tests/links.rs`, on both databases.

use axum::body::Body;
use axum::http::StatusCode;
use axum::Router;
use openmini_core::container::package;
use openmini_core::container::store::EventStore;
use openmini_core::identity::AppKind;
use openmini_core::ManualClock;
use openmini_server::config::Config;
use openmini_server::state::AppState;
use openmini_server::{router, Platform};
use openmini_store::{ConnectOptions, Db, Val};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod common;
use common::{send, Resp};

static N: AtomicU64 = AtomicU64::new(0);
/// 2026-11-23 10:00:00 +08:00.
const T0: i64 = 1_795_399_200_000;
const DAY: i64 = 86_400_000;

struct World {
    router: Router,
    state: AppState,
    clock: ManualClock,
    appid: String,
    app_id: i64,
    name: String,
    /// An access token of the app.
    token: String,
    /// `Authorization: Bearer …` of a signed-in user.
    auth: String,
    user: i64,
}

fn bundle() -> BTreeMap<String, Vec<u8>> {
    let manifest = json!({
        "format": 1,
        "packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}],
        "app": {"window": {"navigationBarTitleText": "咖啡店"}},
        "pages": {"pages/item/item": {"navigationBarTitleText": "商品详情"}},
    });
    BTreeMap::from([("manifest.json".to_string(), serde_json::to_vec(&manifest).unwrap()), ("main/view.js".into(), b"x".to_vec())])
}

/// A mini program (deployed unless `deployed` is false), its access token, a signed-in
/// user; the clock stands still at T0.
async fn world_with(deployed: bool, kind: AppKind) -> World {
    let dir = std::env::temp_dir().join(format!("openmini_links_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let cfg = Config { data: dir.clone(), ..Config::default() };
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let clock = ManualClock::new(T0);
    let p = Platform::on(db.clone(), Arc::new(clock.clone()), cfg.identity.clone()).await.unwrap();
    let s = p.identity.create_subject("S").await.unwrap();
    let (app, secret) = p.identity.create_app(s.id, kind, "咖啡 Coffee", None).await.unwrap();
    p.identity.store().create_host_app("Shell", 0).await.unwrap();
    let phone = format!("138{:08}", N.fetch_add(1, Ordering::SeqCst));
    let code = p.identity.signin_start(&phone).await.unwrap();
    let (auth, user) = p.identity.signin_verify(&phone, &code, 1).await.unwrap();
    let token = p.identity.issue_token(Some("client_credential"), Some(&app.appid), Some(&secret)).await.unwrap().access_token;
    let state = AppState::new(p.identity, db, cfg);
    if deployed && kind == AppKind::Miniprogram {
        package::deploy(&state.db, state.packages.as_ref(), &app, &bundle(), "test", T0).await.unwrap();
    }
    World { router: router(state.clone()), state, clock, appid: app.appid, app_id: app.id, name: app.name, token, auth: format!("Bearer {auth}"), user: user.id }
}

async fn world() -> World {
    world_with(true, AppKind::Miniprogram).await
}

impl World {
    async fn open_api(&self, path: &str, body: Value) -> Resp {
        send(&self.router, "POST", &format!("{path}?access_token={}", self.token), &[], body.to_string()).await
    }
    async fn ok(&self, path: &str, body: Value) -> Value {
        let r = self.open_api(path, body.clone()).await;
        assert_eq!(r.header("content-type"), "application/json");
        let v = r.json();
        assert_eq!(v["errcode"], 0, "{path} {body}: {v}");
        v
    }
    /// The errcode of a refused call, checking it came as HTTP 200 JSON.
    async fn errcode(&self, path: &str, body: Value) -> i64 {
        let r = self.open_api(path, body.clone()).await;
        assert_eq!((r.status, r.header("content-type")), (StatusCode::OK, "application/json"), "{path} {body}");
        r.json()["errcode"].as_i64().unwrap_or_else(|| panic!("{path} {body}: {}", r.text()))
    }
    async fn resolve(&self, link: &str, from: &str) -> Resp {
        let uri = format!("/client/v1/links/resolve?link={}&from={from}", openmini_core::traffic::params::encode_component(link));
        send(&self.router, "GET", &uri, &[("authorization", &self.auth)], Body::empty()).await
    }
    async fn rows(&self, sql: &'static str) -> i64 {
        self.state.db.row(sql, vec![Val::Int(self.app_id)]).await.unwrap().unwrap().int(0).unwrap()
    }
    async fn stored(&self) -> (i64, i64) {
        (self.rows("SELECT COUNT(*) FROM links WHERE app_id = $1").await, self.rows("SELECT COUNT(*) FROM wxa_codes WHERE app_id = $1").await)
    }
}

/// The text of the QR code in a PNG, and the decoded image. Transparent pixels count
/// as the light background.
fn decode(png: &[u8]) -> (image::RgbaImage, String) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap().to_rgba8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(img.width() as usize, img.height() as usize, |x, y| {
        let [r, g, b, a] = img.get_pixel(x as u32, y as u32).0;
        if a == 0 { 255 } else { ((r as u32 * 299 + g as u32 * 587 + b as u32 * 114) / 1000) as u8 }
    });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one symbol");
    let (_, text) = grids[0].decode().expect("a readable symbol");
    (img, text)
}

async fn image(w: &World, path: &str, body: Value) -> (image::RgbaImage, String) {
    let r = w.open_api(path, body.clone()).await;
    assert_eq!((r.status, r.header("content-type")), (StatusCode::OK, "image/jpeg"), "{path} {body}: {}", r.text());
    decode(&r.body)
}

#[tokio::test]
async fn links_are_made_and_answer_like_wechat() {
    let w = world().await;
    let v = w.ok("/wxa/generatescheme", json!({"jump_wxa": {"path": "/pages/item/item", "query": "id=1", "env_version": "release"}, "is_expire": true, "expire_type": 1, "expire_interval": 7})).await;
    assert_eq!(v["errmsg"], "ok");
    let openlink = v["openlink"].as_str().unwrap();
    assert!(openlink.starts_with("weixin://dl/business/?t=") && openlink.len() == 24 + 17, "{openlink}");
    // URL links carry the origin the caller used (or public_url).
    let r = send(&w.router, "POST", &format!("/wxa/generate_urllink?access_token={}", w.token), &[("host", "mini.example.com")], json!({"path": "pages/index/index"}).to_string()).await;
    let url = r.json()["url_link"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://mini.example.com/l/"), "{url}");
    let url2 = w.ok("/wxa/generate_urllink", json!({"query": "a=1", "expire_type": 0, "expire_time": T0 / 1000 + 3600})).await["url_link"].as_str().unwrap().to_string();
    assert!(url2.starts_with("http://127.0.0.1:8080/l/"));
    let link = w.ok("/wxa/genwxashortlink", json!({"page_url": "pages/item/item?id=2", "page_title": "拿铁", "is_permanent": false})).await["link"].as_str().unwrap().to_string();
    assert!(link.starts_with("#小程序://咖啡 Coffee/拿铁/"), "{link}");
    assert_eq!(w.stored().await, (4, 0));

    // queryscheme / query_urllink.
    let q = w.ok("/wxa/queryscheme", json!({"scheme": openlink, "query_type": 0})).await;
    assert_eq!(q["scheme_info"], json!({"appid": w.appid, "path": "pages/item/item", "query": "id=1", "create_time": T0 / 1000, "expire_time": T0 / 1000 + 7 * 86_400, "env_version": "release"}));
    assert_eq!((q["quota_info"]["remain_visit_quota"].as_i64(), q["visit_openid"].as_str(), q["visit_count"].as_i64()), (Some(3_000_000), Some(""), Some(0)));
    let q = w.ok("/wxa/query_urllink", json!({"url_link": url2})).await;
    assert_eq!((q["url_link_info"]["query"].as_str(), q["url_link_info"]["path"].as_str(), q["url_link_info"]["expire_time"].as_i64()), (Some("a=1"), Some(""), Some(T0 / 1000 + 3600)));
    let plain = format!("weixin://dl/business/?appid={}&path=pages/index/index&query=a%3D1", w.appid);
    let q = w.ok("/wxa/queryscheme", json!({"scheme": plain})).await;
    assert_eq!(q["scheme_info"]["query"], "a=1");
    assert_eq!(w.ok("/wxa/queryscheme", json!({"query_type": 1})).await["quota_info"]["remain_visit_quota"], 3_000_000);

    // Opening counts: the visitor and the day's remaining opens.
    let r = w.resolve(openlink, "text").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let q = w.ok("/wxa/queryscheme", json!({"scheme": openlink})).await;
    assert_eq!(q["visit_count"], 1);
    assert_eq!(q["visit_openid"], w.state.identity.keys().openid(&w.appid, w.user));
    assert_eq!(q["quota_info"]["remain_visit_quota"], 2_999_999);
}

#[tokio::test]
async fn every_field_of_the_link_endpoints_has_its_errcode() {
    let w = world().await;
    let far = T0 / 1000 + 30 * 86_400 + 1;
    let cases: Vec<(&str, Value, i64)> = vec![
        ("/wxa/generatescheme", json!({"jump_wxa": "pages/index/index"}), 47001),
        ("/wxa/generatescheme", json!({"jump_wxa": {"path": "pages/none"}}), 40165),
        ("/wxa/generatescheme", json!({"jump_wxa": {"path": "pages/item/item?id=1"}}), 40165),
        ("/wxa/generatescheme", json!({"jump_wxa": {"path": ["x"]}}), 47001),
        ("/wxa/generatescheme", json!({"jump_wxa": {"query": "a=中"}}), 40212),
        ("/wxa/generatescheme", json!({"jump_wxa": {"query": "a".repeat(1025)}}), 40212),
        ("/wxa/generatescheme", json!({"jump_wxa": {"env_version": "trial"}}), 85079),
        ("/wxa/generatescheme", json!({"jump_wxa": {"env_version": "beta"}}), 40097),
        ("/wxa/generatescheme", json!({"expire_type": 0, "expire_time": far}), 85401),
        ("/wxa/generatescheme", json!({"expire_type": 0, "expire_time": T0 / 1000 - 1}), 85401),
        ("/wxa/generatescheme", json!({"expire_type": 1, "expire_interval": 31}), 85401),
        ("/wxa/generatescheme", json!({"expire_type": 1, "expire_interval": 0}), 85401),
        ("/wxa/generatescheme", json!({"expire_type": 7}), 40097),
        ("/wxa/generatescheme", json!({"expire_type": "soon"}), 47001),
        ("/wxa/generatescheme", json!({"expire_time": 1.5}), 47001),
        ("/wxa/generatescheme", json!({"is_expire": "maybe"}), 47001),
        ("/wxa/generate_urllink", json!({"path": "pages/none"}), 40165),
        ("/wxa/generate_urllink", json!({"query": "a b"}), 40212),
        ("/wxa/generate_urllink", json!({"env_version": "develop"}), 85079),
        ("/wxa/generate_urllink", json!({"expire_type": 1, "expire_interval": "31"}), 85401),
        ("/wxa/generate_urllink", json!({"path": {"a": 1}}), 47001),
        ("/wxa/genwxashortlink", json!({}), 40066),
        ("/wxa/genwxashortlink", json!({"page_url": "pages/none?a=1"}), 40066),
        ("/wxa/genwxashortlink", json!({"page_url": format!("pages/item/item?{}", "a".repeat(1024))}), 40066),
        ("/wxa/genwxashortlink", json!({"page_url": "pages/item/item", "page_title": "a\nb"}), 40225),
        ("/wxa/genwxashortlink", json!({"page_url": "pages/item/item", "page_title": "长".repeat(257)}), 40225),
        ("/wxa/genwxashortlink", json!({"page_url": "pages/item/item", "is_permanent": "maybe"}), 47001),
        ("/wxa/queryscheme", json!({}), 40097),
        ("/wxa/queryscheme", json!({"scheme": "weixin://dl/business/?t=NoSuchScheme12345"}), 85403),
        ("/wxa/queryscheme", json!({"scheme": "https://example.com/"}), 40097),
        ("/wxa/queryscheme", json!({"scheme": "weixin://dl/business/?appid=wx0000000000000000"}), 85403),
        ("/wxa/queryscheme", json!({"scheme": 5, "query_type": 2}), 40097),
        ("/wxa/query_urllink", json!({}), 40097),
        ("/wxa/query_urllink", json!({"url_link": "http://h/l/NoSuchLink123456789"}), 85403),
        ("/wxa/query_urllink", json!({"url_link": "weixin://dl/business/?t=abc"}), 40097),
        ("/wxa/query_urllink", json!({"url_link": ["x"]}), 47001),
    ];
    for (path, body, want) in cases {
        assert_eq!(w.errcode(path, body.clone()).await, want, "{path} {body}");
    }
    // Without a body, a token, or as a website.
    for path in ["/wxa/generatescheme", "/wxa/generate_urllink", "/wxa/genwxashortlink", "/wxa/queryscheme", "/wxa/query_urllink"] {
        let r = send(&w.router, "POST", &format!("{path}?access_token={}", w.token), &[], "").await;
        assert_eq!(r.json()["errcode"], 44002, "{path}");
        let r = send(&w.router, "POST", path, &[], "{}").await;
        assert_eq!(r.json()["errcode"], 41001, "{path}");
        let r = send(&w.router, "POST", &format!("{path}?access_token=nope"), &[], "{}").await;
        assert_eq!(r.json()["errcode"], 40001, "{path}");
    }
    assert_eq!(w.stored().await, (0, 0), "nothing refused was stored");
    let site = world_with(true, AppKind::Website).await;
    assert_eq!(site.errcode("/wxa/generatescheme", json!({})).await, 48001);
    let bare = world_with(false, AppKind::Miniprogram).await;
    for (path, body) in [("/wxa/generatescheme", json!({})), ("/wxa/generate_urllink", json!({})), ("/wxa/genwxashortlink", json!({"page_url": "pages/index/index"}))] {
        assert_eq!(bare.errcode(path, body).await, 85079, "{path}");
    }
    // Another app's link is unknown to this app.
    let other = world().await;
    let theirs = other.ok("/wxa/generatescheme", json!({})).await["openlink"].as_str().unwrap().to_string();
    assert_eq!(w.errcode("/wxa/queryscheme", json!({"scheme": theirs})).await, 85403);
}

#[tokio::test]
async fn every_field_of_the_code_endpoints_has_its_errcode() {
    let w = world().await;
    let cases: Vec<(&str, Value, i64)> = vec![
        ("/wxa/getwxacodeunlimit", json!({}), 40169),
        ("/wxa/getwxacodeunlimit", json!({"scene": ""}), 40169),
        ("/wxa/getwxacodeunlimit", json!({"scene": "x".repeat(33)}), 40169),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a b"}), 40169),
        ("/wxa/getwxacodeunlimit", json!({"scene": "中"}), 40169),
        ("/wxa/getwxacodeunlimit", json!({"scene": {"id": 1}}), 47001),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "page": "/pages/index/index"}), 41030),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "page": "pages/none"}), 41030),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "page": "pages/none?x=1", "check_path": false}), 41030),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "check_path": "sometimes"}), 47001),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "env_version": "trial"}), 85079),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "width": 279}), 40097),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "width": 1281}), 40097),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "width": "wide"}), 47001),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "line_color": {"r": 256, "g": 0, "b": 0}}), 40097),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "line_color": "red"}), 40097),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "auto_color": "x"}), 47001),
        ("/wxa/getwxacodeunlimit", json!({"scene": "a", "is_hyaline": [true]}), 47001),
        ("/wxa/getwxacode", json!({}), 41030),
        ("/wxa/getwxacode", json!({"path": "pages/none"}), 41030),
        ("/wxa/getwxacode", json!({"path": format!("pages/item/item?{}", "a".repeat(120))}), 41030),
        ("/wxa/getwxacode", json!({"path": "pages/item/item?a b"}), 40212),
        ("/wxa/getwxacode", json!({"path": "pages/item/item", "width": 100}), 40097),
        ("/wxa/getwxacode", json!({"path": "pages/item/item", "line_color": {"g": -1}}), 40097),
        ("/wxa/getwxacode", json!({"path": "pages/item/item", "env_version": "develop"}), 85079),
        ("/cgi-bin/wxaapp/createwxaqrcode", json!({"path": ""}), 41030),
        ("/cgi-bin/wxaapp/createwxaqrcode", json!({"path": "pages/item/item", "width": 2000}), 40097),
        ("/cgi-bin/wxaapp/createwxaqrcode", json!({"path": 42}), 41030),
    ];
    for (path, body, want) in cases {
        assert_eq!(w.errcode(path, body.clone()).await, want, "{path} {body}");
    }
    for path in ["/wxa/getwxacodeunlimit", "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode"] {
        assert_eq!(send(&w.router, "POST", &format!("{path}?access_token={}", w.token), &[], "").await.json()["errcode"], 44002);
        assert_eq!(send(&w.router, "POST", path, &[], "{}").await.json()["errcode"], 41001);
    }
    assert_eq!(w.stored().await, (0, 0));
    let bare = world_with(false, AppKind::Miniprogram).await;
    assert_eq!(bare.errcode("/wxa/getwxacodeunlimit", json!({"scene": "a"})).await, 85079);
    assert_eq!(bare.errcode("/wxa/getwxacode", json!({"path": "pages/index/index"})).await, 85079);
    // Without check_path nothing deployed is needed.
    let (_, text) = image(&bare, "/wxa/getwxacodeunlimit", json!({"scene": "a", "page": "pages/later/later", "check_path": false})).await;
    assert!(text.contains("p=pages%2Flater%2Flater&s=a&m="), "{text}");
}

#[tokio::test]
async fn code_images_decode_to_their_urls_at_the_requested_width_and_colour() {
    let w = world().await;
    // Unlimited: the URL carries page, scene and a MAC; nothing is stored.
    let (img, text) = image(&w, "/wxa/getwxacodeunlimit", json!({"scene": "id=42&from=poster", "page": "pages/item/item", "width": 280})).await;
    assert_eq!(img.dimensions(), (280, 280));
    let prefix = format!("http://127.0.0.1:8080/c/u/{}?p=pages%2Fitem%2Fitem&s=id%3D42%26from%3Dposter&m=", w.appid);
    assert!(text.starts_with(&prefix), "{text}");
    assert_eq!(w.stored().await, (0, 0));
    // Colour and transparency, checked on the pixels.
    let (img, _) = image(&w, "/wxa/getwxacodeunlimit", json!({"scene": "c", "width": 1280, "line_color": {"r": 255, "g": 0, "b": 0}, "is_hyaline": true})).await;
    assert_eq!(img.dimensions(), (1280, 1280));
    assert_eq!(img.get_pixel(0, 0).0, [255, 255, 255, 0], "transparent background");
    assert!(img.pixels().all(|p| p.0[3] == 0 || p.0 == [255, 0, 0, 255]), "only red modules on transparency");
    assert!(img.pixels().filter(|p| p.0 == [255, 0, 0, 255]).count() > 10_000);
    let (img, _) = image(&w, "/wxa/getwxacodeunlimit", json!({"scene": "c", "line_color": {"r": 255, "g": 0, "b": 0}, "auto_color": true})).await;
    assert_eq!(img.dimensions(), (430, 430), "430 by default");
    assert!(img.pixels().all(|p| p.0 == [0, 0, 0, 255] || p.0 == [255, 255, 255, 255]), "auto_color: black on white");
    let (img, _) = image(&w, "/wxa/getwxacodeunlimit", json!({"scene": "c", "width": 500, "line_color": {"r": "0", "g": "128", "b": "255"}})).await;
    assert!(img.pixels().any(|p| p.0 == [0, 128, 255, 255]) && img.get_pixel(0, 0).0 == [255, 255, 255, 255]);

    // Limited: /c/<id>, the same id for the same path, one row each.
    let (img, a) = image(&w, "/wxa/getwxacode", json!({"path": "pages/item/item?id=3", "width": 600, "is_hyaline": true})).await;
    assert_eq!(img.dimensions(), (600, 600));
    assert!(a.starts_with("http://127.0.0.1:8080/c/") && a.len() == "http://127.0.0.1:8080/c/".len() + 17, "{a}");
    let (_, again) = image(&w, "/wxa/getwxacode", json!({"path": "pages/item/item?id=3"})).await;
    assert_eq!(again, a);
    let (img, q) = image(&w, "/cgi-bin/wxaapp/createwxaqrcode", json!({"path": "pages/item/item?id=3", "width": 300})).await;
    assert_eq!(img.dimensions(), (300, 300));
    assert_ne!(q, a);
    assert_eq!(w.stored().await, (0, 2));

    // Each URL opens what it must, with the scene of its kind.
    for (url, from, scene, query) in [
        (text.as_str(), "album", 1049, json!({"scene": "id%3D42%26from%3Dposter"})),
        (a.as_str(), "album", 1049, json!({"id": "3"})),
        (a.as_str(), "camera", 1047, json!({"id": "3"})),
        (q.as_str(), "album", 1013, json!({"id": "3"})),
        (q.as_str(), "longpress", 1012, json!({"id": "3"})),
    ] {
        let r = w.resolve(url, from).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text());
        let v = r.json();
        assert_eq!((v["appid"].as_str(), v["path"].as_str(), v["scene"].as_i64()), (Some(w.appid.as_str()), Some("pages/item/item"), Some(scene)), "{url} {from}");
        assert_eq!(v["query"], query);
    }
}

#[tokio::test]
async fn resolve_opens_records_and_refuses_clearly() {
    let w = world().await;
    let scheme = w.ok("/wxa/generatescheme", json!({"jump_wxa": {"path": "pages/item/item", "query": "id=1"}, "expire_type": 1, "expire_interval": 1})).await["openlink"].as_str().unwrap().to_string();
    let r = w.resolve(&format!("{scheme}&cq=utm%3Dsms"), "text").await;
    let v = r.json();
    assert_eq!(v["scene"], 1065);
    assert_eq!(v["query"], json!({"id": "1", "utm": "sms"}));
    assert_eq!((v["name"].as_str(), v["recorded"].as_bool(), v["kind"].as_str()), (Some(w.name.as_str()), Some(true), Some("scheme")));
    assert_eq!(v["source"].as_str(), scheme.split("t=").nth(1));
    let plain = format!("weixin://dl/business/?appid={}&path=pages/index/index&query=q%3D1&env_version=release", w.appid);
    assert_eq!(w.resolve(&plain, "album").await.json()["scene"], 1286);
    let events = w.state.db.events(w.app_id, Some(w.user), 10).await.unwrap();
    assert_eq!(events.iter().map(|e| e.scene).collect::<Vec<_>>(), [Some(1286), Some(1065)]);
    assert_eq!(events[1].path.as_deref(), Some("pages/item/item"));

    // Errors: 400, 401, 404, 410 with the platform's JSON.
    let r = send(&w.router, "GET", "/client/v1/links/resolve?link=x", &[], Body::empty()).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::UNAUTHORIZED, Some(41001)));
    for (link, from, status, code) in [
        ("", "text", 400, 40097),
        ("hello", "text", 400, 40097),
        (scheme.as_str(), "telepathy", 400, 40097),
        ("weixin://dl/business/?t=NoSuchScheme12345", "text", 404, 85403),
        ("weixin://dl/business/?appid=wx0000000000000000", "text", 404, 40013),
    ] {
        let r = w.resolve(link, from).await;
        assert_eq!((r.status.as_u16(), r.json()["errcode"].as_i64()), (status, Some(code)), "{link} {from}");
        assert_eq!(r.header("content-type"), "application/json");
    }
    w.clock.advance_ms(DAY);
    let r = w.resolve(&scheme, "text").await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::GONE, Some(85920)));
    assert!(r.json()["errmsg"].as_str().unwrap().starts_with("link expired"));
    assert_eq!(w.state.db.count_events(w.app_id, Some("open"), None).await.unwrap(), 2, "refusals record nothing");
}

#[tokio::test]
async fn landing_pages_show_the_app_and_say_when_a_link_is_gone() {
    let w = world().await;
    let url = w.ok("/wxa/generate_urllink", json!({"path": "pages/item/item", "query": "id=5", "expire_type": 1, "expire_interval": 2})).await["url_link"].as_str().unwrap().to_string();
    let path = url.trim_start_matches("http://127.0.0.1:8080");
    let r = send(&w.router, "GET", path, &[], Body::empty()).await;
    assert_eq!((r.status, r.header("content-type")), (StatusCode::OK, "text/html; charset=utf-8"));
    assert!(r.header("content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    let html = r.text();
    assert!(html.contains("咖啡 Coffee") && html.contains("商品详情"), "{html}");
    assert!(html.contains(&format!(r#"href="/#/open?link=%2Fl%2F{}&amp;from=text""#, &path[3..])), "{html}");
    assert!(!html.contains("<script"));
    assert_eq!(w.state.db.count_events(w.app_id, Some("open"), None).await.unwrap(), 0, "looking is not opening");

    // A code's page: from a camera.
    let (_, code_url) = image(&w, "/wxa/getwxacode", json!({"path": "pages/index/index"})).await;
    let r = send(&w.router, "GET", code_url.trim_start_matches("http://127.0.0.1:8080"), &[], Body::empty()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("from=camera") && r.text().contains("咖啡店"));
    let (_, unl) = image(&w, "/wxa/getwxacodeunlimit", json!({"scene": "t=1"})).await;
    let unl_path = unl.trim_start_matches("http://127.0.0.1:8080").to_string();
    assert_eq!(send(&w.router, "GET", &unl_path, &[], Body::empty()).await.status, StatusCode::OK);
    let forged = unl_path.replace("s=t%3D1", "s=t%3D2");
    let r = send(&w.router, "GET", &forged, &[], Body::empty()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("二维码无效"));

    // Unknown and expired.
    let r = send(&w.router, "GET", "/l/NoSuchLink12345678", &[], Body::empty()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("链接不存在") && r.text().contains(r#"data-state="unknown""#));
    let r = send(&w.router, "GET", "/l/%3Cscript%3E", &[], Body::empty()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("<script>"));
    w.clock.advance_ms(2 * DAY);
    let r = send(&w.router, "GET", path, &[], Body::empty()).await;
    assert_eq!(r.status, StatusCode::GONE);
    let html = r.text();
    assert!(html.contains("链接已过期") && html.contains("2026-11-25 10:00") && html.contains(r#"data-state="expired""#), "{html}");
    assert!(!html.contains("link-open"));
}

/// Garbage at every link and code endpoint of an app with nothing deployed: never a
/// 5xx, JSON unless an image, and nothing stored.
#[test]
fn hostile_bodies_on_the_link_and_code_endpoints() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world_with(false, AppKind::Miniprogram));
    let value = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        "[A-Za-z0-9!#$&'()*+,/:;=?@._~-]{0,40}".prop_map(Value::from),
        Just(json!({"r": 1, "g": "2", "b": null})),
        Just(json!({"path": "pages/index/index", "query": "a=1"})),
        Just(json!(["x", 1, null])),
    ];
    let key = prop_oneof![
        Just("jump_wxa"), Just("path"), Just("query"), Just("env_version"), Just("expire_type"), Just("expire_time"), Just("expire_interval"),
        Just("is_expire"), Just("page_url"), Just("page_title"), Just("is_permanent"), Just("scheme"), Just("url_link"), Just("query_type"),
        Just("scene"), Just("page"), Just("check_path"), Just("width"), Just("auto_color"), Just("line_color"), Just("is_hyaline"),
    ];
    let body = prop_oneof![
        proptest::collection::vec((key, value), 0..7).prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..300),
    ];
    let paths = [
        "/wxa/generatescheme", "/wxa/generate_urllink", "/wxa/genwxashortlink", "/wxa/queryscheme", "/wxa/query_urllink",
        "/wxa/getwxacodeunlimit", "/wxa/getwxacode", "/cgi-bin/wxaapp/createwxaqrcode",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 400, ..Default::default() });
    runner
        .run(&(0..paths.len(), body), |(i, b)| {
            let uri = format!("{}?access_token={}", paths[i], w.token);
            let r = rt.block_on(send(&w.router, "POST", &uri, &[], b.clone()));
            prop_assert!(!r.status.is_server_error(), "{uri} -> {}", r.status);
            prop_assert_eq!(r.status, StatusCode::OK);
            if r.header("content-type") == "image/jpeg" {
                prop_assert!(paths[i] == "/wxa/getwxacodeunlimit" && r.body.starts_with(b"\x89PNG"));
            } else {
                prop_assert_eq!(r.header("content-type"), "application/json");
                let v: Value = serde_json::from_slice(&r.body).map_err(|_| TestCaseError::fail(format!("{uri}: not JSON")))?;
                prop_assert!(v["errcode"].is_i64() && v["errmsg"].is_string(), "{uri}: {v}");
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(rt.block_on(w.stored()), (0, 0));
    // And with a user, garbage at resolve and the landing pages.
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 200, ..Default::default() });
    runner
        .run(&("\\PC{0,60}", "(/l/|/c/|/c/u/wx0123456789abcdef\\?p=|weixin://dl/business/\\?t=|#小程序://a/)"), |(tail, prefix)| {
            let r = rt.block_on(w.resolve(&format!("{prefix}{tail}"), "album"));
            prop_assert!(!r.status.is_server_error() && r.status != StatusCode::OK);
            prop_assert!(r.json()["errcode"].is_i64());
            let p = format!("{prefix}{}", openmini_core::traffic::params::encode_component(&tail));
            if p.starts_with('/') {
                let r = rt.block_on(send(&w.router, "GET", &p, &[], Body::empty()));
                prop_assert!(!r.status.is_server_error(), "{p} -> {}", r.status);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(rt.block_on(w.state.db.count_events(w.app_id, None, None)).unwrap(), 0);
}
