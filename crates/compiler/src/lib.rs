//! The mini-program compiler (`openmini build`): the diagnostics every stage reports
//! through, `app.json`, WXML and WXS to render code, WXSS, `usingComponents`, JavaScript
//! modules (`js`), and the bundle (see ARCHITECTURE.md and docs/bundle.md).

pub mod app;
pub mod build;
pub mod components;
pub mod diag;
pub mod js;
pub mod npm;
pub mod wxml;
pub mod wxss;
