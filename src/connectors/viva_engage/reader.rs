//! Canonical records from a staged export, in `ReadContent` order: users, placeholder
//! users, communities, memberships, posts (community by community, by `created_at`),
//! attachments. Posts are read back from the staging database in pages of [`PAGE`]
//! rows, so memory stays flat.
//!
//! Decisions recorded here:
//! - deleted messages (`deleted_at` set) are left out; their count and first ids are
//!   logged as a warning when the stream starts;
//! - a reply whose thread starter is deleted or outside the export becomes a root post
//!   with `extra.thread_root_missing` = the starter's id, so no reply points nowhere; a
//!   `replied_to_id` that is not available falls back to the thread starter;
//! - a file whose bytes are not in the export is listed in the post's
//!   `extra.missing_files` (a JSON array of names) and counted in a warning.

use super::body::{append_link, parse_attachments, replace_mentions};
use super::meta::{all_company, dm_community, placeholder_user, Meta};
use super::stage::{file_row, locate, unknown_group_key};
use super::Export;
use crate::connectors::bundle::attachments::sha256_of;
use crate::connectors::export_archive::glue::Steps;
use crate::connectors::{Located, Record};
use crate::core::model::{Attachment, Community, Membership, Post};
use crate::error::{Error, Result};
use jiff::Timestamp;
use rusqlite::{params, Connection};
use std::collections::VecDeque;
use std::sync::Arc;

const PAGE: i64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Users,
    Communities,
    Memberships,
    Posts,
    Attachments,
    Done,
}

/// Where the last page ended: (community, created, seq).
type Cursor = (String, i64, i64);

pub struct Content {
    export: Arc<Export>,
    db: Connection,
    stage: Stage,
    cursor: Option<Cursor>,
    queue: VecDeque<Located<Record>>,
    missing_files: u64,
}

struct Msg {
    seq: i64,
    id: String,
    thread_id: String,
    replied_to: String,
    community: String,
    sender: String,
    body: String,
    attachments: String,
    created: i64,
    origin: String,
}

