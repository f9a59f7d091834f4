//! Mini-program codes and QR codes (docs/traffic.md, "Codes"): what a request must
//! hold, what the symbol encodes, and the lifetime limit of the limited kinds. The
//! image itself is drawn by the server.
//!
//! A code holds a URL of the platform, so any scanner leads somewhere:
//! - limited kinds (getwxacode, createwxaqrcode): `<origin>/c/<id>`, a stored row;
//! - unlimited (getwxacodeunlimit): `<origin>/c/u/<appid>?p=<page>&s=<scene>&m=<mac>`,
//!   no row: the MAC (keyed from the platform key) makes forged scene strings fail.

use super::link_policy::LinkPolicy;
use super::link_store::{CodeKind, CodeOutcome, LinkStore, NewCode, Quota, StoredCode};
use super::links::{check_app, check_env, deployed, is_code, new_code};
use super::pages::AppPages;
use super::params::{self, check_query, check_scene, encode_component, is_page_path, split_path};
use crate::error::{ApiError, Code};
use crate::identity::App;
use crate::keys::{ct_eq, Keys};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

pub const MIN_WIDTH: u32 = 280;
pub const MAX_WIDTH: u32 = 1280;
pub const DEFAULT_WIDTH: u32 = 430;
/// Bytes of the MAC in an unlimited code's URL (96 bits, 16 characters).
const MAC_BYTES: usize = 12;
const MAC_PURPOSE: &[u8] = b"openmini/code/unlimited/v1";

/// How the image looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Width and height in pixels.
    pub width: u32,
    /// The modules' colour.
    pub color: [u8; 3],
    /// A transparent background instead of white.
    pub transparent: bool,
}

fn channel(v: Option<&Value>, name: &str) -> Result<u8, ApiError> {
    let bad = || ApiError::with(Code::InvalidArgs, format!("line_color.{name} must be an integer 0 to 255"));
    let n = match v {
        None | Some(Value::Null) => return Ok(0),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(bad)?,
        Some(Value::String(s)) => s.trim().parse::<i64>().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
    };
    u8::try_from(n).map_err(|_| bad())
}

/// `width` (280 to 1280, default 430; 40097 otherwise), `line_color {r, g, b}` unless
/// `auto_color` (then black: the platform does not pick colours), `is_hyaline`.
pub fn look(width: Option<i64>, auto_color: bool, line_color: Option<&Value>, is_hyaline: bool) -> Result<Look, ApiError> {
    let width = match width {
        None => DEFAULT_WIDTH,
        Some(w) if (MIN_WIDTH as i64..=MAX_WIDTH as i64).contains(&w) => w as u32,
        Some(_) => return Err(ApiError::with(Code::InvalidArgs, format!("width must be {MIN_WIDTH} to {MAX_WIDTH} pixels"))),
    };
    let color = match line_color {
        None | Some(Value::Null) => [0, 0, 0],
        Some(Value::Object(o)) => [channel(o.get("r"), "r")?, channel(o.get("g"), "g")?, channel(o.get("b"), "b")?],
        Some(_) => return Err(ApiError::with(Code::InvalidArgs, "line_color must be an object {r, g, b}")),
    };
    Ok(Look { width, color: if auto_color { [0, 0, 0] } else { color }, transparent: is_hyaline })
}

/// What an unlimited code opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlimited {
    /// `""`: the home page.
    pub page: String,
    pub scene: String,
}

