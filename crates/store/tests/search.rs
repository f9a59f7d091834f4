//! Search's storage on SQLite and PostgreSQL: services replaced whole and in order,
//! suspension (and the catalogue without suspended apps), what the index reads, the
//! change log written with every change, usage from opens, the LIKE baseline.

mod common;

use common::Ctx;
use openmini_core::container::store::{EventStore, NewEvent, PackageFile, PackageStore};
use openmini_core::identity::AppKind;
use openmini_core::search::rank::USAGE_WINDOW_MS;
use openmini_core::search::services::Service;
use openmini_core::search::store::{Change, SearchStore};

fn service(i: usize) -> Service {
    Service { page: format!("pages/p{i}/index?x={i}"), title: format!("服务{i} 外卖"), keywords: vec![format!("关键词{i}"), "点餐".into()], category: "food".into() }
}

async fn deploy(c: &Ctx, app_id: i64) {
    let v = openmini_core::container::store::NewVersion { app_id, manifest_sha256: "m", size: 1, created_by: "test", now: c.id.now() };
    c.db.create_version(&v, &[PackageFile { path: "manifest.json".into(), sha256: "m".into(), size: 1 }]).await.unwrap();
}

fn open() -> NewEvent {
    NewEvent { kind: "open", name: None, data: "{}".into(), scene: Some(1005), path: None, client_at: None }
}

both!(services_are_replaced_whole_and_logged, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let start = c.db.last_change().await.unwrap();
    assert!(start >= 1, "creating the app wrote a change");
    assert_eq!(c.db.changes_after(start - 1, 10).await.unwrap()[0].change, Some(Change::App(app.appid.clone())));
    assert!(c.db.services(app.id).await.unwrap().is_empty());

    // 85 services: every chunk size of the insert (64, 16, 4, 1), in order.
    let list: Vec<Service> = (0..85).map(service).collect();
    c.db.replace_services(app.id, &list, c.id.now()).await.unwrap();
    assert_eq!(c.db.services(app.id).await.unwrap(), list);
    let short = vec![service(7)];
    c.db.replace_services(app.id, &short, c.id.now()).await.unwrap();
    assert_eq!(c.db.services(app.id).await.unwrap(), short);
    c.db.replace_services(app.id, &[], c.id.now()).await.unwrap();
    assert!(c.db.services(app.id).await.unwrap().is_empty());

    // Each replacement logged one change of the app, in order.
    let rows = c.db.changes_after(start, 100).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(rows.iter().all(|r| r.change == Some(Change::App(app.appid.clone()))));
    assert_eq!(c.db.change(rows[1].seq).await.unwrap().unwrap(), rows[1]);
    assert!(c.db.change(rows[2].seq + 1000).await.unwrap().is_none());
    assert_eq!(c.db.changes_after(start, 2).await.unwrap().len(), 2);

    // Pruning by age.
    c.clock.advance_secs(3600);
    c.db.replace_services(app.id, &short, c.id.now()).await.unwrap();
    let pruned = c.db.prune_changes(c.id.now() - 1000).await.unwrap();
    assert!(pruned >= 4, "{pruned}");
    assert_eq!(c.db.changes_after(0, 100).await.unwrap().len(), 1);
});

