//! `openmini bench container`: the container in headless Chromium, driven over the
//! DevTools protocol, against a server in this process. It measures the demo mini
//! program's start to its first page on screen (the first start with an empty browser
//! cache, then warm starts), a 1,000-row `wx:for` list rendered by setData, and setData
//! round trips updating one row of it; the baseline, in the same browser, is the same
//! list built by plain DOM code.

use crate::cdp::{find_chromium, Browser};
use anyhow::{anyhow, bail, Context, Result};
use openmini_core::identity::{AppKind, Policy};
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::{deploy, seed, Platform};
use openmini_store::{Db, LocalFiles};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The measuring mini program: one page with a list, and the loop that times it.
const LIST_WXML: &str = r#"<view class="toolbar">rows: {{rows.length}}</view>
<view class="list">
  <view wx:for="{{rows}}" wx:key="id" class="row {{item.id % 2 ? 'odd' : 'even'}}" data-id="{{item.id}}" bindtap="tap">
    <text class="name">{{item.name}}</text>
    <text class="price">¥{{item.price}}</text>
  </view>
</view>
"#;

const LIST_JS: &str = r#"function rows(n, tag) {
  var out = [];
  for (var i = 0; i < n; i++) out.push({ id: i, name: tag + ' item ' + i, price: (i * 7 % 100) + '.00' });
  return out;
}
function median(a) { var s = a.slice().sort(function (x, y) { return x - y; }); return s[Math.floor(s.length / 2)]; }

Page({
  data: { rows: [] },
  onLoad: function (q) { this.n = Number(q.n) || 1000; this.reps = Number(q.reps) || 5; this.secs = Number(q.secs) || 3; },
  onReady: function () { this.renderList(0, []); },
  // Empties the list, then times setData of n rows until the frame has applied them.
  renderList: function (k, times) {
    var self = this;
    if (k === this.reps) return this.updates(times);
    this.setData({ rows: [] }, function () {
      var t0 = Date.now();
      var p0 = performance.now();
      self.setData({ rows: rows(self.n, 'r' + k) }, function () {
        times.push(performance.now() - p0);
        self.renderList(k + 1, times);
      });
    });
  },
  // setData round trips changing one row, for a few seconds.
  updates: function (times) {
    var self = this;
    var count = 0;
    var start = performance.now();
    var end = start + this.secs * 1000;
    function next() {
      if (performance.now() >= end) {
        wx.reportEvent('bench_list', { list_ms: median(times), list_min_ms: Math.min.apply(null, times), setdata_per_s: count / ((performance.now() - start) / 1000), rows: self.n });
        return;
      }
      count++;
      var key = 'rows[' + (count % self.n) + '].name';
      var up = {};
      up[key] = 'updated ' + count;
      self.setData(up, next);
    }
    next();
  },
  tap: function () {},
});
"#;

const LIST_WXSS: &str = ".row { display: flex; justify-content: space-between; padding: 16rpx 32rpx; border-bottom: 1rpx solid #eee; }\n.odd { background: #fafafa; }\n.price { color: #fa5151; }\n";

/// The bench's host page: what a host does to start a mini program (docs/container.md),
/// with clocks; and the plain-DOM baseline.
const HOST_JS: &str = r#"
window.__bench = { events: [] };
window.startApp = function (appid, base, manifest, launch) {
  return new Promise(function (resolve, reject) {
    var t0 = performance.now();
    var frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.style.cssText = 'border:0;width:375px;height:667px;display:block';
    frame.src = window.__origin + '/container/frame?appid=' + appid;
    var shown = false;
    function onMessage(e) {
      if (e.source !== frame.contentWindow) return;
      var m = e.data;
      if (m.t === 'ready') {
        frame.contentWindow.postMessage({ t: 'launch', appid: appid, base: window.__origin + base, version: 1, manifest: manifest, launch: launch, system: { windowWidth: 375, windowHeight: 667, pixelRatio: 2 }, storage: {} }, '*');
      } else if (m.t === 'shown' && !shown) {
        shown = true;
        resolve({ ms: performance.now() - t0, frame: frame });
      } else if (m.t === 'call') {
        if (m.name === 'reportEvent') window.__bench.events.push(m.args);
        frame.contentWindow.postMessage({ t: 'reply', id: m.id, ok: true, res: {} }, '*');
      }
    }
    window.addEventListener('message', onMessage);
    frame.__stop = function () { window.removeEventListener('message', onMessage); frame.remove(); };
    setTimeout(function () { if (!shown) reject(new Error('no page on screen within 30 s')); }, 30000);
    document.body.appendChild(frame);
  });
};
// The same 1,000 rows built by plain DOM code: elements, classes, data attributes, text.
window.plainList = function (n, reps) {
  var times = [];
  for (var k = 0; k < reps; k++) {
    var holder = document.createElement('div');
    document.body.appendChild(holder);
    var t0 = performance.now();
    var list = document.createElement('div');
    list.className = 'list';
    for (var i = 0; i < n; i++) {
      var row = document.createElement('div');
      row.className = 'row ' + (i % 2 ? 'odd' : 'even');
      row.setAttribute('data-id', String(i));
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = 'r' + k + ' item ' + i;
      var price = document.createElement('span');
      price.className = 'price';
      price.textContent = '¥' + (i * 7 % 100) + '.00';
      row.appendChild(name);
      row.appendChild(price);
      list.appendChild(row);
    }
    holder.appendChild(list);
    times.push(performance.now() - t0);
    holder.remove();
  }
  times.sort(function (a, b) { return a - b; });
  return times[Math.floor(times.length / 2)];
};
"#;