/// `getwxacodeunlimit`: `scene` 1–32 characters of its set (40169); `page` without a
/// leading `/` (41030), a page of the current version when `check_path` (41030; 85079
/// with nothing deployed), otherwise only well formed; `env_version` `release`.
pub fn unlimited(pages: Option<&AppPages>, scene: Option<&str>, page: Option<&str>, check_path: bool, env: Option<&str>) -> Result<Unlimited, ApiError> {
    check_scene(scene.unwrap_or(""))?;
    check_env(env)?;
    let page = page.unwrap_or("");
    let bad = |d: String| ApiError::with(Code::InvalidPage, d);
    if page.starts_with('/') {
        return Err(bad("page must not start with /".into()));
    }
    if !page.is_empty() && (page.len() > params::MAX_CODE_PAGE || !is_page_path(page)) {
        return Err(bad(format!("page must be a page path of at most {} bytes without a query", params::MAX_CODE_PAGE)));
    }
    if check_path {
        let pages = deployed(pages)?;
        if !page.is_empty() && !pages.has(page) {
            return Err(bad(format!("{page:?} is not a page of version {} (check_path: false skips this check)", pages.version)));
        }
    }
    Ok(Unlimited { page: page.to_string(), scene: scene.unwrap_or("").to_string() })
}

fn mac(keys: &Keys, appid: &str, page: &str, scene: &str) -> String {
    let m = keys.mac(MAC_PURPOSE, &[appid.as_bytes(), page.as_bytes(), scene.as_bytes()]);
    URL_SAFE_NO_PAD.encode(&m[..MAC_BYTES])
}

/// The URL an unlimited code holds.
pub fn unlimited_url(keys: &Keys, origin: &str, appid: &str, u: &Unlimited) -> String {
    format!("{origin}/c/u/{appid}?p={}&s={}&m={}", encode_component(&u.page), encode_component(&u.scene), mac(keys, appid, &u.page, &u.scene))
}

/// Whether `m` is the platform's MAC of this appid, page and scene (constant time).
pub fn verify_unlimited(keys: &Keys, appid: &str, page: &str, scene: &str, m: &str) -> bool {
    m.len() <= 64 && ct_eq(mac(keys, appid, page, scene).as_bytes(), m.as_bytes())
}

/// The URL a limited code holds.
pub fn code_url(origin: &str, id: &str) -> String {
    format!("{origin}/c/{id}")
}

/// `getwxacode` / `createwxaqrcode`: `path` (page and query, at most 128 bytes, a
/// leading `/` dropped) whose page the current version has (41030; 85079 with nothing
/// deployed) and whose query is within the link rules (40212). The app's code of that
/// kind and path if it has one; otherwise a new one, counted against the 100,000 both
/// kinds share (45029).
pub async fn limited(
    store: &dyn LinkStore,
    policy: &LinkPolicy,
    app: &App,
    pages: Option<&AppPages>,
    kind: CodeKind,
    path: Option<&str>,
    now: i64,
) -> Result<StoredCode, ApiError> {
    check_app(app)?;
    let bad = |d: String| ApiError::with(Code::InvalidPage, d);
    let path = path.unwrap_or("").trim_start_matches('/');
    if path.is_empty() {
        return Err(bad("path is required".into()));
    }
    if path.len() > params::MAX_CODE_PATH {
        return Err(bad(format!("path is longer than {} bytes", params::MAX_CODE_PATH)));
    }
    let (page, query) = split_path(path);
    let pages = deployed(pages)?;
    if !is_page_path(page) || !pages.has(page) {
        return Err(bad(format!("{:?} is not a page of version {}", page.chars().take(80).collect::<String>(), pages.version)));
    }
    check_query(query)?;
    let code = NewCode { id: new_code(), app_id: app.id, kind, path: page.to_string(), query: query.to_string(), created_at: now };
    let quota = Quota { name: "codes", window: 0, limit: policy.limited_codes };
    match store.create_code(&code, &quota).await? {
        CodeOutcome::Created => Ok(StoredCode { code, opens: Default::default() }),
        CodeOutcome::Existing(c) => Ok(c),
        CodeOutcome::Refused => Err(ApiError::with(Code::CodeCountLimit, format!("{} getwxacode and createwxaqrcode codes per app", policy.limited_codes))),
    }
}

