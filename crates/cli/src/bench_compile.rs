//! `openmini bench compile`: builds a generated 500-page app (and @vant/weapp's
//! components, when npm can fetch them) and, as the baseline in the same run, times
//! WeChat's own compiler (`wcc` from npm `miniprogram-compiler`) on the same WXML.

use openmini_compiler::build::{build, Options};
use openmini_compiler::wxml::codegen;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const WCC_PACKAGE: &str = "miniprogram-compiler@0.2.3";
const VANT_PACKAGE: &str = "@vant/weapp@1.11.7";

/// A page of realistic size and mix: a list with conditions, a template from a shared
/// file, WXS formatting, events, datasets, a form.
fn page_wxml(i: usize) -> String {
    format!(
        r#"<import src="/common/cards.wxml"/>
<wxs src="/common/fmt.wxs" module="fmt"/>
<view class="page page-{i}" data-page="{i}">
  <view class="header">
    <text class="title">{{{{title}}}} #{i}</text>
    <text class="sub" wx:if="{{{{subtitle}}}}">{{{{subtitle}}}}</text>
    <text class="sub muted" wx:else>无副标题</text>
  </view>
  <scroll-view scroll-y class="list" bindscrolltolower="loadMore">
    <block wx:for="{{{{items}}}}" wx:key="id" wx:for-item="it" wx:for-index="idx">
      <view class="row {{{{it.read ? 'read' : 'unread'}}}} {{{{idx % 2 == 0 ? 'even' : 'odd'}}}}" data-id="{{{{it.id}}}}" bindtap="open" catch:longpress="menu">
        <image class="thumb" src="{{{{it.cover}}}}" mode="aspectFill" lazy-load/>
        <view class="body">
          <text class="name">{{{{idx + 1}}}}. {{{{it.name}}}}</text>
          <text class="price">{{{{fmt.money(it.price)}}}}</text>
          <template is="badge" data="{{{{label: it.tag, hot: it.sales > 100}}}}"/>
        </view>
        <button size="mini" type="{{{{it.stock > 0 ? 'primary' : 'default'}}}}" disabled="{{{{it.stock == 0}}}}" bindtap="buy" data-sku="{{{{it.sku}}}}">购买</button>
      </view>
    </block>
    <view class="empty" wx:if="{{{{!items.length}}}}">暂无内容</view>
  </scroll-view>
  <form bindsubmit="submit">
    <input name="q" placeholder="搜索" model:value="{{{{query}}}}"/>
    <picker mode="selector" range="{{{{['全部', '新品', '热卖']}}}}" value="{{{{tab}}}}" bindchange="pick"><view>{{{{['全部', '新品', '热卖'][tab]}}}}</view></picker>
    <button form-type="submit">提交</button>
  </form>
  <template is="footer" data="{{{{...footer, page: {i}}}}}"/>
</view>
"#
    )
}

fn generate(dir: &Path, pages: usize) {
    let _ = std::fs::remove_dir_all(dir);
    let w = |p: &str, t: &str| {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    };
    let list: Vec<String> = (0..pages).map(|i| format!("\"pages/p{i}/index\"")).collect();
    w("app.json", &format!("{{\"pages\": [{}], \"window\": {{\"navigationBarTitleText\": \"Bench\"}}}}", list.join(",")));
    w("app.js", "App({ onLaunch() {} })");
    w("common/cards.wxml", "<template name=\"badge\"><text class=\"badge {{hot ? 'hot' : ''}}\">{{label}}</text></template>\n<template name=\"footer\"><view class=\"footer\">{{copyright}} · {{page}}</view></template>");
    w("common/fmt.wxs", "function money(v) { return '¥' + (v / 100).toFixed(2); }\nmodule.exports = { money: money };");
    for i in 0..pages {
        w(&format!("pages/p{i}/index.wxml"), &page_wxml(i));
        w(&format!("pages/p{i}/index.js"), &format!("Page({{ data: {{ title: 'Page {i}', items: [] }}, open(e) {{}}, buy(e) {{}}, loadMore() {{}} }})"));
        w(&format!("pages/p{i}/index.wxss"), ".row { display: flex; padding: 24rpx; } .thumb { width: 160rpx; height: 160rpx; }");
        w(&format!("pages/p{i}/index.json"), "{\"navigationBarTitleText\": \"Page\"}");
    }
}

/// npm packages in a cache folder, installed once (None without npm or network).
fn npm_cache(packages: &[&str]) -> Option<PathBuf> {
    let dir = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir).join(".cache/openmini/bench-npm");
    std::fs::create_dir_all(&dir).ok()?;
    let missing = packages.iter().any(|p| {
        let name = p.rsplit_once('@').map_or(*p, |(n, _)| n);
        !dir.join("node_modules").join(name).exists()
    });
    if missing {
        eprintln!("  installing {} with npm (once)", packages.join(", "));
        let ok = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
            .arg(&dir)
            .args(packages)
            .stdout(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        if !ok {
            return None;
        }
    }
    Some(dir.join("node_modules"))
}

/// Every file below `dir`: (path relative to it with `/`, size).
fn walk(dir: &Path) -> Vec<(PathBuf, String, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((p.clone(), rel, e.metadata().map(|m| m.len()).unwrap_or(0)));
            }
        }
    }
    out
}

