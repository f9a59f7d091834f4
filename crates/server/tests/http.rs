//! The HTTP surfaces in-process: one router per test on a fresh SQLite store, requests
//! through `tower::ServiceExt::oneshot`. The rules themselves are tested on both
//! databases in `openmini-store`'s suite; here: the wire format, the client flow, and
//! hostile input.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use openmini_core::identity::AppKind;
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::state::AppState;
use openmini_server::{router, Platform};
use openmini_store::{ConnectOptions, Db};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

static N: AtomicU64 = AtomicU64::new(0);

struct App {
    router: Router,
    state: AppState,
    appid: String,
    secret: String,
    user: i64,
}

async fn app_with(cfg: Config) -> App {
    let dir = std::env::temp_dir().join(format!("openmini_http_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let p = Platform::on(db.clone(), Arc::new(SystemClock), cfg.identity.clone()).await.unwrap();
    let s = p.identity.create_subject("S").await.unwrap();
    let (app, secret) = p.identity.create_app(s.id, AppKind::Miniprogram, "M", None).await.unwrap();
    p.identity.store().create_host_app("Shell", 0).await.unwrap();
    let user = p.identity.create_user("13800000000", None).await.unwrap();
    let state = AppState::new(p.identity, db, cfg);
    // /readyz waits for the search index, built in the background.
    assert!(state.search.wait_ready(std::time::Duration::from_secs(20)).await);
    App { router: router(state.clone()), state, appid: app.appid, secret, user: user.id }
}

async fn app() -> App {
    app_with(Config::default()).await
}

struct Resp {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
}

async fn send(r: &Router, method: &str, uri: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = r.clone().oneshot(req.body(body.into()).unwrap()).await.unwrap();
    let status = res.status();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp { status, content_type, body }
}

async fn get(r: &Router, uri: &str) -> Resp {
    send(r, "GET", uri, &[], Body::empty()).await
}

#[tokio::test]
async fn errors_are_http_200_json_with_canonical_errmsg_and_rid() {
    let a = app().await;
    let r = get(&a.router, "/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000000&secret=x").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "application/json");
    let v = r.json();
    assert_eq!(v["errcode"], 40013);
    let msg = v["errmsg"].as_str().unwrap();
    assert!(msg.starts_with("invalid appid rid: "), "{msg}");
}

#[tokio::test]
async fn token_and_login_over_http() {
    let a = app().await;
    let r = get(&a.router, &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", a.appid, a.secret)).await;
    let v = r.json();
    assert_eq!(v["expires_in"], 7200);
    assert!(v.get("errcode").is_none(), "token success carries no errcode, as on the platform");
    let code = a.state.identity.mint_login_code(&a.appid, a.user).await.unwrap();
    let uri = format!("/sns/jscode2session?appid={}&secret={}&js_code={code}&grant_type=authorization_code&access_token=ignored", a.appid, a.secret);
    let v = get(&a.router, &uri).await.json();
    assert_eq!(v["openid"].as_str().unwrap().len(), 28);
    assert_eq!(get(&a.router, &uri).await.json()["errcode"], 40163);
}

#[tokio::test]
async fn post_bodies_are_json_whatever_the_content_type() {
    let a = app().await;
    let body = json!({"grant_type": "client_credential", "appid": a.appid, "secret": a.secret}).to_string();
    for headers in [vec![], vec![("content-type", "text/plain")], vec![("content-type", "application/x-www-form-urlencoded")]] {
        let r = send(&a.router, "POST", "/cgi-bin/stable_token", &headers, body.clone()).await;
        assert!(r.json()["access_token"].is_string(), "{headers:?}");
    }
}

#[tokio::test]
async fn malformed_empty_wrongly_typed_and_oversized_bodies_get_typed_errors() {
    let a = app_with(Config { body_limit: 1024, ..Config::default() }).await;
    let cases: Vec<(Vec<u8>, i64)> = vec![
        (b"{".to_vec(), 47001),
        (b"[1,2]".to_vec(), 47001),
        (b"\xff\xfe".to_vec(), 47001),
        (b"".to_vec(), 44002),
        (br#"{"grant_type": 5, "appid": {"x": 1}}"#.to_vec(), 47001),
        (br#"{"force_refresh": "maybe"}"#.to_vec(), 47001),
        (vec![b' '; 4096], 47001),
    ];
    for (body, errcode) in cases {
        let r = send(&a.router, "POST", "/cgi-bin/stable_token", &[], body.clone()).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.content_type, "application/json");
        assert_eq!(r.json()["errcode"], errcode, "body {:?}", String::from_utf8_lossy(&body[..body.len().min(40)]));
    }
}

#[tokio::test]
async fn unknown_paths_are_json_404() {
    let a = app().await;
    let r = get(&a.router, "/cgi-bin/nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["errcode"], 48004);
    let r = get(&a.router, "/cgi-bin/stable_token").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["errcode"], 48004);
}

#[tokio::test]
async fn health_and_metrics() {
    let a = app().await;
    assert_eq!(get(&a.router, "/healthz").await.json()["status"], "ok");
    assert_eq!(get(&a.router, "/readyz").await.status, StatusCode::OK);
    get(&a.router, "/cgi-bin/token").await;
    let m = String::from_utf8(get(&a.router, "/metrics").await.body).unwrap();
    assert!(m.contains("openmini_http_requests_total"), "{m}");
    assert!(m.contains("route=\"/cgi-bin/token\""), "{m}");
    assert!(m.contains("openmini_openapi_errors_total"), "{m}");
}

#[tokio::test]
async fn client_flow_sign_in_to_user_profile() {
    let a = app().await;
    let r = send(&a.router, "POST", "/client/v1/signin/start", &[], json!({"phone": "13811112222"}).to_string()).await;
    assert_eq!(r.status, StatusCode::OK);
    // The demo code goes to the log; here we take a fresh one from the domain directly.
    let code = a.state.identity.signin_start("13811112222").await.unwrap();
    let r = send(&a.router, "POST", "/client/v1/signin/verify", &[], json!({"phone": "13811112222", "code": code}).to_string()).await;
    let v = r.json();
    let token = v["token"].as_str().unwrap().to_string();
    let auth = format!("Bearer {token}");
    let h = [("authorization", auth.as_str())];
    assert_eq!(send(&a.router, "GET", "/client/v1/me", &h, Body::empty()).await.json()["user"]["phone"], "13811112222");

    let r = send(&a.router, "POST", &format!("/client/v1/apps/{}/login", a.appid), &h, Body::empty()).await;
    let code = r.json()["code"].as_str().unwrap().to_string();
    let uri = format!("/sns/jscode2session?appid={}&secret={}&js_code={code}&grant_type=authorization_code", a.appid, a.secret);
    let s = get(&a.router, &uri).await.json();
    let r = send(&a.router, "POST", &format!("/client/v1/apps/{}/user-profile", a.appid), &h, Body::empty()).await;
    let p = r.json();
    let v = openmini_core::wxa_crypto::decrypt(
        s["session_key"].as_str().unwrap(),
        p["iv"].as_str().unwrap(),
        p["encryptedData"].as_str().unwrap(),
        &a.appid,
    )
    .unwrap();
    assert_eq!(v["openId"], s["openid"]);

    // Unknown app, missing and bad tokens, and signing out.
    let r = send(&a.router, "POST", "/client/v1/apps/wx0000000000000000/login", &h, Body::empty()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&a.router, "GET", "/client/v1/me", &[], Body::empty()).await.status, StatusCode::UNAUTHORIZED);
    let bad = [("authorization", "Bearer nope")];
    assert_eq!(send(&a.router, "GET", "/client/v1/me", &bad, Body::empty()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&a.router, "POST", "/client/v1/signout", &h, Body::empty()).await.status, StatusCode::OK);
    assert_eq!(send(&a.router, "GET", "/client/v1/me", &h, Body::empty()).await.status, StatusCode::UNAUTHORIZED);
    let r = send(&a.router, "POST", "/client/v1/signin/verify", &[], "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errcode"], 47001);
}

mod hostile_input {
    use super::*;
    use proptest::prelude::*;

    const PATHS: &[(&str, &str)] = &[
        ("GET", "/cgi-bin/token"),
        ("POST", "/cgi-bin/stable_token"),
        ("GET", "/sns/jscode2session"),
        ("GET", "/wxa/checksession"),
        ("POST", "/wxa/business/getuserphonenumber"),
        ("POST", "/cgi-bin/open/create"),
        ("POST", "/cgi-bin/open/bind"),
        ("POST", "/cgi-bin/open/unbind"),
        ("POST", "/cgi-bin/open/get"),
        ("GET", "/cgi-bin/open/have"),
        ("GET", "/wxaapi/newtmpl/getcategory"),
        ("GET", "/wxaapi/newtmpl/getpubtemplatetitles"),
        ("GET", "/wxaapi/newtmpl/getpubtemplatekeywords"),
        ("POST", "/wxaapi/newtmpl/addtemplate"),
        ("GET", "/wxaapi/newtmpl/gettemplate"),
        ("POST", "/wxaapi/newtmpl/deltemplate"),
        ("POST", "/client/v1/signin/start"),
        ("POST", "/client/v1/signin/verify"),
        ("POST", "/wxa/push/send"),
        ("GET", "/wxa/push/getallowance"),
        ("POST", "/wxa/push/campaign/create"),
        ("GET", "/wxa/push/campaign/get"),
        ("POST", "/wxa/server/set"),
        ("GET", "/wxa/server/deliveries"),
        ("GET", "/client/v1/inbox"),
        ("POST", "/client/v1/inbox/1/open"),
    ];

    fn query() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            Just("appid".to_string()),
            Just("secret".to_string()),
            Just("js_code".to_string()),
            Just("grant_type".to_string()),
            Just("access_token".to_string()),
            Just("openid".to_string()),
            Just("signature".to_string()),
            Just("sig_method".to_string()),
            Just("tid".to_string()),
            Just("ids".to_string()),
            Just("limit".to_string()),
            "[a-z_]{1,8}",
        ];
        let val = prop_oneof![
            Just("client_credential".to_string()),
            Just("authorization_code".to_string()),
            Just("wx0000000000000000".to_string()),
            "[0-9a-f]{32}",
            "%[0-9A-F]{2}",
            ".{0,40}",
        ];
        proptest::collection::vec((key, val), 0..6).prop_map(|kv| {
            kv.into_iter().map(|(k, v)| format!("{k}={}", v.replace(['&', '#', ' '], "%26"))).collect::<Vec<_>>().join("&")
        })
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            ".{0,100}".prop_map(|s| s.into_bytes()),
            (".{0,20}", ".{0,20}").prop_map(|(a, b)| json!({"appid": a, "code": b, "open_appid": a, "phone": b, "tid": a, "priTmplId": b}).to_string().into_bytes()),
            (any::<i64>(), proptest::collection::vec(any::<i64>(), 0..8)).prop_map(|(t, k)| json!({"tid": t, "kidList": k, "sceneDesc": "x"}).to_string().into_bytes()),
            any::<i64>().prop_map(|n| json!({"appid": n, "force_refresh": n, "grant_type": [n]}).to_string().into_bytes()),
        ]
    }

    #[test]
    fn no_500_no_panic_no_garbage_stored() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let a = rt.block_on(app());
        let apps_before = rt.block_on(a.state.identity.store().list_apps()).unwrap().len();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 400, ..ProptestConfig::default() });
        runner
            .run(&(0..PATHS.len(), query(), body()), |(i, q, b)| {
                let (method, path) = PATHS[i];
                let uri = if q.is_empty() { path.to_string() } else { format!("{path}?{q}") };
                let Ok(req) = Request::builder().method(method).uri(&uri).body(Body::from(b)) else {
                    return Ok(()); // not a valid URI: never reaches us over HTTP either
                };
                let res = rt.block_on(a.router.clone().oneshot(req)).unwrap();
                let status = res.status();
                let bytes = rt.block_on(res.into_body().collect()).unwrap().to_bytes();
                prop_assert!(!status.is_server_error(), "{uri} -> {status}");
                let v: Value = serde_json::from_slice(&bytes).map_err(|_| TestCaseError::fail(format!("{uri}: not JSON")))?;
                if !path.starts_with("/client/") && status == StatusCode::OK && v.get("errcode").is_some() {
                    prop_assert!(v["errcode"].is_i64() && v["errmsg"].is_string(), "{uri}: {v}");
                }
                Ok(())
            })
            .unwrap();
        // Garbage created nothing and broke nothing.
        assert_eq!(rt.block_on(a.state.identity.store().list_apps()).unwrap().len(), apps_before);
        let r = rt.block_on(get(&a.router, &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", a.appid, a.secret)));
        assert!(r.json()["access_token"].is_string());
    }
}

