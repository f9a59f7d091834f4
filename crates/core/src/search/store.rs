//! What search needs from storage (implemented by `openmini-store`): apps' services,
//! the suspension flag, what to index, the change log nodes follow, and usage.

use super::services::Service;
use crate::identity::{AppKind, StoreError};
use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

/// An app as the index sees it, with its services (mini programs only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexApp {
    pub id: i64,
    pub appid: String,
    pub kind: AppKind,
    pub name: String,
    /// Set with `openmini app describe`; indexed beside the name.
    pub description: String,
    /// Mini programs: whether a version is deployed (only those can be opened).
    pub deployed: bool,
    pub suspended: bool,
    pub services: Vec<Service>,
    /// Service and subscription accounts: their latest articles (from
    /// [`SearchStore::index_app`]; a rebuild reads articles apart).
    pub articles: Vec<IndexArticle>,
}

impl IndexApp {
    /// Whether anything of this app belongs in search: not suspended; a mini program
    /// with a deployed version, or a service or subscription account.
    pub fn searchable(&self) -> bool {
        !self.suspended
            && match self.kind {
                AppKind::Miniprogram => self.deployed,
                AppKind::Service | AppKind::Subscription => true,
                AppKind::Website | AppKind::Mobile => false,
            }
    }
}

/// An article of a service or subscription account (`/cgi-bin/draft/add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexArticle {
    pub id: i64,
    /// The account's appid.
    pub appid: String,
    pub title: String,
    pub digest: String,
}

/// What changed, as recorded in the change log (`search_changes`, kind `app`): an app,
/// its services, its suspension or description, or (accounts) its articles. The app's
/// documents are replaced whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    App(String),
}

impl Change {
    pub fn parse(kind: &str, target: &str) -> Option<Change> {
        match kind {
            "app" => Some(Change::App(target.to_string())),
            _ => None,
        }
    }
}

/// One row of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub seq: i64,
    pub change: Option<Change>,
}

#[async_trait]
pub trait SearchStore: Send + Sync + 'static {
    /// Replaces the app's services with `services` (in order) and records the change,
    /// atomically.
    async fn replace_services(&self, app_id: i64, services: &[Service], now: i64) -> Result<()>;
    /// The app's services, in the order submitted.
    async fn services(&self, app_id: i64) -> Result<Vec<Service>>;
    /// Sets the description indexed with the app's name; records the change.
    async fn set_description(&self, app_id: i64, description: &str, now: i64) -> Result<()>;
    /// Suspends (or lifts the suspension of) an app and records the change; false if
    /// there is no such app.
    async fn set_suspended(&self, app_id: i64, suspended: bool, now: i64) -> Result<bool>;
    async fn is_suspended(&self, app_id: i64) -> Result<bool>;
    /// Apps with an id above `after_id`, by id, at most `limit`, with their services:
    /// the rebuild pages through every app with it.
    async fn index_apps(&self, after_id: i64, limit: i64) -> Result<Vec<IndexApp>>;
    /// One app as the index should see it now, with its services (and, accounts, its
    /// latest articles); `None` if there is no such app.
    async fn index_app(&self, appid: &str) -> Result<Option<IndexApp>>;
    /// Articles with an id above `after_id`, by id: the rebuild pages through them.
    async fn index_articles(&self, after_id: i64, limit: i64) -> Result<Vec<IndexArticle>>;
    /// The highest sequence number of the change log (0 when empty).
    async fn last_change(&self) -> Result<i64>;
    /// Change-log rows after `seq`, in order, at most `limit`.
    async fn changes_after(&self, seq: i64, limit: i64) -> Result<Vec<ChangeRow>>;
    /// One change-log row, if committed.
    async fn change(&self, seq: i64) -> Result<Option<ChangeRow>>;
    /// Removes change-log rows older than `before` (ms).
    async fn prune_changes(&self, before: i64) -> Result<u64>;
    /// Opens (`app_events` of kind `open`) since `since` (ms), per appid.
    async fn opens_since(&self, since: i64) -> Result<Vec<(String, i64)>>;
    /// The baseline `openmini bench search` measures the index against: services whose
    /// title or keywords contain `text` (SQL `LIKE '%text%'`, any case), as
    /// (appid, page, title), at most `limit`.
    async fn like_services(&self, text: &str, limit: i64) -> Result<Vec<(String, String, String)>>;
}
