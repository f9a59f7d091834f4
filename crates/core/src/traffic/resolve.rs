//! What any link or code opens, with its scene (docs/traffic.md, "Scenes"), and the
//! open counted and recorded in one step.
//!
//! The texts understood: encrypted schemes `weixin://dl/business/?t=<code>[&cq=…]`,
//! plain schemes `weixin://dl/business/?appid=&path=&query=&env_version=`, URL links
//! `<any origin>/l/<code>[?cq=…]` (or the path alone), short links
//! `#小程序://<name>/[<title>/]<code>`, and codes' URLs `…/c/<id>` and
//! `…/c/u/<appid>?p=&s=&m=`. `cq` (WeChat's "spliced" parameters) is appended to the
//! link's own query.
//!
//! Scenes: schemes, URL links and short links 1065; plain schemes 1286; a mini-program
//! code (getwxacode, getwxacodeunlimit) 1047 scanned by a camera, 1048 long-pressed in
//! an image, 1049 from the album; a QR code (createwxaqrcode) 1011 / 1012 / 1013.

use super::codes::verify_unlimited;
use super::link_policy::LinkPolicy;
use super::link_store::{CodeKind, LinkKind, LinkStore, OpenRecord, OpenTarget, Quota};
use super::links::{check_env, is_code};
use super::params::{check_query, encode_component, is_page_path, query_object, query_param};
use crate::container::store::NewEvent;
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind, Identity};
use crate::keys::is_appid;
use serde_json::{json, Map, Value};

/// Longest link text looked at.
pub const MAX_TEXT: usize = 4096;

pub const SCENE_LINK: i64 = 1065;
pub const SCENE_PLAIN: i64 = 1286;

/// A link or code as written, before anything is looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkText {
    Scheme { code: String, cq: String },
    UrlLink { code: String, cq: String },
    ShortLink { code: String },
    Plain { appid: String, path: String, query: String, env_version: String },
    Code { id: String },
    Unlimited { appid: String, page: String, scene: String, mac: String },
}

/// Reads a link or code's URL; `None` when it is none of the platform's.
pub fn parse(text: &str) -> Option<LinkText> {
    let t = text.trim();
    if t.len() > MAX_TEXT {
        return None;
    }
    let lower_prefix = |p: &str| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    if lower_prefix("weixin://dl/business") {
        let rest = &t["weixin://dl/business".len()..];
        let (before, q) = rest.split_once('?').unwrap_or((rest, ""));
        if !before.is_empty() && before != "/" {
            return None;
        }
        let p = |n: &str| query_param(q, n).unwrap_or_default();
        let code = p("t");
        if !code.is_empty() {
            return Some(LinkText::Scheme { code, cq: p("cq") });
        }
        return Some(LinkText::Plain { appid: p("appid"), path: p("path"), query: p("query"), env_version: p("env_version") });
    }
    if let Some(rest) = t.strip_prefix("#小程序://") {
        let code = rest.rsplit('/').next().unwrap_or("");
        return (!code.is_empty() && rest.contains('/')).then(|| LinkText::ShortLink { code: code.to_string() });
    }
    // A URL of this platform (any origin: the path says what it is), or its path alone.
    let path_and_query = if lower_prefix("http://") || lower_prefix("https://") {
        let after = &t[t.find("://")? + 3..];
        &after[after.find('/')?..]
    } else if t.starts_with('/') {
        t
    } else {
        return None;
    };
    let path_and_query = path_and_query.split('#').next().unwrap_or("");
    let (path, q) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    match segs.as_slice() {
        ["", "l", code] => Some(LinkText::UrlLink { code: code.to_string(), cq: query_param(q, "cq").unwrap_or_default() }),
        ["", "c", "u", appid] => Some(LinkText::Unlimited {
            appid: appid.to_string(),
            page: query_param(q, "p").unwrap_or_default(),
            scene: query_param(q, "s").unwrap_or_default(),
            mac: query_param(q, "m").unwrap_or_default(),
        }),
        ["", "c", id] => Some(LinkText::Code { id: id.to_string() }),
        _ => None,
    }
}

