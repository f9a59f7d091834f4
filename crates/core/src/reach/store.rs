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
    /// The message's id as the app sees it (send responses, `MsgID` in events).
    pub msgid: i64,
    /// An event for the app's developer server, queued in the same step as the
    /// delivery (only if the app has a server configured).
    pub event: Option<OutboxEvent>,
}

/// A push to a developer's server, as queued: its kind and canonical JSON payload
/// (WeChat's field names; rendered to XML or JSON on delivery).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub kind: String,
    pub payload: String,
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
    pub read_at: Option<i64>,
    pub clicked_at: Option<i64>,
    pub complained_at: Option<i64>,
    /// The user's own line of a customer-service conversation.
    pub from_user: bool,
}

#[async_trait]
pub trait SubscriptionStore: Send + Sync + 'static {
    /// Records a consent dialog: each one-time accept adds one send, a long-term accept
    /// makes the grant standing, a long-term reject ends it.
    /// `event` (the popup event) is queued in the same step.
    async fn record_consent(&self, app_id: i64, user_id: i64, answers: &[Answer], event: Option<&OutboxEvent>, now: i64) -> Result<(), StoreError>;
    async fn grants(&self, app_id: i64, user_id: i64) -> Result<Vec<Grant>, StoreError>;
    /// The user withdraws one template: its sends left drop to zero; `event` (the
    /// change event) is queued in the same step.
    async fn withdraw(&self, app_id: i64, user_id: i64, pri_tmpl_id: &str, event: Option<&OutboxEvent>, now: i64) -> Result<bool, StoreError>;
    /// The user's switch for all of an app's notifications, with its change event.
    async fn set_switch(&self, app_id: i64, user_id: i64, off: bool, event: Option<&OutboxEvent>, now: i64) -> Result<(), StoreError>;
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
    /// `event` (what the action tells the developer's server) is queued in the same step.
    async fn open_window(&self, app_id: i64, user_id: i64, sends: i64, expires_at: i64, event: Option<&OutboxEvent>, now: i64) -> Result<(), StoreError>;
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

/// The figures an app's weekly allowance is computed from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PushFigures {
    pub sent: i64,
    /// Distinct users who received a push.
    pub recipients: i64,
    pub clicks: i64,
    /// Clicks on pushes the user did not complain about.
    pub effective_clicks: i64,
    pub complaints: i64,
    /// Users who refused further pushes in the period.
    pub refusals: i64,
}

/// Why a push was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushRefusal {
    /// Not in the user's "My mini programs", or the user refused the app's pushes.
    NotAdded,
    /// The user has had this week's allowance.
    AllowanceUsed,
}

#[async_trait]
pub trait PushStore: Send + Sync + 'static {
    async fn add_my_app(&self, user_id: i64, app_id: i64, now: i64) -> Result<(), StoreError>;
    async fn remove_my_app(&self, user_id: i64, app_id: i64) -> Result<bool, StoreError>;
    /// (app id, added at), most recent first.
    async fn my_apps(&self, user_id: i64) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Refuses (or allows again) the app's pushes for the user.
    async fn set_push_refusal(&self, app_id: i64, user_id: i64, refused: bool, now: i64) -> Result<(), StoreError>;
    /// (added to My mini programs, refused its pushes).
    async fn push_state(&self, app_id: i64, user_id: i64) -> Result<(bool, bool), StoreError>;
    async fn allowance(&self, app_id: i64, week: i64) -> Result<Option<crate::reach::push::Allowance>, StoreError>;
    async fn latest_allowance_before(&self, app_id: i64, week: i64) -> Result<Option<i64>, StoreError>;
    /// Stores the week's allowance unless one is there already (first writer wins).
    async fn put_allowance(&self, app_id: i64, a: &crate::reach::push::Allowance, now: i64) -> Result<(), StoreError>;
    /// Figures of the app's pushes created in `[from, to)`.
    async fn push_figures(&self, app_id: i64, from: i64, to: i64) -> Result<PushFigures, StoreError>;
    /// In one atomic step: checks the user added the app and did not refuse it, counts
    /// the push against `allowance` for `week`, and delivers it.
    async fn push_deliver(&self, d: &Delivery<'_>, week: i64, allowance: i64) -> Result<Result<i64, PushRefusal>, StoreError>;
    async fn pushes_in_week(&self, app_id: i64, user_id: i64, week: i64) -> Result<i64, StoreError>;
}

/// Which messages of the inbox a query or a change is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxFilter {
    /// `service`, `push` or `customer_service`; `None`: all.
    pub folder: Option<String>,
    /// Only this app's.
    pub app_id: Option<i64>,
    /// Ids below this (paging backwards).
    pub before: Option<i64>,
    /// Ids above this (new messages since).
    pub after: Option<i64>,
}

/// What the user did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    Read,
    Clicked,
    Complained,
}

