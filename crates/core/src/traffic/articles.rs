//! Articles of service and subscription accounts, kept minimal: `POST
//! /cgi-bin/draft/add` `{articles: [{title, author, digest, content,
//! content_source_url, thumb_url, miniprogram: {appid, pagepath}}]}` → `{media_id}`;
//! `draft/get`, `draft/delete`. A draft is shown on the account's page at once (there
//! is no review or `freepublish` step). The linked mini program is the `miniprogram`
//! field, or WeChat's `<mp-miniprogram data-miniprogram-appid data-miniprogram-path>`
//! in the content; it must be of the account's subject or open-platform account, and
//! opening it from the article is scene 1058.

use super::entry_store::{Article, OfficialStore, StoredArticle};
use super::menus::{check_owner, miniprogram_target};
use crate::container::store::{PackageFiles, PackageStore};
use crate::error::{ApiError, Code};
use crate::identity::{App, Identity};
use crate::keys::random_bytes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

type ApiResult<T> = Result<T, ApiError>;

pub const SCENE_ARTICLE: i64 = 1058;
pub const MAX_ARTICLES: usize = 8;
pub const MAX_TITLE: usize = 64;
pub const MAX_AUTHOR: usize = 16;
pub const MAX_DIGEST: usize = 120;
pub const MAX_CONTENT: usize = 20_000;
pub const MAX_URL: usize = 1024;

fn field<'a>(a: &'a Map<String, Value>, k: &str, i: usize) -> ApiResult<&'a str> {
    match a.get(k) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::with(Code::DataFormat, format!("articles[{i}].{k} must be a string"))),
    }
}

/// The value of `attr="…"` in an `<mp-miniprogram>` of the content, if any.
fn attr<'a>(content: &'a str, name: &str) -> Option<&'a str> {
    let tag = content.find("<mp-miniprogram")?;
    let rest = &content[tag..];
    let end = rest.find('>').unwrap_or(rest.len());
    let rest = &rest[..end];
    let at = rest.find(&format!("{name}=\""))? + name.len() + 2;
    let v = &rest[at..];
    Some(&v[..v.find('"')?])
}

/// Checks a `draft/add` body; nothing is stored.
pub async fn check(id: &Identity, packages: &dyn PackageStore, files: &dyn PackageFiles, owner: &App, body: &Map<String, Value>) -> ApiResult<Vec<Article>> {
    check_owner(owner)?;
    let list = match body.get("articles") {
        Some(Value::Array(a)) if (1..=MAX_ARTICLES).contains(&a.len()) => a,
        Some(Value::Array(_)) => return Err(ApiError::with(Code::InvalidArgs, format!("a draft has 1 to {MAX_ARTICLES} articles"))),
        _ => return Err(ApiError::with(Code::DataFormat, "articles must be a list")),
    };
    let mut out = Vec::new();
    for (i, a) in list.iter().enumerate() {
        let a = a.as_object().ok_or_else(|| ApiError::with(Code::DataFormat, format!("articles[{i}] must be an object")))?;
        let title = field(a, "title", i)?.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            return Err(ApiError::with(Code::TitleSizeOutOfLimit, format!("articles[{i}].title: 1 to {MAX_TITLE} characters")));
        }
        let author = field(a, "author", i)?.trim();
        if author.chars().count() > MAX_AUTHOR {
            return Err(ApiError::with(Code::InvalidArgs, format!("articles[{i}].author: at most {MAX_AUTHOR} characters")));
        }
        let digest = field(a, "digest", i)?.trim();
        if digest.chars().count() > MAX_DIGEST {
            return Err(ApiError::with(Code::DescriptionSizeOutOfLimit, format!("articles[{i}].digest: at most {MAX_DIGEST} characters")));
        }
        let content = field(a, "content", i)?;
        if content.trim().is_empty() || content.chars().count() > MAX_CONTENT {
            return Err(ApiError::with(Code::ContentSizeOutOfLimit, format!("articles[{i}].content: 1 to {MAX_CONTENT} characters")));
        }
        let source_url = field(a, "content_source_url", i)?;
        let thumb_url = field(a, "thumb_url", i)?;
        for (k, u) in [("content_source_url", source_url), ("thumb_url", thumb_url)] {
            if u.len() > MAX_URL || !(u.is_empty() || u.starts_with("https://") || u.starts_with("http://")) {
                return Err(ApiError::with(Code::InvalidArgs, format!("articles[{i}].{k}: an http(s) URL of at most {MAX_URL} bytes")));
            }
        }
        let (mp_appid, mp_path) = match a.get("miniprogram") {
            Some(Value::Object(m)) => match m.get("appid").and_then(Value::as_str) {
                Some(appid) => (Some(appid), m.get("pagepath").and_then(Value::as_str)),
                None => return Err(ApiError::with(Code::InvalidWeappAppid, format!("articles[{i}].miniprogram.appid missing"))),
            },
            None | Some(Value::Null) => (attr(content, "data-miniprogram-appid"), attr(content, "data-miniprogram-path")),
            Some(_) => return Err(ApiError::with(Code::DataFormat, format!("articles[{i}].miniprogram must be an object {{appid, pagepath}}"))),
        };
        let miniprogram = match mp_appid {
            Some(appid) => Some(miniprogram_target(id, packages, files, owner, Some(appid), mp_path).await?),
            None => None,
        };
        out.push(Article {
            title: title.into(),
            author: author.into(),
            digest: digest.into(),
            content: content.into(),
            content_source_url: source_url.into(),
            thumb_url: thumb_url.into(),
            miniprogram,
        });
    }
    Ok(out)
}

