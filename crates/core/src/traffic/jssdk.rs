//! Web pages (docs/traffic.md, "Web pages"): the `jsapi_ticket` a website or service
//! account signs its pages with, the JS-SDK's `wx.config` check, the client check of
//! the open tag `<wx-open-launch-weapp>`, and the launch ticket that carries the page's
//! request into the host shell (scene 1167).
//!
//! Nothing here is stored. A `jsapi_ticket` is a MAC of the app and a time period under
//! a platform key, so every node computes the same ticket without a table; a verified
//! configuration and a launch ticket are signed tokens (the launch ticket is spent once
//! in the identity store's single-use ledger).

use super::entry_policy::EntryPolicy;
use super::entry_store::LaunchStore;
use super::launch::Launch;
use super::target;
use crate::container::domains;
use crate::container::store::{PackageFiles, PackageStore};
use crate::error::{ApiError, Code};
use crate::identity::codes::ledger_key;
use crate::identity::{App, AppKind, Identity};
use crate::keys::{ct_eq, is_appid, Keys};
use crate::reach::events::original_id;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

type ApiResult<T> = Result<T, ApiError>;

/// The scene of a mini program opened by a web page's open tag.
pub const SCENE_OPEN_TAG: i64 = 1167;
/// The only open tag this SDK knows.
pub const OPEN_TAG: &str = "wx-open-launch-weapp";

const TICKET: &[u8] = b"traffic/jsapi-ticket/v1";
const CONFIG: &[u8] = b"traffic/jssdk-config/v1";
const LAUNCH: &[u8] = b"traffic/web-launch/v1";

/// Longest `extra-data` a page may pass to the mini program, as JSON.
pub const MAX_EXTRA_DATA: usize = 1024;

// ---- jsapi_ticket ----------------------------------------------------------------------

fn period(now_ms: i64, p: &EntryPolicy) -> i64 {
    (now_ms / 1000).div_euclid(p.jsapi_ticket_secs)
}

fn ticket_of(keys: &Keys, appid: &str, period: i64) -> String {
    URL_SAFE_NO_PAD.encode(keys.mac(TICKET, &[appid.as_bytes(), &period.to_be_bytes()]))
}

/// `GET /cgi-bin/ticket/getticket?type=jsapi`: the app's ticket of this period and its
/// `expires_in`. Only websites and service accounts have one (48001); `type` other than
/// `jsapi` is 40097 (card tickets are not offered).
pub fn getticket(keys: &Keys, app: &App, kind: Option<&str>, now_ms: i64, p: &EntryPolicy) -> ApiResult<(String, i64)> {
    match kind {
        None | Some("jsapi") => {}
        Some(other) => return Err(ApiError::with(Code::InvalidArgs, format!("type {:?}: only jsapi tickets are offered", other.chars().take(20).collect::<String>()))),
    }
    if !matches!(app.kind, AppKind::Website | AppKind::Service) {
        return Err(ApiError::with(Code::ApiUnauthorized, "jsapi tickets are for websites and service accounts"));
    }
    Ok((ticket_of(keys, &app.appid, period(now_ms, p)), p.jsapi_ticket_secs))
}

/// The tickets a signature may be made with now: this period's and the previous one's,
/// so a ticket handed out at the end of a period works for its whole `expires_in`.
pub fn accepted_tickets(keys: &Keys, appid: &str, now_ms: i64, p: &EntryPolicy) -> [String; 2] {
    let n = period(now_ms, p);
    [ticket_of(keys, appid, n), ticket_of(keys, appid, n - 1)]
}

/// WeChat's JS-SDK signature: hex(sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")),
/// the keys in that (alphabetical) order, values as given (wechatpy's
/// `get_jsapi_signature`).
pub fn signature(ticket: &str, noncestr: &str, timestamp: &str, url: &str) -> String {
    let mut h = Sha1::new();
    h.update(format!("jsapi_ticket={ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}").as_bytes());
    hex::encode(h.finalize())
}

// ---- signed tokens ---------------------------------------------------------------------

/// `b64url(json) "." b64url(mac)`: readable, not secret, not forgeable.
fn sign(keys: &Keys, purpose: &[u8], payload: &Value) -> String {
    let body = URL_SAFE_NO_PAD.encode(payload.to_string());
    let mac = keys.mac(purpose, &[body.as_bytes()]);
    format!("{body}.{}", URL_SAFE_NO_PAD.encode(mac))
}

