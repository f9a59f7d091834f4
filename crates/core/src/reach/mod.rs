//! Reach: subscription, customer-service, template and weekly push messages under the
//! platform's rules (DESIGN.md rules 1–5). Built so far: keyword rules, the public
//! template library and apps' private templates.

pub mod customer_service;
pub mod keywords;
pub mod legacy;
pub mod library;
pub mod store;
pub mod subscribe;
pub mod templates;
