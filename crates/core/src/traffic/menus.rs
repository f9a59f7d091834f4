//! Service-account menus (`/cgi-bin/menu/create`, `get`, `delete`), checked as WeChat
//! does: 1–3 buttons of at most 5 sub-buttons, names of at most 16 bytes (60 for
//! sub-buttons), keys of at most 128, URLs of at most 1024, and `miniprogram` buttons
//! `{appid, pagepath, url}` pointing to a page of a mini program of the account's own
//! subject or open-platform account. Opening a mini program from a menu is scene 1035.

use super::target;
use crate::container::store::{PackageFiles, PackageStore};
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind, Identity};
use serde_json::{json, Map, Value};

type ApiResult<T> = Result<T, ApiError>;

pub const SCENE_MENU: i64 = 1035;
pub const MAX_BUTTONS: usize = 3;
pub const MAX_SUB_BUTTONS: usize = 5;
pub const MAX_NAME_BYTES: usize = 16;
pub const MAX_SUB_NAME_BYTES: usize = 60;
pub const MAX_KEY_BYTES: usize = 128;
pub const MAX_URL_BYTES: usize = 1024;

const KEY_TYPES: &[&str] = &["click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin", "location_select"];

/// Menus are for service and subscription accounts.
pub fn check_owner(app: &App) -> ApiResult<()> {
    if !matches!(app.kind, AppKind::Service | AppKind::Subscription) {
        return Err(ApiError::with(Code::ApiUnauthorized, "menus are for service and subscription accounts"));
    }
    Ok(())
}

/// The errors of one level: top-level buttons or sub-buttons.
struct Level {
    sub: bool,
}

impl Level {
    fn code(&self, top: Code, sub: Code) -> Code {
        if self.sub {
            sub
        } else {
            top
        }
    }
    fn err(&self, top: Code, sub: Code, d: String) -> ApiError {
        ApiError::with(self.code(top, sub), d)
    }
}

fn text<'a>(b: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    b.get(k).and_then(Value::as_str)
}

/// Checks a `menu/create` body and returns the menu as `menu/get` gives it back (known
/// fields only, `sub_button: []` on leaves as WeChat writes them). Mini programs and
/// their pages are looked up; nothing is stored.
pub async fn check(id: &Identity, packages: &dyn PackageStore, files: &dyn PackageFiles, owner: &App, body: &Map<String, Value>) -> ApiResult<Value> {
    let buttons = match body.get("button") {
        Some(Value::Array(b)) if (1..=MAX_BUTTONS).contains(&b.len()) => b,
        _ => return Err(ApiError::with(Code::InvalidButtonSize, format!("a menu has 1 to {MAX_BUTTONS} buttons"))),
    };
    let mut out = Vec::new();
    for (i, b) in buttons.iter().enumerate() {
        let b = b.as_object().ok_or_else(|| ApiError::with(Code::InvalidButtonType, format!("button[{i}] is not an object")))?;
        let top = Level { sub: false };
        let name = check_name(b, &top, i)?;
        match b.get("sub_button") {
            Some(Value::Array(subs)) if !subs.is_empty() => {
                if subs.len() > MAX_SUB_BUTTONS {
                    return Err(ApiError::with(Code::InvalidSubButtonSize, format!("button[{i}] has more than {MAX_SUB_BUTTONS} sub-buttons")));
                }
                let mut subs_out = Vec::new();
                for (j, s) in subs.iter().enumerate() {
                    let s = s.as_object().ok_or_else(|| ApiError::with(Code::InvalidSubButtonType, format!("button[{i}].sub_button[{j}] is not an object")))?;
                    let lvl = Level { sub: true };
                    let sname = check_name(s, &lvl, j)?;
                    subs_out.push(leaf(id, packages, files, owner, s, &lvl, sname).await?);
                }
                out.push(json!({ "name": name, "sub_button": subs_out }));
            }
            Some(Value::Array(_)) | None | Some(Value::Null) => out.push(leaf(id, packages, files, owner, b, &top, name).await?),
            Some(_) => return Err(ApiError::with(Code::InvalidSubButtonSize, format!("button[{i}].sub_button must be a list"))),
        }
    }
    Ok(json!({ "button": out }))
}

