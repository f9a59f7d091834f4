//! The container's storage on SQLite and PostgreSQL: package versions numbered per app
//! (also when deploys race on two nodes), their files by exact path only, rollback;
//! allowed domains; analytics events.

mod common;

use common::Ctx;
use openmini_core::container::store::{DomainKind, DomainStore, EventStore, NewEvent, PackageFiles, PackageStore};
use openmini_core::container::{domains, events, package};
use openmini_core::identity::AppKind;
use openmini_core::Code;
use openmini_store::LocalFiles;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

fn bundle(n_files: usize, tag: &str) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("manifest.json".to_string(), json!({"format": 1, "tag": tag}).to_string().into_bytes());
    for i in 0..n_files {
        files.insert(format!("main/files/f{i}.txt"), format!("{tag} file {i}").into_bytes());
    }
    files
}

static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A fresh, not yet created folder for package files.
fn objects(_: &Ctx) -> LocalFiles {
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    LocalFiles::new(std::env::temp_dir().join(format!("openmini_pkg_{}_{nanos}_{n}", std::process::id())))
}

both!(versions_files_and_rollback, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let files = objects(&c);
    let store: &dyn PackageStore = &c.db;
    assert!(store.current_version(app.id).await.unwrap().is_none());
    assert_eq!(package::current(store, &app).await.unwrap_err().code, Code::NotDeployed);

    let b1 = bundle(3, "one");
    let v1 = package::deploy(store, &files, &app, &b1, "test", c.id.now()).await.unwrap();
    assert_eq!((v1.version, v1.files, v1.created_by.as_str()), (1, 4, "test"));
    assert_eq!(v1.size, b1.values().map(|b| b.len() as i64).sum::<i64>());
    c.clock.advance_secs(1);
    // 203 files: every chunk size of the insert (64, 16, 4, 1) is used.
    let b2 = bundle(202, "two");
    let v2 = package::deploy(store, &files, &app, &b2, "test", c.id.now()).await.unwrap();
    assert_eq!((v2.version, v2.files), (2, 203));
    assert_eq!(store.current_version(app.id).await.unwrap().unwrap(), v2);
    assert_eq!(store.versions(app.id).await.unwrap().iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);

    // Every file is found by its exact path, and its bytes by its hash.
    for (path, bytes) in &b2 {
        let f = store.package_file(app.id, 2, path).await.unwrap().unwrap_or_else(|| panic!("{path}"));
        assert_eq!(f.size, bytes.len() as i64);
        assert_eq!(&files.get(&f.sha256).await.unwrap().unwrap(), bytes);
    }
    // Version 1 has only its own files; nothing else is found.
    assert!(store.package_file(app.id, 1, "main/files/f100.txt").await.unwrap().is_none());
    assert!(store.package_file(app.id, 1, "main/files/f0.txt").await.unwrap().is_some());
    for p in ["", "main", "main/files", "../manifest.json", "/manifest.json", "MANIFEST.JSON", "main/files/f0.txt/"] {
        assert!(store.package_file(app.id, 1, p).await.unwrap().is_none(), "{p}");
    }
    assert!(store.package_file(app.id, 3, "manifest.json").await.unwrap().is_none());
    assert!(files.get("../../etc/passwd").await.unwrap().is_none());

    // Rollback to 1, and not to a version that does not exist.
    assert!(store.set_current_version(app.id, 1, c.id.now()).await.unwrap());
    assert_eq!(store.current_version(app.id).await.unwrap().unwrap().version, 1);
    assert!(!store.set_current_version(app.id, 9, c.id.now()).await.unwrap());
    assert_eq!(store.current_version(app.id).await.unwrap().unwrap().version, 1);
    // The next deploy is 3 and current again.
    let v3 = package::deploy(store, &files, &app, &b1, "test", c.id.now()).await.unwrap();
    assert_eq!(v3.version, 3);
    assert_eq!(v3.manifest_sha256, v1.manifest_sha256);

    // Another app: its own numbering, none of this app's files.
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    assert!(store.package_file(other.id, 1, "manifest.json").await.unwrap().is_none());
    assert_eq!(package::deploy(store, &files, &other, &b1, "test", c.id.now()).await.unwrap().version, 1);
});

