//! The characters and shapes links and codes accept (WeChat's rules, made exact), and
//! the percent-encoding between them and URLs. Pure functions, property-tested: every
//! input either passes or gets its typed error, none panics.

use crate::error::{ApiError, Code};
use serde_json::{Map, Value};

/// Longest `query` of a scheme or URL link, in characters.
pub const MAX_QUERY: usize = 1024;
/// Longest `page_url` of a short link (page and query), in characters.
pub const MAX_PAGE_URL: usize = 1024;
/// Longest `path` (page and query) of getwxacode / createwxaqrcode, in bytes.
pub const MAX_CODE_PATH: usize = 128;
/// Longest page of an unlimited code, in bytes (the same as a limited code's path).
pub const MAX_CODE_PAGE: usize = 128;
/// A code's `scene`: 1 to 32 characters.
pub const MAX_SCENE: usize = 32;
/// A short link's title is cut to this many characters and `...` (WeChat's rule).
pub const TITLE_SHOWN: usize = 20;
/// Longest title accepted at all, in characters.
pub const MAX_TITLE: usize = 256;
/// Longest page path, in bytes.
pub const MAX_PAGE: usize = 512;

/// A character of a code's `scene`: `[A-Za-z0-9!#$&'()*+,/:;=?@-._~]`.
pub fn is_scene_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$&'()*+,/:;=?@-._~".contains(c)
}

/// A character of a link's `query`: the scene's characters and `%`.
pub fn is_query_char(c: char) -> bool {
    is_scene_char(c) || c == '%'
}

/// A scheme's or URL link's `query`: at most 1024 characters of the allowed set
/// (40212 otherwise).
pub fn check_query(q: &str) -> Result<(), ApiError> {
    if q.chars().count() > MAX_QUERY {
        return Err(ApiError::with(Code::InvalidQuery, format!("query is longer than {MAX_QUERY} characters")));
    }
    if let Some(c) = q.chars().find(|c| !is_query_char(*c)) {
        return Err(ApiError::with(Code::InvalidQuery, format!("query may not contain {c:?}: letters, digits and !#$&'()*+,/:;=?@-._~%")));
    }
    Ok(())
}

/// A code's `scene`: 1 to 32 characters of the allowed set (40169 otherwise).
pub fn check_scene(s: &str) -> Result<(), ApiError> {
    let n = s.chars().count();
    if n == 0 || n > MAX_SCENE {
        return Err(ApiError::with(Code::InvalidScene, format!("scene must be 1 to {MAX_SCENE} characters")));
    }
    if let Some(c) = s.chars().find(|c| !is_scene_char(*c)) {
        return Err(ApiError::with(Code::InvalidScene, format!("scene may not contain {c:?}")));
    }
    Ok(())
}

