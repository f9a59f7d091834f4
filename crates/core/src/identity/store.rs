//! What the identity rules need from storage. Implemented by `openmini-store` on SQLite
//! and PostgreSQL with the same behaviour; every method that decides a quota or a
//! single use is one atomic conditional write, so nodes sharing a database agree.

use super::model::*;
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// From `/cgi-bin/token`.
    Token,
    /// From `/cgi-bin/stable_token`.
    Stable,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Token => "token",
            TokenKind::Stable => "stable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub app_id: i64,
    pub expires_at: i64,
    /// Cut short because a newer token replaced it (answers "not latest", 40001,
    /// rather than "expired", 42001).
    pub replaced: bool,
}

/// Everything a successful `jscode2session` writes, done atomically by
/// [`IdentityStore::complete_login`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRedemption<'a> {
    pub code_key: &'a str,
    pub code_expires_at: i64,
    pub rate_key: &'a str,
    pub rate_window: i64,
    pub rate_window_ends: i64,
    pub rate_limit: i64,
    pub app_id: i64,
    pub user_id: i64,
    pub openid: &'a str,
    pub session_key_enc: &'a str,
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Done,
    CodeUsed,
    RateLimited,
    /// The user is blocked (or gone): nothing was written, the code is not spent.
    Blocked,
}

