//! Pushes to a hostile developer server, with an injected clock: failures are retried
//! on the backoff and never touch the send, huge or slow answers are cut off, and an
//! item gives up after the last retry. Plus bad input on the push endpoints.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use openmini_core::identity::AppKind;
use openmini_core::reach::events;
use openmini_core::reach::outbox::BACKOFF_MS;
use openmini_core::reach::store::OutboxStore;
use openmini_core::ManualClock;
use openmini_server::config::Config;
use openmini_server::delivery::{self, ServerSettings};
use openmini_server::state::AppState;
use openmini_server::Platform;
use openmini_store::{ConnectOptions, Db};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

static N: AtomicU64 = AtomicU64::new(0);

/// How the developer server behaves now.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mood {
    Ok,
    Fail,
    Garbage,
    Huge,
    Slow,
}

#[derive(Clone)]
struct Dev {
    mood: Arc<Mutex<Mood>>,
    hits: Arc<AtomicU64>,
}

async fn dev_get(Query(q): Query<HashMap<String, String>>) -> String {
    q.get("echostr").cloned().unwrap_or_default()
}

async fn dev_post(State(d): State<Dev>) -> (axum::http::StatusCode, Vec<u8>) {
    d.hits.fetch_add(1, Ordering::SeqCst);
    let mood = *d.mood.lock().unwrap();
    match mood {
        Mood::Ok => (axum::http::StatusCode::OK, b"success".to_vec()),
        Mood::Fail => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, b"<html>down</html>".to_vec()),
        Mood::Garbage => (axum::http::StatusCode::OK, b"\x00\xffnot success".to_vec()),
        Mood::Huge => (axum::http::StatusCode::OK, vec![b's'; 1 << 20]),
        Mood::Slow => {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            (axum::http::StatusCode::OK, b"success".to_vec())
        }
    }
}

