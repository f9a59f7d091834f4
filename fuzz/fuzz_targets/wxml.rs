//! WXML: up to three files of a package (the input split at NUL bytes) — a page, a
//! file it may `import`/`include`, a WXS module — parsed and compiled to render code.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use openmini_compiler::wxml::codegen::compile;
use std::collections::BTreeMap;

const NAMES: [&str; 3] = ["pages/index/index.wxml", "common/t.wxml", "utils/u.wxs"];

fuzz_target!(|data: &[u8]| {
    let files: BTreeMap<String, String> = common::texts(data, 3).into_iter().zip(NAMES).map(|(t, n)| (n.to_string(), t)).collect();
    let (js, diags) = compile(&files);
    common::check_diags(&diags, &files);
    // WXS code is copied into the render code as written; without it the code is ours.
    if !files.keys().any(|k| k.ends_with(".wxs")) && !files.values().any(|t| t.contains("wxs")) {
        common::check_js_balance(&js);
    }
});
