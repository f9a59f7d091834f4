//! OpenMini's search index (DESIGN.md rule 8, docs/traffic.md "Search"), in its own
//! crate so tantivy, jieba and pinyin compile apart from the rest.
//!
//! - [`text`]: text into terms (jieba words, English words, Chinese bigrams and
//!   characters, pinyin and initials with their prefixes).
//! - [`doc`]: the documents of apps, services, official accounts and articles.
//! - [`index`]: the tantivy index, its query and ranking (`text × boost`).
//! - [`engine`]: the node's index, rebuilt from the store on start and kept in step
//!   with it (this node's writes at once, others' through the change log).
//! - [`corpus`]: a generated corpus of realistic Chinese services, for the quality test
//!   and `openmini bench search`.

pub mod corpus;
pub mod doc;
pub mod engine;
pub mod index;
mod scratch_dir;
pub mod text;

pub use engine::{Location, SearchEngine, SearchOptions};
pub use index::{Hit, SearchIndex};
