//! The identity rules: tokens, login, phone numbers, open-platform accounts, and the
//! client sign-in the host shell uses. Every method returns an [`ApiError`] from the one
//! table of codes.

use super::codes::{self, CodeClaims, CodeKind};
use super::model::*;
use super::policy::Policy;
use super::store::{
    BindOutcome, ClientSession, ForceRefresh, IdentityStore, LoginOutcome, LoginRedemption, NewApp, StableToken, StoreError,
    TokenKind,
};
use super::tokens::{new_token, token_hash};
use crate::clock::Clock;
use crate::error::{ApiError, Code};
use crate::keys::{self, ct_eq, is_appid, sha256_hex, Keys};
use crate::wxa_crypto;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use std::sync::Arc;

pub type ApiResult<T> = Result<T, ApiError>;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => ApiError::with(Code::InvalidArgs, format!("{what} already exists")),
            // The detail stays in our logs, not in the client's errmsg.
            StoreError::Unavailable(_) => ApiError::new(Code::SystemBusy),
        }
    }
}

/// Apps bound to one open-platform account at most (89004 past it).
pub const OPEN_ACCOUNT_BIND_LIMIT: i64 = 100;
/// A client (host app) session lasts 30 days.
pub const CLIENT_SESSION_TTL_MS: i64 = 30 * 86_400_000;
/// A demo sign-in code lives 5 minutes and allows 5 attempts.
pub const SIGNIN_CODE_TTL_MS: i64 = 300_000;
pub const SIGNIN_MAX_ATTEMPTS: i64 = 5;
/// How long a tap proof stays usable.
pub const TAP_TTL_MS: i64 = 10_000;
/// Sign-in codes one phone number may request per hour.
pub const SIGNIN_STARTS_PER_HOUR: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub openid: String,
    pub session_key: String,
    pub unionid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneInfo {
    pub phone_number: String,
    pub pure_phone_number: String,
    pub country_code: i64,
    pub timestamp: i64,
    pub appid: String,
}

/// What `wx.getUserProfile` / `wx.getUserInfo` returns to a mini program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub user_info: serde_json::Value,
    pub raw_data: String,
    pub signature: String,
    pub encrypted_data: String,
    pub iv: String,
}

#[derive(Clone)]
pub struct Identity {
    store: Arc<dyn IdentityStore>,
    clock: Arc<dyn Clock>,
    // Shared: the expanded AES key schedules are large and every request clones us.
    keys: Arc<Keys>,
    policy: Policy,
}

/// The secret a caller presented, checked against the stored hash.
enum SecretCheck {
    Ok,
    Malformed,
    Wrong,
}

fn check_secret(app: &App, secret: &str) -> SecretCheck {
    if secret.len() != 32 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return SecretCheck::Malformed;
    }
    if ct_eq(sha256_hex(secret.as_bytes()).as_bytes(), app.secret_hash.as_bytes()) {
        SecretCheck::Ok
    } else {
        SecretCheck::Wrong
    }
}