/// How a code reached the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// An image picked in 扫一扫 (from the album): 1049 / 1013.
    Album,
    /// A camera scanned it (the code's page opened in a browser): 1047 / 1011.
    Camera,
    /// Long-pressed in an image the shell shows: 1048 / 1012.
    LongPress,
    /// Pasted as text: as scanned, 1047 / 1011.
    Text,
}

impl Via {
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "album" => Some(Via::Album),
            "camera" | "scan" => Some(Via::Camera),
            "longpress" => Some(Via::LongPress),
            "" | "text" | "browser" => Some(Via::Text),
            _ => None,
        }
    }
}

/// The scene a code opens with: mini-program codes 1047 / 1048 / 1049, QR codes
/// 1011 / 1012 / 1013 (camera, long press, album).
pub fn code_scene(kind: CodeKind, via: Via) -> i64 {
    let base = match kind {
        CodeKind::WxaCode => 1047,
        CodeKind::QrCode => 1011,
    };
    base + match via {
        Via::Camera | Via::Text => 0,
        Via::LongPress => 1,
        Via::Album => 2,
    }
}

/// What a link or code opens, looked up but not counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub app: App,
    /// `""`: the home page.
    pub path: String,
    /// What the page gets as `query` (an unlimited code's `scene` URL-encoded, as
    /// WeChat hands it over).
    pub query: Map<String, Value>,
    /// `scheme`, `urllink`, `shortlink`, `plain`, `wxacode`, `qrcode` or `unlimited`.
    pub kind: &'static str,
    /// The link's code or limited code's id; an unlimited code's scene string.
    pub source: Option<String>,
    /// Short links: the title.
    pub title: String,
    /// Unix ms; `None`: never.
    pub expire_at: Option<i64>,
    /// Mini-program code or QR code (for the scene); `None` for links.
    code_kind: Option<CodeKind>,
    /// The row whose opens count.
    row: Option<(bool, String)>,
    /// Counted against the day's opens: schemes (encrypted and plain) and URL links.
    counted: bool,
}

fn unknown(d: &str) -> ApiError {
    ApiError::with(Code::LinkNotFound, d)
}

fn mini_program(app: Option<App>) -> Result<App, ApiError> {
    app.filter(|a| a.kind == AppKind::Miniprogram).ok_or_else(|| unknown("the mini program of this link no longer exists"))
}

/// The stored query with `cq` appended (each within the query rules).
fn with_cq(query: &str, cq: &str) -> Result<String, ApiError> {
    if cq.is_empty() {
        return Ok(query.to_string());
    }
    check_query(cq).map_err(|e| ApiError::with(Code::InvalidQuery, format!("cq: {}", e.detail.unwrap_or_default())))?;
    Ok(if query.is_empty() { cq.to_string() } else { format!("{query}&{cq}") })
}

