//! Weekly pushes, the inbox's reactions, the outbox and campaigns on SQLite and
//! PostgreSQL: the week boundary in UTC+8, the allowance after good and bad weeks,
//! exactness under concurrency, and campaigns that resume without sending twice.

mod common;

use common::{Ctx, T0};
use openmini_core::identity::{App, AppKind};
use openmini_core::reach::push::{self, AllowancePolicy, Push};
use openmini_core::reach::store::{
    Answer, Attempt, CampaignStore, InboxFilter, InboxStore, OutboxStore, PushStore, Reaction, ServerConfig, SubscriptionStore,
};
use openmini_core::reach::{campaign, events, inbox, subscribe};
use openmini_core::{Code, ManualClock};
use std::sync::Arc;

const HOUR: i64 = 3_600_000;

fn msg(title: &str) -> Push {
    push::compose(Some(title), Some("本周上新"), Some("pages/index/index?from=push")).unwrap()
}

async fn send(c: &Ctx, p: &AllowancePolicy, app: &App, user: i64) -> Result<i64, Code> {
    push::send(&c.db, p, app.id, user, &msg("周报"), c.id.now()).await.map_err(|e| e.code)
}

both!(push_needs_my_apps_and_no_refusal, |c: Ctx| async move {
    let p = AllowancePolicy::default();
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::UserRefused), "not in My mini programs");
    c.db.add_my_app(u.id, app.id, c.id.now()).await.unwrap();
    c.db.set_push_refusal(app.id, u.id, true, c.id.now()).await.unwrap();
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::UserRefused), "refused");
    c.db.set_push_refusal(app.id, u.id, false, c.id.now()).await.unwrap();
    assert!(send(&c, &p, &app, u.id).await.is_ok());
    c.db.remove_my_app(u.id, app.id).await.unwrap();
    c.clock.advance_ms(7 * 24 * HOUR);
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::UserRefused), "removed again");
    let msgs = c.db.inbox_messages(u.id, &InboxFilter { folder: Some("push".into()), ..Default::default() }, 10).await.unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].title, "周报");
});

both!(the_natural_week_ends_sunday_midnight_utc8, |c: Ctx| async move {
    let p = AllowancePolicy::default();
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    c.db.add_my_app(u.id, app.id, c.id.now()).await.unwrap();
    // T0 is Monday 10:00 +08:00: Sunday 23:59:59 is 10 h 1 s earlier.
    c.clock.set_ms(T0 - 10 * HOUR - 1000);
    assert!(send(&c, &p, &app, u.id).await.is_ok(), "Sunday 23:59:59, last week's one");
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::PushAllowanceUsed), "second in the same week");
    c.clock.set_ms(T0 - 10 * HOUR - 1);
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::PushAllowanceUsed), "23:59:59.999 is still Sunday");
    c.clock.set_ms(T0 - 10 * HOUR);
    assert!(send(&c, &p, &app, u.id).await.is_ok(), "Monday 00:00:00 starts a new week");
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::PushAllowanceUsed));
    // In UTC the same instant is Sunday 16:00: a UTC platform counts it to the old week.
    let utc = AllowancePolicy { tz_minutes: 0, ..Default::default() };
    let w = utc.week_of(c.id.now());
    assert_eq!(w, p.week_of(c.id.now()) - 1);
    assert_eq!(c.db.pushes_in_week(app.id, u.id, p.week_of(c.id.now())).await.unwrap(), 1);
});

/// `n` users who added the app, each with one push in the week of `at`.
async fn week_of_pushes(c: &Ctx, p: &AllowancePolicy, app: &App, n: usize, at: i64) -> Vec<(i64, i64)> {
    c.clock.set_ms(at);
    let mut out = Vec::new();
    for _ in 0..n {
        let u = c.user().await;
        c.db.add_my_app(u.id, app.id, at).await.unwrap();
        send(c, p, app, u.id).await.unwrap();
        let m = c.db.inbox_messages(u.id, &InboxFilter::default(), 1).await.unwrap()[0].id;
        out.push((u.id, m));
    }
    out
}

