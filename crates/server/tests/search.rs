//! Search over HTTP in-process: `submitservices` / `getservices` with every rule's
//! errcode and nothing stored on a refusal; `GET /client/v1/search` with its typed
//! errors and what this node just wrote found at once; suspension (search, catalogue,
//! package endpoint); hostile bodies and queries (never a 5xx, always JSON).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use openmini_core::container::package;
use openmini_core::identity::AppKind;
use openmini_core::search::store::SearchStore;
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::state::AppState;
use openmini_server::{router, Platform};
use openmini_store::{ConnectOptions, Db};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

static N: AtomicU64 = AtomicU64::new(0);

struct World {
    router: Router,
    state: AppState,
    /// A deployed mini program (美团外卖) and its access token.
    appid: String,
    app_id: i64,
    token: String,
    /// A service account and its token.
    official: String,
    official_token: String,
    /// `Authorization: Bearer …` of a signed-in user.
    auth: String,
}

fn bundle() -> BTreeMap<String, Vec<u8>> {
    let manifest = json!({"format": 1, "packages": [{"root": "", "pages": ["pages/index/index", "pages/order/order"]}, {"root": "sub", "pages": ["sub/hotel/hotel"]}],
                          "pages": {"pages/index/index": {}, "pages/order/order": {}, "sub/hotel/hotel": {}}});
    BTreeMap::from([("manifest.json".to_string(), serde_json::to_vec(&manifest).unwrap()), ("main/view.js".into(), b"x".to_vec())])
}

async fn world() -> World {
    let dir = std::env::temp_dir().join(format!("openmini_search_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let cfg = Config { data: dir.clone(), ..Config::default() };
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let p = Platform::on(db.clone(), Arc::new(SystemClock), cfg.identity.clone()).await.unwrap();
    let s = p.identity.create_subject("S").await.unwrap();
    let (app, secret) = p.identity.create_app(s.id, AppKind::Miniprogram, "美团外卖", None).await.unwrap();
    let (official, official_secret) = p.identity.create_app(s.id, AppKind::Service, "美团服务号", None).await.unwrap();
    p.identity.store().create_host_app("Shell", 0).await.unwrap();
    let phone = format!("138{:08}", N.fetch_add(1, Ordering::SeqCst));
    let code = p.identity.signin_start(&phone).await.unwrap();
    let (user_token, _) = p.identity.signin_verify(&phone, &code, 1).await.unwrap();
    let token = p.identity.issue_token(Some("client_credential"), Some(&app.appid), Some(&secret)).await.unwrap().access_token;
    let official_token = p.identity.issue_token(Some("client_credential"), Some(&official.appid), Some(&official_secret)).await.unwrap().access_token;
    let state = AppState::new(p.identity, db, cfg);
    package::deploy(&state.db, state.packages.as_ref(), &app, &bundle(), "test", state.identity.now()).await.unwrap();
    assert!(state.search.wait_ready(Duration::from_secs(20)).await, "the index is built");
    World {
        router: router(state.clone()),
        state,
        appid: app.appid,
        app_id: app.id,
        token,
        official: official.appid,
        official_token,
        auth: format!("Bearer {user_token}"),
    }
}

struct Resp {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.body)))
    }
}

async fn send(r: &Router, method: &str, uri: &str, auth: Option<&str>, body: impl Into<Body>) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let res = r.clone().oneshot(req.body(body.into()).unwrap()).await.unwrap();
    let status = res.status();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    Resp { status, content_type, body: res.into_body().collect().await.unwrap().to_bytes().to_vec() }
}

