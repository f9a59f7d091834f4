//! Services a mini program declares for search (`POST /wxa/search/submitservices`):
//! a page of its current version, a title, keywords and a category from
//! [`CATEGORIES`]. The list is checked whole and replaces the previous one atomically;
//! one bad item stores nothing.

use super::store::SearchStore;
use crate::container::store::{PackageFiles, PackageStore};
use crate::container::package;
use crate::error::{ApiError, Code};
use crate::identity::{App, AppKind};
use serde_json::Value;
use std::collections::BTreeSet;

/// At most this many services per app.
pub const MAX_SERVICES: usize = 200;
/// A title is 1 to this many characters.
pub const MAX_TITLE_CHARS: usize = 30;
/// At most this many keywords per service, each 1 to [`MAX_KEYWORD_CHARS`] characters.
pub const MAX_KEYWORDS: usize = 10;
pub const MAX_KEYWORD_CHARS: usize = 20;
/// An app's description (indexed beside its name) is at most this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 120;
/// A page (path and optional `?query`) is at most this many bytes.
pub const MAX_PAGE_BYTES: usize = 512;

/// The categories a service may have: (id, label). Either may be sent; the id is kept.
/// The label is indexed with the service, so `外卖` finds services of `food`.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("food", "餐饮外卖"),
    ("travel", "出行交通"),
    ("express", "快递物流"),
    ("medical", "医疗健康"),
    ("government", "政务民生"),
    ("utilities", "生活缴费"),
    ("hotel", "酒店住宿"),
    ("entertainment", "文娱影音"),
    ("finance", "金融银行"),
    ("education", "教育学校"),
    ("shopping", "购物零售"),
    ("tools", "工具效率"),
    ("social", "社交社区"),
    ("games", "游戏"),
    ("news", "新闻资讯"),
    ("sports", "运动健身"),
    ("realestate", "房产家居"),
    ("auto", "汽车服务"),
    ("jobs", "求职招聘"),
    ("other", "其他"),
];

/// The id of a category given by id (any case) or label.
pub fn category_id(given: &str) -> Option<&'static str> {
    let g = given.trim();
    CATEGORIES.iter().find(|(id, label)| id.eq_ignore_ascii_case(g) || *label == g).map(|(id, _)| *id)
}

/// The label of a category id (`food` → `餐饮外卖`).
pub fn category_label(id: &str) -> &'static str {
    CATEGORIES.iter().find(|(i, _)| *i == id).map_or("", |(_, l)| l)
}

/// A checked service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    /// `pages/a/a` or `pages/a/a?id=1`, without a leading `/`.
    pub page: String,
    pub title: String,
    pub keywords: Vec<String>,
    /// A category id of [`CATEGORIES`].
    pub category: String,
}

/// The pages of a deployed version, from its `manifest.json` (docs/bundle.md): the
/// keys of `pages` and every package's `pages` (full paths).
pub fn manifest_pages(manifest: &Value) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = manifest.get("pages").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for p in manifest.get("packages").and_then(Value::as_array).into_iter().flatten() {
        out.extend(p.get("pages").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string));
    }
    out
}

fn text_field<'a>(item: &'a Value, i: usize, name: &str) -> Result<&'a str, ApiError> {
    match item.get(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(ApiError::with(Code::DataFormat, format!("services[{i}].{name} is missing"))),
        Some(_) => Err(ApiError::with(Code::DataFormat, format!("services[{i}].{name} must be a string"))),
    }
}

