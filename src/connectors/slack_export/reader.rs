//! Streaming conversion of a Slack export into canonical records.
//!
//! Sources followed (the export format has no formal specification):
//! - Slack, "How to read Slack data exports"
//!   (<https://slack.com/help/articles/220556107-How-to-read-Slack-data-exports>): the
//!   files (`users.json` or `org_users.json` for Enterprise Grid, `channels.json`,
//!   `groups.json`, `dms.json`, `mpims.json`) and one folder per conversation with one
//!   JSON file per day;
//! - Mattermost's importer, `mattermost/mmetl` `services/slack/{models,parse,
//!   intermediate}.go`: message fields and subtypes, folder = channel name or id,
//!   `__uploads/<file id>/<name>`, bot users matched by `profile.bot_id`, the legacy
//!   `file` + `upload`, threads from `thread_ts` (`thread_ts != ts` is a reply);
//! - `rusq/slackdump` `export.md`: the `<folder>/attachments/<id>-<name>` file layout.
//!
//! Order: users, communities, memberships, then posts (conversation by conversation, day
//! files in date order, messages of a day sorted by `ts`), reactions, attachments.
//! Memory does not grow with the number of messages: one day file is held at a time, plus
//! id maps (users, conversations) and, within one conversation, the `ts` of its thread
//! roots. Reactions and attachments come after every post, so instead of buffering them
//! the day files are read again (the passes are cheap next to JSON of the whole export
//! kept in memory, and a spill file would make a reader write).
//!
//! Decisions recorded here:
//! - System subtypes (joins, leaves, topic/purpose/name changes, pins…) are channel facts,
//!   not posts; a join sets the membership's `joined_at` when the user is still a member.
//! - A reply whose root is not in the export (date-limited exports) becomes a root post
//!   with `extra.thread_root_missing` = the root's id, so no reply points nowhere.
//! - `tombstone` (the placeholder Slack leaves for a deleted thread root) is kept as a
//!   post with `extra.deleted = "true"`, so its replies keep their thread.
//! - A file whose content is in the export becomes an Attachment (hashed while read);
//!   else its link (`url_private`, or its name) is listed in the post's
//!   `extra.missing_files` (a JSON array) and counted in a warning.
//! - Ids no users file lists (Slackbot, deleted or foreign users, integrations) get an
//!   inactive placeholder user (`extra.placeholder = "true"`), so every post has an author.

use super::archive::{Archive, Listing};
use super::day::{self, Scan};
use super::emoji;
use super::meta::{placeholder_user, Conversation, Meta};
use super::mrkdwn::{self, Resolver};
use super::wire::{self, File, Light, Message, Reactions};
use crate::connectors::bundle::attachments::sha256_of;
use crate::connectors::export_archive::glue::Steps;
use crate::connectors::{Located, Record};
use crate::core::model::{Attachment, Membership, Post, Reaction};
use crate::error::Result;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Everything read once per endpoint: the archive, its listing and its metadata.
pub struct Export {
    pub archive: Archive,
    pub listing: Listing,
    pub meta: Meta,
}

impl Resolver for Meta {
    fn user(&self, id: &str) -> Option<&str> {
        self.user_keys.get(id).map(String::as_str)
    }
    fn channel(&self, id: &str) -> Option<&str> {
        self.channel_names.get(id).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Users,
    Placeholders,
    Communities,
    Memberships,
    Posts,
    Reactions,
    Attachments,
    Done,
}

/// The record iterator behind `read_content`.
pub struct Content {
    export: Arc<Export>,
    /// This iterator's own handle on the archive (clones read independently).
    archive: Archive,
    placeholders: Vec<(String, Option<String>, String)>,
    joins: std::collections::HashMap<(usize, String), jiff::Timestamp>,
    /// Day files (conversation, day) the reactions and attachments passes must read.
    with_reactions: HashSet<(usize, usize)>,
    with_files: HashSet<(usize, usize)>,
    stage: Stage,
    /// Position within the stage: item, or conversation and day file.
    item: usize,
    conv: usize,
    day: usize,
    queue: VecDeque<Located<Record>>,
    /// Thread roots seen so far in the current conversation (posts stage only).
    roots: HashSet<i128>,
    missing_files: u64,
}

impl Content {
    /// Runs the validating first pass, then returns the iterator; a broken export fails
    /// here, before any record is produced.
    pub fn new(export: Arc<Export>) -> Result<Content> {
        let mut archive = export.archive.clone();
        let Scan {
            placeholders,
            joins,
            with_reactions,
            with_files,
            ..
        } = day::scan(&mut archive, &export.meta, &export.listing.days)?;
        for w in &export.meta.warnings {
            tracing::warn!("{w}");
        }
        Ok(Content {
            archive,
            placeholders: placeholders
                .into_iter()
                .map(|(id, (name, origin))| (id, name, origin))
                .collect(),
            joins,
            with_reactions,
            with_files,
            export,
            stage: Stage::Users,
            item: 0,
            conv: 0,
            day: 0,
            queue: VecDeque::new(),
            roots: HashSet::new(),
            missing_files: 0,
        })
    }

