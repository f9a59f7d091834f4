//! Entries from web pages, other apps, shares and service accounts (docs/traffic.md) on
//! SQLite and PostgreSQL, at their edges: a JS-SDK timestamp 10 minutes old and one
//! second more, a share ticket at 7 days − 1 s and + 1 s, the 3rd and 4th linked mini
//! program of an app (also when two nodes race for the last place), tickets of another
//! app, user or host, and `openGId`s that differ across apps.

mod common;

use common::{Ctx, T0};
use openmini_core::container::package;
use openmini_core::identity::store::ClientSession;
use openmini_core::identity::{App, AppKind, User};
use openmini_core::traffic::entry_policy::EntryPolicy;
use openmini_core::traffic::entry_store::{LaunchStore, OfficialStore, ShareStore};
use openmini_core::traffic::jssdk::{self, ConfigRequest, LaunchRequest};
use openmini_core::traffic::launch::{self, LaunchAnswer};
use openmini_core::traffic::{articles, menus, shares};
use openmini_core::{wxa_crypto, Code};
use openmini_store::LocalFiles;
use serde_json::json;
use std::collections::BTreeMap;

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn files() -> LocalFiles {
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    LocalFiles::new(std::env::temp_dir().join(format!("openmini_entries_{}_{nanos}_{n}", std::process::id())))
}

