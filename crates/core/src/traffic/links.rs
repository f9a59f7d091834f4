//! URL schemes, URL links and short links (docs/traffic.md, "Links"): what a request
//! must hold, what a link is made of, the quotas that bound them, and what
//! `queryscheme` / `query_urllink` tell about one.
//!
//! A link is a random code (17 base-62 characters, 101 bits) stored with its target:
//! `weixin://dl/business/?t=<code>`, `<origin>/l/<code>`, `#小程序://<name>/<code>`.

use super::link_policy::LinkPolicy;
use super::link_store::{LinkKind, LinkStore, NewLink, Quota, StoredLink};
use super::pages::AppPages;
use super::params::{self, check_query, is_page_path, split_path};
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind};
use crate::keys::random_bytes;

/// The page, query and version a link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `""` for the home page.
    pub path: String,
    pub query: String,
    pub env_version: String,
}

/// How a request asks for its expiry (generatescheme, generate_urllink).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expiry {
    /// 0: at `expire_time`; 1: after `expire_interval` days. Default 0.
    pub expire_type: Option<i64>,
    /// Unix seconds.
    pub expire_time: Option<i64>,
    /// Days.
    pub expire_interval: Option<i64>,
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Characters of a link code or a limited code's id.
pub const CODE_LEN: usize = 17;

/// A new random code: 17 base-62 characters (over 101 bits), drawn without bias.
pub fn new_code() -> String {
    let mut out = String::with_capacity(CODE_LEN);
    while out.len() < CODE_LEN {
        for b in random_bytes::<24>() {
            // 248 = 4 × 62: the bytes above it would favour the first characters.
            if b < 248 && out.len() < CODE_LEN {
                out.push(BASE62[(b % 62) as usize] as char);
            }
        }
    }
    out
}

/// The shape of a code in a link (ours are 17; a few more or fewer are looked up and
/// simply not found).
pub fn is_code(s: &str) -> bool {
    (8..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Links and codes open mini programs only.
pub fn check_app(app: &App) -> Result<(), ApiError> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::ApiUnauthorized, "links and codes are for mini programs"));
    }
    Ok(())
}

/// `env_version`: `release` (the default). `trial` and `develop` are refused until the
/// store offers those versions.
pub fn check_env(env: Option<&str>) -> Result<String, ApiError> {
    match env.unwrap_or("") {
        "" | "release" => Ok("release".into()),
        "trial" | "develop" => Err(ApiError::with(Code::NotReleased, "only the released version can be opened: trial and develop versions are not offered yet")),
        other => Err(ApiError::with(Code::InvalidArgs, format!("env_version must be release, trial or develop, not {:?}", other.chars().take(20).collect::<String>()))),
    }
}

/// The version a link opens must exist: 85079 while nothing is deployed.
pub fn deployed(pages: Option<&AppPages>) -> Result<&AppPages, ApiError> {
    pages.ok_or_else(|| ApiError::with(Code::NotReleased, "no version is deployed: deploy one with `openmini app deploy`"))
}

/// A scheme's or URL link's target: `path` a page of the current version (empty: the
/// home page; a leading `/` is dropped, a query is refused: 40165), `query` within its
/// rules (40212), `env_version` `release`.
pub fn check_target(pages: Option<&AppPages>, path: Option<&str>, query: Option<&str>, env: Option<&str>) -> Result<Target, ApiError> {
    let env_version = check_env(env)?;
    let pages = deployed(pages)?;
    let path = path.unwrap_or("").trim_start_matches('/');
    if path.contains('?') {
        return Err(ApiError::with(Code::InvalidWeappPagepath, "path may not carry a query: put it in query"));
    }
    if !path.is_empty() && !pages.has(path) {
        return Err(ApiError::with(Code::InvalidWeappPagepath, format!("{:?} is not a page of version {}", path.chars().take(80).collect::<String>(), pages.version)));
    }
    let query = query.unwrap_or("");
    check_query(query)?;
    Ok(Target { path: path.to_string(), query: query.to_string(), env_version })
}

