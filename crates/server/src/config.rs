//! The server's configuration: one struct, merged file < environment (`OPENMINI_*`) <
//! command line. Secrets are wrapped in [`Secret`] and print as `[redacted]`.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use openmini_core::identity::Policy;
use openmini_core::reach::push::AllowancePolicy;
use openmini_core::traffic::entry_policy::EntryPolicy;
use openmini_core::traffic::link_policy::LinkPolicy;
use openmini_core::Secret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on. `OPENMINI_ADDR`, `--addr`. Default `127.0.0.1:8080`.
    pub addr: String,
    /// Data folder: the SQLite database, demo credentials, later packages and media.
    /// `OPENMINI_DATA`, `--data`. Default `./openmini-data`.
    pub data: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); unset means SQLite in the data
    /// folder. `OPENMINI_DATABASE_URL`, `--database`. Redacted in logs.
    pub database_url: Option<Secret<String>>,
    /// PostgreSQL pool size (default 16). SQLite keeps its own reader pool.
    pub db_connections: Option<u32>,
    /// Largest request body accepted, in bytes (larger gets errcode 47001).
    pub body_limit: usize,
    /// `text` or `json`. `OPENMINI_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax, e.g. `info,openmini_server=debug`. `OPENMINI_LOG`.
    pub log: String,
    /// Seed a demo (subjects, apps, users) on first start with an empty store.
    pub seed_demo: bool,
    /// Token, code and rate-limit rules (`OPENMINI_IDENTITY__TOKEN_TTL_SECS=…`).
    pub identity: Policy,
    /// Messages: the weekly push allowance, pushes to developers' servers, campaigns.
    pub reach: Reach,
    /// The origin browsers use to reach this server (`https://mini.example.com`), when
    /// it is not what they send in `Host` (a proxy in front). The container frame's CSP
    /// names it. `OPENMINI_PUBLIC_URL`. Default: the request's `Host`.
    pub public_url: Option<String>,
    /// Folder of deployed package files (by SHA-256). `OPENMINI_PACKAGES_DIR`.
    /// Default `<data>/packages`.
    pub packages_dir: Option<PathBuf>,
    /// The network proxy of `wx.request`, `uploadFile` and `downloadFile`.
    pub proxy: Proxy,
    /// Entries from web pages, other apps and shares (`[entries]`, docs/traffic.md):
    /// the open tag's minimum client and OS versions, ticket lifetimes, the link limit.
    pub entries: EntryPolicy,
    /// Links and codes (`[links]`, docs/traffic.md): the daily, per-second and lifetime
    /// quotas of schemes, URL links, short links and limited codes, opens per day, the
    /// longest expiry.
    pub links: LinkPolicy,
    /// Search (`[search]`, docs/traffic.md): the index under `<data>/search/`, how
    /// often it reads the change log and usage.
    pub search: openmini_search::SearchOptions,
}

/// `[proxy]`: limits of the platform's network proxy for mini programs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Proxy {
    /// Longest a proxied request may take, in ms: the default, and the cap of the
    /// `timeout` a mini program asks for (WeChat's default is 60 s).
    pub timeout_ms: u64,
    /// Largest body a mini program may send (`data`, an upload's file), in bytes.
    pub max_request_bytes: usize,
    /// Largest answer of a developer's server (a response, a download), in bytes.
    pub max_response_bytes: usize,
}

impl Default for Proxy {
    fn default() -> Self {
        Proxy { timeout_ms: 60_000, max_request_bytes: 10 << 20, max_response_bytes: 10 << 20 }
    }
}

impl Proxy {
    /// The largest JSON body a proxy route reads: the payload base64-encoded (4/3) plus
    /// room for the other fields.
    pub fn body_limit(&self) -> usize {
        self.max_request_bytes / 3 * 4 + 4 + (256 << 10)
    }
}

