//! The rollout's state ledger: one SQLite file (mode 0600: it names people) beside the
//! plan, or wherever `--state` puts it.
//!
//! It records the rollout's name (a plan with another name is refused, so two rollouts
//! never share state by mistake), the current phase and when it started, the status, who
//! was provisioned by which phase, every transition (advance, pause, resume, abort) with
//! its actor and reason, and the welcome posts already written.
//!
//! An advance is written in one transaction, guarded by a revision number: two `advance`
//! runs at once cannot both move the rollout. The file uses SQLite's rollback journal, not
//! WAL, so that the single file is complete whenever no command runs: it can be copied to
//! another machine (`status` works from any machine that has it).

use crate::error::{Error, Kind, Result};
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

const KIND: &str = "esnctl-rollout";
const SCHEMA_VERSION: &str = "1";

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rollout (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    phase TEXT,
    phase_started_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'aborted')),
    revision INTEGER NOT NULL
);
CREATE TABLE users (
    key TEXT PRIMARY KEY,
    display_key TEXT NOT NULL,
    phase TEXT NOT NULL,
    action TEXT NOT NULL,
    provisioned_at TEXT NOT NULL
);
CREATE TABLE transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    from_phase TEXT,
    to_phase TEXT,
    at TEXT NOT NULL,
    forced INTEGER NOT NULL,
    reason TEXT,
    actor TEXT,
    gate TEXT
);
CREATE TABLE welcome_posts (
    phase TEXT NOT NULL,
    community TEXT NOT NULL,
    post_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    PRIMARY KEY (phase, community)
);
";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Paused,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Aborted => "aborted",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "paused" => Some(Status::Paused),
            "aborted" => Some(Status::Aborted),
            _ => None,
        }
    }
}

/// The rollout as the ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub name: String,
    /// `None` before the first advance.
    pub phase: Option<String>,
    pub phase_started_at: Option<Timestamp>,
    pub status: Status,
    /// Incremented by every write; an advance commits only if it is unchanged.
    pub revision: i64,
}

/// One recorded change of the rollout's phase or status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    /// `advance`, `pause`, `resume` or `abort`.
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: Timestamp,
    pub forced: bool,
    pub reason: Option<String>,
    /// `$USER` of whoever ran the command, when set.
    pub actor: Option<String>,
    /// The gate checks as they were when the phase was left (JSON), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gate: Option<serde_json::Value>,
}

/// A user the rollout provisioned, and the phase that first brought them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provisioned {
    pub key: String,
    pub phase: String,
    /// What the platform needed: `create`, `update`, `reactivate` or `unchanged`.
    pub action: String,
}

pub struct State {
    path: PathBuf,
    conn: Connection,
}

/// The default state file of a plan: `rollout.toml` → `rollout.state.sqlite`.
pub fn default_path(plan: &Path) -> PathBuf {
    plan.with_extension("state.sqlite")
}

/// `$USER`, recorded as the actor of each transition.
pub fn actor() -> Option<String> {
    std::env::var("USER").ok().filter(|u| !u.trim().is_empty())
}

impl State {
    /// Opens the state of rollout `name`, creating it (mode 0600) if the file does not
    /// exist. A file recording another rollout, or that is not a rollout state file, is a
    /// usage error (exit 2) and is left untouched.
    pub fn open(path: &Path, name: &str) -> Result<State> {
        crate::core::ledger::create_private(path)?;
        let mut state = Self::connect(path)?;
        if state.is_new()? {
            let tx = state.conn.transaction()?;
            tx.execute_batch(SCHEMA)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('kind', ?1), ('schema', ?2)",
                params![KIND, SCHEMA_VERSION],
            )?;
            tx.execute(
                "INSERT INTO rollout (id, name, status, revision) VALUES (1, ?1, 'active', 0)",
                [name],
            )?;
            tx.commit()
                .with_context(|| format!("cannot write state file {}", path.display()))?;
        }
        state.check(name)?;
        Ok(state)
    }

    /// Opens an existing state file without creating anything; `None` when there is none
    /// (the rollout has not started).
    pub fn open_existing(path: &Path, name: &str) -> Result<Option<State>> {
        if !path.exists() {
            return Ok(None);
        }
        let state = Self::connect(path)?;
        if state.is_new()? {
            return Ok(None);
        }
        state.check(name)?;
        Ok(Some(state))
    }

    fn connect(path: &Path) -> Result<State> {
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open state file {}", path.display()))?;
        // The default rollback journal (no WAL) is what keeps the file self-contained; no
        // pragma is set before the file is known to be ours.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(State {
            path: path.to_path_buf(),
            conn,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True for an empty database (just created).
    fn is_new(&self) -> Result<bool> {
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .with_context(|| format!("{} is not a SQLite file", self.path.display()))?;
        Ok(tables == 0)
    }

    fn check(&self, name: &str) -> Result<()> {
        let not_ours = || {
            Error::usage(format!(
                "{} is not an esnctl rollout state file; pass another --state FILE",
                self.path.display()
            ))
        };
        let kind: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'kind'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|_| not_ours())?;
        if kind.as_deref() != Some(KIND) {
            return Err(not_ours().into());
        }
        let have = self.snapshot()?.name;
        if have != name {
            return Err(Error::usage(format!(
                "state file {} belongs to rollout \"{have}\", not \"{name}\": is this the right \
                 plan? (pass --state FILE to keep this rollout's state elsewhere)",
                self.path.display()
            ))
            .into());
        }
        Ok(())
    }

    pub fn snapshot(&self) -> Result<Snapshot> {
        let row = self.conn.query_row(
            "SELECT name, phase, phase_started_at, status, revision FROM rollout WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )?;
        let corrupt = |what: &str| {
            Error::new(
                Kind::InvalidData,
                format!("state file {}: {what}", self.path.display()),
            )
        };
        let started = match row.2 {
            Some(t) => Some(
                t.parse::<Timestamp>()
                    .map_err(|_| corrupt(&format!("phase_started_at \"{t}\" is not a time")))?,
            ),
            None => None,
        };
        Ok(Snapshot {
            name: row.0,
            phase: row.1,
            phase_started_at: started,
            status: Status::parse(&row.3)
                .ok_or_else(|| corrupt(&format!("unknown status \"{}\"", row.3)))?,
            revision: row.4,
        })
    }

    /// Every provisioned user, in the order they were recorded.
    pub fn users(&self) -> Result<Vec<Provisioned>> {
        let mut stmt = self
            .conn
            .prepare("SELECT display_key, phase, action FROM users ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(Provisioned {
                key: r.get(0)?,
                phase: r.get(1)?,
                action: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn transitions(&self) -> Result<Vec<Transition>> {
        let mut stmt = self.conn.prepare(
            "SELECT kind, from_phase, to_phase, at, forced, reason, actor, gate \
             FROM transitions ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, from, to, at, forced, reason, actor, gate) = row?;
            out.push(Transition {
                kind,
                from,
                to,
                at: at.parse().unwrap_or(Timestamp::UNIX_EPOCH),
                forced,
                reason,
                actor,
                gate: gate.and_then(|g| serde_json::from_str(&g).ok()),
            });
        }
        Ok(out)
    }

    /// The destination id of a welcome post already written for (phase, community).
    pub fn welcome_posted(&self, phase: &str, community: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT target_id FROM welcome_posts WHERE phase = ?1 AND community = ?2",
                params![phase, community.to_lowercase()],
                |r| r.get(0),
            )
            .optional()?)
    }
}

mod write;

#[cfg(test)]
mod tests;
