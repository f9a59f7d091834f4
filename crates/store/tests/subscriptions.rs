//! Subscription consent and sends on SQLite and PostgreSQL: one-time grants allow
//! exactly one send each, long-term grants any number, withdrawal and the per-app
//! switch stop sends at once, keyword values are checked, and senders racing on two
//! nodes for N grants get exactly N sends.

mod common;

use common::Ctx;
use openmini_core::identity::{AppKind, App};
use openmini_core::reach::library::{library, PubTemplate};
use openmini_core::reach::store::{SubscriptionStore, TemplateStore};
use openmini_core::reach::{subscribe, templates};
use openmini_core::Code;
use serde_json::{json, Value};
use std::sync::Arc;

fn public(kind: i64) -> &'static PubTemplate {
    library().templates.iter().find(|t| t.kind == kind).expect("library has both kinds")
}

/// Adds a private template of the first 3 keywords; returns its id and valid data.
async fn private(c: &Ctx, app: &App, kind: i64) -> (String, Value) {
    let t = public(kind);
    let kids: Vec<i64> = t.keywords.iter().take(3).map(|k| k.kid).collect();
    let id = templates::add(&c.db, app.id, Some(&t.tid.to_string()), &kids, None, c.id.now()).await.unwrap();
    let mut data = json!({});
    for k in t.keywords.iter().take(3) {
        data[templates::field_name(&k.rule, k.kid)] = json!({ "value": k.example });
    }
    (id, data)
}

async fn grant(c: &Ctx, app: &App, user: i64, ids: &[&str], accepted: &[&str]) -> Result<Vec<(String, &'static str)>, openmini_core::ApiError> {
    let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let acc: Vec<String> = accepted.iter().map(|s| s.to_string()).collect();
    subscribe::consent(&c.db, &c.db, app.id, user, &ids, &acc, None, c.id.now()).await
}

async fn send(c: &Ctx, app: &App, user: i64, id: &str, data: &Value) -> Result<i64, openmini_core::ApiError> {
    subscribe::send(&c.db, &c.db, app.id, user, None, Some(id), Some("pages/order/detail?id=1"), Some(data), c.id.now()).await
}

both!(one_time_grants_allow_exactly_one_send_each, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (id, data) = private(&c, &app, 2).await;
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused, "no grant yet");
    assert_eq!(grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap(), vec![(id.clone(), "accept")]);
    assert!(send(&c, &app, u.id, &id, &data).await.is_ok());
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused, "used twice");
    // Two accepts, two sends; a reject adds none and takes none.
    grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    assert_eq!(grant(&c, &app, u.id, &[&id], &[]).await.unwrap(), vec![(id.clone(), "reject")]);
    assert!(send(&c, &app, u.id, &id, &data).await.is_ok());
    assert!(send(&c, &app, u.id, &id, &data).await.is_ok());
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused);
    let inbox = c.db.inbox(u.id, 10).await.unwrap();
    assert_eq!(inbox.len(), 3);
    assert_eq!(inbox[0].folder, "service");
    assert_eq!(inbox[0].page.as_deref(), Some("pages/order/detail?id=1"));
});

both!(long_term_grants_stand_until_rejected, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (id, data) = private(&c, &app, 3).await;
    grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    for _ in 0..5 {
        assert!(send(&c, &app, u.id, &id, &data).await.is_ok());
    }
    grant(&c, &app, u.id, &[&id], &[]).await.unwrap();
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused);
});

both!(withdrawal_and_the_app_switch_stop_sends_at_once, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (id, data) = private(&c, &app, 2).await;
    grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    assert!(c.db.withdraw(app.id, u.id, &id, None, c.id.now()).await.unwrap());
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused, "withdrawn between grant and send");
    grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    c.db.set_switch(app.id, u.id, true, None, c.id.now()).await.unwrap();
    assert_eq!(send(&c, &app, u.id, &id, &data).await.unwrap_err().code, Code::UserRefused, "app switched off");
    assert_eq!(grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap_err().code, Code::NotificationsOff);
    c.db.set_switch(app.id, u.id, false, None, c.id.now()).await.unwrap();
    assert!(send(&c, &app, u.id, &id, &data).await.is_ok(), "the grant survived the switch");
});