/// With a valid token, garbage in every field of the reach endpoints: typed errors,
/// never a 5xx, and no campaign, server setting or message comes of it.
#[test]
fn authenticated_garbage_to_reach_endpoints() {
    use proptest::prelude::*;
    use openmini_core::reach::store::{CampaignStore, InboxFilter, InboxStore, OutboxStore};
    const PATHS: &[&str] = &[
        "/wxa/push/send",
        "/wxa/push/campaign/create",
        "/wxa/server/set",
        "/cgi-bin/message/subscribe/send",
        "/cgi-bin/message/custom/send",
        "/cgi-bin/message/wxopen/template/send",
    ];
    let rt = tokio::runtime::Runtime::new().unwrap();
    let a = rt.block_on(app());
    let v = rt.block_on(get(&a.router, &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", a.appid, a.secret))).json();
    let token = v["access_token"].as_str().unwrap().to_string();
    let value = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        ".{0,30}".prop_map(Value::from),
        "[a-z]{500,3000}".prop_map(Value::from),
        Just(json!(["x", 1, null])),
        Just(json!({"value": {"nested": true}})),
        Just(json!({"thing1": {"value": "x".repeat(100)}})),
    ];
    let key = prop_oneof![
        Just("touser"), Just("title"), Just("content"), Just("page"), Just("kind"), Just("template_id"),
        Just("data"), Just("url"), Just("token"), Just("encoding_aes_key"), Just("format"), Just("mode"),
        Just("msgtype"), Just("text"), Just("form_id"), Just("campaign_id"),
    ];
    let body = proptest::collection::vec((key, value), 0..8).prop_map(|kv| {
        let mut m = serde_json::Map::new();
        for (k, v) in kv {
            m.insert(k.to_string(), v);
        }
        Value::Object(m).to_string()
    });
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 300, ..Default::default() });
    runner
        .run(&(0..PATHS.len(), body), |(i, b)| {
            let uri = format!("{}?access_token={token}", PATHS[i]);
            let r = rt.block_on(send(&a.router, "POST", &uri, &[], b.clone()));
            prop_assert_eq!(r.status, StatusCode::OK, "{} {}", uri, b);
            let v = r.json();
            prop_assert!(v["errcode"].as_i64().is_some_and(|c| c != 0 && c != -1), "{} {} -> {}", PATHS[i], b, v);
            Ok(())
        })
        .unwrap();
    let app = rt.block_on(a.state.identity.store().app_by_appid(&a.appid)).unwrap().unwrap();
    assert!(rt.block_on(a.state.db.campaign(1)).unwrap().is_none());
    assert!(rt.block_on(a.state.db.server(app.id)).unwrap().is_none());
    assert!(rt.block_on(a.state.db.inbox_messages(a.user, &InboxFilter::default(), 10)).unwrap().is_empty());
}

