//! What the container's rules need from storage (implemented by `openmini-store`):
//! package versions and their file lists, the bytes of package files (an object store,
//! content-addressed by SHA-256, so S3 can replace the local folder), allowed domains
//! and analytics events.

use crate::identity::StoreError;
use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

/// One file of a deployed bundle: its bundle path (`main/view.js`) and content address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    pub path: String,
    pub sha256: String,
    pub size: i64,
}

/// A version about to be recorded; its number is decided by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion<'a> {
    pub app_id: i64,
    /// SHA-256 of the bundle's `manifest.json`.
    pub manifest_sha256: &'a str,
    /// Bytes of all files of the bundle.
    pub size: i64,
    /// Who or what deployed it (`cli:alice`, `seed`).
    pub created_by: &'a str,
    pub now: i64,
}

/// A deployed version of an app's package. Versions are never changed or deleted:
/// rollback and the store's review need the old ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageVersion {
    pub app_id: i64,
    /// 1, 2, 3, … per app.
    pub version: i64,
    pub manifest_sha256: String,
    pub size: i64,
    pub files: i64,
    pub created_by: String,
    pub created_at: i64,
}

#[async_trait]
pub trait PackageStore: Send + Sync + 'static {
    /// In one atomic step: records a version numbered one more than the app's last,
    /// with its files, and makes it the app's current version.
    async fn create_version(&self, v: &NewVersion<'_>, files: &[PackageFile]) -> Result<PackageVersion>;
    /// Every version of the app, newest first.
    async fn versions(&self, app_id: i64) -> Result<Vec<PackageVersion>>;
    async fn version(&self, app_id: i64, version: i64) -> Result<Option<PackageVersion>>;
    /// The version users of the app run now.
    async fn current_version(&self, app_id: i64) -> Result<Option<PackageVersion>>;
    /// Makes an existing version current (rollback); false if the app has no such version.
    async fn set_current_version(&self, app_id: i64, version: i64, now: i64) -> Result<bool>;
    /// A file of a version, looked up by its exact bundle path.
    async fn package_file(&self, app_id: i64, version: i64, path: &str) -> Result<Option<PackageFile>>;
    /// The catalogue: apps with a current version whose name contains `query` (any
    /// case; all of them for an empty query) or whose appid is `query`, by name.
    async fn deployed_apps(&self, query: &str, limit: i64) -> Result<Vec<DeployedApp>>;
}

/// An app of the catalogue (`GET /client/v1/apps`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployedApp {
    pub appid: String,
    pub name: String,
    pub version: i64,
}

/// The bytes of package files, by SHA-256 (hex). Writing the same content twice is a
/// no-op; content never changes under a name.
#[async_trait]
pub trait PackageFiles: Send + Sync + 'static {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> Result<()>;
    async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
}

/// The three lists of allowed origins of an app, as `wx.request`, `wx.uploadFile` and
/// `wx.downloadFile` use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainKind {
    Request,
    Upload,
    Download,
}

impl DomainKind {
    pub const ALL: [DomainKind; 3] = [DomainKind::Request, DomainKind::Upload, DomainKind::Download];

    pub fn as_str(self) -> &'static str {
        match self {
            DomainKind::Request => "request",
            DomainKind::Upload => "upload",
            DomainKind::Download => "download",
        }
    }

    pub fn parse(s: &str) -> Option<DomainKind> {
        DomainKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppDomains {
    pub request: Vec<String>,
    pub upload: Vec<String>,
    pub download: Vec<String>,
}

impl AppDomains {
    pub fn of(&self, kind: DomainKind) -> &[String] {
        match kind {
            DomainKind::Request => &self.request,
            DomainKind::Upload => &self.upload,
            DomainKind::Download => &self.download,
        }
    }
}

#[async_trait]
pub trait DomainStore: Send + Sync + 'static {
    /// Replaces the app's list of one kind (normalised origins, in order) atomically.
    async fn set_domains(&self, app_id: i64, kind: DomainKind, origins: &[String], now: i64) -> Result<()>;
    async fn domains(&self, app_id: i64) -> Result<AppDomains>;
}

/// An analytics event as checked and about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// `event` (`wx.reportEvent`) or `open` (the mini program was opened).
    pub kind: &'static str,
    /// The event's name; `None` for opens.
    pub name: Option<String>,
    /// The event's data (opens: `{query, referrerInfo}`), as JSON text.
    pub data: String,
    /// Opens: the scene number.
    pub scene: Option<i64>,
    /// Opens: the page path.
    pub path: Option<String>,
    /// When the container says it happened (Unix ms), if it said.
    pub client_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub app_id: i64,
    pub user_id: i64,
    pub kind: String,
    pub name: Option<String>,
    pub data: String,
    pub scene: Option<i64>,
    pub path: Option<String>,
    pub client_at: Option<i64>,
    pub created_at: i64,
}

#[async_trait]
pub trait EventStore: Send + Sync + 'static {
    /// Stores a batch, all or nothing.
    async fn record_events(&self, app_id: i64, user_id: i64, events: &[NewEvent], now: i64) -> Result<()>;
    /// How many events of the app, optionally of one kind and one name.
    async fn count_events(&self, app_id: i64, kind: Option<&str>, name: Option<&str>) -> Result<i64>;
    /// The app's events (optionally one user's), newest first.
    async fn events(&self, app_id: i64, user_id: Option<i64>, limit: i64) -> Result<Vec<StoredEvent>>;
}
