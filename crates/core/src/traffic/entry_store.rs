//! What the entries of web pages, other apps, shares and service accounts need from
//! storage (implemented by `openmini-store` on SQLite and PostgreSQL). Every limit is
//! one atomic conditional write, so nodes sharing a database agree.

use crate::identity::StoreError;
use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Linked,
    AlreadyLinked,
    /// The app has its limit of links already: nothing was written.
    LimitReached,
}

#[async_trait]
pub trait LaunchStore: Send + Sync + 'static {
    /// In one atomic step: links the mini program to the mobile app if it is not linked
    /// yet and the app has fewer than `limit` links.
    async fn link_app(&self, app_id: i64, miniprogram_id: i64, limit: i64, now: i64) -> Result<LinkOutcome>;
    /// Removes a link (and frees its place); false if there was none.
    async fn unlink_app(&self, app_id: i64, miniprogram_id: i64) -> Result<bool>;
    /// The appids of the mini programs linked to a mobile app, in the order linked.
    async fn app_links(&self, app_id: i64) -> Result<Vec<String>>;
    async fn is_linked(&self, app_id: i64, miniprogram_id: i64) -> Result<bool>;
    /// The appids of the mini programs of a subject, or of an open-platform account
    /// (resolving a `username`, the `gh_…` original id, among them).
    async fn related_miniprograms(&self, subject_id: i64, open_appid: Option<&str>) -> Result<Vec<String>>;
    /// Which mobile app a host app is (the app that launches mini programs in it).
    async fn set_host_mobile_app(&self, host_app_id: i64, app_id: Option<i64>, now: i64) -> Result<()>;
    async fn host_mobile_app(&self, host_app_id: i64) -> Result<Option<i64>>;
    /// Remembers that the user allowed mini program `app_id` to be opened in this host app.
    async fn grant_launch_consent(&self, user_id: i64, host_app_id: i64, app_id: i64, now: i64) -> Result<()>;
    async fn launch_consent(&self, user_id: i64, host_app_id: i64, app_id: i64) -> Result<bool>;
}

/// Where a card was shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareTarget {
    /// A one-to-one chat (scene 1007).
    Chat,
    /// A group (1008; 1044 with a shareTicket).
    Group,
    /// Moments (1154).
    Timeline,
}

impl ShareTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareTarget::Chat => "chat",
            ShareTarget::Group => "group",
            ShareTarget::Timeline => "timeline",
        }
    }

    pub fn parse(s: &str) -> Option<ShareTarget> {
        [ShareTarget::Chat, ShareTarget::Group, ShareTarget::Timeline].into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShare {
    pub app_id: i64,
    pub user_id: i64,
    pub host_app_id: i64,
    pub target: ShareTarget,
    /// The host's id of the chat or group (none for moments).
    pub chat_id: Option<String>,
    pub title: String,
    pub path: String,
    pub image_url: String,
    pub with_ticket: bool,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub id: i64,
    pub app_id: i64,
    pub user_id: i64,
    pub host_app_id: i64,
    pub target: ShareTarget,
    pub chat_id: Option<String>,
    pub title: String,
    pub path: String,
    pub image_url: String,
    pub with_ticket: bool,
    pub created_at: i64,
}

#[async_trait]
pub trait ShareStore: Send + Sync + 'static {
    /// Records a card; returns its id.
    async fn record_share(&self, s: &NewShare) -> Result<i64>;
    async fn share(&self, id: i64) -> Result<Option<Share>>;
    /// How many cards of the app were shared (analytics, tests).
    async fn count_shares(&self, app_id: i64) -> Result<i64>;
}

/// One article of a draft, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    pub title: String,
    pub author: String,
    pub digest: String,
    pub content: String,
    pub content_source_url: String,
    pub thumb_url: String,
    /// The mini program the article links to: (appid, page path with its query).
    pub miniprogram: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    pub id: i64,
    pub app_id: i64,
    pub media_id: String,
    /// Its place in the draft, from 0.
    pub index: i64,
    pub article: Article,
    pub created_at: i64,
}

/// A service or subscription account as the host lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialAccount {
    pub appid: String,
    pub name: String,
    pub kind: String,
}

#[async_trait]
pub trait OfficialStore: Send + Sync + 'static {
    /// Replaces the account's menu (its JSON as `menu/get` gives it back).
    async fn set_menu(&self, app_id: i64, menu: &str, now: i64) -> Result<()>;
    async fn menu(&self, app_id: i64) -> Result<Option<String>>;
    /// False if there was no menu.
    async fn delete_menu(&self, app_id: i64) -> Result<bool>;
    /// Stores a draft's articles, all or none.
    async fn add_draft(&self, app_id: i64, media_id: &str, articles: &[Article], now: i64) -> Result<()>;
    /// A draft's articles in order (empty: no such draft of this app).
    async fn draft(&self, app_id: i64, media_id: &str) -> Result<Vec<StoredArticle>>;
    async fn delete_draft(&self, app_id: i64, media_id: &str) -> Result<bool>;
    /// The account's articles, newest draft first.
    async fn articles(&self, app_id: i64, limit: i64) -> Result<Vec<StoredArticle>>;
    async fn article(&self, id: i64) -> Result<Option<StoredArticle>>;
    /// Service and subscription accounts, by name.
    async fn official_accounts(&self, limit: i64) -> Result<Vec<OfficialAccount>>;
}