both!(consent_and_send_errors, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (one, data) = private(&c, &app, 2).await;
    let (long, _) = private(&c, &app, 3).await;
    assert_eq!(grant(&c, &app, u.id, &[], &[]).await.unwrap_err().code, Code::NoTemplate);
    assert_eq!(grant(&c, &app, u.id, &["nope"], &[]).await.unwrap_err().code, Code::NoTemplate);
    let six = [one.as_str(); 6];
    assert_eq!(grant(&c, &app, u.id, &six, &[]).await.unwrap_err().code, Code::TooManyTemplateIds);
    assert_eq!(grant(&c, &app, u.id, &[&one, &long], &[]).await.unwrap_err().code, Code::MixedTemplateTypes);
    // Another app's template is not this app's.
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    assert_eq!(subscribe::consent(&c.db, &c.db, other.id, u.id, std::slice::from_ref(&one), &[], None, c.id.now()).await.unwrap_err().code, Code::NoTemplate);
    grant(&c, &app, u.id, &[&one], &[&one]).await.unwrap();
    // Bad values name the field; nothing is spent.
    let field = data.as_object().unwrap().keys().next().unwrap().clone();
    let mut bad = data.clone();
    bad[&field]["value"] = json!("x".repeat(200));
    let e = send(&c, &app, u.id, &one, &bad).await.unwrap_err();
    assert_eq!(e.code, Code::ArgumentInvalid);
    assert!(e.errmsg().contains(&format!("data.{field}.value")), "{}", e.errmsg());
    let mut missing = data.clone();
    missing.as_object_mut().unwrap().remove(&field);
    assert_eq!(send(&c, &app, u.id, &one, &missing).await.unwrap_err().code, Code::ArgumentInvalid);
    let e = subscribe::send(&c.db, &c.db, app.id, u.id, None, Some(&one), Some("/abs"), Some(&data), c.id.now()).await.unwrap_err();
    assert_eq!(e.code, Code::InvalidPage);
    assert_eq!(send(&c, &app, u.id, "unknown", &data).await.unwrap_err().code, Code::InvalidTemplateId);
    assert!(send(&c, &app, u.id, &one, &data).await.is_ok(), "the grant was untouched by the refusals");
});

both!(tap_proofs_are_single_use_fresh_and_personal, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let host = c.id.store().create_host_app("Shell", c.id.now()).await.unwrap();
    let u = c.user().await;
    let code = c.id.signin_start(&u.phone).await.unwrap();
    let (token, _) = c.id.signin_verify(&u.phone, &code, host.id).await.unwrap();
    let session = c.id.client_session(&token).await.unwrap();
    let tap = c.id.mint_tap(&app.appid, &session).await.unwrap();
    assert!(c.id.spend_tap(&app, u.id, &tap).await.is_ok());
    assert!(c.id.spend_tap(&app, u.id, &tap).await.is_err(), "single use");
    let tap = c.id.mint_tap(&app.appid, &session).await.unwrap();
    assert!(c.id.spend_tap(&app, u.id + 1, &tap).await.is_err(), "another user's");
    c.clock.advance_secs(11);
    assert!(c.id.spend_tap(&app, u.id, &tap).await.is_err(), "stale");
});

/// Senders on two nodes race for N one-time grants: exactly N sends, N messages.
async fn race_for_grants(c: Ctx) {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (id, data) = private(&c, &app, 2).await;
    for _ in 0..5 {
        grant(&c, &app, u.id, &[&id], &[&id]).await.unwrap();
    }
    let other = c.place.open().await;
    let stores: [(Arc<dyn TemplateStore>, Arc<dyn SubscriptionStore>); 2] =
        [(Arc::new(c.db.clone()), Arc::new(c.db.clone())), (Arc::new(other.clone()), Arc::new(other))];
    let mut tasks = vec![];
    for i in 0..16 {
        let (t, s) = stores[i % 2].clone();
        let (id, data, now, app_id) = (id.clone(), data.clone(), c.id.now(), app.id);
        tasks.push(tokio::spawn(async move {
            subscribe::send(t.as_ref(), s.as_ref(), app_id, u.id, None, Some(&id), None, Some(&data), now).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code, Code::UserRefused),
        }
    }
    assert_eq!(ok, 5);
    assert_eq!(c.db.inbox(u.id, 100).await.unwrap().len(), 5);
}

both!(two_nodes_race_for_the_last_grants, race_for_grants);
