//! `PackageFiles` on the local file system: `<root>/<first 2 hex digits>/<sha256>`.
//! A file is written to a temporary name and renamed into place, so a reader never sees
//! half a file and a crash leaves at most a stray temporary. The same content written
//! twice is written once. (S3-compatible storage implements the same trait later.)

use async_trait::async_trait;
use openmini_core::container::store::PackageFiles;
use openmini_core::identity::StoreError;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

fn unavailable(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("{what} {}: {e}", path.display()))
}

impl LocalFiles {
    /// Files under `root` (created when the first file is written).
    pub fn new(root: impl Into<PathBuf>) -> LocalFiles {
        LocalFiles { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a hash lives; `None` for anything that is not 64 lowercase hex digits, so
    /// no name can point outside the folder.
    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let ok = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| self.root.join(&sha256[..2]).join(sha256))
    }
}

fn put_blocking(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| unavailable("cannot create", dir, e))?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), TMP_SEQ.fetch_add(1, Ordering::Relaxed)));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(unavailable("cannot write", path, e));
    }
    Ok(())
}

#[async_trait]
impl PackageFiles for LocalFiles {
    async fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path_of(sha256).ok_or_else(|| StoreError::Unavailable(format!("not a SHA-256: {sha256:?}")))?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || put_blocking(&path, &bytes))
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }

    async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(path) = self.path_of(sha256) else { return Ok(None) };
        tokio::task::spawn_blocking(move || match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unavailable("cannot read", &path, e)),
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }
}
