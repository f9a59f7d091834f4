//! Reach: subscription, customer-service, template and weekly push messages under the
//! platform's rules (DESIGN.md rules 1–5). Built so far: keyword rules and the public
//! template library.

pub mod keywords;
pub mod library;