both!(allowance_goes_up_after_a_good_week_and_down_after_a_bad_one, |c: Ctx| async move {
    let p = AllowancePolicy { baseline: 2, min: 1, max: 4, ..Default::default() };
    let week = 7 * 24 * HOUR;
    let (good, _) = c.app(AppKind::Miniprogram, None).await;
    let (bad, _) = c.app(AppKind::Miniprogram, None).await;
    let (complained, _) = c.app(AppKind::Miniprogram, None).await;
    let (quiet, _) = c.app(AppKind::Miniprogram, None).await;
    for app in [&good, &bad, &complained] {
        let sent = week_of_pushes(&c, &p, app, 100, T0).await;
        for (i, (user, m)) in sent.iter().enumerate() {
            if app.id == good.id && i < 6 {
                assert!(c.db.react(*user, *m, Reaction::Clicked, T0 + HOUR).await.unwrap());
                assert!(!c.db.react(*user, *m, Reaction::Clicked, T0 + 2 * HOUR).await.unwrap(), "a click counts once");
            }
            if app.id == bad.id && i < 3 {
                inbox::stop(&c.db, &c.db, &c.db, *user, *m, None, T0 + HOUR).await.unwrap();
            }
            if app.id == complained.id && i < 1 {
                inbox::complain(&c.db, *user, *m, T0 + HOUR).await.unwrap();
            }
        }
    }
    week_of_pushes(&c, &p, &quiet, 99, T0).await;
    c.clock.set_ms(T0 + week);
    let now = c.id.now();
    let a = push::allowance(&c.db, &p, good.id, now).await.unwrap();
    assert_eq!((a.previous, a.allowance), (2, 3), "6% effective CTR: {}", a.reason);
    assert_eq!(a.figures.sent, 100);
    assert_eq!(a.figures.effective_clicks, 6);
    let a = push::allowance(&c.db, &p, bad.id, now).await.unwrap();
    assert_eq!(a.allowance, 1, "3% refusals: {}", a.reason);
    assert_eq!(a.figures.refusals, 3);
    let a = push::allowance(&c.db, &p, complained.id, now).await.unwrap();
    assert_eq!(a.allowance, 1, "1% complaints: {}", a.reason);
    let a = push::allowance(&c.db, &p, quiet.id, now).await.unwrap();
    assert_eq!(a.allowance, 2, "99 pushes are too few to judge: {}", a.reason);
    // Fixed for the week: reactions now change next week's, not this one's.
    let u = c.user().await;
    c.db.add_my_app(u.id, good.id, now).await.unwrap();
    for _ in 0..3 {
        send(&c, &p, &good, u.id).await.unwrap();
    }
    assert_eq!(send(&c, &p, &good, u.id).await, Err(Code::PushAllowanceUsed), "the 4th of 3");
    let a = push::allowance(&c.db, &p, good.id, now).await.unwrap();
    assert_eq!(a.figures.sent, 100, "the stored figures stand all week");
});

both!(pushes_racing_on_two_nodes_never_pass_the_allowance, |c: Ctx| async move {
    let p = Arc::new(AllowancePolicy { baseline: 3, min: 1, max: 4, ..Default::default() });
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    c.db.add_my_app(u.id, app.id, c.id.now()).await.unwrap();
    let other = c.place.open().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let db = if i % 2 == 0 { c.db.clone() } else { other.clone() };
        let (p, app_id, now) = (p.clone(), app.id, c.id.now());
        tasks.push(tokio::spawn(async move { push::send(&db, &p, app_id, u.id, &msg("抢"), now).await.map_err(|e| e.code) }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(code) => assert_eq!(code, Code::PushAllowanceUsed),
        }
    }
    assert_eq!(ok, 3);
    assert_eq!(c.db.inbox_messages(u.id, &InboxFilter::default(), 50).await.unwrap().len(), 3);
});