impl Identity {
    /// Loads (or, on first start, creates) the platform key from the store.
    pub async fn open(
        store: Arc<dyn IdentityStore>,
        clock: Arc<dyn Clock>,
        policy: Policy,
    ) -> Result<Self, StoreError> {
        let master = store.master_key(&keys::random_bytes::<32>()).await?;
        Ok(Identity { store, clock, keys: Arc::new(Keys::from_master(&master)), policy })
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn store(&self) -> &Arc<dyn IdentityStore> {
        &self.store
    }

    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    // ---- apps and credentials -------------------------------------------------------

    /// The app named by an `appid` parameter: 41002 when absent, 40013 when unknown.
    pub async fn app_param(&self, appid: Option<&str>) -> ApiResult<App> {
        let appid = appid.filter(|a| !a.is_empty()).ok_or(Code::AppidMissing)?;
        if !is_appid(appid) {
            return Err(Code::InvalidAppid.into());
        }
        self.store.app_by_appid(appid).await?.ok_or_else(|| Code::InvalidAppid.into())
    }

    /// The app holding a live access token: 41001 absent, 40001 unknown, 42001 expired.
    pub async fn authenticate(&self, access_token: Option<&str>) -> ApiResult<App> {
        let token = access_token.filter(|t| !t.is_empty()).ok_or(Code::AccessTokenMissing)?;
        if token.len() > 512 {
            return Err(Code::InvalidCredential.into());
        }
        let rec = self.store.token(&token_hash(token)).await?.ok_or(Code::InvalidCredential)?;
        if rec.expires_at <= self.now() {
            return Err(if rec.replaced {
                ApiError::with(Code::InvalidCredential, "a newer token replaced this one")
            } else {
                Code::AccessTokenExpired.into()
            });
        }
        self.store.app_by_id(rec.app_id).await?.ok_or_else(|| Code::InvalidCredential.into())
    }

    /// `GET /cgi-bin/token`: a new token; the previous ones stay valid for the overlap.
    pub async fn issue_token(
        &self,
        grant_type: Option<&str>,
        appid: Option<&str>,
        secret: Option<&str>,
    ) -> ApiResult<IssuedToken> {
        let app = self.credentials(grant_type, "client_credential", appid, secret).await?;
        let now = self.now();
        let token = new_token();
        let expires_at = now + self.policy.token_ttl_secs * 1000;
        let hash = token_hash(&token);
        self.store.insert_token(&hash, app.id, TokenKind::Token, expires_at).await?;
        self.store
            .cap_tokens(app.id, TokenKind::Token, now + self.policy.token_overlap_secs * 1000, expires_at, &hash)
            .await?;
        Ok(IssuedToken { access_token: token, expires_in: self.policy.token_ttl_secs })
    }

    /// `POST /cgi-bin/stable_token`: independent of `/cgi-bin/token`. Normal mode returns
    /// the current token while it has more than the overlap left; `force_refresh`
    /// replaces it at once, at most N a day and M seconds apart.
    pub async fn stable_token(
        &self,
        grant_type: Option<&str>,
        appid: Option<&str>,
        secret: Option<&str>,
        force_refresh: bool,
    ) -> ApiResult<IssuedToken> {
        let app = self.credentials(grant_type, "client_credential", appid, secret).await?;
        let now = self.now();
        let overlap = self.policy.token_overlap_secs * 1000;
        if force_refresh {
            let not_after = now - self.policy.stable_force_interval_secs * 1000;
            match self
                .store
                .take_force_refresh(app.id, self.policy.day_of(now), now, not_after, self.policy.stable_force_per_day)
                .await?
            {
                ForceRefresh::Allowed => {}
                ForceRefresh::TooSoon => {
                    return Err(ApiError::with(
                        Code::MinuteQuota,
                        format!("force_refresh at most once per {}s", self.policy.stable_force_interval_secs),
                    ))
                }
                ForceRefresh::DailyLimit => {
                    return Err(ApiError::with(
                        Code::DailyQuota,
                        format!("force_refresh at most {} times a day", self.policy.stable_force_per_day),
                    ))
                }
            }
            let issued = self.new_stable(&app, now, i64::MAX).await?;
            // Every other stable token stops working now.
            let keep = token_hash(&issued.access_token);
            self.store.cap_tokens(app.id, TokenKind::Stable, now, i64::MAX, &keep).await?;
            return Ok(issued);
        }
        if let Some(cur) = self.store.current_stable(app.id).await? {
            if cur.expires_at - overlap > now {
                if let Some(token) = self.keys.decrypt_at_rest(&cur.token_enc) {
                    let token = String::from_utf8(token).map_err(|_| Code::SystemBusy)?;
                    return Ok(IssuedToken { access_token: token, expires_in: (cur.expires_at - now) / 1000 });
                }
            }
        }
        self.new_stable(&app, now, now + overlap).await
    }

    /// Issues a stable token and makes it current if the current one expires at or
    /// before `renew_before`; if another node renewed first, returns that node's token.
    async fn new_stable(&self, app: &App, now: i64, renew_before: i64) -> ApiResult<IssuedToken> {
        let token = new_token();
        let hash = token_hash(&token);
        let expires_at = now + self.policy.token_ttl_secs * 1000;
        self.store.insert_token(&hash, app.id, TokenKind::Stable, expires_at).await?;
        let st = StableToken { token_enc: self.keys.encrypt_at_rest(token.as_bytes()), issued_at: now, expires_at };
        if self.store.replace_stable_if(app.id, &st, renew_before).await? {
            return Ok(IssuedToken { access_token: token, expires_in: self.policy.token_ttl_secs });
        }
        // Lost the race: retire ours, hand out the winner's.
        self.store.revoke_token(&hash).await?;
        let cur = self.store.current_stable(app.id).await?.ok_or(Code::SystemBusy)?;
        let plain = self.keys.decrypt_at_rest(&cur.token_enc).ok_or(Code::SystemBusy)?;
        Ok(IssuedToken {
            access_token: String::from_utf8(plain).map_err(|_| Code::SystemBusy)?,
            expires_in: (cur.expires_at - now) / 1000,
        })
    }

    /// Checks grant_type, appid and secret, in the platform's order of errors.
    async fn credentials(
        &self,
        grant_type: Option<&str>,
        expected_grant: &str,
        appid: Option<&str>,
        secret: Option<&str>,
    ) -> ApiResult<App> {
        if grant_type != Some(expected_grant) {
            return Err(Code::InvalidGrantType.into());
        }
        let app = self.app_param(appid).await?;
        let secret = secret.filter(|s| !s.is_empty()).ok_or(Code::AppsecretMissing)?;
        match check_secret(&app, secret) {
            SecretCheck::Ok => Ok(app),
            SecretCheck::Malformed => Err(Code::InvalidAppsecret.into()),
            // The platform answers a well-formed but wrong secret with 40001.
            SecretCheck::Wrong => Err(ApiError::with(Code::InvalidCredential, "appsecret does not match appid")),
        }
    }

    // ---- login -------------------------------------------------------------------------

    /// A fresh `wx.login` code for a signed-in user of a mini program.
    pub async fn mint_login_code(&self, appid: &str, user_id: i64) -> ApiResult<String> {
        self.check_user(user_id).await?;
        self.mint(CodeKind::Login, appid, user_id).await
    }

    /// A fresh phone-number consent code (the user pressed "allow" on the phone button).
    pub async fn mint_phone_code(&self, appid: &str, user_id: i64) -> ApiResult<String> {
        self.check_user(user_id).await?;
        self.mint(CodeKind::Phone, appid, user_id).await
    }

    /// `wx.login` in the container: the live client session already vouches for the
    /// user (sessions are made for unblocked users and deleted when one is blocked), so
    /// minting touches no table; the exchange checks the user again, atomically.
    pub async fn session_login_code(&self, appid: &str, session: &ClientSession) -> ApiResult<String> {
        self.mint(CodeKind::Login, appid, session.user_id).await
    }

    pub async fn session_phone_code(&self, appid: &str, session: &ClientSession) -> ApiResult<String> {
        self.mint(CodeKind::Phone, appid, session.user_id).await
    }

    /// A tap proof for the session's user in this app (lives [`TAP_TTL_MS`]).
    pub async fn mint_tap(&self, appid: &str, session: &ClientSession) -> ApiResult<String> {
        let app = self.app_param(Some(appid)).await?;
        Ok(codes::mint(&self.keys, CodeKind::Tap, CodeClaims { app_id: app.id, user_id: session.user_id, issued_at_ms: self.now() }))
    }

    /// Spends a tap proof: it must be this user's, in this app, fresh and unused.
    pub async fn spend_tap(&self, app: &App, user_id: i64, tap: &str) -> ApiResult<()> {
        let bad = || ApiError::with(Code::InvalidArgs, "a consent dialog must follow a user tap");
        let claims = codes::open(&self.keys, CodeKind::Tap, tap).ok_or_else(bad)?;
        let expires_at = claims.issued_at_ms + TAP_TTL_MS;
        if claims.app_id != app.id || claims.user_id != user_id || expires_at <= self.now() {
            return Err(bad());
        }
        if !self.store.redeem(&codes::ledger_key(tap, expires_at), expires_at).await? {
            return Err(bad());
        }
        Ok(())
    }

    async fn check_user(&self, user_id: i64) -> ApiResult<()> {
        let user = self.store.user(user_id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such user"))?;
        if user.blocked {
            return Err(Code::HighRiskUser.into());
        }
        Ok(())
    }

    async fn mint(&self, kind: CodeKind, appid: &str, user_id: i64) -> ApiResult<String> {
        let app = self.app_param(Some(appid)).await?;
        if kind == CodeKind::Login && app.kind != AppKind::Miniprogram {
            return Err(ApiError::with(Code::InvalidAppid, "wx.login codes are for mini programs"));
        }
        Ok(codes::mint(&self.keys, kind, CodeClaims { app_id: app.id, user_id, issued_at_ms: self.now() }))
    }

    /// Opens a code for `app` and spends it: 40029 for anything not a live code of this
    /// app, 40163 if it was used before.
    async fn spend(&self, kind: CodeKind, app: &App, code: &str) -> ApiResult<CodeClaims> {
        let claims = codes::open(&self.keys, kind, code).ok_or(Code::InvalidCode)?;
        let expires_at = claims.issued_at_ms + self.policy.code_ttl_secs * 1000;
        if claims.app_id != app.id || expires_at <= self.now() {
            return Err(Code::InvalidCode.into());
        }
        if !self.store.redeem(&codes::ledger_key(code, expires_at), expires_at).await? {
            return Err(Code::CodeBeenUsed.into());
        }
        Ok(claims)
    }

    /// `GET /sns/jscode2session`.
    pub async fn code_to_session(
        &self,
        appid: Option<&str>,
        secret: Option<&str>,
        js_code: Option<&str>,
        grant_type: Option<&str>,
    ) -> ApiResult<Session> {
        let app = self.app_param(appid).await?;
        let secret = secret.filter(|s| !s.is_empty()).ok_or(Code::AppsecretMissing)?;
        if !matches!(check_secret(&app, secret), SecretCheck::Ok) {
            return Err(Code::InvalidAppsecret.into());
        }
        if grant_type.is_some_and(|g| g != "authorization_code") {
            return Err(Code::InvalidGrantType.into());
        }
        let code = js_code.filter(|c| !c.is_empty()).ok_or(Code::CodeMissing)?;
        let claims = codes::open(&self.keys, CodeKind::Login, code).ok_or(Code::InvalidCode)?;
        let now = self.now();
        let code_expires_at = claims.issued_at_ms + self.policy.code_ttl_secs * 1000;
        if claims.app_id != app.id || code_expires_at <= now {
            return Err(Code::InvalidCode.into());
        }
        // The user is checked (exists, not blocked) inside the atomic login script.
        let user_id = claims.user_id;
        let openid = self.keys.openid(&app.appid, user_id);
        let session_key = STANDARD.encode(keys::random_bytes::<16>());
        let window = now / 60_000;
        let outcome = self
            .store
            .complete_login(&LoginRedemption {
                code_key: &codes::ledger_key(code, code_expires_at),
                code_expires_at,
                rate_key: &format!("c2s:{}:{}", app.id, user_id),
                rate_window: window,
                rate_window_ends: (window + 1) * 60_000,
                rate_limit: self.policy.code2session_per_minute,
                app_id: app.id,
                user_id,
                openid: &openid,
                session_key_enc: &self.keys.encrypt_at_rest(session_key.as_bytes()),
                now,
            })
            .await?;
        match outcome {
            LoginOutcome::Done => {}
            LoginOutcome::CodeUsed => return Err(Code::CodeBeenUsed.into()),
            LoginOutcome::RateLimited => return Err(Code::MinuteQuota.into()),
            LoginOutcome::Blocked => return Err(Code::HighRiskUser.into()),
        }
        let unionid = app.open_appid.as_deref().map(|o| self.keys.unionid(o, user_id));
        Ok(Session { openid, session_key, unionid })
    }

    /// The current session key of (app, user), if the app's backend exchanged a code.
    async fn session_key(&self, au: &AppUser) -> ApiResult<Option<String>> {
        let Some(enc) = &au.session_key_enc else { return Ok(None) };
        let plain = self.keys.decrypt_at_rest(enc).ok_or(Code::SystemBusy)?;
        Ok(Some(String::from_utf8(plain).map_err(|_| Code::SystemBusy)?))
    }

    /// `GET /wxa/checksession`: is `signature` made with the user's current session key?
    pub async fn check_session(
        &self,
        access_token: Option<&str>,
        openid: Option<&str>,
        signature: Option<&str>,
        sig_method: Option<&str>,
    ) -> ApiResult<()> {
        let app = self.authenticate(access_token).await?;
        let openid = openid.filter(|o| !o.is_empty()).ok_or(Code::InvalidOpenid)?;
        if sig_method != Some("hmac_sha256") {
            return Err(ApiError::with(Code::InvalidArgs, "sig_method must be hmac_sha256"));
        }
        let signature = signature.ok_or(Code::InvalidSignature)?;
        if openid.len() > 64 {
            return Err(Code::InvalidOpenid.into());
        }
        let au = self.store.app_user_by_openid(app.id, openid).await?.ok_or(Code::InvalidOpenid)?;
        let key = self.session_key(&au).await?.ok_or(Code::InvalidSignature)?;
        let expected = wxa_crypto::session_signature(&key);
        if ct_eq(expected.as_bytes(), signature.to_ascii_lowercase().as_bytes()) {
            Ok(())
        } else {
            Err(Code::InvalidSignature.into())
        }
    }

    /// `POST /wxa/business/getuserphonenumber`.
    pub async fn phone_number(&self, access_token: Option<&str>, code: Option<&str>) -> ApiResult<PhoneInfo> {
        let app = self.authenticate(access_token).await?;
        let code = code.filter(|c| !c.is_empty()).ok_or(Code::InvalidCode)?;
        let claims = self.spend(CodeKind::Phone, &app, code).await?;
        let user = self.store.user(claims.user_id).await?.ok_or(Code::InvalidCode)?;
        if user.blocked {
            return Err(Code::HighRiskUser.into());
        }
        Ok(PhoneInfo {
            phone_number: user.phone_number(),
            pure_phone_number: user.phone.clone(),
            country_code: user.country_code,
            timestamp: self.now() / 1000,
            appid: app.appid,
        })
    }

    /// Profile data for `wx.getUserProfile`, encrypted with the current session key so
    /// the app's backend can check it (AES-128-CBC with watermark).
    pub async fn user_profile(&self, appid: &str, user_id: i64) -> ApiResult<UserProfile> {
        let app = self.app_param(Some(appid)).await?;
        let user = self.store.user(user_id).await?.ok_or(Code::InvalidArgs)?;
        let au = self.store.app_user(app.id, user.id).await?;
        let key = match &au {
            Some(au) => self.session_key(au).await?,
            None => None,
        }
        .ok_or_else(|| ApiError::with(Code::InvalidCode, "no session: call wx.login and code2Session first"))?;
        let info = serde_json::json!({
            "nickName": user.name, "gender": 0, "language": "zh_CN",
            "city": "", "province": "", "country": "", "avatarUrl": "",
        });
        let raw_data = info.to_string();
        let mut full = info.clone();
        full["openId"] = self.keys.openid(&app.appid, user.id).into();
        if let Some(o) = &app.open_appid {
            full["unionId"] = self.keys.unionid(o, user.id).into();
        }
        full["watermark"] = serde_json::json!({"timestamp": self.now() / 1000, "appid": app.appid});
        let iv = STANDARD.encode(keys::random_bytes::<16>());
        let encrypted_data =
            wxa_crypto::encrypt(&key, &iv, full.to_string().as_bytes()).map_err(|_| Code::SystemBusy)?;
        Ok(UserProfile { signature: wxa_crypto::raw_data_signature(&raw_data, &key), user_info: info, raw_data, encrypted_data, iv })
    }

    /// Open data for the app's backend (`wx.getShareInfo` and the like): `data` with a
    /// watermark, encrypted with the user's current session key for the app, as user
    /// profiles are. 40029 when the backend has not exchanged a login code yet.
    pub async fn open_data(&self, app: &App, user_id: i64, mut data: serde_json::Value) -> ApiResult<(String, String)> {
        let au = self.store.app_user(app.id, user_id).await?;
        let key = match &au {
            Some(au) => self.session_key(au).await?,
            None => None,
        }
        .ok_or_else(|| ApiError::with(Code::InvalidCode, "no session: call wx.login and code2Session first"))?;
        data["watermark"] = serde_json::json!({"timestamp": self.now() / 1000, "appid": app.appid});
        let iv = STANDARD.encode(keys::random_bytes::<16>());
        let encrypted = wxa_crypto::encrypt(&key, &iv, data.to_string().as_bytes()).map_err(|_| Code::SystemBusy)?;
        Ok((encrypted, iv))
    }

    // ---- open-platform accounts (§7) ---------------------------------------------------

    /// The app named in the body, which must be the caller's own app.
    async fn own_app(&self, access_token: Option<&str>, appid: Option<&str>) -> ApiResult<App> {
        let caller = self.authenticate(access_token).await?;
        let appid = appid.filter(|a| !a.is_empty()).ok_or(Code::AppidMissing)?;
        if appid != caller.appid {
            return Err(ApiError::with(Code::ApiUnauthorized, "appid is not the caller's app"));
        }
        Ok(caller)
    }

    /// `POST /cgi-bin/open/create`: a new account of the app's subject, with the app bound.
    pub async fn open_create(&self, access_token: Option<&str>, appid: Option<&str>) -> ApiResult<String> {
        let app = self.own_app(access_token, appid).await?;
        if app.open_appid.is_some() {
            return Err(Code::AlreadyBoundOpen.into());
        }
        let account = self.new_open_account(app.subject_id, true, Some(app.id)).await?;
        Ok(account.open_appid)
    }

    pub async fn open_bind(&self, access_token: Option<&str>, appid: Option<&str>, open_appid: Option<&str>) -> ApiResult<()> {
        let app = self.own_app(access_token, appid).await?;
        let account = self.open_account_param(open_appid).await?;
        self.bind(&app, &account).await
    }

    /// Binds an app to an account of the same subject (admin CLI and open API).
    pub async fn bind(&self, app: &App, account: &OpenAccount) -> ApiResult<()> {
        if account.subject_id != app.subject_id {
            return Err(Code::NotSameSubject.into());
        }
        match self.store.bind_app(app.id, &account.open_appid, OPEN_ACCOUNT_BIND_LIMIT).await? {
            BindOutcome::Bound => Ok(()),
            BindOutcome::AlreadyBound => Err(Code::AlreadyBoundOpen.into()),
            BindOutcome::LimitReached => Err(Code::BindLimit.into()),
        }
    }

    pub async fn open_unbind(&self, access_token: Option<&str>, appid: Option<&str>, open_appid: Option<&str>) -> ApiResult<()> {
        let app = self.own_app(access_token, appid).await?;
        let account = self.open_account_param(open_appid).await?;
        if account.subject_id != app.subject_id {
            return Err(Code::NotSameSubject.into());
        }
        if self.store.unbind_app(app.id, &account.open_appid).await? {
            Ok(())
        } else {
            Err(Code::OpenNotExists.into())
        }
    }

    pub async fn open_get(&self, access_token: Option<&str>, appid: Option<&str>) -> ApiResult<String> {
        let app = self.own_app(access_token, appid).await?;
        app.open_appid.ok_or_else(|| Code::OpenNotExists.into())
    }

    /// `GET /cgi-bin/open/have`: is the caller's app bound to an account?
    pub async fn open_have(&self, access_token: Option<&str>) -> ApiResult<bool> {
        Ok(self.authenticate(access_token).await?.open_appid.is_some())
    }

    async fn open_account_param(&self, open_appid: Option<&str>) -> ApiResult<OpenAccount> {
        let id = open_appid.filter(|o| !o.is_empty()).ok_or_else(|| ApiError::with(Code::InvalidArgs, "open_appid missing"))?;
        if !is_appid(id) {
            return Err(Code::OpenNotExists.into());
        }
        self.store.open_account(id).await?.ok_or_else(|| Code::OpenNotExists.into())
    }

    // ---- administration -------------------------------------------------------------------

    pub async fn create_subject(&self, name: &str) -> ApiResult<Subject> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(ApiError::with(Code::InvalidArgs, "subject name must be 1-64 characters"));
        }
        Ok(self.store.create_subject(name, self.now()).await?)
    }