fn open_signed(keys: &Keys, purpose: &[u8], token: &str) -> Option<Value> {
    if token.len() > 8192 {
        return None;
    }
    let (body, mac) = token.split_once('.')?;
    let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
    if !ct_eq(&mac, &keys.mac(purpose, &[body.as_bytes()])) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

// ---- wx.config -------------------------------------------------------------------------

/// What `wx.config` sends (`POST /client/v1/jssdk/verify`).
#[derive(Debug, Clone, Default)]
pub struct ConfigRequest {
    pub appid: String,
    /// Seconds, as the page's server signed it (a string or a number on the wire).
    pub timestamp: String,
    pub nonce_str: String,
    pub signature: String,
    /// The page's URL; a fragment is dropped, as WeChat's JS-SDK does.
    pub url: String,
}

/// A page whose configuration checked out: its app and origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageConfig {
    pub app_id: i64,
    pub appid: String,
    pub origin: String,
    pub issued_at: i64,
}

fn bad_sig(detail: &str) -> ApiError {
    ApiError::with(Code::InvalidSignature, detail)
}

/// Checks `wx.config`: the app is a website or service account, the timestamp is within
/// `jssdk_max_age_secs` of now, the URL is an http(s) page whose origin is the calling
/// page's (`Origin` header, when the browser sent one), and the signature is WeChat's
/// over the URL with this or the previous period's ticket. Returns a signed token of
/// the configuration (for the open tag) and what it says.
pub async fn verify(id: &Identity, r: &ConfigRequest, origin_header: Option<&str>, p: &EntryPolicy) -> ApiResult<(String, PageConfig)> {
    let app = id.app_param(Some(&r.appid)).await?;
    if !matches!(app.kind, AppKind::Website | AppKind::Service) {
        return Err(ApiError::with(Code::ApiUnauthorized, "the JS-SDK is for websites and service accounts"));
    }
    let now = id.now();
    let ts: i64 = r.timestamp.trim().parse().map_err(|_| bad_sig("timestamp must be Unix seconds"))?;
    if (now / 1000 - ts).abs() > p.jssdk_max_age_secs {
        return Err(bad_sig(&format!("timestamp is more than {} seconds from now", p.jssdk_max_age_secs)));
    }
    if r.nonce_str.is_empty() || r.nonce_str.len() > 128 {
        return Err(ApiError::with(Code::InvalidArgs, "nonceStr must be 1-128 characters"));
    }
    let url_text = r.url.split('#').next().unwrap_or("");
    if url_text.len() > 4096 {
        return Err(ApiError::with(Code::InvalidArgs, "url longer than 4096 characters"));
    }
    let url = url::Url::parse(url_text).map_err(|_| ApiError::with(Code::InvalidArgs, "url must be the page's absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::with(Code::InvalidArgs, "url must be http or https"));
    }
    let origin = domains::origin(&url).ok_or_else(|| ApiError::with(Code::InvalidArgs, "url has no host"))?;
    if let Some(o) = origin_header.filter(|o| !o.is_empty()) {
        if !o.eq_ignore_ascii_case(&origin) {
            return Err(bad_sig("url is not the calling page's"));
        }
    }
    let sig = r.signature.trim().to_ascii_lowercase();
    let ok = accepted_tickets(id.keys(), &app.appid, now, p)
        .iter()
        .any(|t| ct_eq(signature(t, &r.nonce_str, r.timestamp.trim(), url_text).as_bytes(), sig.as_bytes()));
    if !ok {
        return Err(bad_sig("the signature does not match the url, ticket, nonceStr and timestamp"));
    }
    let cfg = PageConfig { app_id: app.id, appid: app.appid.clone(), origin, issued_at: now };
    let token = sign(id.keys(), CONFIG, &json!({ "a": cfg.app_id, "i": cfg.appid, "o": cfg.origin, "t": now }));
    Ok((token, cfg))
}

/// The configuration behind a token from [`verify`], while it lasts.
pub fn open_config(keys: &Keys, token: &str, now_ms: i64, p: &EntryPolicy) -> ApiResult<PageConfig> {
    let bad = || ApiError::with(Code::InvalidSignature, "call wx.config first (the configuration is missing, forged or expired)");
    let v = open_signed(keys, CONFIG, token).ok_or_else(bad)?;
    let cfg = PageConfig {
        app_id: v["a"].as_i64().ok_or_else(bad)?,
        appid: v["i"].as_str().ok_or_else(bad)?.to_string(),
        origin: v["o"].as_str().ok_or_else(bad)?.to_string(),
        issued_at: v["t"].as_i64().ok_or_else(bad)?,
    };
    if cfg.issued_at + p.jssdk_session_secs * 1000 <= now_ms {
        return Err(bad());
    }
    Ok(cfg)
}

// ---- the client check ------------------------------------------------------------------

/// `7.0.12` → [7, 0, 12]; at most 4 numbers.
pub fn parse_version(s: &str) -> Option<Vec<u32>> {
    let parts: Option<Vec<u32>> = s.trim().split(['.', '_']).map(|x| x.parse().ok()).collect();
    parts.filter(|p| !p.is_empty() && p.len() <= 4)
}

fn older(v: &[u32], min: &[u32]) -> bool {
    let n = v.len().max(min.len());
    let at = |x: &[u32], i: usize| x.get(i).copied().unwrap_or(0);
    (0..n).map(|i| at(v, i).cmp(&at(min, i))).find(|o| o.is_ne()) == Some(std::cmp::Ordering::Less)
}

/// The version after `token` in the user agent (`MicroMessenger/7.0.12(0x…)` → 7.0.12).
fn version_after(ua: &str, token: &str) -> Option<String> {
    let at = ua.find(token)? + token.len();
    let v: String = ua[at..].chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_').collect();
    let v = v.trim_end_matches(['.', '_']).to_string();
    (!v.is_empty()).then_some(v)
}

/// The open tag's check of the user agent: the client (`OpenMini/x.y.z` or
/// `MicroMessenger/x.y.z`) at least `min_client`, and its system (`iPhone OS a_b`,
/// `CPU OS a_b` on iPads, `Android a.b`) at least `min_ios` / `min_android`. A browser
/// with no client token is the web shell's own client and passes. The reason of a
/// refusal, for `launch:fail <reason>`.
pub fn check_client(ua: &str, p: &EntryPolicy) -> Result<(), String> {
    let client = version_after(ua, "OpenMini/").or_else(|| version_after(ua, "MicroMessenger/"));
    let Some(client) = client else {
        if ua.contains("OpenMini/") || ua.contains("MicroMessenger/") {
            return Err("the client's version cannot be read".into());
        }
        return Ok(());
    };
    let min = |s: &str| parse_version(s).unwrap_or_default();
    match parse_version(&client) {
        Some(v) if !older(&v, &min(&p.min_client)) => {}
        _ => return Err(format!("client version {client} is older than {}", p.min_client)),
    }
    let ios = ["iPhone", "iPad", "iPod"].iter().any(|d| ua.contains(d));
    if ios {
        let v = version_after(ua, "iPhone OS ").or_else(|| version_after(ua, "CPU OS ")).unwrap_or_default();
        if parse_version(&v).is_none_or(|x| older(&x, &min(&p.min_ios))) {
            return Err(format!("iOS {} is older than {}", v.replace('_', "."), p.min_ios));
        }
    } else if ua.contains("Android") {
        let v = version_after(ua, "Android ").unwrap_or_default();
        if parse_version(&v).is_none_or(|x| older(&x, &min(&p.min_android))) {
            return Err(format!("Android {v} is older than {}", p.min_android));
        }
    }
    Ok(())
}

// ---- launching -------------------------------------------------------------------------

/// What the open tag asks for: the mini program (`appid`, or `username`, its original
/// id `gh_…`), the page with its query, and `extra-data`.
#[derive(Debug, Clone, Default)]
pub struct LaunchRequest {
    pub config: String,
    pub appid: Option<String>,
    pub username: Option<String>,
    pub path: String,
    pub extra_data: Option<Value>,
}

/// The tag was tapped: checks the configuration, the client, the target (a mini program
/// of the page app's subject or open-platform account, with the page in its current
/// version) and returns a launch ticket for the shell. Single use, lives
/// `launch_ticket_secs`.
#[allow(clippy::too_many_arguments)]
pub async fn launch(
    id: &Identity,
    links: &dyn LaunchStore,
    packages: &dyn PackageStore,
    files: &dyn PackageFiles,
    r: &LaunchRequest,
    user_agent: &str,
    p: &EntryPolicy,
) -> ApiResult<String> {
    let now = id.now();
    let cfg = open_config(id.keys(), &r.config, now, p)?;
    check_client(user_agent, p).map_err(|why| ApiError::with(Code::ApiUnauthorized, why))?;
    let page_app = id.store().app_by_id(cfg.app_id).await?.ok_or(Code::InvalidAppid)?;
    let target = resolve_target(id, links, &page_app, r.appid.as_deref(), r.username.as_deref()).await?;
    if !target::same_owner(&page_app, &target) {
        return Err(ApiError::with(Code::InvalidWeappAppid, "the mini program is not of the page's subject or open-platform account"));
    }
    let (page, query) = target::check_page(packages, files, &target, &r.path).await?;
    let extra = match &r.extra_data {
        None | Some(Value::Null) => Value::Null,
        Some(v) if v.to_string().len() <= MAX_EXTRA_DATA => v.clone(),
        Some(_) => return Err(ApiError::with(Code::InvalidArgs, format!("extra-data larger than {MAX_EXTRA_DATA} bytes"))),
    };
    let payload = json!({ "m": target.id, "a": cfg.appid, "o": cfg.origin, "p": page, "q": query, "x": extra, "t": now });
    Ok(sign(id.keys(), LAUNCH, &payload))
}

/// The mini program named by `appid` or by `username` (`gh_…`, looked up among the
/// mini programs of the owner's subject and open-platform account).
pub async fn resolve_target(id: &Identity, links: &dyn LaunchStore, owner: &App, appid: Option<&str>, username: Option<&str>) -> ApiResult<App> {
    let appid = match (appid.filter(|a| !a.is_empty()), username.filter(|u| !u.is_empty())) {
        (Some(a), _) => a.to_string(),
        (None, Some(u)) => {
            let candidates = links.related_miniprograms(owner.subject_id, owner.open_appid.as_deref()).await?;
            candidates.into_iter().find(|a| original_id(a) == u).ok_or_else(|| ApiError::with(Code::InvalidWeappAppid, "no mini program of this username"))?
        }
        (None, None) => return Err(ApiError::with(Code::InvalidWeappAppid, "appid or username missing")),
    };
    if !is_appid(&appid) {
        return Err(ApiError::with(Code::InvalidWeappAppid, "not an appid"));
    }
    let app = id.store().app_by_appid(&appid).await?.ok_or_else(|| ApiError::with(Code::InvalidWeappAppid, "no such mini program"))?;
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidWeappAppid, "not a mini program"));
    }
    Ok(app)
}