fn check_name(b: &Map<String, Value>, lvl: &Level, i: usize) -> ApiResult<String> {
    let max = if lvl.sub { MAX_SUB_NAME_BYTES } else { MAX_NAME_BYTES };
    match text(b, "name") {
        Some(n) if !n.trim().is_empty() && n.len() <= max => Ok(n.to_string()),
        _ => Err(lvl.err(Code::InvalidButtonNameSize, Code::InvalidSubButtonNameSize, format!("button {i}: name of 1 to {max} bytes"))),
    }
}

fn check_url(b: &Map<String, Value>, lvl: &Level) -> ApiResult<String> {
    match text(b, "url") {
        Some(u) if !u.is_empty() && u.len() <= MAX_URL_BYTES && (u.starts_with("http://") || u.starts_with("https://")) => Ok(u.to_string()),
        _ => Err(lvl.err(Code::InvalidButtonUrlSize, Code::InvalidSubButtonUrlSize, format!("url: an http(s) URL of at most {MAX_URL_BYTES} bytes"))),
    }
}

async fn leaf(id: &Identity, packages: &dyn PackageStore, files: &dyn PackageFiles, owner: &App, b: &Map<String, Value>, lvl: &Level, name: String) -> ApiResult<Value> {
    let kind = text(b, "type").unwrap_or("");
    let mut out = json!({ "type": kind, "name": name });
    match kind {
        k if KEY_TYPES.contains(&k) => match text(b, "key") {
            Some(key) if !key.is_empty() && key.len() <= MAX_KEY_BYTES => out["key"] = key.into(),
            _ => return Err(lvl.err(Code::InvalidButtonKeySize, Code::InvalidSubButtonKeySize, format!("key of 1 to {MAX_KEY_BYTES} bytes"))),
        },
        "view" => out["url"] = check_url(b, lvl)?.into(),
        "miniprogram" => {
            // The URL is what clients too old for mini programs open instead.
            out["url"] = check_url(b, lvl)?.into();
            let (appid, pagepath) = miniprogram_target(id, packages, files, owner, text(b, "appid"), text(b, "pagepath")).await?;
            out["appid"] = appid.into();
            out["pagepath"] = pagepath.into();
        }
        "media_id" | "view_limited" => match text(b, "media_id") {
            Some(m) if !m.is_empty() && m.len() <= 128 => out["media_id"] = m.into(),
            _ => return Err(ApiError::with(Code::InvalidMediaId, "media_id missing")),
        },
        "article_id" | "article_view_limited" => match text(b, "article_id") {
            Some(m) if !m.is_empty() && m.len() <= 128 => out["article_id"] = m.into(),
            _ => return Err(ApiError::with(Code::InvalidArgs, "article_id missing")),
        },
        other => {
            return Err(lvl.err(Code::InvalidButtonType, Code::InvalidSubButtonType, format!("type {:?} is not a button type", other.chars().take(30).collect::<String>())))
        }
    }
    out["sub_button"] = json!([]);
    Ok(out)
}

/// A mini program an account (menu, article) may open, and one of its pages: 40166 for
/// an unknown app, one that is no mini program, or one of another subject and
/// open-platform account; 40165 for a page its current version does not have. Returns
/// the appid and the page with its query as given (without a leading `/`).
pub async fn miniprogram_target(id: &Identity, packages: &dyn PackageStore, files: &dyn PackageFiles, owner: &App, appid: Option<&str>, pagepath: Option<&str>) -> ApiResult<(String, String)> {
    let appid = appid.filter(|a| crate::keys::is_appid(a)).ok_or_else(|| ApiError::with(Code::InvalidWeappAppid, "appid missing or malformed"))?;
    let mp = id.store().app_by_appid(appid).await?.ok_or_else(|| ApiError::with(Code::InvalidWeappAppid, "no such mini program"))?;
    if mp.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::InvalidWeappAppid, "not a mini program"));
    }
    if !target::same_owner(owner, &mp) {
        return Err(ApiError::with(Code::InvalidWeappAppid, "the mini program is not of the account's subject or open-platform account"));
    }
    let path = pagepath.unwrap_or("");
    if path.trim().is_empty() {
        return Err(ApiError::with(Code::InvalidWeappPagepath, "pagepath missing"));
    }
    target::check_page(packages, files, &mp, path).await?;
    Ok((mp.appid, path.trim_start_matches('/').to_string()))
}
