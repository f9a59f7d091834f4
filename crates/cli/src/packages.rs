//! `openmini app deploy | versions | domains`: a mini program's packages and the origins
//! it may reach through the platform's proxy (docs/container.md).

use crate::admin::{api, out, platform, progress_bar};
use crate::StoreArgs;
use openmini_core::container::domains;
use openmini_core::container::package;
use openmini_core::container::store::{AppDomains, DomainKind, DomainStore, PackageStore};
use openmini_server::deploy;
use openmini_store::LocalFiles;
use serde_json::{json, Value};
use std::path::Path;

/// `openmini app deploy --app APPID DIR`: build, refuse on any error, store, make current.
pub async fn deploy(store: &StoreArgs, appid: &str, dir: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    let cfg = store.config(None, None)?;
    let p = platform(store).await?;
    let app = p.identity.app_param(Some(appid)).await.map_err(api)?;
    deploy::check_app(&app).map_err(api)?;
    let json = store.json;
    // A bar for people on large apps (stderr; never with --json), as `openmini build`.
    let mut bar = |done: usize, total: usize| {
        if !json && total >= 1000 {
            eprint!("\r{}", progress_bar(done as i64, total as i64));
            if done == total {
                eprintln!();
            }
        }
    };
    let bundle = deploy::build(dir, &mut bar);
    let errors = bundle.errors();
    let warnings = bundle.diagnostics.len() - errors;
    if !json {
        for d in &bundle.diagnostics {
            eprintln!("{d}");
        }
    }
    if errors > 0 {
        if json {
            println!("{}", json!({ "error": format!("not deployed: {errors} error(s)"), "errors": errors, "diagnostics": bundle.diagnostics }));
            std::process::exit(1);
        }
        anyhow::bail!("not deployed: {errors} error(s), {warnings} warning(s)");
    }
    let objects = LocalFiles::new(cfg.packages_dir());
    let by = format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into()));
    let v = deploy::deploy(&p.db, &objects, &app, &bundle, &by, p.identity.now()).await.map_err(api)?;
    let base = package::base(&app.appid, v.version);
    out(
        store,
        json!({
            "appid": app.appid, "version": v.version, "files": v.files, "size": v.size,
            "manifest_sha256": v.manifest_sha256, "base": base, "warnings": warnings, "diagnostics": bundle.diagnostics,
        }),
        format!("deployed {} version {}: {} files, {} bytes, {warnings} warning(s); current now, served at {base}", app.appid, v.version, v.files, v.size),
    );
    Ok(())
}

/// `openmini app versions --app APPID`: newest first, the current one marked.
pub async fn versions(store: &StoreArgs, appid: &str) -> anyhow::Result<()> {
    let p = platform(store).await?;
    let app = p.identity.app_param(Some(appid)).await.map_err(api)?;
    let list = p.db.versions(app.id).await?;
    let current = p.db.current_version(app.id).await?.map(|v| v.version);
    let text = list
        .iter()
        .map(|v| {
            let mark = if Some(v.version) == current { "*" } else { " " };
            format!("{mark} {:<5} {:>6} files {:>10} bytes  {}  {}", v.version, v.files, v.size, utc(v.created_at), v.created_by)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let items: Vec<Value> = list
        .iter()
        .map(|v| json!({ "version": v.version, "files": v.files, "size": v.size, "manifest_sha256": v.manifest_sha256, "created_at": v.created_at, "created_by": v.created_by }))
        .collect();
    out(
        store,
        json!({ "appid": app.appid, "current": current, "versions": items }),
        if text.is_empty() { format!("{} has no deployed version", app.appid) } else { text },
    );
    Ok(())
}

/// `openmini app domains --app APPID [--request ORIGIN…] [--upload …] [--download …]`:
/// replaces the lists given (a flag with no value clears its list), then prints all.
pub async fn domains(
    store: &StoreArgs,
    appid: &str,
    request: Option<Vec<String>>,
    upload: Option<Vec<String>>,
    download: Option<Vec<String>>,
) -> anyhow::Result<()> {
    let p = platform(store).await?;
    let app = p.identity.app_param(Some(appid)).await.map_err(api)?;
    let lists: Vec<(DomainKind, Vec<String>)> = [(DomainKind::Request, request), (DomainKind::Upload, upload), (DomainKind::Download, download)]
        .into_iter()
        .filter_map(|(k, l)| l.map(|l| (k, l)))
        .collect();
    let d = if lists.is_empty() { p.db.domains(app.id).await? } else { domains::set(&p.db, app.id, &lists, p.identity.now()).await.map_err(api)? };
    out(store, domains_json(&app.appid, &d), domains_text(&d));
    Ok(())
}

/// `2026-11-23 02:00:00 UTC` from Unix milliseconds (civil-from-days, proleptic Gregorian).
fn utc(ms: i64) -> String {
    let (days, secs) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000) / 1000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs / 60 % 60, secs % 60)
}

fn domains_json(appid: &str, d: &AppDomains) -> Value {
    json!({ "appid": appid, "request": d.request, "upload": d.upload, "download": d.download })
}

fn domains_text(d: &AppDomains) -> String {
    DomainKind::ALL
        .into_iter()
        .map(|k| {
            let l = d.of(k);
            format!("{:<9} {}", k.as_str(), if l.is_empty() { "(none)".to_string() } else { l.join(" ") })
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(1_795_399_200_000), "2026-11-23 02:00:00 UTC");
        assert_eq!(super::utc(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
