//! The `openmini` binary as users run it: admin commands with `--json`, `serve` on
//! SQLite with the seeded demo, and two `serve` nodes on one PostgreSQL racing for the
//! same single-use code; kill -9 in the middle of a campaign.

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

/// A fresh PostgreSQL database for one test, dropped (even with open connections) when
/// the guard goes.
struct PgDb {
    name: String,
    url: String,
}

impl PgDb {
    fn new(tag: &str) -> PgDb {
        let name = format!("om_{tag}_{}", std::process::id());
        Self::admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name}"));
        let url = format!("{}/{name}", pg_url().rsplit_once('/').unwrap().0);
        PgDb { name, url }
    }

    fn admin(sql: &str) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let admin = rt.block_on(Db::connect(&pg_url(), ConnectOptions::default())).unwrap();
        for stmt in sql.split("; ") {
            rt.block_on(admin.execute_raw(stmt)).unwrap();
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        Self::admin(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
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

/// A blocking HTTP/1.1 POST of a JSON body; returns (status, body).
fn http_post(port: u16, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len()).ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    Some((status, raw.split_once("\r\n\r\n")?.1.to_string()))
}

struct Node {
    child: Child,
    port: u16,
    log: PathBuf,
    out: PathBuf,
}

/// A node left running by a failed test is killed, not leaked.
impl Drop for Node {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
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

    /// kill -9: no shutdown, no flush, whatever transaction was open is cut.
    fn crash(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
    let pg = PgDb::new("redact");
    let url = pg.url.replacen("postgres://root@", "postgres://root:hunter2secret@", 1);
    let node = Node::start(&data, &[], &[("OPENMINI_DATABASE_URL", url.as_str())]);
    let (log, _) = node.stop();
    assert!(log.contains("[redacted]"), "{log}");
    assert!(!log.contains("hunter2secret"), "{log}");
}

#[test]
fn two_nodes_on_one_postgres_redeem_a_code_exactly_once() {
    let data = tmpdir("pg");
    let pg = PgDb::new("nodes");
    let url = pg.url.clone();
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
}

/// kill -9 a node in the middle of a campaign to 100,000 users and start another: the
/// campaign resumes from its last committed batch and every user has exactly one
/// message. On SQLite (the default) and on PostgreSQL.
fn campaign_survives_kill_9(database: Option<&str>, tag: &str) {
    let data = tmpdir(tag);
    let mut store = vec!["--data".to_string(), data.to_str().unwrap().to_string()];
    let mut extra = vec![];
    if let Some(url) = database {
        store.extend(["--database".to_string(), url.to_string()]);
        extra.extend(["--database".to_string(), url.to_string()]);
    }
    let store: Vec<&str> = store.iter().map(String::as_str).collect();
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let subject = cli(&store, &["subject", "create", "--name", "Fan-out Co."])["id"].as_i64().unwrap().to_string();
    let app = cli(&store, &["app", "create", "--subject", &subject, "--kind", "miniprogram", "--name", "Fan"]);
    let (appid, secret) = (app["appid"].as_str().unwrap().to_string(), app["appsecret"].as_str().unwrap().to_string());
    const USERS: i64 = 100_000;
    let seeded = cli(&store, &["app", "seed-users", "--app", &appid, "--count", &USERS.to_string()]);
    assert_eq!(seeded["count"], USERS);

    // Small batches (100 transactions) and a short lease, so the kill lands mid-way and
    // the next node takes over quickly.
    let env = [("OPENMINI_SEED_DEMO", "false"), ("OPENMINI_REACH__CAMPAIGN_BATCH", "1000"), ("OPENMINI_REACH__CAMPAIGN_LEASE_MS", "1000"), ("OPENMINI_REACH__POLL_MS", "50")];
    let node = Node::start(&data, &extra, &env);
    let (_, body) = http_get(node.port, &format!("/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}")).unwrap();
    let token = serde_json::from_str::<Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let (_, body) = http_post(
        node.port,
        &format!("/wxa/push/campaign/create?access_token={token}"),
        r#"{"kind":"push","title":"限时活动","content":"今晚八点开抢","page":"pages/sale/index"}"#,
    )
    .unwrap();
    let cid = serde_json::from_str::<Value>(&body).unwrap()["campaign_id"].as_i64().unwrap_or_else(|| panic!("{body}"));
    let status_path = format!("/wxa/push/campaign/get?access_token={token}&campaign_id={cid}");
    let status = |port: u16| serde_json::from_str::<Value>(&http_get(port, &status_path).unwrap().1).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let at_kill = loop {
        let s = status(node.port);
        if s["sent"].as_i64().unwrap() >= USERS / 10 {
            break s;
        }
        assert!(Instant::now() < deadline, "the campaign did not start: {s}");
        std::thread::sleep(Duration::from_millis(5));
    };
    node.crash();
    let sent_at_kill = at_kill["sent"].as_i64().unwrap();
    assert!(at_kill["state"] == "running" && sent_at_kill < USERS, "killed too late to prove anything: {at_kill}");

    let node = Node::start(&data, &extra, &env);
    let deadline = Instant::now() + Duration::from_secs(120);
    let done = loop {
        let s = status(node.port);
        if s["state"] == "done" {
            break s;
        }
        assert!(Instant::now() < deadline, "the campaign did not resume: {s}");
        std::thread::sleep(Duration::from_millis(50));
    };
    node.stop();
    assert_eq!((done["sent"].as_i64(), done["skipped"].as_i64(), done["failed"].as_i64()), (Some(USERS), Some(0), Some(0)), "{done}");

    // The store itself: one message per user, no more, no less.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = database.map(str::to_string).unwrap_or_else(|| format!("sqlite://{}", data.join("openmini.db").display()));
    let db = rt.block_on(Db::connect(&url, ConnectOptions::default())).unwrap();
    let row = rt
        .block_on(db.row("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM inbox WHERE campaign_id = $1", vec![cid.into()]))
        .unwrap()
        .unwrap();
    assert_eq!((row.int(0).unwrap(), row.int(1).unwrap()), (USERS, USERS), "killed at {sent_at_kill} sent");
    let counted = rt.block_on(db.row("SELECT COUNT(*), MAX(n) FROM push_counts WHERE campaign_id = $1", vec![cid.into()])).unwrap().unwrap();
    assert_eq!((counted.int(0).unwrap(), counted.int(1).unwrap()), (USERS, 1), "one push counted per user");
    rt.block_on(db.close());
}

#[test]
fn a_campaign_survives_kill_9_on_sqlite() {
    campaign_survives_kill_9(None, "crash_sqlite");
}

#[test]
fn a_campaign_survives_kill_9_on_postgres() {
    let pg = PgDb::new("crash");
    campaign_survives_kill_9(Some(&pg.url), "crash_pg");
}

/// Two `serve` nodes on one PostgreSQL, 24 senders racing through both for a user's N
/// one-time grants: exactly N sends succeed, every round; the rest get 43101. Another
/// app cannot reach the user at all (its openid is unknown there: 40003).
#[test]
fn senders_on_two_nodes_race_for_n_grants() {
    use openmini_core::reach::store::{Answer, SubscriptionStore};
    let data = tmpdir("grants");
    let pg = PgDb::new("grants");
    let url = pg.url.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = ["--data", data.to_str().unwrap(), "--database", url.as_str()];
    let subject = cli(&store, &["subject", "create", "--name", "Grants Co."])["id"].as_i64().unwrap().to_string();
    let app = cli(&store, &["app", "create", "--subject", &subject, "--kind", "miniprogram", "--name", "Shop"]);
    let other = cli(&store, &["app", "create", "--subject", &subject, "--kind", "miniprogram", "--name", "Other"]);
    let (appid, secret) = (app["appid"].as_str().unwrap().to_string(), app["appsecret"].as_str().unwrap().to_string());
    let seeded = cli(&store, &["app", "seed-users", "--app", &appid, "--count", "1"]);
    let user = seeded["first_user"].as_i64().unwrap();
    let openid = format!("o{}_{user}", seeded["tag"].as_str().unwrap());

    let nodes = [
        Node::start(&data, &["--database", &url], &[("OPENMINI_SEED_DEMO", "false")]),
        Node::start(&data, &["--database", &url], &[("OPENMINI_SEED_DEMO", "false")]),
    ];
    let token_of = |appid: &str, secret: &str| {
        let (_, body) = http_get(nodes[0].port, &format!("/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}")).unwrap();
        serde_json::from_str::<Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string()
    };
    let token = token_of(&appid, &secret);
    // The developer picks a one-time template: the first of the library's.
    let (_, body) = http_get(nodes[1].port, &format!("/wxaapi/newtmpl/getcategory?access_token={token}")).unwrap();
    let cat = serde_json::from_str::<Value>(&body).unwrap()["data"][0]["id"].clone();
    let (_, body) = http_get(nodes[1].port, &format!("/wxaapi/newtmpl/getpubtemplatetitles?access_token={token}&ids={cat}&start=0&limit=30")).unwrap();
    let titles = serde_json::from_str::<Value>(&body).unwrap();
    let tid = titles["data"].as_array().unwrap().iter().find(|t| t["type"] == 2).expect("a one-time template")["tid"].clone();
    let (_, body) = http_get(nodes[1].port, &format!("/wxaapi/newtmpl/getpubtemplatekeywords?access_token={token}&tid={tid}")).unwrap();
    let kws: Vec<Value> = serde_json::from_str::<Value>(&body).unwrap()["data"].as_array().unwrap()[..2].to_vec();
    let add = serde_json::json!({ "tid": tid.to_string(), "kidList": [kws[0]["kid"], kws[1]["kid"]], "sceneDesc": "抢购" });
    let (_, body) = http_post(nodes[0].port, &format!("/wxaapi/newtmpl/addtemplate?access_token={token}"), &add.to_string()).unwrap();
    let tmpl = serde_json::from_str::<Value>(&body).unwrap()["priTmplId"].as_str().unwrap().to_string();
    let mut data_json = serde_json::json!({});
    for k in &kws {
        data_json[format!("{}{}", k["rule"].as_str().unwrap(), k["kid"])] = serde_json::json!({ "value": k["example"] });
    }
    let send = serde_json::json!({ "touser": openid, "template_id": tmpl, "data": data_json }).to_string();

    let db = rt.block_on(Db::connect(&url, ConnectOptions::default())).unwrap();
    let app_id = rt.block_on(db.row("SELECT id FROM apps WHERE appid = $1", vec![appid.as_str().into()])).unwrap().unwrap().int(0).unwrap();
    for (round, grants) in [1usize, 3, 7, 2, 5].into_iter().enumerate() {
        // The user accepts the template `grants` times (what consent dialogs record).
        let answers: Vec<Answer> = (0..grants).map(|_| Answer { pri_tmpl_id: tmpl.clone(), kind: 2, accepted: true }).collect();
        rt.block_on(db.record_consent(app_id, user, &answers, None, 0)).unwrap();
        let barrier = Arc::new(Barrier::new(24));
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let (barrier, body, port) = (barrier.clone(), send.clone(), nodes[i % 2].port);
                let path = format!("/cgi-bin/message/subscribe/send?access_token={token}");
                std::thread::spawn(move || {
                    barrier.wait();
                    let (_, answer) = http_post(port, &path, &body).expect("node answered");
                    serde_json::from_str::<Value>(&answer).unwrap()["errcode"].as_i64().unwrap()
                })
            })
            .collect();
        let codes: Vec<i64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = codes.iter().filter(|c| **c == 0).count();
        let refused = codes.iter().filter(|c| **c == 43101).count();
        assert_eq!((ok, refused), (grants, 24 - grants), "round {round}: {codes:?}");
    }
    let delivered = rt.block_on(db.row("SELECT COUNT(*) FROM inbox WHERE user_id = $1", vec![user.into()])).unwrap().unwrap().int(0).unwrap();
    assert_eq!(delivered, 1 + 3 + 7 + 2 + 5);

    // Another app's token cannot reach this user by this openid, by any kind of message.
    let other_token = token_of(other["appid"].as_str().unwrap(), other["appsecret"].as_str().unwrap());
    for (path, body) in [
        ("/cgi-bin/message/subscribe/send", send.clone()),
        ("/cgi-bin/message/custom/send", serde_json::json!({ "touser": openid, "msgtype": "text", "text": { "content": "hi" } }).to_string()),
        ("/wxa/push/send", serde_json::json!({ "touser": openid, "title": "t", "content": "c" }).to_string()),
    ] {
        let (_, answer) = http_post(nodes[1].port, &format!("{path}?access_token={other_token}"), &body).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&answer).unwrap()["errcode"], 40003, "{path}: {answer}");
    }
    for n in nodes {
        n.stop();
    }
    rt.block_on(db.close());
}

