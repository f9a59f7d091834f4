//! The `openmini` binary as users run it: admin commands with `--json`, `serve` on
//! SQLite with the seeded demo, and two `serve` nodes on one PostgreSQL racing for the
//! same single-use code.

use openmini_store::{ConnectOptions, Db};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_openmini");

fn pg_url() -> String {
    std::env::var("OPENMINI_TEST_PG").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("openmini_cli_{tag}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs an admin command with `--json` and returns its one JSON object.
fn cli(store: &[&str], args: &[&str]) -> Value {
    let out = Command::new(BIN).args(args).args(store).arg("--json").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{args:?} failed: {stdout} {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("{args:?}: not one JSON object: {stdout}"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A blocking HTTP/1.1 GET; returns (status, body).
fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

struct Node {
    child: Child,
    port: u16,
    log: PathBuf,
    out: PathBuf,
}

impl Node {
    fn start(data: &Path, extra: &[&str], env: &[(&str, &str)]) -> Node {
        let port = free_port();
        let log = data.join(format!("serve-{port}.log"));
        let out = data.join(format!("serve-{port}.out"));
        let child = Command::new(BIN)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data", data.to_str().unwrap()])
            .args(extra)
            .envs(env.iter().copied())
            .current_dir(data)
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let node = Node { child, port, log, out };
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(port, "/healthz").map(|r| r.0) != Some(200) {
            assert!(Instant::now() < deadline, "serve did not come up: {}", std::fs::read_to_string(&node.log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(50));
        }
        node
    }

    /// SIGTERM, then the exit status: graceful shutdown must exit 0. Returns the log
    /// (stderr) and what was printed for people (stdout).
    fn stop(mut self) -> (String, String) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "serve exited with {status}");
        (std::fs::read_to_string(&self.log).unwrap_or_default(), std::fs::read_to_string(&self.out).unwrap_or_default())
    }
}

#[test]
fn serve_seeds_a_demo_and_never_logs_secrets() {
    let data = tmpdir("demo");
    // trust auth ignores the password; it must still never reach the log.
    let node = Node::start(&data, &[], &[("OPENMINI_LOG_FORMAT", "json")]);
    let creds_path = data.join("demo-credentials.json");
    let creds: Value = serde_json::from_str(&std::fs::read_to_string(&creds_path).unwrap()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&creds_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let apps = creds["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 4);
    let mp = &apps[0];
    let (appid, secret) = (mp["appid"].as_str().unwrap(), mp["appsecret"].as_str().unwrap());
    // The demo works end to end: CLI code, HTTP exchange, unionid (bound app).
    let store = ["--data", data.to_str().unwrap()];
    let code = cli(&store, &["login-code", "--app", appid, "--user", "1"])["code"].as_str().unwrap().to_string();
    let (_, body) = http_get(node.port, &format!("/sns/jscode2session?appid={appid}&secret={secret}&js_code={code}&grant_type=authorization_code")).unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["unionid"].is_string(), "{v}");
    let (log, out) = node.stop();
    // Structured: every log line is JSON; the banner for people went to stdout.
    assert!(log.lines().filter(|l| !l.trim().is_empty()).all(|l| l.starts_with('{')), "{log}");
    assert!(log.contains("\"message\":\"listening\""), "{log}");
    assert!(!log.contains(secret), "app secret leaked into the log");
    assert!(out.contains("Seeded a demo") && out.contains("demo-credentials.json"), "{out}");
    assert!(!out.contains(secret), "secrets go to the 0600 file, not the terminal");
    // A second start does not seed again.
    let node = Node::start(&data, &[], &[]);
    let (_, out) = node.stop();
    assert!(!out.contains("Seeded a demo"), "{out}");
}

#[test]
fn database_url_is_redacted_from_logs() {
    let data = tmpdir("redact");
    let url = pg_url().replacen("postgres://root@", "postgres://root:hunter2secret@", 1);
    let db_name = format!("om_redact_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = rt.block_on(Db::connect(&pg_url(), ConnectOptions::default())).unwrap();
    rt.block_on(admin.execute_raw(&format!("DROP DATABASE IF EXISTS {db_name}"))).unwrap();
    rt.block_on(admin.execute_raw(&format!("CREATE DATABASE {db_name}"))).unwrap();
    let url = format!("{}/{db_name}", url.rsplit_once('/').unwrap().0);
    let node = Node::start(&data, &[], &[("OPENMINI_DATABASE_URL", url.as_str())]);
    let (log, _) = node.stop();
    assert!(log.contains("[redacted]"), "{log}");
    assert!(!log.contains("hunter2secret"), "{log}");
    rt.block_on(admin.execute_raw(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))).unwrap();
}

#[test]
fn two_nodes_on_one_postgres_redeem_a_code_exactly_once() {
    let data = tmpdir("pg");
    let db_name = format!("om_nodes_{}", std::process::id());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let admin = rt.block_on(Db::connect(&pg_url(), ConnectOptions::default())).unwrap();
    rt.block_on(admin.execute_raw(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))).unwrap();
    rt.block_on(admin.execute_raw(&format!("CREATE DATABASE {db_name}"))).unwrap();
    let url = format!("{}/{db_name}", pg_url().rsplit_once('/').unwrap().0);
    let store = ["--data", data.to_str().unwrap(), "--database", url.as_str()];

    // The admin CLI's JSON names, which scripts rely on.
    let subject = cli(&store, &["subject", "create", "--name", "Race Co."])["id"].as_i64().unwrap();
    let open = cli(&store, &["open-account", "create", "--subject", &subject.to_string()])["id"].as_str().unwrap().to_string();
    let app = cli(&store, &["app", "create", "--subject", &subject.to_string(), "--kind", "miniprogram", "--name", "Race", "--open-account", &open]);
    let (appid, secret) = (app["appid"].as_str().unwrap().to_string(), app["appsecret"].as_str().unwrap().to_string());
    let user = cli(&store, &["user", "create", "--phone", "13912345678"])["id"].as_i64().unwrap();
    assert!(cli(&store, &["phone-code", "--app", &appid, "--user", &user.to_string()])["code"].is_string());
    let bad = Command::new(BIN).args(["app", "create", "--subject", "999", "--kind", "miniprogram", "--name", "x", "--json"]).args(store).output().unwrap();
    assert!(!bad.status.success());
    assert!(serde_json::from_slice::<Value>(&bad.stdout).unwrap()["error"].is_string());

    let nodes = [
        Node::start(&data, &["--database", &url], &[("OPENMINI_SEED_DEMO", "false")]),
        Node::start(&data, &["--database", &url], &[("OPENMINI_SEED_DEMO", "false")]),
    ];
    let ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
    for round in 0..5 {
        let code = cli(&store, &["login-code", "--app", &appid, "--user", &user.to_string()])["code"].as_str().unwrap().to_string();
        let path = format!("/sns/jscode2session?appid={appid}&secret={secret}&js_code={code}&grant_type=authorization_code");
        let barrier = Arc::new(Barrier::new(8));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (barrier, path, port) = (barrier.clone(), path.clone(), ports[i % 2]);
                std::thread::spawn(move || {
                    barrier.wait();
                    let (status, body) = http_get(port, &path).expect("node answered");
                    assert_eq!(status, 200);
                    serde_json::from_str::<Value>(&body).unwrap()
                })
            })
            .collect();
        let answers: Vec<Value> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wins = answers.iter().filter(|v| v["openid"].is_string()).count();
        let used = answers.iter().filter(|v| v["errcode"] == 40163).count();
        assert_eq!((wins, used), (1, 7), "round {round}: {answers:?}");
    }
    for n in nodes {
        n.stop();
    }
    rt.block_on(admin.execute_raw(&format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))).unwrap();
}
