//! Shared set-up: every case runs on SQLite (a fresh file) and on PostgreSQL (a fresh
//! schema in `OPENMINI_TEST_PG`, default `postgres://root@127.0.0.1:5432/test`).

#![allow(dead_code)]

use openmini_core::identity::{AppKind, App, Identity, Policy, User};
use openmini_core::ManualClock;
use openmini_store::{ConnectOptions, Db};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// 2026-11-23 10:00:00 +08:00, a Monday.
pub const T0: i64 = 1_795_399_200_000;

pub fn pg_url() -> String {
    std::env::var("OPENMINI_TEST_PG").unwrap_or_else(|_| "postgres://root@127.0.0.1:5432/test".into())
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let n = SEQ.fetch_add(1, Ordering::SeqCst);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}_{}_{}_{n}", std::process::id(), t % 1_000_000_000)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store location that can be opened again (a second "node", a restart).
#[derive(Clone, Debug)]
pub struct Place {
    pub url: String,
    pub schema: Option<String>,
}

impl Place {
    pub fn new(b: Backend) -> Place {
        match b {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique("openmini_test"));
                std::fs::create_dir_all(&dir).unwrap();
                Place { url: format!("sqlite://{}/t.db", dir.display()), schema: None }
            }
            Backend::Postgres => Place { url: pg_url(), schema: Some(unique("t")) },
        }
    }

    pub async fn open(&self) -> Db {
        Db::connect(&self.url, ConnectOptions { schema: self.schema.clone(), max_connections: Some(8) })
            .await
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.url))
    }
}

pub struct Ctx {
    pub place: Place,
    pub db: Db,
    pub id: Identity,
    pub clock: ManualClock,
}

impl Ctx {
    pub async fn new(b: Backend) -> Ctx {
        Self::with_policy(b, Policy::default()).await
    }

    pub async fn with_policy(b: Backend, policy: Policy) -> Ctx {
        let place = Place::new(b);
        let db = place.open().await;
        let clock = ManualClock::new(T0);
        let id = Identity::open(Arc::new(db.clone()), Arc::new(clock.clone()), policy).await.unwrap();
        Ctx { place, db, id, clock }
    }

    /// Another node on the same store, sharing the clock.
    pub async fn node(&self) -> Identity {
        let db = self.place.open().await;
        Identity::open(Arc::new(db), Arc::new(self.clock.clone()), self.id.policy().clone()).await.unwrap()
    }

    pub async fn app(&self, kind: AppKind, open_appid: Option<&str>) -> (App, String) {
        let s = self.id.create_subject("Subject").await.unwrap();
        self.app_of(s.id, kind, open_appid).await
    }

    pub async fn app_of(&self, subject: i64, kind: AppKind, open_appid: Option<&str>) -> (App, String) {
        self.id.create_app(subject, kind, "App", open_appid).await.unwrap()
    }

    /// A user who has logged in to `app` (an app user, with an openid there).
    pub async fn app_user(&self, app: &App, secret: &str) -> User {
        let u = self.user().await;
        let code = self.id.mint_login_code(&app.appid, u.id).await.unwrap();
        self.id.code_to_session(Some(&app.appid), Some(secret), Some(&code), Some("authorization_code")).await.unwrap();
        u
    }

    pub async fn user(&self) -> User {
        let n = SEQ.fetch_add(1, Ordering::SeqCst);
        self.id.create_user(&format!("139{:08}", n % 100_000_000), Some("Test")).await.unwrap()
    }
}

/// Declares one test per backend: `both!(name, |ctx| async move { … });`
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let f = $body;
                f(common::Ctx::new(common::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let f = $body;
                f(common::Ctx::new(common::Backend::Postgres).await).await
            }
        }
    };
}
