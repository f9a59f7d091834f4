//! Subscription messages (DESIGN.md rule 1): consent after a tap, one-time grants that
//! allow exactly one send each, long-term grants that allow any number, withdrawal per
//! template and a per-app switch; `subscribe/send` checks every keyword value and spends
//! a grant atomically with the inbox delivery.

use super::keywords::Rule;
use super::library::library;
use super::store::{Answer, Delivery, SubscriptionStore, TemplateStore};
use super::events::{self, Party};
use super::templates;
use crate::error::{ApiError, Code};
use serde_json::{json, Value};

/// `PopupScene` of the consent event: 0, the dialog a mini program opened.
pub const POPUP_SCENE: i64 = 0;

/// Template ids one consent dialog may ask for.
pub const MAX_TMPL_IDS: usize = 5;

/// Records the user's answers to a consent dialog; returns each id's result
/// (`accept` or `reject`). `accepted` lists the ids the user accepted.
#[allow(clippy::too_many_arguments)]
pub async fn consent(
    tpls: &dyn TemplateStore,
    subs: &dyn SubscriptionStore,
    app_id: i64,
    user_id: i64,
    tmpl_ids: &[String],
    accepted: &[String],
    party: Option<&Party>,
    now: i64,
) -> Result<Vec<(String, &'static str)>, ApiError> {
    if tmpl_ids.is_empty() {
        return Err(Code::NoTemplate.into());
    }
    if tmpl_ids.len() > MAX_TMPL_IDS {
        return Err(Code::TooManyTemplateIds.into());
    }
    if subs.switched_off(app_id, user_id).await? {
        return Err(Code::NotificationsOff.into());
    }
    let lib = library();
    let mut answers = Vec::with_capacity(tmpl_ids.len());
    for id in tmpl_ids {
        let t = tpls.template(app_id, id).await?.ok_or_else(|| ApiError::with(Code::NoTemplate, id.clone()))?;
        let kind = lib.template(t.tid).map(|p| p.kind).ok_or(Code::NoTemplate)?;
        answers.push(Answer { pri_tmpl_id: id.clone(), kind, accepted: accepted.contains(id) });
    }
    if answers.iter().any(|a| a.kind != answers[0].kind) {
        return Err(Code::MixedTemplateTypes.into());
    }
    let results: Vec<_> = answers.iter().map(|a| (a.pri_tmpl_id.clone(), if a.accepted { "accept" } else { "reject" })).collect();
    let event = party.map(|p| events::popup(p, now, &results, POPUP_SCENE));
    subs.record_consent(app_id, user_id, &answers, event.as_ref(), now).await?;
    Ok(results)
}

/// The user withdraws one template in the settings; the developer's server hears of
/// it (`subscribe_msg_change_event`) in the same step.
pub async fn withdraw(subs: &dyn SubscriptionStore, app_id: i64, user_id: i64, pri_tmpl_id: &str, party: Option<&Party>, now: i64) -> Result<bool, ApiError> {
    let event = party.map(|p| events::change(p, now, &[(pri_tmpl_id.to_string(), "reject")]));
    Ok(subs.withdraw(app_id, user_id, pri_tmpl_id, event.as_ref(), now).await?)
}

/// The user's switch for all of an app's notifications; the developer's server hears
/// of every template it affects in the same step.
pub async fn switch(subs: &dyn SubscriptionStore, app_id: i64, user_id: i64, off: bool, party: Option<&Party>, now: i64) -> Result<(), ApiError> {
    let status = if off { "reject" } else { "accept" };
    let changes: Vec<_> = subs.grants(app_id, user_id).await?.into_iter().map(|g| (g.pri_tmpl_id, status)).collect();
    let event = party.filter(|_| !changes.is_empty()).map(|p| events::change(p, now, &changes));
    Ok(subs.set_switch(app_id, user_id, off, event.as_ref(), now).await?)
}

/// `page`: a path inside the mini program, with an optional query; no leading `/`.
pub(crate) fn check_page(page: Option<&str>) -> Result<Option<&str>, ApiError> {
    match page.filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) if p.len() <= 1024 && !p.starts_with('/') && p.chars().all(|c| c.is_ascii_graphic()) => Ok(Some(p)),
        Some(_) => Err(Code::InvalidPage.into()),
    }
}

