//! What the Mattermost writer must remember of every post it took: whether a later reply,
//! reaction or file can refer to it, and where it goes in the file. Exact, and in bounded
//! memory whatever the number of posts: the latest posts are in a hash map (replies refer
//! to recent posts), older ones in sorted runs on disk, each run with a Bloom filter, its
//! key range and one key per block in memory, so that a look-up reads at most one block
//! of the runs that may hold the id (usually none, or the one it was just read from).

use super::entries::Place;
use crate::error::Result;
use anyhow::Context;
use std::fs::File;
use std::hash::BuildHasher;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Posts held in memory before they go to a run.
const RECENT: usize = 1 << 15;
/// Bytes per block of a run (a look-up reads one).
const BLOCK: usize = 4096;

/// A post as later records need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostInfo {
    pub place: Place,
    /// For a reply: its thread's first post (id, and where that was when this was written).
    pub root: Option<(Box<str>, Place)>,
}

pub struct PostIndex {
    /// The latest posts, with their arrival (kept for the sort: posts often arrive in id
    /// order, and a stable sort of sorted ids costs one pass).
    recent: foldhash::HashMap<Box<str>, (u32, PostInfo)>,
    arrivals: u32,
    file: File,
    end: u64,
    /// Oldest first; a look-up searches the newest first (a post written twice: the later
    /// one counts).
    runs: Vec<Run>,
    /// The runs' ids do not overlap (posts came in id order, as exports list them): the
    /// only run that may hold an id is found by its range.
    disjoint: bool,
    /// Run numbers by smallest id, while `disjoint`.
    by_range: Vec<usize>,
}

struct Run {
    min: Box<str>,
    max: Box<str>,
    bloom: Bloom,
    /// First id of each block, its offset and length in the file.
    blocks: Vec<(Box<str>, u64, u32)>,
    /// The block read last (look-ups come in runs of neighbours), and where in it the
    /// last id was found: ids looked up in order are searched from there.
    cached: Option<(usize, Vec<u8>)>,
    found_at: usize,
}

impl PostIndex {
    /// The runs go to `path` (a temporary file, removed with its folder).
    pub fn create(path: &Path) -> Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(PostIndex {
            recent: Default::default(),
            arrivals: 0,
            file,
            end: 0,
            runs: Vec::new(),
            disjoint: true,
            by_range: Vec::new(),
        })
    }

    pub fn insert(&mut self, id: &str, info: PostInfo) -> Result<()> {
        self.arrivals += 1;
        self.recent.insert(id.into(), (self.arrivals, info));
        if self.recent.len() >= RECENT {
            self.flush()?;
        }
        Ok(())
    }

    pub fn get(&mut self, id: &str) -> Result<Option<PostInfo>> {
        if let Some((_, info)) = self.recent.get(id) {
            return Ok(Some(info.clone()));
        }
        if self.disjoint {
            let runs = &self.runs;
            let after = self.by_range.partition_point(|&r| &*runs[r].min <= id);
            let Some(&r) = after.checked_sub(1).and_then(|i| self.by_range.get(i)) else {
                return Ok(None);
            };
            let run = &mut self.runs[r];
            if id > &*run.max {
                return Ok(None);
            }
            return run.find(&self.file, id);
        }
        let hash = Bloom::hash(id);
        for run in self.runs.iter_mut().rev() {
            if id < &*run.min || id > &*run.max || !run.bloom.may_hold(hash) {
                continue;
            }
            if let Some(info) = run.find(&self.file, id)? {
                return Ok(Some(info));
            }
        }
        Ok(None)
    }

    /// Writes the recent posts as a new run, sorted by id.
    fn flush(&mut self) -> Result<()> {
        let mut posts: Vec<(Box<str>, (u32, PostInfo))> = self.recent.drain().collect();
        posts.sort_unstable_by_key(|(_, (arrival, _))| *arrival);
        posts.sort_by(|a, b| a.0.cmp(&b.0));
        let posts: Vec<(Box<str>, PostInfo)> = posts
            .into_iter()
            .map(|(id, (_, info))| (id, info))
            .collect();
        let mut bloom = Bloom::new(posts.len());
        let mut blocks = Vec::new();
        let mut out = BufWriter::with_capacity(64 << 10, &self.file);
        let mut block = Vec::with_capacity(BLOCK + 256);
        let mut start = self.end;
        for (i, (id, info)) in posts.iter().enumerate() {
            bloom.insert(Bloom::hash(id));
            if block.is_empty() {
                blocks.push((id.clone(), start, 0));
            }
            encode(&mut block, id, info);
            if block.len() >= BLOCK || i + 1 == posts.len() {
                out.write_all(&block).context("temporary post index")?;
                blocks.last_mut().expect("opened above").2 = block.len() as u32;
                start += block.len() as u64;
                block.clear();
            }
        }
        out.flush().context("temporary post index")?;
        drop(out);
        self.end = start;
        if let (Some(first), Some(last)) = (posts.first(), posts.last()) {
            let number = self.runs.len();
            if self.disjoint {
                let runs = &self.runs;
                let at = self.by_range.partition_point(|&r| runs[r].min < first.0);
                let clear_before = at
                    .checked_sub(1)
                    .is_none_or(|i| runs[self.by_range[i]].max < first.0);
                let clear_after = self.by_range.get(at).is_none_or(|&r| last.0 < runs[r].min);
                if clear_before && clear_after {
                    self.by_range.insert(at, number);
                } else {
                    self.disjoint = false;
                    self.by_range = Vec::new();
                }
            }
            self.runs.push(Run {
                min: first.0.clone(),
                max: last.0.clone(),
                bloom,
                blocks,
                cached: None,
                found_at: 0,
            });
        }
        Ok(())
    }
}

