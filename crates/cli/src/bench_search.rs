//! `openmini bench search`: 1,000,000 generated services (100,000 with --quick) stored
//! through the store, the index rebuilt from it as `serve` does on start, then a query
//! mix over HTTP (`GET /client/v1/search`): latency one query at a time and queries per
//! second with concurrent clients; as the baseline, the same queries answered by a SQL
//! `LIKE '%q%'` scan of the same services in the same run.

use crate::bench::{bench_store, drive, Op};
use crate::http::Conn;
use openmini_core::container::store::{NewVersion, PackageFile, PackageStore};
use openmini_core::identity::{AppKind, Policy};
use openmini_core::search::store::SearchStore;
use openmini_core::SystemClock;
use openmini_search::corpus;
use openmini_server::config::Config;
use openmini_server::Platform;
use openmini_store::Db;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Services per generated mini program (the most an app may declare).
const PER_APP: usize = 200;

fn err(e: openmini_core::ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.errmsg())
}

fn pct_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn pct(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    sorted_us[((sorted_us.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

struct SearchOp {
    token: Arc<str>,
    paths: Arc<Vec<String>>,
}

impl Op for SearchOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move {
            let path = &self.paths[n as usize % self.paths.len()];
            let (st, body) = conn.send("GET", path, Some(&self.token), None).await?;
            Ok(st == 200 && body.starts_with(b"{\"items\""))
        })
    }
}

pub async fn run(quick: bool, database: Option<String>, clients: usize, secs: u64, services: Option<usize>, json: bool) -> anyhow::Result<()> {
    let services = services.unwrap_or(if quick { 100_000 } else { 1_000_000 });
    let apps = services.div_ceil(PER_APP);
    let tmp = std::env::temp_dir().join(format!("openmini-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let (url, opts, backend, schema) = bench_store(&database, &tmp);
    eprintln!("bench search: backend={backend} services={services} apps={apps} clients={clients} phase={secs}s");
    let db = Db::connect(&url, opts).await?;
    let platform = Platform::on(db.clone(), Arc::new(SystemClock), Policy::default()).await?;
    let id = platform.identity.clone();

    // The population, through the store as apps would make it: apps, a deployed
    // version each, their services.
    let started = Instant::now();
    let subject = id.create_subject("Bench").await.map_err(err)?;
    let mut made = 0usize;
    let mut pending = Vec::new();
    for a in corpus::bulk(apps, PER_APP) {
        let (id, db) = (id.clone(), db.clone());
        let per = services.saturating_sub(made).min(PER_APP);
        made += per;
        pending.push(tokio::spawn(async move {
            let (app, _) = id.create_app(subject.id, AppKind::Miniprogram, &a.app.name, None).await.map_err(err)?;
            let v = NewVersion { app_id: app.id, manifest_sha256: "bench", size: 1, created_by: "bench", now: id.now() };
            db.create_version(&v, &[PackageFile { path: "manifest.json".into(), sha256: "bench".into(), size: 1 }]).await?;
            db.set_description(app.id, &a.app.description, id.now()).await?;
            db.replace_services(app.id, &a.app.services[..per], id.now()).await?;
            anyhow::Ok(())
        }));
        if pending.len() == 64 {
            for t in pending.drain(..) {
                t.await??;
            }
            eprint!("\r  storing services: {made}/{services}");
        }
    }
    for t in pending {
        t.await??;
    }
    let store_secs = started.elapsed().as_secs_f64();
    eprintln!("\r  stored {services} services of {apps} apps in {store_secs:.1}s");

    let host = id.store().create_host_app("Bench host", id.now()).await?;
    let code = id.signin_start("17000000001").await.map_err(err)?;
    let (token, _) = id.signin_verify("17000000001", &code, host.id).await.map_err(err)?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let cfg = Config { log: "warn".into(), data: tmp.clone(), ..Config::default() };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let server = tokio::spawn(openmini_server::serve(cfg, platform, listener, async {
        let _ = stop_rx.await;
    }));
    // The index is rebuilt from the store as on every start; /readyz says when.
    let mut conn = loop {
        if let Ok(c) = Conn::open(addr).await {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    while conn.send("GET", "/readyz", None, None).await?.0 != 200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        eprint!("\r  building the index: {:.0}s", started.elapsed().as_secs_f64());
    }
    let build_secs = started.elapsed().as_secs_f64();
    eprintln!("\r  index built from the store in {build_secs:.1}s");

    let queries = corpus::bench_queries();
    let paths: Vec<String> = queries.iter().map(|q| format!("/client/v1/search?q={}&limit=20", pct_encode(q))).collect();

    // Latency, one query at a time (three rounds of the mix, after one to warm up).
    eprintln!("  phase 1/3: {} queries one at a time, through HTTP", paths.len() * 3);
    let mut lat = Vec::new();
    let mut found = 0usize;
    let mut slowest: Vec<(u64, usize)> = vec![(0, 0); paths.len()]; // (best of the rounds, query)
    for round in 0..4 {
        for (i, p) in paths.iter().enumerate() {
            let t = Instant::now();
            let (st, body) = conn.send("GET", p, Some(&token), None).await?;
            anyhow::ensure!(st == 200, "search failed: {}", String::from_utf8_lossy(&body));
            if round > 0 {
                let us = t.elapsed().as_micros() as u64;
                lat.push(us);
                slowest[i] = (if round == 1 { us } else { slowest[i].0.min(us) }, i);
                found += usize::from(!body.starts_with(b"{\"items\":[]"));
            }
        }
    }
    lat.sort_unstable();
    // The queries that are slow every time (best of three), for whoever tunes the index.
    slowest.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    let slowest: Vec<String> = slowest.iter().take(3).map(|&(us, i)| format!("{} {:.1} ms", queries[i], us as f64 / 1000.0)).collect();
    let (p50, p99) = (pct(&lat, 0.5), pct(&lat, 0.99));

    // Throughput with concurrent clients.
    eprintln!("  phase 2/3: {clients} clients for {secs}s");
    let (token_arc, paths_arc): (Arc<str>, _) = (token.clone().into(), Arc::new(paths.clone()));
    let load = drive(addr, clients, secs, Arc::new(move |_| Box::new(SearchOp { token: token_arc.clone(), paths: paths_arc.clone() }))).await?;

    // The baseline: the same queries as a LIKE scan of the same rows.
    let budget = Duration::from_secs(if quick { 20 } else { 60 });
    eprintln!("  phase 3/3: the same queries as SQL LIKE '%q%' (at most {}s)", budget.as_secs());
    let mut like = Vec::new();
    let like_started = Instant::now();
    for q in &queries {
        if like_started.elapsed() > budget && like.len() >= 5 {
            break;
        }
        let t = Instant::now();
        db.like_services(q, 20).await?;
        like.push(t.elapsed().as_micros() as u64);
    }
    let like_qps = like.len() as f64 / (like.iter().sum::<u64>() as f64 / 1e6);
    like.sort_unstable();
    let (like_p50, like_p99) = (pct(&like, 0.5), pct(&like, 0.99));

    let _ = stop_tx.send(());
    let _ = server.await;
    crate::bench::clean_up(backend, &url, &schema, &tmp).await?;

    let qps = load.rate();
    let ratio = like_p50 / p50.max(1e-6);
    let figures = serde_json::json!({
        "backend": backend, "services": services, "apps": apps, "queries": queries.len(),
        "store_s": (store_secs * 10.0).round() / 10.0, "index_build_s": (build_secs * 10.0).round() / 10.0,
        "p50_ms": p50, "p99_ms": p99, "slowest": slowest, "found_share": found as f64 / lat.len() as f64,
        "clients": clients, "qps": qps.round(), "loaded_p50_ms": load.pct_ms(0.5), "loaded_p99_ms": load.pct_ms(0.99), "errors": load.errors,
        "like_queries": like.len(), "like_p50_ms": like_p50, "like_p99_ms": like_p99, "like_qps": (like_qps * 100.0).round() / 100.0,
        "ratio_to_like": (ratio * 10.0).round() / 10.0,
    });
    if json {
        println!("{figures}");
    } else {
        println!("backend            {backend}");
        println!("services           {services} of {apps} mini programs (index built in {build_secs:.1}s)");
        println!("query mix          {} queries (needs, names, brand + service, city + service, pinyin, English, typos)", queries.len());
        println!("index, one by one  p50 {p50:.2} ms   p99 {p99:.2} ms   (HTTP included; {:.0}% found something)", found as f64 * 100.0 / lat.len() as f64);
        println!("slowest queries    {}", slowest.join(", "));
        println!("index, {clients} clients {qps:>9.0} queries/s   p50 {:.2} ms   p99 {:.2} ms   ({} errors)", load.pct_ms(0.5), load.pct_ms(0.99), load.errors);
        println!("SQL LIKE scan      p50 {like_p50:.2} ms   p99 {like_p99:.2} ms   {like_qps:.2} queries/s   ({} queries)", like.len());
        println!("(ratio_to_like = LIKE p50 / index p50, one query at a time, same queries, same data)");
    }
    println!("bench search: services={services} p99_ms={p99:.2} qps={qps:.0} ratio_to_like={ratio:.1}");
    anyhow::ensure!(load.errors == 0, "{} searches failed", load.errors);
    Ok(())
}
