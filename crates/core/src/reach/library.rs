//! The public template library (公共模板库) that apps pick subscription templates from:
//! categories and templates with keywords, each keyword with its rule. Seeded from
//! `library.json`, embedded in the binary and checked when first loaded (and in tests):
//! every keyword's rule is known and every example satisfies it.

use super::keywords::Rule;
use crate::error::{ApiError, Code};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keyword {
    pub kid: i64,
    pub name: String,
    pub rule: String,
    pub example: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PubTemplate {
    pub tid: i64,
    pub title: String,
    /// 2 one-time, 3 long-term (public-service categories only).
    #[serde(rename = "type")]
    pub kind: i64,
    /// A string, as in the platform's samples.
    #[serde(rename = "categoryId")]
    pub category_id: String,
    pub keywords: Vec<Keyword>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Library {
    pub categories: Vec<Category>,
    pub templates: Vec<PubTemplate>,
}

/// Category names that mark the public-service categories allowed long-term templates.
const PUBLIC_SERVICE: [&str; 5] = ["政务", "医疗", "交通", "金融", "教育"];

/// The embedded library, parsed and checked once.
pub fn library() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let lib: Library = serde_json::from_str(include_str!("library.json")).expect("library.json is valid JSON");
        if let Err(e) = lib.check() {
            panic!("library.json: {e}");
        }
        lib
    })
}

impl Library {
    /// The library's own invariants (run at load and in tests).
    pub fn check(&self) -> Result<(), String> {
        let mut tids = std::collections::HashSet::new();
        for t in &self.templates {
            if !tids.insert(t.tid) {
                return Err(format!("duplicate tid {}", t.tid));
            }
            let cat = self.category(&t.category_id).ok_or_else(|| format!("tid {}: unknown category", t.tid))?;
            if t.kind == 3 && !is_public_service(cat) {
                return Err(format!("tid {}: long-term outside public service", t.tid));
            }
            if t.kind != 2 && t.kind != 3 {
                return Err(format!("tid {}: type must be 2 or 3", t.tid));
            }
            let mut kids = std::collections::HashSet::new();
            for k in &t.keywords {
                let rule = Rule::parse(&k.rule).ok_or_else(|| format!("tid {} kid {}: unknown rule {}", t.tid, k.kid, k.rule))?;
                rule.check(&k.example).map_err(|e| format!("tid {} kid {}: example {:?}: {e}", t.tid, k.kid, k.example))?;
                if !kids.insert(k.kid) {
                    return Err(format!("tid {}: duplicate kid {}", t.tid, k.kid));
                }
            }
        }
        Ok(())
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id.to_string() == id)
    }

    pub fn template(&self, tid: i64) -> Option<&PubTemplate> {
        self.templates.iter().find(|t| t.tid == tid)
    }

    /// `getpubtemplatetitles`: templates of the given categories, paged. `ids` is the
    /// comma-separated category list; `limit` at most 30.
    pub fn titles(&self, ids: Option<&str>, start: Option<&str>, limit: Option<&str>) -> Result<(usize, Vec<&PubTemplate>), ApiError> {
        let ids = ids.filter(|s| !s.trim().is_empty()).ok_or(Code::MissingCategoryIds)?;
        let wanted: Vec<&str> = ids.split(',').map(str::trim).collect();
        if wanted.iter().any(|id| self.category(id).is_none()) {
            return Err(Code::InvalidCategoryIds.into());
        }
        let start: usize = start.unwrap_or("0").parse().map_err(|_| Code::InvalidStart)?;
        let limit: usize = limit.ok_or(Code::InvalidLimit)?.parse().map_err(|_| Code::InvalidLimit)?;
        if !(1..=30).contains(&limit) {
            return Err(Code::InvalidLimit.into());
        }
        let all: Vec<&PubTemplate> = self.templates.iter().filter(|t| wanted.contains(&t.category_id.as_str())).collect();
        let page = all.iter().skip(start).take(limit).copied().collect();
        Ok((all.len(), page))
    }

    /// `getpubtemplatekeywords`.
    pub fn keywords(&self, tid: Option<&str>) -> Result<&PubTemplate, ApiError> {
        tid.and_then(|t| t.parse::<i64>().ok()).and_then(|t| self.template(t)).ok_or_else(|| Code::InvalidTid.into())
    }
}

pub fn is_public_service(c: &Category) -> bool {
    PUBLIC_SERVICE.iter().any(|p| c.name.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeded_library_is_large_and_consistent() {
        let lib = library();
        assert!(lib.templates.len() >= 60, "{} templates", lib.templates.len());
        assert!(lib.templates.iter().filter(|t| t.kind == 3).count() >= 5, "some long-term templates");
        for rule in Rule::ALL {
            assert!(
                lib.templates.iter().flat_map(|t| &t.keywords).any(|k| k.rule == rule.as_str()),
                "no keyword uses {rule:?}"
            );
        }
        for t in &lib.templates {
            assert!((2..=8).contains(&t.keywords.len()), "tid {}", t.tid);
        }
    }

    #[test]
    fn titles_and_keywords_with_their_errors() {
        let lib = library();
        let cat = lib.templates[0].category_id.clone();
        let (count, page) = lib.titles(Some(&cat), Some("0"), Some("30")).unwrap();
        assert!(count >= 1 && page.iter().all(|t| t.category_id == cat));
        let code = |r: Result<(usize, Vec<&PubTemplate>), ApiError>| r.unwrap_err().code;
        assert_eq!(code(lib.titles(None, Some("0"), Some("10"))), Code::MissingCategoryIds);
        assert_eq!(code(lib.titles(Some("999999"), Some("0"), Some("10"))), Code::InvalidCategoryIds);
        assert_eq!(code(lib.titles(Some(&cat), Some("x"), Some("10"))), Code::InvalidStart);
        assert_eq!(code(lib.titles(Some(&cat), Some("0"), Some("31"))), Code::InvalidLimit);
        assert_eq!(code(lib.titles(Some(&cat), Some("0"), Some("0"))), Code::InvalidLimit);
        let tid = lib.templates[0].tid.to_string();
        assert_eq!(lib.keywords(Some(&tid)).unwrap().tid.to_string(), tid);
        assert_eq!(lib.keywords(Some("1")).unwrap_err().code, Code::InvalidTid);
        assert_eq!(lib.keywords(None).unwrap_err().code, Code::InvalidTid);
    }
}
