//! Private subscription templates on SQLite and PostgreSQL: 2–5 keywords of a public
//! template, 25 per app exactly (also when adds race), per-app isolation.

mod common;

use common::Ctx;
use openmini_core::identity::AppKind;
use openmini_core::reach::library::library;
use openmini_core::reach::store::TemplateStore;
use openmini_core::reach::templates::{self, MAX_PRIVATE_TEMPLATES};
use openmini_core::Code;
use std::sync::Arc;

fn first_template() -> (String, Vec<i64>) {
    let t = &library().templates[0];
    (t.tid.to_string(), t.keywords.iter().map(|k| k.kid).collect())
}

both!(add_list_and_delete, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let store: &dyn TemplateStore = &c.db;
    let (tid, kids) = first_template();
    let id = templates::add(store, app.id, Some(&tid), &kids[..3], Some("下单后通知"), c.id.now()).await.unwrap();
    let list = templates::list(store, app.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].pri_tmpl_id, id);
    assert_eq!(list[0].content.lines().count(), 3);
    assert!(list[0].content.contains(".DATA}}"), "{}", list[0].content);
    // Fields for sends carry the rule and kid.
    let stored = store.template(app.id, &id).await.unwrap().unwrap();
    assert_eq!(templates::fields(&stored).len(), 3);
    // Another app sees none of it and cannot delete it.
    let (other, _) = c.app(AppKind::Miniprogram, None).await;
    assert!(templates::list(store, other.id).await.unwrap().is_empty());
    assert_eq!(templates::delete(store, other.id, Some(&id)).await.unwrap_err().code, Code::InvalidTemplateId);
    templates::delete(store, app.id, Some(&id)).await.unwrap();
    assert!(templates::list(store, app.id).await.unwrap().is_empty());
    assert_eq!(templates::delete(store, app.id, Some(&id)).await.unwrap_err().code, Code::InvalidTemplateId);
});

both!(bad_requests_get_their_codes, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let store: &dyn TemplateStore = &c.db;
    let (tid, kids) = first_template();
    let now = c.id.now();
    let code = |r: Result<String, openmini_core::ApiError>| r.unwrap_err().code;
    assert_eq!(code(templates::add(store, app.id, Some("1"), &kids[..2], None, now).await), Code::InvalidTid);
    assert_eq!(code(templates::add(store, app.id, Some(&tid), &kids[..1], None, now).await), Code::InvalidKidList, "1 keyword");
    assert_eq!(code(templates::add(store, app.id, Some(&tid), &[kids[0], kids[0]], None, now).await), Code::InvalidKidList, "repeated");
    assert_eq!(code(templates::add(store, app.id, Some(&tid), &[kids[0], 999], None, now).await), Code::InvalidKidList, "unknown kid");
    let six: Vec<i64> = (1..=6).collect();
    assert_eq!(code(templates::add(store, app.id, Some(&tid), &six, None, now).await), Code::InvalidKidList, "6 keywords");
    let long = "一".repeat(16);
    assert_eq!(code(templates::add(store, app.id, Some(&tid), &kids[..2], Some(&long), now).await), Code::InvalidSceneDesc);
    assert!(templates::add(store, app.id, Some(&tid), &kids[..2], Some(&"一".repeat(15)), now).await.is_ok());
});

both!(twenty_five_per_app_even_when_adds_race, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let (tid, kids) = first_template();
    let stores: [Arc<dyn TemplateStore>; 2] = [Arc::new(c.db.clone()), Arc::new(c.place.open().await)];
    let mut tasks = vec![];
    for i in 0..30 {
        let (store, tid, kids, now) = (stores[i % 2].clone(), tid.clone(), kids.clone(), c.id.now());
        tasks.push(tokio::spawn(async move { templates::add(store.as_ref(), app.id, Some(&tid), &kids[..2], None, now).await }));
    }
    let (mut ok, mut full) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) if e.code == Code::TooManyTemplates => full += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((ok, full), (MAX_PRIVATE_TEMPLATES as usize, 5));
    // Deleting one frees exactly one place: the 25th and 26th add.
    let store: &dyn TemplateStore = &c.db;
    let list = templates::list(store, app.id).await.unwrap();
    templates::delete(store, app.id, Some(&list[0].pri_tmpl_id)).await.unwrap();
    assert!(templates::add(store, app.id, Some(&tid), &kids[..2], None, c.id.now()).await.is_ok());
    let e = templates::add(store, app.id, Some(&tid), &kids[..2], None, c.id.now()).await.unwrap_err();
    assert_eq!(e.code, Code::TooManyTemplates);
});
