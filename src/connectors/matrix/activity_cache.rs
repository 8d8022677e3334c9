//! Reading room timelines for activity, incrementally when an activity cache is set
//! (`activity_cache = "PATH"` in the profile).
//!
//! The cache is a SQLite file (mode 0600: it names people and holds message text) with,
//! per room, the forward pagination token where the last read stopped, and every
//! contribution already classified (posts, replies, reactions, by Matrix user id, so a
//! later change of a canonical key applies to old events too). A read asks each room only
//! for the events after its token, then answers from the file. Timelines are ordered by
//! arrival, and imported messages are back-dated, so every new event is read and
//! filtered on `origin_server_ts` afterwards: a read never stops at the first old event.
//!
//! What the cache does not see: an event redacted after it was read stays counted (it
//! was a contribution when it was made). A cache made for another homeserver is refused.
//! Deleting the file only costs one full read.

use super::activity::classify;
use super::timeline::next_from;
use super::wire::{ClientEvent, Page};
use super::MatrixConnector;
use crate::core::activity::ActivityKind;
use crate::error::{Error, Result};
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The event types that can be contributions.
const TYPES: &[&str] = &["m.room.message", "m.room.encrypted", "m.reaction"];

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY, next_from TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    room_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts INTEGER NOT NULL,
    post_id TEXT NOT NULL,
    thread_root TEXT,
    body TEXT,
    PRIMARY KEY (room_id, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
";

/// One contribution as read from a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Contribution {
    pub room_id: String,
    pub event_id: String,
    pub sender: String,
    pub kind: ActivityKind,
    /// `origin_server_ts`, milliseconds.
    pub ts: i64,
    pub post_id: String,
    pub thread_root: Option<String>,
    pub body: Option<String>,
}

impl Contribution {
    fn of(room: &str, ev: &ClientEvent) -> Option<Contribution> {
        let (kind, post_id, thread_root, body) = classify(ev)?;
        Some(Contribution {
            room_id: room.to_string(),
            event_id: ev.event_id.clone(),
            sender: ev.sender.clone(),
            kind,
            ts: ev.origin_server_ts,
            post_id,
            thread_root,
            body,
        })
    }
}

fn kind_text(k: ActivityKind) -> &'static str {
    match k {
        ActivityKind::Post => "post",
        ActivityKind::Reply => "reply",
        ActivityKind::Reaction => "reaction",
    }
}

fn kind_of_text(s: &str) -> Option<ActivityKind> {
    Some(match s {
        "post" => ActivityKind::Post,
        "reply" => ActivityKind::Reply,
        "reaction" => ActivityKind::Reaction,
        _ => return None,
    })
}

