//! Background work of a node: delivering the outbox to developers' servers and running
//! campaigns. Both claim work with leases in the store, so any number of nodes share
//! it and a crashed node's work is taken over when its lease runs out.

use crate::state::{AppState, Shared};
use openmini_core::identity::App;
use openmini_core::msg_crypt::{self, MsgCrypt};
use openmini_core::reach::events::{self, Format, Mode};
use openmini_core::reach::outbox::{self, LEASE_MS, MAX_RESPONSE_BYTES};
use openmini_core::reach::store::{Attempt, CampaignStore, OutboxItem, OutboxStore, ServerConfig};
use openmini_core::{ApiError, Code};
use std::time::Duration;

/// A developer server's settings as an operator gives them.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub url: String,
    pub token: String,
    pub encoding_aes_key: Option<String>,
    pub format: String,
    pub mode: String,
}

fn invalid(why: &str) -> ApiError {
    ApiError::with(Code::InvalidArgs, why.to_string())
}

fn nonce() -> String {
    hex::encode(openmini_core::keys::random_bytes::<8>())
}

/// Reads at most `MAX_RESPONSE_BYTES` of an answer: a hostile server cannot make us
/// buffer more.
async fn read_capped(mut resp: reqwest::Response) -> Result<(u16, Vec<u8>), String> {
    let status = resp.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| format!("reading the answer: {e}"))? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(format!("answer larger than {MAX_RESPONSE_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

/// Checks a server URL the way WeChat does (GET with `signature, timestamp, nonce,
/// echostr`; the server echoes `echostr`), then stores the settings.
pub async fn configure(s: &Shared, app: &App, set: &ServerSettings) -> Result<(), ApiError> {
    let url = reqwest::Url::parse(&set.url).map_err(|_| invalid("url must be an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || set.url.len() > 512 || url.query().is_some() {
        return Err(invalid("url must be an http(s) URL of at most 512 bytes, without a query"));
    }
    if !(3..=32).contains(&set.token.len()) || !set.token.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid("token must be 3-32 letters or digits"));
    }
    let format = Format::parse(&set.format).ok_or_else(|| invalid("format must be json or xml"))?;
    let mode = Mode::parse(&set.mode).ok_or_else(|| invalid("mode must be plain, compatible or safe"))?;
    let _ = format;
    let key = match (&set.encoding_aes_key, mode) {
        (Some(k), _) if msg_crypt::valid_encoding_aes_key(k) => Some(k.clone()),
        (Some(_), _) => return Err(invalid("encoding_aes_key must be 43 characters of base64")),
        (None, Mode::Plain) => None,
        (None, _) => return Err(invalid("compatible and safe mode need an encoding_aes_key")),
    };
    let (ts, nonce, echostr) = ((s.identity.now() / 1000).to_string(), nonce(), hex::encode(openmini_core::keys::random_bytes::<12>()));
    let signature = msg_crypt::signature(&set.token, &ts, &nonce);
    let check = async {
        let resp = s
            .http
            .get(url.clone())
            .query(&[("signature", signature.as_str()), ("timestamp", &ts), ("nonce", &nonce), ("echostr", &echostr)])
            .send()
            .await
            .map_err(|e| format!("the URL check failed: {e}"))?;
        let (status, body) = read_capped(resp).await?;
        outbox::echo_ok(&echostr, status, &body)
    };
    check.await.map_err(|e| ApiError::with(Code::InvalidArgs, e))?;
    let keys = s.identity.keys();
    let now = s.identity.now();
    let c = ServerConfig {
        app_id: app.id,
        url: set.url.clone(),
        token_enc: keys.encrypt_at_rest(set.token.as_bytes()),
        aes_key_enc: key.map(|k| keys.encrypt_at_rest(k.as_bytes())),
        format: set.format.clone(),
        mode: set.mode.clone(),
        verified_at: now,
    };
    s.db.set_server(&c, now).await?;
    tracing::info!(appid = %app.appid, url = %set.url, format = %set.format, mode = %set.mode, "developer server configured");
    Ok(())
}

/// A developer server's settings, decrypted for one delivery round.
struct Target {
    url: String,
    token: String,
    crypt: Option<MsgCrypt>,
    format: Format,
    mode: Mode,
}

async fn target(s: &Shared, app_id: i64) -> Result<Target, String> {
    let c = s.db.server(app_id).await.map_err(|e| e.to_string())?.ok_or("the app has no server configured any more")?;
    let keys = s.identity.keys();
    let open = |enc: &str| keys.decrypt_at_rest(enc).and_then(|b| String::from_utf8(b).ok()).ok_or("stored secret does not decrypt");
    let token = open(&c.token_enc)?;
    let appid = s.identity.store().app_by_id(app_id).await.map_err(|e| e.to_string())?.map(|a| a.appid).ok_or("no such app")?;
    let crypt = match &c.aes_key_enc {
        Some(k) => Some(MsgCrypt::new(&token, &open(k)?, &appid).map_err(|e| e.to_string())?),
        None => None,
    };
    Ok(Target {
        url: c.url,
        token,
        crypt,
        format: Format::parse(&c.format).unwrap_or(Format::Json),
        mode: Mode::parse(&c.mode).unwrap_or(Mode::Plain),
    })
}

/// One attempt at one item: the outcome to record.
async fn attempt(s: &Shared, item: &OutboxItem, now: i64) -> Attempt {
    let fail = |status: Option<i64>, error: String| match outbox::retry_after(item.attempts) {
        Some(wait) => Attempt::Retry { next_at: now + wait, status, error },
        None => Attempt::Dead { status, error },
    };
    let t = match target(s, item.app_id).await {
        Ok(t) => t,
        Err(e) => return Attempt::Dead { status: None, error: e },
    };
    let random16 = openmini_core::keys::random_bytes::<16>();
    let wire = match events::wire(&item.payload, t.format, t.mode, &t.token, t.crypt.as_ref(), now / 1000, &nonce(), random16) {
        Ok(w) => w,
        Err(e) => return Attempt::Dead { status: None, error: e },
    };
    let url = if t.url.contains('?') { format!("{}&{}", t.url, wire.query) } else { format!("{}?{}", t.url, wire.query) };
    let sent = s.http.post(url).header("content-type", wire.content_type).body(wire.body).send().await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => return fail(None, format!("request failed: {e}")),
    };
    match read_capped(resp).await {
        Ok((status, body)) => match outbox::acknowledged(status, &body) {
            Ok(()) => Attempt::Delivered { status: i64::from(status) },
            Err(e) => fail(Some(i64::from(status)), e),
        },
        Err(e) => fail(None, e),
    }
}

