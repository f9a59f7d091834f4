//! Landing pages of links and codes (docs/traffic.md): what any browser shows for
//! `GET /l/<code>` (a URL link), `GET /c/<id>` and `GET /c/u/<appid>?…` (the URLs a
//! code holds, opened by a phone's camera): the app's name, the page's title and an
//! "open" button into the shell at `/#/open?link=…&from=…`; a clear page with 410 for
//! an expired link and 404 for an unknown one. Looking costs no open: only the shell's
//! `links/resolve` counts one.
//!
//! The HTML comes from the binary (`landing.html`), every value escaped; no script,
//! and a CSP that allows none.

use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openmini_core::traffic::params::encode_component;
use openmini_core::traffic::resolve;
use openmini_core::Code;

const TEMPLATE: &str = include_str!("landing.html");
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/l/{code}", get(|s: State<AppState>, Path(code): Path<String>, RawQuery(q): RawQuery| async move { page(&s, &with_query(&format!("/l/{code}"), q), "text").await }))
        .route("/c/u/{appid}", get(|s: State<AppState>, Path(appid): Path<String>, RawQuery(q): RawQuery| async move { page(&s, &with_query(&format!("/c/u/{appid}"), q), "camera").await }))
        .route("/c/{id}", get(|s: State<AppState>, Path(id): Path<String>| async move { page(&s, &format!("/c/{id}"), "camera").await }))
}

fn with_query(path: &str, q: Option<String>) -> String {
    match q.filter(|q| !q.is_empty()) {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    }
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DD HH:MM` of a Unix ms instant, `tz_secs` east of UTC.
fn local_time(ms: i64, tz_secs: i64) -> String {
    let secs = ms.div_euclid(1000) + tz_secs;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", rem / 3600, rem % 3600 / 60)
}

struct View<'a> {
    status: StatusCode,
    state: &'a str,
    icon: String,
    heading: String,
    detail: String,
    action: String,
    hint: &'a str,
}

fn render(v: View<'_>) -> Response {
    let html = TEMPLATE
        .replace("{{title}}", &escape(&v.heading))
        .replace("{{state}}", v.state)
        .replace("{{icon}}", &escape(&v.icon))
        .replace("{{heading}}", &escape(&v.heading))
        .replace("{{detail}}", &escape(&v.detail))
        .replace("{{hint}}", &escape(v.hint))
        .replace("{{action}}", &v.action);
    let mut res = (v.status, html).into_response();
    let hs = res.headers_mut();
    hs.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    hs.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    hs.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    hs.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    res
}

const HOME: &str = r#"<a class="secondary" href="/">前往 OpenMini</a>"#;

async fn page(s: &AppState, text: &str, via: &str) -> Response {
    let is_code = text.starts_with("/c/");
    let view = match resolve::target(&s.identity, &s.db, text).await {
        Ok(t) => {
            let page = if t.path.is_empty() { None } else { Some(t.path.as_str()) };
            let mut title = t.title.clone();
            if title.is_empty() {
                if let Ok(Some(pages)) = crate::app_pages::current(s, &t.app).await {
                    title = pages.title(page.unwrap_or(&pages.home)).unwrap_or("").to_string();
                }
            }
            let href = format!("/#/open?link={}&from={via}", encode_component(text));
            View {
                status: StatusCode::OK,
                state: "ok",
                icon: t.app.name.chars().next().map(String::from).unwrap_or_else(|| "小".into()),
                heading: t.app.name.clone(),
                detail: if title.is_empty() { "小程序".into() } else { title },
                action: format!(r#"<a id="link-open" class="open" href="{}">打开小程序</a>"#, escape(&href)),
                hint: "将在 OpenMini 中打开；未登录时请先登录。",
            }
        }
        Err(e) if e.code == Code::LinkExpired => {
            let at = match resolve::parse(text) {
                Some(resolve::LinkText::UrlLink { code, .. }) => openmini_core::traffic::link_store::LinkStore::link(&s.db, &code).await.ok().flatten().and_then(|l| l.link.expire_at),
                _ => None,
            };
            let when = at.map(|ms| format!("该链接已于 {} 失效。", local_time(ms, s.identity.policy().tz_offset_secs))).unwrap_or_else(|| "该链接已失效。".into());
            View {
                status: StatusCode::GONE,
                state: "expired",
                icon: "!".into(),
                heading: "链接已过期".into(),
                detail: format!("{when}请向提供链接的人索取新的链接。"),
                action: HOME.into(),
                hint: "",
            }
        }
        Err(e) if e.code == Code::SystemBusy => View {
            status: StatusCode::SERVICE_UNAVAILABLE,
            state: "busy",
            icon: "…".into(),
            heading: "暂时无法打开".into(),
            detail: "服务繁忙，请稍后刷新重试。".into(),
            action: String::new(),
            hint: "",
        },
        Err(_) => View {
            status: StatusCode::NOT_FOUND,
            state: "unknown",
            icon: "?".into(),
            heading: if is_code { "二维码无效".into() } else { "链接不存在".into() },
            detail: if is_code { "这个二维码不是本平台生成的，或已失效。".into() } else { "这个链接无效或已被删除，请检查链接是否完整。".into() },
            action: HOME.into(),
            hint: "",
        },
    };
    render(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_times() {
        assert_eq!(escape(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        // 2026-11-23 10:00:00 +08:00.
        assert_eq!(local_time(1_795_399_200_000, 8 * 3600), "2026-11-23 10:00");
        assert_eq!(local_time(0, 0), "1970-01-01 00:00");
    }

    #[test]
    fn the_template_has_every_slot() {
        for slot in ["{{title}}", "{{state}}", "{{icon}}", "{{heading}}", "{{detail}}", "{{action}}", "{{hint}}"] {
            assert!(TEMPLATE.contains(slot), "{slot}");
        }
    }
}
