//! The posts, reactions and files of a Mattermost import, sorted into the order of the
//! file without holding them: a bounded buffer is sorted and written out as a run when
//! full (an external merge sort); `finish` merges the runs one channel at a time (each run
//! knows where each channel starts in it), in whatever order the channels are wanted.
//!
//! The order ([`Key`]): channel, then thread (its first post's time, then arrival), then
//! the first post before its replies, each reply by time and arrival; a post's reactions
//! and files right after it. So a thread arrives whole, and the assembler holds one thread.

use crate::error::Result;
use anyhow::Context;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Bytes of entries (payloads and keys) sorted in memory before they are written out as
/// a run.
const BUFFER: usize = 16 << 20;
/// Read buffer of each run while merging.
const READ_BUFFER: usize = 32 << 10;

/// Where a post goes: its channel (numbered in the order channels were written), its time
/// (ms), then the order posts arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub channel: u32,
    pub at: i64,
    pub seq: u64,
}

/// What an entry holds; the order of the entries of one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum What {
    Post = 0,
    Reaction = 1,
    Attachment = 2,
}

/// The position of an entry in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The thread's first post.
    pub root: Place,
    /// `None` for the first post itself; a reply's time and arrival.
    pub reply: Option<(i64, u64)>,
    pub what: What,
    /// The entry's arrival: ties keep the order records came in.
    pub n: u64,
}

const KEY_BYTES: usize = 4 + 8 + 8 + 1 + 8 + 8 + 1 + 8;

impl Key {
    /// The entries of the post at `place`, in the thread of `root` (itself when `None`).
    pub fn of(place: Place, root: Option<Place>, what: What, n: u64) -> Key {
        match root {
            None => Key {
                root: place,
                reply: None,
                what,
                n,
            },
            Some(root) => Key {
                root,
                reply: Some((place.at, place.seq)),
                what,
                n,
            },
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.root.channel.to_le_bytes());
        out.extend_from_slice(&self.root.at.to_le_bytes());
        out.extend_from_slice(&self.root.seq.to_le_bytes());
        let (is_reply, (at, seq)) = match self.reply {
            None => (0, (0, 0)),
            Some(r) => (1, r),
        };
        out.push(is_reply);
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&seq.to_le_bytes());
        out.push(self.what as u8);
        out.extend_from_slice(&self.n.to_le_bytes());
    }

    fn read(b: &[u8; KEY_BYTES]) -> Key {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        Key {
            root: Place {
                channel: u32::from_le_bytes(b[0..4].try_into().expect("4 bytes")),
                at: u64_at(4) as i64,
                seq: u64_at(12),
            },
            reply: (b[20] == 1).then(|| (u64_at(21) as i64, u64_at(29))),
            what: match b[37] {
                0 => What::Post,
                1 => What::Reaction,
                _ => What::Attachment,
            },
            n: u64_at(38),
        }
    }
}

/// Entries sorted by [`Key`]: a buffer in memory, and runs in a temporary file.
pub struct Sorter {
    path: PathBuf,
    file: Option<File>,
    end: u64,
    runs: Vec<Run>,
    buf: Vec<u8>,
    items: Vec<(Key, u32, u32)>,
    /// `items` are in key order (nothing was pushed since they were sorted).
    sorted: bool,
}

/// A sorted run in the file: its bytes, and the offset where each of its channels starts.
struct Run {
    end: u64,
    channels: Vec<(u32, u64)>,
}

impl Sorter {
    /// Runs, if any, go to `path` (in a temporary folder).
    pub fn new(path: &Path) -> Sorter {
        Sorter {
            path: path.to_path_buf(),
            file: None,
            end: 0,
            runs: Vec::new(),
            buf: Vec::new(),
            items: Vec::new(),
            sorted: true,
        }
    }