/// Deploys a bundle whose manifest lists `pages/index/index` and `pages/item/item`.
async fn deploy(c: &Ctx, f: &LocalFiles, app: &App) {
    let mut b = BTreeMap::new();
    let manifest = json!({"format": 1, "packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}], "app": {}});
    b.insert("manifest.json".to_string(), manifest.to_string().into_bytes());
    package::deploy(&c.db, f, app, &b, "test", c.id.now()).await.unwrap();
}

/// A user logged in to `app`, with the session key its backend got.
async fn logged_in(c: &Ctx, app: &App, secret: &str, user: Option<User>) -> (User, String) {
    let u = match user {
        Some(u) => u,
        None => c.user().await,
    };
    let code = c.id.mint_login_code(&app.appid, u.id).await.unwrap();
    let s = c.id.code_to_session(Some(&app.appid), Some(secret), Some(&code), Some("authorization_code")).await.unwrap();
    (u, s.session_key)
}

fn session(user: i64, host: i64) -> ClientSession {
    ClientSession { user_id: user, host_app_id: host, expires_at: i64::MAX }
}

// ---- web pages -------------------------------------------------------------------------

fn config(appid: &str, ticket: &str, ts: i64, url: &str) -> ConfigRequest {
    ConfigRequest {
        appid: appid.into(),
        timestamp: ts.to_string(),
        nonce_str: "Wm3WZYTPz0wzccnW".into(),
        signature: jssdk::signature(ticket, "Wm3WZYTPz0wzccnW", &ts.to_string(), url),
        url: url.into(),
    }
}

both!(jssdk_signatures_at_their_edges, |c: Ctx| async move {
    let p = EntryPolicy::default();
    let s = c.id.create_subject("Shop").await.unwrap();
    let (site, _) = c.app_of(s.id, AppKind::Website, None).await;
    let (mp, _) = c.app_of(s.id, AppKind::Miniprogram, None).await;
    let (ticket, expires) = jssdk::getticket(c.id.keys(), &site, Some("jsapi"), c.id.now(), &p).unwrap();
    assert_eq!(expires, 7200);
    assert_eq!(jssdk::getticket(c.id.keys(), &site, None, c.id.now(), &p).unwrap().0, ticket);
    assert_eq!(jssdk::getticket(c.id.keys(), &site, Some("wx_card"), c.id.now(), &p).unwrap_err().code, Code::InvalidArgs);
    assert_eq!(jssdk::getticket(c.id.keys(), &mp, Some("jsapi"), c.id.now(), &p).unwrap_err().code, Code::ApiUnauthorized);

    let url = "https://shop.example.com/page?x=1";
    let now_s = c.id.now() / 1000;
    // 10 minutes old: accepted; one second more: refused.
    let (token, cfg) = jssdk::verify(&c.id, &config(&site.appid, &ticket, now_s - 600, url), Some("https://shop.example.com"), &p).await.unwrap();
    assert_eq!((cfg.origin.as_str(), cfg.app_id), ("https://shop.example.com", site.id));
    let e = jssdk::verify(&c.id, &config(&site.appid, &ticket, now_s - 601, url), None, &p).await.unwrap_err();
    assert_eq!(e.code, Code::InvalidSignature);
    assert!(e.errmsg().contains("600 seconds"), "{}", e.errmsg());
    assert_eq!(jssdk::verify(&c.id, &config(&site.appid, &ticket, now_s + 601, url), None, &p).await.unwrap_err().code, Code::InvalidSignature);
    // The fragment is not signed; any other change of the URL is.
    assert!(jssdk::verify(&c.id, &ConfigRequest { url: format!("{url}#frag"), ..config(&site.appid, &ticket, now_s, url) }, None, &p).await.is_ok());
    let forged = ConfigRequest { url: "https://shop.example.com/page?x=2".into(), ..config(&site.appid, &ticket, now_s, url) };
    assert_eq!(jssdk::verify(&c.id, &forged, None, &p).await.unwrap_err().code, Code::InvalidSignature);
    let forged = config(&site.appid, "not-the-ticket", now_s, url);
    assert_eq!(jssdk::verify(&c.id, &forged, None, &p).await.unwrap_err().code, Code::InvalidSignature);
    // Another page's Origin cannot replay this page's signature.
    let e = jssdk::verify(&c.id, &config(&site.appid, &ticket, now_s, url), Some("https://evil.example.com"), &p).await.unwrap_err();
    assert_eq!(e.code, Code::InvalidSignature);
    // A mini program has no JS-SDK; a bad URL is a bad argument.
    assert_eq!(jssdk::verify(&c.id, &config(&mp.appid, &ticket, now_s, url), None, &p).await.unwrap_err().code, Code::ApiUnauthorized);
    assert_eq!(jssdk::verify(&c.id, &config(&site.appid, &ticket, now_s, "javascript:alert(1)"), None, &p).await.unwrap_err().code, Code::InvalidArgs);

    // A ticket handed out at the end of its period works through the next one.
    let end = (T0 / 1000 / 7200 + 1) * 7200 * 1000 - 1000;
    c.clock.set_ms(end);
    let (late, _) = jssdk::getticket(c.id.keys(), &site, None, end, &p).unwrap();
    c.clock.advance_secs(7199);
    let ts = c.id.now() / 1000;
    assert!(jssdk::verify(&c.id, &config(&site.appid, &late, ts, url), None, &p).await.is_ok());
    c.clock.advance_secs(7201);
    let ts = c.id.now() / 1000;
    assert_eq!(jssdk::verify(&c.id, &config(&site.appid, &late, ts, url), None, &p).await.unwrap_err().code, Code::InvalidSignature);

    // A configuration token is the platform's: forged or expired ones are refused.
    assert!(jssdk::open_config(c.id.keys(), &token, c.id.now(), &p).is_err(), "issued at T0, now long expired");
    assert!(jssdk::open_config(c.id.keys(), "eyJ4IjoxfQ.AAAA", c.id.now(), &p).is_err());
});

both!(open_tag_launch_tickets, |c: Ctx| async move {
    let p = EntryPolicy::default();
    let f = files();
    let account = c.id.create_subject("Coffee").await.unwrap();
    let open = c.id.create_open_account(account.id, false).await.unwrap();
    let (site, _) = c.app_of(account.id, AppKind::Website, Some(&open.open_appid)).await;
    let (mp, _) = c.app_of(account.id, AppKind::Miniprogram, Some(&open.open_appid)).await;
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    deploy(&c, &f, &mp).await;
    deploy(&c, &f, &other).await;
    let (ticket, _) = jssdk::getticket(c.id.keys(), &site, None, c.id.now(), &p).unwrap();
    let url = "https://coffee.example.com/";
    let (token, _) = jssdk::verify(&c.id, &config(&site.appid, &ticket, c.id.now() / 1000, url), None, &p).await.unwrap();
    let ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) MicroMessenger/8.0.40";
    let req = |appid: &str, path: &str| LaunchRequest { config: token.clone(), appid: Some(appid.into()), path: path.into(), extra_data: Some(json!({"from": "web"})), ..Default::default() };
    let launch = |r: LaunchRequest, ua: &'static str| {
        let (c, f, p) = (&c, &f, &p);
        async move { jssdk::launch(&c.id, &c.db, &c.db, f, &r, ua, p).await }
    };

    let t = launch(req(&mp.appid, "pages/item/item?id=7"), ua).await.unwrap();
    let l = jssdk::redeem(&c.id, &t, &p).await.unwrap();
    assert_eq!((l.appid.as_str(), l.path.as_str(), l.query.as_str(), l.scene), (mp.appid.as_str(), "pages/item/item", "id=7", 1167));
    assert_eq!(l.referrer_info, json!({"appId": site.appid, "extraData": {"from": "web"}}));
    assert_eq!(l.source, "https://coffee.example.com");
    assert_eq!(jssdk::redeem(&c.id, &t, &p).await.unwrap_err().code, Code::CodeBeenUsed, "single use");
    // By its original id; the home page when no path is given.
    let by_name = LaunchRequest { appid: None, username: Some(openmini_core::reach::events::original_id(&mp.appid)), path: String::new(), ..req("", "") };
    let l = jssdk::redeem(&c.id, &launch(by_name, ua).await.unwrap(), &p).await.unwrap();
    assert_eq!((l.appid.as_str(), l.path.as_str()), (mp.appid.as_str(), "pages/index/index"));

    // Refusals: another subject's mini program, a page it does not have, an old client.
    assert_eq!(launch(req(&other.appid, ""), ua).await.unwrap_err().code, Code::InvalidWeappAppid);
    assert_eq!(launch(req(&site.appid, ""), ua).await.unwrap_err().code, Code::InvalidWeappAppid);
    assert_eq!(launch(req(&mp.appid, "pages/none/none"), ua).await.unwrap_err().code, Code::InvalidWeappPagepath);
    let e = launch(req(&mp.appid, ""), "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) MicroMessenger/7.0.11").await.unwrap_err();
    assert_eq!(e.code, Code::ApiUnauthorized);
    assert!(e.errmsg().contains("7.0.11 is older than 7.0.12"), "{}", e.errmsg());
    let forged = LaunchRequest { config: "x.y".into(), ..req(&mp.appid, "") };
    assert_eq!(launch(forged, ua).await.unwrap_err().code, Code::InvalidSignature);

    // A launch ticket lives 5 minutes.
    let t = launch(req(&mp.appid, ""), ua).await.unwrap();
    c.clock.advance_secs(299);
    let t2 = launch(req(&mp.appid, ""), ua).await.unwrap();
    c.clock.advance_secs(1);
    assert_eq!(jssdk::redeem(&c.id, &t, &p).await.unwrap_err().code, Code::InvalidCode);
    assert!(jssdk::redeem(&c.id, &t2, &p).await.is_ok());
    assert_eq!(jssdk::redeem(&c.id, "garbage", &p).await.unwrap_err().code, Code::InvalidCode);
});