/// The value of one keyword field in `data`: `{"thing1": {"value": "…"}}`.
fn value<'a>(data: &'a Value, field: &str) -> Result<std::borrow::Cow<'a, str>, ApiError> {
    let missing = || ApiError::with(Code::ArgumentInvalid, format!("data.{field}.value is missing"));
    match data.get(field).and_then(|f| f.get("value")) {
        Some(Value::String(s)) => Ok(s.as_str().into()),
        Some(Value::Number(n)) => Ok(n.to_string().into()),
        _ => Err(missing()),
    }
}

/// A message checked against its private template, ready to deliver.
#[derive(Debug, Clone)]
pub struct Composed {
    pub pri_tmpl_id: String,
    pub title: String,
    pub body: String,
    pub page: Option<String>,
    /// The template's type: 2 one-time, 3 long-term.
    pub kind: i64,
}

impl Composed {
    /// The delivery of this message to `user_id`'s service notifications.
    pub fn delivery(&self, app_id: i64, user_id: i64, now: i64) -> Delivery<'_> {
        Delivery {
            app_id,
            user_id,
            pri_tmpl_id: &self.pri_tmpl_id,
            kind: self.kind,
            folder: "service",
            title: &self.title,
            body: &self.body,
            page: self.page.as_deref(),
            now,
            msgid: super::new_msgid(),
            event: None,
        }
    }
}

/// Checks the template, the page and every keyword value (shared by subscription and
/// legacy template messages).
pub async fn compose(
    tpls: &dyn TemplateStore,
    app_id: i64,
    template_id: Option<&str>,
    page: Option<&str>,
    data: Option<&Value>,
) -> Result<Composed, ApiError> {
    let id = template_id.filter(|t| !t.is_empty() && t.len() <= 64).ok_or(Code::InvalidTemplateId)?;
    let t = tpls.template(app_id, id).await?.ok_or(Code::InvalidTemplateId)?;
    let public = library().template(t.tid).ok_or(Code::InvalidTemplateId)?;
    let page = check_page(page)?;
    let data = data.filter(|d| d.is_object()).ok_or_else(|| ApiError::with(Code::ArgumentInvalid, "data must be an object"))?;
    let mut lines = Vec::new();
    for kid in &t.kids {
        let kw = public.keywords.iter().find(|k| k.kid == *kid).ok_or(Code::InvalidTemplateId)?;
        let rule = Rule::parse(&kw.rule).ok_or(Code::InvalidTemplateId)?;
        let field = templates::field_name(&kw.rule, kw.kid);
        let v = value(data, &field)?;
        Rule::check(rule, &v).map_err(|why| ApiError::with(Code::ArgumentInvalid, format!("data.{field}.value: {why}")))?;
        lines.push(json!({ "name": kw.name, "field": field, "value": v }));
    }
    Ok(Composed {
        pri_tmpl_id: id.to_string(),
        title: public.title.clone(),
        body: json!({ "lines": lines }).to_string(),
        page: page.map(str::to_string),
        kind: public.kind,
    })
}

/// `subscribe/send` for a known recipient: validates, then spends a grant and delivers
/// atomically, with the `subscribe_msg_sent_event` for the developer's server (if
/// `party` is given). Returns the message id.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    tpls: &dyn TemplateStore,
    subs: &dyn SubscriptionStore,
    app_id: i64,
    user_id: i64,
    party: Option<&Party>,
    template_id: Option<&str>,
    page: Option<&str>,
    data: Option<&Value>,
    now: i64,
) -> Result<i64, ApiError> {
    let m = compose(tpls, app_id, template_id, page, data).await?;
    let mut d = m.delivery(app_id, user_id, now);
    d.event = party.map(|p| events::sent(p, now, &m.pri_tmpl_id, d.msgid));
    subs.deliver(&d).await?.ok_or(Code::UserRefused)?;
    Ok(d.msgid)
}
