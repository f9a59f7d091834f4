//! What every handler shares.

use crate::config::Config;
use openmini_core::identity::Identity;
use openmini_store::Db;
use crate::live::Hub;
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
}

impl AppState {
    pub fn new(identity: Identity, db: Db, config: Config) -> AppState {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_millis(config.reach.push_timeout_ms))
            .user_agent("OpenMini-Push/1")
            .build()
            .unwrap_or_default();
        AppState(Arc::new(Shared { identity, db, config, hub: Hub::default(), outbox_wake: Notify::new(), http }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}