// ---- other apps ------------------------------------------------------------------------

both!(links_stop_at_three, |c: Ctx| async move {
    let p = EntryPolicy::default();
    let (mobile, _) = c.app(AppKind::Mobile, None).await;
    let mut minis = Vec::new();
    for _ in 0..5 {
        minis.push(c.app(AppKind::Miniprogram, None).await.0);
    }
    for (i, m) in minis.iter().take(3).enumerate() {
        let links = launch::link(&c.id, &c.db, &mobile.appid, &m.appid, true, &p).await.unwrap();
        assert_eq!(links.len(), i + 1);
    }
    // The 4th is refused and stores nothing; linking one again changes nothing.
    let e = launch::link(&c.id, &c.db, &mobile.appid, &minis[3].appid, true, &p).await.unwrap_err();
    assert_eq!(e.code, Code::BindLimit);
    assert_eq!(launch::link(&c.id, &c.db, &mobile.appid, &minis[0].appid, true, &p).await.unwrap().len(), 3);
    assert!(!c.db.is_linked(mobile.id, minis[3].id).await.unwrap());
    // Unlinking frees a place.
    assert_eq!(launch::link(&c.id, &c.db, &mobile.appid, &minis[0].appid, false, &p).await.unwrap().len(), 2);
    assert_eq!(launch::link(&c.id, &c.db, &mobile.appid, &minis[0].appid, false, &p).await.unwrap_err().code, Code::InvalidArgs);
    c.clock.advance_secs(1);
    let links = launch::link(&c.id, &c.db, &mobile.appid, &minis[3].appid, true, &p).await.unwrap();
    assert_eq!(links.len(), 3);
    assert_eq!(links[2], minis[3].appid, "in the order linked");
    assert!(!links.contains(&minis[0].appid));
    // Wrong kinds.
    assert_eq!(launch::link(&c.id, &c.db, &minis[4].appid, &minis[0].appid, true, &p).await.unwrap_err().code, Code::InvalidAppid);
    assert_eq!(launch::link(&c.id, &c.db, &mobile.appid, &mobile.appid, true, &p).await.unwrap_err().code, Code::InvalidWeappAppid);
    // Same open-platform account: no link needed, none stored.
    let s = c.id.create_subject("Group").await.unwrap();
    let open = c.id.create_open_account(s.id, false).await.unwrap();
    let (m2, _) = c.app_of(s.id, AppKind::Mobile, Some(&open.open_appid)).await;
    let (mp2, _) = c.app_of(s.id, AppKind::Miniprogram, Some(&open.open_appid)).await;
    assert_eq!(launch::link(&c.id, &c.db, &m2.appid, &mp2.appid, true, &p).await.unwrap_err().code, Code::InvalidArgs);
    assert!(c.db.app_links(m2.id).await.unwrap().is_empty());
    assert!(launch::may_open(&c.db, &m2, &mp2).await.unwrap());
});

