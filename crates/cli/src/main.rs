//! `openmini`: serve the platform, administer its store, benchmark it.

mod admin;
mod packages;

/// `openmini build`: compile, print the problems, write the bundle if there are no errors.
fn build(dir: &std::path::Path, out: &std::path::Path, max_main_bytes: u64, max_total_bytes: u64, json: bool) -> anyhow::Result<()> {
    use openmini_compiler::build::{build_with_progress, write, Options};
    anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    let started = std::time::Instant::now();
    // A bar for people on large apps (stderr; never with --json).
    let mut bar = |done: usize, total: usize| {
        if !json && total >= 1000 {
            eprint!("\r{}", admin::progress_bar(done as i64, total as i64));
            if done == total {
                eprintln!();
            }
        }
    };
    let b = build_with_progress(dir, &Options { max_main_bytes, max_total_bytes }, &mut bar);
    let errors = b.errors();
    let warnings = b.diagnostics.len() - errors;
    if errors == 0 {
        write(&b, out)?;
    }
    let packages: Vec<_> = b.manifest.iter().flat_map(|m| &m.packages).map(|p| serde_json::json!({ "root": p.root, "pages": p.pages.len(), "size": p.size })).collect();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "ok": errors == 0, "errors": errors, "warnings": warnings, "diagnostics": b.diagnostics,
                "packages": packages, "size": b.manifest.as_ref().map(|m| m.size), "out": out, "ms": started.elapsed().as_millis() as u64,
            })
        );
    } else {
        for d in &b.diagnostics {
            eprintln!("{d}");
        }
        let pages: usize = b.manifest.iter().flat_map(|m| &m.packages).map(|p| p.pages.len()).sum();
        eprintln!(
            "{} {pages} pages in {} package(s), {} bytes, {errors} error(s), {warnings} warning(s) in {} ms",
            if errors == 0 { format!("built {} ->", out.display()) } else { "not built:".to_string() },
            packages.len(),
            b.manifest.as_ref().map_or(0, |m| m.size),
            started.elapsed().as_millis()
        );
    }
    if errors > 0 {
        std::process::exit(1);
    }
    Ok(())
}
mod bench;
mod bench_codes;
mod bench_compile;
mod bench_container;
mod cdp;
mod bench_reach;
mod bench_search;
mod http;

use clap::{Args, Parser, Subcommand};
use openmini_server::config::{Config, LogFormat, Overrides};
use std::path::PathBuf;
use std::process::ExitCode;

// The server allocates small objects on every request; mimalloc is much cheaper at
// that than glibc's allocator (measured by `openmini bench login`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "openmini", version, about = "OpenMini: a self-hostable mini-program platform with a WeChat-compatible open API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the store is: the same flags for `serve` and every admin command.
#[derive(Args, Clone, Debug)]
pub struct StoreArgs {
    /// Data folder (SQLite database, demo credentials). Env: OPENMINI_DATA. [default: ./openmini-data]
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB. Env: OPENMINI_DATABASE_URL. [default: SQLite in the data folder]
    #[arg(long, global = true)]
    database: Option<String>,
    /// Configuration file (TOML). [default: ./openmini.toml if present]
    #[arg(long, global = true, env = "OPENMINI_CONFIG")]
    config: Option<PathBuf>,
    /// Print one JSON object on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
}

