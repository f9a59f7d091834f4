//! Links and codes on SQLite and PostgreSQL with an injected clock: every quota at its
//! edge (the 500,000th and 500,001st link of a day, the 100th and 101st of a second,
//! the 100,000th and 100,001st permanent short link and limited code, the 3,000,000th
//! and 3,000,001st open), the day boundary in the platform's time zone, expiry at
//! 30 days and 30 days + 1 s, two nodes racing for the last of a quota, and opens with
//! their scenes recorded. A refused request stores nothing.

mod common;

use common::Ctx;
use openmini_core::container::store::EventStore;
use openmini_core::identity::{App, AppKind, Identity};
use openmini_core::traffic::codes;
use openmini_core::traffic::link_policy::LinkPolicy;
use openmini_core::traffic::link_store::{CodeKind, LinkKind, LinkStore, NewLink};
use openmini_core::traffic::links::{self, Expiry};
use openmini_core::traffic::pages::AppPages;
use openmini_core::traffic::resolve::{self, Via};
use openmini_core::{ApiError, Code};
use openmini_store::{Db, Val};
use serde_json::{json, Value};
use std::sync::Arc;

const DAY: i64 = 86_400_000;

fn pages() -> AppPages {
    AppPages::from_manifest(1, &json!({"packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}]}))
}

fn policy() -> LinkPolicy {
    LinkPolicy::default()
}

/// A scheme to `pages/item/item?id=<n>` that lives 30 days.
async fn scheme(id: &Identity, db: &Db, app: &App, kind: LinkKind) -> Result<NewLink, ApiError> {
    let now = id.now();
    let t = links::check_target(Some(&pages()), Some("pages/item/item"), Some("id=1"), None)?;
    let at = links::expire_at(&policy(), &Expiry::default(), now)?;
    links::generate(db, &policy(), app, kind, t, at, now, id.policy().day_of(now)).await
}

async fn count(db: &Db, sql: &'static str, app: &App) -> i64 {
    db.row(sql, vec![Val::Int(app.id)]).await.unwrap().unwrap().int(0).unwrap()
}

async fn links_of(db: &Db, app: &App) -> i64 {
    count(db, "SELECT COUNT(*) FROM links WHERE app_id = $1", app).await
}

async fn codes_of(db: &Db, app: &App) -> i64 {
    count(db, "SELECT COUNT(*) FROM wxa_codes WHERE app_id = $1", app).await
}

/// Moves a counter as if `n` had been counted already in its current window.
async fn set_counter(db: &Db, app: &App, name: &str, n: i64) {
    db.execute_raw(&format!("UPDATE link_counters SET n = {n} WHERE app_id = {} AND name = '{name}'", app.id)).await.unwrap();
}

/// Another node on the same store: its own connections, the same clock.
async fn node(c: &Ctx) -> (Identity, Db) {
    let db = c.place.open().await;
    let id = Identity::open(Arc::new(db.clone()), Arc::new(c.clock.clone()), c.id.policy().clone()).await.unwrap();
    (id, db)
}

both!(the_500_000th_link_of_a_day_and_not_one_more, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    set_counter(&c.db, &app, "links", 499_999).await;
    // The 500,000th (a URL link: the quota is shared) …
    scheme(&c.id, &c.db, &app, LinkKind::UrlLink).await.unwrap();
    assert_eq!(links_of(&c.db, &app).await, 2);
    // … and the 500,001st, of either kind: refused, nothing stored or counted.
    for kind in [LinkKind::Scheme, LinkKind::UrlLink] {
        let e = scheme(&c.id, &c.db, &app, kind).await.unwrap_err();
        assert_eq!(e.code, Code::DailyQuota, "{e:?}");
    }
    assert_eq!(links_of(&c.db, &app).await, 2);
    assert_eq!(c.db.quota_used(app.id, "links", c.id.policy().day_of(c.id.now())).await.unwrap(), 500_000);
    // Short links have their own day.
    links::short_link(&c.db, &policy(), &app, Some(&pages()), Some("pages/index/index"), None, false, c.id.now(), c.id.policy().day_of(c.id.now())).await.unwrap();
    // Another app is not affected.
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    scheme(&c.id, &c.db, &other, LinkKind::Scheme).await.unwrap();

    // T0 is 10:00 in UTC+8: the platform's day ends 14 hours later, not at UTC midnight.
    c.clock.advance_ms(14 * 3_600_000 - 1);
    assert_eq!(scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap_err().code, Code::DailyQuota, "23:59:59.999");
    c.clock.advance_ms(1);
    scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    assert_eq!(c.db.quota_used(app.id, "links", c.id.policy().day_of(c.id.now())).await.unwrap(), 1);
});

both!(a_hundred_links_a_second, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    c.clock.set_ms((c.id.now() / 1000 + 1) * 1000);
    for _ in 0..100 {
        scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    }
    c.clock.advance_ms(999);
    assert_eq!(scheme(&c.id, &c.db, &app, LinkKind::UrlLink).await.unwrap_err().code, Code::FrequencyLimit);
    assert_eq!(links_of(&c.db, &app).await, 100);
    c.clock.advance_ms(1);
    scheme(&c.id, &c.db, &app, LinkKind::UrlLink).await.unwrap();
});

both!(expiry_at_thirty_days_and_one_second_more, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let now = c.id.now();
    let t = || links::check_target(Some(&pages()), None, None, None).unwrap();
    let e = |secs: i64| Expiry { expire_type: Some(0), expire_time: Some(now / 1000 + secs), expire_interval: None };
    let err = links::expire_at(&policy(), &e(30 * 86_400 + 1), now).unwrap_err();
    assert_eq!(err.code, Code::InvalidExpireTime);
    assert_eq!(links_of(&c.db, &app).await, 0);
    let at = links::expire_at(&policy(), &e(30 * 86_400), now).unwrap();
    assert_eq!(at, now + 30 * DAY);
    let day = c.id.policy().day_of(now);
    let l = links::generate(&c.db, &policy(), &app, LinkKind::UrlLink, t(), at, now, day).await.unwrap();
    let text = links::url_link_text("http://x", &l.code);
    // Opens until the last millisecond of its 30 days, then says it expired.
    c.clock.set_ms(at - 1);
    let o = resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap();
    assert_eq!((o.scene, o.target.path.as_str()), (1065, ""));
    c.clock.set_ms(at);
    let e = resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap_err();
    assert_eq!(e.code, Code::LinkExpired);
    // expire_interval: whole days.
    c.clock.set_ms(now);
    let at = links::expire_at(&policy(), &Expiry { expire_type: Some(1), expire_time: None, expire_interval: Some(30) }, now).unwrap();
    assert_eq!(at, now + 30 * DAY);
    assert_eq!(
        links::expire_at(&policy(), &Expiry { expire_type: Some(1), expire_time: None, expire_interval: Some(31) }, now).unwrap_err().code,
        Code::InvalidExpireTime
    );
    // Temporary short links live 30 days; permanent ones never expire.
    let s = links::short_link(&c.db, &policy(), &app, Some(&pages()), Some("/pages/item/item?id=9"), Some("商品"), false, now, day).await.unwrap();
    assert_eq!(s.expire_at, Some(now + 30 * DAY));
    let p = links::short_link(&c.db, &policy(), &app, Some(&pages()), Some("pages/item/item"), None, true, now, day).await.unwrap();
    assert_eq!(p.expire_at, None);
    c.clock.set_ms(now + 30 * DAY);
    let short = |l: &NewLink| links::short_link_text(&app.name, &l.title, &l.code);
    assert_eq!(resolve::open(&c.id, &c.db, &policy(), u.id, &short(&s), Via::Text).await.unwrap_err().code, Code::LinkExpired);
    assert!(resolve::open(&c.id, &c.db, &policy(), u.id, &short(&p), Via::Text).await.is_ok());
});