/// A limited code by its id, if the id has the shape of one.
pub async fn find(store: &dyn LinkStore, id: &str) -> Result<Option<StoredCode>, ApiError> {
    Ok(if is_code(id) { store.code(id).await? } else { None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pages() -> AppPages {
        AppPages::from_manifest(1, &json!({"packages": [{"root": "", "pages": ["pages/index/index", "pages/item/item"]}]}))
    }

    #[test]
    fn looks() {
        assert_eq!(look(None, false, None, false).unwrap(), Look { width: 430, color: [0, 0, 0], transparent: false });
        let l = look(Some(280), false, Some(&json!({"r": 255, "g": "128", "b": 0})), true).unwrap();
        assert_eq!(l, Look { width: 280, color: [255, 128, 0], transparent: true });
        assert_eq!(look(Some(1280), true, Some(&json!({"r": 255})), false).unwrap().color, [0, 0, 0], "auto_color: black");
        for w in [279, 1281, 0, -5] {
            assert_eq!(look(Some(w), false, None, false).unwrap_err().code, Code::InvalidArgs, "{w}");
        }
        for c in [json!({"r": 256}), json!({"g": -1}), json!({"b": "x"}), json!({"r": 1.5}), json!([0, 0, 0]), json!("red")] {
            assert_eq!(look(None, false, Some(&c), false).unwrap_err().code, Code::InvalidArgs, "{c}");
        }
    }

    #[test]
    fn unlimited_requests() {
        let p = pages();
        let u = unlimited(Some(&p), Some("id=42&from=poster"), Some("pages/item/item"), true, None).unwrap();
        assert_eq!((u.page.as_str(), u.scene.as_str()), ("pages/item/item", "id=42&from=poster"));
        assert_eq!(unlimited(Some(&p), Some("a"), None, true, None).unwrap().page, "");
        assert_eq!(unlimited(None, Some("a"), Some("any/page"), false, None).unwrap().page, "any/page");
        let code = |scene: Option<&str>, page: &str, check: bool| unlimited(Some(&p), scene, Some(page), check, None).unwrap_err().code;
        assert_eq!(code(None, "", true), Code::InvalidScene);
        assert_eq!(code(Some(&"x".repeat(33)), "", true), Code::InvalidScene);
        assert_eq!(code(Some("a"), "/pages/item/item", true), Code::InvalidPage);
        assert_eq!(code(Some("a"), "pages/none", true), Code::InvalidPage);
        assert_eq!(code(Some("a"), "pages/item/item?x=1", false), Code::InvalidPage);
        assert_eq!(unlimited(None, Some("a"), None, true, None).unwrap_err().code, Code::NotReleased);
        assert_eq!(unlimited(Some(&p), Some("a"), None, true, Some("develop")).unwrap_err().code, Code::NotReleased);
    }

    #[test]
    fn unlimited_urls_carry_a_mac() {
        let k = Keys::from_master(&[3; 32]);
        let u = Unlimited { page: "pages/item/item".into(), scene: "id=42&x=/?#".into() };
        let url = unlimited_url(&k, "http://h:1", "wx0123456789abcdef", &u);
        assert!(url.starts_with("http://h:1/c/u/wx0123456789abcdef?p=pages%2Fitem%2Fitem&s=id%3D42%26x%3D%2F%3F%23&m="), "{url}");
        let m = params::query_param(url.split_once('?').unwrap().1, "m").unwrap();
        assert_eq!(m.len(), 16);
        assert!(verify_unlimited(&k, "wx0123456789abcdef", "pages/item/item", "id=42&x=/?#", &m));
        assert!(!verify_unlimited(&k, "wx0123456789abcdef", "pages/item/item", "id=43&x=/?#", &m), "a forged scene");
        assert!(!verify_unlimited(&k, "wx0123456789abcdee", "pages/item/item", "id=42&x=/?#", &m));
        assert!(!verify_unlimited(&k, "wx0123456789abcdef", "pages/index/index", "id=42&x=/?#", &m));
        assert!(!verify_unlimited(&Keys::from_master(&[4; 32]), "wx0123456789abcdef", "pages/item/item", "id=42&x=/?#", &m));
        assert_eq!(code_url("http://h:1", "AbC"), "http://h:1/c/AbC");
    }
}
