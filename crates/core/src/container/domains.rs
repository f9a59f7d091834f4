//! Allowed domains: the origins a mini program may reach through the platform's proxy
//! (`wx.request`, `uploadFile`, `downloadFile`), as WeChat's "server domain" settings.
//!
//! An origin is `scheme://host[:port]`: the host lowercased (and IDNA-encoded), the
//! scheme's default port dropped, no path, query, fragment or credentials. Only
//! `https` is allowed, except plain `http` to this machine (`127.0.0.1`, `localhost`,
//! `[::1]`, any port) for development. A request's URL must have exactly one of the
//! listed origins: `https://api.example.com` does not allow `https://api.example.com:8443`
//! nor `https://www.example.com`.

use super::store::{AppDomains, DomainKind, DomainStore};
use crate::error::{ApiError, Code};
use url::{Host, Url};

/// At most this many origins of each kind per app.
pub const MAX_DOMAINS: usize = 200;
/// Longest URL the proxy accepts.
pub const MAX_URL_BYTES: usize = 8192;

const DEV_HOSTS: &[&str] = &["127.0.0.1", "localhost", "[::1]"];

fn bad(d: String) -> ApiError {
    ApiError::with(Code::InvalidArgs, d)
}

/// True for this machine's names, where plain `http` is allowed for development.
fn is_dev_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d == "localhost",
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// The normalised origin of an allowed-domain entry, or why it is refused.
pub fn normalize_origin(input: &str) -> Result<String, ApiError> {
    let s = input.trim();
    let url = Url::parse(s).map_err(|e| bad(format!("{s:?} is not an origin ({e}); write it as https://host[:port]")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(format!("{s:?}: an origin has no user or password")));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(format!("{s:?}: an origin has no path, query or fragment")));
    }
    let dev = is_dev_host(&url);
    match url.scheme() {
        "https" => {}
        "http" if dev => {}
        "http" => return Err(bad(format!("{s:?}: only https, except http://{} for development", DEV_HOSTS.join(", http://")))),
        other => return Err(bad(format!("{s:?}: scheme {other} is not allowed; only https"))),
    }
    origin(&url).ok_or_else(|| bad(format!("{s:?} has no host")))
}

/// `scheme://host[:port]` of a parsed URL (default port dropped), if it has a host.
pub fn origin(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(p) => format!("{}://{host}:{p}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    })
}

/// Normalises a whole list: duplicates dropped (first kept), at most [`MAX_DOMAINS`].
pub fn normalize_all(inputs: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::with_capacity(inputs.len());
    for i in inputs {
        let o = normalize_origin(i)?;
        if !out.contains(&o) {
            out.push(o);
        }
    }
    if out.len() > MAX_DOMAINS {
        return Err(bad(format!("at most {MAX_DOMAINS} origins of each kind")));
    }
    Ok(out)
}

/// Replaces the lists of the kinds given (the others stay) and returns all of them.
pub async fn set(store: &dyn DomainStore, app_id: i64, lists: &[(DomainKind, Vec<String>)], now: i64) -> Result<AppDomains, ApiError> {
    // Every list is checked before any is written.
    let checked = lists.iter().map(|(k, l)| normalize_all(l).map(|l| (*k, l))).collect::<Result<Vec<_>, _>>()?;
    for (kind, list) in &checked {
        store.set_domains(app_id, *kind, list, now).await?;
    }
    Ok(store.domains(app_id).await?)
}

/// The URL a mini program asked the proxy to reach, if its origin is allowed for
/// `kind`. The URL returned is the one to request, so what was checked is what is
/// fetched.
pub fn check_url(raw: &str, allowed: &[String], kind: DomainKind) -> Result<Url, ApiError> {
    if raw.len() > MAX_URL_BYTES {
        return Err(bad(format!("url longer than {MAX_URL_BYTES} bytes")));
    }
    let url = Url::parse(raw.trim()).map_err(|e| bad(format!("invalid url: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!("invalid url: scheme {} is not http or https", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("invalid url: no user or password in the url; send them in a header".into()));
    }
    let o = origin(&url).ok_or_else(|| bad("invalid url: no host".into()))?;
    if !allowed.contains(&o) {
        return Err(ApiError::with(Code::UrlNotInDomainList, format!("{o} is not in the app's {} domains", kind.as_str())));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        for (input, want) in [
            ("https://API.Example.com", "https://api.example.com"),
            ("https://api.example.com/", "https://api.example.com"),
            ("  https://api.example.com:443 ", "https://api.example.com"),
            ("https://api.example.com:8443", "https://api.example.com:8443"),
            ("https://例子.测试", "https://xn--fsqu00a.xn--0zwm56d"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost", "http://localhost"),
            ("http://LOCALHOST:80", "http://localhost"),
            ("http://[::1]:3000", "http://[::1]:3000"),
            ("https://10.0.0.1", "https://10.0.0.1"),
        ] {
            assert_eq!(normalize_origin(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn bad_origins_are_refused() {
        for input in [
            "http://api.example.com",
            "http://10.0.0.1:8080",
            "http://127.0.0.2",
            "ftp://api.example.com",
            "api.example.com",
            "https://api.example.com/path",
            "https://api.example.com?q=1",
            "https://api.example.com#x",
            "https://user:pw@api.example.com",
            "https://",
            "",
            "wss://api.example.com",
        ] {
            assert_eq!(normalize_origin(input).unwrap_err().code, Code::InvalidArgs, "{input}");
        }
    }

    #[test]
    fn lists_are_deduplicated_and_capped() {
        let l = normalize_all(&["https://a.com".into(), "https://A.com/".into(), "https://b.com".into()]).unwrap();
        assert_eq!(l, ["https://a.com", "https://b.com"]);
        let many: Vec<String> = (0..=MAX_DOMAINS).map(|i| format!("https://h{i}.com")).collect();
        assert!(normalize_all(&many[..MAX_DOMAINS]).is_ok());
        assert!(normalize_all(&many).is_err());
    }

    #[test]
    fn urls_must_have_an_allowed_origin() {
        let allowed = vec!["https://api.example.com".to_string(), "http://127.0.0.1:9000".to_string()];
        let k = DomainKind::Request;
        assert!(check_url("https://api.example.com/a?b=1", &allowed, k).is_ok());
        assert!(check_url("https://API.example.com:443/a", &allowed, k).is_ok());
        assert!(check_url("http://127.0.0.1:9000/x", &allowed, k).is_ok());
        for refused in [
            "https://api.example.com:8443/",
            "http://api.example.com/",
            "https://www.example.com/",
            "https://api.example.com.evil.com/",
            "https://evil.com/?https://api.example.com",
            "http://127.0.0.1:9001/",
        ] {
            let e = check_url(refused, &allowed, k).unwrap_err();
            assert_eq!(e.code, Code::UrlNotInDomainList, "{refused}");
            assert!(e.errmsg().starts_with("url not in domain list"), "{}", e.errmsg());
        }
        // What the URL parser and the HTTP client agree is the host is what is checked.
        assert_eq!(check_url("https://api.example.com@evil.com/", &allowed, k).unwrap_err().code, Code::InvalidArgs);
        assert_eq!(check_url("https://evil.com\\@api.example.com/", &allowed, k).unwrap_err().code, Code::UrlNotInDomainList);
        for bad in ["", "not a url", "file:///etc/passwd", "javascript:alert(1)"] {
            assert_eq!(check_url(bad, &allowed, k).unwrap_err().code, Code::InvalidArgs, "{bad}");
        }
    }
}
