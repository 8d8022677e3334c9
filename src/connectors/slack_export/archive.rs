//! Access to a Slack export as a zip file or as the folder it unpacks to.
//!
//! Layout (Slack's "How to read Slack data exports", and the tools that add file content:
//! `mattermost/mmetl` reads `__uploads/<file id>/<name>`; `rusq/slackdump` writes that or,
//! in its "standard" mode, `<channel folder>/attachments/<file id>-<name>`):
//! ```text
//! users.json | org_users.json, channels.json, groups.json, dms.json, mpims.json
//! <channel name, or id for DMs>/<YYYY-MM-DD>.json   one JSON array of messages per day
//! __uploads/<file id>/<file name>                    file content, when present
//! ```
//! A zip whose entries all sit under one folder (an unpacked export zipped again) is read
//! from inside that folder.
//!
//! Nothing is ever extracted; still, every entry name is checked and an archive holding an
//! absolute or `..` path is refused whole, since such an export was not made by Slack.

use crate::error::{Error, Result};
use anyhow::Context;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zip::ZipArchive;

/// The top-level metadata files, the only `.json` files that are not day files.
pub const METADATA_FILES: &[&str] = &[
    "users.json",
    "org_users.json",
    "channels.json",
    "groups.json",
    "dms.json",
    "mpims.json",
];

/// A file handle that many zip readers can share: reads are positioned (`pread`), so
/// clones never disturb each other, and cloning an archive costs no re-parse.
#[derive(Clone)]
pub struct SharedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "bad seek"))?;
        Ok(self.pos)
    }
}

/// An opened export. Cloning is cheap; each clone reads independently.
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

/// What the export holds, from its file names alone.
#[derive(Debug, Default)]
pub struct Listing {
    /// Conversation folder → its day files (`2024-03-01.json`), in date order.
    pub days: BTreeMap<String, Vec<String>>,
    /// Slack file id → path of its content inside the export.
    pub uploads: HashMap<String, String>,
}