async fn dev_server() -> (Dev, String) {
    let d = Dev { mood: Arc::new(Mutex::new(Mood::Ok)), hits: Arc::default() };
    let app = Router::new().route("/hook", get(dev_get).post(dev_post)).with_state(d.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (d, url)
}

struct World {
    state: AppState,
    clock: ManualClock,
    app_id: i64,
    appid: String,
}

async fn world() -> World {
    let dir = std::env::temp_dir().join(format!("openmini_dlv_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()), ConnectOptions::default()).await.unwrap();
    let clock = ManualClock::new(1_795_399_200_000);
    let mut cfg = Config::default();
    cfg.reach.push_timeout_ms = 300;
    let p = Platform::on(db.clone(), Arc::new(clock.clone()), cfg.identity.clone()).await.unwrap();
    let s = p.identity.create_subject("S").await.unwrap();
    let (app, _) = p.identity.create_app(s.id, AppKind::Miniprogram, "M", None).await.unwrap();
    World { state: AppState::new(p.identity, db, cfg), clock, app_id: app.id, appid: app.appid }
}

fn settings(url: &str) -> ServerSettings {
    ServerSettings { url: url.into(), token: "tok123".into(), encoding_aes_key: None, format: "xml".into(), mode: "plain".into() }
}

async fn queue_one(w: &World) -> i64 {
    let party = events::Party { to_user_name: events::original_id(&w.appid), openid: "oUser".into() };
    w.state.db.enqueue(w.app_id, &events::text(&party, w.clock_now(), "hi", 1), w.clock_now()).await.unwrap().unwrap()
}

impl World {
    fn clock_now(&self) -> i64 {
        self.state.identity.now()
    }
    async fn item(&self, id: i64) -> openmini_core::reach::store::OutboxItem {
        self.state.db.deliveries(self.app_id, 100).await.unwrap().into_iter().find(|i| i.id == id).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_retry_on_the_backoff_until_delivered() {
    let w = world().await;
    let (dev, url) = dev_server().await;
    let app = w.state.identity.store().app_by_id(w.app_id).await.unwrap().unwrap();
    delivery::configure(&w.state, &app, &settings(&url)).await.unwrap();
    let id = queue_one(&w).await;

    for (mood, expect) in [(Mood::Fail, "HTTP 500"), (Mood::Garbage, "neither empty"), (Mood::Huge, "larger than"), (Mood::Slow, "request failed")] {
        *dev.mood.lock().unwrap() = mood;
        assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 1, "{mood:?}");
        let item = w.item(id).await;
        assert_eq!(item.state, "pending", "{mood:?}");
        assert!(item.last_error.as_deref().unwrap_or("").contains(expect), "{mood:?}: {:?}", item.last_error);
        let wait = BACKOFF_MS[item.attempts as usize - 1];
        assert_eq!(item.next_at, w.clock_now() + wait);
        w.clock.advance_ms(wait - 1);
        assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 0, "not due a millisecond early");
        w.clock.advance_ms(1);
    }
    *dev.mood.lock().unwrap() = Mood::Ok;
    assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 1);
    let item = w.item(id).await;
    assert_eq!((item.state.as_str(), item.attempts, item.last_status), ("delivered", 5, Some(200)));
    assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 0, "delivered once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_gives_up_after_the_last_retry_and_others_go_on() {
    let w = world().await;
    let (dev, url) = dev_server().await;
    let app = w.state.identity.store().app_by_id(w.app_id).await.unwrap().unwrap();
    delivery::configure(&w.state, &app, &settings(&url)).await.unwrap();
    *dev.mood.lock().unwrap() = Mood::Fail;
    let id = queue_one(&w).await;
    for wait in BACKOFF_MS {
        assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 1);
        w.clock.advance_ms(wait);
    }
    assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 1, "the last attempt");
    let item = w.item(id).await;
    assert_eq!((item.state.as_str(), item.attempts), ("dead", BACKOFF_MS.len() as i64 + 1));
    assert_eq!(dev.hits.load(Ordering::SeqCst), BACKOFF_MS.len() as u64 + 1);
    w.clock.advance_ms(86_400_000);
    assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 0, "dead stays dead");
    // The server recovers: new pushes flow.
    *dev.mood.lock().unwrap() = Mood::Ok;
    let next = queue_one(&w).await;
    assert_eq!(delivery::deliver_due(&w.state).await.unwrap(), 1);
    assert_eq!(w.item(next).await.state, "delivered");
    // Configuration removed: what is still queued dies with a clear reason.
    let last = queue_one(&w).await;
    w.state.db.remove_server(w.app_id).await.unwrap();
    delivery::deliver_due(&w.state).await.unwrap();
    let item = w.item(last).await;
    assert_eq!(item.state, "dead");
    assert!(item.last_error.unwrap().contains("no server"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_server_settings_are_refused_and_nothing_is_saved() {
    let w = world().await;
    let (dev, url) = dev_server().await;
    let app = w.state.identity.store().app_by_id(w.app_id).await.unwrap().unwrap();
    let cases = [
        ServerSettings { url: "file:///etc/passwd".into(), ..settings(&url) },
        ServerSettings { url: "not a url".into(), ..settings(&url) },
        ServerSettings { url: format!("{url}?x=1"), ..settings(&url) },
        ServerSettings { token: "x".into(), ..settings(&url) },
        ServerSettings { token: "tok en!".into(), ..settings(&url) },
        ServerSettings { format: "yaml".into(), ..settings(&url) },
        ServerSettings { mode: "safe".into(), ..settings(&url) },
        ServerSettings { encoding_aes_key: Some("!".repeat(43)), mode: "safe".into(), ..settings(&url) },
        ServerSettings { url: "http://127.0.0.1:9/nothing-listens".into(), ..settings(&url) },
    ];
    for c in cases {
        let e = delivery::configure(&w.state, &app, &c).await.unwrap_err();
        assert_eq!(e.code, openmini_core::Code::InvalidArgs, "{c:?}");
    }
    assert!(w.state.db.server(w.app_id).await.unwrap().is_none());
    assert_eq!(dev.hits.load(Ordering::SeqCst), 0);
    // A valid one, in safe mode: the token and key are stored encrypted.
    let good = ServerSettings { encoding_aes_key: Some("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".into()), mode: "safe".into(), ..settings(&url) };
    delivery::configure(&w.state, &app, &good).await.unwrap();
    let stored = w.state.db.server(w.app_id).await.unwrap().unwrap();
    assert!(!stored.token_enc.contains("tok123") && !stored.aes_key_enc.unwrap().contains("abcdefg"));
}
