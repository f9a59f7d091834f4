//! The `{{ }}` expression language: an expression, a template of text and
//! interpolations, a `data` object body, and the render code of one in a page.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use openmini_compiler::wxml::codegen::compile;
use openmini_compiler::wxml::expr::{parse_expr, parse_object_body, parse_template};
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    for r in [parse_expr(&s).map(drop), parse_template(&s).map(drop), parse_object_body(&s).map(drop)] {
        if let Err(e) = r {
            assert!(e.offset <= s.len(), "offset {} past the end ({})", e.offset, s.len());
            assert!(!e.message.is_empty());
        }
    }
    if s.contains("wxs") {
        return;
    }
    let page = format!("<view a=\"{{{{{s}}}}}\">{{{{{s}}}}}</view><template is=\"t\" data=\"{{{{{s}}}}}\"/>");
    let files: BTreeMap<String, String> = [("index.wxml".to_string(), page)].into();
    let (js, diags) = compile(&files);
    common::check_diags(&diags, &files);
    common::check_js_balance(&js);
});
