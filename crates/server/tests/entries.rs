//! Entries over HTTP in-process (docs/traffic.md): the jsapi ticket and `wx.config`
//! (forged signatures, stale timestamps, another page's origin), the open tag's launch
//! ticket and its redemption (scene 1167), launches from a mobile app with consent
//! (1069), shares and `wx.getShareInfo` (tickets of another app or user), service
//! accounts' menus and drafts, the shell's service-account routes, CORS for pages and
//! third-party hosts, and hostile bodies (never a 5xx, always JSON, nothing stored).
//! The rules' edges (10 minutes, 7 days, the 3rd and 4th link, races) are in
//! `openmini-store`'s `tests/entries.rs` on both databases.

use axum::body::Body;
use axum::http::StatusCode;
use axum::Router;
use openmini_core::container::package;
use openmini_core::identity::{App, AppKind};
use openmini_core::traffic::entry_policy::EntryPolicy;
use openmini_core::traffic::entry_store::{LaunchStore, OfficialStore, ShareStore};
use openmini_core::traffic::{jssdk, launch};
use openmini_core::{wxa_crypto, SystemClock};
use openmini_server::config::Config;
use openmini_server::state::AppState;
use openmini_server::{router, Platform};
use openmini_store::{ConnectOptions, Db};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod common;
use common::{send, Resp};

static N: AtomicU64 = AtomicU64::new(0);

fn bundle() -> BTreeMap<String, Vec<u8>> {
    let manifest = json!({"format": 1, "packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}], "app": {}});
    BTreeMap::from([("manifest.json".to_string(), serde_json::to_vec(&manifest).unwrap()), ("main/view.js".into(), b"x".to_vec())])
}

struct Creds {
    app: App,
    secret: String,
}

struct World {
    router: Router,
    state: AppState,
    site: Creds,
    service: Creds,
    mp: Creds,
    foreign: Creds,
    mobile: Creds,
    /// A user signed in to the web shell (host app 1) and to the bank's app (host 2).
    shell_auth: String,
    bank_auth: String,
    other_auth: String,
}

async fn world() -> World {
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("openmini_entries_http_{}_{n}", std::process::id()));
    let cfg = Config { data: dir.clone(), ..Config::default() };
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let p = Platform::on(db.clone(), Arc::new(SystemClock), cfg.identity.clone()).await.unwrap();
    let id = &p.identity;
    let s = id.create_subject("Coffee").await.unwrap();
    let open = id.create_open_account(s.id, false).await.unwrap();
    let mk = |kind, open: Option<String>, subject: i64| async move {
        let (app, secret) = id.create_app(subject, kind, "App", open.as_deref()).await.unwrap();
        Creds { app, secret }
    };
    let site = mk(AppKind::Website, Some(open.open_appid.clone()), s.id).await;
    let service = mk(AppKind::Service, Some(open.open_appid.clone()), s.id).await;
    let mp = mk(AppKind::Miniprogram, Some(open.open_appid.clone()), s.id).await;
    let other = id.create_subject("Books").await.unwrap();
    let foreign = mk(AppKind::Miniprogram, None, other.id).await;
    let mobile = mk(AppKind::Mobile, None, other.id).await;
    let shell = id.store().create_host_app("OpenMini Web Shell", 0).await.unwrap();
    let bank = id.store().create_host_app("Bank", 0).await.unwrap();
    db.set_host_mobile_app(bank.id, Some(mobile.app.id), 0).await.unwrap();
    let signin = |host: i64| async move {
        let phone = format!("137{:08}", N.fetch_add(1, Ordering::SeqCst));
        let code = id.signin_start(&phone).await.unwrap();
        format!("Bearer {}", id.signin_verify(&phone, &code, host).await.unwrap().0)
    };
    let shell_auth = signin(shell.id).await;
    let bank_auth = signin(bank.id).await;
    let other_auth = signin(shell.id).await;
    let state = AppState::new(p.identity.clone(), db, cfg);
    for c in [&mp, &foreign] {
        package::deploy(&state.db, state.packages.as_ref(), &c.app, &bundle(), "test", state.identity.now()).await.unwrap();
    }
    World { router: router(state.clone()), state, site, service, mp, foreign, mobile, shell_auth, bank_auth, other_auth }
}

impl World {
    async fn token(&self, c: &Creds) -> String {
        let r = send(&self.router, "GET", &format!("/cgi-bin/token?grant_type=client_credential&appid={}&secret={}", c.app.appid, c.secret), &[], Body::empty()).await;
        r.json()["access_token"].as_str().unwrap().to_string()
    }
    async fn open_api(&self, method: &str, path: &str, token: &str, body: Value) -> Value {
        let sep = if path.contains('?') { '&' } else { '?' };
        let body = if body.is_null() { Body::empty() } else { Body::from(body.to_string()) };
        let r = send(&self.router, method, &format!("{path}{sep}access_token={token}"), &[], body).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), "application/json");
        r.json()
    }
    async fn client(&self, auth: &str, method: &str, path: &str, body: Value) -> Resp {
        send(&self.router, method, &format!("/client/v1{path}"), &[("authorization", auth)], body.to_string()).await
    }
    async fn page(&self, path: &str, headers: &[(&str, &str)], body: Value) -> Resp {
        send(&self.router, "POST", &format!("/client/v1{path}"), headers, body.to_string()).await
    }
    /// The session key the app's backend gets for the user behind `auth`.
    async fn session_key(&self, auth: &str, c: &Creds) -> String {
        let code = self.client(auth, "POST", &format!("/apps/{}/login", c.app.appid), json!({})).await.json()["code"].as_str().unwrap().to_string();
        let r = send(&self.router, "GET", &format!("/sns/jscode2session?appid={}&secret={}&js_code={code}&grant_type=authorization_code", c.app.appid, c.secret), &[], Body::empty()).await;
        r.json()["session_key"].as_str().unwrap().to_string()
    }
}