both!(the_100_000th_permanent_short_link, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (now, day) = (c.id.now(), c.id.policy().day_of(c.id.now()));
    let (pol, p) = (policy(), pages());
    let make = |permanent: bool| links::short_link(&c.db, &pol, &app, Some(&p), Some("pages/index/index?a=1"), Some("t"), permanent, now, day);
    make(true).await.unwrap();
    set_counter(&c.db, &app, "permanent_short_links", 99_999).await;
    make(true).await.unwrap();
    assert_eq!(make(true).await.unwrap_err().code, Code::LongTimeQuota);
    assert_eq!(links_of(&c.db, &app).await, 2);
    // The day's short links did not count the refused one.
    assert_eq!(c.db.quota_used(app.id, "short_links", day).await.unwrap(), 2);
    make(false).await.unwrap();
    // A new day does not bring permanent ones back.
    c.clock.advance_ms(DAY);
    let (now, day) = (c.id.now(), c.id.policy().day_of(c.id.now()));
    let e = links::short_link(&c.db, &policy(), &app, Some(&pages()), Some("pages/index/index"), None, true, now, day).await.unwrap_err();
    assert_eq!(e.code, Code::LongTimeQuota);
});

both!(the_100_000th_limited_code_of_both_kinds, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let now = c.id.now();
    let code = |kind, path: String| {
        let (db, app, p) = (c.db.clone(), app.clone(), pages());
        async move { codes::limited(&db, &policy(), &app, Some(&p), kind, Some(&path), now).await }
    };
    let first = code(CodeKind::WxaCode, "pages/item/item?id=1".into()).await.unwrap();
    // The same code again: the same id, nothing counted.
    assert_eq!(code(CodeKind::WxaCode, "/pages/item/item?id=1".into()).await.unwrap().code.id, first.code.id);
    assert_eq!(c.db.quota_used(app.id, "codes", 0).await.unwrap(), 1);
    // Another kind with the same path is another code.
    let qr = code(CodeKind::QrCode, "pages/item/item?id=1".into()).await.unwrap();
    assert_ne!(qr.code.id, first.code.id);
    set_counter(&c.db, &app, "codes", 99_999).await;
    code(CodeKind::QrCode, "pages/item/item?id=2".into()).await.unwrap(); // the 100,000th
    for kind in [CodeKind::WxaCode, CodeKind::QrCode] {
        assert_eq!(code(kind, "pages/item/item?id=3".into()).await.unwrap_err().code, Code::CodeCountLimit);
    }
    assert_eq!(codes_of(&c.db, &app).await, 3);
    // Codes made before are still handed out.
    assert_eq!(code(CodeKind::WxaCode, "pages/item/item?id=1".into()).await.unwrap().code.id, first.code.id);
    // Bad paths are refused before anything is counted.
    for (path, want) in [("", Code::InvalidPage), ("pages/none", Code::InvalidPage), ("pages/item/item?a b", Code::InvalidQuery), (&format!("pages/item/item?{}", "a".repeat(120)), Code::InvalidPage)] {
        assert_eq!(code(CodeKind::WxaCode, path.to_string()).await.unwrap_err().code, want, "{path}");
    }
    assert_eq!(codes_of(&c.db, &app).await, 3);
});

