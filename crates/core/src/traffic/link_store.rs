//! What links and codes need from storage (implemented by `openmini-store`). Every
//! quota is a counter decided by one atomic conditional write in the same step as what
//! it pays for, so nodes sharing a database agree and a refused request stores nothing.

use crate::container::store::NewEvent;
use crate::identity::StoreError;
use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Links that are stored rows with a random code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `weixin://dl/business/?t=<code>` (generatescheme).
    Scheme,
    /// `<origin>/l/<code>` (generate_urllink).
    UrlLink,
    /// `#小程序://<name>/<code>` (genwxashortlink).
    ShortLink,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Scheme, LinkKind::UrlLink, LinkKind::ShortLink];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Scheme => "scheme",
            LinkKind::UrlLink => "urllink",
            LinkKind::ShortLink => "shortlink",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        LinkKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Codes that are stored rows (the limited kinds); unlimited codes carry their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// A mini-program code (getwxacode): scenes 1047 / 1048 / 1049.
    WxaCode,
    /// A QR code (createwxaqrcode): scenes 1011 / 1012 / 1013.
    QrCode,
}

impl CodeKind {
    pub const ALL: [CodeKind; 2] = [CodeKind::WxaCode, CodeKind::QrCode];

    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::WxaCode => "wxacode",
            CodeKind::QrCode => "qrcode",
        }
    }

    pub fn parse(s: &str) -> Option<CodeKind> {
        CodeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A counter that must stay below `limit` in `window` (a day number, a second, or 0
/// for "ever"). A newer window starts the count again; an older one (a node whose
/// clock is behind) counts in the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub name: &'static str,
    pub window: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub code: String,
    pub app_id: i64,
    pub kind: LinkKind,
    /// The page (`""`: the home page), without a leading `/` or a query.
    pub path: String,
    /// The query string handed to the page.
    pub query: String,
    pub env_version: String,
    /// Short links: the title shown with the link.
    pub title: String,
    /// Unix ms; `None`: permanent (short links only).
    pub expire_at: Option<i64>,
    pub created_at: i64,
}

/// The opens of a link or a limited code: how many, and the last visitor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opens {
    pub count: i64,
    pub last_user_id: Option<i64>,
    pub last_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub link: NewLink,
    pub opens: Opens,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    pub id: String,
    pub app_id: i64,
    pub kind: CodeKind,
    pub path: String,
    pub query: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    pub code: NewCode,
    pub opens: Opens,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeOutcome {
    /// A new row, counted against the quota.
    Created,
    /// The app already had this code (same kind, page and query): that row, nothing
    /// counted.
    Existing(StoredCode),
    /// The quota is used up; nothing stored.
    Refused,
}

/// What an open was of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenTarget<'a> {
    Link(&'a str),
    Code(&'a str),
    /// Plain schemes and unlimited codes: no row.
    Nothing,
}

/// An open to record, in one step: the quota (if any) counted, the link's or code's
/// opens, and the app's analytics event.
#[derive(Debug, Clone)]
pub struct OpenRecord<'a> {
    pub app_id: i64,
    pub user_id: i64,
    pub target: OpenTarget<'a>,
    pub quota: Option<Quota>,
    pub event: &'a NewEvent,
    pub now: i64,
}

#[async_trait]
pub trait LinkStore: Send + Sync + 'static {
    /// Counts every quota and stores the link, in one atomic step. `Some(i)`: quota `i`
    /// was full and nothing was stored or counted.
    async fn create_link(&self, link: &NewLink, quotas: &[Quota]) -> Result<Option<usize>>;
    async fn link(&self, code: &str) -> Result<Option<StoredLink>>;
    /// Stores a limited code unless the app has one of this kind, page and query,
    /// counting it against `quota` in the same step.
    async fn create_code(&self, code: &NewCode, quota: &Quota) -> Result<CodeOutcome>;
    async fn code(&self, id: &str) -> Result<Option<StoredCode>>;
    /// Records an open in one atomic step; false when the quota was full (nothing
    /// written).
    async fn record_open(&self, open: &OpenRecord<'_>) -> Result<bool>;
    /// How much of a quota's window is used.
    async fn quota_used(&self, app_id: i64, name: &str, window: i64) -> Result<i64>;
}
