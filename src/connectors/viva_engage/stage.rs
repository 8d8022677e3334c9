//! The one pass over Messages.csv and Files.csv: every row is validated and copied into
//! a temporary SQLite database, so that posts can then be read back in time order per
//! community (the export is not sorted) with memory that does not grow with the file.

use super::body::{is_true, parse_attachments, parse_time};
use super::meta::{Meta, ALL_COMPANY_KEY};
use super::table::Table;
use crate::error::{Error, Result};
use anyhow::Context;
use rusqlite::{params, Connection, OpenFlags};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "
CREATE TABLE msgs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  replied_to TEXT NOT NULL,
  community TEXT NOT NULL,
  private INTEGER NOT NULL,
  participants TEXT NOT NULL,
  sender TEXT NOT NULL,
  body TEXT NOT NULL,
  attachments TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  origin TEXT NOT NULL
);
CREATE TABLE files (file_id TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL);
CREATE TABLE dm_thread (thread_id TEXT PRIMARY KEY, community TEXT NOT NULL);
CREATE TABLE dm (community TEXT PRIMARY KEY, members TEXT NOT NULL);
";

/// What the pass found besides the rows themselves.
#[derive(Debug, Default)]
pub struct Summary {
    pub messages: u64,
    pub deleted: u64,
    /// The first deleted messages' origins and ids, for the warning.
    pub deleted_sample: Vec<String>,
    /// Ids used by messages that Users.csv does not list, with where first seen.
    pub unknown_users: BTreeMap<String, String>,
    /// Group ids used by messages that Groups.csv does not list.
    pub unknown_groups: BTreeMap<String, String>,
    pub all_company: bool,
}

/// The staging database; removed with its folder when dropped.
pub struct Staged {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Staged {
    pub fn create() -> Result<(Staged, Connection)> {
        let dir = tempfile::Builder::new()
            .prefix("esnctl-viva-")
            .tempdir()
            .context("cannot create a temporary folder for sorting messages")?;
        let path = dir.path().join("stage.db");
        let db = Connection::open(&path).context("cannot create the staging database")?;
        // A scratch database: losing it in a crash costs nothing, so skip the journal.
        db.execute_batch("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")?;
        db.execute_batch(SCHEMA)?;
        Ok((Staged { _dir: dir, path }, db))
    }

    pub fn open_read(&self) -> Result<Connection> {
        Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .context("cannot open the staging database")
    }
}

/// Files.csv: `file_id` (or `id`), `name`, `path` (relative to the export's root).
pub fn stage_files(db: &Connection, file: &str, input: &mut dyn Read) -> Result<u64> {
    let mut t = Table::open(file, input, &["name"])?;
    let id_col = if t.has("file_id") { "file_id" } else { "id" };
    let mut insert = db.prepare("INSERT OR REPLACE INTO files VALUES (?1, ?2, ?3)")?;
    let mut n = 0;
    while let Some(row) = t.next_row()? {
        let id = row.required(id_col)?;
        let path = row.get("path");
        if !path.is_empty() && !crate::connectors::export_archive::is_safe_name(path) {
            return Err(row.error("path", format!("\"{path}\" points outside the export")));
        }
        insert.execute(params![id, row.get("name"), path])?;
        n += 1;
    }
    Ok(n)
}

/// Messages.csv into `msgs`, then the private conversations into `dm_thread`/`dm`.
pub fn stage_messages(
    db: &mut Connection,
    meta: &Meta,
    file: &str,
    input: &mut dyn Read,
) -> Result<Summary> {
    let mut t = Table::open(
        file,
        input,
        &["id", "thread_id", "sender_id", "body", "created_at"],
    )?;
    let mut s = Summary::default();
    let tx = db.transaction()?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO msgs (id, thread_id, replied_to, community, private, participants, \
             sender, body, attachments, created, deleted, origin) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        while let Some(row) = t.next_row()? {
            let id = row.required("id")?;
            let thread = Some(row.get("thread_id"))
                .filter(|t| !t.is_empty())
                .unwrap_or(id);
            let sender = row.required("sender_id")?;
            let created_raw = row.required("created_at")?;
            let created = parse_time(created_raw).ok_or_else(|| {
                row.error("created_at", format!("\"{created_raw}\" is not a date"))
            })?;
            let deleted_at = row.get("deleted_at");
            if !deleted_at.is_empty() && parse_time(deleted_at).is_none() {
                return Err(row.error("deleted_at", format!("\"{deleted_at}\" is not a date")));
            }
            let private = is_true(row.get("in_private_conversation"));
            let participants = row.get("participants");
            let mut referenced: Vec<&str> = vec![sender];
            for p in participants
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let Some(uid) = p.strip_prefix("user:") else {
                    return Err(row.error("participants", format!("\"{p}\" is not user:ID")));
                };
                referenced.push(uid);
            }
            let body = row.raw("body");
            referenced.extend(mention_ids(body));
            for uid in referenced {
                if !meta.user_keys.contains_key(uid) {
                    s.unknown_users
                        .entry(uid.to_string())
                        .or_insert_with(|| row.origin());
                }
            }
            let group = row.get("group_id");
            let community = if private {
                String::new() // set below, from the conversation's participants
            } else if group.is_empty() {
                s.all_company = true;
                ALL_COMPANY_KEY.to_string()
            } else if let Some(k) = meta.group_keys.get(group) {
                k.clone()
            } else {
                s.unknown_groups
                    .entry(group.to_string())
                    .or_insert_with(|| row.origin());
                unknown_group_key(group)
            };
            let attachments = row.get("attachments");
            // Validated here so that a bad reference fails before any record is produced.
            let refs = parse_attachments(attachments);
            if !attachments.is_empty() && refs.files.is_empty() && refs.links.is_empty() {
                return Err(row.error(
                    "attachments",
                    "neither uploadedfile:ID nor opengraphobject:[…]",
                ));
            }
            let deleted = !deleted_at.is_empty();
            s.messages += 1;
            if deleted {
                s.deleted += 1;
                if s.deleted_sample.len() < 20 {
                    s.deleted_sample.push(format!("{} (id {id})", row.origin()));
                }
            }
            insert.execute(params![
                id,
                thread,
                row.get("replied_to_id"),
                community,
                private,
                participants,
                sender,
                body,
                attachments,
                created.as_microsecond(),
                deleted,
                row.origin(),
            ])?;
        }
    }
    tx.execute_batch(
        "CREATE INDEX msgs_order ON msgs (community, created, seq);
         CREATE INDEX msgs_id ON msgs (id);
         CREATE INDEX msgs_private ON msgs (private, thread_id);",
    )?;
    group_private_conversations(&tx, meta)?;
    tx.commit()?;
    Ok(s)
}