/// The shape of a page path (`pages/index/index`): relative, `/`-separated, no empty,
/// `.` or `..` segments, no query, fragment, `%`, backslash, space or control
/// character, at most 512 bytes. Whether the version has the page is another check.
pub fn is_page_path(p: &str) -> bool {
    !p.is_empty()
        && p.len() <= MAX_PAGE
        && !p.chars().any(|c| c.is_control() || c.is_whitespace() || "?#%\\\"'<>".contains(c))
        && p.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// Splits `page?query` at the first `?`.
pub fn split_path(p: &str) -> (&str, &str) {
    p.split_once('?').unwrap_or((p, ""))
}

/// A short link's title: control characters or more than 256 characters are refused
/// (40225); a title longer than 20 characters is cut to 20 and `...`, as WeChat shows
/// it.
pub fn check_title(t: &str) -> Result<String, ApiError> {
    if t.chars().any(char::is_control) {
        return Err(ApiError::with(Code::InvalidPageTitle, "page_title may not contain control characters"));
    }
    let n = t.chars().count();
    if n > MAX_TITLE {
        return Err(ApiError::with(Code::InvalidPageTitle, format!("page_title is longer than {MAX_TITLE} characters")));
    }
    let t = t.trim();
    Ok(if n > TITLE_SHOWN { format!("{}...", t.chars().take(TITLE_SHOWN).collect::<String>()) } else { t.to_string() })
}

/// JavaScript's `encodeURIComponent`: everything but `A-Za-z0-9-_.!~*'()` as `%XX` of
/// its UTF-8 bytes. WeChat hands a code's scene to the mini program this way.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` sequences decoded (a `+` stays a `+`); a malformed sequence is kept as it
/// is, bytes that are not UTF-8 become U+FFFD.
pub fn decode_component(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string as the object a mini program gets in `onLoad(query)`: pairs split at
/// `&` and the first `=`, keys and values percent-decoded, the first of a repeated key
/// kept.
pub fn query_object(q: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = decode_component(k);
        if !out.contains_key(&k) {
            out.insert(k, Value::String(decode_component(v)));
        }
    }
    out
}

/// One `name=value` parameter of a URL's query, decoded (the first if repeated).
pub fn query_param(q: &str, name: &str) -> Option<String> {
    q.split('&').filter_map(|p| p.split_once('=').or(Some((p, "")))).find(|(k, _)| decode_component(k) == name).map(|(_, v)| decode_component(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn queries_and_scenes() {
        assert!(check_query("").is_ok());
        assert!(check_query("a=1&b=%E4%B8%AD&c=!#$'()*+,/:;?@-._~").is_ok());
        assert!(check_query(&"a".repeat(1024)).is_ok());
        assert_eq!(check_query(&"a".repeat(1025)).unwrap_err().code, Code::InvalidQuery);
        for bad in ["a b", "a=中", "a\"", "a<", "a\n", "a^", "a|b", "a[0]", "a{"] {
            assert_eq!(check_query(bad).unwrap_err().code, Code::InvalidQuery, "{bad:?}");
        }
        assert!(check_scene("a").is_ok());
        assert!(check_scene(&"x".repeat(32)).is_ok());
        assert!(check_scene("id=1&from=poster/#!$'()*+,:;?@-._~").is_err(), "34 characters");
        assert!(check_scene("id=1&from=poster/#!$'()*+,:;?@-.").is_ok());
        for bad in ["", &"x".repeat(33), "a%20", "a b", "中", "a\0"] {
            assert_eq!(check_scene(bad).unwrap_err().code, Code::InvalidScene, "{bad:?}");
        }
    }

    #[test]
    fn page_paths() {
        for ok in ["pages/index/index", "sub/pkg/a", "a", "pages/a-b_c.d/x"] {
            assert!(is_page_path(ok), "{ok}");
        }
        for bad in ["", "/pages/a", "pages/a?x=1", "pages//a", "pages/../a", "./a", "a/", "a b", "a#b", "a%2F", "a\\b", &"a".repeat(513)] {
            assert!(!is_page_path(bad), "{bad:?}");
        }
        assert_eq!(split_path("pages/a?x=1&y=2"), ("pages/a", "x=1&y=2"));
        assert_eq!(split_path("pages/a"), ("pages/a", ""));
    }

    #[test]
    fn titles_are_cut_like_wechat() {
        assert_eq!(check_title("商品详情").unwrap(), "商品详情");
        assert_eq!(check_title(&"长".repeat(20)).unwrap(), "长".repeat(20));
        assert_eq!(check_title(&"长".repeat(21)).unwrap(), format!("{}...", "长".repeat(20)));
        assert_eq!(check_title("a\nb").unwrap_err().code, Code::InvalidPageTitle);
        assert_eq!(check_title(&"a".repeat(257)).unwrap_err().code, Code::InvalidPageTitle);
    }

    #[test]
    fn encoding_is_encode_uri_component() {
        assert_eq!(encode_component("id=1&from=a/b c中"), "id%3D1%26from%3Da%2Fb%20c%E4%B8%AD");
        assert_eq!(encode_component("-_.!~*'()aZ9"), "-_.!~*'()aZ9");
        assert_eq!(decode_component("id%3D1%26x%2"), "id=1&x%2");
        assert_eq!(decode_component("a+b%zz%"), "a+b%zz%");
        let q = query_object("a=1&b=%E4%B8%AD&a=2&flag&=x");
        assert_eq!(Value::Object(q), serde_json::json!({"a": "1", "b": "中", "flag": "", "": "x"}));
        assert_eq!(query_param("p=pages%2Fa&s=id%3D1", "s").as_deref(), Some("id=1"));
        assert_eq!(query_param("p=x", "s"), None);
    }

    proptest! {
        #[test]
        fn validators_never_panic(s in "\\PC{0,80}", raw in proptest::collection::vec(any::<u8>(), 0..64)) {
            let t = String::from_utf8_lossy(&raw).into_owned();
            for x in [&s, &t] {
                let _ = check_query(x);
                let _ = check_scene(x);
                let _ = is_page_path(x);
                let _ = check_title(x);
                let _ = query_object(x);
                let _ = query_param(x, "s");
                let _ = decode_component(x);
            }
        }

        #[test]
        fn encoding_round_trips(s in "\\PC{0,40}") {
            prop_assert_eq!(decode_component(&encode_component(&s)), s.clone());
            prop_assert!(encode_component(&s).chars().all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()%".contains(c)));
        }

        #[test]
        fn valid_scenes_survive_the_url(s in "[A-Za-z0-9!#$&'()*+,/:;=?@._~-]{1,32}") {
            prop_assert!(check_scene(&s).is_ok());
            let url_query = format!("p=x&s={}&m=y", encode_component(&s));
            prop_assert_eq!(query_param(&url_query, "s"), Some(s));
        }
    }
}
