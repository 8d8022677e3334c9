//! What the export readers (`slack-export:`, `viva-engage-export:`, `mattermost-jsonl:`)
//! share: reading an export as a zip or as the folder it unpacks to ([`Archive`]), and the
//! connector glue around an export that is read once and then served ([`glue`]).
//!
//! Nothing is ever extracted; still, every zip entry name is checked on open and an
//! archive holding an absolute or `..` path (zip slip), or a name that is not UTF-8, is
//! refused whole (exit 3): no export tool makes such an archive.

pub mod glue;
mod stream;

use crate::connectors::line_limit::{self, MAX_LINE_BYTES};
use crate::error::{Error, Result};
use anyhow::Context;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use stream::{SharedFile, ZipEntryReader};
use zip::ZipArchive;

/// How one export format is named in messages and where its root sits in a zip.
pub struct Format {
    /// `Slack export`: "cannot open Slack export PATH".
    pub name: &'static str,
    /// Appended to "not a readable zip archive (…)": what to give instead.
    pub zip_hint: Option<&'static str>,
    /// The folder every entry of the zip sits under (`folder/`), or empty: the export's
    /// root, from the (checked) entry names.
    pub root: fn(&[&str]) -> String,
}

/// An opened export. Cloning is cheap (the zip's central directory is shared, reads are
/// positioned); each clone reads independently.
#[derive(Clone)]
pub enum Archive {
    Dir(PathBuf),
    Zip {
        path: PathBuf,
        zip: ZipArchive<SharedFile>,
        /// `folder/` when the whole export sits under one folder, else empty.
        prefix: String,
    },
}

impl Archive {
    /// Opens a folder or a zip file; a zip is checked (readable, no unsafe entry names).
    pub fn open(path: &Path, format: &Format) -> Result<Archive> {
        let cannot_open = || format!("cannot open {} {}", format.name, path.display());
        let meta = std::fs::metadata(path).with_context(cannot_open)?;
        if meta.is_dir() {
            return Ok(Archive::Dir(path.to_path_buf()));
        }
        let file = File::open(path).with_context(cannot_open)?;
        let zip = ZipArchive::new(SharedFile::new(file, meta.len())).map_err(|e| {
            let hint = format
                .zip_hint
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            Error::invalid_data(format!(
                "{}: not a readable zip archive ({e}){hint}",
                path.display()
            ))
        })?;
        let names = checked_names(path, &zip)?;
        let prefix = (format.root)(&names);
        Ok(Archive::Zip {
            path: path.to_path_buf(),
            zip,
            prefix,
        })
    }

    /// A folder whose files are read as they are (no listing or check is done up front).
    pub fn folder(root: impl Into<PathBuf>) -> Archive {
        Archive::Dir(root.into())
    }

    /// The export's location, for messages.
    pub fn location(&self) -> &Path {
        match self {
            Archive::Dir(p) | Archive::Zip { path: p, .. } => p,
        }
    }

    /// How messages name one file of the export: `PATH/rel` or `PATH.zip!rel`.
    pub fn label(&self, rel: &str) -> String {
        match self {
            Archive::Dir(root) => root.join(rel).display().to_string(),
            Archive::Zip { path, .. } => format!("{}!{rel}", path.display()),
        }
    }

    /// Relative paths of every file in the export, `/`-separated: a zip's in the order of
    /// its central directory, a folder's sorted (names that are not UTF-8 are skipped: no
    /// export names its files that way).
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
                walk(root, "", &mut Vec::new(), &mut out)?;
                Ok(out)
            }
        }
    }

    /// Whether the export holds the file `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        match self {
            Archive::Dir(root) => root.join(rel).is_file(),
            Archive::Zip { zip, prefix, .. } => {
                zip.index_for_name(&format!("{prefix}{rel}")).is_some()
            }
        }
    }

    /// The bytes of a text file of the export (JSON), or `None` when it does not exist.
    /// A line longer than [`MAX_LINE_BYTES`] is invalid data: export tools indent their
    /// JSON, so such a line is a corrupt file, and its text would make records that no
    /// bundle could hold.
    pub fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>> {
        let bytes = match self {
            Archive::Dir(root) => match std::fs::read(root.join(rel)) {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {rel}"))),
            },
            Archive::Zip { .. } if !self.contains(rel) => return Ok(None),
            Archive::Zip { .. } => self.read_with(rel, |r| {
                let mut buf = Vec::new();
                r.read_to_end(&mut buf)?;
                Ok(buf)
            })?,
        };
        if let Some(line) = line_limit::first_long_line(&bytes, MAX_LINE_BYTES) {
            return Err(line_limit::too_long(self.label(rel), line, MAX_LINE_BYTES).into());
        }
        Ok(Some(bytes))
    }

    /// Runs `f` over one file's content, streamed; `f`'s errors are returned as they are.
    pub fn with_reader<T>(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        match self {
            Archive::Dir(root) => f(&mut open_in(root, rel)?),
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let index = index_of(zip, path, &full)?;
                let mut entry = zip.by_index(index).map_err(|e| corrupt(path, &full, e))?;
                f(&mut entry)
            }
        }
    }

    /// Runs `f` over one file's content (to parse or hash it in place); a read error names
    /// the file, and is invalid data in a zip (a corrupt entry).
    pub fn read_with<T>(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T> {
        let in_zip = match self {
            Archive::Zip { path, prefix, .. } => Some((path.clone(), format!("{prefix}{rel}"))),
            Archive::Dir(_) => None,
        };
        self.with_reader(rel, |r| {
            f(r).map_err(|e| match &in_zip {
                Some((path, full)) => corrupt(path, full, e),
                None => anyhow::Error::new(e).context(format!("cannot read {rel}")),
            })
        })
    }

    /// A reader of one file's content that owns everything it needs (for attachments): a
    /// zip entry is streamed from a thread through a few buffered chunks.
    pub fn open_stream(&self, rel: &str) -> Result<Box<dyn Read + Send>> {
        match self {
            Archive::Dir(root) => Ok(Box::new(open_in(root, rel)?)),
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let index = index_of(zip, path, &full)?;
                Ok(Box::new(ZipEntryReader::spawn(
                    zip.clone(),
                    index,
                    path.clone(),
                    full,
                )))
            }
        }
    }
}

