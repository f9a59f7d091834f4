//! `openmini bench <workload>`: runs a workload against a real server on loopback and
//! prints its figures with a ratio to a baseline measured in the same run.

use crate::http::Conn;
use clap::Subcommand;
use openmini_core::identity::{AppKind, Policy};
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::Platform;
use openmini_store::{ConnectOptions, Db};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What every workload takes.
#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Short run (well under a minute).
    #[arg(long)]
    pub quick: bool,
    /// Database URL; default is SQLite in a temporary folder. With postgres:// the
    /// bench works in a fresh schema and drops it afterwards.
    #[arg(long)]
    pub database: Option<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Seconds per phase (default 5 with --quick, 15 otherwise).
    #[arg(long)]
    pub seconds: Option<u64>,
    /// Print the figures as one JSON object.
    #[arg(long)]
    pub json: bool,
}

impl Common {
    fn secs(&self) -> u64 {
        self.seconds.unwrap_or(if self.quick { 5 } else { 15 })
    }
}

#[derive(Subcommand)]
pub enum Workload {
    /// The full login flow: mint a wx.login code (client API) → jscode2session (open API).
    Login {
        #[command(flatten)]
        common: Common,
    },
    /// A generated 500-page app (and @vant/weapp) through `openmini build`, against
    /// WeChat's wcc on the same WXML in the same run.
    Compile {
        /// Short run (well under a minute).
        #[arg(long)]
        quick: bool,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The container in headless Chromium: the demo's start to its first page, a
    /// 1,000-row list by setData and one-row updates, against plain DOM code.
    Container {
        /// Short run (well under a minute).
        #[arg(long)]
        quick: bool,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Mini-program code images through the open API (getwxacodeunlimit, 430 px PNG),
    /// against /healthz in the same run.
    Codes {
        #[command(flatten)]
        common: Common,
    },
    /// Search: 1,000,000 generated services (100,000 with --quick) indexed from the
    /// store, a query mix over HTTP (p50/p99, queries/s), against a SQL LIKE scan of
    /// the same services in the same run.
    Search {
        #[command(flatten)]
        common: Common,
        /// Services to generate (default 1,000,000; 100,000 with --quick).
        #[arg(long)]
        services: Option<usize>,
    },
    /// Quota-checked sends (subscribe/send spending one-time grants, customer-service
    /// sends in their windows) and a campaign fan-out to 1M users (100k with --quick).
    Reach {
        #[command(flatten)]
        common: Common,
        /// Users of the fan-out (default 1,000,000; 100,000 with --quick).
        #[arg(long)]
        fanout_users: Option<i64>,
    },
}

pub(crate) struct Phase {
    pub(crate) ops: u64,
    pub(crate) errors: u64,
    pub(crate) secs: f64,
    pub(crate) lat_us: Vec<u64>,
}

impl Phase {
    pub(crate) fn rate(&self) -> f64 {
        self.ops as f64 / self.secs
    }
    pub(crate) fn pct_ms(&self, p: f64) -> f64 {
        if self.lat_us.is_empty() {
            return 0.0;
        }
        let i = ((self.lat_us.len() as f64 - 1.0) * p).round() as usize;
        self.lat_us[i] as f64 / 1000.0
    }
}

pub async fn run(w: Workload) -> anyhow::Result<()> {
    match w {
        Workload::Login { common: c } => login(c.quick, c.database.clone(), c.clients, c.secs(), c.json).await,
        Workload::Compile { quick, json } => crate::bench_compile::run(quick, json),
        Workload::Container { quick, json } => crate::bench_container::run(quick, json).await,
        Workload::Codes { common: c } => crate::bench_codes::run(c.quick, c.database.clone(), c.clients, c.secs(), c.json).await,
        Workload::Search { common: c, services } => crate::bench_search::run(c.quick, c.database.clone(), c.clients, c.secs(), services, c.json).await,
        Workload::Reach { common: c, fanout_users } => {
            let fanout = fanout_users.unwrap_or(if c.quick { 100_000 } else { 1_000_000 });
            crate::bench_reach::run(c.quick, c.database.clone(), c.clients, c.secs(), fanout, c.json).await
        }
    }
}

/// What a bench leaves behind: its PostgreSQL schema (when it ran there) and its
/// temporary folder. Called once the server has stopped.
pub(crate) async fn clean_up(backend: &str, url: &str, schema: &str, tmp: &std::path::Path) -> anyhow::Result<()> {
    if backend == "postgres" {
        let admin = Db::connect(url, ConnectOptions::default()).await?;
        admin.execute_raw(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await.ok();
    }
    let _ = std::fs::remove_dir_all(tmp);
    Ok(())
}

/// Where a bench's store lives: (url, options, backend name, schema to drop).
pub(crate) fn bench_store(database: &Option<String>, tmp: &std::path::Path) -> (String, ConnectOptions, &'static str, String) {
    let schema = format!("bench_{}", std::process::id());
    match database {
        Some(u) if u.starts_with("postgres") => {
            (u.clone(), ConnectOptions { schema: Some(schema.clone()), max_connections: Some(16) }, "postgres", schema)
        }
        Some(u) => (u.clone(), ConnectOptions::default(), "sqlite", schema),
        None => (format!("sqlite://{}", tmp.join("bench.db").display()), ConnectOptions::default(), "sqlite", schema),
    }
}

async fn login(quick: bool, database: Option<String>, clients: usize, secs: u64, json: bool) -> anyhow::Result<()> {
    let tmp = std::env::temp_dir().join(format!("openmini-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let (url, opts, backend, schema) = bench_store(&database, &tmp);
    eprintln!("bench login: backend={backend} clients={clients} phase={secs}s");
    let db = Db::connect(&url, opts).await?;
    let platform = Platform::on(db.clone(), Arc::new(SystemClock), Policy::default()).await?;
    let id = platform.identity.clone();

    // Enough users that no one passes the 100-a-minute jscode2session limit.
    let users = if quick { 1500 } else { 4000 };
    let subject = id.create_subject("Bench").await.map_err(|e| anyhow::anyhow!(e.errmsg()))?;
    let (app, secret) = id
        .create_app(subject.id, AppKind::Miniprogram, "Bench", None)
        .await
        .map_err(|e| anyhow::anyhow!(e.errmsg()))?;
    let host = id.store().create_host_app("Bench host", id.now()).await?;
    let mut tokens = Vec::with_capacity(users);
    let started = Instant::now();
    for i in 0..users {
        let phone = format!("170{:08}", i);
        let code = id.signin_start(&phone).await.map_err(|e| anyhow::anyhow!(e.errmsg()))?;
        let (t, _) = id.signin_verify(&phone, &code, host.id).await.map_err(|e| anyhow::anyhow!(e.errmsg()))?;
        tokens.push(t);
        if (i + 1) % 500 == 0 {
            eprint!("\r  signing in users: {}/{users}", i + 1);
        }
    }
    eprintln!("\r  signed in {users} users in {:.1}s", started.elapsed().as_secs_f64());

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let cfg = Config { log: "warn".into(), ..Config::default() };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(openmini_server::serve(cfg, platform, listener, async {
        let _ = stop_rx.await;
    }));

    eprintln!("  phase 1/2: GET /healthz");
    let health = drive(addr, clients, secs, Arc::new(|_i| Box::new(HealthOp))).await?;
    eprintln!("  phase 2/2: mint code → jscode2session");
    let tokens = Arc::new(tokens);
    let appid = app.appid.clone();
    let exch = drive(
        addr,
        clients,
        secs,
        Arc::new(move |_i| {
            Box::new(LoginOp { tokens: tokens.clone(), appid: appid.clone(), secret: secret.clone() })
        }),
    )
    .await?;

    let _ = stop_tx.send(());
    let _ = server.await;
    crate::bench::clean_up(backend, &url, &schema, &tmp).await?;

    let ratio = exch.rate() / health.rate();
    let figures = serde_json::json!({
        "backend": backend, "clients": clients, "seconds": secs,
        "healthz_per_s": health.rate().round(), "healthz_p99_ms": health.pct_ms(0.99),
        "exchanges": exch.ops, "errors": exch.errors,
        "exchanges_per_s": exch.rate().round(), "p50_ms": exch.pct_ms(0.50), "p99_ms": exch.pct_ms(0.99),
        "ratio_to_healthz": (ratio * 1000.0).round() / 1000.0,
    });
    if json {
        println!("{figures}");
    } else {
        println!("backend            {backend}");
        println!("clients            {clients}");
        println!("/healthz           {:>10.0} req/s   p50 {:.2} ms   p99 {:.2} ms", health.rate(), health.pct_ms(0.5), health.pct_ms(0.99));
        println!("login exchanges    {:>10.0} /s      p50 {:.2} ms   p99 {:.2} ms   ({} ok, {} errors)", exch.rate(), exch.pct_ms(0.5), exch.pct_ms(0.99), exch.ops, exch.errors);
        println!("(one exchange = POST /client/v1/apps/{{appid}}/login + GET /sns/jscode2session)");
    }
    println!(
        "bench login: exchanges_per_s={:.0} p50_ms={:.2} p99_ms={:.2} healthz_per_s={:.0} ratio_to_healthz={:.3} errors={} backend={backend}",
        exch.rate(), exch.pct_ms(0.5), exch.pct_ms(0.99), health.rate(), ratio, exch.errors
    );
    anyhow::ensure!(exch.errors == 0, "{} exchanges failed", exch.errors);
    Ok(())
}

/// One unit of work of a phase, on one connection.
pub(crate) trait Op: Send {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>>;
}

pub(crate) struct HealthOp;

impl Op for HealthOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, _n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move { Ok(conn.send("GET", "/healthz", None, None).await?.0 == 200) })
    }
}

struct LoginOp {
    tokens: Arc<Vec<String>>,
    appid: String,
    secret: String,
}

impl Op for LoginOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move {
            let token = &self.tokens[(n as usize) % self.tokens.len()];
            let (st, body) = conn.send("POST", &format!("/client/v1/apps/{}/login", self.appid), Some(token), None).await?;
            if st != 200 {
                return Ok(false);
            }
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            let code = v["code"].as_str().unwrap_or_default();
            let path = format!(
                "/sns/jscode2session?appid={}&secret={}&js_code={code}&grant_type=authorization_code",
                self.appid, self.secret
            );
            let (st, body) = conn.send("GET", &path, None, None).await?;
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            Ok(st == 200 && v["openid"].is_string())
        })
    }
}

