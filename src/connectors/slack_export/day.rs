//! Day files: parsing one `<folder>/<date>.json`, message timestamps, and the first pass
//! over every day file that validates them and collects what the metadata lacks.

use super::archive::Archive;
use super::meta::Meta;
use super::wire::{self, Light, Message, Stamped};
use crate::error::{Error, Result};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A Slack `ts` ("1700000000.123456", seconds and microseconds) as a sortable number of
/// nanoseconds; `None` when it is not such a number.
pub fn ts_key(ts: &str) -> Option<i128> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if secs.is_empty() || secs.len() > 12 || frac.len() > 9 {
        return None;
    }
    // At most 12 and 9 digits: u64 arithmetic (this runs several times per message).
    let digits = |s: &str| {
        s.bytes().try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let nanos = digits(frac)? * 10u64.pow(9 - frac.len() as u32);
    Some(i128::from(digits(secs)?) * 1_000_000_000 + i128::from(nanos))
}

/// The instant of a Slack `ts`, exact to the microsecond it carries.
pub fn ts_time(ts: &str) -> Option<Timestamp> {
    let key = ts_key(ts)?;
    let secs = i64::try_from(key / 1_000_000_000).ok()?;
    Timestamp::new(secs, (key % 1_000_000_000) as i32).ok()
}

/// `general/2024-03-01.json`.
pub fn day_path(folder: &str, day: &str) -> String {
    format!("{folder}/{day}")
}

/// A day file the first pass ([`scan`]) read and checked (line lengths, UTF-8, JSON,
/// timestamps), read again by a later pass without its lines being measured a second
/// time: that byte-by-byte check cost a tenth of each pass. `None` when the file is gone
/// (as for the first pass).
pub fn read_again(archive: &mut Archive, rel: &str) -> Result<Option<Vec<u8>>> {
    if matches!(archive, Archive::Zip { .. }) && !archive.contains(rel) {
        return Ok(None);
    }
    let read = archive.read_with(rel, |r| {
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes)?;
        Ok(bytes)
    });
    match read {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e)
            if e.root_cause()
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// A day file's bytes as text (checked once, so the parser need not check each string).
pub fn utf8<'a>(archive: &Archive, rel: &str, bytes: &'a [u8]) -> Result<&'a str> {
    // Every pass checks every file, so the fast check first; core's names the bad byte.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(text);
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Error::invalid_at(archive.label(rel), line as u64, None, "not UTF-8 text").into()
    })
}

/// Parses a day file checked by [`utf8`] (the parser then skips per-string checks).
pub fn parse<'a>(archive: &Archive, rel: &str, text: &'a str) -> Result<Vec<Message<'a>>> {
    parse_as(text).map_err(|e| parse_error(archive, rel, text.as_bytes(), e))
}

/// Parses a day file without its texts (about twice as fast). Text checked by [`utf8`]
/// first is faster to parse than bytes, whose every key and string would be checked.
pub fn parse_light<'a>(archive: &Archive, rel: &str, text: &'a str) -> Result<Vec<Light<'a>>> {
    parse_as(text).map_err(|e| parse_error(archive, rel, text.as_bytes(), e))
}