both!(the_3_000_000th_open_of_a_day, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let l = scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    let text = links::scheme_text(&l.code);
    resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap();
    set_counter(&c.db, &app, "opens", 2_999_999).await;
    resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap();
    let events = c.db.count_events(app.id, Some("open"), None).await.unwrap();
    let e = resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap_err();
    assert_eq!(e.code, Code::DailyQuota);
    // Plain schemes count too; short links and codes do not.
    let plain = format!("weixin://dl/business/?appid={}&path=pages/index/index", app.appid);
    assert_eq!(resolve::open(&c.id, &c.db, &policy(), u.id, &plain, Via::Text).await.unwrap_err().code, Code::DailyQuota);
    assert_eq!(c.db.count_events(app.id, Some("open"), None).await.unwrap(), events, "a refused open records nothing");
    assert_eq!(c.db.link(&l.code).await.unwrap().unwrap().opens.count, 2);
    let (now, day) = (c.id.now(), c.id.policy().day_of(c.id.now()));
    let s = links::short_link(&c.db, &policy(), &app, Some(&pages()), Some("pages/index/index"), None, false, now, day).await.unwrap();
    resolve::open(&c.id, &c.db, &policy(), u.id, &links::short_link_text("x", "", &s.code), Via::Text).await.unwrap();
    assert_eq!(links::remaining_opens(&c.db, &policy(), app.id, day).await.unwrap(), 0);
    // The next day in the platform's time zone.
    c.clock.advance_ms(14 * 3_600_000);
    resolve::open(&c.id, &c.db, &policy(), u.id, &text, Via::Text).await.unwrap();
    assert_eq!(links::remaining_opens(&c.db, &policy(), app.id, c.id.policy().day_of(c.id.now())).await.unwrap(), 2_999_999);
});

