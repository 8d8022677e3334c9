//! The copy ledger: a SQLite file recording every copied record's source id and its id on
//! the destination, so an interrupted `content copy` resumes where it stopped and a second
//! run copies nothing twice.

use crate::connectors::{IdLookup, RecordKind};
use crate::error::{Error, Result};
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

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

/// Rows handed to the background writer at once, and batches waiting for it: a bound on
/// the memory of records the ledger has been told about but not yet stored.
const BATCH: usize = 4096;
const BATCHES_QUEUED: usize = 4;

pub struct Ledger {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    /// This open created the file: a run that then fails before committing anything
    /// removes it again (see `Drop`), so bad input leaves nothing beside the destination.
    created: bool,
    /// When this run started: every record it copies is stamped with it (formatting a
    /// clock reading per record costs more than the insert).
    run_started: Arc<str>,
    /// Inside [`Ledger::begin`]: records are stored by a thread of their own.
    background: Mutex<Option<Background>>,
}

/// One copied record, as the background writer stores it.
struct Row {
    kind: RecordKind,
    source_id: String,
    target_id: String,
}

/// The writer thread of a transaction: a SQLite insert costs about as much as reading and
/// writing the record itself, so within one transaction (nothing is visible before the
/// commit anyway) rows are inserted in batches on another core.
struct Background {
    pending: Vec<Row>,
    /// Users, stored last: a copy writes them first, and their key (`user`, …) sorts
    /// after the posts' and reactions' that follow, so those would be inserted before them
    /// in the table's order; kept back, every post goes at the table's end, where SQLite
    /// inserts without searching from the root.
    users: Vec<Row>,
    queue: SyncSender<Vec<Row>>,
    thread: JoinHandle<Result<()>>,
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
        // Larger pages for a new file (an existing one keeps its own): a ledger gets one
        // row per record; measured, inserts cost a fifth less than with 4 KiB pages
        // (fewer page splits and levels). A 16 MiB page cache instead of SQLite's 2 MiB:
        // a run's rows go in one transaction, and with 2 MiB the B-tree's pages were
        // spilled to the WAL and read back all along (a 100k-message copy into a bundle
        // went from 0.90 s to 0.57 s). Bounded, so memory stays flat for larger copies.
        conn.execute_batch(
            "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA cache_size = -16384;",
        )
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
            conn: Arc::new(Mutex::new(conn)),
            created,
            run_started: jiff::Timestamp::now().to_string().into(),
            background: Mutex::new(None),
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

    /// Starts the transaction of a run whose records become visible together (a file
    /// destination): until [`Ledger::commit`], records are stored in the background.
    pub fn begin(&self) -> Result<()> {
        self.conn().execute_batch("BEGIN")?;
        let (queue, batches) = sync_channel::<Vec<Row>>(BATCHES_QUEUED);
        let conn = Arc::clone(&self.conn);
        let run_started = Arc::clone(&self.run_started);
        let thread = std::thread::Builder::new()
            .name("ledger".into())
            .spawn(move || {
                for batch in batches {
                    insert(
                        &conn.lock().unwrap_or_else(|p| p.into_inner()),
                        &batch,
                        &run_started,
                    )?;
                }
                Ok(())
            })
            .context("cannot start the ledger writer")?;
        *self.background() = Some(Background {
            pending: Vec::with_capacity(BATCH),
            users: Vec::new(),
            queue,
            thread,
        });
        Ok(())
    }

    /// Stores what is still queued, then commits the transaction.
    pub fn commit(&self) -> Result<()> {
        self.settle()?;
        self.conn()
            .execute_batch("COMMIT")
            .with_context(|| format!("cannot write state file {}", self.path.display()))?;
        Ok(())
    }

    fn background(&self) -> std::sync::MutexGuard<'_, Option<Background>> {
        self.background.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops the background writer once every queued row is stored; its error, if any.
    /// Later records are inserted at once.
    fn settle(&self) -> Result<()> {
        let Some(Background {
            pending,
            users,
            queue,
            thread,
        }) = self.background().take()
        else {
            return Ok(());
        };
        let sent = [pending, users]
            .into_iter()
            .filter(|rows| !rows.is_empty())
            .try_for_each(|rows| queue.send(rows));
        drop(queue);
        let stored = thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        stored.with_context(|| format!("cannot write state file {}", self.path.display()))?;
        // The writer only stops early on an error, returned above.
        sent.map_err(|_| anyhow::anyhow!("the ledger writer stopped"))?;
        Ok(())
    }