/// Looks a link or code up: 85403 for what is not one of the platform's (or was
/// forged), 85920 past its expiry, 40013 / 85079 / 40165 / 40212 for a plain scheme
/// that names no mini program, another version or a malformed target.
pub async fn target(identity: &Identity, store: &dyn LinkStore, text: &str) -> Result<Target, ApiError> {
    let now = identity.now();
    let parsed = parse(text).ok_or_else(|| ApiError::with(Code::InvalidArgs, "not a link or code of a mini program"))?;
    let ids = identity.store();
    let t = match parsed {
        LinkText::Scheme { code, cq } => link_target(identity, store, &code, &cq, LinkKind::Scheme).await?,
        LinkText::UrlLink { code, cq } => link_target(identity, store, &code, &cq, LinkKind::UrlLink).await?,
        LinkText::ShortLink { code } => link_target(identity, store, &code, "", LinkKind::ShortLink).await?,
        LinkText::Plain { appid, path, query, env_version } => {
            if !is_appid(&appid) {
                return Err(ApiError::with(Code::InvalidAppid, "the scheme's appid is not wx + 16 hex digits"));
            }
            let app = ids.app_by_appid(&appid).await?.filter(|a| a.kind == AppKind::Miniprogram).ok_or(Code::InvalidAppid)?;
            check_env(Some(&env_version))?;
            let path = path.trim_start_matches('/').to_string();
            if !path.is_empty() && !is_page_path(&path) {
                return Err(ApiError::with(Code::InvalidWeappPagepath, "the scheme's path is not a page path"));
            }
            check_query(&query)?;
            Target { app, path, query: query_object(&query), kind: "plain", source: None, title: String::new(), expire_at: None, code_kind: None, row: None, counted: true }
        }
        LinkText::Code { id } => {
            let c = if is_code(&id) { store.code(&id).await? } else { None };
            let c = c.ok_or_else(|| unknown("no such code"))?;
            let app = mini_program(ids.app_by_id(c.code.app_id).await?)?;
            Target {
                app,
                path: c.code.path.clone(),
                query: query_object(&c.code.query),
                kind: c.code.kind.as_str(),
                source: Some(id.clone()),
                title: String::new(),
                expire_at: None,
                code_kind: Some(c.code.kind),
                row: Some((false, id)),
                counted: false,
            }
        }
        LinkText::Unlimited { appid, page, scene, mac } => {
            let app = if is_appid(&appid) { ids.app_by_appid(&appid).await? } else { None };
            let app = app.ok_or_else(|| unknown("no such code"))?;
            if !verify_unlimited(identity.keys(), &app.appid, &page, &scene, &mac) {
                return Err(unknown("this code was not made by the platform (its signature does not match)"));
            }
            let app = mini_program(Some(app))?;
            let mut query = Map::new();
            query.insert("scene".into(), Value::String(encode_component(&scene)));
            Target {
                app,
                path: page,
                query,
                kind: "unlimited",
                source: Some(scene),
                title: String::new(),
                expire_at: None,
                code_kind: Some(CodeKind::WxaCode),
                row: None,
                counted: false,
            }
        }
    };
    if let Some(at) = t.expire_at.filter(|at| now >= *at) {
        return Err(ApiError::with(Code::LinkExpired, format!("it expired at {} (Unix seconds)", at.div_euclid(1000))));
    }
    Ok(t)
}

async fn link_target(identity: &Identity, store: &dyn LinkStore, code: &str, cq: &str, kind: LinkKind) -> Result<Target, ApiError> {
    let l = if is_code(code) { store.link(code).await? } else { None };
    let l = l.filter(|l| l.link.kind == kind).ok_or_else(|| unknown("no such link"))?;
    let app = mini_program(identity.store().app_by_id(l.link.app_id).await?)?;
    let query = with_cq(&l.link.query, cq)?;
    Ok(Target {
        app,
        path: l.link.path.clone(),
        query: query_object(&query),
        kind: kind.as_str(),
        source: Some(code.to_string()),
        title: l.link.title.clone(),
        expire_at: l.link.expire_at,
        code_kind: None,
        row: Some((true, code.to_string())),
        counted: kind != LinkKind::ShortLink,
    })
}

/// An open, as the host starts the mini program.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub target: Target,
    pub scene: i64,
}

impl Target {
    /// The scene this target opens with when it reached the user `via`.
    pub fn scene(&self, via: Via) -> i64 {
        match (self.code_kind, self.kind) {
            (Some(k), _) => code_scene(k, via),
            (None, "plain") => SCENE_PLAIN,
            _ => SCENE_LINK,
        }
    }
}

