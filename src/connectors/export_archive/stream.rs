//! Reading zip entries without borrowing the archive: a shared, positioned file handle
//! and a thread that streams one entry.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;
use zip::ZipArchive;

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

impl SharedFile {
    pub fn new(file: File, len: u64) -> Self {
        SharedFile {
            file: Arc::new(file),
            pos: 0,
            len,
        }
    }
}

/// Streams one zip entry from a thread, so the reader owns no borrow of the archive.
/// Memory stays bounded by the channel's few chunks; dropping the reader stops the thread.
pub struct ZipEntryReader {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
}

impl ZipEntryReader {
    pub fn spawn(
        mut zip: ZipArchive<SharedFile>,
        index: usize,
        path: PathBuf,
        name: String,
    ) -> Self {
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