impl Content {
    pub fn new(export: Arc<Export>) -> Result<Content> {
        let s = &export.summary;
        if s.deleted > 0 {
            tracing::warn!(
                "{} deleted message(s) left out: {}{}",
                s.deleted,
                s.deleted_sample.join(", "),
                if s.deleted as usize > s.deleted_sample.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
        for w in &export.meta.warnings {
            tracing::warn!("{w}");
        }
        Ok(Content {
            db: export.staged.open_read()?,
            export,
            stage: Stage::Users,
            cursor: None,
            queue: VecDeque::new(),
            missing_files: 0,
        })
    }

    fn push(&mut self, origin: String, record: Record) {
        self.queue.push_back(Located { origin, record });
    }

    fn fill(&mut self) -> Result<()> {
        let export = Arc::clone(&self.export);
        match self.stage {
            Stage::Users => {
                for (origin, u) in &export.meta.users {
                    self.push(origin.clone(), Record::User(u.clone()));
                }
                for (id, origin) in &export.summary.unknown_users {
                    self.push(origin.clone(), Record::User(placeholder_user(id)));
                }
                self.stage = Stage::Communities;
            }
            Stage::Communities => {
                for (origin, c) in &export.meta.groups {
                    self.push(origin.clone(), Record::Community(c.clone()));
                }
                if export.summary.all_company {
                    self.push("Messages.csv".into(), Record::Community(all_company()));
                }
                for (gid, origin) in &export.summary.unknown_groups {
                    let mut c = Community {
                        key: unknown_group_key(gid),
                        name: format!("Group {gid}"),
                        ..Default::default()
                    };
                    c.extra.insert("yammer_id".into(), gid.clone());
                    c.extra.insert("placeholder".into(), "true".into());
                    self.push(origin.clone(), Record::Community(c));
                }
                for (key, members) in dms(&self.db)? {
                    let names: Vec<String> = members
                        .iter()
                        .map(|k| display_of(&export.meta, k))
                        .collect();
                    let c = dm_community(&key, &members, &names);
                    self.push("Messages.csv".into(), Record::Community(c));
                }
                self.stage = Stage::Memberships;
            }
            Stage::Memberships => {
                for (key, members) in dms(&self.db)? {
                    for user in members {
                        let m = Membership {
                            community: key.clone(),
                            user,
                            joined_at: None,
                        };
                        self.push("Messages.csv".into(), Record::Membership(m));
                    }
                }
                self.stage = Stage::Posts;
            }
            Stage::Posts | Stage::Attachments => {
                let page = self.page()?;
                if page.is_empty() {
                    self.cursor = None;
                    if self.stage == Stage::Posts && self.missing_files > 0 {
                        tracing::warn!(
                            "{} file(s) referenced by messages are not in the export; their \
                             names are kept in the posts' extra.missing_files",
                            self.missing_files
                        );
                    }
                    self.stage = if self.stage == Stage::Posts {
                        Stage::Attachments
                    } else {
                        Stage::Done
                    };
                    return Ok(());
                }
                for m in page {
                    self.cursor = Some((m.community.clone(), m.created, m.seq));
                    if self.stage == Stage::Posts {
                        let post = self.post(&m)?;
                        self.push(m.origin.clone(), Record::Post(post));
                    } else {
                        self.attachments(&m)?;
                    }
                }
            }
            Stage::Done => {}
        }
        Ok(())
    }

    /// The next page of live messages (the attachments pass only needs those with files).
    fn page(&self) -> Result<Vec<Msg>> {
        let files_only = if self.stage == Stage::Attachments {
            "AND attachments LIKE '%uploadedfile:%'"
        } else {
            ""
        };
        let (c, t, s) = self
            .cursor
            .clone()
            .unwrap_or((String::new(), i64::MIN, i64::MIN));
        let sql = format!(
            "SELECT seq, id, thread_id, replied_to, community, sender, body, attachments, \
             created, origin FROM msgs WHERE deleted = 0 {files_only} \
             AND (community, created, seq) > (?1, ?2, ?3) \
             ORDER BY community, created, seq LIMIT ?4"
        );
        let mut q = self.db.prepare_cached(&sql)?;
        let rows = q.query_map(params![c, t, s, PAGE], |r| {
            Ok(Msg {
                seq: r.get(0)?,
                id: r.get(1)?,
                thread_id: r.get(2)?,
                replied_to: r.get(3)?,
                community: r.get(4)?,
                sender: r.get(5)?,
                body: r.get(6)?,
                attachments: r.get(7)?,
                created: r.get(8)?,
                origin: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Is this message in the export and not deleted?
    fn live(&self, id: &str) -> Result<bool> {
        let mut q = self
            .db
            .prepare_cached("SELECT 1 FROM msgs WHERE id = ?1 AND deleted = 0 LIMIT 1")?;
        Ok(q.exists(params![id])?)
    }

    fn post(&mut self, m: &Msg) -> Result<Post> {
        let meta = &self.export.meta;
        let (mut body, mentions) = replace_mentions(&m.body, |id| meta.key_of(id));
        let refs = parse_attachments(&m.attachments);
        for (url, title) in &refs.links {
            append_link(&mut body, url, title.as_deref());
        }
        let mut post = Post {
            id: m.id.clone(),
            community: m.community.clone(),
            author: meta.key_of(&m.sender),
            created_at: Timestamp::from_microsecond(m.created)?,
            edited_at: None,
            body,
            thread_root: None,
            parent: None,
            mentions,
            extra: Default::default(),
        };
        if m.thread_id != m.id {
            if self.live(&m.thread_id)? {
                post.thread_root = Some(m.thread_id.clone());
                let parent = if !m.replied_to.is_empty() && self.live(&m.replied_to)? {
                    m.replied_to.clone()
                } else {
                    m.thread_id.clone()
                };
                post.parent = Some(parent);
            } else {
                post.extra
                    .insert("thread_root_missing".into(), m.thread_id.clone());
            }
        }
        let mut missing = Vec::new();
        for fid in &refs.files {
            if self.file_location(fid)?.is_none() {
                let name = file_row(&self.db, fid)?.map_or_else(|| format!("file {fid}"), |r| r.0);
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            self.missing_files += missing.len() as u64;
            post.extra.insert(
                "missing_files".into(),
                serde_json::to_string(&missing).expect("strings serialize"),
            );
        }
        Ok(post)
    }

    /// (name, path in the export) of a file whose bytes the export has.
    fn file_location(&self, file_id: &str) -> Result<Option<(String, String)>> {
        let row = file_row(&self.db, file_id)?;
        let (name, path) = row.clone().unwrap_or_default();
        let export = &self.export;
        Ok(
            locate(&export.files_index, &export.all_files, file_id, &path).map(|p| {
                let name = if name.is_empty() {
                    p.rsplit('/').next().unwrap_or(&p).to_string()
                } else {
                    name
                };
                (name, p)
            }),
        )
    }

    fn attachments(&mut self, m: &Msg) -> Result<()> {
        for fid in parse_attachments(&m.attachments).files {
            let Some((name, rel)) = self.file_location(&fid)? else {
                continue;
            };
            let (sha256, size) = {
                let mut archive = self.export.lock_archive();
                archive.with_reader(&rel, |r| {
                    sha256_of(r).map_err(|e| {
                        Error::invalid_data(format!("{rel}: cannot be read: {e}")).into()
                    })
                })?
            };
            let a = Attachment {
                id: attachment_id(&fid, &m.id),
                post: m.id.clone(),
                media_type: media_type(&name).into(),
                name,
                size,
                sha256,
            };
            self.push(m.origin.clone(), Record::Attachment(a));
        }
        Ok(())
    }
}

impl Steps for Content {
    fn queue(&mut self) -> &mut VecDeque<Located<Record>> {
        &mut self.queue
    }

    fn advance(&mut self) -> Result<bool> {
        if self.stage == Stage::Done {
            return Ok(false);
        }
        self.fill()?;
        Ok(true)
    }

    fn stop(&mut self) {
        self.stage = Stage::Done;
    }
}

/// A file can be attached to several messages: the attachment id names both.
pub fn attachment_id(file_id: &str, message_id: &str) -> String {
    format!("{file_id}@{message_id}")
}

pub fn file_id_of(attachment: &Attachment) -> &str {
    attachment.id.split('@').next().unwrap_or("")
}

/// Private conversations and their member keys, in key order.
fn dms(db: &Connection) -> Result<Vec<(String, Vec<String>)>> {
    let mut q = db.prepare_cached("SELECT community, members FROM dm ORDER BY community")?;
    let rows = q.query_map([], |r| {
        let members: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            members.split(',').map(str::to_string).collect(),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn display_of(meta: &Meta, key: &str) -> String {
    meta.users
        .iter()
        .find(|(_, u)| u.key == key)
        .and_then(|(_, u)| u.display_name.clone())
        .unwrap_or_else(|| key.to_string())
}

/// The media type of common file extensions; anything else is `application/octet-stream`.
pub fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        Some("md") => "text/markdown",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("mp4") => "video/mp4",
        Some("mp3") => "audio/mpeg",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xls") => "application/vnd.ms-excel",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("ppt") => "application/vnd.ms-powerpoint",
        Some("pptx") => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}
