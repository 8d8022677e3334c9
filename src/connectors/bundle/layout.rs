//! Where things are in a bundle folder, and the manifest that says what the folder is.
//!
//! ```text
//! manifest.json  users.jsonl  communities.jsonl  memberships.jsonl
//! posts.jsonl    reactions.jsonl  attachments.jsonl  attachments/<sha256>
//! ```

use super::atomic;
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

pub const MANIFEST: &str = "manifest.json";
pub const ATTACHMENTS_DIR: &str = "attachments";
/// The `format` value of every bundle manifest.
pub const FORMAT: &str = "esnctl-bundle";
/// The bundle format version this esnctl reads and writes. Additive, optional fields keep
/// it; anything an older reader would misread bumps it.
pub const VERSION: u64 = 1;

/// The entity files, in dependency order (the order records are streamed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityFile {
    Users,
    Communities,
    Memberships,
    Posts,
    Reactions,
    Attachments,
}

impl EntityFile {
    pub const ALL: [EntityFile; 6] = [
        EntityFile::Users,
        EntityFile::Communities,
        EntityFile::Memberships,
        EntityFile::Posts,
        EntityFile::Reactions,
        EntityFile::Attachments,
    ];

    /// The plural noun, also the manifest's `counts` key.
    pub fn label(self) -> &'static str {
        match self {
            EntityFile::Users => "users",
            EntityFile::Communities => "communities",
            EntityFile::Memberships => "memberships",
            EntityFile::Posts => "posts",
            EntityFile::Reactions => "reactions",
            EntityFile::Attachments => "attachments",
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            EntityFile::Users => "users.jsonl",
            EntityFile::Communities => "communities.jsonl",
            EntityFile::Memberships => "memberships.jsonl",
            EntityFile::Posts => "posts.jsonl",
            EntityFile::Reactions => "reactions.jsonl",
            EntityFile::Attachments => "attachments.jsonl",
        }
    }
}

/// Number of records per entity file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestCounts {
    pub users: u64,
    pub communities: u64,
    pub memberships: u64,
    pub posts: u64,
    pub reactions: u64,
    pub attachments: u64,
}

impl ManifestCounts {
    pub fn get(&self, file: EntityFile) -> u64 {
        *self.slot(file)
    }

    pub fn set(&mut self, file: EntityFile, n: u64) {
        *self.slot_mut(file) = n;
    }

    fn slot(&self, file: EntityFile) -> &u64 {
        match file {
            EntityFile::Users => &self.users,
            EntityFile::Communities => &self.communities,
            EntityFile::Memberships => &self.memberships,
            EntityFile::Posts => &self.posts,
            EntityFile::Reactions => &self.reactions,
            EntityFile::Attachments => &self.attachments,
        }
    }

    fn slot_mut(&mut self, file: EntityFile) -> &mut u64 {
        match file {
            EntityFile::Users => &mut self.users,
            EntityFile::Communities => &mut self.communities,
            EntityFile::Memberships => &mut self.memberships,
            EntityFile::Posts => &mut self.posts,
            EntityFile::Reactions => &mut self.reactions,
            EntityFile::Attachments => &mut self.attachments,
        }
    }
}

/// `manifest.json`. Unknown keys are accepted on read: version 1 may grow optional fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u64,
    #[serde(default)]
    pub generator: String,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(default)]
    pub counts: ManifestCounts,
}

impl Manifest {
    pub fn new(counts: ManifestCounts) -> Self {
        Manifest {
            format: FORMAT.to_string(),
            version: VERSION,
            generator: format!("esnctl {}", env!("CARGO_PKG_VERSION")),
            updated_at: Some(Timestamp::now()),
            counts,
        }
    }
}

/// What a bundle folder holds, once known to be readable by this esnctl.
#[derive(Debug, Clone, PartialEq)]
pub enum Contents {
    /// A bundle with a compatible manifest.
    Manifest(Manifest),
    /// No manifest but some entity files: a hand-made bundle.
    HandMade,
    /// An existing folder with neither.
    Empty,
}

