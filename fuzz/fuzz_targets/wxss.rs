//! WXSS: up to three stylesheets (the input split at NUL bytes) that may `@import`
//! each other, compiled as the app's, a page's or a component's (by input length).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use openmini_compiler::wxss::{compile, Scope};
use std::collections::BTreeMap;

const NAMES: [&str; 3] = ["pages/a/a.wxss", "common/b.wxss", "pages/a/c.wxss"];

fuzz_target!(|data: &[u8]| {
    let files: BTreeMap<String, String> = common::texts(data, 3).into_iter().zip(NAMES).map(|(t, n)| (n.to_string(), t)).collect();
    let scope = match data.len() % 3 {
        0 => Scope::App,
        1 => Scope::Page,
        _ => Scope::Component { prefix: "c0a1b2c3".into() },
    };
    let (_css, diags) = compile(&files, NAMES[0], &scope);
    for d in &diags {
        assert!(d.line >= 1 && d.col >= 1 && !d.code.is_empty(), "{d:?}");
        assert!(files.contains_key(&d.file), "unknown file in {d:?}");
    }
});