impl StoreArgs {
    fn config(&self, addr: Option<String>, log_format: Option<LogFormat>) -> anyhow::Result<Config> {
        let o = Overrides { addr, data: self.data.clone(), database_url: self.database.clone(), log_format };
        Config::load(self.config.as_deref(), &o)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the platform: open API, client API, /healthz, /metrics.
    Serve {
        /// Address to listen on. Env: OPENMINI_ADDR. [default: 127.0.0.1:8080]
        #[arg(long)]
        addr: Option<String>,
        /// Log format: text or json. Env: OPENMINI_LOG_FORMAT.
        #[arg(long, value_parser = parse_log_format)]
        log_format: Option<LogFormat>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Subjects (organisations that own apps).
    Subject {
        #[command(subcommand)]
        cmd: admin::SubjectCmd,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Open-platform accounts (group a subject's apps under one unionid).
    #[command(name = "open-account")]
    OpenAccount {
        #[command(subcommand)]
        cmd: admin::OpenAccountCmd,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Apps: mini programs, service and subscription accounts, websites, mobile apps.
    App {
        #[command(subcommand)]
        cmd: admin::AppCmd,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Host apps: the super apps that run mini programs (the web shell is built in).
    #[command(name = "host-app")]
    HostApp {
        #[command(subcommand)]
        cmd: admin::HostAppCmd,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Users of host apps.
    User {
        #[command(subcommand)]
        cmd: admin::UserCmd,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print a fresh wx.login code for a user of a mini program (as the container gets it).
    #[command(name = "login-code")]
    LoginCode {
        /// The mini program's appid.
        #[arg(long)]
        app: String,
        /// The user's id.
        #[arg(long)]
        user: i64,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print a fresh phone-number consent code for a user of an app.
    #[command(name = "phone-code")]
    PhoneCode {
        #[arg(long)]
        app: String,
        #[arg(long)]
        user: i64,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Compile a mini program (app.json, WXML, WXS, JS, assets) into a bundle with a
    /// manifest. Problems are printed as file:line:col; exit status 1 on errors.
    Build {
        /// The mini program's folder (or its project, with project.config.json).
        dir: PathBuf,
        /// Where to write the bundle.
        #[arg(short, long)]
        out: PathBuf,
        /// Warn when the main package passes this many bytes.
        #[arg(long, default_value_t = 2 << 20)]
        max_main_bytes: u64,
        /// Warn when the whole app passes this many bytes.
        #[arg(long, default_value_t = 20 << 20)]
        max_total_bytes: u64,
        /// Print one JSON object (diagnostics, packages, sizes) on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run a benchmark workload on loopback and print its figures.
    Bench {
        #[command(subcommand)]
        workload: bench::Workload,
    },
}

fn parse_log_format(s: &str) -> Result<LogFormat, String> {
    match s {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err("text or json".into()),
    }
}

/// SQLite allocates through glibc's malloc. Its writer thread frees a batch's pages
/// after every commit, and glibc then gives the thread arena's top back to the kernel
/// (madvise) only to fault it in again on the next batch: 20% of the writer's time,
/// with TLB shootdowns on the other cores (`perf`, `openmini bench reach`). Keep freed
/// memory in the process instead, and leave big allocations on the heap.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
    }
}

fn main() -> ExitCode {
    tune_malloc();
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let json = match &cli.command {
        Command::Serve { store, .. }
        | Command::Subject { store, .. }
        | Command::OpenAccount { store, .. }
        | Command::App { store, .. }
        | Command::HostApp { store, .. }
        | Command::User { store, .. }
        | Command::LoginCode { store, .. }
        | Command::PhoneCode { store, .. } => store.json,
        Command::Bench { .. } => false,
        Command::Build { json, .. } => *json,
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": format!("{e:#}") }));
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { addr, log_format, store } => admin::serve(store.config(addr, log_format)?).await,
        Command::Subject { cmd, store } => admin::subject(cmd, &store).await,
        Command::OpenAccount { cmd, store } => admin::open_account(cmd, &store).await,
        Command::App { cmd, store } => admin::app(cmd, &store).await,
        Command::HostApp { cmd, store } => admin::host_app(cmd, &store).await,
        Command::User { cmd, store } => admin::user(cmd, &store).await,
        Command::LoginCode { app, user, store } => admin::code(&store, &app, user, false).await,
        Command::PhoneCode { app, user, store } => admin::code(&store, &app, user, true).await,
        Command::Bench { workload } => bench::run(workload).await,
        Command::Build { dir, out, max_main_bytes, max_total_bytes, json } => build(&dir, &out, max_main_bytes, max_total_bytes, json),
    }
}