both!(inbox_folders_reads_clicks_and_stop, |c: Ctx| async move {
    let p = AllowancePolicy::default();
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let stranger = c.user().await;
    c.db.add_my_app(u.id, app.id, c.id.now()).await.unwrap();
    send(&c, &p, &app, u.id).await.unwrap();
    let written = inbox::write(&c.db, app.id, u.id, "在吗", |id| events::text(&events::Party { to_user_name: "gh".into(), openid: "o".into() }, 0, "在吗", id), c.id.now()).await.unwrap();
    assert!(written > 0);
    let all = c.db.inbox_messages(u.id, &InboxFilter::default(), 10).await.unwrap();
    assert_eq!(all.len(), 2);
    let cs = &all[0];
    assert_eq!((cs.folder.as_str(), cs.from_user, cs.read_at.is_some()), ("customer_service", true, true));
    let push_msg = &all[1];
    assert_eq!(c.db.unread(u.id).await.unwrap(), vec![("push".to_string(), 1)]);
    // Someone else's message is nobody's business.
    assert_eq!(inbox::click(&c.db, stranger.id, push_msg.id, c.id.now()).await.unwrap_err().code, Code::InvalidArgs);
    let opened = inbox::click(&c.db, u.id, push_msg.id, c.id.now()).await.unwrap();
    assert_eq!((opened.page.as_deref(), inbox::scene_of(&opened.folder)), (Some("pages/index/index?from=push"), 1104));
    assert!(c.db.unread(u.id).await.unwrap().is_empty(), "a click reads");
    // Writing opened the 48-hour window for the app's replies.
    let reply = openmini_core::reach::customer_service::send(&c.db, app.id, u.id, &serde_json::json!({"msgtype": "text", "text": {"content": "在的"}}), c.id.now()).await;
    assert!(reply.is_ok());
    assert_eq!(c.db.mark_all_read(u.id, Some("customer_service"), i64::MAX, c.id.now()).await.unwrap(), 1);
    // Stop on a push refuses the app's pushes.
    inbox::stop(&c.db, &c.db, &c.db, u.id, push_msg.id, None, c.id.now()).await.unwrap();
    assert_eq!(c.db.push_state(app.id, u.id).await.unwrap(), (true, true));
    c.clock.advance_ms(7 * 24 * HOUR);
    assert_eq!(send(&c, &p, &app, u.id).await, Err(Code::UserRefused));
    // Stop on any other message switches the app's notifications off.
    assert!(!c.db.switched_off(app.id, u.id).await.unwrap());
    inbox::stop(&c.db, &c.db, &c.db, u.id, cs.id, None, c.id.now()).await.unwrap();
    assert!(c.db.switched_off(app.id, u.id).await.unwrap());
});

