//! The tantivy index: its schema, adding and replacing documents, and answering a
//! query ranked by `text × boost` ([`openmini_core::search::rank`]).
//!
//! Terms are made by [`crate::text`] and stored space-separated, so the index's own
//! tokenizer only splits on spaces and documents and queries cannot disagree.

use crate::doc::Doc;
use crate::text;
use openmini_core::search::query::SearchQuery;
use openmini_core::search::{synonyms, ResultKind};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING};
use tantivy::tokenizer::WhitespaceTokenizer;
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument, Term};

/// Field weights: how much a match in each field counts (tuned on the corpus of
/// `tests/quality.rs`; docs/traffic.md, "Ranking").
pub mod weight {
    /// Title words (jieba / English).
    pub const TITLE: f32 = 3.0;
    /// Title bigrams: a partial or differently segmented title.
    pub const TITLE_BIGRAM: f32 = 1.2;
    /// Title characters: misspelt input still shares some.
    pub const TITLE_CHAR: f32 = 0.3;
    /// Keywords and category words.
    pub const KEYWORD: f32 = 1.5;
    pub const KEYWORD_BIGRAM: f32 = 0.6;
    /// Context: a service's app name, an app's description, an article's digest.
    pub const CONTEXT: f32 = 1.5;
    pub const CONTEXT_BIGRAM: f32 = 1.0;
    /// The query as pinyin or initials, exactly.
    pub const PINYIN: f32 = 2.5;
    /// A Chinese query word by its sound (homophone typos: 公基金 → gongjijin).
    pub const SOUND: f32 = 1.0;
    /// The start of a title's pinyin, initials or English word.
    pub const PREFIX: f32 = 1.2;
    /// An English word one or two edits away (constant score, not BM25).
    pub const FUZZY: f32 = 1.0;
}

/// At most this many results of one app (the app and its services, an account and
/// its articles).
pub const PER_OWNER: usize = 3;
/// The fewest documents ranked by text alone before the boost re-ranks them.
const RERANK_POOL: usize = 400;
/// Memory the writer may use before it flushes a segment.
const WRITER_BYTES: usize = 64 << 20;

#[derive(Clone, Copy)]
struct Fields {
    owner: Field,
    owner_h: Field,
    kind: Field,
    appid: Field,
    name: Field,
    title: Field,
    page: Field,
    category: Field,
    article: Field,
    boost: Field,
    tw: Field,
    tb: Field,
    tu: Field,
    kw: Field,
    kb: Field,
    cw: Field,
    cb: Field,
    py: Field,
    pp: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let terms = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer("ws").set_index_option(IndexRecordOption::WithFreqs));
    let f = Fields {
        owner: b.add_text_field("owner", STRING),
        owner_h: b.add_u64_field("owner_h", FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        appid: b.add_text_field("appid", STRING | STORED),
        name: b.add_text_field("name", STORED),
        title: b.add_text_field("title", STORED),
        page: b.add_text_field("page", STORED),
        category: b.add_text_field("category", STORED),
        article: b.add_i64_field("article", STORED),
        boost: b.add_f64_field("boost", FAST),
        tw: b.add_text_field("tw", terms.clone()),
        tb: b.add_text_field("tb", terms.clone()),
        tu: b.add_text_field("tu", terms.clone()),
        kw: b.add_text_field("kw", terms.clone()),
        kb: b.add_text_field("kb", terms.clone()),
        cw: b.add_text_field("cw", terms.clone()),
        cb: b.add_text_field("cb", terms.clone()),
        py: b.add_text_field("py", terms.clone()),
        pp: b.add_text_field("pp", terms),
    };
    (b.build(), f)
}

fn owner_hash(owner: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    owner.hash(&mut h);
    h.finish()
}

/// A result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: ResultKind,
    pub appid: String,
    pub name: String,
    pub title: String,
    pub page: Option<String>,
    pub category: Option<String>,
    /// Articles: the article's id.
    pub article: Option<i64>,
    pub score: f32,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
}