impl World {
    async fn submit(&self, token: &str, body: &Value) -> Value {
        send(&self.router, "POST", &format!("/wxa/search/submitservices?access_token={token}"), None, body.to_string()).await.json()
    }
    async fn services(&self) -> Value {
        send(&self.router, "GET", &format!("/wxa/search/getservices?access_token={}", self.token), None, Body::empty()).await.json()
    }
    async fn search(&self, q: &str) -> Resp {
        let q: String = url_encode(q);
        send(&self.router, "GET", &format!("/client/v1/search?q={q}"), Some(&self.auth), Body::empty()).await
    }
    /// Waits (at most `secs`) until `q` finds (or no longer finds) a result of `appid`.
    async fn until(&self, q: &str, appid: &str, present: bool, secs: u64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self.search(q).await.json();
            let has = v["items"].as_array().unwrap().iter().any(|i| i["appid"] == appid);
            if has == present {
                return v;
            }
            assert!(Instant::now() < deadline, "{q}: {} {appid} after {secs} s: {v}", if present { "no" } else { "still" });
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

fn url_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn svc(page: &str, title: &str, keywords: &[&str], category: &str) -> Value {
    json!({ "page": page, "title": title, "keywords": keywords, "category": category })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_are_checked_stored_and_found_at_once() {
    let w = world().await;
    // The app itself is found by name as soon as the index is built.
    let v = w.until("美团外卖", &w.appid, true, 5).await;
    assert_eq!(v["items"][0]["type"], "miniprogram");
    assert_eq!(v["items"][0]["title"], "美团外卖");

    let good = json!({ "services": [
        svc("pages/order/order", "外卖订餐", &["外卖", "点餐"], "food"),
        svc("/sub/hotel/hotel?from=search", "酒店预订", &["订酒店", "hotel"], "酒店住宿"),
    ]});
    let r = w.submit(&w.token, &good).await;
    assert_eq!((r["errcode"].as_i64(), r["count"].as_i64()), (Some(0), Some(2)), "{r}");
    let list = w.services().await;
    assert_eq!(list["services"][1], json!({"page": "sub/hotel/hotel?from=search", "title": "酒店预订", "keywords": ["订酒店", "hotel"], "category": "hotel"}));
    // This node's write: searchable at once (well within a second).
    let started = Instant::now();
    let v = w.until("订酒店", &w.appid, true, 1).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    let item = v["items"].as_array().unwrap().iter().find(|i| i["type"] == "service").unwrap().clone();
    assert_eq!((item["page"].as_str(), item["category"].as_str(), item["name"].as_str()), (Some("sub/hotel/hotel?from=search"), Some("hotel"), Some("美团外卖")));
    assert!(item["score"].as_f64().unwrap() > 0.0);

    // Every rule, with nothing stored on a refusal.
    let before = w.services().await;
    let cases: Vec<(Value, i64)> = vec![
        (json!({ "services": [svc("pages/nope/nope", "t", &[], "food")] }), 40165),
        (json!({ "services": [svc("pages/order/order", &"字".repeat(31), &[], "food")] }), 85930),
        (json!({ "services": [svc("pages/order/order", "t", &["k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11"], "food")] }), 85931),
        (json!({ "services": [svc("pages/order/order", "t", &[&"字".repeat(21)], "food")] }), 85931),
        (json!({ "services": [svc("pages/order/order", "t", &[], "pets")] }), 85932),
        (json!({ "services": (0..201).map(|i| svc(&format!("pages/order/order?i={i}"), "t", &[], "food")).collect::<Vec<_>>() }), 85933),
        (json!({ "services": [svc("pages/order/order", "a", &[], "food"), svc("pages/order/order", "b", &[], "food")] }), 85934),
        (json!({ "services": "pages/order/order" }), 47001),
        (json!({}), 47001),
    ];
    for (body, code) in cases {
        let r = w.submit(&w.token, &body).await;
        assert_eq!(r["errcode"].as_i64(), Some(code), "{body}: {r}");
    }
    let r = send(&w.router, "POST", &format!("/wxa/search/submitservices?access_token={}", w.token), None, "").await.json();
    assert_eq!(r["errcode"], 44002);
    assert_eq!(w.submit("nope", &good).await["errcode"], 40001);
    assert_eq!(w.services().await, before, "nothing stored by a refused list");
    // Accounts declare no services (48001); a mini program with nothing deployed cannot (85900).
    assert_eq!(w.submit(&w.official_token, &good).await["errcode"], 48001);
    // 200 services are fine; an empty list clears.
    let many = json!({ "services": (0..200).map(|i| svc(&format!("pages/order/order?i={i}"), &format!("服务{i}"), &["k"], "food")).collect::<Vec<_>>() });
    assert_eq!(w.submit(&w.token, &many).await["errcode"], 0);
    assert_eq!(w.services().await["services"].as_array().unwrap().len(), 200);
    assert_eq!(w.submit(&w.token, &json!({"services": []})).await["errcode"], 0);
    assert_eq!(w.services().await["services"], json!([]));
    w.until("订酒店", &w.appid, false, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_get_typed_errors() {
    let w = world().await;
    let r = send(&w.router, "GET", "/client/v1/search?q=x", None, Body::empty()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for (q, code) in [("", 85936), ("%20%E3%80%80", 85936), (&"a".repeat(65), 85937), (&"字".repeat(65).chars().map(|c| url_encode(&c.to_string())).collect::<String>(), 85937)] {
        let r = send(&w.router, "GET", &format!("/client/v1/search?q={q}"), Some(&w.auth), Body::empty()).await;
        assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::BAD_REQUEST, Some(code)), "{q}");
    }
    let r = send(&w.router, "GET", "/client/v1/search", Some(&w.auth), Body::empty()).await;
    assert_eq!(r.json()["errcode"], 85936);
    for bad in ["limit=0", "limit=51", "limit=x"] {
        assert_eq!(send(&w.router, "GET", &format!("/client/v1/search?q=a&{bad}"), Some(&w.auth), Body::empty()).await.json()["errcode"], 200017);
    }
    assert_eq!(send(&w.router, "GET", "/client/v1/search?q=a&type=app", Some(&w.auth), Body::empty()).await.json()["errcode"], 40097);
    let r = send(&w.router, "GET", &format!("/client/v1/search?q={}&type=official&limit=5", url_encode("美团")), Some(&w.auth), Body::empty()).await.json();
    assert!(r["items"].as_array().unwrap().iter().all(|i| i["type"] == "official"), "{r}");
    assert!(r["items"].as_array().unwrap().iter().any(|i| i["appid"] == w.official), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspended_apps_vanish_from_search_catalogue_and_launch() {
    let w = world().await;
    w.submit(&w.token, &json!({ "services": [svc("pages/order/order", "外卖订餐", &["外卖"], "food")] })).await;
    w.until("外卖订餐", &w.appid, true, 2).await;
    let catalogue = send(&w.router, "GET", "/client/v1/apps", Some(&w.auth), Body::empty()).await.json();
    assert!(catalogue["apps"].as_array().unwrap().iter().any(|a| a["appid"] == w.appid));

    // Risk control suspends it (as `openmini app suspend` does: the store and the change log).
    assert!(w.state.db.set_suspended(w.app_id, true, w.state.identity.now()).await.unwrap());
    for q in ["外卖订餐", "美团外卖", "mtwm"] {
        w.until(q, &w.appid, false, 2).await;
    }
    let catalogue = send(&w.router, "GET", "/client/v1/apps", Some(&w.auth), Body::empty()).await.json();
    assert!(catalogue["apps"].as_array().unwrap().iter().all(|a| a["appid"] != w.appid), "{catalogue}");
    let r = send(&w.router, "GET", &format!("/client/v1/apps/{}/package", w.appid), Some(&w.auth), Body::empty()).await;
    assert_eq!((r.status, r.json()["errcode"].as_i64()), (StatusCode::FORBIDDEN, Some(85935)));

    // Lifted: back everywhere.
    assert!(w.state.db.set_suspended(w.app_id, false, w.state.identity.now()).await.unwrap());
    w.until("外卖订餐", &w.appid, true, 2).await;
    assert_eq!(send(&w.router, "GET", &format!("/client/v1/apps/{}/package", w.appid), Some(&w.auth), Body::empty()).await.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_bodies_and_queries_never_break_anything() {
    let w = world().await;
    let good = json!({ "services": [svc("pages/order/order", "外卖订餐", &["外卖"], "food")] });
    assert_eq!(w.submit(&w.token, &good).await["errcode"], 0);
    let stored = w.services().await;
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 200, ..Default::default() });
    let bodies = proptest::collection::vec(any::<u8>(), 0..200).prop_map(|b| b).boxed();
    let shaped = (".{0,40}", ".{0,40}", proptest::collection::vec(".{0,25}", 0..12), ".{0,12}")
        .prop_map(|(p, t, k, c)| json!({ "services": [{ "page": p, "title": t, "keywords": k, "category": c }, 7] }).to_string().into_bytes())
        .boxed();
    let mut samples = Vec::new();
    for _ in 0..100 {
        samples.push(bodies.new_tree(&mut runner).unwrap().current());
        samples.push(shaped.new_tree(&mut runner).unwrap().current());
    }
    for body in samples {
        let r = send(&w.router, "POST", &format!("/wxa/search/submitservices?access_token={}", w.token), None, body.clone()).await;
        assert_eq!((r.status, r.content_type.as_str()), (StatusCode::OK, "application/json"), "{:?}", String::from_utf8_lossy(&body));
        assert_ne!(r.json()["errcode"], 0, "{:?}", String::from_utf8_lossy(&body));
    }
    assert_eq!(w.services().await, stored, "nothing stored by hostile bodies");
    let queries = proptest::collection::vec(any::<u8>(), 0..120).boxed();
    for _ in 0..200 {
        let raw = queries.new_tree(&mut runner).unwrap().current();
        let q: String = raw.iter().map(|b| format!("%{b:02X}")).collect();
        let r = send(&w.router, "GET", &format!("/client/v1/search?q={q}&limit=7"), Some(&w.auth), Body::empty()).await;
        assert!(r.status.is_success() || r.status.is_client_error(), "{q}: {}", r.status);
        let v = r.json();
        assert!(v["items"].is_array() || v["errcode"].as_i64().is_some_and(|c| c != 0), "{q}: {v}");
    }
}
