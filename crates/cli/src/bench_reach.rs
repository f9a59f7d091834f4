//! `openmini bench reach`: quota-checked sends per second over HTTP (subscribe/send
//! spending one-time grants; customer-service sends in their windows), over-sends
//! (must be 0), and the time a campaign takes to reach every user of an app, against
//! the same server's `/healthz` in the same run.

use crate::bench::{bench_store, drive, HealthOp, Op, Phase};
use crate::http::Conn;
use openmini_core::identity::{AppKind, Policy};
use openmini_core::reach::library::library;
use openmini_core::reach::templates;
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::Platform;
use openmini_store::Db;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Grants each ordinary user starts with.
const GRANTS: i64 = 40;
/// "Hot" users: few grants, hit by a tenth of the sends, so the limit is crossed.
const HOT_USERS: i64 = 200;
const HOT_GRANTS: i64 = 3;

fn err(e: openmini_core::ApiError) -> anyhow::Error {
    anyhow::anyhow!(e.errmsg())
}

struct SendOp {
    token: Arc<str>,
    template_id: Arc<str>,
    data: Arc<str>,
    tag: Arc<str>,
    /// Ordinary users: lo..=hi; hot users: hot_lo..hot_lo+HOT_USERS.
    lo: i64,
    span: i64,
    hot_lo: i64,
    refused: Arc<std::sync::atomic::AtomicU64>,
}

impl SendOp {
    fn user(&self, n: u64) -> i64 {
        if n.is_multiple_of(10) {
            self.hot_lo + (n / 10) as i64 % HOT_USERS
        } else {
            self.lo + (n.wrapping_mul(2_654_435_761) % self.span as u64) as i64
        }
    }
}

