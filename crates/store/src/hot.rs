//! A per-node cache of the rows read on every open-API and client call: apps (by appid
//! and id) and client sessions. Entries live at most [`TTL`]; this node's own writes
//! invalidate them at once, another node's (or the admin CLI's) are seen within the
//! TTL. Users are not cached: a block must take effect on the next login.

use openmini_core::identity::store::ClientSession;
use openmini_core::identity::App;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) const TTL: Duration = Duration::from_secs(1);
const MAX_ENTRIES: usize = 50_000;

pub(crate) struct Map<K, V>(Mutex<HashMap<K, (Instant, V)>>);

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V: Clone> Map<K, V> {
    pub(crate) fn get<Q>(&self, k: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let m = self.0.lock().ok()?;
        m.get(k).filter(|(at, _)| at.elapsed() < TTL).map(|(_, v)| v.clone())
    }

    pub(crate) fn put(&self, k: K, v: V) {
        if let Ok(mut m) = self.0.lock() {
            if m.len() >= MAX_ENTRIES {
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

#[derive(Default)]
pub(crate) struct HotCache {
    pub apps_by_appid: Map<String, App>,
    pub apps_by_id: Map<i64, App>,
    pub sessions: Map<String, ClientSession>,
}

impl HotCache {
    pub(crate) fn forget_apps(&self) {
        self.apps_by_appid.clear();
        self.apps_by_id.clear();
    }
}
