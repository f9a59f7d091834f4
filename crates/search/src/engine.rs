//! The node's search engine: the index rebuilt from the store on start (in the
//! background; queries are answered once it is ready), then kept in step with it:
//! this node's writes at once (an in-process channel), every node's through the change
//! log (`search_changes`) polled every 500 ms, usage refreshed every few minutes.

use crate::doc::{self, Doc};
use crate::index::{Hit, SearchIndex};
use openmini_core::identity::AppKind;
use openmini_core::search::changes::ChangeCursor;
use openmini_core::search::query::SearchQuery;
use openmini_core::search::rank::{usage_level, USAGE_WINDOW_MS};
use openmini_core::search::store::{Change, SearchStore};
use openmini_core::{ApiError, Clock, Code};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// `[search]` of the configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchOptions {
    /// Build and keep the index on this node (off: the search route answers 503 and
    /// the shell falls back to the catalogue).
    pub enabled: bool,
    /// How often the change log is read, in ms.
    pub poll_ms: u64,
    /// How often usage (opens in the last 30 days) is read again, in seconds.
    pub usage_refresh_secs: u64,
    /// Change-log rows older than this are pruned, in seconds.
    pub keep_changes_secs: i64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { enabled: true, poll_ms: 500, usage_refresh_secs: 300, keep_changes_secs: 3600 }
    }
}

/// Where the index lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// A folder of this node under this one (`<data>/search/`).
    Under(PathBuf),
    /// In memory (tests).
    Memory,
}

/// Rows read per page of a rebuild, and change-log rows per read.
const PAGE_APPS: i64 = 200;
const PAGE_CHANGES: i64 = 1000;
/// Gaps looked up per poll.
const GAP_LOOKUPS: usize = 50;

struct Inner {
    index: RwLock<Option<Arc<SearchIndex>>>,
    tx: mpsc::UnboundedSender<Change>,
    ready: watch::Sender<bool>,
    /// Held for the process's life: tells other processes this folder is in use.
    _lock: Option<std::fs::File>,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct SearchEngine {
    inner: Arc<Inner>,
}

impl SearchEngine {
    /// Starts building the index in the background; returns at once. The task runs
    /// until the returned handle is aborted.
    pub fn start(
        location: Location,
        store: Arc<dyn SearchStore>,
        clock: Arc<dyn Clock>,
        opts: SearchOptions,
    ) -> std::io::Result<(SearchEngine, tokio::task::JoinHandle<()>)> {
        let (dir, lock) = match &location {
            Location::Under(base) => {
                let (dir, lock) = claim_dir(base)?;
                (Some(dir), Some(lock))
            }
            Location::Memory => (None, None),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let (ready, _) = watch::channel(false);
        let engine = SearchEngine { inner: Arc::new(Inner { index: RwLock::new(None), tx, ready, _lock: lock }) };
        let task = tokio::spawn(run(engine.clone(), dir, rx, store, clock, opts));
        Ok((engine, task))
    }

    /// An engine that never becomes ready (search switched off): queries answer 503.
    pub fn disabled() -> SearchEngine {
        let (tx, _) = mpsc::unbounded_channel();
        let (ready, _) = watch::channel(false);
        SearchEngine { inner: Arc::new(Inner { index: RwLock::new(None), tx, ready, _lock: None }) }
    }

    /// This node changed what `change` names: index it again now.
    pub fn notify(&self, change: Change) {
        let _ = self.inner.tx.send(change);
    }

    pub fn is_ready(&self) -> bool {
        *self.inner.ready.borrow()
    }

    /// Waits until the index is built, at most `timeout`; whether it is.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let mut rx = self.inner.ready.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|r| *r)).await.is_ok_and(|r| r.is_ok())
    }

    fn index(&self) -> Option<Arc<SearchIndex>> {
        self.inner.index.read().ok().and_then(|i| i.clone())
    }

    /// Answers a query; 503-style `SystemBusy` while the index is being built.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>, ApiError> {
        let index = self.index().ok_or_else(|| ApiError::with(Code::SystemBusy, "the search index is not ready (being built, or search is off on this node)"))?;
        index.search(q).map_err(|e| ApiError::with(Code::SystemBusy, format!("search failed: {e}")))
    }

    /// Documents in the index (0 before it is ready).
    pub fn num_docs(&self) -> u64 {
        self.index().map_or(0, |i| i.num_docs())
    }
}