    pub fn record(
        &self,
        kind: RecordKind,
        source_id: impl Into<String>,
        target_id: impl Into<String>,
    ) -> Result<()> {
        let row = Row {
            kind,
            source_id: source_id.into(),
            target_id: target_id.into(),
        };
        let mut background = self.background();
        let Some(b) = background.as_mut() else {
            drop(background);
            return insert(&self.conn(), std::slice::from_ref(&row), &self.run_started);
        };
        if row.kind == RecordKind::User {
            b.users.push(row);
            return Ok(());
        }
        b.pending.push(row);
        if b.pending.len() >= BATCH {
            let batch = std::mem::replace(&mut b.pending, Vec::with_capacity(BATCH));
            if b.queue.send(batch).is_err() {
                // The writer failed: its error says why.
                drop(background);
                self.settle()?;
                anyhow::bail!("the ledger writer stopped");
            }
        }
        Ok(())
    }

    /// The target id of a copied record. A look-up first waits for the rows still queued
    /// (they may hold the answer), and from then on records are inserted at once: a run
    /// that looks records up does so for most of them, and a round trip to the writer
    /// per record would cost more than the insert.
    pub fn lookup(&self, kind: RecordKind, source_id: &str) -> Result<Option<String>> {
        self.settle()?;
        Ok(self
            .conn()
            .prepare_cached("SELECT target_id FROM copied WHERE kind = ?1 AND source_id = ?2")?
            .query_row(params![kind.as_str(), source_id], |r| r.get(0))
            .optional()?)
    }
}

/// Rows per execution of the multi-row insert: one statement and one B-tree cursor for
/// all of them, instead of a statement run and a search from the root per row.
const ROWS_PER_INSERT: usize = 64;

/// Inserts rows in key order (SQLite then finds each one's place next to the last one),
/// a later row for the same record last.
fn insert(conn: &Connection, rows: &[Row], run_started: &str) -> Result<()> {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    // Stable: of two rows for one record, the later one is inserted last and stays.
    sorted.sort_by(|a, b| (a.kind.as_str(), &a.source_id).cmp(&(b.kind.as_str(), &b.source_id)));
    let mut chunks = sorted.chunks_exact(ROWS_PER_INSERT);
    if chunks.len() > 0 {
        let values: Vec<String> = (0..ROWS_PER_INSERT)
            .map(|i| format!("(?{}, ?{}, ?{}, ?1)", 3 * i + 2, 3 * i + 3, 3 * i + 4))
            .collect();
        let mut stmt = conn.prepare_cached(&format!(
            "INSERT OR REPLACE INTO copied (kind, source_id, target_id, copied_at) VALUES {}",
            values.join(", ")
        ))?;
        let mut params: Vec<&str> = Vec::with_capacity(1 + 3 * ROWS_PER_INSERT);
        for chunk in chunks.by_ref() {
            params.clear();
            params.push(run_started);
            for row in chunk {
                params.extend([
                    row.kind.as_str(),
                    row.source_id.as_str(),
                    row.target_id.as_str(),
                ]);
            }
            stmt.execute(rusqlite::params_from_iter(&params))?;
        }
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO copied (kind, source_id, target_id, copied_at) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for row in chunks.remainder() {
        stmt.execute(params![
            row.kind.as_str(),
            row.source_id,
            row.target_id,
            run_started
        ])?;
    }
    Ok(())
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
        if let Some(b) = self
            .background
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            drop(b.queue);
            let _ = b.thread.join();
        }
        let Some(conn) = Arc::get_mut(&mut self.conn) else {
            return; // unreachable: the writer thread, the only other owner, has ended
        };
        let conn = conn.get_mut().unwrap_or_else(|p| p.into_inner());
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