/// `[reach]`: how messages reach users and developers' servers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Reach {
    /// The adaptive weekly push allowance (`[reach.push]`, docs/reach.md).
    pub push: AllowancePolicy,
    /// Run this node's outbox worker (deliveries to developers' servers).
    pub deliver: bool,
    /// Run this node's campaign worker.
    pub campaigns: bool,
    /// How often idle workers look for due work, in ms.
    pub poll_ms: u64,
    /// How long a node holds a campaign between batches before another node may take
    /// it over (after a crash), in ms.
    pub campaign_lease_ms: i64,
    /// Users per campaign batch (one transaction each).
    pub campaign_batch: i64,
    /// Timeout of one HTTP request to a developer's server, in ms.
    pub push_timeout_ms: u64,
}

impl Default for Reach {
    fn default() -> Self {
        Reach { push: AllowancePolicy::default(), deliver: true, campaigns: true, poll_ms: 500, campaign_lease_ms: 15_000, campaign_batch: 10_000, push_timeout_ms: 5_000 }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            data: PathBuf::from("./openmini-data"),
            database_url: None,
            db_connections: None,
            body_limit: 1 << 20,
            log_format: LogFormat::Text,
            log: "info".into(),
            seed_demo: true,
            identity: Policy::default(),
            reach: Reach::default(),
            public_url: None,
            packages_dir: None,
            proxy: Proxy::default(),
            entries: EntryPolicy::default(),
            links: LinkPolicy::default(),
            search: openmini_search::SearchOptions::default(),
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

/// The top-level fields, for picking our variables out of the environment.
const FIELDS: &[&str] = &[
    "addr", "data", "database_url", "db_connections", "body_limit", "log_format", "log", "seed_demo", "identity", "reach",
    "public_url", "packages_dir", "proxy", "entries", "links", "search",
];

impl Config {
    /// Defaults < `file` (or `./openmini.toml` if present) < `OPENMINI_*` < `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) => {
                anyhow::ensure!(f.exists(), "config file {} not found", f.display());
                fig = fig.merge(Toml::file_exact(f));
            }
            None if Path::new("openmini.toml").exists() => fig = fig.merge(Toml::file_exact("openmini.toml")),
            None => {}
        }
        // Only variables naming a field: OPENMINI_BIN, OPENMINI_TEST_PG and the like
        // belong to scripts, not to us.
        let env = Env::prefixed("OPENMINI_")
            .filter(|k| {
                let k = k.as_str().to_ascii_lowercase();
                FIELDS.contains(&k.split("__").next().unwrap_or(&k))
            })
            .split("__");
        let cfg: Config = fig.merge(env).merge(Serialized::defaults(overrides)).extract()?;
        cfg.identity.validate().map_err(|e| anyhow::anyhow!("identity: {e}"))?;
        cfg.reach.push.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        cfg.entries.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        cfg.links.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        anyhow::ensure!(
            cfg.reach.poll_ms >= 10 && cfg.reach.campaign_lease_ms >= 1_000 && (1..=100_000).contains(&cfg.reach.campaign_batch),
            "reach: poll_ms >= 10, campaign_lease_ms >= 1000, campaign_batch in 1..=100000"
        );
        anyhow::ensure!(
            cfg.proxy.timeout_ms >= 1 && cfg.proxy.max_request_bytes >= 1 && cfg.proxy.max_response_bytes >= 1,
            "proxy: timeout_ms, max_request_bytes and max_response_bytes must be positive"
        );
        let mut cfg = cfg;
        cfg.public_url = cfg.public_url.as_deref().filter(|u| !u.trim().is_empty()).map(public_origin).transpose()?;
        Ok(cfg)
    }

    /// Where deployed package files are kept.
    pub fn packages_dir(&self) -> PathBuf {
        self.packages_dir.clone().unwrap_or_else(|| self.data.join("packages"))
    }

    /// The database URL in force: the configured one, or SQLite in the data folder.
    pub fn database(&self) -> String {
        match &self.database_url {
            Some(u) if !u.expose().is_empty() => u.expose().clone(),
            _ => format!("sqlite://{}", self.data.join("openmini.db").display()),
        }
    }
}

