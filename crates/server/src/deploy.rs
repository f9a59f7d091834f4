//! From a mini program's folder to the app's next version: build it with the compiler
//! and, if it has no errors, store the bundle (`openmini app deploy`, the demo seed).
//! The rules of what may be stored are `openmini_core::container::package`.

use openmini_compiler::build::{build_with_progress, Bundle, Options};
use openmini_core::container::package;
use openmini_core::container::store::{PackageFiles, PackageStore, PackageVersion};
use openmini_core::identity::{App, AppKind};
use openmini_core::{ApiError, Code};
use std::path::Path;

/// Builds `dir` with the compiler's default limits, telling `progress(done, total)`.
pub fn build(dir: &Path, progress: &mut dyn FnMut(usize, usize)) -> Bundle {
    build_with_progress(dir, &Options::default(), progress)
}

/// Checks that `app` can have packages, before anything is built.
pub fn check_app(app: &App) -> Result<(), ApiError> {
    match app.kind {
        AppKind::Miniprogram => Ok(()),
        _ => Err(ApiError::with(Code::InvalidAppid, "packages are for mini programs")),
    }
}

/// Stores a build as the app's next, current version; a build with errors is refused.
pub async fn deploy(
    versions: &dyn PackageStore,
    objects: &dyn PackageFiles,
    app: &App,
    bundle: &Bundle,
    created_by: &str,
    now: i64,
) -> Result<PackageVersion, ApiError> {
    let errors = bundle.errors();
    if errors > 0 || bundle.manifest.is_none() {
        return Err(ApiError::with(Code::InvalidArgs, format!("the build has {errors} error(s)")));
    }
    package::deploy(versions, objects, app, &bundle.files, created_by, now).await
}
