//! The two output forms, both made visible at once by a rename:
//! - `PATH.zip`, for `mmctl import upload` / `mmctl import process`: the JSONL file at the
//!   root of the archive and every attachment under `data/` (the import job reads the
//!   first `.jsonl` entry and resolves attachment paths under `model.ExportDataDir`,
//!   `server/channels/jobs/import_process/worker.go`);
//! - `PATH.jsonl` (any other name): the JSONL file, and the attachments in a `data/`
//!   folder beside it, so that `zip -r import.zip PATH.jsonl data` gives the same archive.

use super::wire::DATA_DIR;
use crate::error::Result;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

pub fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Publishes the assembled JSONL (`jsonl`, a temporary file) and the attachment files at
/// `destination`.
pub fn publish(destination: &Path, jsonl: &Path, files: &[(String, String)]) -> Result<()> {
    let folder = folder_of(destination);
    if is_zip(destination) {
        let tmp = tempfile::Builder::new()
            .prefix(".esnctl-")
            .suffix(".zip.tmp")
            .tempfile_in(folder)
            .with_context(|| format!("cannot create a temporary file in {}", folder.display()))?;
        let mut zip = zip::ZipWriter::new(BufWriter::new(tmp.reopen().context("temporary zip")?));
        let deflate = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(true);
        let stem = destination
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into());
        zip.start_file(format!("{stem}.jsonl"), deflate)
            .context("writing the zip")?;
        std::io::copy(
            &mut std::fs::File::open(jsonl).context("assembled JSONL")?,
            &mut zip,
        )
        .context("writing the zip")?;
        let mut seen = std::collections::HashSet::new();
        for (path, file) in files {
            // The same content under the same name is stored once.
            if !seen.insert(path.as_str()) {
                continue;
            }
            zip.start_file(format!("{DATA_DIR}/{path}"), deflate)
                .context("writing the zip")?;
            std::io::copy(
                &mut std::fs::File::open(file).context("attachment")?,
                &mut zip,
            )
            .context("writing the zip")?;
        }
        let mut inner = zip.finish().context("writing the zip")?;
        inner.flush().context("writing the zip")?;
        drop(inner);
        tmp.as_file().sync_all().context("writing the zip")?;
        tmp.persist(destination)
            .with_context(|| format!("cannot write {}", destination.display()))?;
        return Ok(());
    }
    // Attachments first: once the JSONL appears, the files it names are there.
    let mut seen = std::collections::HashSet::new();
    for (path, file) in files {
        if !seen.insert(path.as_str()) {
            continue;
        }
        let target = folder.join(DATA_DIR).join(path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::rename(file, &target)
            .or_else(|_| std::fs::copy(file, &target).map(|_| ()))
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let file = std::fs::File::open(jsonl).context("assembled JSONL")?;
    file.sync_all().context("assembled JSONL")?;
    std::fs::rename(jsonl, destination)
        .with_context(|| format!("cannot write {}", destination.display()))?;
    Ok(())
}
