//! Live inbox updates: a send on this node wakes the user's open streams at once;
//! streams also look at the store every second, which covers sends on other nodes and
//! campaign fan-out (which wakes nobody: a million wake-ups would cost more than the
//! poll).

use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::watch;

#[derive(Default)]
pub struct Hub {
    users: Mutex<HashMap<i64, watch::Sender<u64>>>,
}

impl Hub {
    /// A receiver that changes whenever something arrives for `user_id` on this node.
    pub fn subscribe(&self, user_id: i64) -> watch::Receiver<u64> {
        let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        users.entry(user_id).or_insert_with(|| watch::channel(0).0).subscribe()
    }

    pub fn notify(&self, user_id: i64) {
        let mut users = self.users.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(tx) = users.get(&user_id) {
            if tx.receiver_count() == 0 {
                // Nobody listens any more: forget the user.
                users.remove(&user_id);
            } else {
                tx.send_modify(|n| *n += 1);
            }
        }
    }
}