both!(two_nodes_race_for_the_last_link, |c: Ctx| async move {
    let (mobile, _) = c.app(AppKind::Mobile, None).await;
    let mut minis = Vec::new();
    for _ in 0..6 {
        minis.push(c.app(AppKind::Miniprogram, None).await.0);
    }
    let other = c.place.open().await;
    let mut tasks = Vec::new();
    for (i, m) in minis.iter().enumerate() {
        let db = if i % 2 == 0 { c.db.clone() } else { other.clone() };
        let (a, b) = (mobile.id, m.id);
        tasks.push(tokio::spawn(async move { db.link_app(a, b, 3, T0).await.unwrap() }));
    }
    let mut linked = 0;
    for t in tasks {
        if t.await.unwrap() == openmini_core::traffic::entry_store::LinkOutcome::Linked {
            linked += 1;
        }
    }
    assert_eq!(linked, 3);
    assert_eq!(c.db.app_links(mobile.id).await.unwrap().len(), 3);
});

both!(launches_from_apps_and_consent, |c: Ctx| async move {
    let f = files();
    let shell = c.id.store().create_host_app("OpenMini Web Shell", T0).await.unwrap();
    let bank = c.id.store().create_host_app("Bank", T0).await.unwrap();
    let (mobile, _) = c.app(AppKind::Mobile, None).await;
    let (mp, _) = c.app(AppKind::Miniprogram, None).await;
    let (unlinked, _) = c.app(AppKind::Miniprogram, None).await;
    deploy(&c, &f, &mp).await;
    deploy(&c, &f, &unlinked).await;
    let p = EntryPolicy::default();
    let u = c.user().await;
    let req = |appid: &str| launch::LaunchRequest { from: mobile.appid.clone(), appid: Some(appid.into()), path: "pages/item/item?id=2".into(), ext_data: Some(json!({"k": 1})), ..Default::default() };
    let go = |s: ClientSession, r: launch::LaunchRequest| {
        let (c, f) = (&c, &f);
        async move { launch::launch(&c.id, &c.db, &c.db, f, &s, &r).await }
    };

    // The host app must speak for the mobile app.
    assert_eq!(go(session(u.id, bank.id), req(&mp.appid)).await.unwrap_err().code, Code::ApiUnauthorized);
    c.db.set_host_mobile_app(bank.id, Some(mobile.id), T0).await.unwrap();
    assert_eq!(c.db.host_mobile_app(bank.id).await.unwrap(), Some(mobile.id));
    // Not linked: refused.
    assert_eq!(go(session(u.id, bank.id), req(&mp.appid)).await.unwrap_err().code, Code::ApiUnauthorized);
    launch::link(&c.id, &c.db, &mobile.appid, &mp.appid, true, &p).await.unwrap();
    // Linked: the first open in a third-party host asks the user.
    match go(session(u.id, bank.id), req(&mp.appid)).await.unwrap() {
        LaunchAnswer::ConsentNeeded { app, miniprogram } => assert_eq!((app.id, miniprogram.id), (mobile.id, mp.id)),
        other => panic!("{other:?}"),
    }
    launch::consent(&c.id, &c.db, &session(u.id, bank.id), &mobile.appid, Some(&mp.appid), None).await.unwrap();
    let LaunchAnswer::Launch(l) = go(session(u.id, bank.id), req(&mp.appid)).await.unwrap() else { panic!("consent was remembered") };
    assert_eq!((l.scene, l.path.as_str(), l.query.as_str(), l.source.as_str()), (1069, "pages/item/item", "id=2", mobile.appid.as_str()));
    assert_eq!(l.referrer_info, json!({"appId": mobile.appid, "extraData": {"k": 1}}));
    // Per user: another user is asked again. The web shell never asks.
    let u2 = c.user().await;
    assert!(matches!(go(session(u2.id, bank.id), req(&mp.appid)).await.unwrap(), LaunchAnswer::ConsentNeeded { .. }));
    c.db.set_host_mobile_app(shell.id, Some(mobile.id), T0).await.unwrap();
    assert!(matches!(go(session(u2.id, shell.id), req(&mp.appid)).await.unwrap(), LaunchAnswer::Launch(_)));
    // By username; unknown pages; too much extData.
    let by_name = launch::LaunchRequest { appid: None, username: Some(openmini_core::reach::events::original_id(&mp.appid)), ..req("") };
    assert!(matches!(go(session(u.id, bank.id), by_name).await.unwrap(), LaunchAnswer::Launch(_)));
    let bad = launch::LaunchRequest { path: "pages/x/x".into(), ..req(&mp.appid) };
    assert_eq!(go(session(u.id, bank.id), bad).await.unwrap_err().code, Code::InvalidWeappPagepath);
    let big = launch::LaunchRequest { ext_data: Some(json!("x".repeat(2000))), ..req(&mp.appid) };
    assert_eq!(go(session(u.id, bank.id), big).await.unwrap_err().code, Code::InvalidArgs);
    // Consent for an unlinked mini program is refused and stores nothing.
    assert_eq!(launch::consent(&c.id, &c.db, &session(u.id, bank.id), &mobile.appid, Some(&unlinked.appid), None).await.unwrap_err().code, Code::ApiUnauthorized);
    assert!(!c.db.launch_consent(u.id, bank.id, unlinked.id).await.unwrap());
});