impl Run {
    fn find(&mut self, file: &File, id: &str) -> Result<Option<PostInfo>> {
        // The last block whose first id is at most `id`.
        let b = self.blocks.partition_point(|(first, _, _)| &**first <= id);
        let Some(b) = b.checked_sub(1) else {
            return Ok(None);
        };
        if self.cached.as_ref().is_none_or(|(cached, _)| *cached != b) {
            let (_, offset, len) = &self.blocks[b];
            let mut buf = self.cached.take().map(|(_, v)| v).unwrap_or_default();
            buf.resize(*len as usize, 0);
            file.read_exact_at(&mut buf, *offset)
                .context("temporary post index")?;
            self.cached = Some((b, buf));
            self.found_at = 0;
        }
        let (_, block) = self.cached.as_ref().expect("read above");
        // Entries are sorted: start from the last one found when this id comes after it.
        let id_at = |at: usize| {
            let len = u32::from_le_bytes(block[at..at + 4].try_into().expect("4 bytes"));
            &block[at + 4..at + 4 + len as usize]
        };
        let mut at = if id_at(self.found_at) <= id.as_bytes() {
            self.found_at
        } else {
            0
        };
        // Ids are compared as bytes; only the entry found is decoded.
        while at < block.len() {
            let here = id_at(at);
            if here == id.as_bytes() {
                self.found_at = at;
                return Ok(Some(decode(&block[at..]).1));
            }
            if here > id.as_bytes() {
                break;
            }
            at = block.len() - skip(&block[at..]).len();
        }
        Ok(None)
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_place(out: &mut Vec<u8>, p: &Place) {
    out.extend_from_slice(&p.channel.to_le_bytes());
    out.extend_from_slice(&p.at.to_le_bytes());
    out.extend_from_slice(&p.seq.to_le_bytes());
}

/// An entry of a run: the id, the post's place, its thread's first post if any.
fn encode(out: &mut Vec<u8>, id: &str, info: &PostInfo) {
    put_str(out, id);
    put_place(out, &info.place);
    match &info.root {
        None => out.push(0),
        Some((root, place)) => {
            out.push(1);
            put_str(out, root);
            put_place(out, place);
        }
    }
}

/// Reads what [`encode`] wrote (this process wrote it: the layout is trusted).
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("8 bytes"))
    }
    fn str(&mut self) -> &'a str {
        let n = self.u32() as usize;
        std::str::from_utf8(self.take(n)).expect("written from a str")
    }
    fn place(&mut self) -> Place {
        Place {
            channel: self.u32(),
            at: self.u64() as i64,
            seq: self.u64(),
        }
    }
}

/// The bytes after the entry `bytes` starts with.
fn skip(bytes: &[u8]) -> &[u8] {
    let mut r = Reader(bytes);
    let id = r.u32() as usize;
    r.take(id + 20);
    if r.take(1)[0] == 1 {
        let root = r.u32() as usize;
        r.take(root + 20);
    }
    r.0
}