impl Archive {
    /// Opens a folder or a zip file; a zip is checked (readable, no unsafe entry names).
    pub fn open(path: &Path) -> Result<Archive> {
        let meta = std::fs::metadata(path)
            .with_context(|| format!("cannot open Slack export {}", path.display()))?;
        if meta.is_dir() {
            return Ok(Archive::Dir(path.to_path_buf()));
        }
        let file = File::open(path)
            .with_context(|| format!("cannot open Slack export {}", path.display()))?;
        let shared = SharedFile {
            file: Arc::new(file),
            pos: 0,
            len: meta.len(),
        };
        let zip = ZipArchive::new(shared).map_err(|e| {
            Error::invalid_data(format!(
                "{}: not a readable zip archive ({e}); give the zip Slack produced or the \
                 folder it unpacks to",
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
            names.push(name);
        }
        let prefix = common_folder(&names);
        Ok(Archive::Zip {
            path: path.to_path_buf(),
            prefix,
            zip,
        })
    }

    /// The export's location, for messages.
    pub fn location(&self) -> &Path {
        match self {
            Archive::Dir(p) | Archive::Zip { path: p, .. } => p,
        }
    }

    /// Lists conversations, day files and uploaded file contents.
    pub fn listing(&self) -> Result<Listing> {
        let mut listing = Listing::default();
        match self {
            Archive::Zip { zip, prefix, .. } => {
                for raw in zip.file_names_raw() {
                    // Names were checked to be UTF-8 on open.
                    let name = std::str::from_utf8(raw).unwrap_or_default();
                    if let Some(rel) = name.strip_prefix(prefix.as_str()) {
                        listing.add(rel);
                    }
                }
            }
            Archive::Dir(root) => {
                for folder in read_dir_sorted(root)? {
                    let path = root.join(&folder);
                    if !path.is_dir() {
                        continue;
                    }
                    for name in read_dir_sorted(&path)? {
                        let sub = path.join(&name);
                        if sub.is_dir() {
                            // `__uploads/<id>/<name>` or `<folder>/attachments/<id>-<name>`.
                            for leaf in read_dir_sorted(&sub)? {
                                listing.add(&format!("{folder}/{name}/{leaf}"));
                            }
                        } else {
                            listing.add(&format!("{folder}/{name}"));
                        }
                    }
                }
            }
        }
        for days in listing.days.values_mut() {
            days.sort();
        }
        Ok(listing)
    }

    /// The bytes of a file of the export (`channels.json`, `general/2024-03-01.json`), or
    /// `None` when it does not exist.
    pub fn read(&mut self, rel: &str) -> Result<Option<Vec<u8>>> {
        match self {
            Archive::Dir(root) => match std::fs::read(root.join(rel)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {rel}"))),
            },
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let Some(index) = zip.index_for_name(&full) else {
                    return Ok(None);
                };
                let mut entry = zip.by_index(index).map_err(|e| corrupt(path, &full, e))?;
                let mut buf = Vec::with_capacity(entry.size().min(64 << 20) as usize);
                entry
                    .read_to_end(&mut buf)
                    .map_err(|e| corrupt(path, &full, e))?;
                Ok(Some(buf))
            }
        }
    }

    /// Runs `f` over the content of one file (to hash an attachment in place).
    pub fn with_reader<T>(
        &mut self,
        rel: &str,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T> {
        match self {
            Archive::Dir(root) => {
                let mut file =
                    File::open(root.join(rel)).with_context(|| format!("cannot open {rel}"))?;
                f(&mut file).with_context(|| format!("cannot read {rel}"))
            }
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let index = zip.index_for_name(&full).ok_or_else(|| {
                    Error::runtime(format!("{}: entry \"{full}\" vanished", path.display()))
                })?;
                let mut entry = zip.by_index(index).map_err(|e| corrupt(path, &full, e))?;
                f(&mut entry).map_err(|e| corrupt(path, &full, e))
            }
        }
    }

    /// A reader of one file's content that owns everything it needs (for attachments).
    pub fn open_stream(&self, rel: &str) -> Result<Box<dyn Read + Send>> {
        match self {
            Archive::Dir(root) => {
                let f = File::open(root.join(rel)).with_context(|| format!("cannot open {rel}"))?;
                Ok(Box::new(f))
            }
            Archive::Zip { zip, prefix, path } => {
                let full = format!("{prefix}{rel}");
                let index = zip.index_for_name(&full).ok_or_else(|| {
                    Error::runtime(format!("{}: entry \"{full}\" vanished", path.display()))
                })?;
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

impl Listing {
    fn add(&mut self, rel: &str) {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["__uploads", id, name] if !id.is_empty() && !name.is_empty() => {
                self.uploads
                    .entry(id.to_string())
                    .or_insert_with(|| rel.to_string());
            }
            [_, "attachments", leaf] => {
                if let Some((id, _)) = leaf.split_once('-').filter(|(id, _)| !id.is_empty()) {
                    self.uploads
                        .entry(id.to_string())
                        .or_insert_with(|| rel.to_string());
                }
            }
            [folder, day] if day.ends_with(".json") && !folder.starts_with("__") => {
                self.days
                    .entry(folder.to_string())
                    .or_default()
                    .push(day.to_string());
            }
            _ => {}
        }
    }
}

fn corrupt(path: &Path, entry: &str, e: impl std::fmt::Display) -> anyhow::Error {
    Error::invalid_data(format!(
        "{}: zip entry \"{entry}\" cannot be read: {e}",
        path.display()
    ))
    .into()
}

/// Relative, `/`-separated, no `..`, no drive letter, no backslash tricks.
pub fn is_safe_name(name: &str) -> bool {
    let absolute = name.starts_with(['/', '\\']) || name.as_bytes().get(1) == Some(&b':');
    let escapes = name.split(['/', '\\']).any(|c| c == "..");
    !(name.is_empty() || absolute || escapes || name.contains('\0'))
}

/// `folder/` when every entry is inside one folder that holds the metadata files.
fn common_folder(names: &[&str]) -> String {
    if names.iter().any(|n| METADATA_FILES.contains(n)) {
        return String::new();
    }
    let Some((first, _)) = names
        .iter()
        .filter(|n| !n.starts_with("__MACOSX/"))
        .find_map(|n| n.split_once('/'))
    else {
        return String::new();
    };
    let prefix = format!("{first}/");
    // macOS adds `__MACOSX/` resource forks beside the folder it zips.
    if names
        .iter()
        .all(|n| n.starts_with(&prefix) || n.starts_with("__MACOSX/"))
    {
        prefix
    } else {
        String::new()
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        // Names that are not UTF-8 cannot be Slack's (all its names are UTF-8).
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Streams one zip entry from a thread, so the reader owns no borrow of the archive.
/// Memory stays bounded by the channel's few chunks; dropping the reader stops the thread.
struct ZipEntryReader {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
}

impl ZipEntryReader {
    fn spawn(mut zip: ZipArchive<SharedFile>, index: usize, path: PathBuf, name: String) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        std::thread::spawn(move || {
            let mut entry = match zip.by_index(index) {
                Ok(e) => e,
                Err(e) => {
                    let msg = format!("{}: zip entry \"{name}\": {e}", path.display());
                    let _ = tx.send(Err(io::Error::new(io::ErrorKind::InvalidData, msg)));
                    return;
                }
            };
            loop {
                let mut buf = vec![0u8; 64 << 10];
                match entry.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => {
                        buf.truncate(n);
                        if tx.send(Ok(buf)).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
            }
        });
        ZipEntryReader {
            rx,
            chunk: Vec::new(),
            at: 0,
        }
    }
}

impl Read for ZipEntryReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0), // the thread finished: end of the entry
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
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
        for good in [
            "users.json",
            "général/2024-01-01.json",
            "__uploads/F1/a..b.txt",
        ] {
            assert!(is_safe_name(good), "{good}");
        }
    }

    #[test]
    fn listing_sorts_days_and_finds_uploads() {
        let mut l = Listing::default();
        for n in [
            "général/2024-03-02.json",
            "général/2024-03-01.json",
            "__uploads/F1/plan été.pdf",
            "D01/attachments/F2-note.txt",
            "users.json",
        ] {
            l.add(n);
        }
        l.days.values_mut().for_each(|d| d.sort());
        assert_eq!(l.days["général"], ["2024-03-01.json", "2024-03-02.json"]);
        assert_eq!(l.uploads["F1"], "__uploads/F1/plan été.pdf");
        assert_eq!(l.uploads["F2"], "D01/attachments/F2-note.txt");
        assert_eq!(l.days.len(), 1);
    }

    #[test]
    fn common_folder_only_when_metadata_is_inside() {
        assert_eq!(common_folder(&["x/users.json", "x/a/1.json"]), "x/");
        assert_eq!(common_folder(&["users.json", "a/1.json"]), "");
        assert_eq!(
            common_folder(&["__MACOSX/x/._users.json", "x/users.json"]),
            "x/"
        );
    }
}
