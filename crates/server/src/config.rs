//! The server's configuration: one struct, merged file < environment (`OPENMINI_*`) <
//! command line. Secrets are wrapped in [`Secret`] and print as `[redacted]`.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use openmini_core::identity::Policy;
use openmini_core::reach::push::AllowancePolicy;
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
const FIELDS: &[&str] = &["addr", "data", "database_url", "db_connections", "body_limit", "log_format", "log", "seed_demo", "identity", "reach"];

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
        anyhow::ensure!(
            cfg.reach.poll_ms >= 10 && cfg.reach.campaign_lease_ms >= 1_000 && (1..=100_000).contains(&cfg.reach.campaign_batch),
            "reach: poll_ms >= 10, campaign_lease_ms >= 1000, campaign_batch in 1..=100000"
        );
        Ok(cfg)
    }

    /// The database URL in force: the configured one, or SQLite in the data folder.
    pub fn database(&self) -> String {
        match &self.database_url {
            Some(u) if !u.expose().is_empty() => u.expose().clone(),
            _ => format!("sqlite://{}", self.data.join("openmini.db").display()),
        }
    }
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
            Ok(())
        });
    }
}
