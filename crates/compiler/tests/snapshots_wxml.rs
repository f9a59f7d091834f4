//! Snapshots (insta) of what the compiler says and makes for representative input:
//! diagnostics as people read them, and the render code of a page. A change to either
//! shows up as a reviewable diff of the snapshot.

use openmini_compiler::diag::Source;
use openmini_compiler::wxml::codegen::compile;
use openmini_compiler::wxml::parse;
use std::collections::BTreeMap;

#[test]
fn diagnostics_read_well() {
    let text = "<view class=\"{{ a +  }}\">\n  <text>{{ 1e3 }}</text>\n  <wx-view>x</wx-view>\n</button>\n<view wx:else>hi</view>\n";
    let mut files = BTreeMap::new();
    files.insert("pages/index/index.wxml".to_string(), text.to_string());
    let (_, diags) = compile(&files);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn render_code_of_a_page() {
    let mut files = BTreeMap::new();
    files.insert(
        "index.wxml".to_string(),
        "<import src=\"t.wxml\"/>\n<view wx:for=\"{{list}}\" wx:key=\"id\" data-id=\"{{item.id}}\" bindtap=\"open\">\n  <text wx:if=\"{{item.hot}}\">{{index + 1}}. {{item.title}}</text>\n  <text wx:else>{{item.title}}</text>\n</view>\n<template is=\"badge\" data=\"{{...badge, big: true}}\"/>\n".to_string(),
    );
    files.insert("t.wxml".to_string(), "<template name=\"badge\"><text class=\"badge {{big ? 'big' : ''}}\">{{label}}</text></template>".to_string());
    let (js, diags) = compile(&files);
    assert!(diags.is_empty(), "{diags:?}");
    // The runtime is the same for every package; the snapshot is what the page made.
    let page = js.split("$T[\"index.wxml\"]").nth(1).unwrap_or(&js);
    insta::assert_snapshot!(page);
}

#[test]
fn tolerant_parse_tree() {
    let src = Source::new("x.wxml", "<view a=\"{{x < y}}\" b>{{ '<tag>' }}<my-comp/></view>");
    let (doc, diags) = parse(&src);
    assert!(diags.is_empty());
    insta::assert_debug_snapshot!(doc);
}