#[tokio::test]
async fn public_template_library() {
    let a = app().await;
    let v = get(&a.router, &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", a.appid, a.secret)).await.json();
    let t = v["access_token"].as_str().unwrap().to_string();
    let cats = get(&a.router, &format!("/wxaapi/newtmpl/getcategory?access_token={t}")).await.json();
    assert_eq!(cats["errcode"], 0);
    let cat = cats["data"][0]["id"].as_i64().unwrap();
    let titles = get(&a.router, &format!("/wxaapi/newtmpl/getpubtemplatetitles?access_token={t}&ids={cat}&start=0&limit=30")).await.json();
    assert!(titles["count"].as_i64().unwrap() >= 1);
    let first = &titles["data"][0];
    assert!(first["categoryId"].is_string(), "categoryId is a string, as in the platform's samples");
    let tid = first["tid"].as_i64().unwrap();
    let kw = get(&a.router, &format!("/wxaapi/newtmpl/getpubtemplatekeywords?access_token={t}&tid={tid}")).await.json();
    assert!(kw["count"].as_i64().unwrap() >= 2);
    assert!(kw["data"][0]["rule"].is_string() && kw["data"][0]["example"].is_string());
    // Errors: limit above 30, unknown tid, missing token.
    let e = get(&a.router, &format!("/wxaapi/newtmpl/getpubtemplatetitles?access_token={t}&ids={cat}&start=0&limit=31")).await.json();
    assert_eq!(e["errcode"], 200017);
    assert_eq!(get(&a.router, &format!("/wxaapi/newtmpl/getpubtemplatekeywords?access_token={t}&tid=1")).await.json()["errcode"], 200014);
    assert_eq!(get(&a.router, "/wxaapi/newtmpl/getcategory").await.json()["errcode"], 41001);
}

#[tokio::test]
async fn private_templates_over_http() {
    let a = app().await;
    let v = get(&a.router, &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", a.appid, a.secret)).await.json();
    let t = v["access_token"].as_str().unwrap().to_string();
    let tpl = &openmini_core::reach::library::library().templates[0];
    let body = json!({"tid": tpl.tid.to_string(), "kidList": [tpl.keywords[0].kid, tpl.keywords[1].kid], "sceneDesc": "测试"}).to_string();
    let r = send(&a.router, "POST", &format!("/wxaapi/newtmpl/addtemplate?access_token={t}"), &[], body).await.json();
    let id = r["priTmplId"].as_str().unwrap().to_string();
    let list = get(&a.router, &format!("/wxaapi/newtmpl/gettemplate?access_token={t}")).await.json();
    assert_eq!(list["data"][0]["priTmplId"], id.as_str());
    assert_eq!(list["data"][0]["title"], tpl.title.as_str());
    let bad = json!({"tid": tpl.tid, "kidList": "1,2"}).to_string();
    let r = send(&a.router, "POST", &format!("/wxaapi/newtmpl/addtemplate?access_token={t}"), &[], bad).await.json();
    assert_eq!(r["errcode"], 47001, "kidList must be a list");
    let del = json!({"priTmplId": id}).to_string();
    assert_eq!(send(&a.router, "POST", &format!("/wxaapi/newtmpl/deltemplate?access_token={t}"), &[], del.clone()).await.json()["errcode"], 0);
    assert_eq!(send(&a.router, "POST", &format!("/wxaapi/newtmpl/deltemplate?access_token={t}"), &[], del).await.json()["errcode"], 40037);
}
