//! What every handler shares.

use crate::config::Config;
use crate::live::Hub;
use openmini_core::container::store::PackageFiles;
use openmini_core::identity::Identity;
use openmini_search::{Location, SearchEngine};
use openmini_store::{Db, LocalFiles};
use std::sync::Arc;
use tokio::sync::Notify;

/// Cloned for every request, so one `Arc` behind it.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub identity: Identity,
    pub db: Db,
    pub config: Config,
    /// Wakes users' live inbox streams.
    pub hub: Hub,
    /// Wakes this node's outbox worker when a push is queued.
    pub outbox_wake: Notify,
    /// For developers' servers: no redirects, a timeout per request.
    pub http: reqwest::Client,
    /// For mini programs' `wx.request` and friends: no redirects followed, no cookies
    /// kept, a timeout per request.
    pub proxy: reqwest::Client,
    /// The bytes of deployed packages.
    pub packages: Arc<dyn PackageFiles>,
    /// This node's search index (built in the background, then kept in step).
    pub search: SearchEngine,
    /// The index's background task, stopped with the server.
    pub search_task: Option<tokio::task::AbortHandle>,
}

impl AppState {
    /// The state of a server whose search index is in memory (tests, benches).
    pub fn new(identity: Identity, db: Db, config: Config) -> AppState {
        Self::with_search(identity, db, config, Location::Memory)
    }

    /// The state of `openmini serve`: the index in this node's folder under
    /// `<data>/search/` (a folder that cannot be used gives an in-memory index).
    pub fn serving(identity: Identity, db: Db, config: Config) -> AppState {
        let at = Location::Under(config.data.join("search"));
        Self::with_search(identity, db, config, at)
    }

    fn with_search(identity: Identity, db: Db, config: Config, at: Location) -> AppState {
        let (search, search_task) = if config.search.enabled && tokio::runtime::Handle::try_current().is_ok() {
            let clock = identity.clock().clone();
            let start = |at| SearchEngine::start(at, Arc::new(db.clone()), clock.clone(), config.search.clone());
            match start(at).or_else(|e| {
                tracing::warn!(error = %e, "the search folder cannot be used; keeping the index in memory");
                start(Location::Memory)
            }) {
                Ok((engine, task)) => (engine, Some(task.abort_handle())),
                Err(_) => (SearchEngine::disabled(), None),
            }
        } else {
            (SearchEngine::disabled(), None)
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_millis(config.reach.push_timeout_ms))
            .user_agent("OpenMini-Push/1")
            .build()
            .unwrap_or_default();
        // Not `unwrap_or_default`: the default client follows redirects. Building fails
        // only when the TLS backend cannot start, and then nothing would work anyway.
        let proxy = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_millis(config.proxy.timeout_ms))
            .build()
            .expect("the proxy's HTTP client (TLS backend) starts");
        let packages = Arc::new(LocalFiles::new(config.packages_dir()));
        AppState(Arc::new(Shared { identity, db, config, hub: Hub::default(), outbox_wake: Notify::new(), http, proxy, packages, search, search_task }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}