/// When a scheme or URL link expires (Unix ms): at `expire_time` (Unix seconds, in the
/// future, at most 30 days ahead) or after `expire_interval` days (1 to 30); 30 days
/// when neither is given. 85401 otherwise.
pub fn expire_at(policy: &LinkPolicy, e: &Expiry, now: i64) -> Result<i64, ApiError> {
    let max = policy.max_expiry_ms();
    let days = policy.max_expiry_days;
    let bad = |d: String| ApiError::with(Code::InvalidExpireTime, d);
    match e.expire_type.unwrap_or(0) {
        0 => match e.expire_time {
            None | Some(0) => Ok(now + max),
            Some(t) => {
                let at = t.checked_mul(1000).ok_or_else(|| bad("expire_time is not a Unix time in seconds".into()))?;
                if at <= now {
                    Err(bad("expire_time is not in the future (Unix seconds)".into()))
                } else if at > now + max {
                    Err(bad(format!("expire_time is more than {days} days ahead")))
                } else {
                    Ok(at)
                }
            }
        },
        1 => match e.expire_interval {
            None => Ok(now + max),
            Some(d) if (1..=days).contains(&d) => Ok(now + d * super::link_policy::DAY_MS),
            Some(_) => Err(bad(format!("expire_interval must be 1 to {days} days"))),
        },
        _ => Err(ApiError::with(Code::InvalidArgs, "expire_type must be 0 (expire_time) or 1 (expire_interval)")),
    }
}

/// The quotas a scheme or URL link is counted against, in the order they are decided.
fn link_quotas(policy: &LinkPolicy, now: i64, day: i64) -> [Quota; 2] {
    [
        Quota { name: "links", window: day, limit: policy.links_per_day },
        Quota { name: "links_second", window: now.div_euclid(1000), limit: policy.links_per_second },
    ]
}

/// Stores a new link with `quotas` counted; on a full quota, its error and nothing
/// stored.
async fn store_link(store: &dyn LinkStore, link: NewLink, quotas: &[Quota], refusals: &[ApiError]) -> Result<NewLink, ApiError> {
    match store.create_link(&link, quotas).await? {
        None => Ok(link),
        Some(i) => Err(refusals.get(i).cloned().unwrap_or_else(|| ApiError::new(Code::DailyQuota))),
    }
}

/// `generatescheme` and `generate_urllink`: a new link to `target`, expiring at
/// `expire_at`, counted against the day's 500,000 and the second's 100 (together for
/// both kinds). `day` is the platform's day of `now`.
#[allow(clippy::too_many_arguments)]
pub async fn generate(
    store: &dyn LinkStore,
    policy: &LinkPolicy,
    app: &App,
    kind: LinkKind,
    target: Target,
    expire_at: i64,
    now: i64,
    day: i64,
) -> Result<NewLink, ApiError> {
    check_app(app)?;
    let link = NewLink {
        code: new_code(),
        app_id: app.id,
        kind,
        path: target.path,
        query: target.query,
        env_version: target.env_version,
        title: String::new(),
        expire_at: Some(expire_at),
        created_at: now,
    };
    let refusals = [
        ApiError::with(Code::DailyQuota, format!("{} schemes and URL links a day", policy.links_per_day)),
        ApiError::with(Code::FrequencyLimit, format!("{} schemes and URL links a second", policy.links_per_second)),
    ];
    store_link(store, link, &link_quotas(policy, now, day), &refusals).await
}

