//! Legacy template messages on SQLite and PostgreSQL: a form id allows 1 send, a
//! payment's prepay_id 3, within 7 days; each id is spent once per send and belongs to
//! one app and user.

mod common;

use common::Ctx;
use openmini_core::identity::{App, AppKind};
use openmini_core::reach::library::library;
use openmini_core::reach::{legacy, templates};
use openmini_core::Code;
use serde_json::{json, Value};

async fn template(c: &Ctx, app: &App) -> (String, Value) {
    let t = library().templates.iter().find(|t| t.kind == 2).unwrap();
    let kids: Vec<i64> = t.keywords.iter().take(2).map(|k| k.kid).collect();
    let id = templates::add(&c.db, app.id, Some(&t.tid.to_string()), &kids, None, c.id.now()).await.unwrap();
    let mut data = json!({});
    for k in t.keywords.iter().take(2) {
        data[templates::field_name(&k.rule, k.kid)] = json!({ "value": k.example });
    }
    (id, data)
}

async fn send(c: &Ctx, app: &App, user: i64, tpl: &str, form: &str, data: &Value) -> Result<i64, openmini_core::ApiError> {
    legacy::send(&c.db, &c.db, app.id, user, Some(tpl), Some("pages/index/index"), Some(form), Some(data), c.id.now()).await
}

fn code<T: std::fmt::Debug>(r: Result<T, openmini_core::ApiError>) -> Code {
    r.unwrap_err().code
}

both!(a_form_id_allows_one_send_within_7_days, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (tpl, data) = template(&c, &app).await;
    let form = legacy::record_form(&c.db, app.id, u.id, c.id.now()).await.unwrap();
    c.clock.advance_secs(7 * 86_400 - 60); // 6d23h59m
    assert!(send(&c, &app, u.id, &tpl, &form, &data).await.is_ok());
    assert_eq!(code(send(&c, &app, u.id, &tpl, &form, &data).await), Code::FormIdUsed, "consumed once");
    let late = legacy::record_form(&c.db, app.id, u.id, c.id.now()).await.unwrap();
    c.clock.advance_secs(7 * 86_400 + 60); // 7d01m
    assert_eq!(code(send(&c, &app, u.id, &tpl, &late, &data).await), Code::InvalidFormId, "expired");
    assert_eq!(code(send(&c, &app, u.id, &tpl, "unknown", &data).await), Code::InvalidFormId);
});

both!(a_payment_allows_three_and_grants_are_independent, |c: Ctx| async move {
    let (app, _) = c.app(AppKind::Miniprogram, None).await;
    let u = c.user().await;
    let (tpl, data) = template(&c, &app).await;
    let pay = legacy::record_payment(&c.db, app.id, u.id, c.id.now()).await.unwrap();
    let form = legacy::record_form(&c.db, app.id, u.id, c.id.now()).await.unwrap();
    for _ in 0..3 {
        assert!(send(&c, &app, u.id, &tpl, &pay, &data).await.is_ok());
    }
    assert_eq!(code(send(&c, &app, u.id, &tpl, &pay, &data).await), Code::FormIdUsed, "4th on a payment");
    assert!(send(&c, &app, u.id, &tpl, &form, &data).await.is_ok(), "the form's own grant is untouched");
    // Ids belong to their app and user; a bad value spends nothing.
    let other = c.user().await;
    let pay2 = legacy::record_payment(&c.db, app.id, u.id, c.id.now()).await.unwrap();
    assert_eq!(code(send(&c, &app, other.id, &tpl, &pay2, &data).await), Code::InvalidFormId);
    let field = data.as_object().unwrap().keys().next().unwrap().clone();
    let mut bad = data.clone();
    bad[&field]["value"] = json!("");
    assert_eq!(code(send(&c, &app, u.id, &tpl, &pay2, &bad).await), Code::ArgumentInvalid);
    for _ in 0..3 {
        assert!(send(&c, &app, u.id, &tpl, &pay2, &data).await.is_ok());
    }
});
