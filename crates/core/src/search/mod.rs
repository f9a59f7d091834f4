//! Search (DESIGN.md rule 8, docs/traffic.md "Search"): what apps declare (services),
//! what a query is, how results rank, which words mean the same, and how nodes follow
//! each other's changes. Rules only: the index is `openmini-search`, storage is
//! `openmini-store`, HTTP is `openmini-server`.

pub mod changes;
pub mod query;
pub mod rank;
pub mod services;
pub mod store;
pub mod synonyms;

/// What a search result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResultKind {
    /// A mini program, found by its name (and description).
    Miniprogram,
    /// A service a mini program declared: one of its pages, with a title and keywords.
    Service,
    /// A service or subscription account (公众号), found by its name.
    Official,
    /// An article of a service or subscription account, found by its title and digest.
    Article,
}

impl ResultKind {
    pub const ALL: [ResultKind; 4] = [ResultKind::Miniprogram, ResultKind::Service, ResultKind::Official, ResultKind::Article];

    pub fn as_str(self) -> &'static str {
        match self {
            ResultKind::Miniprogram => "miniprogram",
            ResultKind::Service => "service",
            ResultKind::Official => "official",
            ResultKind::Article => "article",
        }
    }

    pub fn parse(s: &str) -> Option<ResultKind> {
        ResultKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