/// The shell redeems a launch ticket (once): the open with scene 1167, the page's app
/// as the referrer and its origin as the source.
pub async fn redeem(id: &Identity, ticket: &str, p: &EntryPolicy) -> ApiResult<Launch> {
    let v = open_signed(id.keys(), LAUNCH, ticket).ok_or_else(|| ApiError::with(Code::InvalidCode, "not a launch ticket"))?;
    let issued = v["t"].as_i64().ok_or(Code::InvalidCode)?;
    let expires_at = issued + p.launch_ticket_secs * 1000;
    if expires_at <= id.now() {
        return Err(ApiError::with(Code::InvalidCode, "the launch ticket has expired"));
    }
    let target = id.store().app_by_id(v["m"].as_i64().ok_or(Code::InvalidCode)?).await?.ok_or(Code::InvalidCode)?;
    if !id.store().redeem(&ledger_key(ticket, expires_at), expires_at).await? {
        return Err(Code::CodeBeenUsed.into());
    }
    let mut referrer = json!({ "appId": v["a"] });
    if !v["x"].is_null() {
        referrer["extraData"] = v["x"].clone();
    }
    Ok(Launch {
        appid: target.appid,
        path: v["p"].as_str().unwrap_or("").to_string(),
        query: v["q"].as_str().unwrap_or("").to_string(),
        scene: SCENE_OPEN_TAG,
        referrer_info: referrer,
        source: v["o"].as_str().unwrap_or("").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechats_signature_example() {
        // The example of WeChat's JS-SDK documentation (附录1).
        let s = signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            "1414587457",
            "http://mp.weixin.qq.com?params=value",
        );
        assert_eq!(s, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    }

    #[test]
    fn tickets_follow_periods_and_apps() {
        let k = Keys::from_master(&[1; 32]);
        let p = EntryPolicy::default();
        let t0 = 7200 * 1000 * 1000;
        let [now, prev] = accepted_tickets(&k, "wx0000000000000001", t0, &p);
        assert_ne!(now, prev);
        // The whole period gives one ticket; the next one moves the window.
        assert_eq!(accepted_tickets(&k, "wx0000000000000001", t0 + 7_199_999, &p)[0], now);
        assert_eq!(accepted_tickets(&k, "wx0000000000000001", t0 + 7_200_000, &p)[1], now);
        assert_ne!(accepted_tickets(&k, "wx0000000000000002", t0, &p)[0], now);
    }

    #[test]
    fn signed_tokens_refuse_tampering() {
        let k = Keys::from_master(&[1; 32]);
        let t = sign(&k, CONFIG, &json!({"a": 1}));
        assert_eq!(open_signed(&k, CONFIG, &t), Some(json!({"a": 1})));
        assert_eq!(open_signed(&k, LAUNCH, &t), None);
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode(r#"{"a":2}"#), t.split('.').nth(1).unwrap());
        assert_eq!(open_signed(&k, CONFIG, &forged), None);
        assert_eq!(open_signed(&k, CONFIG, "x"), None);
    }

    #[test]
    fn client_versions_at_their_edges() {
        let p = EntryPolicy::default();
        let ok = |ua: &str| check_client(ua, &p);
        let iphone = |os: &str, client: &str| format!("Mozilla/5.0 (iPhone; CPU iPhone OS {os} like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/{client}(0x18000f29) NetType/WIFI");
        let android = |os: &str, client: &str| format!("Mozilla/5.0 (Linux; Android {os}; PBAM00) AppleWebKit/537.36 Chrome/86 Mobile Safari/537.36 MMWEBID/1 MicroMessenger/{client}.1740(0x28000B3B) WeChat/arm64");
        assert!(ok(&iphone("10_3", "7.0.12")).is_ok());
        assert!(ok(&iphone("10_3_1", "8.0.1")).is_ok());
        assert_eq!(ok(&iphone("10_3", "7.0.11")).unwrap_err(), "client version 7.0.11 is older than 7.0.12");
        assert_eq!(ok(&iphone("10_2", "7.0.12")).unwrap_err(), "iOS 10.2 is older than 10.3");
        assert!(ok(&android("5.0", "7.0.12")).is_ok());
        assert!(ok(&android("10", "7.0.12")).is_ok());
        assert_eq!(ok(&android("4.4.4", "8.0.0")).unwrap_err(), "Android 4.4.4 is older than 5.0");
        assert!(ok("Mozilla/5.0 (iPad; CPU OS 12_0 like Mac OS X) OpenMini/7.0.12").is_ok());
        assert!(ok("Mozilla/5.0 (iPad; CPU OS 9_3 like Mac OS X) OpenMini/8.0.0").is_err());
        // A plain browser is the web shell's own client.
        assert!(ok("Mozilla/5.0 (X11; Linux x86_64) Chrome/120").is_ok());
        assert!(ok("Mozilla/5.0 (Linux; Android 4.0) Chrome/30").is_ok());
        assert!(ok("MicroMessenger/").is_err());
        assert!(ok("MicroMessenger/x").is_err());
        // Minimums are configuration.
        let strict = EntryPolicy { min_client: "8.0".into(), ..EntryPolicy::default() };
        assert!(check_client(&iphone("15_0", "7.9.9"), &strict).is_err());
        assert!(check_client(&iphone("15_0", "8.0"), &strict).is_ok());
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("7.0.12"), Some(vec![7, 0, 12]));
        assert_eq!(parse_version("10_3"), Some(vec![10, 3]));
        assert_eq!(parse_version("1.2.3.4.5"), None);
        assert_eq!(parse_version("a"), None);
        assert!(older(&[7, 0, 11], &[7, 0, 12]));
        assert!(!older(&[7, 0, 12], &[7, 0, 12]));
        assert!(!older(&[7, 1], &[7, 0, 12]));
        assert!(older(&[7], &[7, 0, 12]));
        assert!(!older(&[5], &[5, 0]));
    }
}