// ---- shares ----------------------------------------------------------------------------

fn group_share(appid: &str, chat: &str) -> shares::ShareRequest {
    shares::ShareRequest {
        appid: appid.into(),
        title: "来拼单".into(),
        path: "/pages/index/index?g=1".into(),
        chat: Some((chat.into(), true)),
        with_share_ticket: true,
        ..Default::default()
    }
}

both!(share_tickets_at_their_edges, |c: Ctx| async move {
    let p = EntryPolicy::default();
    let (a, secret_a) = c.app(AppKind::Miniprogram, None).await;
    let (b, secret_b) = c.app(AppKind::Miniprogram, None).await;
    let (u, key_a) = logged_in(&c, &a, &secret_a, None).await;
    let (_, key_b) = logged_in(&c, &b, &secret_b, Some(u.clone())).await;
    let me = session(u.id, 1);

    let shared = shares::record(&c.id, &c.db, &me, &group_share(&a.appid, "g-coffee")).await.unwrap();
    assert_eq!(shared.scene, 1044);
    let ticket = shared.share_ticket.clone().unwrap();
    let open_gid = |key: &str, appid: &str, r: (String, String)| wxa_crypto::decrypt(key, &r.1, &r.0, appid).unwrap()["openGId"].as_str().unwrap().to_string();
    let gid = open_gid(&key_a, &a.appid, shares::share_info(&c.id, &c.db, &me, &a.appid, &ticket, &p).await.unwrap());
    assert!(gid.starts_with("tG") && gid.len() == 28, "{gid}");
    // The same group again: the same openGId; another group: another.
    let again = shares::record(&c.id, &c.db, &me, &group_share(&a.appid, "g-coffee")).await.unwrap().share_ticket.unwrap();
    assert_eq!(open_gid(&key_a, &a.appid, shares::share_info(&c.id, &c.db, &me, &a.appid, &again, &p).await.unwrap()), gid);
    let other = shares::record(&c.id, &c.db, &me, &group_share(&a.appid, "g-books")).await.unwrap().share_ticket.unwrap();
    assert_ne!(open_gid(&key_a, &a.appid, shares::share_info(&c.id, &c.db, &me, &a.appid, &other, &p).await.unwrap()), gid);
    // The same group in another app: an unrelated openGId.
    let tb = shares::record(&c.id, &c.db, &me, &group_share(&b.appid, "g-coffee")).await.unwrap().share_ticket.unwrap();
    let gid_b = open_gid(&key_b, &b.appid, shares::share_info(&c.id, &c.db, &me, &b.appid, &tb, &p).await.unwrap());
    assert_ne!(gid_b, gid);
    assert_ne!(gid_b[2..10], gid[2..10]);

    // Another app's, another user's, another host's ticket: refused.
    let invalid = |e: openmini_core::ApiError| assert!(e.code == Code::InvalidArgs && e.errmsg().contains("invalid shareTicket"), "{}", e.errmsg());
    invalid(shares::share_info(&c.id, &c.db, &me, &b.appid, &ticket, &p).await.unwrap_err());
    let (u2, _) = logged_in(&c, &a, &secret_a, None).await;
    invalid(shares::share_info(&c.id, &c.db, &session(u2.id, 1), &a.appid, &ticket, &p).await.unwrap_err());
    invalid(shares::share_info(&c.id, &c.db, &session(u.id, 2), &a.appid, &ticket, &p).await.unwrap_err());
    invalid(shares::share_info(&c.id, &c.db, &me, &a.appid, "st_0123456789abcdef01234567", &p).await.unwrap_err());

    // 7 days − 1 s: still good; + 1 s: expired.
    c.clock.advance_secs(7 * 86_400 - 1);
    assert!(shares::share_info(&c.id, &c.db, &me, &a.appid, &ticket, &p).await.is_ok());
    c.clock.advance_secs(2);
    invalid(shares::share_info(&c.id, &c.db, &me, &a.appid, &ticket, &p).await.unwrap_err());

    // No session key yet: 40029, as user profiles.
    let u3 = c.user().await;
    let t3 = shares::record(&c.id, &c.db, &session(u3.id, 1), &group_share(&a.appid, "g-coffee")).await.unwrap().share_ticket.unwrap();
    assert_eq!(shares::share_info(&c.id, &c.db, &session(u3.id, 1), &a.appid, &t3, &p).await.unwrap_err().code, Code::InvalidCode);
});

