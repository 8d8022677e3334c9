//! Atomic file replacement: write to a temporary file in the target's folder, fsync it,
//! then rename it over the target. A crash at any point leaves either the old file or the
//! new one, never a truncated mix.

use crate::error::Result;
use anyhow::Context;
use std::fs::File;
use std::path::Path;
use tempfile::NamedTempFile;

/// A temporary file next to `target`, so the final rename stays on one file system.
pub(crate) fn temp_for(target: &Path) -> Result<NamedTempFile> {
    let dir = parent_of(target);
    NamedTempFile::new_in(dir).with_context(|| {
        format!(
            "cannot create a temporary file in {} (to write {})",
            dir.display(),
            target.display()
        )
    })
}

/// Makes `tmp` world-readable, flushes it to disk and renames it over `target`.
pub(crate) fn commit(tmp: NamedTempFile, target: &Path) -> Result<()> {
    set_data_permissions(tmp.as_file())
        .with_context(|| format!("cannot set permissions of {}", tmp.path().display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("cannot flush {} to disk", target.display()))?;
    tmp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    sync_dir(parent_of(target));
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Temporary files are created 0600; bundle data is not secret and is often shared.
#[cfg(unix)]
fn set_data_permissions(file: &File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_data_permissions(_file: &File) -> std::io::Result<()> {
    Ok(())
}

/// Makes the rename itself durable. Best effort: some file systems refuse to fsync a
/// directory, and the data is already safe in the renamed file.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
