//! app.json: checked against a made-up package (some pages exist, some do not), then
//! its `usingComponents` resolved, with the input as every JSON file.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use openmini_compiler::app;
use openmini_compiler::components::resolve_all;
use openmini_compiler::diag::Source;
use std::collections::BTreeMap;

/// A file "exists" when its path is short and its bytes add up to an even number: a
/// finite, arbitrary package.
fn exists(p: &str) -> bool {
    p.len() < 48 && p.bytes().map(u32::from).sum::<u32>() % 2 == 0
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let src = Source::new("app.json", text);
    let mut diags = Vec::new();
    let has_page = |p: &str| exists(&format!("{p}.wxml"));
    if let Some(a) = app::check(&src, &has_page, &mut diags) {
        assert!(!a.packages.is_empty());
        let pages: Vec<String> = a.packages.iter().flat_map(|p| p.pages.iter().cloned()).collect();
        let json_of = |p: &str| p.ends_with(".json").then(|| text.to_string());
        let _ = resolve_all(&pages, &a.config, &json_of, &exists, &mut diags);
    }
    let files: BTreeMap<String, String> = BTreeMap::new();
    common::check_diags(&diags, &files);
    for d in &diags {
        if d.file == "app.json" {
            assert!(d.line <= text.split('\n').count(), "{d:?}");
        }
    }
});