both!(the_catalogue_lists_deployed_apps_by_name, |c: Ctx| async move {
    let files = objects(&c);
    let store: &dyn PackageStore = &c.db;
    let s = c.id.create_subject("Subject").await.unwrap();
    let mut apps = Vec::new();
    for name in ["Coffee 咖啡", "Books 书店", "100%_sure", "Not deployed"] {
        apps.push(c.id.create_app(s.id, AppKind::Miniprogram, name, None).await.unwrap().0);
    }
    for a in &apps[..3] {
        package::deploy(store, &files, a, &bundle(1, "x"), "test", c.id.now()).await.unwrap();
    }
    package::deploy(store, &files, &apps[0], &bundle(1, "y"), "test", c.id.now()).await.unwrap();
    let names = |list: Vec<openmini_core::container::store::DeployedApp>| list.into_iter().map(|a| (a.name, a.version)).collect::<Vec<_>>();
    assert_eq!(names(store.deployed_apps("", 50).await.unwrap()), [("100%_sure".into(), 1), ("Books 书店".into(), 1), ("Coffee 咖啡".into(), 2)]);
    assert_eq!(names(store.deployed_apps("coffee", 50).await.unwrap()), [("Coffee 咖啡".into(), 2)]);
    assert_eq!(names(store.deployed_apps("书店", 50).await.unwrap()), [("Books 书店".into(), 1)]);
    // The wildcards of LIKE are plain characters in a query.
    assert_eq!(names(store.deployed_apps("%", 50).await.unwrap()), [("100%_sure".into(), 1)]);
    assert_eq!(names(store.deployed_apps("_", 50).await.unwrap()), [("100%_sure".into(), 1)]);
    assert_eq!(names(store.deployed_apps(&apps[1].appid, 50).await.unwrap()), [("Books 书店".into(), 1)]);
    assert!(store.deployed_apps("deployed", 50).await.unwrap().is_empty());
    assert_eq!(store.deployed_apps("", 2).await.unwrap().len(), 2);
});

both!(bad_bundles_and_other_kinds_store_nothing, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (site, _) = c.app(AppKind::Website, None).await;
    let files = objects(&c);
    let store: &dyn PackageStore = &c.db;
    let e = package::deploy(store, &files, &site, &bundle(1, "x"), "test", c.id.now()).await.unwrap_err();
    assert_eq!(e.code, Code::InvalidAppid);
    let mut b = bundle(1, "x");
    b.insert("main/../../escape".into(), b"x".to_vec());
    assert_eq!(package::deploy(store, &files, &app, &b, "test", c.id.now()).await.unwrap_err().code, Code::InvalidArgs);
    let mut b = bundle(1, "x");
    b.remove("manifest.json");
    assert_eq!(package::deploy(store, &files, &app, &b, "test", c.id.now()).await.unwrap_err().code, Code::InvalidArgs);
    assert!(store.versions(app.id).await.unwrap().is_empty());
    assert!(store.versions(site.id).await.unwrap().is_empty());
    assert!(!files.root().exists(), "nothing written for refused bundles");
});

both!(deploys_racing_on_two_nodes_get_distinct_numbers, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let files = Arc::new(objects(&c));
    let stores: [Arc<dyn PackageStore>; 2] = [Arc::new(c.db.clone()), Arc::new(c.place.open().await)];
    let mut tasks = vec![];
    for i in 0..8 {
        let (store, files, app, now) = (stores[i % 2].clone(), files.clone(), app.clone(), c.id.now());
        tasks.push(tokio::spawn(async move {
            package::deploy(store.as_ref(), files.as_ref(), &app, &bundle(5, &format!("b{i}")), "race", now).await.unwrap().version
        }));
    }
    let mut numbers = vec![];
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>());
    let store: &dyn PackageStore = &c.db;
    for v in store.versions(app.id).await.unwrap() {
        assert_eq!(v.files, 6, "every version has exactly its own files");
        assert!(store.package_file(app.id, v.version, "main/files/f4.txt").await.unwrap().is_some());
    }
});

