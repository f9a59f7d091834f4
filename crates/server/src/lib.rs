//! OpenMini's HTTP server: the WeChat-compatible open API, the client API, the deployed
//! packages (`/pkg/`), the embedded web apps (host shell, container), health and
//! metrics, on one port. Handlers are thin: they parse, call the domain
//! (`openmini-core`), and write the answer; storage is `openmini-store`.

pub mod app_pages;
pub mod client_api;
pub mod config;
pub mod content_type;
pub mod delivery;
pub mod deploy;
pub mod landing;
pub mod live;
pub mod open_api;
pub mod pkg;
pub mod qr;
pub mod seed;
pub mod state;
pub mod telemetry;
pub mod web;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use config::Config;
use openmini_core::identity::Identity;
use openmini_core::{ApiError, Clock, Code};
use openmini_store::{ConnectOptions, Db};
use state::AppState;
use std::future::Future;
use std::sync::Arc;

/// The store and domain services behind a server or an admin command.
pub struct Platform {
    pub db: Db,
    pub identity: Identity,
}

/// Connects to the configured database (running migrations) and loads the platform key.
pub async fn open_platform(cfg: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Platform> {
    if cfg.database_url.as_ref().is_none_or(|u| u.expose().is_empty()) {
        std::fs::create_dir_all(&cfg.data)?;
    }
    let db = Db::connect(&cfg.database(), ConnectOptions { max_connections: cfg.db_connections, ..Default::default() })
        .await?;
    Platform::on(db, clock, cfg.identity.clone()).await
}

impl Platform {
    /// The platform on an already connected store.
    pub async fn on(db: Db, clock: Arc<dyn Clock>, policy: openmini_core::identity::Policy) -> anyhow::Result<Platform> {
        let identity = Identity::open(Arc::new(db.clone()), clock, policy).await?;
        Ok(Platform { db, identity })
    }
}

pub fn router(state: AppState) -> Router {
    // Install the recorder before the first request is counted.
    telemetry::metrics_handle();
    Router::new()
        .merge(open_api::router())
        .merge(client_api::router())
        .merge(web::router())
        .merge(landing::router())
        .route("/pkg/{appid}/{version}/{*path}", get(pkg::file))
        .route("/healthz", get(|| async { ([("content-type", "application/json")], r#"{"status":"ok"}"#) }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(|| async { telemetry::metrics_handle().render() }))
        .fallback(|| async { json_status(StatusCode::NOT_FOUND, "no such endpoint") })
        .method_not_allowed_fallback(|| async { json_status(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here") })
        .layer(axum::middleware::from_fn(client_api::cors))
        .layer(axum::middleware::from_fn(telemetry::track))
        .with_state(state)
}

/// Routing failures (and missing files) answer in the platform's JSON too.
pub(crate) fn json_status(status: StatusCode, detail: &str) -> axum::response::Response {
    let mut r = open_api::reply::Failure(ApiError::with(Code::ApiNotFound, detail)).into_response();
    *r.status_mut() = status;
    r
}

async fn readyz(axum::extract::State(s): axum::extract::State<AppState>) -> impl IntoResponse {
    match s.db.ping().await {
        // A node whose search index is still being built is not ready yet.
        Ok(()) if s.config.search.enabled && !s.search.is_ready() => (StatusCode::SERVICE_UNAVAILABLE, "search index being built"),
        Ok(()) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    cfg: Config,
    platform: Platform,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    telemetry::metrics_handle();
    let state = AppState::serving(platform.identity.clone(), platform.db.clone(), cfg);
    let mut workers = vec![tokio::spawn(prune_loop(platform.identity.clone()))];
    if state.config.reach.deliver {
        workers.push(tokio::spawn(delivery::outbox_loop(state.clone())));
    }
    if state.config.reach.campaigns {
        workers.push(tokio::spawn(delivery::campaign_loop(state.clone())));
    }
    // Small JSON answers must not wait for Nagle's algorithm.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let state_search_task = state.search_task.clone();
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await?;
    for w in workers {
        w.abort();
    }
    if let Some(t) = &state_search_task {
        t.abort();
    }
    platform.db.close().await;
    Ok(())
}

/// Removes expired tokens, code-ledger rows and rate windows once a minute.
async fn prune_loop(identity: Identity) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match identity.store().prune(identity.now()).await {
            Ok(n) if n > 0 => tracing::debug!(rows = n, "pruned expired rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "prune failed"),
        }
    }
}
