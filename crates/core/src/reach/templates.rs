//! Private subscription templates (`addtemplate`, `gettemplate`, `deltemplate`): an app
//! picks 2–5 keywords of a public template, at most 25 templates per app.

use super::keywords::Rule;
use super::library::{library, PubTemplate};
use super::store::{PrivateTemplate, TemplateStore};
use crate::error::{ApiError, Code};
use crate::keys::random_bytes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Private templates one app may hold (200012 past it).
pub const MAX_PRIVATE_TEMPLATES: i64 = 25;

/// A private template as `gettemplate` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateView {
    pub pri_tmpl_id: String,
    pub title: String,
    /// `名称:{{thing1.DATA}}\n…`, one line per keyword.
    pub content: String,
    /// The same lines with the library's examples.
    pub example: String,
    pub kind: i64,
    /// The keywords' names, in order (what the consent dialog shows the user).
    pub keywords: Vec<String>,
}

/// The field name of a keyword in sends: its rule and its kid (`thing1`).
pub fn field_name(rule: &str, kid: i64) -> String {
    format!("{rule}{kid}")
}

fn pick<'a>(tpl: &'a PubTemplate, kids: &[i64]) -> Vec<&'a super::library::Keyword> {
    kids.iter().filter_map(|k| tpl.keywords.iter().find(|kw| kw.kid == *k)).collect()
}

/// Checks an `addtemplate` request and stores it.
pub async fn add(
    store: &dyn TemplateStore,
    app_id: i64,
    tid: Option<&str>,
    kids: &[i64],
    scene_desc: Option<&str>,
    now: i64,
) -> Result<String, ApiError> {
    let tpl = library().keywords(tid)?;
    let distinct: std::collections::HashSet<_> = kids.iter().collect();
    if !(2..=5).contains(&kids.len()) || distinct.len() != kids.len() || pick(tpl, kids).len() != kids.len() {
        return Err(ApiError::with(Code::InvalidKidList, "2 to 5 distinct kids of the template"));
    }
    let scene = scene_desc.unwrap_or("").trim();
    if scene.chars().count() > 15 {
        return Err(ApiError::with(Code::InvalidSceneDesc, "at most 15 characters"));
    }
    let t = PrivateTemplate {
        pri_tmpl_id: URL_SAFE_NO_PAD.encode(random_bytes::<32>()),
        app_id,
        tid: tpl.tid,
        kids: kids.to_vec(),
        scene_desc: scene.to_string(),
        created_at: now,
    };
    if !store.add_template(&t, MAX_PRIVATE_TEMPLATES).await? {
        return Err(Code::TooManyTemplates.into());
    }
    Ok(t.pri_tmpl_id)
}

/// The app's templates, oldest first, as `gettemplate` lists them.
pub async fn list(store: &dyn TemplateStore, app_id: i64) -> Result<Vec<TemplateView>, ApiError> {
    let lib = library();
    let mut out = Vec::new();
    for t in store.templates(app_id).await? {
        let Some(tpl) = lib.template(t.tid) else { continue };
        let kws = pick(tpl, &t.kids);
        let line = |k: &&super::library::Keyword, v: String| format!("{}:{}\n", k.name, v);
        let content = kws.iter().map(|k| line(k, format!("{{{{{}.DATA}}}}", field_name(&k.rule, k.kid)))).collect();
        let example = kws.iter().map(|k| line(k, k.example.clone())).collect();
        let keywords = kws.iter().map(|k| k.name.clone()).collect();
        out.push(TemplateView { pri_tmpl_id: t.pri_tmpl_id, title: tpl.title.clone(), content, example, kind: tpl.kind, keywords });
    }
    Ok(out)
}

pub async fn delete(store: &dyn TemplateStore, app_id: i64, pri_tmpl_id: Option<&str>) -> Result<(), ApiError> {
    let id = pri_tmpl_id.filter(|s| !s.is_empty() && s.len() <= 64).ok_or(Code::InvalidTemplateId)?;
    if store.delete_template(app_id, id).await? {
        Ok(())
    } else {
        Err(Code::InvalidTemplateId.into())
    }
}

/// The keyword rules of a private template's fields, for sends: `thing1` → thing.
pub fn fields(t: &PrivateTemplate) -> Vec<(String, Rule)> {
    let Some(tpl) = library().template(t.tid) else { return Vec::new() };
    pick(tpl, &t.kids)
        .into_iter()
        .filter_map(|k| Rule::parse(&k.rule).map(|r| (field_name(&k.rule, k.kid), r)))
        .collect()
}