/// Looks at a bundle folder. A missing folder is `Kind::NotFound`; a manifest of another
/// format or a newer version is `Kind::InvalidData`.
pub fn inspect(dir: &Path) -> Result<Contents> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::runtime(format!(
                "bundle {} is not a folder (a bundle is a folder of .jsonl files)",
                dir.display()
            ))
            .into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::new(
                Kind::NotFound,
                format!("bundle folder {} does not exist", dir.display()),
            )
            .into())
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot open {}", dir.display())))
        }
    }
    if let Some(manifest) = read_manifest(dir)? {
        return Ok(Contents::Manifest(manifest));
    }
    if EntityFile::ALL
        .iter()
        .any(|f| dir.join(f.file_name()).exists())
    {
        tracing::warn!(
            "bundle {} has no {MANIFEST}; reading its .jsonl files as a hand-made bundle",
            dir.display()
        );
        return Ok(Contents::HandMade);
    }
    Ok(Contents::Empty)
}

/// Reads and checks `manifest.json`; `None` when there is none.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display())))
        }
    };
    let bad = |what: String| Error::invalid_data(format!("{}: {what}", path.display()));
    // Format and version are checked before the rest, so that a future layout is reported
    // as a version problem rather than as a field this esnctl does not know.
    let value: serde_json::Value =
        serde_json::from_slice(&text).map_err(|e| bad(format!("not valid JSON: {e}")))?;
    let format = value.get("format").and_then(|v| v.as_str());
    if format != Some(FORMAT) {
        let found = format.map_or_else(|| "missing".to_string(), |f| format!("\"{f}\""));
        return Err(bad(format!(
            "field \"format\" is {found}, expected \"{FORMAT}\": not an esnctl bundle"
        ))
        .into());
    }
    let version = value.get("version").and_then(|v| v.as_u64());
    match version {
        Some(v) if (1..=VERSION).contains(&v) => {}
        Some(v) if v > VERSION => {
            return Err(bad(format!(
                "bundle format version {v} is newer than this esnctl supports (version \
                 {VERSION}); upgrade esnctl to read it"
            ))
            .into())
        }
        _ => {
            return Err(bad(format!(
                "field \"version\" must be a positive integer; this esnctl supports version \
                 {VERSION}"
            ))
            .into())
        }
    }
    let manifest: Manifest = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    Ok(Some(manifest))
}

/// Writes `manifest.json` atomically. Call it after the data files are committed, so a
/// manifest never describes files that are not there yet.
pub fn write_manifest(dir: &Path, counts: ManifestCounts) -> Result<Manifest> {
    let manifest = Manifest::new(counts);
    let path = dir.join(MANIFEST);
    let mut tmp = atomic::temp_for(&path)?;
    serde_json::to_writer_pretty(&mut tmp, &manifest)
        .map_err(std::io::Error::from)
        .and_then(|()| tmp.write_all(b"\n"))
        .with_context(|| format!("cannot write {}", path.display()))?;
    atomic::commit(tmp, &path)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};

    #[test]
    fn manifest_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let counts = ManifestCounts {
            users: 3,
            posts: 7,
            ..Default::default()
        };
        let written = write_manifest(dir.path(), counts).unwrap();
        let read = read_manifest(dir.path()).unwrap().unwrap();
        assert_eq!(read, written);
        assert_eq!(read.counts.get(EntityFile::Posts), 7);
        assert!(read.generator.starts_with("esnctl "));
        let text = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert!(text.contains("\"format\": \"esnctl-bundle\""), "{text}");
    }

    #[test]
    fn newer_version_is_refused_naming_the_supported_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"format":"esnctl-bundle","version":2,"layout":{"new":true}}"#,
        )
        .unwrap();
        let err = inspect(dir.path()).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        let msg = err.to_string();
        assert!(
            msg.contains("version 2") && msg.contains("supports (version 1)"),
            "{msg}"
        );
    }

    #[test]
    fn other_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST), r#"{"format":"zip","version":1}"#).unwrap();
        let err = read_manifest(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not an esnctl bundle"), "{err}");
    }

    #[test]
    fn additive_fields_are_accepted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST),
            r#"{"format":"esnctl-bundle","version":1,"source":"slack","counts":{"users":2,"emoji":4}}"#,
        )
        .unwrap();
        let m = read_manifest(dir.path()).unwrap().unwrap();
        assert_eq!(m.counts.users, 2);
    }

    #[test]
    fn inspects_missing_hand_made_and_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = inspect(&missing).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Failure);
        assert!(err.to_string().contains("nope"), "{err}");
        assert_eq!(inspect(dir.path()).unwrap(), Contents::Empty);
        std::fs::write(dir.path().join("users.jsonl"), "").unwrap();
        assert_eq!(inspect(dir.path()).unwrap(), Contents::HandMade);
    }
}
