//! Identity: subjects, open-platform accounts, apps, users, and the WeChat-compatible
//! token and login rules (DESIGN.md rule 6).

pub mod codes;
pub mod model;
pub mod policy;
pub mod service;
pub mod store;
pub mod tokens;

pub use model::*;
pub use policy::Policy;
pub use service::Identity;
pub use store::{IdentityStore, StoreError};
