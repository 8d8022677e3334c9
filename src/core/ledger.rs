//! The copy ledger: a SQLite file recording every copied record's source id and its id on
//! the destination, so an interrupted `content copy` resumes where it stopped and a second
//! run copies nothing twice.

use crate::connectors::{IdLookup, RecordKind};
use crate::error::{Error, Result};
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS copied (
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    copied_at TEXT NOT NULL,
    PRIMARY KEY (kind, source_id)
) WITHOUT ROWID;
";

pub struct Ledger {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// This open created the file: a run that then fails before committing anything
    /// removes it again (see `Drop`), so bad input leaves nothing beside the destination.
    created: bool,
    /// When this run started: every record it copies is stamped with it (formatting a
    /// clock reading per record costs more than the insert).
    run_started: String,
}

impl Ledger {
    /// Opens (or creates, readable by its owner only) the ledger of a copy from `source`
    /// to `destination`. A ledger made for another pair is refused: its ids would be wrong.
    /// One that recorded nothing yet is taken over (a run that failed on bad input must
    /// not block the corrected command).
    pub fn open(path: &Path, source: &str, destination: &str) -> Result<Ledger> {
        let created = create_private(path)?;
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open state file {}", path.display()))?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .and_then(|()| conn.execute_batch(SCHEMA))
            .with_context(|| format!("{} is not a usable esnctl state file", path.display()))?;
        for (key, want) in [("source", source), ("destination", destination)] {
            let have: Option<String> = conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()?;
            match have {
                None => {
                    conn.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [key, want])?;
                }
                Some(have) if have != want && !has_records(&conn)? => {
                    conn.execute("UPDATE meta SET value = ?2 WHERE key = ?1", [key, want])?;
                }
                Some(have) if have != want => {
                    return Err(Error::usage(format!(
                        "state file {} records a copy with {key} \"{have}\", not \"{want}\"; \
                         pass another --state FILE",
                        path.display()
                    ))
                    .into())
                }
                Some(_) => {}
            }
        }
        Ok(Ledger {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            created,
            run_started: jiff::Timestamp::now().to_string(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// True when nothing was copied yet (the first run can skip look-ups).
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM copied", [], |r| r.get(0))?;
        Ok(n == 0)
    }

    pub fn begin(&self) -> Result<()> {
        self.conn().execute_batch("BEGIN")?;
        Ok(())
    }

    pub fn commit(&self) -> Result<()> {
        self.conn()
            .execute_batch("COMMIT")
            .with_context(|| format!("cannot write state file {}", self.path.display()))?;
        Ok(())
    }

    pub fn record(&self, kind: RecordKind, source_id: &str, target_id: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO copied (kind, source_id, target_id, copied_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                kind.as_str(),
                source_id,
                target_id,
                self.run_started
            ])?;
        Ok(())
    }

    pub fn lookup(&self, kind: RecordKind, source_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT target_id FROM copied WHERE kind = ?1 AND source_id = ?2")?
            .query_row(params![kind.as_str(), source_id], |r| r.get(0))
            .optional()?)
    }
}

impl IdLookup for Ledger {
    fn target_id(&self, kind: RecordKind, source_id: &str) -> Result<Option<String>> {
        self.lookup(kind, source_id)
    }
}

impl Drop for Ledger {
    /// A transaction still open here belongs to a run that failed: it is rolled back (as
    /// closing would), and a file this run created that holds no record is removed.
    fn drop(&mut self) {
        let conn = self.conn.get_mut().unwrap_or_else(|p| p.into_inner());
        if conn.is_autocommit() {
            return;
        }
        let _ = conn.execute_batch("ROLLBACK");
        if !self.created || has_records(conn).unwrap_or(true) {
            return;
        }
        // Close before removing, so SQLite does not write its WAL back afterwards.
        if let Ok(memory) = Connection::open_in_memory() {
            drop(std::mem::replace(conn, memory));
            for suffix in ["", "-wal", "-shm"] {
                let mut p = self.path.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

fn has_records(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row("SELECT count(*) FROM copied", [], |r| r.get(0))?;
    Ok(n > 0)
}

/// Creates a state file with mode 0600 if it does not exist (state files name people and
/// records: the copy ledger, the rollout ledger, the Matrix activity cache).
/// True when this call created it.
pub(crate) fn create_private(path: &Path) -> Result<bool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => {
            Err(anyhow::Error::new(e)
                .context(format!("cannot create state file {}", path.display())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_reopening_and_other_pairs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let ledger = Ledger::open(&path, "slack-export:a", "bundle:b").unwrap();
        assert!(ledger.is_empty().unwrap());
        ledger.begin().unwrap();
        ledger.record(RecordKind::Post, "C1:1.0", "$ev1").unwrap();
        ledger.commit().unwrap();
        drop(ledger);
        let ledger = Ledger::open(&path, "slack-export:a", "bundle:b").unwrap();
        assert_eq!(
            ledger
                .lookup(RecordKind::Post, "C1:1.0")
                .unwrap()
                .as_deref(),
            Some("$ev1")
        );
        assert_eq!(ledger.lookup(RecordKind::User, "C1:1.0").unwrap(), None);
        assert!(Ledger::open(&path, "slack-export:other", "bundle:b").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn uncommitted_records_are_lost_with_the_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let ledger = Ledger::open(&path, "a", "b").unwrap();
        ledger.begin().unwrap();
        ledger.record(RecordKind::Post, "p1", "p1").unwrap();
        drop(ledger);
        let ledger = Ledger::open(&path, "a", "b").unwrap();
        assert!(ledger.is_empty().unwrap());
    }

    #[test]
    fn a_failed_first_run_leaves_no_file_and_an_empty_ledger_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let ledger = Ledger::open(&path, "bundle:wrong", "bundle:out").unwrap();
        ledger.begin().unwrap();
        ledger.record(RecordKind::User, "u1", "u1").unwrap();
        drop(ledger);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");

        // Kept when it existed before (it may hold what an earlier run committed).
        let ledger = Ledger::open(&path, "bundle:wrong", "bundle:out").unwrap();
        drop(ledger);
        let ledger = Ledger::open(&path, "bundle:wrong", "bundle:out").unwrap();
        ledger.begin().unwrap();
        drop(ledger);
        assert!(path.exists());
        // Nothing recorded: another source may take it over.
        let ledger = Ledger::open(&path, "bundle:right", "bundle:out").unwrap();
        ledger.record(RecordKind::User, "u1", "u1").unwrap();
        drop(ledger);
        assert!(Ledger::open(&path, "bundle:wrong", "bundle:out").is_err());
    }
}