/// Opens a link or code for `user_id`: looks it up ([`target`]), then in one atomic
/// step counts the day's opens (schemes and URL links: at most 3,000,000; 45009 and
/// nothing written past it), the link's or code's opens and last visitor, and the
/// app's `open` event with its scene and source.
pub async fn open(identity: &Identity, store: &dyn LinkStore, policy: &LinkPolicy, user_id: i64, text: &str, via: Via) -> Result<Opening, ApiError> {
    let t = target(identity, store, text).await?;
    let now = identity.now();
    let scene = t.scene(via);
    let event = NewEvent {
        kind: "open",
        name: None,
        data: json!({ "query": t.query, "referrerInfo": {}, "source": t.source, "via": t.kind }).to_string(),
        scene: Some(scene),
        path: Some(t.path.clone()),
        client_at: None,
    };
    let quota = t.counted.then(|| Quota { name: "opens", window: identity.policy().day_of(now), limit: policy.opens_per_day });
    let target = match &t.row {
        Some((true, code)) => OpenTarget::Link(code),
        Some((false, id)) => OpenTarget::Code(id),
        None => OpenTarget::Nothing,
    };
    let rec = OpenRecord { app_id: t.app.id, user_id, target, quota, event: &event, now };
    if !store.record_open(&rec).await? {
        return Err(ApiError::with(Code::DailyQuota, format!("{} opens by schemes and URL links a day", policy.opens_per_day)));
    }
    Ok(Opening { target: t, scene })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn texts() {
        let s = |code: &str, cq: &str| Some(LinkText::Scheme { code: code.into(), cq: cq.into() });
        assert_eq!(parse("weixin://dl/business/?t=AbC123"), s("AbC123", ""));
        assert_eq!(parse("  WEIXIN://dl/business?t=AbC123&cq=a%3Dhello "), s("AbC123", "a=hello"));
        assert_eq!(
            parse("weixin://dl/business/?appid=wx0123456789abcdef&path=pages/a&query=a%3D1%26b%3D2&env_version=release"),
            Some(LinkText::Plain { appid: "wx0123456789abcdef".into(), path: "pages/a".into(), query: "a=1&b=2".into(), env_version: "release".into() })
        );
        assert_eq!(parse("weixin://dl/businessX/?t=1"), None);
        let u = |code: &str, cq: &str| Some(LinkText::UrlLink { code: code.into(), cq: cq.into() });
        assert_eq!(parse("https://mini.example.com/l/AbC123"), u("AbC123", ""));
        assert_eq!(parse("http://127.0.0.1:8080/l/AbC123?cq=x%3D1#top"), u("AbC123", "x=1"));
        assert_eq!(parse("/l/AbC123/"), u("AbC123", ""));
        assert_eq!(parse("#小程序://咖啡/拿铁/AbC123"), Some(LinkText::ShortLink { code: "AbC123".into() }));
        assert_eq!(parse("#小程序://咖啡/AbC123"), Some(LinkText::ShortLink { code: "AbC123".into() }));
        assert_eq!(parse("#小程序://AbC123"), None);
        assert_eq!(parse("http://h/c/AbC123"), Some(LinkText::Code { id: "AbC123".into() }));
        assert_eq!(
            parse("http://h/c/u/wx0123456789abcdef?p=pages%2Fa&s=id%3D1&m=MAC"),
            Some(LinkText::Unlimited { appid: "wx0123456789abcdef".into(), page: "pages/a".into(), scene: "id=1".into(), mac: "MAC".into() })
        );
        for none in ["", "hello", "https://example.com/", "https://example.com/x/AbC", "ftp://h/l/AbC", "http://h", "/l/", "/l/a/b", &format!("/l/{}", "a".repeat(5000))] {
            assert_eq!(parse(none), None, "{none:?}");
        }
    }

    #[test]
    fn scenes() {
        assert_eq!([Via::Camera, Via::LongPress, Via::Album, Via::Text].map(|v| code_scene(CodeKind::WxaCode, v)), [1047, 1048, 1049, 1047]);
        assert_eq!([Via::Camera, Via::LongPress, Via::Album, Via::Text].map(|v| code_scene(CodeKind::QrCode, v)), [1011, 1012, 1013, 1011]);
        assert_eq!(Via::parse("album"), Some(Via::Album));
        assert_eq!(Via::parse(""), Some(Via::Text));
        assert_eq!(Via::parse("telepathy"), None);
        assert_eq!(with_cq("a=1", "b=2").unwrap(), "a=1&b=2");
        assert_eq!(with_cq("", "b=2").unwrap(), "b=2");
        assert_eq!(with_cq("a=1", "").unwrap(), "a=1");
        assert_eq!(with_cq("a=1", "b 2").unwrap_err().code, Code::InvalidQuery);
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,120}", tail in "[a-z/?=&%#:.0-9]{0,40}") {
            for prefix in ["", "weixin://dl/business/?", "#小程序://", "http://h/l/", "https://h/c/u/", "/c/", "HTTP://"] {
                let _ = parse(&format!("{prefix}{s}{tail}"));
            }
        }
    }
}