    /// Adds an entry whose payload `write` appends to the buffer it is given.
    pub fn push(&mut self, key: Key, write: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        if self.buf.capacity() == 0 {
            // Once, at its largest: growing it would copy it and touch new pages.
            self.buf.reserve(BUFFER);
        }
        let start = self.buf.len();
        write(&mut self.buf);
        self.items
            .push((key, start as u32, (self.buf.len() - start) as u32));
        self.sorted = false;
        // Small entries (reactions) cost more in keys than in payload.
        let item = std::mem::size_of::<(Key, u32, u32)>();
        if self.buf.len() + self.items.len() * item >= BUFFER {
            self.spill()?;
        }
        Ok(())
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.items.sort_unstable_by_key(|(key, _, _)| *key);
            self.sorted = true;
        }
    }

    /// Writes the buffer out as a sorted run.
    fn spill(&mut self) -> Result<()> {
        self.sort();
        if self.file.is_none() {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&self.path)
                .with_context(|| format!("cannot create {}", self.path.display()))?;
            self.file = Some(file);
        }
        let file = self.file.as_ref().expect("opened above");
        let mut out = BufWriter::with_capacity(256 << 10, file);
        let mut channels: Vec<(u32, u64)> = Vec::new();
        let mut at = self.end;
        let mut record = Vec::with_capacity(KEY_BYTES + 4);
        for (key, start, len) in &self.items {
            if channels.last().is_none_or(|(c, _)| *c != key.root.channel) {
                channels.push((key.root.channel, at));
            }
            record.clear();
            key.write(&mut record);
            record.extend_from_slice(&len.to_le_bytes());
            out.write_all(&record).context("temporary sort file")?;
            let payload = &self.buf[*start as usize..(*start + *len) as usize];
            out.write_all(payload).context("temporary sort file")?;
            at += (record.len() + payload.len()) as u64;
        }
        out.flush().context("temporary sort file")?;
        self.end = at;
        self.runs.push(Run { end: at, channels });
        self.items.clear();
        self.buf.clear();
        Ok(())
    }

    /// Calls `f` with every entry of channel `channel`, in order.
    pub fn each_in_channel(
        &mut self,
        channel: u32,
        mut f: impl FnMut(&Key, &[u8]) -> Result<()>,
    ) -> Result<()> {
        self.sort();
        let mut cursors: Vec<Cursor> = Vec::new();
        for run in &self.runs {
            let Ok(i) = run.channels.binary_search_by_key(&channel, |(c, _)| *c) else {
                continue;
            };
            let to = run.channels.get(i + 1).map_or(run.end, |(_, o)| *o);
            let from = run.channels[i].1;
            let file = self.file.as_ref().expect("runs are in the file");
            cursors.push(Cursor::disk(file, from, to));
        }
        let first = self
            .items
            .partition_point(|(key, _, _)| key.root.channel < channel);
        let last = self
            .items
            .partition_point(|(key, _, _)| key.root.channel <= channel);
        if first < last {
            cursors.push(Cursor::Memory {
                items: &self.items[first..last],
                buf: &self.buf,
                at: 0,
            });
        }
        merge(cursors, &mut f)
    }

    /// Calls `f` with every entry, in no particular order.
    pub fn each(&mut self, mut f: impl FnMut(&Key, &[u8]) -> Result<()>) -> Result<()> {
        if let Some(file) = &self.file {
            let mut cursor = Cursor::disk(file, 0, self.end);
            while let Some((key, payload)) = cursor.next()? {
                f(&key, payload)?;
            }
        }
        for (key, start, len) in &self.items {
            f(key, &self.buf[*start as usize..(*start + *len) as usize])?;
        }
        Ok(())
    }

    /// Removes the run file (the folder would, later).
    pub fn discard(self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Reads a byte range of a file with positioned reads (cursors share the file).
struct Range<'f> {
    file: &'f File,
    at: u64,
    end: u64,
}

impl Read for Range<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let want = buf.len().min((self.end - self.at) as usize);
        let n = self.file.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

enum Cursor<'a> {
    Disk {
        input: BufReader<Range<'a>>,
        payload: Vec<u8>,
    },
    Memory {
        items: &'a [(Key, u32, u32)],
        buf: &'a [u8],
        at: usize,
    },
}