#[async_trait]
pub trait InboxStore: Send + Sync + 'static {
    async fn inbox_messages(&self, user_id: i64, filter: &InboxFilter, limit: i64) -> Result<Vec<InboxMessage>, StoreError>;
    async fn inbox_message(&self, user_id: i64, id: i64) -> Result<Option<InboxMessage>, StoreError>;
    /// Unread messages per folder.
    async fn unread(&self, user_id: i64) -> Result<Vec<(String, i64)>, StoreError>;
    /// Records a reaction to one message (the first time counts; a click also reads it).
    async fn react(&self, user_id: i64, id: i64, reaction: Reaction, now: i64) -> Result<bool, StoreError>;
    /// Marks read every message of the folder (all folders: `None`) up to `up_to`.
    async fn mark_all_read(&self, user_id: i64, folder: Option<&str>, up_to: i64, now: i64) -> Result<u64, StoreError>;
    /// The user writes to an app's customer service: the line joins the conversation,
    /// the 48-hour window opens and the developer's server gets the message, atomically.
    async fn user_wrote(&self, d: &Delivery<'_>, sends: i64, expires_at: i64) -> Result<i64, StoreError>;
}

/// A developer server's configuration, as stored (token and key encrypted at rest).
#[derive(Clone, PartialEq, Eq)]
pub struct ServerConfig {
    pub app_id: i64,
    pub url: String,
    pub token_enc: String,
    pub aes_key_enc: Option<String>,
    /// `json` or `xml`.
    pub format: String,
    /// `plain`, `compatible` or `safe`.
    pub mode: String,
    pub verified_at: i64,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("app_id", &self.app_id)
            .field("url", &self.url)
            .field("token_enc", &"[redacted]")
            .field("aes_key_enc", &"[redacted]")
            .field("format", &self.format)
            .field("mode", &self.mode)
            .finish()
    }
}

/// One queued push and what became of it so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub app_id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered { status: i64 },
    Retry { next_at: i64, status: Option<i64>, error: String },
    Dead { status: Option<i64>, error: String },
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    async fn set_server(&self, c: &ServerConfig, now: i64) -> Result<(), StoreError>;
    async fn server(&self, app_id: i64) -> Result<Option<ServerConfig>, StoreError>;
    async fn remove_server(&self, app_id: i64) -> Result<bool, StoreError>;
    /// Queues an event if the app has a server configured; the id, if queued.
    async fn enqueue(&self, app_id: i64, e: &OutboxEvent, now: i64) -> Result<Option<i64>, StoreError>;
    /// Leases up to `limit` due items until `lease_until` (another node skips them).
    async fn claim_due(&self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxItem>, StoreError>;
    async fn record_attempt(&self, id: i64, attempt: &Attempt, now: i64) -> Result<(), StoreError>;
    /// The app's delivery log, newest first.
    async fn deliveries(&self, app_id: i64, limit: i64) -> Result<Vec<OutboxItem>, StoreError>;
}

/// A fan-out job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub app_id: i64,
    /// `push` or `subscribe`.
    pub kind: String,
    /// The checked message (JSON).
    pub payload: String,
    /// `running` or `done`.
    pub state: String,
    /// Users up to this id are done.
    pub cursor_user: i64,
    pub sent: i64,
    pub skipped: i64,
    pub failed: i64,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

/// One batch of a campaign: users in `(lo, hi]`, and the message.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    pub campaign: &'a Campaign,
    pub lo: i64,
    pub hi: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub page: Option<&'a str>,
    pub now: i64,
    pub lease_until: i64,
}

#[async_trait]
pub trait CampaignStore: Send + Sync + 'static {
    async fn create_campaign(&self, app_id: i64, kind: &str, payload: &str, now: i64) -> Result<i64, StoreError>;
    async fn campaign(&self, id: i64) -> Result<Option<Campaign>, StoreError>;
    /// Takes a running campaign whose lease has run out (crashed or new) until `lease_until`.
    async fn claim_campaign(&self, now: i64, lease_until: i64) -> Result<Option<Campaign>, StoreError>;
    /// The last user id of the next batch of at most `size` users of the app after `after`.
    async fn batch_end(&self, app_id: i64, after: i64, size: i64) -> Result<Option<i64>, StoreError>;
    /// A push batch, atomically with moving the cursor from `lo` to `hi`; false if the
    /// cursor was not at `lo` (another node took the campaign over).
    async fn push_batch(&self, b: &Batch<'_>, week: i64, allowance: i64) -> Result<bool, StoreError>;
    async fn subscribe_batch(&self, b: &Batch<'_>, pri_tmpl_id: &str) -> Result<bool, StoreError>;
    /// A batch that failed for good: its users count as failed, the cursor moves on.
    async fn fail_batch(&self, b: &Batch<'_>) -> Result<bool, StoreError>;
    async fn finish_campaign(&self, id: i64, now: i64) -> Result<(), StoreError>;
}