/// Delivers what is due now: claims up to 32 items, tries them concurrently, records
/// each outcome. Returns how many were tried.
pub async fn deliver_due(s: &AppState) -> Result<usize, ApiError> {
    let now = s.identity.now();
    let items = s.db.claim_due(now, now + LEASE_MS, 32).await?;
    let n = items.len();
    let mut tasks = tokio::task::JoinSet::new();
    for item in items {
        let s = s.clone();
        tasks.spawn(async move {
            let a = attempt(&s, &item, now).await;
            let kind = match &a {
                Attempt::Delivered { .. } => "delivered",
                Attempt::Retry { .. } => "retry",
                Attempt::Dead { .. } => "dead",
            };
            metrics::counter!("openmini_pushes_total", "outcome" => kind).increment(1);
            if let Attempt::Retry { error, .. } | Attempt::Dead { error, .. } = &a {
                tracing::info!(id = item.id, app_id = item.app_id, attempt = item.attempts, outcome = kind, error = %error, "push to developer server");
            }
            if let Err(e) = s.db.record_attempt(item.id, &a, s.identity.now()).await {
                tracing::warn!(id = item.id, error = %e, "could not record a push attempt; it will be retried after its lease");
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(n)
}

/// The outbox worker: delivers until the process ends.
pub async fn outbox_loop(s: AppState) {
    let idle = Duration::from_millis(s.config.reach.poll_ms);
    loop {
        match deliver_due(&s).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e.errmsg(), "outbox round failed"),
        }
        let _ = tokio::time::timeout(idle, s.outbox_wake.notified()).await;
    }
}

/// Runs campaigns whose lease is free, one at a time; returns whether it found one.
pub async fn run_campaigns_once(s: &AppState) -> Result<bool, ApiError> {
    let lease = s.config.reach.campaign_lease_ms;
    let now = s.identity.now();
    let Some(c) = s.db.claim_campaign(now, now + lease).await? else {
        return Ok(false);
    };
    tracing::info!(campaign = c.id, app_id = c.app_id, kind = %c.kind, from_user = c.cursor_user, "campaign running");
    let clock = s.identity.clock();
    let done = openmini_core::reach::campaign::run(&s.db, &s.config.reach.push, c, lease, s.config.reach.campaign_batch, clock.as_ref()).await?;
    tracing::info!(campaign = done.id, state = %done.state, sent = done.sent, skipped = done.skipped, failed = done.failed, "campaign stopped");
    Ok(true)
}

pub async fn campaign_loop(s: AppState) {
    let idle = Duration::from_millis(s.config.reach.poll_ms);
    loop {
        match run_campaigns_once(&s).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e.errmsg(), "campaign round failed"),
        }
        tokio::time::sleep(idle).await;
    }
}
