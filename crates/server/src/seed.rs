//! The demo a first start seeds into an empty store, so `openmini serve` with no flags
//! is a complete platform to try: one subject with an open-platform account binding a
//! mini program, a service account and a website; a second subject's mini program; a
//! host app; demo users. App secrets are written once to `demo-credentials.json` in the
//! data folder (mode 0600), never to the log.

use crate::config::Config;
use crate::deploy;
use openmini_core::container::domains;
use openmini_core::container::package::is_bundle_path;
use openmini_core::container::store::{DomainKind, PackageFiles, PackageVersion};
use openmini_core::identity::{AppKind, HostApp, Identity};
use openmini_store::Db;
use serde_json::{json, Value};
use std::path::Path;

pub const CREDENTIALS_FILE: &str = "demo-credentials.json";

/// The demo mini program's subscription template: the library's "取餐提醒" (pick-up
/// reminder) with its number, shop, item and status keywords.
const DEMO_TEMPLATE: (&str, &[i64], &str) = ("1002", &[1, 2, 3, 4], "取餐提醒");

/// The demo mini program's source (`examples/demo/`): read from disk in debug builds,
/// embedded in release builds.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../examples/demo/"]
#[allow_missing = true]
struct DemoSource;

/// Writes the demo mini program's source (embedded in release builds) into `dir`, for
/// the compiler, which reads a folder; returns how many files it wrote.
pub fn write_demo_source(dir: &Path) -> std::io::Result<usize> {
    let names: Vec<String> = DemoSource::iter().map(|p| p.into_owned()).filter(|p| is_bundle_path(p)).collect();
    for name in &names {
        if let Some(f) = DemoSource::get(name) {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &f.data)?;
        }
    }
    Ok(names.len())
}

/// Every platform needs a host app to sign users in to: the built-in web shell is
/// created once, whichever node starts first.
pub async fn ensure_web_shell(id: &Identity) -> anyhow::Result<HostApp> {
    if id.store().claim_once("web_shell", id.now()).await? {
        return Ok(id.store().create_host_app("OpenMini Web Shell", id.now()).await?);
    }
    // Claimed by another start; it may still be writing the row.
    for _ in 0..50 {
        if let Some(h) = id.store().list_host_apps().await?.into_iter().next() {
            return Ok(h);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the web shell host app was claimed but never created")
}

/// Seeds the demo if the store has no subjects; of several nodes starting together on
/// an empty database exactly one seeds. Returns the credentials written.
pub async fn seed_if_empty(id: &Identity, data_dir: &Path) -> anyhow::Result<Option<Value>> {
    let host = ensure_web_shell(id).await?;
    if id.store().count_subjects().await? > 0 || !id.store().claim_once("demo", id.now()).await? {
        return Ok(None);
    }
    let coffee = id.create_subject("Demo Coffee Co. (演示咖啡)").await?;
    let account = id.create_open_account(coffee.id, false).await?;
    let mut apps = Vec::new();
    for (kind, name) in [
        (AppKind::Miniprogram, "Demo Coffee 小程序"),
        (AppKind::Service, "Demo Coffee 服务号"),
        (AppKind::Website, "Demo Coffee Website"),
    ] {
        let (app, secret) = id.create_app(coffee.id, kind, name, Some(&account.open_appid)).await?;
        apps.push(json!({ "name": app.name, "kind": kind, "appid": app.appid, "appsecret": secret, "open_appid": account.open_appid }));
    }
    let books = id.create_subject("Demo Books Ltd. (演示书店)").await?;
    let (app, secret) = id.create_app(books.id, AppKind::Miniprogram, "Demo Books 小程序", None).await?;
    apps.push(json!({ "name": app.name, "kind": "miniprogram", "appid": app.appid, "appsecret": secret, "open_appid": null }));
    let mut users = Vec::new();
    for (phone, name) in [("13800138000", "张三"), ("13900139000", "李四"), ("+1 4155550100", "Alice")] {
        let u = id.create_user(phone, Some(name)).await?;
        users.push(json!({ "id": u.id, "name": u.name, "phone": phone }));
    }
    let creds = json!({
        "host_app": { "id": host.id, "name": host.name },
        "subjects": [
            { "id": coffee.id, "name": coffee.name, "open_account": account.open_appid },
            { "id": books.id, "name": books.name },
        ],
        "apps": apps,
        "users": users,
    });
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(CREDENTIALS_FILE);
    write_private(&path, serde_json::to_string_pretty(&creds)?.as_bytes())?;
    Ok(Some(creds))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(bytes)
}

/// The origins a browser on this machine uses to reach a server listening on `addr`
/// (and `public_url`): what the demo mini program may call through the proxy.
pub fn own_origins(cfg: &Config, addr: std::net::SocketAddr) -> Vec<String> {
    let mut out: Vec<String> = cfg.public_url.iter().cloned().collect();
    let port = addr.port();
    out.push(format!("http://127.0.0.1:{port}"));
    out.push(format!("http://localhost:{port}"));
    // Only origins the domain rules accept (plain http only to this machine).
    out.retain(|o| domains::normalize_origin(o).is_ok());
    out
}

/// Deploys the demo mini program as the next version of `appid`, allowed to call
/// `origins` through the proxy. A missing or broken `examples/demo/` is a warning in
/// the log, not a failure: `serve` goes on without a demo package.
pub async fn deploy_demo(db: &Db, objects: &dyn PackageFiles, id: &Identity, appid: &str, origins: &[String]) -> Option<PackageVersion> {
    match try_deploy_demo(db, objects, id, appid, origins).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "the demo mini program was not deployed");
            None
        }
    }
}