/// `draft/add`: checks and stores the draft; its `media_id`.
pub async fn add(id: &Identity, store: &dyn OfficialStore, packages: &dyn PackageStore, files: &dyn PackageFiles, owner: &App, body: &Map<String, Value>) -> ApiResult<String> {
    let articles = check(id, packages, files, owner, body).await?;
    let media_id = URL_SAFE_NO_PAD.encode(random_bytes::<24>());
    store.add_draft(owner.id, &media_id, &articles, id.now()).await?;
    Ok(media_id)
}

fn media_id(body: &Map<String, Value>) -> ApiResult<&str> {
    body.get("media_id").and_then(Value::as_str).filter(|m| !m.is_empty() && m.len() <= 64).ok_or_else(|| ApiError::new(Code::InvalidMediaId))
}

/// `draft/get`: `news_item` as WeChat writes it.
pub async fn get(store: &dyn OfficialStore, owner: &App, body: &Map<String, Value>) -> ApiResult<Value> {
    check_owner(owner)?;
    let items = store.draft(owner.id, media_id(body)?).await?;
    if items.is_empty() {
        return Err(Code::InvalidMediaId.into());
    }
    Ok(json!({ "news_item": items.iter().map(item_json).collect::<Vec<_>>() }))
}

/// `draft/delete`.
pub async fn delete(store: &dyn OfficialStore, owner: &App, body: &Map<String, Value>) -> ApiResult<()> {
    check_owner(owner)?;
    if !store.delete_draft(owner.id, media_id(body)?).await? {
        return Err(Code::InvalidMediaId.into());
    }
    Ok(())
}

/// An article as the open API writes it.
pub fn item_json(s: &StoredArticle) -> Value {
    let a = &s.article;
    let mut v = json!({
        "title": a.title, "author": a.author, "digest": a.digest, "content": a.content,
        "content_source_url": a.content_source_url, "thumb_media_id": "", "thumb_url": a.thumb_url,
        "need_open_comment": 0, "only_fans_can_comment": 0, "url": "",
    });
    if let Some((appid, path)) = &a.miniprogram {
        v["miniprogram"] = json!({ "appid": appid, "pagepath": path });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mini_program_tags_in_content() {
        let c = r#"<p>hi</p><mp-miniprogram data-miniprogram-appid="wx0123456789abcdef" data-miniprogram-path="pages/index/index?a=1" data-miniprogram-title="t"></mp-miniprogram>"#;
        assert_eq!(attr(c, "data-miniprogram-appid"), Some("wx0123456789abcdef"));
        assert_eq!(attr(c, "data-miniprogram-path"), Some("pages/index/index?a=1"));
        assert_eq!(attr("<p>none</p>", "data-miniprogram-appid"), None);
        assert_eq!(attr(r#"<mp-miniprogram data-miniprogram-appid="x"#, "data-miniprogram-appid"), None);
    }
}
