//! Opening a Mattermost bulk file for reading: a `.jsonl` file (attachments in the `data/`
//! folder beside it) or a `.zip` made by `mmctl export` or by esnctl (the first `.jsonl`
//! entry at the root, attachments under `data/`). A zip's JSONL is copied once to a
//! temporary file so it can be read line by line, twice, without holding it in memory.

use super::wire::DATA_DIR;
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

pub struct Source {
    /// How errors name the JSONL: `export.jsonl` or `export.zip!export.jsonl`.
    pub label: String,
    jsonl: PathBuf,
    /// Keeps a zip's extracted JSONL alive.
    _extracted: Option<Arc<tempfile::TempPath>>,
    files: Files,
}

enum Files {
    Folder(PathBuf),
    Zip(PathBuf, std::collections::HashSet<String>),
}

impl Source {
    pub fn open(path: &Path) -> Result<Source> {
        if !path.exists() {
            return Err(
                Error::new(Kind::NotFound, format!("{} does not exist", path.display())).into(),
            );
        }
        if !super::zip::is_zip(path) {
            return Ok(Source {
                label: path.display().to_string(),
                jsonl: path.to_path_buf(),
                _extracted: None,
                files: Files::Folder(path.parent().unwrap_or(Path::new(".")).join(DATA_DIR)),
            });
        }
        let bad = |what: String| -> anyhow::Error {
            Error::invalid_data(format!("{}: {what}", path.display())).into()
        };
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| bad(format!("not a readable zip archive ({e})")))?;
        let mut names = std::collections::HashSet::new();
        let mut jsonl = None;
        for i in 0..zip.len() {
            let entry = zip
                .by_index_raw(i)
                .map_err(|e| bad(format!("entry {i} cannot be read ({e})")))?;
            let name = entry
                .name()
                .map_err(|e| bad(format!("entry {i} has an unreadable name ({e})")))?
                .to_string();
            if !is_safe(&name) {
                return Err(bad(format!(
                    "zip entry \"{name}\" has an absolute or \"..\" path; refusing the archive"
                )));
            }
            if jsonl.is_none()
                && !name.contains('/')
                && name.to_ascii_lowercase().ends_with(".jsonl")
            {
                jsonl = Some(name.clone());
            }
            names.insert(name);
        }
        let Some(entry) = jsonl else {
            return Err(bad("no .jsonl file at the root of the archive".into()));
        };
        let label = format!("{}!{entry}", path.display());
        let tmp = tempfile::NamedTempFile::new().context("temporary file")?;
        {
            let mut reader = zip
                .by_name(&entry)
                .map_err(|e| bad(format!("entry \"{entry}\" cannot be read ({e})")))?;
            let mut out = std::io::BufWriter::new(tmp.as_file());
            std::io::copy(&mut reader, &mut out)
                .map_err(|e| bad(format!("entry \"{entry}\" is corrupt ({e})")))?;
        }
        let tmp = tmp.into_temp_path();
        Ok(Source {
            label,
            jsonl: tmp.to_path_buf(),
            _extracted: Some(Arc::new(tmp)),
            files: Files::Zip(path.to_path_buf(), names),
        })
    }

    /// The JSONL's lines, numbered from 1; blank lines are skipped.
    pub fn lines(&self) -> Result<LineReader> {
        let file =
            File::open(&self.jsonl).with_context(|| format!("cannot open {}", self.label))?;
        Ok(LineReader {
            reader: BufReader::with_capacity(256 * 1024, file),
            number: 0,
            label: self.label.clone(),
        })
    }

    /// Where an attachment `path` of the JSONL is, refusing one that leaves the data
    /// folder (as Mattermost's `ValidateAttachmentPathForImport` does). `Ok(None)`: absent.
    pub fn locate(&self, path: &str) -> std::result::Result<Option<String>, String> {
        let rel = clean(path)
            .ok_or_else(|| format!("attachment path \"{path}\" leaves the data folder"))?;
        Ok(match &self.files {
            Files::Folder(dir) => dir.join(&rel).is_file().then(|| rel.clone()),
            Files::Zip(_, names) => names
                .contains(&format!("{DATA_DIR}/{rel}"))
                .then(|| rel.clone()),
        })
    }

    /// The content of a located attachment.
    pub fn open_file(&self, rel: &str) -> Result<Box<dyn Read + Send>> {
        match &self.files {
            Files::Folder(dir) => {
                let p = dir.join(rel);
                Ok(Box::new(
                    File::open(&p).with_context(|| format!("cannot open {}", p.display()))?,
                ))
            }
            Files::Zip(zip_path, _) => {
                // Entries are read whole: attachment files are bounded by Mattermost's upload
                // limit, and a zip entry reader borrows its archive.
                let file = File::open(zip_path)
                    .with_context(|| format!("cannot open {}", zip_path.display()))?;
                let mut zip = zip::ZipArchive::new(file)
                    .with_context(|| format!("{}", zip_path.display()))?;
                let name = format!("{DATA_DIR}/{rel}");
                let mut entry = zip
                    .by_name(&name)
                    .with_context(|| format!("{}!{name}", zip_path.display()))?;
                let mut bytes = Vec::with_capacity(entry.size().min(1 << 30) as usize);
                entry.read_to_end(&mut bytes).map_err(|e| {
                    Error::invalid_data(format!(
                        "{}!{name}: corrupt entry ({e})",
                        zip_path.display()
                    ))
                })?;
                Ok(Box::new(std::io::Cursor::new(bytes)))
            }
        }
    }
}

/// A relative path without `..` escaping, `.` or empty parts; `None` when it would leave
/// its base folder or is absolute.
fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn is_safe(name: &str) -> bool {
    !name.starts_with('/')
        && !name.starts_with('\\')
        && !name.contains(':')
        && !name.split(['/', '\\']).any(|p| p == "..")
}

pub struct LineReader {
    reader: BufReader<File>,
    number: u64,
    label: String,
}

impl LineReader {
    /// The next non-blank line and its number.
    pub fn next_line(&mut self, buf: &mut String) -> Result<Option<u64>> {
        loop {
            buf.clear();
            let n = self.reader.read_line(buf).map_err(|e| {
                Error::invalid_data(format!("{}:{}: {e}", self.label, self.number + 1))
            })?;
            if n == 0 {
                return Ok(None);
            }
            self.number += 1;
            if !buf.trim().is_empty() {
                return Ok(Some(self.number));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_paths_stay_inside() {
        assert_eq!(clean("a/b.txt").as_deref(), Some("a/b.txt"));
        assert_eq!(clean("./a/../b.txt").as_deref(), Some("b.txt"));
        assert_eq!(clean("../etc/passwd"), None);
        assert_eq!(clean("/etc/passwd"), None);
        assert!(!is_safe("../x"));
        assert!(!is_safe("/x"));
        assert!(is_safe("data/x.txt"));
    }
}