pub(super) struct ActivityCache {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl ActivityCache {
    /// Opens (or creates, readable by its owner only) the cache of homeserver `server`.
    pub fn open(path: &Path, server: &str) -> Result<ActivityCache> {
        crate::core::ledger::create_private(path)?;
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open activity cache {}", path.display()))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .and_then(|()| conn.execute_batch(SCHEMA))
            .with_context(|| format!("{} is not a usable esnctl activity cache", path.display()))?;
        let have: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'server'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match have {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('server', ?1)",
                    [server],
                )?;
            }
            Some(have) if have != server => {
                return Err(Error::usage(format!(
                    "activity cache {} belongs to homeserver \"{have}\", not \"{server}\"; \
                     set another activity_cache in the profile",
                    path.display()
                ))
                .into())
            }
            Some(_) => {}
        }
        Ok(ActivityCache {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the last read of `room` stopped.
    pub fn next_from(&self, room: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT next_from FROM rooms WHERE room_id = ?1")?
            .query_row([room], |r| r.get(0))
            .optional()?)
    }

    /// Stores a page's contributions and the token after it, together.
    pub fn store(&self, room: &str, rows: &[Contribution], next: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO events \
                 (room_id, event_id, sender, kind, ts, post_id, thread_root, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for c in rows {
                insert.execute(params![
                    c.room_id,
                    c.event_id,
                    c.sender,
                    kind_text(c.kind),
                    c.ts,
                    c.post_id,
                    c.thread_root,
                    c.body
                ])?;
            }
            tx.prepare_cached(
                "INSERT INTO rooms (room_id, next_from) VALUES (?1, ?2) \
                 ON CONFLICT (room_id) DO UPDATE SET next_from = excluded.next_from",
            )?
            .execute(params![room, next])?;
        }
        tx.commit()
            .with_context(|| format!("cannot write activity cache {}", self.path.display()))?;
        Ok(())
    }

    /// Every stored contribution made at or after `since_ms`, in time order.
    pub fn since(&self, since_ms: i64) -> Result<Vec<Contribution>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT room_id, event_id, sender, kind, ts, post_id, thread_root, body \
             FROM events WHERE ts >= ?1 ORDER BY ts",
        )?;
        let rows = stmt.query_map([since_ms], |r| {
            Ok((
                Contribution {
                    room_id: r.get(0)?,
                    event_id: r.get(1)?,
                    sender: r.get(2)?,
                    kind: ActivityKind::Post,
                    ts: r.get(4)?,
                    post_id: r.get(5)?,
                    thread_root: r.get(6)?,
                    body: r.get(7)?,
                },
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut c, kind) = row?;
            if let Some(k) = kind_of_text(&kind) {
                c.kind = k;
                out.push(c);
            }
        }
        Ok(out)
    }
}

impl MatrixConnector {
    /// Reads `room`'s timeline. With a cache: from where its last read stopped, storing
    /// the new contributions there (and answering none: the caller asks the cache).
    /// Without: the whole timeline, answering the contributions at or after `since_ms`.
    pub(super) async fn room_contributions(
        &self,
        room: &str,
        since_ms: i64,
        cache: Option<&ActivityCache>,
    ) -> Result<Vec<Contribution>> {
        let mut from = match cache {
            Some(c) => c.next_from(room)?,
            None => None,
        };
        let mut out = Vec::new();
        loop {
            let page: Page<ClientEvent> = self.messages_page(room, from.as_deref(), TYPES).await?;
            let rows: Vec<Contribution> = page
                .chunk
                .iter()
                .filter_map(|ev| Contribution::of(room, ev))
                .collect();
            if let (Some(c), Some(end)) = (cache, &page.end) {
                c.store(room, &rows, end)?;
            }
            if cache.is_none() {
                out.extend(rows.into_iter().filter(|c| c.ts >= since_ms));
            }
            match next_from(from.as_deref(), page.end) {
                Some(t) => from = Some(t),
                None => return Ok(out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(event: &str, ts: i64, kind: ActivityKind) -> Contribution {
        Contribution {
            room_id: "!r".into(),
            event_id: event.into(),
            sender: "@léa:x".into(),
            kind,
            ts,
            post_id: event.into(),
            thread_root: None,
            body: Some("Qui ferme ? 山田 🎉".into()),
        }
    }

    #[test]
    fn rows_and_tokens_survive_reopening_and_other_servers_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("activity.db");
        let cache = ActivityCache::open(&path, "localhost").unwrap();
        assert_eq!(cache.next_from("!r").unwrap(), None);
        // Arrival order is not time order: a back-dated event comes second.
        let rows = [
            row("$new", 2_000, ActivityKind::Post),
            row("$old", 1_000, ActivityKind::Reaction),
        ];
        cache.store("!r", &rows, "t1").unwrap();
        cache.store("!r", &rows[..1], "t2").unwrap(); // a repeated event is stored once
        drop(cache);
        let cache = ActivityCache::open(&path, "localhost").unwrap();
        assert_eq!(cache.next_from("!r").unwrap().as_deref(), Some("t2"));
        let all = cache.since(0).unwrap();
        assert_eq!(all, vec![rows[1].clone(), rows[0].clone()]);
        assert_eq!(cache.since(1_500).unwrap(), vec![rows[0].clone()]);
        assert!(ActivityCache::open(&path, "other.example").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