fn write(dir: &Path, files: &[(&str, &str)]) -> Result<()> {
    for (p, t) in files {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
        std::fs::write(path, t)?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub async fn run(quick: bool, json_out: bool) -> Result<()> {
    let chromium = find_chromium().ok_or_else(|| anyhow!("bench container needs Chromium (Debian package chromium, or set CHROMIUM)"))?;
    let tmp = std::env::temp_dir().join(format!("openmini-bench-container-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let result = measure(&chromium, &tmp, quick).await;
    let _ = std::fs::remove_dir_all(&tmp);
    let r = result?;
    let ratio = r.list_ms / r.plain_ms.max(0.001);
    if json_out {
        println!(
            "{}",
            json!({ "cold_start_ms": r.cold_ms, "warm_start_ms": r.warm_ms, "list_1000_ms": r.list_ms, "list_1000_min_ms": r.list_min_ms, "plain_dom_list_ms": r.plain_ms,
                    "setdata_per_s": r.setdata_per_s, "ratio_to_plain_dom": ratio })
        );
    } else {
        println!("  demo app to its first page on screen: {:.0} ms from an empty browser cache, {:.0} ms warm (median of {})", r.cold_ms, r.warm_ms, r.warm_runs);
        println!("  1,000-row wx:for list by setData, until the frame applied it: {:.1} ms (best {:.1})", r.list_ms, r.list_min_ms);
        println!("  the same list by plain DOM code (baseline): {:.1} ms; ratio {ratio:.2}", r.plain_ms);
        println!("  setData round trips updating one row of it: {:.0}/s", r.setdata_per_s);
    }
    println!(
        "bench container: cold_start_ms={:.0} warm_start_ms={:.0} list_1000_ms={:.1} setdata_per_s={:.0} ratio_to_plain_dom={ratio:.2}",
        r.cold_ms, r.warm_ms, r.list_ms, r.setdata_per_s
    );
    Ok(())
}

struct Figures {
    cold_ms: f64,
    warm_ms: f64,
    warm_runs: usize,
    list_ms: f64,
    list_min_ms: f64,
    plain_ms: f64,
    setdata_per_s: f64,
}

async fn measure(chromium: &Path, tmp: &Path, quick: bool) -> Result<Figures> {
    // The platform, in this process, on SQLite in the temporary folder.
    let db = Db::connect(&format!("sqlite://{}", tmp.join("bench.db").display()), Default::default()).await?;
    let platform = Platform::on(db.clone(), Arc::new(SystemClock), Policy::default()).await?;
    let id = platform.identity.clone();
    let subject = id.create_subject("Bench").await.map_err(|e| anyhow!(e.errmsg()))?;
    let cfg = Config { log: "warn".into(), data: tmp.to_path_buf(), ..Config::default() };
    let objects = LocalFiles::new(cfg.packages_dir());
    let mut apps = Vec::new();
    for (name, dir) in [("Demo", tmp.join("demo-src")), ("List", tmp.join("list-src"))] {
        if name == "Demo" {
            if seed::write_demo_source(&dir)? == 0 {
                bail!("this build has no examples/demo to start");
            }
        } else {
            write(&dir, &[
                ("app.json", r#"{"pages": ["pages/list/list"], "window": {"navigationBarTitleText": "Bench"}}"#),
                ("app.js", "App({})"),
                ("pages/list/list.wxml", LIST_WXML),
                ("pages/list/list.js", LIST_JS),
                ("pages/list/list.wxss", LIST_WXSS),
            ])?;
        }
        let bundle = deploy::build(&dir, &mut |_, _| {});
        if bundle.errors() > 0 {
            bail!("{name} does not build: {}", bundle.diagnostics.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"));
        }
        let (app, _) = id.create_app(subject.id, AppKind::Miniprogram, name, None).await.map_err(|e| anyhow!(e.errmsg()))?;
        let v = deploy::deploy(&db, &objects, &app, &bundle, "bench", id.now()).await.map_err(|e| anyhow!(e.errmsg()))?;
        let manifest: Value = serde_json::to_value(bundle.manifest.as_ref().context("no manifest")?)?;
        apps.push((app.appid.clone(), format!("/pkg/{}/{}/", app.appid, v.version), manifest));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(openmini_server::serve(cfg, platform, listener, async {
        let _ = stop_rx.await;
    }));

    eprintln!("bench container: chromium={} quick={quick}", chromium.display());
    let mut console = Vec::new();
    let figures = async {
        let mut b = Browser::launch(chromium).await?;
        let r = run_in(&mut b, &apps, &origin, quick).await;
        console = std::mem::take(&mut b.console);
        r
    }
    .await;
    if figures.is_err() && !console.is_empty() {
        eprintln!("the browser said:\n  {}", console.join("\n  "));
    }
    let _ = stop_tx.send(());
    let _ = server.await;
    figures
}

/// The measurements, in the browser `b`, of the deployed `apps` (demo, list) at `origin`.
async fn run_in(b: &mut Browser, apps: &[(String, String, Value)], origin: &str, quick: bool) -> Result<Figures> {
    let page = b.new_page(375, 667).await?;
    // On the server's own origin: Chromium refuses loopback frames in public pages.
    b.goto(&page, &format!("{origin}/healthz")).await?;
    b.eval(&page, &format!("window.__origin = {}; {HOST_JS}; true", serde_json::to_string(&origin)?)).await?;
    let start = |app: &(String, String, Value), launch: Value| {
        format!(
            "startApp({}, {}, {}, {}).then(function (r) {{ r.frame.__stop(); return r.ms; }})",
            serde_json::to_string(&app.0).unwrap_or_default(),
            serde_json::to_string(&app.1).unwrap_or_default(),
            app.2,
            launch
        )
    };
    // Starts of the demo: the first with nothing cached, then warm ones.
    let runs = if quick { 5 } else { 15 };
    let mut starts = Vec::new();
    for i in 0..runs {
        let ms = b.eval(&page, &start(&apps[0], json!({ "scene": 1001 }))).await?.as_f64().unwrap_or(f64::NAN);
        starts.push(ms);
        eprint!("\r  demo starts: {}/{runs}", i + 1);
    }
    eprintln!();
    let cold_ms = starts[0];
    let warm_ms = median(starts[1..].to_vec());
    // The list: the bench app times itself and reports through wx.reportEvent.
    let secs = if quick { 2 } else { 5 };
    let reps = if quick { 5 } else { 11 };
    let launch = json!({ "scene": 1001, "path": "pages/list/list", "query": { "n": "1000", "reps": reps.to_string(), "secs": secs.to_string() } });
    let boot = format!(
        "startApp({}, {}, {}, {}).then(function () {{ return true; }})",
        serde_json::to_string(&apps[1].0)?,
        serde_json::to_string(&apps[1].1)?,
        apps[1].2,
        launch
    );
    b.eval(&page, &boot).await?;
    eprintln!("  list: {reps} renders of 1,000 rows, then {secs} s of one-row updates");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let report = loop {
        let v = b.eval(&page, "window.__bench.events.filter(function (e) { return e.eventId === 'bench_list'; })[0] || null").await?;
        if !v.is_null() {
            break v;
        }
        if std::time::Instant::now() > deadline {
            bail!("the list bench did not report within 2 minutes");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let data = &report["data"];
    let plain_ms = b.eval(&page, &format!("plainList(1000, {reps})")).await?.as_f64().unwrap_or(f64::NAN);
    Ok(Figures {
        cold_ms,
        warm_ms,
        warm_runs: starts.len() - 1,
        list_ms: data["list_ms"].as_f64().unwrap_or(f64::NAN),
        list_min_ms: data["list_min_ms"].as_f64().unwrap_or(f64::NAN),
        plain_ms,
        setdata_per_s: data["setdata_per_s"].as_f64().unwrap_or(f64::NAN),
    })
}