/// `genwxashortlink`: `page_url` a page of the current version with an optional query
/// (40066), `page_title` (40225; cut to 20 characters), temporary (30 days) or
/// permanent (at most 100,000 per app: 85400); at most 1,000,000 a day (45009).
#[allow(clippy::too_many_arguments)]
pub async fn short_link(
    store: &dyn LinkStore,
    policy: &LinkPolicy,
    app: &App,
    pages: Option<&AppPages>,
    page_url: Option<&str>,
    page_title: Option<&str>,
    permanent: bool,
    now: i64,
    day: i64,
) -> Result<NewLink, ApiError> {
    check_app(app)?;
    let bad = |d: String| ApiError::with(Code::InvalidUrl, d);
    let page_url = page_url.unwrap_or("").trim_start_matches('/');
    if page_url.is_empty() {
        return Err(bad("page_url is required".into()));
    }
    if page_url.chars().count() > params::MAX_PAGE_URL {
        return Err(bad(format!("page_url is longer than {} characters", params::MAX_PAGE_URL)));
    }
    let (page, query) = split_path(page_url);
    let pages = deployed(pages)?;
    if !is_page_path(page) || !pages.has(page) {
        return Err(bad(format!("{:?} is not a page of version {}", page.chars().take(80).collect::<String>(), pages.version)));
    }
    check_query(query).map_err(|e| bad(e.detail.unwrap_or_default()))?;
    let title = params::check_title(page_title.unwrap_or(""))?;
    let link = NewLink {
        code: new_code(),
        app_id: app.id,
        kind: LinkKind::ShortLink,
        path: page.to_string(),
        query: query.to_string(),
        env_version: "release".into(),
        title,
        expire_at: (!permanent).then(|| now + policy.max_expiry_ms()),
        created_at: now,
    };
    let mut quotas = vec![Quota { name: "short_links", window: day, limit: policy.short_links_per_day }];
    let mut refusals = vec![ApiError::with(Code::DailyQuota, format!("{} short links a day", policy.short_links_per_day))];
    if permanent {
        quotas.push(Quota { name: "permanent_short_links", window: 0, limit: policy.permanent_short_links });
        refusals.push(ApiError::with(Code::LongTimeQuota, format!("{} permanent short links per app", policy.permanent_short_links)));
    }
    store_link(store, link, &quotas, &refusals).await
}

/// `weixin://dl/business/?t=<code>`
pub fn scheme_text(code: &str) -> String {
    format!("weixin://dl/business/?t={code}")
}

/// `<origin>/l/<code>`
pub fn url_link_text(origin: &str, code: &str) -> String {
    format!("{origin}/l/{code}")
}

/// `#小程序://<app name>/<title>/<code>` (without the title when there is none), as
/// WeChat writes them; the code is the last segment.
pub fn short_link_text(app_name: &str, title: &str, code: &str) -> String {
    let name: String = app_name.chars().filter(|c| *c != '/' && !c.is_control()).collect();
    let title: String = title.chars().filter(|c| *c != '/' && !c.is_control()).collect();
    if title.is_empty() {
        format!("#小程序://{name}/{code}")
    } else {
        format!("#小程序://{name}/{title}/{code}")
    }
}

/// What `queryscheme` / `query_urllink` tell about a link of the calling app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub appid: String,
    pub path: String,
    pub query: String,
    /// Unix seconds; 0 for plain schemes.
    pub create_time: i64,
    /// Unix seconds; 0: never.
    pub expire_time: i64,
    pub env_version: String,
    /// The openid (in this app) of the last user who opened it, or `""`.
    pub visit_openid: String,
    /// Opens counted (OpenMini's own).
    pub visit_count: i64,
}

/// A stored link as `queryscheme` / `query_urllink` describe it. `openid` gives the
/// last visitor's openid in the app.
pub fn info(app: &App, l: &StoredLink, openid: impl Fn(i64) -> String) -> LinkInfo {
    LinkInfo {
        appid: app.appid.clone(),
        path: l.link.path.clone(),
        query: l.link.query.clone(),
        create_time: l.link.created_at.div_euclid(1000),
        expire_time: l.link.expire_at.map_or(0, |t| t.div_euclid(1000)),
        env_version: l.link.env_version.clone(),
        visit_openid: l.opens.last_user_id.map(openid).unwrap_or_default(),
        visit_count: l.opens.count,
    }
}

/// The stored link of the calling app named by `code` with one of `kinds`; another
/// app's link is as unknown as no link (85403).
pub async fn owned(store: &dyn LinkStore, app: &App, code: &str, kinds: &[LinkKind]) -> Result<StoredLink, ApiError> {
    let l = if is_code(code) { store.link(code).await? } else { None };
    l.filter(|l| l.link.app_id == app.id && kinds.contains(&l.link.kind)).ok_or_else(|| ApiError::with(Code::LinkNotFound, "no such link of this app"))
}