/// An app's current stable token (one row per app), encrypted at rest so normal mode
/// can hand the same token out again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StableToken {
    pub token_enc: String,
    pub issued_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceRefresh {
    Allowed,
    TooSoon,
    DailyLimit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindOutcome {
    Bound,
    AlreadyBound,
    LimitReached,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApp {
    pub appid: String,
    pub subject_id: i64,
    pub kind: AppKind,
    pub name: String,
    pub secret_hash: String,
    pub open_appid: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSession {
    pub user_id: i64,
    pub host_app_id: i64,
    pub expires_at: i64,
}

#[async_trait]
pub trait IdentityStore: Send + Sync + 'static {
    /// The platform master key: stores `candidate` if none is stored yet, and returns
    /// whichever key is stored (so concurrent first starts agree).
    async fn master_key(&self, candidate: &[u8; 32]) -> Result<[u8; 32]>;

    async fn create_subject(&self, name: &str, now: i64) -> Result<Subject>;
    async fn subject(&self, id: i64) -> Result<Option<Subject>>;
    async fn count_subjects(&self) -> Result<i64>;

    /// Creates the account and, with `bind_app`, binds that (unbound) app to it in the
    /// same step: `AlreadyBound` creates nothing.
    async fn create_open_account(&self, account: &OpenAccount, bind_app: Option<i64>) -> Result<BindOutcome>;
    async fn open_account(&self, open_appid: &str) -> Result<Option<OpenAccount>>;

    /// Creates the app, bound to `app.open_appid` if set, in one step: `None` if that
    /// account already has `bind_limit` apps (nothing is created).
    async fn create_app(&self, app: &NewApp, bind_limit: i64) -> Result<Option<App>>;
    async fn app_by_appid(&self, appid: &str) -> Result<Option<App>>;
    async fn app_by_id(&self, id: i64) -> Result<Option<App>>;
    async fn list_apps(&self) -> Result<Vec<App>>;
    async fn set_app_secret(&self, app_id: i64, secret_hash: &str) -> Result<()>;
    /// Binds the app if it is unbound and the account has fewer than `limit` apps.
    async fn bind_app(&self, app_id: i64, open_appid: &str, limit: i64) -> Result<BindOutcome>;
    /// Unbinds the app if it is bound to `open_appid`; false otherwise.
    async fn unbind_app(&self, app_id: i64, open_appid: &str) -> Result<bool>;

    async fn create_host_app(&self, name: &str, now: i64) -> Result<HostApp>;
    async fn host_app(&self, id: i64) -> Result<Option<HostApp>>;
    async fn list_host_apps(&self) -> Result<Vec<HostApp>>;

    /// Claims a one-time platform task (e.g. seeding the demo): true for exactly one
    /// caller across all nodes.
    async fn claim_once(&self, task: &str, now: i64) -> Result<bool>;

    async fn create_user(&self, country_code: i64, phone: &str, name: &str, now: i64) -> Result<User>;
    async fn user(&self, id: i64) -> Result<Option<User>>;
    async fn user_by_phone(&self, country_code: i64, phone: &str) -> Result<Option<User>>;
    /// Blocking also ends the user's client sessions.
    async fn set_user_blocked(&self, id: i64, blocked: bool) -> Result<bool>;

    async fn insert_token(&self, hash: &str, app_id: i64, kind: TokenKind, expires_at: i64) -> Result<()>;
    /// Every token of the app and kind, other than `keep`, that expires before
    /// `older_than` and outlives `cap_at` now expires at `cap_at` and counts as
    /// replaced. With `older_than` = the new token's expiry, tokens issued in the same
    /// instant (concurrent calls) do not cut each other short. Returns how many.
    async fn cap_tokens(&self, app_id: i64, kind: TokenKind, cap_at: i64, older_than: i64, keep: &str) -> Result<u64>;
    /// Removes one token (a stable token that lost a renewal race).
    async fn revoke_token(&self, hash: &str) -> Result<()>;
    async fn token(&self, hash: &str) -> Result<Option<TokenRecord>>;
    async fn current_stable(&self, app_id: i64) -> Result<Option<StableToken>>;
    /// Makes `new` the app's stable token if there is none or the current one expires
    /// at or before `renew_before`. True if it replaced.
    async fn replace_stable_if(&self, app_id: i64, new: &StableToken, renew_before: i64) -> Result<bool>;
    /// Counts one force refresh if the last was at or before `not_after_last` and fewer
    /// than `per_day` were made on `day`.
    async fn take_force_refresh(
        &self,
        app_id: i64,
        day: i64,
        now: i64,
        not_after_last: i64,
        per_day: i64,
    ) -> Result<ForceRefresh>;

    /// Records a single use of `key`; false if it was used before.
    async fn redeem(&self, key: &str, expires_at: i64) -> Result<bool>;
    /// Adds one hit to the fixed window `window` of `key`; returns the count including
    /// it. The row may be pruned after `expires_at`.
    async fn hit(&self, key: &str, window: i64, expires_at: i64) -> Result<i64>;

    /// In one atomic step: if the user exists unblocked and the rate window has room
    /// below `rate_limit`, counts the call, then spends the code if unused, then sets
    /// the (app, user) session if it was spent. A full window or a blocked user changes
    /// nothing; a used code is counted as a call but changes nothing else.
    async fn complete_login(&self, r: &LoginRedemption<'_>) -> Result<LoginOutcome>;

    async fn app_user_by_openid(&self, app_id: i64, openid: &str) -> Result<Option<AppUser>>;
    async fn app_user(&self, app_id: i64, user_id: i64) -> Result<Option<AppUser>>;
    /// The user behind an openid of the app (sends resolve every recipient this way).
    async fn app_user_id(&self, app_id: i64, openid: &str) -> Result<Option<i64>> {
        Ok(self.app_user_by_openid(app_id, openid).await?.map(|u| u.user_id))
    }

    /// Replaces any pending sign-in challenge of this phone.
    async fn put_signin_challenge(&self, phone_key: &str, code_hash: &str, expires_at: i64) -> Result<()>;
    /// Spends one attempt on the phone's live challenge; consumes it and returns true if
    /// `code_hash` matches. No live challenge or attempts used up: false.
    async fn attempt_signin(&self, phone_key: &str, code_hash: &str, now: i64, max_attempts: i64) -> Result<bool>;
    async fn create_client_session(&self, token_hash: &str, s: &ClientSession) -> Result<()>;
    async fn client_session(&self, token_hash: &str) -> Result<Option<ClientSession>>;
    async fn delete_client_session(&self, token_hash: &str) -> Result<()>;

    /// Deletes what has expired (tokens, code ledger, old rate windows). Returns rows removed.
    async fn prune(&self, now: i64) -> Result<u64>;
}