fn signed(appid: &str, ticket: &str, ts: i64, url: &str) -> Value {
    json!({"appId": appid, "timestamp": ts, "nonceStr": "n0nce", "signature": jssdk::signature(ticket, "n0nce", &ts.to_string(), url), "url": url, "openTagList": ["wx-open-launch-weapp", "wx-open-audio"]})
}

fn now_s() -> i64 {
    SystemClock.now_s()
}

trait Secs {
    fn now_s(&self) -> i64;
}
impl Secs for SystemClock {
    fn now_s(&self) -> i64 {
        openmini_core::Clock::now_ms(self) / 1000
    }
}

const PAGE: &str = "https://coffee.example.com";
const OLD_WECHAT: &str = "Mozilla/5.0 (Linux; Android 10; X) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/7.0.11.1600(0x2700073B)";
const NEW_WECHAT: &str = "Mozilla/5.0 (Linux; Android 10; X) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.40.2420(0x28002837)";

#[tokio::test]
async fn jsapi_tickets_and_wx_config() {
    let w = world().await;
    let site = w.token(&w.site).await;
    let t = w.open_api("GET", "/cgi-bin/ticket/getticket?type=jsapi", &site, Value::Null).await;
    assert_eq!((t["errcode"].as_i64(), t["errmsg"].as_str(), t["expires_in"].as_i64()), (Some(0), Some("ok"), Some(7200)));
    let ticket = t["ticket"].as_str().unwrap().to_string();
    let svc = w.token(&w.service).await;
    assert_eq!(w.open_api("GET", "/cgi-bin/ticket/getticket?type=jsapi", &svc, Value::Null).await["errcode"], 0);
    let mp = w.token(&w.mp).await;
    assert_eq!(w.open_api("GET", "/cgi-bin/ticket/getticket?type=jsapi", &mp, Value::Null).await["errcode"], 48001);
    assert_eq!(w.open_api("GET", "/cgi-bin/ticket/getticket?type=wx_card", &site, Value::Null).await["errcode"], 40097);
    assert_eq!(w.open_api("GET", "/cgi-bin/ticket/getticket?type=jsapi", "nope", Value::Null).await["errcode"], 40001);

    let url = format!("{PAGE}/menu?table=3");
    let origin = [("origin", PAGE)];
    let ok = w.page("/jssdk/verify", &origin, signed(&w.site.app.appid, &ticket, now_s(), &url)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", String::from_utf8_lossy(&ok.body));
    let v = ok.json();
    assert_eq!((v["errMsg"].as_str(), v["openTagList"].clone()), (Some("config:ok"), json!(["wx-open-launch-weapp"])));
    assert_eq!(v["minimums"], json!({"client": "7.0.12", "ios": "10.3", "android": "5.0"}));
    assert_eq!(ok.header("access-control-allow-origin"), "*");
    // The timestamp may be sent as a string too.
    let mut as_text = signed(&w.site.app.appid, &ticket, now_s(), &url);
    as_text["timestamp"] = now_s().to_string().into();
    assert_eq!(w.page("/jssdk/verify", &origin, as_text).await.status, StatusCode::OK);

    let refusals = [
        (signed(&w.site.app.appid, &ticket, now_s() - 700, &url), &origin[..], 87009),
        (signed(&w.site.app.appid, "forged", now_s(), &url), &origin[..], 87009),
        ({ let mut b = signed(&w.site.app.appid, &ticket, now_s(), &url); b["url"] = format!("{PAGE}/other").into(); b }, &origin[..], 87009),
        (json!({"url": url, "appId": w.site.app.appid, "timestamp": now_s(), "nonceStr": "n0nce", "signature": jssdk::signature(&ticket, "n0nce", &now_s().to_string(), &url)}), &[("origin", "https://evil.example.com")][..], 87009),
        (signed(&w.mp.app.appid, &ticket, now_s(), &url), &origin[..], 48001),
        (signed("wx0000000000000000", &ticket, now_s(), &url), &origin[..], 40013),
        (json!({"appId": w.site.app.appid, "timestamp": {"x": 1}}), &origin[..], 47001),
    ];
    for (body, headers, code) in refusals {
        let r = w.page("/jssdk/verify", headers, body.clone()).await;
        assert_eq!(r.json()["errcode"], code, "{body}");
        assert!(r.status.is_client_error());
        assert_eq!(r.header("access-control-allow-origin"), "*", "pages read the refusal too");
    }
    // Preflights of pages and third-party hosts.
    let pre = send(&w.router, "OPTIONS", "/client/v1/launch", &[("origin", PAGE), ("access-control-request-method", "POST"), ("access-control-request-headers", "authorization,content-type")], Body::empty()).await;
    assert_eq!(pre.status, StatusCode::NO_CONTENT);
    assert_eq!(pre.header("access-control-allow-origin"), "*");
    assert!(pre.header("access-control-allow-headers").contains("authorization"));
    // The SDK itself is served to any page.
    let sdk = send(&w.router, "GET", "/jssdk/openmini.js", &[], Body::empty()).await;
    assert_eq!((sdk.status, sdk.header("content-type"), sdk.header("access-control-allow-origin")), (StatusCode::OK, "text/javascript; charset=utf-8", "*"));
    assert!(String::from_utf8_lossy(&sdk.body).contains("wx-open-launch-weapp"));
    let host = send(&w.router, "GET", "/sdk/host.js", &[], Body::empty()).await;
    assert_eq!((host.status, host.header("access-control-allow-origin")), (StatusCode::OK, "*"));
}

#[tokio::test]
async fn the_open_tag_launches_through_a_ticket_the_shell_redeems() {
    let w = world().await;
    let site = w.token(&w.site).await;
    let ticket = w.open_api("GET", "/cgi-bin/ticket/getticket?type=jsapi", &site, Value::Null).await["ticket"].as_str().unwrap().to_string();
    let cfg = w.page("/jssdk/verify", &[("origin", PAGE)], signed(&w.site.app.appid, &ticket, now_s(), &format!("{PAGE}/"))).await.json()["config"].as_str().unwrap().to_string();
    let launch = |ua: &'static str, body: Value| {
        let w = &w;
        async move { w.page("/jssdk/launch", &[("origin", PAGE), ("user-agent", ua), ("host", "mini.example.com")], body).await }
    };
    let r = launch(NEW_WECHAT, json!({"config": cfg, "appid": w.mp.app.appid, "path": "pages/item/item?id=3", "extraData": {"a": 1}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    let t = v["ticket"].as_str().unwrap();
    assert_eq!(v["url"], format!("http://mini.example.com/#/open?launch={t}"));
    let redeemed = w.client(&w.shell_auth, "POST", "/launch/redeem", json!({"ticket": t})).await;
    assert_eq!(redeemed.json(), json!({"appid": w.mp.app.appid, "path": "pages/item/item", "query": "id=3", "scene": 1167, "referrerInfo": {"appId": w.site.app.appid, "extraData": {"a": 1}}, "source": PAGE}));
    assert_eq!(w.client(&w.shell_auth, "POST", "/launch/redeem", json!({"ticket": t})).await.json()["errcode"], 40163);
    assert_eq!(w.client(&w.shell_auth, "POST", "/launch/redeem", json!({"ticket": "x.y"})).await.json()["errcode"], 40029);
    assert_eq!(send(&w.router, "POST", "/client/v1/launch/redeem", &[], json!({"ticket": t}).to_string()).await.status, StatusCode::UNAUTHORIZED);

    let refused = launch(OLD_WECHAT, json!({"config": cfg, "appid": w.mp.app.appid})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.json()["errmsg"].as_str().unwrap().contains("client version 7.0.11.1600 is older than 7.0.12"));
    for (body, code) in [
        (json!({"config": cfg, "appid": w.foreign.app.appid}), 40166),
        (json!({"config": cfg, "appid": w.mp.app.appid, "path": "pages/none/none"}), 40165),
        (json!({"config": "forged.config", "appid": w.mp.app.appid}), 87009),
        (json!({"config": cfg}), 40166),
        (json!({"config": cfg, "appid": w.mp.app.appid, "extraData": "x".repeat(2000)}), 40097),
    ] {
        assert_eq!(launch(NEW_WECHAT, body.clone()).await.json()["errcode"], code, "{body}");
    }
}

#[tokio::test]
async fn apps_launch_linked_mini_programs_after_the_users_consent() {
    let w = world().await;
    let body = json!({"from": w.mobile.app.appid, "appid": w.foreign.app.appid, "path": "pages/item/item?id=1", "extData": {"order": 7}});
    // Not linked yet.
    assert_eq!(w.client(&w.bank_auth, "POST", "/launch", body.clone()).await.json()["errcode"], 48001);
    launch::link(&w.state.identity, &w.state.db, &w.mobile.app.appid, &w.foreign.app.appid, true, &EntryPolicy::default()).await.unwrap();
    let first = w.client(&w.bank_auth, "POST", "/launch", body.clone()).await.json();
    assert_eq!(first["consent_needed"], true);
    assert_eq!(first["miniprogram"]["appid"], w.foreign.app.appid);
    assert_eq!(w.client(&w.bank_auth, "POST", "/launch/consent", body.clone()).await.json(), json!({"ok": true}));
    let l = w.client(&w.bank_auth, "POST", "/launch", body.clone()).await.json();
    assert_eq!(l, json!({"appid": w.foreign.app.appid, "path": "pages/item/item", "query": "id=1", "scene": 1069, "referrerInfo": {"appId": w.mobile.app.appid, "extraData": {"order": 7}}, "source": w.mobile.app.appid}));
    // By userName (the original id), as WeChat's OpenSDK names it.
    let by_name = json!({"from": w.mobile.app.appid, "userName": openmini_core::reach::events::original_id(&w.foreign.app.appid)});
    assert_eq!(w.client(&w.bank_auth, "POST", "/launch", by_name).await.json()["scene"], 1069);
    // The web shell does not speak for that mobile app; a wrong `from` is refused.
    assert_eq!(w.client(&w.shell_auth, "POST", "/launch", body.clone()).await.json()["errcode"], 48001);
    let wrong = json!({"from": w.site.app.appid, "appid": w.foreign.app.appid});
    assert_eq!(w.client(&w.bank_auth, "POST", "/launch", wrong).await.json()["errcode"], 40013);
    // Not linked: the consent is refused and nothing is stored.
    let unlinked = json!({"from": w.mobile.app.appid, "appid": w.mp.app.appid});
    assert_eq!(w.client(&w.bank_auth, "POST", "/launch/consent", unlinked).await.json()["errcode"], 48001);
    assert!(!w.state.db.launch_consent(2, 2, w.mp.app.id).await.unwrap());
}

#[tokio::test]
async fn shares_and_get_share_info() {
    let w = world().await;
    let a = &w.mp.app.appid;
    let card = |chat: Value, ticket: bool| json!({"appid": a, "title": "拼单", "path": "/pages/index/index?g=1", "imageUrl": "", "chat": chat, "withShareTicket": ticket});
    let one = w.client(&w.shell_auth, "POST", "/shares", card(json!({"id": "c-wang", "group": false}), true)).await.json();
    assert_eq!((one["scene"].as_i64(), one.get("shareTicket").is_none()), (Some(1007), true));
    let g = w.client(&w.shell_auth, "POST", "/shares", card(json!({"id": "g-coffee", "group": true}), true)).await.json();
    assert_eq!(g["scene"], 1044);
    let ticket = g["shareTicket"].as_str().unwrap().to_string();
    let moment = w.client(&w.shell_auth, "POST", "/shares", json!({"appid": a, "title": "看看", "path": "pages/item/item", "timeline": true})).await.json();
    assert_eq!(moment["scene"], 1154);

    // Before the app's backend exchanged a login code: 40029.
    let info = |auth: &str, appid: &str, t: &str| {
        let (w, auth, appid, t) = (&w, auth.to_string(), appid.to_string(), t.to_string());
        async move { w.client(&auth, "POST", &format!("/apps/{appid}/share-info"), json!({"shareTicket": t})).await }
    };
    assert_eq!(info(&w.shell_auth, a, &ticket).await.json()["errcode"], 40029);
    let key = w.session_key(&w.shell_auth, &w.mp).await;
    let r = info(&w.shell_auth, a, &ticket).await.json();
    assert_eq!(r["errMsg"], "getShareInfo:ok");
    let plain = wxa_crypto::decrypt(&key, r["iv"].as_str().unwrap(), r["encryptedData"].as_str().unwrap(), a).unwrap();
    let gid = plain["openGId"].as_str().unwrap();
    assert!(gid.starts_with("tG"));
    assert_eq!(plain["watermark"]["appid"], a.as_str());

    // Another user, another app, a forged ticket: "invalid shareTicket".
    for r in [info(&w.other_auth, a, &ticket).await, info(&w.shell_auth, &w.foreign.app.appid, &ticket).await, info(&w.shell_auth, a, "st_forged").await] {
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.json()["errmsg"].as_str().unwrap().contains("invalid shareTicket"));
    }
    assert_eq!(w.state.db.count_shares(w.mp.app.id).await.unwrap(), 3);
    for bad in [json!({"appid": a, "chat": {"id": [5]}}), json!({"appid": a}), json!({"appid": a, "chat": "g", "timeline": true}), json!({"appid": w.site.app.appid, "timeline": true})] {
        assert!(w.client(&w.shell_auth, "POST", "/shares", bad.clone()).await.status.is_client_error(), "{bad}");
    }
    assert_eq!(w.state.db.count_shares(w.mp.app.id).await.unwrap(), 3, "nothing stored on bad input");
}

#[tokio::test]
async fn service_account_menus_drafts_and_the_shells_pages() {
    let w = world().await;
    let svc = w.token(&w.service).await;
    let menu = json!({"button": [
        {"type": "miniprogram", "name": "点单", "url": "https://coffee.example.com", "appid": w.mp.app.appid, "pagepath": "pages/item/item?id=1"},
        {"name": "更多", "sub_button": [{"type": "view", "name": "官网", "url": "https://coffee.example.com"}, {"type": "click", "name": "签到", "key": "SIGN"}]}
    ]});
    assert_eq!(w.open_api("GET", "/cgi-bin/menu/get", &svc, Value::Null).await["errcode"], 46003);
    assert_eq!(w.open_api("POST", "/cgi-bin/menu/create", &svc, menu.clone()).await, json!({"errcode": 0, "errmsg": "ok"}));
    let got = w.open_api("GET", "/cgi-bin/menu/get", &svc, Value::Null).await;
    assert_eq!(got["menu"]["button"][0]["pagepath"], "pages/item/item?id=1");
    assert_eq!(got["menu"]["button"][1]["sub_button"][0]["sub_button"], json!([]));
    for (body, code) in [
        (json!({"button": [{"type": "miniprogram", "name": "a", "url": "https://x.example.com", "appid": w.foreign.app.appid, "pagepath": "pages/index/index"}]}), 40166),
        (json!({"button": [{"type": "miniprogram", "name": "a", "url": "https://x.example.com", "appid": w.mp.app.appid, "pagepath": "pages/nope"}]}), 40165),
        (json!({"button": "x"}), 40016),
        (json!([1]), 47001),
    ] {
        assert_eq!(w.open_api("POST", "/cgi-bin/menu/create", &svc, body.clone()).await["errcode"], code, "{body}");
    }
    assert_eq!(w.open_api("GET", "/cgi-bin/menu/get", &svc, Value::Null).await["menu"], got["menu"], "a refused menu changes nothing");
    let mp = w.token(&w.mp).await;
    assert_eq!(w.open_api("POST", "/cgi-bin/menu/create", &mp, menu.clone()).await["errcode"], 48001);

    let draft = json!({"articles": [{"title": "秋季新品", "author": "小编", "digest": "限时", "content": "<p>第一段</p><p>第二段</p>", "miniprogram": {"appid": w.mp.app.appid, "pagepath": "pages/index/index"}}]});
    let media = w.open_api("POST", "/cgi-bin/draft/add", &svc, draft).await["media_id"].as_str().unwrap().to_string();
    let got = w.open_api("POST", "/cgi-bin/draft/get", &svc, json!({"media_id": media})).await;
    assert_eq!(got["news_item"][0]["title"], "秋季新品");

    // What the shell shows: the accounts, the account's page, the article.
    let list = w.client(&w.shell_auth, "GET", "/official-accounts", Value::Null).await.json();
    assert!(list["accounts"].as_array().unwrap().iter().any(|a| a["appid"] == w.service.app.appid));
    let page = w.client(&w.shell_auth, "GET", &format!("/official-accounts/{}", w.service.app.appid), Value::Null).await.json();
    assert_eq!(page["menu"]["button"][0]["type"], "miniprogram");
    let id = page["articles"][0]["id"].as_i64().unwrap();
    let article = w.client(&w.shell_auth, "GET", &format!("/articles/{id}"), Value::Null).await.json();
    assert_eq!((article["miniprogram"]["appid"].as_str(), article["account"]["appid"].as_str()), (Some(w.mp.app.appid.as_str()), Some(w.service.app.appid.as_str())));
    assert_eq!(w.client(&w.shell_auth, "GET", &format!("/official-accounts/{}", w.mp.app.appid), Value::Null).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.client(&w.shell_auth, "GET", "/articles/999999", Value::Null).await.json()["errcode"], 40097);

    assert_eq!(w.open_api("GET", "/cgi-bin/menu/delete", &svc, Value::Null).await["errcode"], 0);
    assert_eq!(w.open_api("GET", "/cgi-bin/menu/get", &svc, Value::Null).await["errcode"], 46003);
    assert_eq!(w.open_api("POST", "/cgi-bin/draft/delete", &svc, json!({"media_id": media})).await["errcode"], 0);
    assert_eq!(w.open_api("POST", "/cgi-bin/draft/get", &svc, json!({"media_id": media})).await["errcode"], 40007);
}

#[test]
fn hostile_bodies_on_the_entry_routes() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world());
    let svc = rt.block_on(w.token(&w.service));
    let value = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        ".{0,30}".prop_map(Value::from),
        Just(Value::from(w.mp.app.appid.clone())),
        Just(json!({"id": "g", "group": true})),
        Just(json!([{"type": "miniprogram", "name": "a"}])),
        Just(json!([{"title": "t", "content": "c", "miniprogram": {"appid": 1}}])),
        Just(json!(["x", 1, null])),
    ];
    let key = prop_oneof![
        Just("appid"), Just("appId"), Just("timestamp"), Just("nonceStr"), Just("signature"), Just("url"), Just("config"), Just("path"),
        Just("extraData"), Just("from"), Just("userName"), Just("extData"), Just("ticket"), Just("title"), Just("chat"), Just("timeline"),
        Just("withShareTicket"), Just("shareTicket"), Just("button"), Just("articles"), Just("media_id"),
    ];
    let body = prop_oneof![
        proptest::collection::vec((key, value), 0..6).prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).to_string().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..300),
    ];
    let a = w.mp.app.appid.clone();
    let routes: Vec<(&str, String)> = vec![
        ("POST", "/client/v1/jssdk/verify".into()),
        ("POST", "/client/v1/jssdk/launch".into()),
        ("POST", "/client/v1/launch".into()),
        ("POST", "/client/v1/launch/consent".into()),
        ("POST", "/client/v1/launch/redeem".into()),
        ("POST", "/client/v1/shares".into()),
        ("POST", format!("/client/v1/apps/{a}/share-info")),
        ("POST", format!("/cgi-bin/menu/create?access_token={svc}")),
        ("POST", format!("/cgi-bin/draft/add?access_token={svc}")),
        ("POST", format!("/cgi-bin/draft/get?access_token={svc}")),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config { cases: 400, ..Default::default() });
    runner
        .run(&(0..routes.len(), body), |(i, b)| {
            let (method, path) = &routes[i];
            let r = rt.block_on(send(&w.router, method, path, &[("authorization", &w.bank_auth)], b.clone()));
            prop_assert!(!r.status.is_server_error(), "{path} -> {} {}", r.status, String::from_utf8_lossy(&r.body));
            let v: Value = serde_json::from_slice(&r.body).map_err(|_| TestCaseError::fail(format!("{path}: not JSON")))?;
            if r.status != StatusCode::OK || v.get("errcode").is_some_and(|c| c != 0) {
                prop_assert!(v["errcode"].is_i64() && v["errmsg"].is_string(), "{path}: {v}");
            }
            Ok(())
        })
        .unwrap();
    // Nothing the hostile bodies sent was stored.
    rt.block_on(async {
        assert_eq!(w.state.db.count_shares(w.mp.app.id).await.unwrap(), 0);
        assert!(w.state.db.menu(w.service.app.id).await.unwrap().is_none());
        assert!(w.state.db.articles(w.service.app.id, 10).await.unwrap().is_empty());
        assert!(w.state.db.app_links(w.mobile.app.id).await.unwrap().is_empty());
    });
}
