//! Customer-service windows at their edges on SQLite and PostgreSQL: the 5th and 6th
//! message, 47h59m and 48h01m, reset on each user action (never adding up), the
//! 1-minute window after entering, typing within 30 s, and two nodes racing for a
//! window's last sends.

mod common;

use common::Ctx;
use openmini_core::identity::AppKind;
use openmini_core::reach::customer_service::{self as cs, UserAction};
use openmini_core::reach::store::{CustomerServiceStore, SubscriptionStore};
use openmini_core::Code;
use serde_json::json;
use std::sync::Arc;

fn text(s: &str) -> serde_json::Value {
    json!({ "msgtype": "text", "text": { "content": s } })
}

async fn send(c: &Ctx, app: i64, user: i64) -> Result<i64, openmini_core::ApiError> {
    cs::send(&c.db, app, user, &text("您好，订单已发出"), c.id.now()).await
}

fn code<T: std::fmt::Debug>(r: Result<T, openmini_core::ApiError>) -> Code {
    r.unwrap_err().code
}

both!(five_within_48_hours_after_a_message, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    assert_eq!(code(send(&c, app.id, u.id).await), Code::ResponseOutOfTime, "the user never acted");
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    for i in 0..4 {
        assert!(send(&c, app.id, u.id).await.is_ok(), "message {}", i + 1);
    }
    c.clock.advance_secs(47 * 3600 + 59 * 60); // 47h59m
    assert!(send(&c, app.id, u.id).await.is_ok(), "5th at 47h59m");
    assert_eq!(code(send(&c, app.id, u.id).await), Code::OutOfSendQuota, "6th");
    // A fresh window: at 48h01m it has closed, whatever is left.
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    c.clock.advance_secs(48 * 3600 + 60);
    assert_eq!(code(send(&c, app.id, u.id).await), Code::ResponseOutOfTime, "48h01m");
    assert_eq!(c.db.inbox(u.id, 10).await.unwrap().iter().filter(|m| m.folder == "customer_service").count(), 5);
});

both!(each_action_resets_and_windows_never_add_up, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    for _ in 0..3 {
        send(&c, app.id, u.id).await.unwrap();
    }
    // The user writes again: 5 again, not 2 + 5.
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    for _ in 0..5 {
        send(&c, app.id, u.id).await.unwrap();
    }
    assert_eq!(code(send(&c, app.id, u.id).await), Code::OutOfSendQuota);
    // Entering the session replaces the window with 2 within a minute.
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    cs::user_acted(&c.db, app.id, u.id, UserAction::Entered, None, c.id.now()).await.unwrap();
    send(&c, app.id, u.id).await.unwrap();
    send(&c, app.id, u.id).await.unwrap();
    assert_eq!(code(send(&c, app.id, u.id).await), Code::OutOfSendQuota, "3rd after entering");
    cs::user_acted(&c.db, app.id, u.id, UserAction::Entered, None, c.id.now()).await.unwrap();
    c.clock.advance_secs(59);
    assert!(send(&c, app.id, u.id).await.is_ok(), "59 s");
    c.clock.advance_secs(2);
    assert_eq!(code(send(&c, app.id, u.id).await), Code::ResponseOutOfTime, "61 s");
});

both!(typing_needs_an_action_in_the_last_30_seconds, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    assert_eq!(code(cs::typing(&c.db, app.id, u.id, Some("Typing"), c.id.now()).await), Code::NoRecentInteraction);
    cs::user_acted(&c.db, app.id, u.id, UserAction::Entered, None, c.id.now()).await.unwrap();
    c.clock.advance_secs(30);
    assert!(cs::typing(&c.db, app.id, u.id, Some("Typing"), c.id.now()).await.is_ok());
    assert_eq!(code(cs::typing(&c.db, app.id, u.id, Some("Dancing"), c.id.now()).await), Code::InvalidArgs);
    c.clock.advance_secs(1);
    assert_eq!(code(cs::typing(&c.db, app.id, u.id, Some("CancelTyping"), c.id.now()).await), Code::NoRecentInteraction);
});

both!(message_bodies_are_checked_before_anything_is_spent, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    cs::user_acted(&c.db, app.id, u.id, UserAction::Entered, None, c.id.now()).await.unwrap();
    let bad = [
        json!({ "msgtype": "video" }),
        json!({ "msgtype": "text", "text": { "content": "" } }),
        json!({ "msgtype": "text", "text": { "content": "x".repeat(2049) } }),
        json!({ "msgtype": "link", "link": { "title": "t" } }),
        json!({}),
    ];
    for b in bad {
        assert_eq!(code(cs::send(&c.db, app.id, u.id, &b, c.id.now()).await), Code::DataFormat, "{b}");
    }
    let page = json!({ "msgtype": "miniprogrampage", "miniprogrampage": { "title": "订单", "pagepath": "pages/order/index" } });
    assert!(cs::send(&c.db, app.id, u.id, &page, c.id.now()).await.is_ok());
    assert!(send(&c, app.id, u.id).await.is_ok(), "both sends were still there");
});

/// Two nodes race for a window's 5 sends: exactly 5 succeed.
async fn race(c: Ctx) {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    cs::user_acted(&c.db, app.id, u.id, UserAction::Message, None, c.id.now()).await.unwrap();
    let stores: [Arc<dyn CustomerServiceStore>; 2] = [Arc::new(c.db.clone()), Arc::new(c.place.open().await)];
    let mut tasks = vec![];
    for i in 0..12 {
        let (store, now, app_id) = (stores[i % 2].clone(), c.id.now(), app.id);
        tasks.push(tokio::spawn(async move { cs::send(store.as_ref(), app_id, u.id, &text("hi"), now).await }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.code, Code::OutOfSendQuota),
        }
    }
    assert_eq!(ok, 5);
}

both!(two_nodes_race_for_the_last_sends_of_a_window, race);