/// Two nodes race for the last links of a day, the last limited codes and the last
/// opens: exactly what is left succeeds, the rest is refused and stores nothing.
async fn race_for_the_last_of_each_quota(c: Ctx) {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (id2, db2) = node(&c).await;
    let nodes = [(c.id.clone(), c.db.clone()), (id2, db2)];
    scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    codes::limited(&c.db, &policy(), &app, Some(&pages()), CodeKind::WxaCode, Some("pages/index/index"), c.id.now()).await.unwrap();
    set_counter(&c.db, &app, "links", 500_000 - 6).await;
    set_counter(&c.db, &app, "codes", 100_000 - 5).await;

    let mut tasks = vec![];
    for i in 0..24 {
        let (id, db) = nodes[i % 2].clone();
        let app = app.clone();
        tasks.push(tokio::spawn(async move { scheme(&id, &db, &app, if i % 3 == 0 { LinkKind::UrlLink } else { LinkKind::Scheme }).await.map(|_| ()) }));
    }
    for i in 0..20 {
        let (id, db) = nodes[i % 2].clone();
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            codes::limited(&db, &policy(), &app, Some(&pages()), CodeKind::QrCode, Some(&format!("pages/item/item?n={i}")), id.now()).await.map(|_| ())
        }));
    }
    let (mut links_ok, mut codes_ok) = (0, 0);
    for (i, t) in tasks.into_iter().enumerate() {
        match (i < 24, t.await.unwrap()) {
            (true, Ok(())) => links_ok += 1,
            (false, Ok(())) => codes_ok += 1,
            (true, Err(e)) => assert_eq!(e.code, Code::DailyQuota),
            (false, Err(e)) => assert_eq!(e.code, Code::CodeCountLimit),
        }
    }
    assert_eq!((links_ok, codes_ok), (6, 5));
    assert_eq!(links_of(&c.db, &app).await, 7);
    assert_eq!(codes_of(&c.db, &app).await, 6);

    // The last opens of the day.
    let l = scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap_err();
    assert_eq!(l.code, Code::DailyQuota);
    let code = c.db.rows("SELECT code FROM links WHERE app_id = $1 AND kind = 'scheme'", vec![Val::Int(app.id)]).await.unwrap()[0].text(0).unwrap();
    resolve::open(&c.id, &c.db, &policy(), u.id, &links::scheme_text(&code), Via::Text).await.unwrap();
    set_counter(&c.db, &app, "opens", 3_000_000 - 4).await;
    let mut tasks = vec![];
    for i in 0..16 {
        let (id, db) = nodes[i % 2].clone();
        let text = links::scheme_text(&code);
        tasks.push(tokio::spawn(async move { resolve::open(&id, &db, &policy(), u.id, &text, Via::Text).await.map(|_| ()) }));
    }
    let mut opened = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => opened += 1,
            Err(e) => assert_eq!(e.code, Code::DailyQuota),
        }
    }
    assert_eq!(opened, 4);
    assert_eq!(c.db.link(&code).await.unwrap().unwrap().opens.count, 5);
    assert_eq!(c.db.count_events(app.id, Some("open"), None).await.unwrap(), 5);
}