/// This node's folder under `base`: `node-<pid>-<random>`, locked for the process's
/// life. Folders of processes that are gone (their lock is free) are removed first;
/// the index is rebuilt from the database on every start anyway.
fn claim_dir(base: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    use fs4::fs_std::FileExt;
    std::fs::create_dir_all(base)?;
    for entry in std::fs::read_dir(base)?.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let stale = match std::fs::OpenOptions::new().read(true).write(true).open(path.join("node.lock")) {
            Ok(f) => FileExt::try_lock_exclusive(&f).unwrap_or(false),
            // No lock file: a folder left half-made.
            Err(_) => true,
        };
        if stale {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
    let suffix: u32 = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let dir = base.join(format!("node-{}-{suffix:08x}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).read(true).write(true).open(dir.join("node.lock"))?;
    if !FileExt::try_lock_exclusive(&lock).unwrap_or(false) {
        return Err(std::io::Error::other("cannot lock the search folder"));
    }
    Ok((dir.join("index"), lock))
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Usage levels per appid, from opens in the last 30 days.
async fn levels(store: &dyn SearchStore, now: i64) -> Result<HashMap<String, u32>, String> {
    Ok(store.opens_since(now - USAGE_WINDOW_MS).await.map_err(err)?.into_iter().map(|(appid, n)| (appid, usage_level(n))).collect())
}

/// Adds documents, analysing them on two threads.
async fn add(index: &Arc<SearchIndex>, mut docs: Vec<Doc>) -> Result<(), String> {
    if docs.len() < 64 {
        let index = index.clone();
        return tokio::task::spawn_blocking(move || index.add(&docs)).await.map_err(err)?.map_err(err);
    }
    let second = docs.split_off(docs.len() / 2);
    let (a, b) = (index.clone(), index.clone());
    let (r1, r2) = tokio::join!(tokio::task::spawn_blocking(move || a.add(&docs)), tokio::task::spawn_blocking(move || b.add(&second)));
    r1.map_err(err)?.map_err(err)?;
    r2.map_err(err)?.map_err(err)
}

async fn commit(index: &Arc<SearchIndex>) -> Result<(), String> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.commit()).await.map_err(err)?.map_err(err)
}

/// Builds the whole index from the store. Returns it with the change-log position
/// taken before reading, so nothing written meanwhile is missed.
async fn build(dir: Option<&Path>, store: &dyn SearchStore, clock: &dyn Clock) -> Result<(Arc<SearchIndex>, ChangeCursor, HashMap<String, u32>), String> {
    let started = std::time::Instant::now();
    let cursor = ChangeCursor::at(store.last_change().await.map_err(err)?);
    let levels = levels(store, clock.now_ms()).await?;
    let index = match dir {
        Some(d) => {
            let d = d.to_path_buf();
            let _ = std::fs::remove_dir_all(&d);
            tokio::task::spawn_blocking(move || SearchIndex::create(&d)).await.map_err(err)?.map_err(err)?
        }
        None => SearchIndex::in_memory().map_err(err)?,
    };
    let index = Arc::new(index);
    let mut accounts: HashMap<String, (String, bool)> = HashMap::new();
    let (mut after, mut apps, mut docs_n) = (0, 0usize, 0usize);
    loop {
        let page = store.index_apps(after, PAGE_APPS).await.map_err(err)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        apps += page.len();
        let mut docs = Vec::new();
        for a in &page {
            if matches!(a.kind, AppKind::Service | AppKind::Subscription) {
                accounts.insert(a.appid.clone(), (a.name.clone(), a.searchable()));
            }
            docs.extend(doc::of_app(a, levels.get(&a.appid).copied().unwrap_or(0)));
        }
        docs_n += docs.len();
        add(&index, docs).await?;
    }
    let mut after = 0;
    loop {
        let page = store.index_articles(after, 1000).await.map_err(err)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let docs: Vec<Doc> = page
            .iter()
            .filter_map(|a| {
                let (name, searchable) = accounts.get(&a.appid)?;
                searchable.then(|| doc::of_article(a, name, levels.get(&a.appid).copied().unwrap_or(0)))
            })
            .collect();
        docs_n += docs.len();
        add(&index, docs).await?;
    }
    commit(&index).await?;
    let i = index.clone();
    tokio::task::spawn_blocking(move || i.merge_all()).await.map_err(err)?.map_err(err)?;
    tracing::info!(apps, documents = docs_n, ms = started.elapsed().as_millis() as u64, "search index built");
    Ok((index, cursor, levels))
}

/// Indexes what changed again, then commits once.
async fn apply(index: &Arc<SearchIndex>, store: &dyn SearchStore, levels: &HashMap<String, u32>, pending: &BTreeSet<Change>) -> Result<(), String> {
    let mut docs = Vec::new();
    for Change::App(appid) in pending {
        let owner = doc::app_owner(appid);
        let i = index.clone();
        tokio::task::spawn_blocking(move || i.delete_owner(&owner)).await.map_err(err)?.map_err(err)?;
        if let Some(app) = store.index_app(appid).await.map_err(err)? {
            docs.extend(doc::of_app(&app, levels.get(appid).copied().unwrap_or(0)));
        }
    }
    add(index, docs).await?;
    commit(index).await
}

/// Reads the change log after the cursor (and the gaps below it) into `pending`.
async fn poll(store: &dyn SearchStore, cursor: &mut ChangeCursor, pending: &mut BTreeSet<Change>, now: i64) -> Result<(), String> {
    loop {
        let rows = store.changes_after(cursor.high(), PAGE_CHANGES).await.map_err(err)?;
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        let fresh: BTreeSet<i64> = cursor.advance(&seqs, now).into_iter().collect();
        pending.extend(rows.iter().filter(|r| fresh.contains(&r.seq)).filter_map(|r| r.change.clone()));
        if (rows.len() as i64) < PAGE_CHANGES {
            break;
        }
    }
    for g in cursor.gaps().into_iter().take(GAP_LOOKUPS) {
        if let Some(row) = store.change(g).await.map_err(err)? {
            if cursor.fill(g) {
                pending.extend(row.change);
            }
        }
    }
    cursor.expire(now);
    Ok(())
}

async fn run(
    engine: SearchEngine,
    dir: Option<PathBuf>,
    mut rx: mpsc::UnboundedReceiver<Change>,
    store: Arc<dyn SearchStore>,
    clock: Arc<dyn Clock>,
    opts: SearchOptions,
) {
    let (index, mut cursor, mut levels) = loop {
        match build(dir.as_deref(), &*store, &*clock).await {
            Ok(built) => break built,
            Err(e) => {
                tracing::warn!(error = %e, "building the search index failed; trying again");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    };
    if let Ok(mut slot) = engine.inner.index.write() {
        *slot = Some(index.clone());
    }
    engine.inner.ready.send_replace(true);

    let mut pending: BTreeSet<Change> = BTreeSet::new();
    let mut poll_tick = tokio::time::interval(Duration::from_millis(opts.poll_ms.max(10)));
    poll_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut usage_tick = tokio::time::interval(Duration::from_secs(opts.usage_refresh_secs.max(1)));
    usage_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    usage_tick.tick().await; // the build just read usage
    let mut prune_tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tokio::select! {
            Some(c) = rx.recv() => {
                pending.insert(c);
                while let Ok(c) = rx.try_recv() {
                    pending.insert(c);
                }
            }
            _ = poll_tick.tick() => {
                if let Err(e) = poll(&*store, &mut cursor, &mut pending, clock.now_ms()).await {
                    tracing::warn!(error = %e, "reading the search change log failed");
                }
            }
            _ = usage_tick.tick() => {
                match self::levels(&*store, clock.now_ms()).await {
                    Ok(fresh) => {
                        // Apps whose level moved (up, down, or to none) are indexed again.
                        for (appid, l) in &fresh {
                            if levels.get(appid) != Some(l) {
                                pending.insert(Change::App(appid.clone()));
                            }
                        }
                        for appid in levels.keys().filter(|a| !fresh.contains_key(*a)) {
                            pending.insert(Change::App(appid.clone()));
                        }
                        levels = fresh;
                    }
                    Err(e) => tracing::warn!(error = %e, "reading usage for search failed"),
                }
            }
            _ = prune_tick.tick() => {
                if let Err(e) = store.prune_changes(clock.now_ms() - opts.keep_changes_secs * 1000).await {
                    tracing::warn!(error = %e, "pruning the search change log failed");
                }
            }
        }
        if !pending.is_empty() {
            match apply(&index, &*store, &levels, &pending).await {
                Ok(()) => pending.clear(),
                Err(e) => tracing::warn!(error = %e, "updating the search index failed; trying again"),
            }
        }
    }
}