fn decode(bytes: &[u8]) -> (&str, PostInfo, &[u8]) {
    let mut r = Reader(bytes);
    let id = r.str();
    let place = r.place();
    let root = match r.take(1)[0] {
        0 => None,
        _ => {
            let root = r.str();
            Some((root.into(), r.place()))
        }
    };
    (id, PostInfo { place, root }, r.0)
}

/// A blocked Bloom filter: the bits of one id all fall in one 512-bit block (one cache
/// line), about 10 bits per id, 1 to 2 % false positives.
struct Bloom {
    words: Vec<u64>,
    blocks: u64,
}

impl Bloom {
    fn new(ids: usize) -> Self {
        let blocks = (ids * 10).div_ceil(512).max(1) as u64;
        Bloom {
            words: vec![0; blocks as usize * 8],
            blocks,
        }
    }

    fn hash(id: &str) -> u64 {
        // Fixed seed: the same id always hashes the same within the process.
        foldhash::quality::FixedState::with_seed(0x5eed).hash_one(id)
    }

    /// The 6 bits of a hash: the block from the hash, the bits in it from the high bits
    /// of a multiplicative mix (which depend on every bit of the hash).
    fn bits(&self, hash: u64) -> [usize; 6] {
        let block = (hash % self.blocks) as usize * 512;
        let mixed = hash.rotate_left(32).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        std::array::from_fn(|i| block + ((mixed >> (55 - 9 * i)) as usize & 511))
    }

    fn insert(&mut self, hash: u64) {
        for bit in self.bits(hash) {
            self.words[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn may_hold(&self, hash: u64) -> bool {
        self.bits(hash)
            .iter()
            .all(|&bit| self.words[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(n: u64, root: Option<&str>) -> PostInfo {
        let place = |seq| Place {
            channel: (seq % 7) as u32,
            at: seq as i64 * 1000 - 5,
            seq,
        };
        PostInfo {
            place: place(n),
            root: root.map(|r| (r.into(), place(n / 2))),
        }
    }

    /// Far more posts than fit in memory, ids in no order: every one is found with what
    /// was stored, an id never written is not, and a post written again is found as
    /// written last, whether the first version is in memory or on disk.
    #[test]
    fn finds_every_post_across_runs_and_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = PostIndex::create(&dir.path().join("index")).unwrap();
        let n = RECENT as u64 * 3 + 123;
        let id = |i: u64| format!("C{:x}:{}.é", i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40, i);
        for i in 0..n {
            let root = (i % 3 == 0).then(|| id(i / 2));
            index.insert(&id(i), info(i, root.as_deref())).unwrap();
        }
        assert!(index.runs.len() >= 3, "{} runs", index.runs.len());
        index.insert(&id(5), info(n + 1, None)).unwrap();
        for i in (0..n).step_by(7).chain([1, n - 1]) {
            let root = (i % 3 == 0).then(|| id(i / 2));
            let want = if i == 5 {
                info(n + 1, None)
            } else {
                info(i, root.as_deref())
            };
            assert_eq!(index.get(&id(i)).unwrap(), Some(want), "post {i}");
        }
        for missing in ["", "C0:", "zzz", "C1:1.e"] {
            assert_eq!(index.get(missing).unwrap(), None, "{missing}");
        }
    }

    /// Posts in id order (as exports list them) make runs of disjoint ranges, searched by
    /// range; a post written again later still wins, and the runs then overlap.
    #[test]
    fn ids_in_order_are_found_by_range() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = PostIndex::create(&dir.path().join("index")).unwrap();
        let n = RECENT as u64 * 2 + 10;
        let id = |i: u64| format!("C0:{i:012}.000100");
        for i in 0..n {
            index.insert(&id(i), info(i, None)).unwrap();
        }
        assert!(index.disjoint && index.runs.len() == 2);
        for i in (0..n).step_by(5) {
            assert_eq!(index.get(&id(i)).unwrap(), Some(info(i, None)), "post {i}");
        }
        assert_eq!(index.get("C0:").unwrap(), None);
        assert_eq!(index.get("C1:").unwrap(), None);
        assert_eq!(index.get(&format!("{}x", id(7))).unwrap(), None);
        for i in 0..RECENT as u64 {
            index.insert(&id(i * 2), info(n + i, None)).unwrap();
        }
        assert!(!index.disjoint);
        assert_eq!(index.get(&id(8)).unwrap(), Some(info(n + 4, None)));
        assert_eq!(index.get(&id(9)).unwrap(), Some(info(9, None)));
    }
}
