//! `openmini serve` and the admin commands. Admin commands work on the store directly
//! (the same `--data`/`--database` as `serve`), so they work with the server down too.

use crate::StoreArgs;
use clap::Subcommand;
use openmini_core::identity::AppKind;
use openmini_core::reach::push;
use openmini_core::reach::store::OutboxStore;
use openmini_core::traffic::entry_store::LaunchStore;
use openmini_core::SystemClock;
use openmini_server::config::Config;
use openmini_server::{open_platform, seed, telemetry, Platform};
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Subcommand)]
pub enum SubjectCmd {
    /// Create a subject.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum OpenAccountCmd {
    /// Create an open-platform account for a subject.
    Create {
        /// The subject's id.
        #[arg(long)]
        subject: i64,
    },
}

#[derive(Subcommand)]
pub enum AppCmd {
    /// Create an app; prints its appid and appsecret (shown only now).
    Create {
        #[arg(long)]
        subject: i64,
        /// miniprogram, service, subscription, website or mobile.
        #[arg(long, value_parser = parse_kind)]
        kind: AppKind,
        #[arg(long)]
        name: String,
        /// Bind to this open-platform account (its open_appid) at once.
        #[arg(long)]
        open_account: Option<String>,
    },
    /// Issue a new appsecret; the old one stops working at once.
    #[command(name = "reset-secret")]
    ResetSecret {
        /// The app's appid.
        #[arg(long)]
        app: String,
    },
    /// Bind an app to an open-platform account of the same subject.
    Bind {
        #[arg(long)]
        app: String,
        #[arg(long)]
        open_account: String,
    },
    /// List apps.
    List,
    /// This week's push allowance of an app and the figures that set it.
    Allowance {
        #[arg(long)]
        app: String,
    },
    /// The app's delivery log of pushes to its developer server, newest first.
    Deliveries {
        #[arg(long)]
        app: String,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Build a mini program's folder and deploy it as the app's next version, current
    /// at once (refused on any compile error).
    Deploy {
        #[arg(long)]
        app: String,
        /// The mini program's folder (or its project, with project.config.json).
        dir: std::path::PathBuf,
    },
    /// The app's deployed versions, newest first (* marks the current one).
    Versions {
        #[arg(long)]
        app: String,
    },
    /// The origins the app may reach through the platform's proxy (wx.request,
    /// uploadFile, downloadFile). With no flag: print them. A flag replaces that list
    /// (with no value: empties it). https only, except http://127.0.0.1, localhost and
    /// [::1] for development; at most 200 each.
    Domains {
        #[arg(long)]
        app: String,
        #[arg(long, num_args = 0.., value_name = "ORIGIN")]
        request: Option<Vec<String>>,
        #[arg(long, num_args = 0.., value_name = "ORIGIN")]
        upload: Option<Vec<String>>,
        #[arg(long, num_args = 0.., value_name = "ORIGIN")]
        download: Option<Vec<String>>,
    },
    /// Link a mini program to a mobile app, so the app may open it (scene 1069); with
    /// --off, unlink it. Mini programs of the app's own open-platform account need no
    /// link; at most 3 others. Prints the app's links.
    Link {
        /// The mobile app's appid.
        #[arg(long)]
        app: String,
        /// The mini program's appid.
        #[arg(long)]
        miniprogram: String,
        #[arg(long)]
        off: bool,
    },
    /// Risk control: suspend an app everywhere at once (no search, no catalogue, its
    /// package refused with 85935), or with --off lift the suspension. Every node
    /// follows within a second.
    Suspend {
        #[arg(long)]
        app: String,
        #[arg(long)]
        off: bool,
    },
    /// Set the description search indexes beside the app's name (English name, short
    /// names people use); at most 120 characters, empty to clear.
    Describe {
        #[arg(long)]
        app: String,
        #[arg(long)]
        description: String,
    },
    /// Add synthetic users for load tests: logged in to the app and, unless --no-add,
    /// with it in "My mini programs". Marked synthetic (country code 0).
    #[command(name = "seed-users")]
    SeedUsers {
        #[arg(long)]
        app: String,
        #[arg(long)]
        count: i64,
        /// Do not add the app to the users' "My mini programs".
        #[arg(long)]
        no_add: bool,
    },
}

#[derive(Subcommand)]
pub enum HostAppCmd {
    /// Register a host app (a super app that runs mini programs); users sign in to one.
    Create {
        #[arg(long)]
        name: String,
        /// The mobile app (its appid) this host app is: it may launch mini programs
        /// as that app (scene 1069, `POST /client/v1/launch`).
        #[arg(long)]
        mobile_app: Option<String>,
    },
    /// List host apps.
    List,
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Create a user with a phone number.
    Create {
        /// 13800138000, +86 138 0013 8000 or +1 415 555 0100.
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Block (or with --unblock, unblock) a user: logins fail with 40226.
    Block {
        #[arg(long)]
        id: i64,
        #[arg(long)]
        unblock: bool,
    },
}

fn parse_kind(s: &str) -> Result<AppKind, String> {
    AppKind::parse(s).ok_or_else(|| "one of miniprogram, service, subscription, website, mobile".into())
}

pub(crate) async fn platform(store: &StoreArgs) -> anyhow::Result<Platform> {
    let cfg = store.config(None, None)?;
    open_platform(&cfg, Arc::new(SystemClock)).await
}

/// Prints `v` as JSON, or `text` for people.
pub(crate) fn out(store: &StoreArgs, v: Value, text: String) {
    if store.json {
        println!("{v}");
    } else {
        println!("{text}");
    }
}

pub(crate) fn api(e: openmini_core::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{} (errcode {})", e.errmsg(), e.code.errcode())
}

pub async fn subject(cmd: SubjectCmd, store: &StoreArgs) -> anyhow::Result<()> {
    let p = platform(store).await?;
    match cmd {
        SubjectCmd::Create { name } => {
            let s = p.identity.create_subject(&name).await.map_err(api)?;
            out(store, json!({ "id": s.id, "name": s.name }), format!("subject {} created: {}", s.id, s.name));
        }
    }
    Ok(())
}

pub async fn open_account(cmd: OpenAccountCmd, store: &StoreArgs) -> anyhow::Result<()> {
    let p = platform(store).await?;
    match cmd {
        OpenAccountCmd::Create { subject } => {
            let a = p.identity.create_open_account(subject, false).await.map_err(api)?;
            out(
                store,
                json!({ "id": a.open_appid, "open_appid": a.open_appid, "subject": subject }),
                format!("open-platform account {} created for subject {subject}", a.open_appid),
            );
        }
    }
    Ok(())
}

pub async fn app(cmd: AppCmd, store: &StoreArgs) -> anyhow::Result<()> {
    // Package commands open the store themselves (deploy builds before it writes).
    match cmd {
        AppCmd::Deploy { app, dir } => return crate::packages::deploy(store, &app, &dir).await,
        AppCmd::Versions { app } => return crate::packages::versions(store, &app).await,
        AppCmd::Domains { app, request, upload, download } => return crate::packages::domains(store, &app, request, upload, download).await,
        _ => {}
    }
    let p = platform(store).await?;
    match cmd {
        AppCmd::Deploy { .. } | AppCmd::Versions { .. } | AppCmd::Domains { .. } => {}
        AppCmd::Create { subject, kind, name, open_account } => {
            let (app, secret) =
                p.identity.create_app(subject, kind, &name, open_account.as_deref()).await.map_err(api)?;
            out(
                store,
                json!({ "appid": app.appid, "appsecret": secret, "kind": kind, "name": app.name, "subject": subject, "open_appid": app.open_appid }),
                format!(
                    "{} {} created\n  appid:     {}\n  appsecret: {}   (shown only now; `openmini app reset-secret` issues a new one)",
                    kind.as_str(), app.name, app.appid, secret
                ),
            );
        }
        AppCmd::ResetSecret { app } => {
            let (app, secret) = p.identity.reset_secret(&app).await.map_err(api)?;
            out(store, json!({ "appid": app.appid, "appsecret": secret }), format!("new appsecret for {}: {secret}", app.appid));
        }
        AppCmd::Bind { app, open_account } => {
            let a = p.identity.app_param(Some(&app)).await.map_err(api)?;
            let acc = p
                .identity
                .store()
                .open_account(&open_account)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no open-platform account {open_account}"))?;
            p.identity.bind(&a, &acc).await.map_err(api)?;
            out(store, json!({ "appid": a.appid, "open_appid": acc.open_appid }), format!("{} bound to {}", a.appid, acc.open_appid));
        }
        AppCmd::List => {
            let apps = p.identity.store().list_apps().await?;
            let text = apps
                .iter()
                .map(|a| format!("{}  {:<12} subject {:<3} {:<20} {}", a.appid, a.kind.as_str(), a.subject_id, a.open_appid.as_deref().unwrap_or("-"), a.name))
                .collect::<Vec<_>>()
                .join("\n");
            out(store, json!({ "apps": apps }), text);
        }
        AppCmd::Allowance { app } => {
            let cfg = store.config(None, None)?;
            let app = p.identity.app_param(Some(&app)).await.map_err(api)?;
            let a = push::allowance(&p.db, &cfg.reach.push, app.id, p.identity.now()).await.map_err(api)?;
            let f = &a.figures;
            let text = format!(
                "week of {}: {} push(es) per user (last week {}); {}\n  last {} week(s): {} pushes to {} users, {} clicks ({} effective), {} complaints, {} refusals\n  refusal share {:.2}%  complaint rate {:.3}%  effective CTR {:.2}%",
                push::week_label(a.week), a.allowance, a.previous, a.reason, cfg.reach.push.lookback_weeks,
                f.sent, f.recipients, f.clicks, f.effective_clicks, f.complaints, f.refusals,
                a.refusal_share * 100.0, a.complaint_rate * 100.0, a.effective_ctr * 100.0
            );
            out(store, serde_json::to_value(&a)?, text);
        }
        AppCmd::Deliveries { app, limit } => {
            let app = p.identity.app_param(Some(&app)).await.map_err(api)?;
            let items = p.db.deliveries(app.id, limit.clamp(1, 1000)).await?;
            let text = items
                .iter()
                .map(|i| {
                    format!(
                        "{:<8} {:<28} {:<9} attempts {:<2} status {:<4} {}",
                        i.id, i.kind, i.state, i.attempts,
                        i.last_status.map_or("-".into(), |s| s.to_string()),
                        i.last_error.as_deref().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let v: Vec<Value> = items
                .iter()
                .map(|i| json!({ "id": i.id, "kind": i.kind, "state": i.state, "attempts": i.attempts, "last_status": i.last_status, "last_error": i.last_error, "created_at": i.created_at, "delivered_at": i.delivered_at }))
                .collect();
            out(store, json!({ "deliveries": v }), if text.is_empty() { "no deliveries".into() } else { text });
        }
        AppCmd::Link { app, miniprogram, off } => {
            let policy = store.config(None, None)?.entries;
            let links = openmini_core::traffic::launch::link(&p.identity, &p.db, &app, &miniprogram, !off, &policy).await.map_err(api)?;
            let text = if links.is_empty() { format!("{app} links no mini program") } else { format!("{app} links: {}", links.join(", ")) };
            out(store, json!({ "app": app, "links": links, "limit": policy.links_per_mobile_app }), text);
        }
        AppCmd::Suspend { app, off } => {
            use openmini_core::search::store::SearchStore;
            let a = p.identity.app_param(Some(&app)).await.map_err(api)?;
            anyhow::ensure!(p.db.set_suspended(a.id, !off, p.identity.now()).await?, "no app {app}");
            out(
                store,
                json!({ "appid": a.appid, "suspended": !off }),
                if off { format!("{} ({}) is no longer suspended", a.appid, a.name) } else { format!("{} ({}) suspended: not in search or the catalogue, cannot be opened", a.appid, a.name) },
            );
        }
        AppCmd::Describe { app, description } => {
            use openmini_core::search::store::SearchStore;
            let a = p.identity.app_param(Some(&app)).await.map_err(api)?;
            let d = openmini_core::search::query::normalize_display(&description);
            let max = openmini_core::search::services::MAX_DESCRIPTION_CHARS;
            anyhow::ensure!(d.chars().count() <= max, "the description is longer than {max} characters");
            p.db.set_description(a.id, &d, p.identity.now()).await?;
            out(store, json!({ "appid": a.appid, "description": d }), format!("{} described: {d}", a.appid));
        }
        AppCmd::SeedUsers { app, count, no_add } => {
            anyhow::ensure!((1..=10_000_000).contains(&count), "count must be 1..=10000000");
            let app = p.identity.app_param(Some(&app)).await.map_err(api)?;
            let tag = hex::encode(openmini_core::keys::random_bytes::<4>());
            let (mut first, mut last) = (None, 0);
            let chunk = 50_000;
            let mut from = 1;
            while from <= count {
                let to = (from + chunk - 1).min(count);
                let (lo, hi) = p.db.seed_load_users(app.id, &tag, from, to, !no_add, p.identity.now()).await?;
                first.get_or_insert(lo);
                last = hi;
                if !store.json {
                    eprint!("\r{}", progress_bar(to, count));
                }
                from = to + 1;
            }
            if !store.json {
                eprintln!();
            }
            out(
                store,
                json!({ "appid": app.appid, "count": count, "first_user": first, "last_user": last, "tag": tag }),
                format!("{count} synthetic users (ids {}..={last}) logged in to {}", first.unwrap_or(0), app.appid),
            );
        }
    }
    Ok(())
}

/// `[#########-----------]  45% 45000/100000` for long CLI work.
pub fn progress_bar(done: i64, total: i64) -> String {
    let width = 30;
    let filled = if total > 0 { (done * width / total) as usize } else { width as usize };
    format!("[{}{}] {:>3}% {done}/{total}", "#".repeat(filled), "-".repeat(width as usize - filled), if total > 0 { done * 100 / total } else { 100 })
}

pub async fn host_app(cmd: HostAppCmd, store: &StoreArgs) -> anyhow::Result<()> {
    let p = platform(store).await?;
    match cmd {
        HostAppCmd::Create { name, mobile_app } => {
            anyhow::ensure!(!name.trim().is_empty() && name.chars().count() <= 64, "name must be 1-64 characters");
            let mobile = match &mobile_app {
                Some(a) => {
                    let app = p.identity.app_param(Some(a)).await.map_err(api)?;
                    anyhow::ensure!(app.kind == AppKind::Mobile, "{a} is not a mobile app");
                    Some(app)
                }
                None => None,
            };
            let h = p.identity.store().create_host_app(name.trim(), p.identity.now()).await?;
            if let Some(m) = &mobile {
                LaunchStore::set_host_mobile_app(&p.db, h.id, Some(m.id), p.identity.now()).await?;
            }
            let appid = mobile.as_ref().map(|m| m.appid.clone());
            out(store, json!({ "id": h.id, "name": h.name, "mobile_app": appid }), format!("host app {} created: {}", h.id, h.name));
        }
        HostAppCmd::List => {
            let hosts = p.identity.store().list_host_apps().await?;
            let text = hosts.iter().map(|h| format!("{:<4} {}", h.id, h.name)).collect::<Vec<_>>().join("\n");
            out(store, json!({ "host_apps": hosts }), text);
        }
    }
    Ok(())
}

pub async fn user(cmd: UserCmd, store: &StoreArgs) -> anyhow::Result<()> {
    let p = platform(store).await?;
    match cmd {
        UserCmd::Create { phone, name } => {
            let u = p.identity.create_user(&phone, name.as_deref()).await.map_err(api)?;
            out(store, json!({ "id": u.id, "name": u.name, "phone": u.phone_number() }), format!("user {} created: {} {}", u.id, u.name, u.phone_number()));
        }
        UserCmd::Block { id, unblock } => {
            anyhow::ensure!(p.identity.store().set_user_blocked(id, !unblock).await?, "no user {id}");
            out(store, json!({ "id": id, "blocked": !unblock }), format!("user {id} {}", if unblock { "unblocked" } else { "blocked" }));
        }
    }
    Ok(())
}

pub async fn code(store: &StoreArgs, appid: &str, user: i64, phone: bool) -> anyhow::Result<()> {
    let p = platform(store).await?;
    let code = if phone {
        p.identity.mint_phone_code(appid, user).await
    } else {
        p.identity.mint_login_code(appid, user).await
    }
    .map_err(api)?;
    out(store, json!({ "code": code }), code.clone());
    Ok(())
}

pub async fn serve(cfg: Config) -> anyhow::Result<()> {
    telemetry::init_logs(&cfg);
    tracing::info!(config = ?cfg, "starting openmini");
    let platform = open_platform(&cfg, Arc::new(SystemClock)).await?;
    let mut demo = None;
    if cfg.seed_demo {
        demo = seed::seed_if_empty(&platform.identity, &cfg.data).await?;
    } else {
        seed::ensure_web_shell(&platform.identity).await?;
    }
    let listener = tokio::net::TcpListener::bind(&cfg.addr).await?;
    let addr = listener.local_addr()?;
    if let Some(demo) = &demo {
        // The demo mini program calls this server: its origin is known once bound.
        let appid = demo["apps"].as_array().into_iter().flatten().find(|a| a["kind"] == "miniprogram").and_then(|a| a["appid"].as_str());
        let deployed = match appid {
            Some(appid) => {
                let objects = openmini_store::LocalFiles::new(cfg.packages_dir());
                let v = seed::deploy_demo(&platform.db, &objects, &platform.identity, appid, &seed::own_origins(&cfg, addr)).await;
                if v.is_some() {
                    seed::seed_official(&platform.db, &objects, &platform.identity, demo).await;
                }
                v.map(|v| (appid, v))
            }
            None => None,
        };
        print_demo(&cfg, demo, deployed);
    }
    tracing::info!(%addr, database = if cfg.database().starts_with("postgres") { "postgres" } else { "sqlite" }, "listening");
    println!("OpenMini is listening on http://{addr}  (web shell at /, open API, client API, /healthz, /metrics)");
    openmini_server::serve(cfg, platform, listener, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_demo(cfg: &Config, demo: &Value, package: Option<(&str, openmini_core::container::store::PackageVersion)>) {
    let creds = cfg.data.join(seed::CREDENTIALS_FILE);
    println!("Seeded a demo into the empty store:");
    for a in demo["apps"].as_array().into_iter().flatten() {
        println!("  {:<12} {}  {}", a["kind"].as_str().unwrap_or(""), a["appid"].as_str().unwrap_or(""), a["name"].as_str().unwrap_or(""));
    }
    for u in demo["users"].as_array().into_iter().flatten() {
        println!("  user {:<3} {} {}", u["id"], u["name"].as_str().unwrap_or(""), u["phone"].as_str().unwrap_or(""));
    }
    println!("App secrets are in {} (readable only by you).", creds.display());
    if let Some((appid, v)) = package {
        println!("Demo mini program deployed to {appid} (version {}); the web shell is at /.", v.version);
    }
    println!("Try: openmini login-code --app <miniprogram appid> --user 1, then GET /sns/jscode2session.");
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing in-flight requests");
}
