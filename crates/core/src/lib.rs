//! The OpenMini domain. Rules live here, apart from storage (`openmini-store`) and HTTP
//! (`openmini-server`): someone changing a quota or a code's lifetime finds it in one
//! module with no SQL or request in sight.

pub mod clock;
pub mod container;
pub mod error;
pub mod identity;
pub mod keys;
pub mod msg_crypt;
pub mod reach;
pub mod search;
pub mod secret;
pub mod traffic;
pub mod wxa_crypto;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ApiError, Code};
pub use secret::Secret;
