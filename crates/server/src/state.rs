//! What every handler shares.

use crate::config::Config;
use openmini_core::identity::Identity;
use openmini_store::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub identity: Identity,
    pub db: Db,
    pub config: Arc<Config>,
}
