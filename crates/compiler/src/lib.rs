//! The mini-program compiler (`openmini build`). Built so far: the diagnostics every
//! stage reports through, the tolerant WXML parser and the WXML expression language.
//! Code generation, WXSS, WXS, JSON and JS come next (see ARCHITECTURE.md).

pub mod app;
pub mod build;
pub mod components;
pub mod diag;
pub mod wxml;
pub mod wxss;
