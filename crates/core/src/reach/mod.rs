//! Reach: subscription, customer-service, template and weekly push messages under the
//! platform's rules (DESIGN.md rules 1–5), the inbox they land in, pushes to developers'
//! servers and campaign fan-out.

pub mod campaign;
pub mod customer_service;
pub mod events;
pub mod inbox;
pub mod outbox;
pub mod push;
pub mod keywords;
pub mod legacy;
pub mod library;
pub mod store;
pub mod subscribe;
pub mod templates;

/// A message id as apps see it: random, positive, 63 bits (like WeChat's `msgid`).
pub fn new_msgid() -> i64 {
    (u64::from_le_bytes(crate::keys::random_bytes::<8>()) >> 1) as i64
}
