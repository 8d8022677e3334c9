//! Access to a Viva Engage export as the zip Microsoft delivers or the folder it unpacks
//! to. Entries are streamed (Messages.csv runs to gigabytes); nothing is extracted.
//!
//! Every zip entry name is checked on open: an archive holding an absolute or `..` path
//! (zip slip) or a name that is not UTF-8 is refused whole (exit 3). Paths read from the
//! CSV files (Files.csv `path`) go through the same check before use.
//!
//! The Slack reader has a similar module (`slack_export/archive.rs`); it is private and
//! Slack-specific (listing, messages), so this one is separate until both move to a
//! shared `connectors/archive.rs`.

use crate::error::{Error, Result};
use anyhow::Context;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// An opened export. A zip keeps only its central directory in memory.
pub enum Archive {
    Dir(PathBuf),
    Zip {
        path: PathBuf,
        zip: ZipArchive<File>,
        /// `folder/` when the whole export sits under one folder, else empty.
        prefix: String,
    },
}

impl Archive {
    pub fn open(path: &Path) -> Result<Archive> {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot open Viva Engage export {}", path.display()))?;
        if meta.is_dir() {
            return Ok(Archive::Dir(path.to_path_buf()));
        }
        let file = File::open(path)
            .with_context(|| format!("cannot open Viva Engage export {}", path.display()))?;
        let zip = ZipArchive::new(file).map_err(|e| {
            Error::invalid_data(format!(
                "{}: not a readable zip archive ({e}); give the export zip or the folder it \
                 unpacks to",
                path.display()
            ))
        })?;
        let mut names = Vec::with_capacity(zip.len());
        for raw in zip.file_names_raw() {
            let name = std::str::from_utf8(raw).map_err(|_| {
                Error::invalid_data(format!(
                    "{}: zip entry \"{}\" has a name that is not UTF-8",
                    path.display(),
                    String::from_utf8_lossy(raw)
                ))
            })?;
            if !is_safe_name(name) {
                return Err(Error::invalid_data(format!(
                    "{}: zip entry \"{name}\" has an absolute or \"..\" path; refusing the \
                     archive",
                    path.display()
                ))
                .into());
            }
            names.push(name.to_string());
        }
        let prefix = common_folder(&names);
        Ok(Archive::Zip {
            path: path.to_path_buf(),
            zip,
            prefix,
        })
    }

    /// Relative paths of every file in the export, `/`-separated.
    pub fn files(&self) -> Result<Vec<String>> {
        match self {
            Archive::Zip { zip, prefix, .. } => Ok(zip
                .file_names_raw()
                // Names were checked to be UTF-8 on open.
                .filter_map(|raw| std::str::from_utf8(raw).ok())
                .filter(|n| !n.ends_with('/'))
                .filter_map(|n| n.strip_prefix(prefix.as_str()))
                .map(str::to_string)
                .collect()),
            Archive::Dir(root) => {
                let mut out = Vec::new();
                walk(root, "", &mut out)?;
                Ok(out)
            }
        }
    }

    /// Runs `f` over one file's content, streamed.
    pub fn with_reader<T>(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        match self {
            Archive::Dir(root) => {
                let mut file = File::open(root.join(rel))
                    .with_context(|| format!("cannot open {rel} in the export"))?;
                f(&mut file)
            }
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let mut entry = zip.by_name(&full).map_err(|e| {
                    Error::invalid_data(format!(
                        "{}: zip entry \"{full}\" cannot be read: {e}",
                        path.display()
                    ))
                })?;
                f(&mut entry)
            }
        }
    }

    /// A reader that owns its data: a file of the folder, or a zip entry spooled to an
    /// unnamed temporary file (zip entries borrow their archive; spooling keeps memory
    /// flat whatever the file's size).
    pub fn open_owned(&mut self, rel: &str) -> Result<Box<dyn Read + Send>> {
        if let Archive::Dir(root) = self {
            let f = File::open(root.join(rel))
                .with_context(|| format!("cannot open {rel} in the export"))?;
            return Ok(Box::new(f));
        }
        let mut spool = tempfile::tempfile().context("cannot create a temporary file")?;
        self.with_reader(rel, |r| {
            io::copy(r, &mut spool).with_context(|| format!("cannot read {rel}"))?;
            Ok(())
        })?;
        use std::io::Seek;
        spool.rewind().context("cannot rewind a temporary file")?;
        Ok(Box::new(spool))
    }
}

/// The real name of a top-level file, matched case-insensitively (`users.csv`).
pub fn find_top(files: &[String], name: &str) -> Option<String> {
    files
        .iter()
        .find(|f| !f.contains('/') && f.eq_ignore_ascii_case(name))
        .cloned()
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        // Names that are not UTF-8 cannot be referenced from the (UTF-8) CSV files.
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            walk(&entry.path(), &child, out)?;
        } else {
            out.push(child);
        }
    }
    Ok(())
}

/// Relative, `/`-separated, no `..`, no drive letter, no NUL, no backslash tricks.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['/', '\\'])
        && (name.len() < 2 || name.as_bytes()[1] != b':')
        && !name.contains('\0')
        && name.split(['/', '\\']).all(|c| c != "..")
}

/// `folder/` when every entry is inside one folder and no CSV sits at the top.
fn common_folder(names: &[String]) -> String {
    if names.iter().any(|n| !n.contains('/')) {
        return String::new();
    }
    let Some((first, _)) = names.first().and_then(|n| n.split_once('/')) else {
        return String::new();
    };
    let prefix = format!("{first}/");
    if names.iter().all(|n| n.starts_with(&prefix)) {
        prefix
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_detected() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "\\x",
            "C:/x",
            "a\\..\\b",
        ] {
            assert!(!is_safe_name(bad), "{bad}");
        }
        for good in ["Users.csv", "files/12 été.pdf", "files/a..b.txt"] {
            assert!(is_safe_name(good), "{good}");
        }
    }

    #[test]
    fn common_folder_only_when_everything_is_inside() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(common_folder(&v(&["x/Users.csv", "x/files/1.txt"])), "x/");
        assert_eq!(common_folder(&v(&["Users.csv", "files/1.txt"])), "");
    }
}