fn wxml_files(dir: &Path) -> BTreeMap<String, String> {
    walk(dir)
        .into_iter()
        .filter(|(_, rel, _)| rel.ends_with(".wxml") || rel.ends_with(".wxs"))
        .filter_map(|(p, rel, _)| std::fs::read_to_string(p).ok().map(|t| (rel, t)))
        .collect()
}

/// wcc on every .wxml and .wxs of `dir`, in one run; its wall time in ms.
fn time_wcc(wcc: &Path, dir: &Path, files: &BTreeMap<String, String>) -> Option<f64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(wcc, std::fs::Permissions::from_mode(0o755));
    }
    let (wxml, wxs): (Vec<_>, Vec<_>) = files.keys().map(|k| format!("./{k}")).partition(|k| k.ends_with(".wxml"));
    let started = Instant::now();
    let out = Command::new(wcc).arg("-d").args(&wxml).args(&wxs).args(["-gn", "$gwx"]).current_dir(dir).output().ok()?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !out.status.success() {
        eprintln!("  wcc failed: {}", String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or(""));
        return None;
    }
    Some(ms)
}

pub fn run(quick: bool, json: bool) -> anyhow::Result<()> {
    let pages = 500;
    let runs = if quick { 3 } else { 10 };
    let dir = std::env::temp_dir().join(format!("openmini-bench-compile-{}", std::process::id()));
    eprintln!("bench compile: {pages} generated pages, best of {runs} runs");
    generate(&dir, pages);
    let npm = npm_cache(&[WCC_PACKAGE, VANT_PACKAGE]);
    if let Some(vant) = npm.as_ref().map(|n| n.join("@vant/weapp/dist")).filter(|p| p.exists()) {
        copy(&vant, &dir.join("miniprogram_npm/@vant/weapp"))?;
    } else {
        eprintln!("  npm unavailable: @vant/weapp and the wcc baseline are left out");
    }
    let files = wxml_files(&dir);
    let wxml_bytes: usize = files.values().map(String::len).sum();
    let input_bytes: u64 = walk_size(&dir);
    let (mut best_build, mut best_wxml) = (f64::MAX, f64::MAX);
    let mut errors = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let b = build(&dir, &Options::default());
        best_build = best_build.min(t.elapsed().as_secs_f64() * 1000.0);
        errors = b.errors();
        let t = Instant::now();
        let (_js, _d) = codegen::compile(&files);
        best_wxml = best_wxml.min(t.elapsed().as_secs_f64() * 1000.0);
    }
    let wcc_ms = npm.as_ref().map(|n| n.join("miniprogram-compiler/bin/linux/wcc")).filter(|p| p.exists()).and_then(|w| {
        (0..runs).filter_map(|_| time_wcc(&w, &dir, &files)).fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.min(x))))
    });
    let _ = std::fs::remove_dir_all(&dir);
    let mb_per_s = input_bytes as f64 / 1e6 / (best_build / 1000.0);
    let files_per_s = files.len() as f64 / (best_wxml / 1000.0);
    // How many times faster than wcc on the same WXML/WXS (above 1: faster).
    let ratio = wcc_ms.map(|w| w / best_wxml);
    if json {
        println!(
            "{}",
            serde_json::json!({
                "pages": pages, "wxml_files": files.len(), "wxml_bytes": wxml_bytes, "input_bytes": input_bytes,
                "build_ms": best_build, "wxml_ms": best_wxml, "wcc_ms": wcc_ms, "mb_per_s": mb_per_s,
                "wxml_files_per_s": files_per_s, "ratio_to_wcc": ratio, "errors": errors,
            })
        );
    } else {
        println!("input               {} WXML/WXS files ({} KB), {} KB in all", files.len(), wxml_bytes / 1024, input_bytes / 1024);
        println!("openmini build      {best_build:.1} ms for the whole app ({mb_per_s:.1} MB/s)");
        println!("WXML/WXS to code    {best_wxml:.1} ms ({files_per_s:.0} files/s)");
        match wcc_ms {
            Some(w) => println!("wcc (same WXML/WXS) {w:.1} ms: openmini is {:.2}× as fast", w / best_wxml),
            None => println!("wcc                 not available"),
        }
    }
    println!(
        "bench compile: pages={pages} wall_ms={best_build:.1} wxml_ms={best_wxml:.1} wcc_ms={} mb_per_s={mb_per_s:.1} ratio_to_wcc={} errors={errors}",
        wcc_ms.map_or("na".into(), |w| format!("{w:.1}")),
        ratio.map_or("na".into(), |r| format!("{r:.2}"))
    );
    anyhow::ensure!(errors == 0, "the generated app did not compile: {errors} errors");
    Ok(())
}

fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let (s, d) = (e.path(), to.join(e.file_name()));
        if s.is_dir() {
            copy(&s, &d)?;
        } else {
            std::fs::copy(&s, &d)?;
        }
    }
    Ok(())
}

fn walk_size(dir: &Path) -> u64 {
    walk(dir).iter().map(|(_, _, n)| n).sum()
}