/// `openmini build`: exit 1 with file:line:col on errors and nothing written; exit 0
/// with a bundle and its manifest otherwise; `--json` for scripts.
#[test]
fn build_reports_problems_and_writes_bundles() {
    let dir = tmpdir("build");
    std::fs::create_dir_all(dir.join("app/pages/index")).unwrap();
    std::fs::write(dir.join("app/app.json"), r#"{"pages": ["pages/index/index"]}"#).unwrap();
    std::fs::write(dir.join("app/pages/index/index.wxml"), "<view>{{ a + }}</view>").unwrap();
    let out = dir.join("out");
    let run = |extra: &[&str]| Command::new(BIN).args(["build", dir.join("app").to_str().unwrap(), "-o", out.to_str().unwrap()]).args(extra).output().unwrap();
    let bad = run(&[]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("pages/index/index.wxml:1:14: error[bad-expression]"), "{err}");
    assert!(!out.join("manifest.json").exists(), "nothing written on errors");
    let json: Value = serde_json::from_slice(&run(&["--json"]).stdout).unwrap();
    assert_eq!((json["ok"].as_bool(), json["errors"].as_i64()), (Some(false), Some(1)));
    assert_eq!(json["diagnostics"][0]["line"], 1);

    std::fs::write(dir.join("app/pages/index/index.wxml"), "<view>{{ a + 1 }}</view>").unwrap();
    let good = run(&["--json"]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    let json: Value = serde_json::from_slice(&good.stdout).unwrap();
    assert_eq!(json["packages"][0]["pages"], 1);
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], 1);
    assert!(manifest["packages"][0]["files"].as_array().unwrap().iter().any(|f| f["path"] == "main/view.js"));
}

