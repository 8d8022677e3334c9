//! Opening a Mattermost bulk file for reading: a `.jsonl` file (attachments in the `data/`
//! folder beside it) or a `.zip` made by `mmctl export` or by esnctl (the first `.jsonl`
//! entry at the root, attachments under `data/`). A zip's JSONL is copied once to a
//! temporary file so it can be read line by line, twice, without holding it in memory.
//! The zip is opened and its entry names checked (zip slip) by
//! [`crate::connectors::export_archive`].

use super::wire::DATA_DIR;
use crate::connectors::export_archive::{Archive, Format};
use crate::connectors::line_limit::{self, Line, MAX_LINE_BYTES};
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

const MATTERMOST: Format = Format {
    name: "Mattermost bulk file",
    zip_hint: None,
    // `mmctl import` reads the JSONL at the root of the archive: never from a folder.
    root: |_| String::new(),
};

pub struct Source {
    /// How errors name the JSONL: `export.jsonl` or `export.zip!export.jsonl`.
    pub label: String,
    jsonl: PathBuf,
    /// Keeps a zip's extracted JSONL alive.
    _extracted: Option<Arc<tempfile::TempPath>>,
    /// The zip, or the folder holding the JSONL: attachments are under its `data/`.
    files: Archive,
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
                files: Archive::folder(path.parent().unwrap_or(Path::new("."))),
            });
        }
        let mut archive = Archive::open(path, &MATTERMOST)?;
        let bad = |what: String| -> anyhow::Error {
            Error::invalid_data(format!("{}: {what}", path.display())).into()
        };
        let Some(entry) = archive
            .files()?
            .into_iter()
            .find(|name| !name.contains('/') && name.to_ascii_lowercase().ends_with(".jsonl"))
        else {
            return Err(bad("no .jsonl file at the root of the archive".into()));
        };
        let label = archive.label(&entry);
        let tmp = tempfile::NamedTempFile::new().context("temporary file")?;
        archive.with_reader(&entry, |reader| {
            let mut out = std::io::BufWriter::new(tmp.as_file());
            std::io::copy(reader, &mut out)
                .map_err(|e| bad(format!("entry \"{entry}\" is corrupt ({e})")))?;
            Ok(())
        })?;
        let tmp = tmp.into_temp_path();
        Ok(Source {
            label,
            jsonl: tmp.to_path_buf(),
            _extracted: Some(Arc::new(tmp)),
            files: archive,
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
        Ok(self
            .files
            .contains(&format!("{DATA_DIR}/{rel}"))
            .then_some(rel))
    }

    /// The content of a located attachment, streamed.
    pub fn open_file(&self, rel: &str) -> Result<Box<dyn Read + Send>> {
        self.files.open_stream(&format!("{DATA_DIR}/{rel}"))
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

pub struct LineReader {
    reader: BufReader<File>,
    number: u64,
    label: String,
}

impl LineReader {
    /// The next non-blank line and its number.
    pub fn next_line(&mut self, buf: &mut String) -> Result<Option<u64>> {
        let mut bytes = std::mem::take(buf).into_bytes();
        loop {
            let got = line_limit::read_line(&mut self.reader, &mut bytes, MAX_LINE_BYTES).map_err(
                |e| Error::invalid_data(format!("{}:{}: {e}", self.label, self.number + 1)),
            )?;
            if got == Line::Eof {
                return Ok(None);
            }
            self.number += 1;
            if got == Line::TooLong {
                return Err(line_limit::too_long(&self.label, self.number, MAX_LINE_BYTES).into());
            }
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        *buf = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to() + 1;
            Error::invalid_at(
                &self.label,
                self.number,
                None,
                format!("not UTF-8 text (bad byte at column {at})"),
            )
        })?;
        Ok(Some(self.number))
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
    }
}
