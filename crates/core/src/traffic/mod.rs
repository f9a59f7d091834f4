//! Traffic entries (DESIGN.md rule 7, docs/traffic.md): how people reach a mini program
//! from outside it. Rules only: storage is `openmini-store`, HTTP is `openmini-server`.
//!
//! - Links and codes: `links` (URL schemes, URL links, short links), `codes`
//!   (mini-program codes and QR codes: what they hold), `resolve` (what any of them
//!   opens, with its scene, and the open counted), `params` (the characters and shapes
//!   they accept), `pages` (the pages of the version they open), `link_policy` (their
//!   numbers), `link_store` (what they need from storage).
//! - Web pages, other apps, shares and service accounts: `jssdk` (jsapi tickets,
//!   `wx.config`, the open tag's client check and launch tickets), `launch` (mobile
//!   apps: links, consent, scene 1069), `shares` (cards, share tickets, `openGId`),
//!   `menus` and `articles` (service accounts), `target` (the mini program and page an
//!   entry opens), `entry_policy` (their numbers), `entry_store` (their storage).

pub mod articles;
pub mod codes;
pub mod entry_policy;
pub mod entry_store;
pub mod jssdk;
pub mod launch;
pub mod link_policy;
pub mod link_store;
pub mod links;
pub mod menus;
pub mod pages;
pub mod params;
pub mod resolve;
pub mod shares;
pub mod target;
