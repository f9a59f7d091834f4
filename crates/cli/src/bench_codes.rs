//! `openmini bench codes`: mini-program code images generated per second through the
//! open API (`POST /wxa/getwxacodeunlimit`, a different scene each time, 430 px, the
//! page checked against the deployed version), against `/healthz` of the same server
//! in the same run.

use crate::bench::{bench_store, drive, HealthOp, Op};
use crate::http::Conn;
use openmini_core::container::package;
use openmini_core::identity::{AppKind, Policy};
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::Platform;
use openmini_store::{Db, LocalFiles};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

fn err(e: openmini_core::ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.errmsg())
}

struct CodeOp {
    path: Arc<str>,
}

impl Op for CodeOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move {
            let body = format!(r#"{{"scene":"id={n}&from=bench","page":"pages/index/index","width":430}}"#);
            let (st, bytes) = conn.send("POST", &self.path, None, Some(body.as_bytes())).await?;
            Ok(st == 200 && bytes.starts_with(b"\x89PNG\r\n\x1a\n"))
        })
    }
}

pub async fn run(quick: bool, database: Option<String>, clients: usize, secs: u64, json_out: bool) -> anyhow::Result<()> {
    let tmp = std::env::temp_dir().join(format!("openmini-bench-codes-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let (url, opts, backend, schema) = bench_store(&database, &tmp);
    eprintln!("bench codes: backend={backend} clients={clients} phase={secs}s{}", if quick { " (quick)" } else { "" });
    let db = Db::connect(&url, opts).await?;
    let platform = Platform::on(db.clone(), Arc::new(SystemClock), Policy::default()).await?;
    let id = platform.identity.clone();
    let subject = id.create_subject("Bench").await.map_err(err)?;
    let (app, secret) = id.create_app(subject.id, AppKind::Miniprogram, "Bench", None).await.map_err(err)?;
    let cfg = Config { log: "warn".into(), data: tmp.clone(), ..Config::default() };
    // A version with the page the codes name, so check_path does its work.
    let manifest = json!({"format": 1, "packages": [{"root": "", "pages": ["pages/index/index"]}]});
    let files = BTreeMap::from([("manifest.json".to_string(), serde_json::to_vec(&manifest)?), ("main/view.js".to_string(), b"x".to_vec())]);
    package::deploy(&db, &LocalFiles::new(cfg.packages_dir()), &app, &files, "bench", id.now()).await.map_err(err)?;
    let token = id.issue_token(Some("client_credential"), Some(&app.appid), Some(&secret)).await.map_err(err)?.access_token;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(openmini_server::serve(cfg, platform, listener, async {
        let _ = stop_rx.await;
    }));

    eprintln!("  phase 1/2: GET /healthz");
    let health = drive(addr, clients, secs, Arc::new(|_i| Box::new(HealthOp))).await?;
    eprintln!("  phase 2/2: POST /wxa/getwxacodeunlimit (430 px)");
    let path: Arc<str> = format!("/wxa/getwxacodeunlimit?access_token={token}").into();
    let codes = drive(addr, clients, secs, Arc::new(move |_i| Box::new(CodeOp { path: path.clone() }))).await?;

    let _ = stop_tx.send(());
    let _ = server.await;
    crate::bench::clean_up(backend, &url, &schema, &tmp).await?;

    let ratio = codes.rate() / health.rate();
    if json_out {
        println!(
            "{}",
            json!({
                "backend": backend, "clients": clients, "seconds": secs,
                "healthz_per_s": health.rate().round(), "healthz_p99_ms": health.pct_ms(0.99),
                "images": codes.ops, "errors": codes.errors, "images_per_s": codes.rate().round(),
                "p50_ms": codes.pct_ms(0.50), "p99_ms": codes.pct_ms(0.99), "ratio_to_healthz": (ratio * 1000.0).round() / 1000.0,
            })
        );
    } else {
        println!("backend            {backend}");
        println!("clients            {clients}");
        println!("/healthz           {:>10.0} req/s   p50 {:.2} ms   p99 {:.2} ms", health.rate(), health.pct_ms(0.5), health.pct_ms(0.99));
        println!("code images        {:>10.0} /s      p50 {:.2} ms   p99 {:.2} ms   ({} ok, {} errors)", codes.rate(), codes.pct_ms(0.5), codes.pct_ms(0.99), codes.ops, codes.errors);
        println!("(one image = POST /wxa/getwxacodeunlimit: token, checks, MAC, QR symbol, 430 px PNG)");
    }
    println!(
        "bench codes: images_per_s={:.0} p99_ms={:.2} ratio_to_healthz={:.3} p50_ms={:.2} healthz_per_s={:.0} errors={} backend={backend}",
        codes.rate(),
        codes.pct_ms(0.99),
        ratio,
        codes.pct_ms(0.5),
        health.rate(),
        codes.errors
    );
    anyhow::ensure!(codes.errors == 0, "{} images failed", codes.errors);
    Ok(())
}
