//! What a search query is before the index sees it: normalised text (full-width forms
//! folded, lower case, one space between words, no control characters), at most
//! [`MAX_QUERY_CHARS`] characters, a limit and the kinds of result asked for.

use super::ResultKind;
use crate::error::{ApiError, Code};

/// A query is at most this many characters (after normalisation).
pub const MAX_QUERY_CHARS: usize = 64;
/// Results per query when the caller names no limit, and the most it may ask for.
pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 50;

/// Folds one character the way people's input varies: full-width ASCII (`Ａ`, `１`,
/// `－`) and the ideographic space to their ASCII forms, then lower case. Chinese
/// punctuation that separates words (`，` `、` `。` `·`) becomes a space.
fn fold(c: char) -> Option<char> {
    let c = match c {
        '\u{3000}' | '，' | '、' | '。' | '·' | '・' | '；' | '：' | '！' | '？' | '“' | '”' | '‘' | '’' | '《' | '》' | '（' | '）' | '【' | '】' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    };
    if c.is_control() {
        return Some(' ');
    }
    // Lower case of ASCII and other cased scripts; a character with a multi-char
    // lower case (rare, e.g. 'İ') keeps its first.
    c.to_lowercase().next()
}

/// Normalises text for the index and for queries alike: folded, lower case, words
/// separated by exactly one space, trimmed. Never fails; may be empty.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().filter_map(fold) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// Normalises text people will see again (service titles, keywords): control
/// characters and runs of white space become one space, trimmed; case and full-width
/// forms are kept.
pub fn normalize_display(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// A checked query: normalised text, a limit within bounds, the kinds asked for (all
/// when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub limit: usize,
    pub kinds: Vec<ResultKind>,
}

impl SearchQuery {
    /// Checks what a client sent: `q` (required, at most 64 characters once normalised),
    /// `limit` (1–50, default 20), `type` (a comma-separated list of result kinds).
    pub fn parse(q: Option<&str>, limit: Option<&str>, kinds: Option<&str>) -> Result<SearchQuery, ApiError> {
        let raw = q.unwrap_or("");
        // Refuse absurd input before walking it.
        if raw.len() > MAX_QUERY_CHARS * 8 {
            return Err(ApiError::with(Code::SearchQueryTooLong, format!("q is longer than {MAX_QUERY_CHARS} characters")));
        }
        let text = normalize(raw);
        if text.is_empty() {
            return Err(ApiError::with(Code::SearchQueryEmpty, "q has no words"));
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::with(Code::SearchQueryTooLong, format!("q is longer than {MAX_QUERY_CHARS} characters")));
        }
        let limit = match limit.map(str::trim).filter(|l| !l.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(l) => match l.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => return Err(ApiError::with(Code::InvalidLimit, format!("limit must be 1 to {MAX_LIMIT}"))),
            },
        };
        let mut out = Vec::new();
        for k in kinds.unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let kind = ResultKind::parse(k).ok_or_else(|| {
                ApiError::with(Code::InvalidArgs, "type must be miniprogram, service, official or article (comma-separated)")
            })?;
            if !out.contains(&kind) {
                out.push(kind);
            }
        }
        Ok(SearchQuery { text, limit, kinds: out })
    }

    /// Whether results of this kind were asked for.
    pub fn wants(&self, kind: ResultKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_what_people_type() {
        assert_eq!(normalize("  美团　外卖 "), "美团 外卖");
        assert_eq!(normalize("ＫＦＣ　１２３０６"), "kfc 12306");
        assert_eq!(normalize("Starbucks\tCOFFEE\n"), "starbucks coffee");
        assert_eq!(normalize("公积金，提取、查询"), "公积金 提取 查询");
        assert_eq!(normalize("\u{0}\u{7}"), "");
    }

    #[test]
    fn parse_checks_every_parameter() {
        let q = SearchQuery::parse(Some(" 打车 "), None, None).unwrap();
        assert_eq!((q.text.as_str(), q.limit, q.kinds.len()), ("打车", DEFAULT_LIMIT, 0));
        assert_eq!(SearchQuery::parse(None, None, None).unwrap_err().code, Code::SearchQueryEmpty);
        assert_eq!(SearchQuery::parse(Some(" \u{3000} "), None, None).unwrap_err().code, Code::SearchQueryEmpty);
        assert!(SearchQuery::parse(Some(&"字".repeat(64)), None, None).is_ok());
        assert_eq!(SearchQuery::parse(Some(&"字".repeat(65)), None, None).unwrap_err().code, Code::SearchQueryTooLong);
        assert_eq!(SearchQuery::parse(Some(&"a".repeat(10_000)), None, None).unwrap_err().code, Code::SearchQueryTooLong);
        assert_eq!(SearchQuery::parse(Some("x"), Some("0"), None).unwrap_err().code, Code::InvalidLimit);
        assert_eq!(SearchQuery::parse(Some("x"), Some("51"), None).unwrap_err().code, Code::InvalidLimit);
        assert_eq!(SearchQuery::parse(Some("x"), Some("ten"), None).unwrap_err().code, Code::InvalidLimit);
        assert_eq!(SearchQuery::parse(Some("x"), Some("5"), None).unwrap().limit, 5);
        let q = SearchQuery::parse(Some("x"), None, Some("service, miniprogram,service")).unwrap();
        assert_eq!(q.kinds, [ResultKind::Service, ResultKind::Miniprogram]);
        assert!(q.wants(ResultKind::Service) && !q.wants(ResultKind::Article));
        assert_eq!(SearchQuery::parse(Some("x"), None, Some("app")).unwrap_err().code, Code::InvalidArgs);
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent_and_clean(s in "\\PC{0,80}|.{0,80}") {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
            prop_assert!(!n.chars().any(|c| c.is_control()));
            prop_assert!(n.chars().count() <= s.chars().count());
        }

        #[test]
        fn parse_never_panics(q in proptest::option::of(".{0,200}"), l in proptest::option::of(".{0,8}"), k in proptest::option::of(".{0,30}")) {
            if let Ok(p) = SearchQuery::parse(q.as_deref(), l.as_deref(), k.as_deref()) {
                prop_assert!(!p.text.is_empty() && p.text.chars().count() <= MAX_QUERY_CHARS);
                prop_assert!((1..=MAX_LIMIT).contains(&p.limit));
            }
        }
    }
}