/// Parses a day file (a JSON array) into a vector sized up front from the number of
/// `"ts"` keys (one per message, more when files carry one): growing it would move every
/// message parsed so far, several times per file.
pub fn parse_as<'a, T: serde::Deserialize<'a>>(text: &'a str) -> serde_json::Result<Vec<T>> {
    struct Sized<T>(usize, std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Sized<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(self.0);
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    let messages = memchr::memmem::find_iter(text.as_bytes(), b"\"ts\"").count();
    let mut de = serde_json::Deserializer::from_str(text);
    let out =
        serde::Deserializer::deserialize_seq(&mut de, Sized(messages, std::marker::PhantomData))?;
    de.end()?;
    Ok(out)
}

/// True when `needle` occurs in `hay` (a cheap test before parsing a whole file).
pub fn mentions(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// An error naming the file, the line and, when the JSON is well-formed but a message is
/// not, the message's position in the file.
pub fn parse_error(
    archive: &Archive,
    rel: &str,
    bytes: &[u8],
    e: serde_json::Error,
) -> anyhow::Error {
    let file = archive.label(rel);
    let line = e.line() as u64;
    // Find which message is at fault, to name it.
    if let Ok(values) = serde_json::from_slice::<Vec<serde_json::Value>>(bytes) {
        for (i, v) in values.iter().enumerate() {
            if let Err(err) = <Message as serde::Deserialize>::deserialize(v) {
                let what = format!("message {}: {err}", i + 1);
                return Error::invalid_at(file, line, None, what).into();
            }
        }
    }
    Error::invalid_at(file, line, None, format!("invalid JSON: {e}")).into()
}

/// The messages of a day file that become posts, in time order, each with its 1-based
/// position in the file. Adjacent duplicates (the same `ts` twice) are kept once.
pub fn posts_in_order<M: Stamped>(messages: &[M]) -> Vec<(usize, &M)> {
    let mut keyed: Vec<(i128, usize, &M)> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| wire::kind_of(m.subtype()) == wire::Kind::Post)
        .filter_map(|(i, m)| Some((ts_key(m.ts()?)?, i + 1, m)))
        .collect();
    keyed.sort_by_key(|(k, i, _)| (*k, *i));
    keyed.dedup_by_key(|(k, _, _)| *k);
    keyed.into_iter().map(|(_, i, m)| (i, m)).collect()
}

/// What the first pass learns.
#[derive(Debug, Default)]
pub struct Scan {
    /// Ids that messages or metadata name but no users file lists: id → (a name seen for
    /// it, where it was first seen).
    pub placeholders: BTreeMap<String, (Option<String>, String)>,
    /// (conversation index, user id) → when the user last joined it.
    pub joins: HashMap<(usize, String), Timestamp>,
    pub messages: u64,
    /// (conversation index, day index) of the day files with a post that has reactions,
    /// and with a post that shares files: the passes for those read no other file.
    pub with_reactions: HashSet<(usize, usize)>,
    pub with_files: HashSet<(usize, usize)>,
}

impl Scan {
    fn note(&mut self, meta: &Meta, id: &str, name: Option<&str>, origin: impl FnOnce() -> String) {
        if id.is_empty() || meta.user_keys.contains_key(id) {
            return;
        }
        let entry = self
            .placeholders
            .entry(id.to_string())
            .or_insert_with(|| (None, origin()));
        if entry.0.is_none() {
            entry.0 = name.filter(|n| !n.trim().is_empty()).map(str::to_string);
        }
    }
}

/// Reads every day file once: checks that each is valid JSON with a valid `ts` on every
/// message (so nothing is emitted from a broken export), and collects unknown users and
/// join times. Only ids are kept, never messages.
///
/// Nothing else can happen until this pass is over, so its two halves (by number of day
/// files) are read at once on two threads, and their findings merged in order: the same
/// result, and the same first error, as one pass in order.
pub fn scan(
    archive: &mut Archive,
    meta: &Meta,
    days: &BTreeMap<String, Vec<String>>,
) -> Result<Scan> {
    let files = |c: &super::meta::Conversation| days.get(&c.folder).map_or(0, Vec::len);
    let total: usize = meta.conversations.iter().map(files).sum();
    let mut seen = 0;
    let half = meta
        .conversations
        .iter()
        .position(|c| {
            seen += files(c);
            seen * 2 >= total
        })
        .map_or(0, |i| i + 1);
    let all = meta.conversations.len();
    if total < 64 || half >= all {
        return scan_range(archive, meta, days, 0..all);
    }
    let mut other = archive.clone();
    let (first, second) = std::thread::scope(|scope| {
        let second = std::thread::Builder::new()
            .name("slack-scan".into())
            .spawn_scoped(scope, || scan_range(&mut other, meta, days, half..all));
        let first = scan_range(archive, meta, days, 0..half);
        let second = match second {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to spare: the second half here, after the first.
            Err(_) => scan_range(archive, meta, days, half..all),
        };
        (first, second)
    });
    let mut scan = first?;
    let second = second?;
    for (id, (name, origin)) in second.placeholders {
        let entry = scan.placeholders.entry(id).or_insert((None, origin));
        if entry.0.is_none() {
            entry.0 = name;
        }
    }
    scan.joins.extend(second.joins);
    scan.messages += second.messages;
    scan.with_reactions.extend(second.with_reactions);
    scan.with_files.extend(second.with_files);
    Ok(scan)
}

/// [`scan`] over the conversations of `range`.
fn scan_range(
    archive: &mut Archive,
    meta: &Meta,
    days: &BTreeMap<String, Vec<String>>,
    range: std::ops::Range<usize>,
) -> Result<Scan> {
    let mut scan = Scan::default();
    for (ci, conv) in meta
        .conversations
        .iter()
        .enumerate()
        .skip(range.start)
        .take(range.len())
    {
        if let Some(raw) = &conv.raw {
            for m in raw.members.iter().chain(raw.creator.iter()) {
                scan.note(meta, m, None, || conv.origin.clone());
            }
        }
        let Some(files) = days.get(&conv.folder) else {
            continue;
        };
        for (di, day) in files.iter().enumerate() {
            let rel = day_path(&conv.folder, day);
            let Some(bytes) = archive.read(&rel)? else {
                continue;
            };
            let text = utf8(archive, &rel, &bytes)?;
            let messages = parse_light(archive, &rel, text)?;
            for (i, m) in messages.iter().enumerate() {
                scan.messages += 1;
                let at = || format!("{rel}#{}", i + 1);
                let ts = m.ts.as_deref().unwrap_or("");
                let Some(when) = ts_time(ts) else {
                    return Err(Error::invalid_data(format!(
                        "{}: message {}: field \"ts\": \"{ts}\" is not a Slack timestamp",
                        archive.label(&rel),
                        i + 1
                    ))
                    .into());
                };
                let subtype = m.subtype();
                if wire::is_join(subtype) {
                    if let Some(u) = m.user.as_deref() {
                        scan.joins.insert((ci, u.to_string()), when);
                    }
                }
                if wire::kind_of(subtype) == wire::Kind::System {
                    continue;
                }
                let name = m
                    .user_profile
                    .as_ref()
                    .and_then(|p| p.real_name.as_deref())
                    .or(m.username.as_deref());
                scan.note(meta, m.author_id().unwrap_or("USLACKBOT"), name, at);
                if !m.reactions.is_empty() {
                    scan.with_reactions.insert((ci, di));
                }
                if m.shared_files().next().is_some() {
                    scan.with_files.insert((ci, di));
                }
                for r in &m.reactions {
                    for u in &r.users {
                        scan.note(meta, u, None, at);
                    }
                }
            }
        }
    }
    Ok(scan)
}

/// The author key of a post, whichever id it carries.
pub fn author_key<T>(meta: &Meta, m: &Message<T>) -> String {
    meta.key_for(m.author_id().unwrap_or("USLACKBOT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_finds_keys() {
        assert!(mentions(br#"[{"reactions": []}]"#, b"\"reactions\""));
        assert!(!mentions(
            br#"[{"text": "no reactions"}]"#,
            b"\"reactions\""
        ));
        assert!(mentions(br#""file"#, b"\"file"));
    }

    #[test]
    fn ts_keeps_microseconds() {
        let t = ts_time("1700000000.123456").unwrap();
        assert_eq!(t.to_string(), "2023-11-14T22:13:20.123456Z");
        assert_eq!(ts_time("1700000000").unwrap().as_second(), 1_700_000_000);
        assert!(ts_key("1700000000.1") > ts_key("1700000000.099999"));
        for bad in ["", "abc", "-1.5", "1.2.3", "1. 2"] {
            assert!(ts_key(bad).is_none(), "{bad}");
        }
    }
}
