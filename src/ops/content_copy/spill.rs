//! The disk overflow of the copy lanes ([`super::lanes`]): records waiting for their lane,
//! in a temporary SQLite file (mode 0600: it holds message text), deleted with it.

use crate::connectors::{Located, Record};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User};
use crate::error::Result;
use anyhow::Context;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// A record as stored on disk.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", content = "record")]
enum Stored {
    User(User),
    Community(Community),
    Membership(Membership),
    Post(Post),
    Reaction(Reaction),
    Attachment(Attachment),
}

impl From<Record> for Stored {
    fn from(r: Record) -> Self {
        match r {
            Record::User(x) => Stored::User(x),
            Record::Community(x) => Stored::Community(x),
            Record::Membership(x) => Stored::Membership(x),
            Record::Post(x) => Stored::Post(x),
            Record::Reaction(x) => Stored::Reaction(x),
            Record::Attachment(x) => Stored::Attachment(x),
        }
    }
}

impl From<Stored> for Record {
    fn from(s: Stored) -> Self {
        match s {
            Stored::User(x) => Record::User(x),
            Stored::Community(x) => Record::Community(x),
            Stored::Membership(x) => Record::Membership(x),
            Stored::Post(x) => Record::Post(x),
            Stored::Reaction(x) => Record::Reaction(x),
            Stored::Attachment(x) => Record::Attachment(x),
        }
    }
}

/// The on-disk overflow: one table, rows in insertion order (`seq` is the rowid: a new
/// one is always above every existing one, so a lane's rows stay in order).
pub(super) struct Spill {
    conn: Connection,
    /// Deleted (with the database) when the copy ends.
    _file: tempfile::NamedTempFile,
}

impl Spill {
    pub fn new() -> Result<Spill> {
        // tempfile creates the file readable by its owner only: it holds message text.
        let file = tempfile::Builder::new()
            .prefix("esnctl-copy-queue-")
            .suffix(".db")
            .tempfile()
            .context("cannot create a temporary file for the copy queue")?;
        let conn = Connection::open(file.path())?;
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
             CREATE TABLE q (seq INTEGER PRIMARY KEY, lane TEXT NOT NULL,
                             origin TEXT NOT NULL, record TEXT NOT NULL);
             CREATE INDEX q_lane ON q (lane, seq);",
        )
        .context("cannot set up the copy queue's temporary database")?;
        Ok(Spill { conn, _file: file })
    }

    pub fn put(&mut self, lane: &str, item: Located<Record>) -> Result<()> {
        let record = serde_json::to_string(&Stored::from(item.record))?;
        self.conn
            .prepare_cached("INSERT INTO q (lane, origin, record) VALUES (?1, ?2, ?3)")?
            .execute(params![lane, item.origin, record])?;
        Ok(())
    }

    pub fn take(&mut self, lane: &str, max: usize) -> Result<Vec<Located<Record>>> {
        let mut out = Vec::new();
        let mut last = 0i64;
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT seq, origin, record FROM q WHERE lane = ?1 ORDER BY seq LIMIT ?2",
            )?;
            let mut rows = stmt.query(params![lane, max as i64])?;
            while let Some(row) = rows.next()? {
                last = row.get(0)?;
                let record: String = row.get(2)?;
                let stored: Stored = serde_json::from_str(&record)?;
                out.push(Located {
                    origin: row.get(1)?,
                    record: stored.into(),
                });
            }
        }
        self.conn
            .prepare_cached("DELETE FROM q WHERE lane = ?1 AND seq <= ?2")?
            .execute(params![lane, last])?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaction(post: &str, emoji: &str) -> Located<Record> {
        Located {
            origin: format!("reactions.jsonl:{post}"),
            record: Record::Reaction(Reaction {
                post: post.into(),
                user: "léa".into(),
                emoji: emoji.into(),
                created_at: None,
            }),
        }
    }

    #[test]
    fn lanes_come_back_in_order_and_whole() {
        let mut spill = Spill::new().unwrap();
        for (i, lane) in ["a", "b", "a", "a", "b"].iter().enumerate() {
            spill.put(lane, reaction(&format!("p{i}"), "👍🏽")).unwrap();
        }
        let a = spill.take("a", 2).unwrap();
        assert_eq!(a, vec![reaction("p0", "👍🏽"), reaction("p2", "👍🏽")]);
        spill.put("a", reaction("p5", "🎉")).unwrap();
        let rest: Vec<_> = spill.take("a", 10).unwrap();
        assert_eq!(rest, vec![reaction("p3", "👍🏽"), reaction("p5", "🎉")]);
        assert_eq!(spill.take("b", 10).unwrap().len(), 2);
        assert!(spill.take("a", 10).unwrap().is_empty());
    }
}