impl SearchIndex {
    /// A new, empty index in `dir` (which must be empty or absent).
    pub fn create(dir: &Path) -> tantivy::Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, f) = schema();
        let directory = crate::scratch_dir::ScratchDirectory::open(dir)?;
        Self::open(Index::create(directory, schema, tantivy::IndexSettings::default())?, f)
    }

    /// A new, empty index in memory (tests).
    pub fn in_memory() -> tantivy::Result<SearchIndex> {
        let (schema, f) = schema();
        Self::open(Index::create_in_ram(schema), f)
    }

    fn open(index: Index, f: Fields) -> tantivy::Result<SearchIndex> {
        index.tokenizers().register("ws", WhitespaceTokenizer::default());
        let writer = index.writer_with_num_threads(1, WRITER_BYTES)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, writer: Mutex::new(writer), f })
    }

    fn document(&self, d: &Doc) -> TantivyDocument {
        let f = &self.f;
        let mut t = TantivyDocument::default();
        t.add_text(f.owner, &d.owner);
        t.add_u64(f.owner_h, owner_hash(&d.owner));
        t.add_text(f.kind, d.kind.as_str());
        t.add_text(f.appid, &d.appid);
        t.add_text(f.name, &d.name);
        t.add_text(f.title, &d.title);
        for (field, v) in [(f.page, &d.page), (f.category, &d.category)] {
            if let Some(v) = v {
                t.add_text(field, v);
            }
        }
        if let Some(id) = d.article {
            t.add_i64(f.article, id);
        }
        t.add_f64(f.boost, d.boost() as f64);
        t.add_text(f.tw, text::words(&d.title).join(" "));
        t.add_text(f.tb, text::bigrams(&d.title).join(" "));
        t.add_text(f.tu, text::unigrams(&d.title).join(" "));
        let keywords = d.keywords.join(" ");
        let mut kw = text::words(&keywords);
        // A keyword is also a term whole, so a query of exactly it matches it.
        for k in &d.keywords {
            let k = openmini_core::search::query::normalize(k).replace(' ', "");
            if !k.is_empty() && !kw.contains(&k) {
                kw.push(k);
            }
        }
        t.add_text(f.kw, kw.join(" "));
        t.add_text(f.kb, text::bigrams(&keywords).join(" "));
        t.add_text(f.cw, text::words(&d.context).join(" "));
        t.add_text(f.cb, text::bigrams(&d.context).join(" "));
        t.add_text(f.py, text::pinyin_terms(&d.title).join(" "));
        t.add_text(f.pp, text::prefix_terms(&d.title, &d.context).join(" "));
        t
    }

    /// Adds documents (visible after [`commit`](Self::commit)).
    pub fn add(&self, docs: &[Doc]) -> tantivy::Result<()> {
        // Analysis (jieba, pinyin) outside the writer's lock.
        let prepared: Vec<TantivyDocument> = docs.iter().map(|d| self.document(d)).collect();
        let writer = self.writer.lock().map_err(|_| tantivy::TantivyError::InternalError("writer lock poisoned".into()))?;
        for d in prepared {
            writer.add_document(d)?;
        }
        Ok(())
    }

    /// Removes every document of an owner ([`crate::doc::app_owner`], …).
    pub fn delete_owner(&self, owner: &str) -> tantivy::Result<()> {
        let writer = self.writer.lock().map_err(|_| tantivy::TantivyError::InternalError("writer lock poisoned".into()))?;
        writer.delete_term(Term::from_field_text(self.f.owner, owner));
        Ok(())
    }

    /// Makes what was added and deleted visible to queries.
    pub fn commit(&self) -> tantivy::Result<()> {
        self.writer.lock().map_err(|_| tantivy::TantivyError::InternalError("writer lock poisoned".into()))?.commit()?;
        self.reader.reload()
    }

    /// Merges every segment into one (after a rebuild: fewer, larger segments answer
    /// faster). Blocks the writer meanwhile.
    pub fn merge_all(&self) -> tantivy::Result<()> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            let mut writer = self.writer.lock().map_err(|_| tantivy::TantivyError::InternalError("writer lock poisoned".into()))?;
            writer.merge(&ids).wait()?;
        }
        self.reader.reload()
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The query as tantivy clauses: every (field, term) once, with its weight.
    fn query(&self, q: &SearchQuery, chars: bool) -> (Box<dyn Query>, Option<Box<dyn Query>>) {
        let f = &self.f;
        let mut terms: HashMap<(Field, String), f32> = HashMap::new();
        let mut add = |field: Field, term: &str, w: f32| {
            if !term.is_empty() {
                let e = terms.entry((field, term.to_string())).or_insert(0.0);
                *e = e.max(w);
            }
        };
        let mut fuzzy: Vec<(String, u8)> = Vec::new();
        let words = text::words(&q.text);
        for w in &words {
            add(f.tw, w, weight::TITLE);
            add(f.kw, w, weight::KEYWORD);
            add(f.cw, w, weight::CONTEXT);
            if w.chars().any(text::is_cjk) {
                add(f.py, &text::pinyin(w).0, weight::SOUND);
            } else if w.is_ascii() {
                add(f.py, w, weight::PINYIN);
                if (text::PREFIX_MIN..=text::PREFIX_MAX).contains(&w.len()) {
                    add(f.pp, w, weight::PREFIX);
                }
                if w.len() >= 5 && w.bytes().all(|b| b.is_ascii_alphabetic()) {
                    fuzzy.push((w.clone(), if w.len() >= 9 { 2 } else { 1 }));
                }
            }
            for s in synonyms::of(w) {
                for sw in text::words(s) {
                    add(f.tw, &sw, weight::TITLE * synonyms::WEIGHT);
                    add(f.kw, &sw, weight::KEYWORD * synonyms::WEIGHT);
                }
            }
        }
        let bigrams = text::bigrams(&q.text);
        for b in &bigrams {
            add(f.tb, b, weight::TITLE_BIGRAM);
            add(f.kb, b, weight::KEYWORD_BIGRAM);
            add(f.cb, b, weight::CONTEXT_BIGRAM);
        }
        // Single characters only when the query has no pair of them, or its pairs found
        // nothing (a typo): a character's postings are the longest of all (a tenth of 1M
        // titles has 店), and beside pairs they changed no result of the quality corpus
        // but cost the most time.
        if chars || bigrams.is_empty() {
            for u in text::unigrams(&q.text) {
                add(f.tu, &u, weight::TITLE_CHAR);
            }
        }
        let (full, _) = text::pinyin(&q.text);
        add(f.py, &full, weight::PINYIN);
        if q.text.is_ascii() && (text::PREFIX_MIN..=text::PREFIX_MAX).contains(&full.len()) {
            add(f.pp, &full, weight::PREFIX);
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .into_iter()
            .map(|((field, t), w)| {
                let tq: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(field, &t), IndexRecordOption::WithFreqs));
                (Occur::Should, Box::new(BoostQuery::new(tq, w)) as Box<dyn Query>)
            })
            .collect();
        // Typo-tolerant clauses go in a query of their own: a union of plain terms is
        // searched with block-max WAND, which a fuzzy clause in it would switch off.
        let mut fuzzy_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (w, d) in fuzzy {
            for field in [f.tw, f.cw] {
                let fq: Box<dyn Query> = Box::new(FuzzyTermQuery::new(Term::from_field_text(field, &w), d, true));
                fuzzy_clauses.push((Occur::Should, Box::new(BoostQuery::new(fq, weight::FUZZY))));
            }
        }
        let in_kinds = |text_query: Box<dyn Query>| -> Box<dyn Query> {
            if q.kinds.is_empty() {
                return text_query;
            }
            let kinds = TermSetQuery::new(q.kinds.iter().map(|k| Term::from_field_text(f.kind, k.as_str())));
            Box::new(BooleanQuery::new(vec![(Occur::Must, text_query), (Occur::Must, Box::new(kinds))]))
        };
        let fuzzy = (!fuzzy_clauses.is_empty()).then(|| in_kinds(Box::new(BooleanQuery::new(fuzzy_clauses))));
        (in_kinds(Box::new(BooleanQuery::new(clauses))), fuzzy)
    }

    /// The best results: `text × boost`, at most [`PER_OWNER`] per app or article.
    pub fn search(&self, q: &SearchQuery) -> tantivy::Result<Vec<Hit>> {
        let hits = self.search_with(q, false)?;
        if hits.is_empty() {
            return self.search_with(q, true);
        }
        Ok(hits)
    }

    fn search_with(&self, q: &SearchQuery, chars: bool) -> tantivy::Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let (query, fuzzy) = self.query(q, chars);
        let candidates = q.limit * (PER_OWNER + 1) + 20;
        // Two phases: the best `pool` by text alone, which tantivy finds with block-max
        // WAND (skipping the long postings of common characters), then re-ranked by
        // `text × boost`. A boost is at most a few times another, so a pool many times
        // the page holds every document the full product would put on it in practice
        // (tests/quality.rs keeps recall@5 honest); scoring every matching document with
        // its boost made common words cost 30 ms on 1M services.
        let pool = (candidates * 8).max(RERANK_POOL);
        let mut text_top: Vec<(Score, DocAddress)> = searcher.search(&*query, &TopDocs::with_limit(pool))?;
        if let Some(fuzzy) = fuzzy {
            // A document both find scores the sum, as one union would give it.
            let mut sum: HashMap<DocAddress, Score> = text_top.iter().map(|&(s, a)| (a, s)).collect();
            for (s, a) in searcher.search(&*fuzzy, &TopDocs::with_limit(pool))? {
                *sum.entry(a).or_insert(0.0) += s;
            }
            text_top = sum.into_iter().map(|(a, s)| (s, a)).collect();
        }
        let mut boosts: HashMap<u32, Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<f64>>>> = HashMap::new();
        let mut top: Vec<(Score, DocAddress)> = text_top
            .into_iter()
            .map(|(score, addr)| {
                let col = boosts
                    .entry(addr.segment_ord)
                    .or_insert_with(|| searcher.segment_reader(addr.segment_ord).fast_fields().f64("boost").ok().map(|c| c.first_or_default_col(1.0)));
                (score * col.as_ref().map_or(1.0, |c| c.get_val(addr.doc_id) as f32), addr)
            })
            .collect();
        top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut owners: HashMap<u32, Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>>> = HashMap::new();
        let mut per_owner: HashMap<u64, usize> = HashMap::new();
        let mut hits = Vec::with_capacity(q.limit);
        for (score, addr) in top {
            if hits.len() == q.limit {
                break;
            }
            let col = owners
                .entry(addr.segment_ord)
                .or_insert_with(|| searcher.segment_reader(addr.segment_ord).fast_fields().u64("owner_h").ok().map(|c| c.first_or_default_col(0)));
            let owner = col.as_ref().map_or(0, |c| c.get_val(addr.doc_id));
            let n = per_owner.entry(owner).or_insert(0);
            if *n >= PER_OWNER {
                continue;
            }
            *n += 1;
            let d: TantivyDocument = searcher.doc(addr)?;
            let text = |field: Field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
            let Some(kind) = text(self.f.kind).and_then(|k| ResultKind::parse(&k)) else { continue };
            hits.push(Hit {
                kind,
                appid: text(self.f.appid).unwrap_or_default(),
                name: text(self.f.name).unwrap_or_default(),
                title: text(self.f.title).unwrap_or_default(),
                page: text(self.f.page),
                category: text(self.f.category),
                article: d.get_first(self.f.article).and_then(|v| v.as_i64()),
                score,
            });
        }
        Ok(hits)
    }

    /// The index's folder size and segment count, for logs.
    pub fn segments(&self) -> usize {
        self.index.searchable_segment_ids().map(|s| s.len()).unwrap_or(0)
    }
}