pub fn unknown_group_key(group_id: &str) -> String {
    format!("group-{group_id}")
}

fn mention_ids(body: &str) -> impl Iterator<Item = &str> {
    body.split("[[user:").skip(1).filter_map(|rest| {
        let id = &rest[..rest.find("]]")?];
        Some(id).filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric()))
    })
}

/// One community per set of people: a private thread's set is the union of its
/// messages' participants and senders, so two threads between the same people share one
/// conversation. Streams the private messages in thread order (one thread in memory).
fn group_private_conversations(db: &Connection, meta: &Meta) -> Result<()> {
    let mut select = db.prepare(
        "SELECT thread_id, participants, sender FROM msgs WHERE private = 1 ORDER BY thread_id",
    )?;
    let mut put_thread = db.prepare("INSERT INTO dm_thread VALUES (?1, ?2)")?;
    let mut put_dm = db.prepare("INSERT OR IGNORE INTO dm VALUES (?1, ?2)")?;
    let mut flush = |thread: &str, ids: &BTreeSet<String>| -> Result<()> {
        let mut keys: Vec<String> = ids.iter().map(|i| meta.key_of(i)).collect();
        keys.sort();
        keys.dedup();
        let community = format!("dm-{}", keys.join("--"));
        put_thread.execute(params![thread, community])?;
        put_dm.execute(params![community, keys.join(",")])?;
        Ok(())
    };
    let mut rows = select.query([])?;
    let mut current: Option<(String, BTreeSet<String>)> = None;
    while let Some(r) = rows.next()? {
        let thread: String = r.get(0)?;
        let participants: String = r.get(1)?;
        let sender: String = r.get(2)?;
        if current.as_ref().is_some_and(|(t, _)| *t != thread) {
            let (t, ids) = current.take().expect("checked");
            flush(&t, &ids)?;
        }
        let (_, ids) = current.get_or_insert_with(|| (thread, BTreeSet::new()));
        ids.insert(sender);
        for p in participants
            .split(',')
            .filter_map(|p| p.trim().strip_prefix("user:"))
        {
            ids.insert(p.to_string());
        }
    }
    if let Some((t, ids)) = current {
        flush(&t, &ids)?;
    }
    drop(rows);
    db.execute(
        "UPDATE msgs SET community = (SELECT community FROM dm_thread d WHERE d.thread_id = msgs.thread_id) \
         WHERE private = 1",
        [],
    )?;
    Ok(())
}

/// The staged file of an id, for attachments: (name, path in the export).
pub fn file_row(db: &Connection, file_id: &str) -> Result<Option<(String, String)>> {
    let mut q = db.prepare_cached("SELECT name, path FROM files WHERE file_id = ?1")?;
    let mut rows = q.query(params![file_id])?;
    match rows.next()? {
        Some(r) => Ok(Some((r.get(0)?, r.get(1)?))),
        None => Ok(None),
    }
}

/// Where a file's bytes are: Files.csv's `path`, else `files/<id>` or `files/<id>.<ext>`
/// (the names the export gives the files folder).
pub fn locate(
    files_index: &std::collections::HashMap<String, String>,
    all: &std::collections::HashSet<String>,
    file_id: &str,
    path: &str,
) -> Option<String> {
    if !path.is_empty() && all.contains(path) {
        return Some(path.to_string());
    }
    files_index.get(file_id).cloned()
}

/// `files/<stem>.<ext>` → stem, for the fallback lookup.
pub fn index_files_folder(all: &[String]) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    for f in all {
        let Some(name) = f
            .strip_prefix("files/")
            .or_else(|| f.strip_prefix("Files/"))
        else {
            continue;
        };
        let stem = Path::new(name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name);
        out.entry(stem.to_string()).or_insert_with(|| f.clone());
    }
    out
}

/// Fails with exit 3 when the export lacks a required file.
pub fn missing_file(location: &Path, name: &str) -> anyhow::Error {
    Error::invalid_data(format!(
        "{}: {name} is missing; is this a Viva Engage (Yammer) network data export?",
        location.display()
    ))
    .into()
}