/// Relative, `/`-separated, no `..`, no drive letter, no NUL, no backslash tricks.
pub fn is_safe_name(name: &str) -> bool {
    let absolute = name.starts_with(['/', '\\']) || name.as_bytes().get(1) == Some(&b':');
    let escapes = name.split(['/', '\\']).any(|c| c == "..");
    !(name.is_empty() || absolute || escapes || name.contains('\0'))
}

/// `folder/` when every name but the `ignored` ones sits in one folder, else empty (an
/// export unpacked and zipped again, or zipped with its folder).
pub fn single_folder(names: &[&str], ignored: impl Fn(&str) -> bool) -> String {
    let mut kept = names.iter().filter(|n| !ignored(n));
    let Some((first, _)) = kept.next().and_then(|n| n.split_once('/')) else {
        return String::new();
    };
    let prefix = format!("{first}/");
    if kept.all(|n| n.starts_with(&prefix)) {
        prefix
    } else {
        String::new()
    }
}

/// Every entry name, checked: UTF-8 and [`is_safe_name`].
fn checked_names<'a>(path: &Path, zip: &'a ZipArchive<SharedFile>) -> Result<Vec<&'a str>> {
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
                "{}: zip entry \"{name}\" has an absolute or \"..\" path; refusing the archive",
                path.display()
            ))
            .into());
        }
        names.push(name);
    }
    Ok(names)
}

fn open_in(root: &Path, rel: &str) -> Result<File> {
    let p = root.join(rel);
    File::open(&p).with_context(|| format!("cannot open {}", p.display()))
}

/// The entry was listed (or checked) before: its absence now means the file changed.
fn index_of(zip: &ZipArchive<SharedFile>, path: &Path, full: &str) -> Result<usize> {
    zip.index_for_name(full).ok_or_else(|| {
        Error::runtime(format!("{}: entry \"{full}\" vanished", path.display())).into()
    })
}

fn corrupt(path: &Path, entry: &str, e: impl std::fmt::Display) -> anyhow::Error {
    Error::invalid_data(format!(
        "{}: zip entry \"{entry}\" cannot be read: {e}",
        path.display()
    ))
    .into()
}

/// Lists `dir` recursively into `out`, sorted; symbolic links to folders are followed,
/// except one leading back to a folder being listed (`ancestors`), which would never end.
fn walk(dir: &Path, rel: &str, ancestors: &mut Vec<PathBuf>, out: &mut Vec<String>) -> Result<()> {
    let list_error = || format!("cannot list {}", dir.display());
    let real = dir.canonicalize().with_context(list_error)?;
    if ancestors.contains(&real) {
        return Ok(());
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(list_error)? {
        let entry = entry.with_context(list_error)?;
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    ancestors.push(real);
    for name in names {
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let path = dir.join(&name);
        if path.is_dir() {
            walk(&path, &child, ancestors, out)?;
        } else {
            out.push(child);
        }
    }
    ancestors.pop();
    Ok(())
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
            "",
            "a\0b",
        ] {
            assert!(!is_safe_name(bad), "{bad}");
        }
        for good in [
            "users.json",
            "général/2024-01-01.json",
            "__uploads/F1/a..b.txt",
            "files/12 été.pdf",
            "data/réunion 10:30.png",
        ] {
            assert!(is_safe_name(good), "{good}");
        }
    }

    #[test]
    fn a_folder_lists_every_file_sorted_and_survives_a_link_loop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/été")).unwrap();
        std::fs::write(root.join("b/été/x.txt"), "x").unwrap();
        std::fs::write(root.join("a.csv"), "a").unwrap();
        std::os::unix::fs::symlink(root, root.join("b/loop")).unwrap();
        let archive = Archive::folder(root);
        assert_eq!(archive.files().unwrap(), ["a.csv", "b/été/x.txt"]);
        assert!(archive.contains("b/été/x.txt"));
        assert!(!archive.contains("b"));
        assert_eq!(
            archive.label("a.csv"),
            root.join("a.csv").display().to_string()
        );
    }
}