both!(two_nodes_race_for_the_last_of_each_quota, race_for_the_last_of_each_quota);

both!(every_link_and_code_opens_with_its_scene_and_is_recorded, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (now, day) = (c.id.now(), c.id.policy().day_of(c.id.now()));
    let p = pages();
    let open = |text: String, via: Via| {
        let (id, db) = (c.id.clone(), c.db.clone());
        async move { resolve::open(&id, &db, &policy(), u.id, &text, via).await }
    };
    let q = |o: &resolve::Opening| Value::Object(o.target.query.clone());

    let s = scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    let o = open(format!("{}&cq=from%3Dsms", links::scheme_text(&s.code)), Via::Album).await.unwrap();
    assert_eq!((o.scene, o.target.kind, o.target.path.as_str()), (1065, "scheme", "pages/item/item"));
    assert_eq!(q(&o), json!({"id": "1", "from": "sms"}));
    assert_eq!(o.target.source.as_deref(), Some(s.code.as_str()));

    let l = scheme(&c.id, &c.db, &app, LinkKind::UrlLink).await.unwrap();
    let o = open(format!("https://anywhere.example/l/{}", l.code), Via::Text).await.unwrap();
    assert_eq!((o.scene, o.target.kind), (1065, "urllink"));
    // A URL link's code is not a scheme's.
    assert_eq!(open(links::scheme_text(&l.code), Via::Text).await.unwrap_err().code, Code::LinkNotFound);

    let sl = links::short_link(&c.db, &policy(), &app, Some(&p), Some("pages/item/item?id=7"), Some("拿铁"), false, now, day).await.unwrap();
    let o = open(links::short_link_text(&app.name, &sl.title, &sl.code), Via::Text).await.unwrap();
    assert_eq!((o.scene, o.target.title.as_str()), (1065, "拿铁"));
    assert_eq!(q(&o), json!({"id": "7"}));

    let o = open(format!("weixin://dl/business/?appid={}&path=pages/item/item&query=a%3D1%26b%3D%25E4%25B8%25AD&env_version=release", app.appid), Via::Album).await.unwrap();
    assert_eq!((o.scene, o.target.kind, o.target.source.clone()), (1286, "plain", None));
    assert_eq!(q(&o), json!({"a": "1", "b": "中"}));

    let w = codes::limited(&c.db, &policy(), &app, Some(&p), CodeKind::WxaCode, Some("pages/item/item?id=3"), now).await.unwrap();
    let qr = codes::limited(&c.db, &policy(), &app, Some(&p), CodeKind::QrCode, Some("pages/index/index"), now).await.unwrap();
    for (via, wxa, qrs) in [(Via::Camera, 1047, 1011), (Via::LongPress, 1048, 1012), (Via::Album, 1049, 1013)] {
        assert_eq!(open(codes::code_url("http://h", &w.code.id), via).await.unwrap().scene, wxa);
        assert_eq!(open(codes::code_url("http://h", &qr.code.id), via).await.unwrap().scene, qrs);
    }
    assert_eq!(c.db.code(&w.code.id).await.unwrap().unwrap().opens.count, 3);

    let unl = codes::unlimited(Some(&p), Some("id=42&from=poster"), Some("pages/item/item"), true, None).unwrap();
    let url = codes::unlimited_url(c.id.keys(), "http://h", &app.appid, &unl);
    let o = open(url.clone(), Via::Album).await.unwrap();
    assert_eq!((o.scene, o.target.kind, o.target.path.as_str()), (1049, "unlimited", "pages/item/item"));
    assert_eq!(q(&o), json!({"scene": "id%3D42%26from%3Dposter"}), "the scene URL-encoded, as WeChat gives it");
    assert_eq!(o.target.source.as_deref(), Some("id=42&from=poster"));
    // A forged scene (or page, or appid) in the URL is refused.
    for forged in [url.replace("id%3D42", "id%3D43"), url.replace("pages%2Fitem", "pages%2Findex"), url.replace(&app.appid, "wx0000000000000000")] {
        assert_eq!(open(forged, Via::Album).await.unwrap_err().code, Code::LinkNotFound);
    }

    // Every open above is recorded with its scene and source; the visitor is known.
    let events = c.db.events(app.id, Some(u.id), 100).await.unwrap();
    let scenes: Vec<i64> = events.iter().rev().filter_map(|e| e.scene).collect();
    assert_eq!(scenes, [1065, 1065, 1065, 1286, 1047, 1011, 1048, 1012, 1049, 1013, 1049]);
    let last: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(last["source"], "id=42&from=poster");
    assert_eq!(last["query"]["scene"], "id%3D42%26from%3Dposter");
    let info = links::info(&app, &c.db.link(&s.code).await.unwrap().unwrap(), |uid| c.id.keys().openid(&app.appid, uid));
    assert_eq!((info.visit_count, info.visit_openid.clone()), (1, c.id.keys().openid(&app.appid, u.id)));
    assert_eq!(info.expire_time, (now + 30 * DAY) / 1000);
    assert_eq!((info.path.as_str(), info.query.as_str()), ("pages/item/item", "id=1"));

    // Unknown and malformed texts.
    for (text, want) in [
        ("weixin://dl/business/?t=NoSuchCode1234567".to_string(), Code::LinkNotFound),
        ("http://h/l/NoSuchCode1234567".into(), Code::LinkNotFound),
        ("http://h/c/NoSuchCode1234567".into(), Code::LinkNotFound),
        ("#小程序://x/NoSuchCode1234567".into(), Code::LinkNotFound),
        ("hello".into(), Code::InvalidArgs),
        ("weixin://dl/business/?appid=wx0000000000000000".into(), Code::InvalidAppid),
        (format!("weixin://dl/business/?appid={}&env_version=trial", app.appid), Code::NotReleased),
        (format!("weixin://dl/business/?appid={}&query=a%20b", app.appid), Code::InvalidQuery),
        (format!("{}&cq=a%20b", links::scheme_text(&s.code)), Code::InvalidQuery),
    ] {
        assert_eq!(open(text.clone(), Via::Text).await.unwrap_err().code, want, "{text}");
    }
});