/// A GET with a client session; returns (status, body).
fn http_get_bearer(port: u16, path: &str, token: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    Some((status, raw.split_once("\r\n\r\n")?.1.to_string()))
}

fn pct(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Search on two `serve` nodes sharing PostgreSQL: services submitted on node A are
/// found on node B within about a second (B reads the change log every 500 ms), and
/// `openmini app suspend` from the command line hides the app on both.
#[test]
fn search_on_one_node_follows_changes_made_on_another() {
    let data = tmpdir("search");
    let pg = PgDb::new("search");
    let url = pg.url.clone();
    let store = ["--data", data.to_str().unwrap(), "--database", url.as_str()];
    let subject = cli(&store, &["subject", "create", "--name", "S"])["id"].to_string();
    let app = cli(&store, &["app", "create", "--subject", &subject, "--kind", "miniprogram", "--name", "跨节点咖啡"]);
    let (appid, secret) = (app["appid"].as_str().unwrap().to_string(), app["appsecret"].as_str().unwrap().to_string());
    let mini = data.join("mini");
    for (path, text) in [
        ("app.json", r#"{"pages": ["pages/index/index", "pages/order/order"]}"#),
        ("app.js", "App({})"),
        ("pages/index/index.wxml", "<view>hi</view>"),
        ("pages/index/index.js", "Page({})"),
        ("pages/order/order.wxml", "<view>order</view>"),
        ("pages/order/order.js", "Page({})"),
    ] {
        std::fs::create_dir_all(mini.join(path).parent().unwrap()).unwrap();
        std::fs::write(mini.join(path), text).unwrap();
    }
    cli(&store, &["app", "deploy", "--app", &appid, mini.to_str().unwrap()]);
    let env = [("OPENMINI_SEED_DEMO", "false")];
    let (a, b) = (Node::start(&data, &["--database", &url], &env), Node::start(&data, &["--database", &url], &env));
    for n in [&a, &b] {
        let deadline = Instant::now() + Duration::from_secs(30);
        while http_get(n.port, "/readyz").map(|r| r.0) != Some(200) {
            assert!(Instant::now() < deadline, "the search index of node {} was not built", n.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    // A user signed in on node B (the demo sign-in code is in B's log).
    let phone = "13900001111";
    http_post(b.port, "/client/v1/signin/start", &format!(r#"{{"phone":"{phone}"}}"#)).unwrap();
    let code = std::fs::read_to_string(&b.log).unwrap().split("signin_code=").nth(1).unwrap()[..6].to_string();
    let (_, body) = http_post(b.port, "/client/v1/signin/verify", &format!(r#"{{"phone":"{phone}","code":"{code}"}}"#)).unwrap();
    let user: Value = serde_json::from_str(&body).unwrap();
    let bearer = user["token"].as_str().unwrap().to_string();
    let found = |port: u16, q: &str| -> bool {
        let (status, body) = http_get_bearer(port, &format!("/client/v1/search?q={}", pct(q)), &bearer).unwrap();
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()["items"].as_array().unwrap().iter().any(|i| i["appid"] == appid.as_str())
    };
    assert!(found(b.port, "跨节点咖啡"), "the app by its name on B");
    assert!(!found(b.port, "燕麦拿铁"));

    // The app's backend declares a service on node A.
    let (_, body) = http_get(a.port, &format!("/cgi-bin/token?grant_type=client_credential&appid={appid}&secret={secret}")).unwrap();
    let token = serde_json::from_str::<Value>(&body).unwrap()["access_token"].as_str().unwrap().to_string();
    let services = r#"{"services": [{"page": "pages/order/order", "title": "燕麦拿铁外送", "keywords": ["咖啡", "拿铁"], "category": "food"}]}"#;
    let (_, body) = http_post(a.port, &format!("/wxa/search/submitservices?access_token={token}"), services).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["errcode"], 0, "{body}");
    let submitted = Instant::now();
    // Node A indexes its own write at once (the in-process channel, no polling).
    while !found(a.port, "燕麦拿铁") {
        assert!(submitted.elapsed() < Duration::from_millis(500), "node A did not index its own write at once");
        std::thread::sleep(Duration::from_millis(5));
    }
    let own = submitted.elapsed();
    while !found(b.port, "燕麦拿铁") {
        assert!(submitted.elapsed() < Duration::from_secs(3), "node B did not follow within 3 s");
        std::thread::sleep(Duration::from_millis(25));
    }
    let followed = submitted.elapsed();
    println!("search: node A found its own change after {} ms, node B after {} ms", own.as_millis(), followed.as_millis());
    assert!(followed < Duration::from_millis(1500), "node B took {} ms", followed.as_millis());

    // Risk control, from the command line: gone from both nodes; back when lifted.
    cli(&store, &["app", "suspend", "--app", &appid]);
    let suspended = Instant::now();
    while found(a.port, "燕麦拿铁") || found(b.port, "跨节点咖啡") {
        assert!(suspended.elapsed() < Duration::from_secs(3), "the suspension did not reach both nodes");
        std::thread::sleep(Duration::from_millis(25));
    }
    let (status, body) = http_get_bearer(b.port, &format!("/client/v1/apps/{appid}/package"), &bearer).unwrap();
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("85935"), "{body}");
    cli(&store, &["app", "suspend", "--app", &appid, "--off"]);
    while !found(b.port, "燕麦拿铁") {
        assert!(suspended.elapsed() < Duration::from_secs(6), "lifting the suspension did not reach node B");
        std::thread::sleep(Duration::from_millis(25));
    }
    a.stop();
    b.stop();
}
