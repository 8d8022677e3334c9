//! Day files: parsing one `<folder>/<date>.json`, message timestamps, and the first pass
//! over every day file that validates them and collects what the metadata lacks.

use super::archive::Archive;
use super::meta::Meta;
use super::wire::{self, Light, Message};
use crate::error::{Error, Result};
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};

/// A Slack `ts` ("1700000000.123456", seconds and microseconds) as a sortable number of
/// nanoseconds; `None` when it is not such a number.
pub fn ts_key(ts: &str) -> Option<i128> {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    if secs.is_empty()
        || secs.len() > 12
        || frac.len() > 9
        || !secs.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut nanos: i128 = 0;
    for i in 0..9 {
        nanos = nanos * 10 + frac.as_bytes().get(i).map_or(0, |d| (d - b'0') as i128);
    }
    Some(secs.parse::<i128>().ok()? * 1_000_000_000 + nanos)
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

/// A day file's bytes as text (checked once, so the parser need not check each string).
pub fn utf8<'a>(archive: &Archive, rel: &str, bytes: &'a [u8]) -> Result<&'a str> {
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
    serde_json::from_str(text).map_err(|e| parse_error(archive, rel, text.as_bytes(), e))
}

/// Parses a day file without its texts (about twice as fast). Text checked by [`utf8`]
/// first is faster to parse than bytes, whose every key and string would be checked.
pub fn parse_light<'a>(archive: &Archive, rel: &str, text: &'a str) -> Result<Vec<Light<'a>>> {
    serde_json::from_str(text).map_err(|e| parse_error(archive, rel, text.as_bytes(), e))
}

/// True when `needle` occurs in `hay` (a cheap test before parsing a whole file).
pub fn mentions(hay: &[u8], needle: &[u8]) -> bool {
    let first = needle[0];
    let mut from = 0;
    while let Some(p) = hay[from..].iter().position(|&b| b == first) {
        let at = from + p;
        if hay[at..].starts_with(needle) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// An error naming the file, the line and, when the JSON is well-formed but a message is
/// not, the message's position in the file.
fn parse_error(archive: &Archive, rel: &str, bytes: &[u8], e: serde_json::Error) -> anyhow::Error {
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
pub fn posts_in_order<'m, 'a, T>(
    messages: &'m [Message<'a, T>],
) -> Vec<(usize, &'m Message<'a, T>)> {
    let mut keyed: Vec<(i128, usize, &Message<T>)> = messages
        .iter()
        .enumerate()
        .filter(|(_, m)| wire::kind_of(m.subtype()) == wire::Kind::Post)
        .filter_map(|(i, m)| Some((ts_key(m.ts.as_deref()?)?, i + 1, m)))
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
pub fn scan(
    archive: &mut Archive,
    meta: &Meta,
    days: &BTreeMap<String, Vec<String>>,
) -> Result<Scan> {
    let mut scan = Scan::default();
    for (ci, conv) in meta.conversations.iter().enumerate() {
        if let Some(raw) = &conv.raw {
            for m in raw.members.iter().chain(raw.creator.iter()) {
                scan.note(meta, m, None, || conv.origin.clone());
            }
        }
        let Some(files) = days.get(&conv.folder) else {
            continue;
        };
        for day in files {
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