    fn next_stage(&mut self) {
        self.stage = match self.stage {
            Stage::Users => Stage::Placeholders,
            Stage::Placeholders => Stage::Communities,
            Stage::Communities => Stage::Memberships,
            Stage::Memberships => Stage::Posts,
            Stage::Posts => {
                if self.missing_files > 0 {
                    tracing::warn!(
                        "{} file(s) referenced by messages are not in the export; their links \
                         are kept in the posts' extra.missing_files",
                        self.missing_files
                    );
                }
                Stage::Reactions
            }
            Stage::Reactions => Stage::Attachments,
            Stage::Attachments | Stage::Done => Stage::Done,
        };
        (self.item, self.conv, self.day) = (0, 0, 0);
        self.roots.clear();
    }

    fn push(&mut self, origin: String, record: Record) {
        self.queue.push_back(Located { origin, record });
        self.item += 1;
    }

    fn memberships(&mut self, meta: &Meta, c: &Conversation) {
        let mut seen = HashSet::new();
        for id in c.raw.iter().flat_map(|r| r.members.iter()) {
            if !seen.insert(id.as_str()) {
                continue;
            }
            let membership = Membership {
                community: c.key.clone(),
                user: meta.key_for(id),
                joined_at: self.joins.get(&(self.item, id.clone())).copied(),
            };
            self.queue.push_back(Located {
                origin: c.origin.clone(),
                record: Record::Membership(membership),
            });
        }
        self.item += 1;
    }