both!(shares_are_recorded_and_bad_ones_are_not, |c: Ctx| async move {
    let (a, _) = c.app(AppKind::Miniprogram, None).await;
    let (site, _) = c.app(AppKind::Website, None).await;
    let me = session(c.user().await.id, 1);
    let one = shares::ShareRequest { appid: a.appid.clone(), title: "hi".into(), path: "pages/index/index".into(), chat: Some(("c-wang".into(), false)), with_share_ticket: true, ..Default::default() };
    let s = shares::record(&c.id, &c.db, &me, &one).await.unwrap();
    assert_eq!((s.scene, s.share_ticket.is_none()), (1007, true), "a one-to-one chat gets no ticket");
    let plain_group = shares::ShareRequest { with_share_ticket: false, ..group_share(&a.appid, "g-coffee") };
    assert_eq!(shares::record(&c.id, &c.db, &me, &plain_group).await.unwrap().scene, 1008);
    let moments = shares::ShareRequest { appid: a.appid.clone(), title: "看看".into(), path: "pages/item/item?id=1".into(), timeline: true, ..Default::default() };
    let m = shares::record(&c.id, &c.db, &me, &moments).await.unwrap();
    assert_eq!(m.scene, 1154);
    let stored = c.db.share(m.id).await.unwrap().unwrap();
    assert_eq!((stored.path.as_str(), stored.chat_id.is_none(), stored.user_id), ("pages/item/item?id=1", true, me.user_id));
    assert_eq!(c.db.count_shares(a.id).await.unwrap(), 3);

    let bad = [
        shares::ShareRequest { title: "x".repeat(101), ..one.clone() },
        shares::ShareRequest { path: "p\u{0}".into(), ..one.clone() },
        shares::ShareRequest { chat: None, ..one.clone() },
        shares::ShareRequest { timeline: true, ..one.clone() },
        shares::ShareRequest { chat: Some(("".into(), true)), ..one.clone() },
        shares::ShareRequest { chat: Some(("a b".into(), true)), ..one.clone() },
        shares::ShareRequest { chat: Some(("x".repeat(65), true)), ..one.clone() },
        shares::ShareRequest { image_url: "x".repeat(2049), ..one.clone() },
    ];
    for r in bad {
        assert_eq!(shares::record(&c.id, &c.db, &me, &r).await.unwrap_err().code, Code::InvalidArgs, "{r:?}");
    }
    assert_eq!(shares::record(&c.id, &c.db, &me, &shares::ShareRequest { appid: site.appid.clone(), ..one.clone() }).await.unwrap_err().code, Code::InvalidAppid);
    assert_eq!(c.db.count_shares(a.id).await.unwrap(), 3, "nothing stored on bad input");
});

