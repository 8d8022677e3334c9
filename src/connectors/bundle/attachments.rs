//! The content-addressed attachment store: `attachments/<sha256>` holds the bytes whose
//! lowercase hex SHA-256 is the file name. Identical files are stored once, and a file's
//! name proves (and lets anyone check) its content.

use super::atomic;
use super::layout::ATTACHMENTS_DIR;
use crate::error::{Error, Result};
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

const CHUNK: usize = 64 << 10;

/// True for 64 lowercase hex digits. Anything else must never become a path: a bundle's
/// `sha256` field is untrusted input (think `../../etc/passwd`).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Streams `reader` through SHA-256: (lowercase hex digest, byte count).
pub fn sha256_of(mut reader: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// A bundle's `attachments/` folder.
#[derive(Debug, Clone)]
pub struct AttachmentStore {
    dir: PathBuf,
}

impl AttachmentStore {
    pub fn new(bundle_dir: &Path) -> Self {
        AttachmentStore {
            dir: bundle_dir.join(ATTACHMENTS_DIR),
        }
    }

    /// Where the bytes with this digest live; refuses anything but a lowercase hex SHA-256.
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        if !is_sha256_hex(sha256) {
            return Err(Error::invalid_data(format!(
                "attachment sha256 \"{sha256}\" is not 64 lowercase hexadecimal digits"
            ))
            .into());
        }
        Ok(self.dir.join(sha256))
    }

    /// Stores the bytes of `reader`, hashing them on the way; returns (sha256, size).
    /// Bytes already present are not written again.
    pub fn put(&self, mut reader: impl Read) -> Result<(String, u64)> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        // The name is only known at the end, so write to a temporary file first; it sits
        // in the same folder so the final rename is atomic.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)
            .with_context(|| format!("cannot create a temporary file in {}", self.dir.display()))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; CHUNK];
        let mut size = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(anyhow::Error::new(e).context("cannot read attachment")),
            };
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n])
                .with_context(|| format!("cannot write {}", tmp.path().display()))?;
            size += n as u64;
        }
        let sha = hex::encode(hasher.finalize());
        let target = self.dir.join(&sha);
        if !target.exists() {
            atomic::commit(tmp, &target)?;
        }
        Ok((sha, size))
    }

    /// The stored bytes, or `None` when they are not in the store.
    pub fn open(&self, sha256: &str) -> Result<Option<File>> {
        let path = self.path_of(sha256)?;
        match File::open(&path) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context(format!("cannot open {}", path.display()))),
        }
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_ok_and(|p| p.is_file())
    }

    /// Re-hashes the stored bytes: true when present and matching their name, false when
    /// missing or altered.
    pub fn verify(&self, sha256: &str) -> Result<bool> {
        let Some(file) = self.open(sha256)? else {
            return Ok(false);
        };
        let (actual, _) = sha256_of(file)
            .with_context(|| format!("cannot read {}", self.dir.join(sha256).display()))?;
        Ok(actual == sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_SHA: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    #[test]
    fn put_open_verify() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttachmentStore::new(dir.path());
        let (sha, size) = store.put(&b"hello"[..]).unwrap();
        assert_eq!((sha.as_str(), size), (HELLO_SHA, 5));
        // Same bytes again: same name, one file, no temporary left behind.
        assert_eq!(store.put(&b"hello"[..]).unwrap().0, HELLO_SHA);
        let names: Vec<_> = std::fs::read_dir(dir.path().join(ATTACHMENTS_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [HELLO_SHA]);

        let mut text = String::new();
        store
            .open(&sha)
            .unwrap()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "hello");
        assert!(store.verify(&sha).unwrap());

        std::fs::write(dir.path().join(ATTACHMENTS_DIR).join(&sha), "hellO").unwrap();
        assert!(!store.verify(&sha).unwrap());
        let other = "0".repeat(64);
        assert!(store.open(&other).unwrap().is_none());
        assert!(!store.verify(&other).unwrap());
    }

    #[test]
    fn refuses_digests_that_are_not_plain_hex() {
        let dir = tempfile::tempdir().unwrap();
        let store = AttachmentStore::new(dir.path());
        assert!(store.open("../manifest.json").is_err());
        assert!(store.open(&HELLO_SHA.to_uppercase()).is_err());
        assert!(!store.contains("../x"));
    }
}