    pub async fn create_open_account(&self, subject_id: i64, by_api: bool) -> ApiResult<OpenAccount> {
        self.new_open_account(subject_id, by_api, None).await
    }

    /// A new account, with `bind` (an unbound app of the subject) bound in the same step.
    async fn new_open_account(&self, subject_id: i64, by_api: bool, bind: Option<i64>) -> ApiResult<OpenAccount> {
        self.store.subject(subject_id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such subject"))?;
        for _ in 0..4 {
            let account = OpenAccount { open_appid: keys::new_appid(), subject_id, created_by_api: by_api, created_at: self.now() };
            match self.store.create_open_account(&account, bind).await {
                Ok(BindOutcome::Bound) => return Ok(account),
                Ok(BindOutcome::AlreadyBound) => return Err(Code::AlreadyBoundOpen.into()),
                Ok(BindOutcome::LimitReached) => return Err(Code::BindLimit.into()),
                Err(StoreError::Conflict(_)) => continue, // 2^-64 collision: draw again
                Err(e) => return Err(e.into()),
            }
        }
        Err(Code::SystemBusy.into())
    }

    /// Creates an app; returns it with its secret, which is shown only now.
    pub async fn create_app(&self, subject_id: i64, kind: AppKind, name: &str, open_appid: Option<&str>) -> ApiResult<(App, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(ApiError::with(Code::InvalidArgs, "app name must be 1-64 characters"));
        }
        self.store.subject(subject_id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such subject"))?;
        let account = match open_appid {
            Some(o) => Some(self.open_account_param(Some(o)).await?),
            None => None,
        };
        if account.as_ref().is_some_and(|a| a.subject_id != subject_id) {
            return Err(Code::NotSameSubject.into());
        }
        let secret = keys::new_appsecret();
        for _ in 0..4 {
            let new = NewApp {
                appid: keys::new_appid(),
                subject_id,
                kind,
                name: name.to_string(),
                secret_hash: sha256_hex(secret.as_bytes()),
                open_appid: account.as_ref().map(|a| a.open_appid.clone()),
                created_at: self.now(),
            };
            match self.store.create_app(&new, OPEN_ACCOUNT_BIND_LIMIT).await {
                Ok(Some(app)) => return Ok((app, secret)),
                Ok(None) => return Err(Code::BindLimit.into()),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Code::SystemBusy.into())
    }

    /// A new secret for the app; the old one stops working at once. Tokens already
    /// issued stay valid until they expire, as on the platform.
    pub async fn reset_secret(&self, appid: &str) -> ApiResult<(App, String)> {
        let app = self.app_param(Some(appid)).await?;
        let secret = keys::new_appsecret();
        self.store.set_app_secret(app.id, &sha256_hex(secret.as_bytes())).await?;
        Ok((app, secret))
    }

    pub async fn create_user(&self, phone: &str, name: Option<&str>) -> ApiResult<User> {
        let (cc, national) = parse_phone(phone).ok_or_else(|| ApiError::with(Code::InvalidArgs, "not a phone number"))?;
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() <= 32 => n.to_string(),
            Some(_) => return Err(ApiError::with(Code::InvalidArgs, "name must be at most 32 characters")),
            None => format!("用户{}", &national[national.len().saturating_sub(4)..]),
        };
        Ok(self.store.create_user(cc, &national, &name, self.now()).await?)
    }

    // ---- client sign-in (host shell) ------------------------------------------------------

    /// Starts a demo sign-in: returns the one-time code the caller prints to the log.
    pub async fn signin_start(&self, phone: &str) -> ApiResult<String> {
        let (cc, national) = parse_phone(phone).ok_or_else(|| ApiError::with(Code::InvalidArgs, "not a phone number"))?;
        // Each start allows 5 guesses; a few starts an hour keep guessing hopeless.
        let hour = self.now() / 3_600_000;
        let starts = self.store.hit(&format!("signin:{cc}:{national}"), hour, (hour + 1) * 3_600_000).await?;
        if starts > SIGNIN_STARTS_PER_HOUR {
            return Err(ApiError::with(Code::MinuteQuota, "too many sign-in codes for this number; try again later"));
        }
        let n = u32::from_be_bytes(keys::random_bytes::<4>()) % 1_000_000;
        let code = format!("{n:06}");
        self.store
            .put_signin_challenge(&format!("{cc}:{national}"), &sha256_hex(code.as_bytes()), self.now() + SIGNIN_CODE_TTL_MS)
            .await?;
        Ok(code)
    }

    /// Finishes a sign-in: the user (created on first sign-in) and a client session token.
    pub async fn signin_verify(&self, phone: &str, code: &str, host_app_id: i64) -> ApiResult<(String, User)> {
        let (cc, national) = parse_phone(phone).ok_or_else(|| ApiError::with(Code::InvalidArgs, "not a phone number"))?;
        self.store.host_app(host_app_id).await?.ok_or_else(|| ApiError::with(Code::InvalidArgs, "no such host app"))?;
        let ok = code.len() == 6
            && self
                .store
                .attempt_signin(&format!("{cc}:{national}"), &sha256_hex(code.as_bytes()), self.now(), SIGNIN_MAX_ATTEMPTS)
                .await?;
        if !ok {
            return Err(Code::InvalidCode.into());
        }
        let user = match self.store.user_by_phone(cc, &national).await? {
            Some(u) => u,
            None => match self.create_user(phone, None).await {
                Ok(u) => u,
                // Another sign-in created the same user a moment ago.
                Err(_) => self.store.user_by_phone(cc, &national).await?.ok_or(Code::SystemBusy)?,
            },
        };
        if user.blocked {
            return Err(Code::HighRiskUser.into());
        }
        let token = URL_SAFE_NO_PAD.encode(keys::random_bytes::<32>());
        let now = self.now();
        self.store
            .create_client_session(
                &token_hash(&token),
                &ClientSession { user_id: user.id, host_app_id, expires_at: now + CLIENT_SESSION_TTL_MS },
            )
            .await?;
        Ok((token, user))
    }

    /// The client session behind a bearer token.
    pub async fn client_session(&self, token: &str) -> ApiResult<ClientSession> {
        if token.is_empty() || token.len() > 128 {
            return Err(Code::InvalidCredential.into());
        }
        let s = self.store.client_session(&token_hash(token)).await?.ok_or(Code::InvalidCredential)?;
        if s.expires_at <= self.now() {
            return Err(Code::AccessTokenExpired.into());
        }
        Ok(s)
    }

    pub async fn signout(&self, token: &str) -> ApiResult<()> {
        Ok(self.store.delete_client_session(&token_hash(token)).await?)
    }
}
