//! What the index holds: one document per mini program, per service, per official
//! account and per article, built from what the store gives.

use openmini_core::identity::AppKind;
use openmini_core::search::rank;
use openmini_core::search::services::category_label;
use openmini_core::search::store::{IndexApp, IndexArticle};
use openmini_core::search::ResultKind;

/// A document to index.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub kind: ResultKind,
    /// What a change replaces whole: `app:<appid>` (the app, its services or, for an
    /// account, its articles).
    pub owner: String,
    pub appid: String,
    /// The app's or account's name.
    pub name: String,
    /// What the result shows: the app's name, the service's or article's title.
    pub title: String,
    pub page: Option<String>,
    pub category: Option<String>,
    /// Articles: the article's id (`GET /client/v1/articles/{id}`).
    pub article: Option<i64>,
    /// Keywords (services: theirs and the category's label).
    pub keywords: Vec<String>,
    /// Found with less weight: a service's app name, an app's description, an
    /// article's digest and account.
    pub context: String,
    /// The usage level of the app ([`rank::usage_level`]).
    pub level: u32,
}

impl Doc {
    /// What multiplies this document's text score ([`rank::boost`]).
    pub fn boost(&self) -> f32 {
        rank::boost(self.kind, self.level)
    }
}

pub fn app_owner(appid: &str) -> String {
    format!("app:{appid}")
}

/// The documents of an app: none unless [`IndexApp::searchable`]; a mini program and
/// each of its services, or an official account and its articles.
pub fn of_app(app: &IndexApp, level: u32) -> Vec<Doc> {
    if !app.searchable() {
        return Vec::new();
    }
    let owner = app_owner(&app.appid);
    let base = |kind, title: &str| Doc {
        kind,
        owner: owner.clone(),
        appid: app.appid.clone(),
        name: app.name.clone(),
        title: title.to_string(),
        page: None,
        category: None,
        article: None,
        keywords: Vec::new(),
        context: app.description.clone(),
        level,
    };
    match app.kind {
        AppKind::Miniprogram => {
            let mut docs = vec![base(ResultKind::Miniprogram, &app.name)];
            for s in &app.services {
                let mut d = base(ResultKind::Service, &s.title);
                d.page = Some(s.page.clone());
                d.category = Some(s.category.clone());
                d.keywords = s.keywords.clone();
                d.keywords.push(category_label(&s.category).to_string());
                d.context = format!("{} {}", app.name, app.description);
                docs.push(d);
            }
            docs
        }
        _ => {
            let mut docs = vec![base(ResultKind::Official, &app.name)];
            docs.extend(app.articles.iter().map(|a| of_article(a, &app.name, level)));
            docs
        }
    }
}

/// The document of an article (its account's usage counts). The caller checks that
/// the account is searchable.
pub fn of_article(a: &IndexArticle, account_name: &str, level: u32) -> Doc {
    Doc {
        kind: ResultKind::Article,
        owner: app_owner(&a.appid),
        appid: a.appid.clone(),
        name: account_name.to_string(),
        title: a.title.clone(),
        page: None,
        category: None,
        article: Some(a.id),
        keywords: Vec::new(),
        context: format!("{} {account_name}", a.digest),
        level,
    }
}
