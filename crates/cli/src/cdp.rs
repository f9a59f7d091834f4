//! A small Chrome DevTools Protocol client for `bench container`: starts headless
//! Chromium (Debian's `chromium`), attaches to a new page and evaluates scripts in it.
//! Only what the benchmark needs: no events are kept, answers are matched by id.

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub struct Browser {
    child: Child,
    profile: PathBuf,
    ws: Ws,
    next: u64,
    /// Console messages and uncaught exceptions of the pages, for error reports.
    pub console: Vec<String>,
}

/// The Chromium to use: `$CHROMIUM`, else `chromium` on the PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|d| d.join("chromium")).find(|p| p.is_file())
    })
}

impl Browser {
    /// Starts Chromium with the flags this machine needs and connects to it.
    pub async fn launch(chromium: &Path) -> Result<Browser> {
        let profile = std::env::temp_dir().join(format!("openmini-cdp-{}-{}", std::process::id(), rand_suffix()));
        std::fs::create_dir_all(&profile)?;
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", chromium.display()))?;
        // Chromium writes the port and the browser's WebSocket path once it listens.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&port_file) {
                if t.lines().count() >= 2 {
                    break t;
                }
            }
            if Instant::now() > deadline {
                bail!("Chromium did not open its DevTools port within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let mut lines = text.lines();
        let port = lines.next().unwrap_or_default().trim();
        let path = lines.next().unwrap_or_default().trim();
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}{path}")).await.context("connecting to Chromium")?;
        Ok(Browser { child, profile, ws, next: 1, console: Vec::new() })
    }

    /// Calls `method` (on the page attached as `session`, or on the browser).
    pub async fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        let id = self.next;
        self.next += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::Text(msg.to_string().into())).await?;
        while let Some(m) = self.ws.next().await {
            let Message::Text(t) = m? else { continue };
            let v: Value = serde_json::from_str(&t)?;
            match v["method"].as_str() {
                Some("Runtime.consoleAPICalled") => {
                    let args: Vec<String> = v["params"]["args"].as_array().into_iter().flatten().map(|a| a["value"].as_str().map(str::to_string).unwrap_or_else(|| a["description"].as_str().unwrap_or("").to_string())).collect();
                    self.console.push(format!("{}: {}", v["params"]["type"].as_str().unwrap_or(""), args.join(" ")));
                }
                Some("Runtime.exceptionThrown") => {
                    let d = &v["params"]["exceptionDetails"];
                    self.console.push(format!("exception: {}", d["exception"]["description"].as_str().unwrap_or(d["text"].as_str().unwrap_or(""))));
                }
                _ => {}
            }
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    bail!("{method}: {e}");
                }
                return Ok(v["result"].clone());
            }
        }
        bail!("Chromium closed the connection")
    }

    /// A new page (tab) of `width`×`height` CSS pixels; returns its session.
    pub async fn new_page(&mut self, width: u32, height: u32) -> Result<String> {
        let t = self.call(None, "Target.createTarget", json!({ "url": "about:blank" })).await?;
        let target = t["targetId"].as_str().ok_or_else(|| anyhow!("no targetId"))?.to_string();
        let a = self.call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true })).await?;
        let session = a["sessionId"].as_str().ok_or_else(|| anyhow!("no sessionId"))?.to_string();
        self.call(Some(&session), "Runtime.enable", json!({})).await?;
        self.call(Some(&session), "Emulation.setDeviceMetricsOverride", json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true })).await?;
        Ok(session)
    }

    /// Navigates and waits until the document has loaded.
    pub async fn goto(&mut self, session: &str, url: &str) -> Result<()> {
        self.call(Some(session), "Page.navigate", json!({ "url": url })).await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = self.eval(session, "document.readyState").await?;
            if r == json!("complete") {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{url} did not load within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Evaluates `expr` (awaiting a promise) and returns its value as JSON.
    pub async fn eval(&mut self, session: &str, expr: &str) -> Result<Value> {
        let r = self.call(Some(session), "Runtime.evaluate", json!({ "expression": expr, "awaitPromise": true, "returnByValue": true })).await?;
        if let Some(e) = r.get("exceptionDetails") {
            bail!("script failed: {}", e["exception"]["description"].as_str().unwrap_or(&e.to_string()));
        }
        Ok(r["result"]["value"].clone())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos() as u64)
}