async fn try_deploy_demo(db: &Db, objects: &dyn PackageFiles, id: &Identity, appid: &str, origins: &[String]) -> anyhow::Result<Option<PackageVersion>> {
    let dir = std::env::temp_dir().join(format!("openmini-demo-{}-{}", std::process::id(), hex::encode(openmini_core::keys::random_bytes::<6>())));
    if write_demo_source(&dir)? == 0 {
        tracing::warn!("examples/demo is empty in this build: no demo mini program to deploy");
        return Ok(None);
    }
    // The demo asks for consent to a real template of its own: its id goes into the
    // demo's config.js, as a developer would paste it from the console.
    let app = id.app_param(Some(appid)).await?;
    let tmpl = openmini_core::reach::templates::add(db, app.id, Some(DEMO_TEMPLATE.0), DEMO_TEMPLATE.1, Some(DEMO_TEMPLATE.2), id.now()).await?;
    let config = format!(
        "// Written by the platform when it seeded this demo (see examples/demo/config.js).\nmodule.exports = {{\n  subscribeTemplateIds: [{}],\n  backend: '',\n}};\n",
        serde_json::to_string(&tmpl)?
    );
    std::fs::write(dir.join("config.js"), config)?;
    let src = dir.clone();
    let bundle = tokio::task::spawn_blocking(move || deploy::build(&src, &mut |_, _| {})).await;
    let _ = std::fs::remove_dir_all(&dir);
    let bundle = bundle?;
    if bundle.errors() > 0 {
        let first = bundle.diagnostics.iter().find(|d| d.severity == openmini_compiler::diag::Severity::Error).map(|d| d.to_string()).unwrap_or_default();
        tracing::warn!(errors = bundle.errors(), first = %first, "examples/demo does not build: no demo mini program deployed");
        return Ok(None);
    }
    let v = deploy::deploy(db, objects, &app, &bundle, "seed", id.now()).await?;
    let lists: Vec<_> = DomainKind::ALL.into_iter().map(|k| (k, origins.to_vec())).collect();
    domains::set(db, app.id, &lists, id.now()).await?;
    tracing::info!(appid, version = v.version, files = v.files, size = v.size, "deployed the demo mini program");
    Ok(Some(v))
}

/// The demo service account's menu and first article, pointing at the demo mini
/// program once it is deployed (通讯录 › 公众号 in the shell: scenes 1035 and 1058).
/// A failure is a warning: `serve` goes on without them.
pub async fn seed_official(db: &Db, objects: &dyn PackageFiles, id: &Identity, demo: &Value) {
    use openmini_core::traffic::entry_store::OfficialStore;
    use openmini_core::traffic::{articles, menus};
    let appid = |kind: &str| demo["apps"].as_array().into_iter().flatten().find(|a| a["kind"] == kind).and_then(|a| a["appid"].as_str()).map(str::to_string);
    let (Some(svc), Some(mp)) = (appid("service"), appid("miniprogram")) else { return };
    let result: anyhow::Result<()> = async {
        let account = id.app_param(Some(&svc)).await?;
        let menu = json!({"button": [
            {"type": "miniprogram", "name": "点单", "url": "https://example.com/", "appid": mp, "pagepath": "pages/index/index?from=menu"},
            {"name": "更多", "sub_button": [
                {"type": "miniprogram", "name": "商品列表", "url": "https://example.com/", "appid": mp, "pagepath": "packageA/pages/list/list"},
                {"type": "view", "name": "官网", "url": "https://example.com/"}
            ]}
        ]});
        let menu = menus::check(id, db, objects, &account, menu.as_object().expect("an object")).await?;
        db.set_menu(account.id, &menu.to_string(), id.now()).await?;
        let draft = json!({"articles": [{
            "title": "欢迎来到 Demo Coffee", "author": "Demo Coffee", "digest": "点开文末的小程序，试试下单。",
            "content": "<p>这是演示服务号的第一篇文章。</p><p>文末的小程序卡片会以场景值 1058 打开演示小程序。</p>",
            "miniprogram": {"appid": mp, "pagepath": "pages/index/index?from=article"}
        }]});
        articles::add(id, db, db, objects, &account, draft.as_object().expect("an object")).await?;
        Ok(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %format!("{e:#}"), "the demo service account's menu and article were not seeded");
    }
}