/// Opens left today (`quota_info.remain_visit_quota`).
pub async fn remaining_opens(store: &dyn LinkStore, policy: &LinkPolicy, app_id: i64, day: i64) -> Result<i64, ApiError> {
    Ok((policy.opens_per_day - store.quota_used(app_id, "opens", day).await?).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pages() -> AppPages {
        AppPages::from_manifest(2, &json!({"packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}]}))
    }

    #[test]
    fn codes_are_random_base62() {
        let a = new_code();
        assert_eq!(a.len(), CODE_LEN);
        assert!(is_code(&a));
        assert_ne!(a, new_code());
        assert!(!is_code("abc") && !is_code("abcdefgh-") && !is_code(&"a".repeat(65)));
    }

    #[test]
    fn targets() {
        let p = pages();
        let t = check_target(Some(&p), Some("/pages/item/item"), Some("id=1"), None).unwrap();
        assert_eq!((t.path.as_str(), t.query.as_str(), t.env_version.as_str()), ("pages/item/item", "id=1", "release"));
        assert_eq!(check_target(Some(&p), None, None, Some("release")).unwrap().path, "");
        let code = |path: &str, query: &str, env: &str| check_target(Some(&p), Some(path), Some(query), Some(env)).unwrap_err().code;
        assert_eq!(code("pages/none", "", ""), Code::InvalidWeappPagepath);
        assert_eq!(code("pages/item/item?id=1", "", ""), Code::InvalidWeappPagepath);
        assert_eq!(code("pages/item/item", "a b", ""), Code::InvalidQuery);
        assert_eq!(code("pages/item/item", "", "trial"), Code::NotReleased);
        assert_eq!(code("pages/item/item", "", "beta"), Code::InvalidArgs);
        assert_eq!(check_target(None, None, None, None).unwrap_err().code, Code::NotReleased);
    }

    #[test]
    fn expiry_is_at_most_thirty_days() {
        let p = LinkPolicy::default();
        let now = 1_795_399_200_000;
        let e = |t: Option<i64>, time: Option<i64>, interval: Option<i64>| expire_at(&p, &Expiry { expire_type: t, expire_time: time, expire_interval: interval }, now);
        assert_eq!(e(None, None, None).unwrap(), now + 30 * 86_400_000);
        assert_eq!(e(Some(0), Some(now / 1000 + 30 * 86_400), None).unwrap(), now + 30 * 86_400_000);
        assert_eq!(e(Some(0), Some(now / 1000 + 30 * 86_400 + 1), None).unwrap_err().code, Code::InvalidExpireTime);
        assert_eq!(e(Some(0), Some(now / 1000), None).unwrap_err().code, Code::InvalidExpireTime);
        assert_eq!(e(Some(0), Some(now / 1000 + 1), None).unwrap(), now + 1000);
        assert_eq!(e(Some(0), Some(i64::MAX), None).unwrap_err().code, Code::InvalidExpireTime);
        assert_eq!(e(Some(1), None, Some(30)).unwrap(), now + 30 * 86_400_000);
        assert_eq!(e(Some(1), None, Some(1)).unwrap(), now + 86_400_000);
        for bad in [0, 31, -1] {
            assert_eq!(e(Some(1), None, Some(bad)).unwrap_err().code, Code::InvalidExpireTime);
        }
        assert_eq!(e(Some(2), None, None).unwrap_err().code, Code::InvalidArgs);
    }

    #[test]
    fn link_texts() {
        assert_eq!(scheme_text("AbC"), "weixin://dl/business/?t=AbC");
        assert_eq!(url_link_text("http://127.0.0.1:8080", "AbC"), "http://127.0.0.1:8080/l/AbC");
        assert_eq!(short_link_text("咖啡/店", "", "AbC"), "#小程序://咖啡店/AbC");
        assert_eq!(short_link_text("咖啡", "拿铁", "AbC"), "#小程序://咖啡/拿铁/AbC");
    }
}