/// `public_url` as an origin: `http(s)://host[:port]`, a trailing `/` dropped; empty
/// means unset.
fn public_origin(s: &str) -> anyhow::Result<String> {
    let bad = || anyhow::anyhow!("public_url must be http(s)://host[:port] without a path, not {s:?}");
    let url = url::Url::parse(s.trim()).map_err(|_| bad())?;
    let plain = url.path() == "/" && url.query().is_none() && url.fragment().is_none() && url.username().is_empty() && url.password().is_none();
    anyhow::ensure!(matches!(url.scheme(), "http" | "https") && plain, bad());
    openmini_core::container::domains::origin(&url).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_database_url() {
        let cfg = Config {
            database_url: Some(Secret::new("postgres://u:hunter2@h/db".into())),
            ..Config::default()
        };
        let dbg = format!("{cfg:?}");
        assert!(!dbg.contains("hunter2"), "{dbg}");
        assert!(dbg.contains("[redacted]"));
        assert!(!serde_json::to_string(&cfg).unwrap().contains("hunter2"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's error type, in a test
    fn layers_merge_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "addr = \"127.0.0.1:1\"\nlog = \"debug\"\nbody_limit = 10")?;
            jail.set_env("OPENMINI_ADDR", "127.0.0.1:2");
            jail.set_env("OPENMINI_IDENTITY__CODE_TTL_SECS", "60");
            jail.set_env("OPENMINI_BIN", "/usr/bin/whatever"); // a script's, not ours
            let o = Overrides { data: Some("/tmp/x".into()), ..Default::default() };
            let c = Config::load(Some(Path::new("c.toml")), &o).map_err(|e| e.to_string())?;
            assert_eq!(c.addr, "127.0.0.1:2"); // env beats file
            assert_eq!(c.log, "debug"); // file beats default
            assert_eq!(c.body_limit, 10);
            assert_eq!(c.identity.code_ttl_secs, 60);
            assert_eq!(c.data, PathBuf::from("/tmp/x")); // flag beats all
            let o = Overrides { addr: Some("127.0.0.1:3".into()), ..Default::default() };
            let c = Config::load(Some(Path::new("c.toml")), &o).map_err(|e| e.to_string())?;
            assert_eq!(c.addr, "127.0.0.1:3");
            // Typos and nonsense are refused, not ignored.
            jail.create_file("bad.toml", "[identity]\ncode_ttl_sec = 60")?;
            assert!(Config::load(Some(Path::new("bad.toml")), &Overrides::default()).is_err());
            jail.create_file("zero.toml", "[identity]\ntoken_ttl_secs = 0")?;
            assert!(Config::load(Some(Path::new("zero.toml")), &Overrides::default()).is_err());
            // The container's settings.
            jail.create_file("pub.toml", "public_url = \"https://Mini.Example.com:443/\"\n[proxy]\ntimeout_ms = 5000")?;
            jail.set_env("OPENMINI_PROXY__MAX_RESPONSE_BYTES", "1000");
            let c = Config::load(Some(Path::new("pub.toml")), &Overrides::default()).map_err(|e| e.to_string())?;
            assert_eq!(c.public_url.as_deref(), Some("https://mini.example.com"));
            assert_eq!((c.proxy.timeout_ms, c.proxy.max_response_bytes, c.proxy.max_request_bytes), (5000, 1000, 10 << 20));
            assert_eq!(c.packages_dir(), c.data.join("packages"));
            for bad in ["public_url = \"https://x.com/path\"", "public_url = \"ftp://x.com\"", "[proxy]\ntimeout_ms = 0", "[proxy]\nretries = 1"] {
                jail.create_file("bad2.toml", bad)?;
                assert!(Config::load(Some(Path::new("bad2.toml")), &Overrides::default()).is_err(), "{bad}");
            }
            Ok(())
        });
    }
}