/// Checks a `services` list against the app's pages. Errors name the item and field:
/// 47001 shape, 40165 page, 85930 title, 85931 keywords, 85932 category, 85933 more than
/// 200, 85934 a page listed twice.
pub fn check(services: Option<&Value>, pages: &BTreeSet<String>) -> Result<Vec<Service>, ApiError> {
    let items = match services {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => return Err(ApiError::with(Code::DataFormat, "services is missing")),
        Some(_) => return Err(ApiError::with(Code::DataFormat, "services must be a list")),
    };
    if items.len() > MAX_SERVICES {
        return Err(ApiError::with(Code::TooManyServices, format!("{} services, at most {MAX_SERVICES}", items.len())));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        if !item.is_object() {
            return Err(ApiError::with(Code::DataFormat, format!("services[{i}] must be an object")));
        }
        let page = text_field(item, i, "page")?.trim().trim_start_matches('/');
        let path = page.split('?').next().unwrap_or("");
        if page.len() > MAX_PAGE_BYTES || page.chars().any(|c| c.is_control() || c.is_whitespace()) || !pages.contains(path) {
            return Err(ApiError::with(Code::InvalidWeappPagepath, format!("services[{i}].page is not a page of the current version")));
        }
        if !seen.insert(page.to_string()) {
            return Err(ApiError::with(Code::DuplicateServicePage, format!("services[{i}].page {page} is listed twice")));
        }
        let title = crate::search::query::normalize_display(text_field(item, i, "title")?);
        let n = title.chars().count();
        if n == 0 || n > MAX_TITLE_CHARS {
            return Err(ApiError::with(Code::InvalidServiceTitle, format!("services[{i}].title must be 1 to {MAX_TITLE_CHARS} characters")));
        }
        let keywords = match item.get("keywords") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(ks)) => {
                if ks.len() > MAX_KEYWORDS {
                    return Err(ApiError::with(Code::InvalidServiceKeywords, format!("services[{i}] has {} keywords, at most {MAX_KEYWORDS}", ks.len())));
                }
                let mut list: Vec<String> = Vec::with_capacity(ks.len());
                for k in ks {
                    let k = k.as_str().map(crate::search::query::normalize_display).unwrap_or_default();
                    let n = k.chars().count();
                    if n == 0 || n > MAX_KEYWORD_CHARS {
                        return Err(ApiError::with(
                            Code::InvalidServiceKeywords,
                            format!("services[{i}].keywords: each must be a text of 1 to {MAX_KEYWORD_CHARS} characters"),
                        ));
                    }
                    if !list.contains(&k) {
                        list.push(k);
                    }
                }
                list
            }
            Some(_) => return Err(ApiError::with(Code::InvalidServiceKeywords, format!("services[{i}].keywords must be a list of texts"))),
        };
        let category = category_id(text_field(item, i, "category")?)
            .ok_or_else(|| ApiError::with(Code::InvalidServiceCategory, format!("services[{i}].category is not one of the documented categories")))?;
        out.push(Service { page: page.to_string(), title, keywords, category: category.to_string() });
    }
    Ok(out)
}