both!(outbox_queues_only_for_configured_apps_and_leases_items, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let party = events::Party { to_user_name: events::original_id(&app.appid), openid: "o1".into() };
    let e = events::entered_session(&party, c.id.now());
    assert_eq!(c.db.enqueue(app.id, &e, c.id.now()).await.unwrap(), None, "no server: nothing queued");
    let cfg = ServerConfig {
        app_id: app.id,
        url: "http://127.0.0.1:9/push".into(),
        token_enc: c.id.keys().encrypt_at_rest(b"tok"),
        aes_key_enc: None,
        format: "json".into(),
        mode: "plain".into(),
        verified_at: c.id.now(),
    };
    c.db.set_server(&cfg, c.id.now()).await.unwrap();
    assert!(!format!("{:?}", c.db.server(app.id).await.unwrap().unwrap()).contains(&cfg.token_enc));
    let id = c.db.enqueue(app.id, &e, c.id.now()).await.unwrap().expect("queued");
    let now = c.id.now();
    let other = c.place.open().await;
    let claimed = c.db.claim_due(now, now + 30_000, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|i| i.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(claimed[0].attempts, 1);
    assert!(other.claim_due(now, now + 30_000, 10).await.unwrap().is_empty(), "leased to the first node");
    c.db.record_attempt(id, &Attempt::Retry { next_at: now + 5_000, status: Some(500), error: "HTTP 500".into() }, now).await.unwrap();
    assert!(other.claim_due(now + 4_999, now + 40_000, 10).await.unwrap().is_empty(), "not due yet");
    let again = other.claim_due(now + 5_000, now + 40_000, 10).await.unwrap();
    assert_eq!(again[0].attempts, 2);
    // A crashed node's lease runs out and the item is claimed again.
    let third = c.db.claim_due(now + 40_001, now + 70_000, 10).await.unwrap();
    assert_eq!(third[0].attempts, 3);
    c.db.record_attempt(id, &Attempt::Delivered { status: 200 }, now + 40_002).await.unwrap();
    assert!(c.db.claim_due(now + 1_000_000, now + 1_030_000, 10).await.unwrap().is_empty());
    let log = c.db.deliveries(app.id, 10).await.unwrap();
    assert_eq!((log[0].state.as_str(), log[0].attempts, log[0].last_status, log[0].delivered_at), ("delivered", 3, Some(200), Some(now + 40_002)));
    c.db.record_attempt(id, &Attempt::Dead { status: None, error: "gone".into() }, now).await.unwrap();
    assert_eq!(c.db.deliveries(app.id, 10).await.unwrap()[0].last_status, None);

    // Events ride with what they report: a withdrawal of nothing queues nothing; a
    // real one, a switch, and "stop receiving" on a message each queue their event.
    let user = c.user().await;
    let kinds = |db: openmini_store::Db| async move { db.deliveries(app.id, 50).await.unwrap().into_iter().map(|i| i.kind).collect::<Vec<_>>() };
    let before = kinds(c.db.clone()).await.len();
    assert!(!subscribe::withdraw(&c.db, app.id, user.id, "no-such-template", Some(&party), now).await.unwrap());
    assert_eq!(kinds(c.db.clone()).await.len(), before, "nothing withdrawn, nothing told");
    c.db.record_consent(app.id, user.id, &[Answer { pri_tmpl_id: "T1".into(), kind: 2, accepted: true }], None, now).await.unwrap();
    assert!(subscribe::withdraw(&c.db, app.id, user.id, "T1", Some(&party), now).await.unwrap());
    subscribe::switch(&c.db, app.id, user.id, true, Some(&party), now).await.unwrap();
    let written = inbox::write(&c.db, app.id, user.id, "hi", |id| events::text(&party, now, "hi", id), now).await.unwrap();
    let line = c.db.inbox_messages(user.id, &InboxFilter::default(), 1).await.unwrap()[0].id;
    assert!(written > 0);
    inbox::stop(&c.db, &c.db, &c.db, user.id, line, Some(&party), now).await.unwrap();
    let k = kinds(c.db.clone()).await;
    assert_eq!(&k[..4], ["subscribe_msg_change_event", "text", "subscribe_msg_change_event", "subscribe_msg_change_event"], "newest first");
});

/// `n` app users who added the app; returns their ids in order.
async fn audience(c: &Ctx, app: &App, secret: &str, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let u = c.app_user(app, secret).await;
        c.db.add_my_app(u.id, app.id, c.id.now()).await.unwrap();
        ids.push(u.id);
    }
    ids
}