pub(crate) type OpFactory = Arc<dyn Fn(usize) -> Box<dyn Op> + Send + Sync>;

/// Runs `clients` loops of an op for `secs` seconds (after a short warm-up).
pub(crate) async fn drive(addr: SocketAddr, clients: usize, secs: u64, make: OpFactory) -> anyhow::Result<Phase> {
    let counter = Arc::new(AtomicU64::new(0));
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for i in 0..clients {
        let mut op = make(i);
        let (counter, measuring, stop) = (counter.clone(), measuring.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await?;
            let (mut ok, mut err, mut lat) = (0u64, 0u64, Vec::with_capacity(1 << 14));
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                let good = op.run(&mut conn, n).await.unwrap_or(false);
                if measuring.load(Ordering::Relaxed) {
                    if good {
                        ok += 1;
                        lat.push(t.elapsed().as_micros() as u64);
                    } else {
                        err += 1;
                    }
                }
            }
            anyhow::Ok((ok, err, lat))
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // warm-up
    measuring.store(true, Ordering::Relaxed);
    let start = Instant::now();
    for s in 1..=secs {
        tokio::time::sleep(Duration::from_secs(1)).await;
        eprint!("\r    {s}/{secs}s");
    }
    measuring.store(false, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    eprintln!();
    let mut phase = Phase { ops: 0, errors: 0, secs: elapsed, lat_us: Vec::new() };
    for t in tasks {
        let (ok, err, lat) = t.await??;
        phase.ops += ok;
        phase.errors += err;
        phase.lat_us.extend(lat);
    }
    phase.lat_us.sort_unstable();
    Ok(phase)
}