/// `submitservices`: only mini programs (48001), with a deployed version (85900); the
/// list checked against that version's pages, then stored in place of the old one.
pub async fn submit(
    store: &dyn SearchStore,
    versions: &dyn PackageStore,
    objects: &dyn PackageFiles,
    app: &App,
    services: Option<&Value>,
    now: i64,
) -> Result<Vec<Service>, ApiError> {
    if app.kind != AppKind::Miniprogram {
        return Err(ApiError::with(Code::ApiUnauthorized, "only mini programs declare services"));
    }
    let v = package::current(versions, app).await?;
    let missing = || ApiError::with(Code::SystemBusy, "the package's manifest is missing from storage");
    let bytes = objects.get(&v.manifest_sha256).await?.ok_or_else(missing)?;
    let manifest: Value = serde_json::from_slice(&bytes).map_err(|_| missing())?;
    let list = check(services, &manifest_pages(&manifest))?;
    store.replace_services(app.id, &list, now).await?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn pages() -> BTreeSet<String> {
        manifest_pages(&json!({
            "pages": {"pages/index/index": {}, "pages/order/order": {}},
            "packages": [{"root": "", "pages": ["pages/index/index", "pages/order/order"]}, {"root": "sub", "pages": ["sub/hotel/hotel"]}],
        }))
    }

    fn svc(page: &str, title: &str, keywords: Value, category: &str) -> Value {
        json!({ "page": page, "title": title, "keywords": keywords, "category": category })
    }

    #[test]
    fn pages_come_from_the_manifest() {
        assert_eq!(pages().into_iter().collect::<Vec<_>>(), ["pages/index/index", "pages/order/order", "sub/hotel/hotel"]);
    }

    #[test]
    fn a_good_list() {
        let list = json!([
            svc("/pages/order/order?from=search", " 外卖  订餐 ", json!(["外卖", "点餐", "外卖"]), "food"),
            svc("sub/hotel/hotel", "酒店预订", json!([]), "酒店住宿"),
        ]);
        let out = check(Some(&list), &pages()).unwrap();
        assert_eq!(out[0], Service { page: "pages/order/order?from=search".into(), title: "外卖 订餐".into(), keywords: vec!["外卖".into(), "点餐".into()], category: "food".into() });
        assert_eq!(out[1].category, "hotel");
        assert!(check(Some(&json!([])), &pages()).unwrap().is_empty(), "an empty list clears");
    }

    #[test]
    fn every_rule_has_its_code() {
        let p = pages();
        let one = |v: Value| check(Some(&json!([v])), &p).unwrap_err().code;
        assert_eq!(one(svc("pages/nope/nope", "t", json!([]), "food")), Code::InvalidWeappPagepath);
        assert_eq!(one(svc("", "t", json!([]), "food")), Code::InvalidWeappPagepath);
        assert_eq!(one(svc("pages/index/index x", "t", json!([]), "food")), Code::InvalidWeappPagepath);
        assert_eq!(one(svc("pages/index/index", "", json!([]), "food")), Code::InvalidServiceTitle);
        assert_eq!(one(svc("pages/index/index", &"字".repeat(31), json!([]), "food")), Code::InvalidServiceTitle);
        assert!(check(Some(&json!([svc("pages/index/index", &"字".repeat(30), json!([]), "food")])), &p).is_ok());
        assert_eq!(one(svc("pages/index/index", "t", json!((0..11).map(|i| format!("k{i}")).collect::<Vec<_>>()), "food")), Code::InvalidServiceKeywords);
        assert!(check(Some(&json!([svc("pages/index/index", "t", json!((0..10).map(|i| format!("k{i}")).collect::<Vec<_>>()), "food")])), &p).is_ok());
        assert_eq!(one(svc("pages/index/index", "t", json!(["字".repeat(21)]), "food")), Code::InvalidServiceKeywords);
        assert_eq!(one(svc("pages/index/index", "t", json!([""]), "food")), Code::InvalidServiceKeywords);
        assert_eq!(one(svc("pages/index/index", "t", json!([3]), "food")), Code::InvalidServiceKeywords);
        assert_eq!(one(svc("pages/index/index", "t", json!("外卖"), "food")), Code::InvalidServiceKeywords);
        assert_eq!(one(svc("pages/index/index", "t", json!([]), "pets")), Code::InvalidServiceCategory);
        assert_eq!(one(json!({"page": "pages/index/index", "title": 5, "category": "food"})), Code::DataFormat);
        assert_eq!(one(json!({"title": "t", "category": "food"})), Code::DataFormat);
        assert_eq!(one(json!("pages/index/index")), Code::DataFormat);
        let twice = json!([svc("pages/index/index", "a", json!([]), "food"), svc("/pages/index/index", "b", json!([]), "food")]);
        assert_eq!(check(Some(&twice), &p).unwrap_err().code, Code::DuplicateServicePage);
        let many: Vec<Value> = (0..201).map(|i| svc(&format!("pages/index/index?i={i}"), "t", json!([]), "food")).collect();
        assert_eq!(check(Some(&Value::Array(many.clone())), &p).unwrap_err().code, Code::TooManyServices);
        assert_eq!(check(Some(&Value::Array(many[..200].to_vec())), &p).unwrap().len(), 200);
        assert_eq!(check(None, &p).unwrap_err().code, Code::DataFormat);
        assert_eq!(check(Some(&json!({})), &p).unwrap_err().code, Code::DataFormat);
    }

    #[test]
    fn categories_by_id_or_label() {
        assert_eq!(category_id("Food"), Some("food"));
        assert_eq!(category_id("政务民生"), Some("government"));
        assert_eq!(category_id(""), None);
        assert_eq!(category_label("express"), "快递物流");
        let ids: BTreeSet<_> = CATEGORIES.iter().map(|c| c.0).collect();
        assert_eq!(ids.len(), CATEGORIES.len());
    }

    proptest! {
        #[test]
        fn check_never_panics(v in any_json()) {
            let _ = check(Some(&v), &pages());
            let _ = check(Some(&json!([v.clone()])), &pages());
            let _ = check(Some(&json!([{"page": "pages/index/index", "title": v.clone(), "keywords": v.clone(), "category": v}])), &pages());
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::String),
            Just(json!("pages/index/index")),
            Just(json!("food")),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::hash_map(prop_oneof![Just("page".to_string()), Just("title".to_string()), Just("keywords".to_string()), Just("category".to_string()), ".{0,5}".prop_map(|s: String| s)], inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