both!(a_campaign_resumes_after_a_crash_without_sending_twice, |c: Ctx| async move {
    let p = AllowancePolicy::default();
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let users = audience(&c, &app, &secret, 25).await;
    // Excluded by the rules: one refused, one already pushed this week, one never added.
    c.db.set_push_refusal(app.id, users[3], true, c.id.now()).await.unwrap();
    send(&c, &p, &app, users[7]).await.unwrap();
    c.db.remove_my_app(users[11], app.id).await.unwrap();
    let id = campaign::start_push(&c.db, app.id, &msg("活动"), c.id.now()).await.unwrap();
    let camp = c.db.claim_campaign(c.id.now(), c.id.now() + 10_000).await.unwrap().expect("claimable");
    assert!(c.db.claim_campaign(c.id.now(), c.id.now() + 10_000).await.unwrap().is_none(), "leased");
    // The node runs one batch of 10 and dies.
    let hi = c.db.batch_end(app.id, 0, 10).await.unwrap().unwrap();
    let a = push::allowance(&c.db, &p, app.id, c.id.now()).await.unwrap();
    let m = msg("活动");
    let b = openmini_core::reach::store::Batch { campaign: &camp, lo: 0, hi, title: &m.title, body: &m.body, page: m.page.as_deref(), now: c.id.now(), lease_until: c.id.now() + 10_000 };
    assert!(c.db.push_batch(&b, a.week, a.allowance).await.unwrap());
    assert!(!c.db.push_batch(&b, a.week, a.allowance).await.unwrap(), "the same batch twice is refused");
    // Another node takes over once the lease runs out, and finishes in batches of 10.
    c.clock.advance_ms(10_001);
    let node2 = c.place.open().await;
    let taken = node2.claim_campaign(c.id.now(), c.id.now() + 10_000).await.unwrap().expect("lease ran out");
    assert_eq!(taken.cursor_user, hi);
    let clock = ManualClock::new(c.id.now());
    let done = campaign::run(&node2, &p, taken, 10_000, 10, &clock).await.unwrap();
    assert_eq!(done.state, "done");
    assert_eq!((done.sent, done.skipped, done.failed), (22, 3, 0));
    for (i, u) in users.iter().enumerate() {
        let got = c.db.inbox_messages(*u, &InboxFilter::default(), 10).await.unwrap().iter().filter(|m| m.title == "活动").count();
        assert_eq!(got, usize::from(![3, 7, 11].contains(&i)), "user #{i}");
    }
    assert_eq!(campaign::status(&c.db, app.id, id).await.unwrap().sent, 22);
    let (other_app, _) = c.app(AppKind::Miniprogram, None).await;
    assert_eq!(campaign::status(&c.db, other_app.id, id).await.unwrap_err().code, Code::InvalidCampaign, "another app's campaign");
});

both!(a_subscription_campaign_spends_one_grant_per_user, |c: Ctx| async move {
    use openmini_core::reach::library::library;
    use openmini_core::reach::{subscribe, templates};
    let p = AllowancePolicy::default();
    let (app, secret) = c.app(AppKind::Miniprogram, None).await;
    let t = library().templates.iter().find(|t| t.kind == 2).unwrap();
    let kids: Vec<i64> = t.keywords.iter().take(2).map(|k| k.kid).collect();
    let tmpl = templates::add(&c.db, app.id, Some(&t.tid.to_string()), &kids, None, c.id.now()).await.unwrap();
    let mut data = serde_json::json!({});
    for k in t.keywords.iter().take(2) {
        data[templates::field_name(&k.rule, k.kid)] = serde_json::json!({ "value": k.example });
    }
    let users = audience(&c, &app, &secret, 6).await;
    for u in &users[..4] {
        subscribe::consent(&c.db, &c.db, app.id, *u, std::slice::from_ref(&tmpl), std::slice::from_ref(&tmpl), None, c.id.now()).await.unwrap();
    }
    c.db.set_switch(app.id, users[0], true, None, c.id.now()).await.unwrap();
    campaign::start_subscribe(&c.db, &c.db, app.id, Some(&tmpl), None, Some(&data), c.id.now()).await.unwrap();
    let camp = c.db.claim_campaign(c.id.now(), c.id.now() + 10_000).await.unwrap().unwrap();
    let done = campaign::run(&c.db, &p, camp, 10_000, 4, &ManualClock::new(c.id.now())).await.unwrap();
    assert_eq!((done.sent, done.skipped), (3, 3));
    for (i, u) in users.iter().enumerate() {
        let grants = c.db.grants(app.id, *u).await.unwrap();
        let left = grants.first().map_or(0, |g| g.remaining);
        assert_eq!(left, i64::from(i == 0), "user #{i}: the switched-off user keeps the grant");
        let got = c.db.inbox_messages(*u, &InboxFilter::default(), 10).await.unwrap().len();
        assert_eq!(got, usize::from((1..4).contains(&i)), "user #{i}");
    }
});
