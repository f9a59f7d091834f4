//! What the reach rules need from storage (implemented by `openmini-store`).

use crate::identity::StoreError;
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateTemplate {
    pub pri_tmpl_id: String,
    pub app_id: i64,
    pub tid: i64,
    /// Keyword ids picked from the public template, in the app's order.
    pub kids: Vec<i64>,
    pub scene_desc: String,
    pub created_at: i64,
}

#[async_trait]
pub trait TemplateStore: Send + Sync + 'static {
    /// Adds the template if the app has fewer than `limit`; false (nothing added) if not.
    async fn add_template(&self, t: &PrivateTemplate, limit: i64) -> Result<bool, StoreError>;
    async fn templates(&self, app_id: i64) -> Result<Vec<PrivateTemplate>, StoreError>;
    async fn template(&self, app_id: i64, pri_tmpl_id: &str) -> Result<Option<PrivateTemplate>, StoreError>;
    /// Deletes the app's template; false if it has none of that id.
    async fn delete_template(&self, app_id: i64, pri_tmpl_id: &str) -> Result<bool, StoreError>;
}

/// One answer of a consent dialog, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub pri_tmpl_id: String,
    /// 2 one-time, 3 long-term.
    pub kind: i64,
    pub accepted: bool,
}

/// What the user allowed an app to send with one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub pri_tmpl_id: String,
    pub kind: i64,
    /// One-time sends left (long-term: unused).
    pub remaining: i64,
    pub active: bool,
}

/// A message to deliver, and the grant it spends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery<'a> {
    pub app_id: i64,
    pub user_id: i64,
    pub pri_tmpl_id: &'a str,
    /// 2: spend one one-time grant; 3: needs an active long-term grant.
    pub kind: i64,
    pub folder: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub page: Option<&'a str>,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    pub id: i64,
    pub app_id: i64,
    pub folder: String,
    pub title: String,
    pub body: String,
    pub page: Option<String>,
    pub created_at: i64,
}

#[async_trait]
pub trait SubscriptionStore: Send + Sync + 'static {
    /// Records a consent dialog: each one-time accept adds one send, a long-term accept
    /// makes the grant standing, a long-term reject ends it.
    async fn record_consent(&self, app_id: i64, user_id: i64, answers: &[Answer], now: i64) -> Result<(), StoreError>;
    async fn grants(&self, app_id: i64, user_id: i64) -> Result<Vec<Grant>, StoreError>;
    /// The user withdraws one template: its sends left drop to zero.
    async fn withdraw(&self, app_id: i64, user_id: i64, pri_tmpl_id: &str, now: i64) -> Result<bool, StoreError>;
    /// The user's switch for all of an app's notifications.
    async fn set_switch(&self, app_id: i64, user_id: i64, off: bool, now: i64) -> Result<(), StoreError>;
    async fn switched_off(&self, app_id: i64, user_id: i64) -> Result<bool, StoreError>;
    /// In one atomic step: spends the grant (one-time) or checks it (long-term), with
    /// the app not switched off, and puts the message in the inbox. `None`: no live
    /// grant, nothing written. `Some(id)`: the message id.
    async fn deliver(&self, d: &Delivery<'_>) -> Result<Option<i64>, StoreError>;
    async fn inbox(&self, user_id: i64, limit: i64) -> Result<Vec<InboxMessage>, StoreError>;
}

/// Why a customer-service send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsRefusal {
    /// No window, or it has closed (45015).
    OutOfTime,
    /// The window is open but its sends are used up (45047).
    OutOfQuota,
}

#[async_trait]
pub trait CustomerServiceStore: Send + Sync + 'static {
    /// A user action: the window restarts with `sends` allowed until `expires_at`
    /// (it replaces whatever was left: windows never add up).
    async fn open_window(&self, app_id: i64, user_id: i64, sends: i64, expires_at: i64, now: i64) -> Result<(), StoreError>;
    /// In one atomic step: spends one send of a live window and delivers the message.
    async fn cs_deliver(&self, d: &Delivery<'_>) -> Result<Result<i64, CsRefusal>, StoreError>;
    /// When the user last acted (for `typing`), if ever.
    async fn last_action(&self, app_id: i64, user_id: i64) -> Result<Option<i64>, StoreError>;
}

/// Why a legacy template send was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRefusal {
    /// Unknown, another app's or user's, or expired (41028).
    Invalid,
    /// Its sends are used up (41029).
    Used,
}

#[async_trait]
pub trait FormGrantStore: Send + Sync + 'static {
    /// Records a form submission or payment that grants `sends` until `expires_at`.
    #[allow(clippy::too_many_arguments)]
    async fn add_form_grant(&self, form_id: &str, app_id: i64, user_id: i64, kind: &str, sends: i64, expires_at: i64) -> Result<(), StoreError>;
    /// In one atomic step: spends one send of the id and delivers the message.
    async fn form_deliver(&self, form_id: &str, d: &Delivery<'_>) -> Result<Result<i64, FormRefusal>, StoreError>;
}