both!(suspension_and_what_the_index_reads, |c: Ctx| async move {
    let s = c.id.create_subject("S").await.unwrap();
    let (mini, _) = c.id.create_app(s.id, AppKind::Miniprogram, "美团外卖", None).await.unwrap();
    let (undeployed, _) = c.id.create_app(s.id, AppKind::Miniprogram, "Draft", None).await.unwrap();
    let (account, _) = c.id.create_app(s.id, AppKind::Service, "美团服务号", None).await.unwrap();
    let (web, _) = c.id.create_app(s.id, AppKind::Website, "Site", None).await.unwrap();
    let before = c.db.last_change().await.unwrap();
    deploy(&c, mini.id).await;
    assert_eq!(c.db.changes_after(before, 10).await.unwrap()[0].change, Some(Change::App(mini.appid.clone())), "a deploy is a change");
    c.db.replace_services(mini.id, &[service(1), service(2)], c.id.now()).await.unwrap();
    c.db.set_description(mini.id, "Meituan 美团", c.id.now()).await.unwrap();

    let a = c.db.index_app(&mini.appid).await.unwrap().unwrap();
    assert_eq!((a.name.as_str(), a.description.as_str(), a.deployed, a.suspended, a.services.len()), ("美团外卖", "Meituan 美团", true, false, 2));
    assert!(a.searchable());
    assert!(!c.db.index_app(&undeployed.appid).await.unwrap().unwrap().searchable(), "nothing deployed");
    assert!(c.db.index_app(&account.appid).await.unwrap().unwrap().searchable());
    assert!(!c.db.index_app(&web.appid).await.unwrap().unwrap().searchable());
    assert!(c.db.index_app("wx0000000000000000").await.unwrap().is_none());

    // Paging through every app with its services.
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = c.db.index_apps(after, 2).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.id;
        seen.extend(page);
    }
    assert!(seen.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(seen.iter().find(|a| a.appid == mini.appid).unwrap().services, vec![service(1), service(2)]);
    assert!(seen.iter().filter(|a| a.appid != mini.appid).all(|a| a.services.is_empty()));

    // Suspension: flag, change, catalogue.
    assert_eq!(c.db.deployed_apps("美团", 10).await.unwrap().len(), 1);
    let before = c.db.last_change().await.unwrap();
    assert!(c.db.set_suspended(mini.id, true, c.id.now()).await.unwrap());
    assert!(c.db.is_suspended(mini.id).await.unwrap());
    assert_eq!(c.db.changes_after(before, 10).await.unwrap()[0].change, Some(Change::App(mini.appid.clone())));
    assert!(!c.db.index_app(&mini.appid).await.unwrap().unwrap().searchable());
    assert!(c.db.deployed_apps("美团", 10).await.unwrap().is_empty());
    assert!(c.db.deployed_apps("", 10).await.unwrap().iter().all(|d| d.appid != mini.appid));
    assert!(c.db.like_services("外卖", 10).await.unwrap().is_empty(), "the baseline skips suspended apps too");
    assert!(c.db.set_suspended(mini.id, false, c.id.now()).await.unwrap());
    assert!(!c.db.is_suspended(mini.id).await.unwrap());
    assert!(!c.db.set_suspended(999_999, true, c.id.now()).await.unwrap(), "no such app");

    // The LIKE baseline: title or keywords, any case, wildcards literal.
    let hits = c.db.like_services("服务1", 10).await.unwrap();
    assert_eq!(hits, vec![(mini.appid.clone(), service(1).page, service(1).title)]);
    assert_eq!(c.db.like_services("点餐", 10).await.unwrap().len(), 2);
    assert!(c.db.like_services("%", 10).await.unwrap().is_empty());
});

both!(opens_in_the_window_count_as_usage, |c: Ctx| async move {
    let (a, _) = c.app(AppKind::Miniprogram, None).await;
    let (b, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let event = NewEvent { kind: "event", name: Some("x".into()), data: "{}".into(), scene: None, path: None, client_at: None };
    c.db.record_events(a.id, u.id, &[open(), open(), event.clone()], c.id.now()).await.unwrap();
    c.clock.advance_ms(USAGE_WINDOW_MS);
    c.db.record_events(a.id, u.id, &[open()], c.id.now()).await.unwrap();
    c.db.record_events(b.id, u.id, &[open(), open(), open(), event], c.id.now()).await.unwrap();
    let mut opens = c.db.opens_since(c.id.now() - USAGE_WINDOW_MS + 1).await.unwrap();
    opens.sort();
    let mut want = vec![(a.appid.clone(), 1), (b.appid.clone(), 3)];
    want.sort();
    assert_eq!(opens, want);
});