    fn day_file(&mut self, meta: &Meta, conv: &Conversation, day: &str) -> Result<()> {
        let rel = day::day_path(&conv.folder, day);
        let Some(bytes) = day::read_again(&mut self.archive, &rel)? else {
            return Ok(());
        };
        match self.stage {
            Stage::Posts => {
                let text = day::utf8(&self.archive, &rel, &bytes)?;
                let messages = day::parse(&self.archive, &rel, text)?;
                for (n, m) in day::posts_in_order(&messages) {
                    let id = post_id(conv, m.ts.as_deref().unwrap_or_default());
                    let post = self.post(meta, conv, m, id);
                    self.queue.push_back(Located {
                        origin: origin(&rel, n),
                        record: Record::Post(post),
                    });
                }
            }
            // A day file that does not mention the key has nothing for these passes.
            Stage::Reactions if day::mentions(&bytes, b"\"reactions\"") => {
                let text = day::utf8(&self.archive, &rel, &bytes)?;
                // The first pass checked every message: this one reads only what it needs.
                let messages: Vec<Reactions> = day::parse_as(text)
                    .map_err(|e| day::parse_error(&self.archive, &rel, text.as_bytes(), e))?;
                for (n, m) in day::posts_in_order(&messages) {
                    if m.reactions.is_empty() {
                        continue;
                    }
                    let id = post_id(conv, m.ts.as_deref().unwrap_or_default());
                    self.reactions(meta, &m.reactions, &id, &origin(&rel, n));
                }
            }
            Stage::Attachments if day::mentions(&bytes, b"\"file") => {
                let text = day::utf8(&self.archive, &rel, &bytes)?;
                let messages = day::parse_light(&self.archive, &rel, text)?;
                for (n, m) in day::posts_in_order(&messages) {
                    let id = post_id(conv, m.ts.as_deref().unwrap_or_default());
                    self.attachments(m, &id, &origin(&rel, n))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One reaction per person and emoji (`+1` and `thumbsup` are the same 👍).
    fn reactions(&mut self, meta: &Meta, reactions: &[wire::Reaction], post: &str, origin: &str) {
        let mut seen: Vec<(String, String)> = Vec::new();
        for r in reactions {
            let emoji = emoji::from_slack(&r.name);
            for u in &r.users {
                let user = meta.key_for(u);
                if seen.iter().any(|(su, se)| *su == user && *se == emoji) {
                    continue;
                }
                seen.push((user.clone(), emoji.clone()));
                let reaction = Reaction {
                    post: post.to_string(),
                    user,
                    emoji: emoji.clone(),
                    created_at: None,
                };
                self.queue.push_back(Located {
                    origin: origin.to_string(),
                    record: Record::Reaction(reaction),
                });
            }
        }
    }

    fn post(&mut self, meta: &Meta, conv: &Conversation, m: &Message, id: String) -> Post {
        let ts = m.ts.as_deref().unwrap_or_default();
        let key = day::ts_key(ts).unwrap_or_default();
        let mut post = Post {
            id,
            community: conv.key.clone(),
            author: day::author_key(meta, m),
            // The first pass checked every ts.
            created_at: day::ts_time(ts).unwrap_or_default(),
            edited_at: m
                .edited
                .as_ref()
                .and_then(|e| e.ts.as_deref())
                .and_then(day::ts_time),
            body: String::new(),
            thread_root: None,
            parent: None,
            mentions: Vec::new(),
            extra: Default::default(),
        };
        let subtype = m.subtype();
        let text = match (subtype, &m.comment) {
            ("file_comment", Some(c)) => &c.comment,
            _ => &m.text,
        };
        mrkdwn::to_markdown(text, meta, &mut post.body, &mut post.mentions);
        if text.trim().is_empty() {
            // Bots often say everything in legacy attachments.
            for a in &m.attachments {
                if let Some(t) = a.text.as_deref().or(a.fallback.as_deref()) {
                    if !post.body.is_empty() {
                        post.body.push('\n');
                    }
                    mrkdwn::to_markdown(t, meta, &mut post.body, &mut post.mentions);
                }
            }
        }
        match m.thread_ts.as_deref().filter(|t| *t != ts) {
            Some(root_ts) => {
                let root = post_id(conv, root_ts);
                let seen = day::ts_key(root_ts).is_some_and(|k| self.roots.contains(&k));
                if seen {
                    post.thread_root = Some(root.clone());
                    post.parent = Some(root);
                } else {
                    post.extra.insert("thread_root_missing".into(), root);
                }
            }
            // Only thread parents (thread_ts == ts) are remembered, not every post.
            None if m.thread_ts.is_some() => {
                self.roots.insert(key);
            }
            None => {}
        }
        if !subtype.is_empty() {
            post.extra
                .insert("slack_subtype".into(), subtype.to_string());
        }
        if subtype == "tombstone" {
            post.extra.insert("deleted".into(), "true".into());
        }
        let missing: Vec<String> = m
            .shared_files()
            .filter(|f| self.upload_of(f).is_none())
            .map(|f| {
                let link = f.url_private.as_deref().or(f.name.as_deref());
                link.or(f.id.as_deref()).unwrap_or("?").to_string()
            })
            .collect();
        if !missing.is_empty() {
            self.missing_files += missing.len() as u64;
            let list = serde_json::to_string(&missing).unwrap_or_default();
            post.extra.insert("missing_files".into(), list);
        }
        post
    }

    /// Where a shared file's content is in the export, when it is.
    fn upload_of<'e>(&'e self, f: &File) -> Option<&'e String> {
        if matches!(f.mode.as_deref(), Some("tombstone" | "hidden_by_limit")) {
            return None;
        }
        self.export.listing.uploads.get(f.id.as_deref()?)
    }

    fn attachments(&mut self, m: &Light, post: &str, origin: &str) -> Result<()> {
        let mut done: Vec<&str> = Vec::new();
        for f in m.shared_files() {
            let (Some(file_id), Some(rel)) = (f.id.as_deref(), self.upload_of(f).cloned()) else {
                continue;
            };
            if done.contains(&file_id) {
                continue;
            }
            done.push(file_id);
            let (sha256, size) = self.archive.read_with(&rel, |r| sha256_of(r))?;
            let name = f
                .name
                .as_deref()
                .or(f.title.as_deref())
                .or_else(|| rel.rsplit('/').next())
                .unwrap_or(file_id);
            let attachment = Attachment {
                id: format!("{post}:{file_id}"),
                post: post.to_string(),
                name: name.to_string(),
                media_type: f
                    .mimetype
                    .as_deref()
                    .filter(|t| !t.is_empty())
                    .unwrap_or("application/octet-stream")
                    .to_string(),
                size,
                sha256,
            };
            self.queue.push_back(Located {
                origin: origin.to_string(),
                record: Record::Attachment(attachment),
            });
        }
        Ok(())
    }
}

/// `<channel id>:<ts>`: stable across runs and exports of the same workspace.
pub fn post_id(conv: &Conversation, ts: &str) -> String {
    let mut id = String::with_capacity(conv.id.len() + 1 + ts.len());
    id.push_str(&conv.id);
    id.push(':');
    id.push_str(ts);
    id
}

/// `general/2024-03-01.json#12`: where a record comes from (built once per message, so
/// without the formatting machinery).
fn origin(rel: &str, n: usize) -> String {
    let mut buf = itoa::Buffer::new();
    let n = buf.format(n);
    let mut origin = String::with_capacity(rel.len() + 1 + n.len());
    origin.push_str(rel);
    origin.push('#');
    origin.push_str(n);
    origin
}

/// The Slack file id of an attachment this reader produced.
pub fn file_id_of(attachment: &Attachment) -> Option<&str> {
    attachment.id.rsplit_once(':').map(|(_, id)| id)
}

impl Steps for Content {
    fn queue(&mut self) -> &mut VecDeque<Located<Record>> {
        &mut self.queue
    }

    /// Produces the next records into the queue; `Ok(false)` when the stream is over.
    fn advance(&mut self) -> Result<bool> {
        let export = Arc::clone(&self.export);
        let meta = &export.meta;
        match self.stage {
            Stage::Users => match meta.users.get(self.item) {
                Some((origin, u)) => self.push(origin.clone(), Record::User(Meta::user(u))),
                None => self.next_stage(),
            },
            Stage::Placeholders => match self.placeholders.get(self.item) {
                Some((id, name, origin)) => {
                    let user = placeholder_user(id, name.as_deref());
                    self.push(origin.clone(), Record::User(user));
                }
                None => self.next_stage(),
            },
            Stage::Communities => match meta.conversations.get(self.item) {
                Some(c) => self.push(c.origin.clone(), Record::Community(meta.community(c))),
                None => self.next_stage(),
            },
            Stage::Memberships => match meta.conversations.get(self.item) {
                Some(c) => self.memberships(meta, c),
                None => self.next_stage(),
            },
            Stage::Posts | Stage::Reactions | Stage::Attachments => {
                let Some(conv) = meta.conversations.get(self.conv) else {
                    self.next_stage();
                    return Ok(true);
                };
                let days = export.listing.days.get(&conv.folder);
                match days.and_then(|d| d.get(self.day)) {
                    Some(day) => {
                        let at = (self.conv, self.day);
                        self.day += 1;
                        // The first pass saw which files have reactions or shared files.
                        let wanted = match self.stage {
                            Stage::Reactions => self.with_reactions.contains(&at),
                            Stage::Attachments => self.with_files.contains(&at),
                            _ => true,
                        };
                        if wanted {
                            self.day_file(meta, conv, day)?;
                        }
                    }
                    None => {
                        (self.conv, self.day) = (self.conv + 1, 0);
                        self.roots.clear();
                    }
                }
            }
            Stage::Done => return Ok(false),
        }
        Ok(true)
    }

    fn stop(&mut self) {
        self.stage = Stage::Done;
    }
}