impl<'a> Cursor<'a> {
    fn disk(file: &'a File, from: u64, to: u64) -> Cursor<'a> {
        let range = Range {
            file,
            at: from,
            end: to,
        };
        Cursor::Disk {
            input: BufReader::with_capacity(READ_BUFFER, range),
            payload: Vec::new(),
        }
    }

    fn next(&mut self) -> Result<Option<(Key, &[u8])>> {
        match self {
            Cursor::Disk { input, payload } => {
                if input.fill_buf().context("temporary sort file")?.is_empty() {
                    return Ok(None);
                }
                let mut head = [0u8; KEY_BYTES + 4];
                input.read_exact(&mut head).context("temporary sort file")?;
                let key = Key::read(head[..KEY_BYTES].try_into().expect("key bytes"));
                let len = u32::from_le_bytes(head[KEY_BYTES..].try_into().expect("4 bytes"));
                payload.resize(len as usize, 0);
                input.read_exact(payload).context("temporary sort file")?;
                Ok(Some((key, payload)))
            }
            Cursor::Memory { items, buf, at } => {
                let Some((key, start, len)) = items.get(*at) else {
                    return Ok(None);
                };
                *at += 1;
                Ok(Some((
                    *key,
                    &buf[*start as usize..(*start + *len) as usize],
                )))
            }
        }
    }
}

/// Merges sorted cursors, calling `f` with each entry in key order.
fn merge(mut cursors: Vec<Cursor>, f: &mut dyn FnMut(&Key, &[u8]) -> Result<()>) -> Result<()> {
    if let [only] = cursors.as_mut_slice() {
        while let Some((key, payload)) = only.next()? {
            f(&key, payload)?;
        }
        return Ok(());
    }
    // The heap holds each cursor's next key; its payload is read again when it is taken
    // (cursors keep their current record).
    let mut current: Vec<Option<(Key, Vec<u8>)>> = Vec::with_capacity(cursors.len());
    let mut heap = BinaryHeap::new();
    for (i, c) in cursors.iter_mut().enumerate() {
        let next = c.next()?.map(|(k, p)| (k, p.to_vec()));
        if let Some((k, _)) = &next {
            heap.push(Reverse((*k, i)));
        }
        current.push(next);
    }
    while let Some(Reverse((_, i))) = heap.pop() {
        let (key, payload) = current[i].take().expect("queued cursors have a record");
        f(&key, &payload)?;
        let mut reuse = payload;
        current[i] = match cursors[i].next()? {
            Some((k, p)) => {
                reuse.clear();
                reuse.extend_from_slice(p);
                heap.push(Reverse((k, i)));
                Some((k, reuse))
            }
            None => None,
        };
    }
    Ok(())
}

/// Payload encoding: strings and byte strings with their length, integers little-endian.
pub mod payload {
    pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
        out.extend_from_slice(&(b.len() as u32).to_le_bytes());
        out.extend_from_slice(b);
    }

    pub fn put_u64(out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    /// Reads what the writer of this process encoded (the layout is trusted).
    pub struct Reader<'a>(pub &'a [u8]);

    impl<'a> Reader<'a> {
        pub fn bytes(&mut self) -> &'a [u8] {
            let n = u32::from_le_bytes(self.0[..4].try_into().expect("4 bytes")) as usize;
            let (b, rest) = self.0[4..].split_at(n);
            self.0 = rest;
            b
        }

        pub fn str(&mut self) -> &'a str {
            std::str::from_utf8(self.bytes()).expect("encoded from a str")
        }

        pub fn u64(&mut self) -> u64 {
            let (b, rest) = self.0.split_at(8);
            self.0 = rest;
            u64::from_le_bytes(b.try_into().expect("8 bytes"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(channel: u32, at: i64, n: u64) -> Key {
        let place = Place {
            channel,
            at,
            seq: n,
        };
        let root = n.is_multiple_of(3).then_some(Place {
            channel,
            at: at - 7,
            seq: n / 2,
        });
        Key::of(place, root, What::Post, n)
    }

    /// More entries than the buffer holds, channels interleaved: each channel's entries
    /// come back complete and in key order, and so does every entry with `each`.
    #[test]
    fn runs_merge_back_in_order_per_channel() {
        let dir = tempfile::tempdir().unwrap();
        let mut sorter = Sorter::new(&dir.path().join("sort"));
        let body = "é".repeat(500);
        let n = (BUFFER / 500) as u64 * 3;
        let mut want: Vec<Vec<Key>> = vec![Vec::new(); 5];
        for i in 0..n {
            let k = key((i % 5) as u32, ((i * 7919) % 1000) as i64 - 500, i);
            want[k.root.channel as usize].push(k);
            sorter
                .push(k, |out| {
                    payload::put_bytes(out, body.as_bytes());
                    payload::put_u64(out, i);
                })
                .unwrap();
        }
        assert!(sorter.runs.len() >= 2, "{} runs", sorter.runs.len());
        for channel in [3, 0, 4, 1, 2, 9] {
            let mut got = Vec::new();
            sorter
                .each_in_channel(channel, |k, p| {
                    let mut r = payload::Reader(p);
                    assert_eq!(r.str(), body);
                    assert_eq!(r.u64(), k.n);
                    got.push(*k);
                    Ok(())
                })
                .unwrap();
            let mut expected = want.get(channel as usize).cloned().unwrap_or_default();
            expected.sort();
            assert_eq!(got, expected, "channel {channel}");
        }
        let mut count = 0;
        sorter
            .each(|_, _| {
                count += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(count, n);
    }

    #[test]
    fn keys_survive_their_encoding_and_order_threads() {
        let root = Place {
            channel: 2,
            at: -5,
            seq: 9,
        };
        let reply = Place {
            channel: 1,
            at: 3,
            seq: 10,
        };
        let a = Key::of(root, None, What::Attachment, 4);
        let b = Key::of(reply, Some(root), What::Post, 3);
        assert!(a < b, "the first post's entries come before its replies");
        for k in [a, b] {
            let mut bytes = Vec::new();
            k.write(&mut bytes);
            assert_eq!(Key::read(bytes.as_slice().try_into().unwrap()), k);
        }
    }
}