// ---- service accounts --------------------------------------------------------------------

both!(menus_and_articles_point_to_their_own_mini_programs, |c: Ctx| async move {
    let f = files();
    let s = c.id.create_subject("Coffee").await.unwrap();
    let (svc, _) = c.app_of(s.id, AppKind::Service, None).await;
    let (mp, _) = c.app_of(s.id, AppKind::Miniprogram, None).await;
    let (foreign, _) = c.app(AppKind::Miniprogram, None).await;
    deploy(&c, &f, &mp).await;
    deploy(&c, &f, &foreign).await;
    let menu = |mp: &str, page: &str| {
        json!({"button": [
            {"type": "click", "name": "今日", "key": "TODAY"},
            {"name": "更多", "sub_button": [
                {"type": "miniprogram", "name": "点单", "url": "https://coffee.example.com", "appid": mp, "pagepath": page},
                {"type": "view", "name": "官网", "url": "https://coffee.example.com"}
            ]}
        ]})
    };
    let check = |body: serde_json::Value| {
        let (c, f, svc) = (&c, &f, &svc);
        async move { menus::check(&c.id, &c.db, f, svc, body.as_object().unwrap()).await }
    };
    let m = check(menu(&mp.appid, "pages/item/item?id=1")).await.unwrap();
    assert_eq!(m["button"][1]["sub_button"][0], json!({"type": "miniprogram", "name": "点单", "url": "https://coffee.example.com", "appid": mp.appid, "pagepath": "pages/item/item?id=1", "sub_button": []}));
    c.db.set_menu(svc.id, &m.to_string(), T0).await.unwrap();
    assert_eq!(c.db.menu(svc.id).await.unwrap().unwrap(), m.to_string());

    let cases = [
        (menu(&foreign.appid, "pages/index/index"), Code::InvalidWeappAppid),
        (menu(&svc.appid, "pages/index/index"), Code::InvalidWeappAppid),
        (menu(&mp.appid, "pages/none/none"), Code::InvalidWeappPagepath),
        (menu(&mp.appid, ""), Code::InvalidWeappPagepath),
        (json!({"button": []}), Code::InvalidButtonSize),
        (json!({"button": [{"type": "click", "name": "a", "key": "k"}, {"type": "click", "name": "b", "key": "k"}, {"type": "click", "name": "c", "key": "k"}, {"type": "click", "name": "d", "key": "k"}]}), Code::InvalidButtonSize),
        (json!({"button": [{"name": "a", "sub_button": (0..6).map(|i| json!({"type": "click", "name": format!("s{i}"), "key": "k"})).collect::<Vec<_>>()}]}), Code::InvalidSubButtonSize),
        (json!({"button": [{"type": "click", "name": "这个名字太长了吧", "key": "k"}]}), Code::InvalidButtonNameSize),
        (json!({"button": [{"type": "teleport", "name": "a"}]}), Code::InvalidButtonType),
        (json!({"button": [{"name": "a", "sub_button": [{"type": "teleport", "name": "b"}]}]}), Code::InvalidSubButtonType),
        (json!({"button": [{"type": "click", "name": "a", "key": "k".repeat(129)}]}), Code::InvalidButtonKeySize),
        (json!({"button": [{"type": "view", "name": "a", "url": "ftp://x"}]}), Code::InvalidButtonUrlSize),
        (json!({"button": [{"name": "a", "sub_button": [{"type": "view", "name": "b", "url": ""}]}]}), Code::InvalidSubButtonUrlSize),
    ];
    for (body, code) in cases {
        assert_eq!(check(body.clone()).await.unwrap_err().code, code, "{body}");
    }
    assert!(c.db.delete_menu(svc.id).await.unwrap());
    assert!(!c.db.delete_menu(svc.id).await.unwrap());
    assert_eq!(menus::check_owner(&mp).unwrap_err().code, Code::ApiUnauthorized);

    // Articles: the mini program as a field or as WeChat's tag in the content.
    let body = json!({"articles": [
        {"title": "新品", "digest": "秋季限定", "content": "<p>好喝</p>", "miniprogram": {"appid": mp.appid, "pagepath": "pages/item/item?id=9"}},
        {"title": "门店", "content": format!(r#"<mp-miniprogram data-miniprogram-appid="{}" data-miniprogram-path="pages/index/index"></mp-miniprogram>"#, mp.appid)},
        {"title": "无链接", "content": "text"}
    ]});
    let media = articles::add(&c.id, &c.db, &c.db, &f, &svc, body.as_object().unwrap()).await.unwrap();
    let got = articles::get(&c.db, &svc, json!({"media_id": media}).as_object().unwrap()).await.unwrap();
    assert_eq!(got["news_item"].as_array().unwrap().len(), 3);
    assert_eq!(got["news_item"][0]["miniprogram"], json!({"appid": mp.appid, "pagepath": "pages/item/item?id=9"}));
    assert_eq!(got["news_item"][1]["miniprogram"]["pagepath"], "pages/index/index");
    assert!(got["news_item"][2].get("miniprogram").is_none());
    let list = c.db.articles(svc.id, 10).await.unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(c.db.article(list[0].id).await.unwrap().unwrap().media_id, media);
    assert_eq!(c.db.official_accounts(10).await.unwrap().iter().filter(|a| a.appid == svc.appid).count(), 1);

    let refused = [
        (json!({"articles": [{"title": "x", "content": "y", "miniprogram": {"appid": foreign.appid, "pagepath": "pages/index/index"}}]}), Code::InvalidWeappAppid),
        (json!({"articles": [{"title": "x", "content": "y", "miniprogram": {"appid": mp.appid, "pagepath": "pages/no/no"}}]}), Code::InvalidWeappPagepath),
        (json!({"articles": [{"title": "", "content": "y"}]}), Code::TitleSizeOutOfLimit),
        (json!({"articles": [{"title": "x".repeat(65), "content": "y"}]}), Code::TitleSizeOutOfLimit),
        (json!({"articles": [{"title": "x", "content": "y", "digest": "d".repeat(121)}]}), Code::DescriptionSizeOutOfLimit),
        (json!({"articles": [{"title": "x", "content": ""}]}), Code::ContentSizeOutOfLimit),
        (json!({"articles": []}), Code::InvalidArgs),
        (json!({"articles": "x"}), Code::DataFormat),
        (json!({"articles": [{"title": 5, "content": "y"}]}), Code::DataFormat),
    ];
    for (body, code) in refused {
        assert_eq!(articles::add(&c.id, &c.db, &c.db, &f, &svc, body.as_object().unwrap()).await.unwrap_err().code, code, "{body}");
    }
    assert_eq!(c.db.articles(svc.id, 10).await.unwrap().len(), 3, "nothing stored on bad input");
    assert_eq!(articles::get(&c.db, &svc, json!({"media_id": "nope"}).as_object().unwrap()).await.unwrap_err().code, Code::InvalidMediaId);
    articles::delete(&c.db, &svc, json!({"media_id": media}).as_object().unwrap()).await.unwrap();
    assert!(c.db.articles(svc.id, 10).await.unwrap().is_empty());
    assert_eq!(articles::delete(&c.db, &svc, json!({"media_id": media}).as_object().unwrap()).await.unwrap_err().code, Code::InvalidMediaId);
});