both!(links_of_other_apps_and_bad_requests_store_nothing, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (site, _) = c.app(AppKind::Website, None).await;
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    assert_eq!(scheme(&c.id, &c.db, &site, LinkKind::Scheme).await.unwrap_err().code, Code::ApiUnauthorized);
    let l = scheme(&c.id, &c.db, &app, LinkKind::Scheme).await.unwrap();
    // Another app cannot query this app's link.
    assert_eq!(links::owned(&c.db, &other, &l.code, &[LinkKind::Scheme]).await.unwrap_err().code, Code::LinkNotFound);
    assert_eq!(links::owned(&c.db, &app, &l.code, &[LinkKind::UrlLink]).await.unwrap_err().code, Code::LinkNotFound);
    assert!(links::owned(&c.db, &app, &l.code, &[LinkKind::Scheme]).await.is_ok());
    let (now, day) = (c.id.now(), c.id.policy().day_of(c.id.now()));
    for (url, title, want) in [
        (None, None, Code::InvalidUrl),
        (Some("pages/none"), None, Code::InvalidUrl),
        (Some("pages/item/item?a b"), None, Code::InvalidUrl),
        (Some("pages/item/item"), Some("a\u{0}b"), Code::InvalidPageTitle),
    ] {
        let e = links::short_link(&c.db, &policy(), &app, Some(&pages()), url, title, true, now, day).await.unwrap_err();
        assert_eq!(e.code, want);
    }
    assert_eq!(links::short_link(&c.db, &policy(), &app, None, Some("pages/item/item"), None, true, now, day).await.unwrap_err().code, Code::NotReleased);
    assert_eq!(links_of(&c.db, &app).await, 1);
    assert_eq!(c.db.quota_used(app.id, "permanent_short_links", 0).await.unwrap(), 0);
});