both!(allowed_domains_per_app_and_kind, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    let store: &dyn DomainStore = &c.db;
    let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let d = domains::set(
        store,
        app.id,
        &[(DomainKind::Request, list(&["https://API.example.com/", "http://127.0.0.1:9000", "https://api.example.com"])), (DomainKind::Upload, list(&["https://up.example.com"]))],
        c.id.now(),
    )
    .await
    .unwrap();
    assert_eq!(d.request, ["https://api.example.com", "http://127.0.0.1:9000"]);
    assert_eq!(d.upload, ["https://up.example.com"]);
    assert!(d.download.is_empty());
    // Setting one kind keeps the others; an empty list clears that kind.
    let d = domains::set(store, app.id, &[(DomainKind::Download, list(&["https://cdn.example.com:8443"]))], c.id.now()).await.unwrap();
    assert_eq!((d.request.len(), d.upload.len(), d.download.len()), (2, 1, 1));
    let d = domains::set(store, app.id, &[(DomainKind::Upload, vec![])], c.id.now()).await.unwrap();
    assert!(d.upload.is_empty());
    // A bad entry anywhere refuses the whole change.
    let e = domains::set(store, app.id, &[(DomainKind::Request, list(&["https://ok.com"])), (DomainKind::Upload, list(&["http://evil.com"]))], c.id.now()).await.unwrap_err();
    assert_eq!(e.code, Code::InvalidArgs);
    let too_many: Vec<String> = (0..=domains::MAX_DOMAINS).map(|i| format!("https://h{i}.example.com")).collect();
    assert!(domains::set(store, app.id, &[(DomainKind::Request, too_many.clone())], c.id.now()).await.is_err());
    assert_eq!(store.domains(app.id).await.unwrap().request, ["https://api.example.com", "http://127.0.0.1:9000"]);
    // Exactly 200 is fine; the order is kept.
    let d = domains::set(store, app.id, &[(DomainKind::Request, too_many[..domains::MAX_DOMAINS].to_vec())], c.id.now()).await.unwrap();
    assert_eq!(d.request.len(), domains::MAX_DOMAINS);
    assert_eq!(d.request[199], "https://h199.example.com");
    assert_eq!(store.domains(other.id).await.unwrap(), Default::default());
});

both!(events_are_stored_per_app_and_user, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    let (u1, u2) = (c.user().await, c.user().await);
    let store: &dyn EventStore = &c.db;
    let report = json!({
        "events": [{"name": "buy", "data": {"sku": "A1", "n": 2}, "at": 1718000000000i64}, {"name": "view", "data": {}}],
        "open": {"scene": 1011, "path": "pages/index/index", "query": {"q": "1"}},
    });
    let batch = events::check_report(&report).unwrap();
    store.record_events(app.id, u1.id, &batch, c.id.now()).await.unwrap();
    c.clock.advance_secs(1);
    let one: Vec<NewEvent> = events::check_report(&json!({"events": [{"name": "buy"}]})).unwrap();
    store.record_events(app.id, u2.id, &one, c.id.now()).await.unwrap();
    store.record_events(other.id, u1.id, &one, c.id.now()).await.unwrap();
    store.record_events(app.id, u1.id, &[], c.id.now()).await.unwrap();

    assert_eq!(store.count_events(app.id, None, None).await.unwrap(), 4);
    assert_eq!(store.count_events(app.id, Some("event"), Some("buy")).await.unwrap(), 2);
    assert_eq!(store.count_events(app.id, Some("open"), None).await.unwrap(), 1);
    assert_eq!(store.count_events(other.id, None, None).await.unwrap(), 1);
    let all = store.events(app.id, None, 10).await.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].user_id, u2.id, "newest first");
    let mine = store.events(app.id, Some(u1.id), 10).await.unwrap();
    assert_eq!(mine.len(), 3);
    let open = mine.iter().find(|e| e.kind == "open").unwrap();
    assert_eq!((open.scene, open.path.as_deref(), open.name.as_deref(), open.client_at), (Some(1011), Some("pages/index/index"), None, None));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&open.data).unwrap()["query"]["q"], "1");
    let buy = mine.iter().find(|e| e.name.as_deref() == Some("buy")).unwrap();
    assert_eq!((buy.client_at, buy.scene, buy.created_at), (Some(1718000000000), None, c.id.now() - 1000));
    assert_eq!(store.events(app.id, None, 1).await.unwrap().len(), 1);
});

#[tokio::test]
async fn local_files_are_content_addressed() {
    let dir = std::env::temp_dir().join(format!("openmini_files_{}", std::process::id()));
    let files = LocalFiles::new(&dir);
    let sha = openmini_core::keys::sha256_hex(b"hello");
    files.put(&sha, b"hello").await.unwrap();
    files.put(&sha, b"hello").await.unwrap();
    assert_eq!(files.get(&sha).await.unwrap().unwrap(), b"hello");
    assert!(dir.join(&sha[..2]).join(&sha).is_file());
    assert!(files.get(&openmini_core::keys::sha256_hex(b"other")).await.unwrap().is_none());
    for bad in ["", "..", "../x", &sha.to_uppercase(), &format!("{sha}/"), "/etc/passwd"] {
        assert!(files.get(bad).await.unwrap().is_none(), "{bad}");
        assert!(files.put(bad, b"x").await.is_err(), "{bad}");
    }
    // No temporaries are left behind.
    assert_eq!(std::fs::read_dir(dir.join(&sha[..2])).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(dir);
}
