//! A per-node cache of the rows read on every open-API and client call: apps (by appid
//! and id), client sessions, access tokens, openids and private templates. Entries live at most [`TTL`]; this node's own writes
//! invalidate them at once, another node's (or the admin CLI's) are seen within the
//! TTL. Users are not cached: a block must take effect on the next login.

use openmini_core::identity::store::{ClientSession, TokenRecord};
use openmini_core::reach::store::PrivateTemplate;
use openmini_core::identity::App;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) const TTL: Duration = Duration::from_secs(1);
const MAX_ENTRIES: usize = 50_000;

/// Entries, their lifetime, and how many the map holds before it starts over.
pub(crate) struct Map<K, V>(Mutex<HashMap<K, (Instant, V)>>, Duration, usize);

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map(Mutex::new(HashMap::new()), TTL, MAX_ENTRIES)
    }
}

impl<K, V> Map<K, V> {
    /// For rows that never change once written (an openid's user): kept an hour, and
    /// room for an app's whole active audience (a cap smaller than the users a sender
    /// reaches in turn empties the map before any entry is used twice; seen in `bench
    /// reach` with 60k users and a 50k cap: half the workers' time in reads).
    fn lasting() -> Self {
        Map(Mutex::new(HashMap::new()), Duration::from_secs(3600), 1 << 20)
    }
}

impl<K: Hash + Eq, V: Clone> Map<K, V> {
    pub(crate) fn get<Q>(&self, k: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let m = self.0.lock().ok()?;
        m.get(k).filter(|(at, _)| at.elapsed() < self.1).map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, k: K, v: V) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= self.2 {
                m.clear();
            }
            m.insert(k, (Instant::now(), v));
        }
    }

    pub(crate) fn remove<Q>(&self, k: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Ok(mut m) = self.0.lock() {
            m.remove(k);
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            m.clear();
        }
    }
}

pub(crate) struct HotCache {
    pub apps_by_appid: Map<String, App>,
    pub apps_by_id: Map<i64, App>,
    pub sessions: Map<String, ClientSession>,
    /// Access tokens by hash: this node's issuing, capping and revoking clear it.
    pub tokens: Map<String, TokenRecord>,
    /// (app id, openid) → user id: never changes once the user first logged in.
    pub openids: Map<(i64, String), i64>,
    /// Apps' private templates: this node's adds and deletes clear it.
    pub templates: Map<(i64, String), PrivateTemplate>,
}

impl Default for HotCache {
    fn default() -> Self {
        HotCache {
            apps_by_appid: Map::default(),
            apps_by_id: Map::default(),
            sessions: Map::default(),
            tokens: Map::default(),
            openids: Map::lasting(),
            templates: Map::default(),
        }
    }
}

impl HotCache {
    pub(crate) fn forget_apps(&self) {
        self.apps_by_appid.clear();
        self.apps_by_id.clear();
    }
}
