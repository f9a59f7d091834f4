//! What every handler shares.

use crate::config::Config;
use openmini_core::identity::Identity;
use openmini_store::Db;
use std::sync::Arc;

/// Cloned for every request, so one `Arc` behind it.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub identity: Identity,
    pub db: Db,
    pub config: Config,
}

impl AppState {
    pub fn new(identity: Identity, db: Db, config: Config) -> AppState {
        AppState(Arc::new(Shared { identity, db, config }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}