impl Op for SendOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move {
            let body = format!(
                r#"{{"touser":"o{}_{}","template_id":"{}","page":"pages/index/index","data":{}}}"#,
                self.tag, self.user(n), self.template_id, self.data
            );
            let path = format!("/cgi-bin/message/subscribe/send?access_token={}", self.token);
            let (st, body) = conn.send("POST", &path, None, Some(body.as_bytes())).await?;
            let v: Value = serde_json::from_slice(&body)?;
            match v["errcode"].as_i64() {
                Some(0) if st == 200 => Ok(true),
                Some(43101) => {
                    // Quota-checked and refused: correct, counted apart.
                    self.refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }
}

struct CsOp {
    token: Arc<str>,
    tag: Arc<str>,
    lo: i64,
    span: i64,
    refused: Arc<std::sync::atomic::AtomicU64>,
}

impl Op for CsOp {
    fn run<'a>(&'a mut self, conn: &'a mut Conn, n: u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = anyhow::Result<bool>> + Send + 'a>> {
        Box::pin(async move {
            let user = self.lo + (n % self.span as u64) as i64;
            let body = format!(r#"{{"touser":"o{}_{user}","msgtype":"text","text":{{"content":"您好，订单已发货"}}}}"#, self.tag);
            let path = format!("/cgi-bin/message/custom/send?access_token={}", self.token);
            let (st, body) = conn.send("POST", &path, None, Some(body.as_bytes())).await?;
            let v: Value = serde_json::from_slice(&body)?;
            match v["errcode"].as_i64() {
                Some(0) if st == 200 => Ok(true),
                Some(45047) => {
                    self.refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
    }
}

async fn call(conn: &mut Conn, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Value> {
    let bytes = body.map(|b| b.to_string().into_bytes());
    let (_, out) = conn.send(method, path, None, bytes.as_deref()).await?;
    Ok(serde_json::from_slice(&out)?)
}

async fn seed(db: &Db, app_id: i64, tag: &str, count: i64, add: bool, label: &str) -> anyhow::Result<(i64, i64)> {
    let (mut lo, mut hi, mut from) = (None, 0, 1);
    let now = openmini_core::Clock::now_ms(&SystemClock);
    while from <= count {
        let to = (from + 50_000 - 1).min(count);
        let (a, b) = db.seed_load_users(app_id, tag, from, to, add, now).await?;
        lo.get_or_insert(a);
        hi = b;
        eprint!("\r  {label}: {}", crate::admin::progress_bar(to, count));
        from = to + 1;
    }
    eprintln!();
    Ok((lo.unwrap_or(0), hi))
}

pub async fn run(quick: bool, database: Option<String>, clients: usize, secs: u64, fanout: i64, json_out: bool) -> anyhow::Result<()> {
    let tmp = std::env::temp_dir().join(format!("openmini-bench-reach-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let (url, opts, backend, schema) = bench_store(&database, &tmp);
    eprintln!("bench reach: backend={backend} clients={clients} phase={secs}s fanout={fanout}");
    let db = Db::connect(&url, opts).await?;
    let platform = Platform::on(db.clone(), Arc::new(SystemClock), Policy::default()).await?;
    let id = platform.identity.clone();
    let now = id.now();

    // The sending app: a one-time template, users with grants and open windows.
    let subject = id.create_subject("Bench").await.map_err(err)?;
    let (app, secret) = id.create_app(subject.id, AppKind::Miniprogram, "Bench sends", None).await.map_err(err)?;
    let t = library().templates.iter().find(|t| t.kind == 2).ok_or_else(|| anyhow::anyhow!("no one-time template"))?;
    let kids: Vec<i64> = t.keywords.iter().take(3).map(|k| k.kid).collect();
    let template_id = templates::add(&db, app.id, Some(&t.tid.to_string()), &kids, None, now).await.map_err(err)?;
    let mut data = json!({});
    for k in t.keywords.iter().take(3) {
        data[templates::field_name(&k.rule, k.kid)] = json!({ "value": k.example });
    }
    let users = if quick { 20_000 } else { 60_000 };
    let tag = "b";
    let (lo, hi) = seed(&db, app.id, tag, users + HOT_USERS, false, "users with grants").await?;
    let hot_lo = hi - HOT_USERS + 1;
    db.seed_load_grants(app.id, &template_id, lo, hot_lo - 1, GRANTS, now).await?;
    db.seed_load_grants(app.id, &template_id, hot_lo, hi, HOT_GRANTS, now).await?;
    db.seed_load_windows(app.id, lo, hot_lo - 1, 5, now + 48 * 3_600_000, now).await?;

    let (fan_app, fan_secret) = id.create_app(subject.id, AppKind::Miniprogram, "Bench fan-out", None).await.map_err(err)?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut cfg = Config { log: "warn".into(), ..Config::default() };
    cfg.reach.poll_ms = 100;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(openmini_server::serve(cfg, platform, listener, async {
        let _ = stop_rx.await;
    }));
    let mut admin = Conn::open(addr).await?;
    let token_of = |appid: &str, secret: &str| format!("/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}");
    let token: Arc<str> = call(&mut admin, "GET", &token_of(&app.appid, &secret), None).await?["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no access token"))?
        .into();

    eprintln!("  phase 1/3: GET /healthz");
    let health = drive(addr, clients, secs, Arc::new(|_| Box::new(HealthOp))).await?;

    eprintln!("  phase 2/3: POST /cgi-bin/message/subscribe/send (one-time grants)");
    let refused = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (tmpl, data_s, tag_s): (Arc<str>, Arc<str>, Arc<str>) = (template_id.as_str().into(), data.to_string().into(), tag.into());
    let sends = {
        let (token, refused) = (token.clone(), refused.clone());
        drive(
            addr,
            clients,
            secs,
            Arc::new(move |_| {
                Box::new(SendOp {
                    token: token.clone(),
                    template_id: tmpl.clone(),
                    data: data_s.clone(),
                    tag: tag_s.clone(),
                    lo,
                    span: hot_lo - lo,
                    hot_lo,
                    refused: refused.clone(),
                })
            }),
        )
        .await?
    };
    let send_refused = refused.load(std::sync::atomic::Ordering::Relaxed);

    eprintln!("  phase 3/3: POST /cgi-bin/message/custom/send (5 per 48-hour window)");
    let cs_refused = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let cs = {
        let (token, refused, tag) = (token.clone(), cs_refused.clone(), Arc::<str>::from(tag));
        drive(addr, clients, secs, Arc::new(move |_| Box::new(CsOp { token: token.clone(), tag: tag.clone(), lo, span: hot_lo - lo, refused: refused.clone() })))
            .await?
    };
    let cs_refused = cs_refused.load(std::sync::atomic::Ordering::Relaxed);

    // Over-sends: per user, messages delivered + grants left must equal grants given.
    let over = db
        .row(
            "SELECT CAST(COALESCE(SUM(CASE WHEN d.n + g.remaining > CASE WHEN g.user_id >= $3 THEN $4 ELSE $5 END \
                                 THEN d.n + g.remaining - CASE WHEN g.user_id >= $3 THEN $4 ELSE $5 END ELSE 0 END), 0) AS BIGINT), \
                    CAST(COALESCE(SUM(d.n), 0) AS BIGINT) \
             FROM sub_grants g JOIN (SELECT user_id, COUNT(*) AS n FROM inbox WHERE app_id = $1 AND folder = 'service' GROUP BY user_id) d \
               ON d.user_id = g.user_id WHERE g.app_id = $1 AND g.pri_tmpl_id = $2",
            vec![app.id.into(), template_id.as_str().into(), hot_lo.into(), HOT_GRANTS.into(), GRANTS.into()],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("no over-send figures"))?;
    let (over_sends, delivered) = (over.int(0).unwrap_or(-1), over.int(1).unwrap_or(-1));
    let cs_over = db
        .row(
            "SELECT COUNT(*) FROM (SELECT user_id FROM inbox WHERE app_id = $1 AND folder = 'customer_service' GROUP BY user_id HAVING COUNT(*) > 5) t",
            vec![app.id.into()],
        )
        .await?
        .map(|r| r.int(0).unwrap_or(-1))
        .unwrap_or(-1);

    // The fan-out: one push campaign to every user of an app. Its audience is seeded
    // only now, so the send phases ran on a store not busy digesting a million rows.
    let seeding = Instant::now();
    seed(&db, fan_app.id, "f", fanout, true, "fan-out audience").await?;
    eprintln!("  seeded in {:.1}s", seeding.elapsed().as_secs_f64());
    eprintln!("  fan-out: one push to {fanout} users");
    let fan_token = call(&mut admin, "GET", &token_of(&fan_app.appid, &fan_secret), None).await?["access_token"].as_str().unwrap_or_default().to_string();
    let started = Instant::now();
    let created = call(
        &mut admin,
        "POST",
        &format!("/wxa/push/campaign/create?access_token={fan_token}"),
        Some(&json!({ "kind": "push", "title": "周末特惠", "content": "全场满100减20，点击查看", "page": "pages/index/index" })),
    )
    .await?;
    let cid = created["campaign_id"].as_i64().ok_or_else(|| anyhow::anyhow!("campaign not created: {created}"))?;
    let status = loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let s = call(&mut admin, "GET", &format!("/wxa/push/campaign/get?access_token={fan_token}&campaign_id={cid}"), None).await?;
        let done = s["sent"].as_i64().unwrap_or(0) + s["skipped"].as_i64().unwrap_or(0) + s["failed"].as_i64().unwrap_or(0);
        eprint!("\r    {}", crate::admin::progress_bar(done, fanout));
        if s["state"] == "done" {
            break s;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(600), "fan-out did not finish in 10 minutes");
    };
    let fan_secs = started.elapsed().as_secs_f64();
    eprintln!();
    let fan_sent = status["sent"].as_i64().unwrap_or(0);

    let _ = stop_tx.send(());
    let _ = server.await;
    crate::bench::clean_up(backend, &url, &schema, &tmp).await?;

    let rate = |p: &Phase| p.rate();
    let sends_per_s = rate(&sends);
    let ratio = sends_per_s / health.rate();
    let fan_rate = fan_sent as f64 / fan_secs;
    let figures = json!({
        "backend": backend, "clients": clients, "seconds": secs,
        "healthz_per_s": health.rate().round(),
        "sends_per_s": sends_per_s.round(), "p50_ms": sends.pct_ms(0.5), "p99_ms": sends.pct_ms(0.99),
        "sends_refused_43101": send_refused, "delivered": delivered, "over_sends": over_sends,
        "cs_sends_per_s": cs.rate().round(), "cs_p99_ms": cs.pct_ms(0.99), "cs_refused_45047": cs_refused, "cs_over_sends": cs_over,
        "fanout_users": fanout, "fanout_sent": fan_sent, "fanout_s": (fan_secs * 10.0).round() / 10.0, "fanout_users_per_s": fan_rate.round(),
        "errors": sends.errors + cs.errors,
        "ratio_to_healthz": (ratio * 1000.0).round() / 1000.0,
    });
    if json_out {
        println!("{figures}");
    } else {
        println!("backend             {backend}");
        println!("/healthz            {:>9.0} req/s   p99 {:.2} ms", health.rate(), health.pct_ms(0.99));
        println!(
            "subscribe/send      {:>9.0} /s      p50 {:.2} ms   p99 {:.2} ms   ({} checked, {} refused 43101, {} errors)",
            sends_per_s, sends.pct_ms(0.5), sends.pct_ms(0.99), sends.ops, send_refused, sends.errors
        );
        println!(
            "custom/send         {:>9.0} /s      p50 {:.2} ms   p99 {:.2} ms   ({} checked, {} refused 45047, {} errors)",
            cs.rate(), cs.pct_ms(0.5), cs.pct_ms(0.99), cs.ops, cs_refused, cs.errors
        );
        println!("over-sends          {over_sends} subscription, {cs_over} customer-service (must be 0)");
        println!("fan-out             {fan_sent} of {fanout} users in {fan_secs:.1} s = {fan_rate:.0} users/s");
    }
    println!(
        "bench reach: sends_per_s={sends_per_s:.0} p99_ms={:.2} over_sends={} fanout_users_per_s={fan_rate:.0} fanout_s={fan_secs:.1} cs_sends_per_s={:.0} ratio_to_healthz={ratio:.3} backend={backend}",
        sends.pct_ms(0.99),
        over_sends + cs_over,
        cs.rate()
    );
    anyhow::ensure!(over_sends == 0 && cs_over == 0, "over-sends: {over_sends} + {cs_over}");
    anyhow::ensure!(fan_sent == fanout, "fan-out reached {fan_sent} of {fanout}");
    anyhow::ensure!(sends.errors + cs.errors == 0, "{} sends failed", sends.errors + cs.errors);
    Ok(())
}
