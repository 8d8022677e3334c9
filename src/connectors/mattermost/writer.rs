//! `content copy --to mattermost-jsonl:PATH`: records arrive one at a time in
//! [`crate::connectors::ReadContent`] order, but a bulk import line nests a thread's
//! replies, reactions and files inside its first post, and users carry their memberships.
//! So records are validated and fixed at once (the answer to `write` says whether the
//! record will be in the file), kept in a temporary SQLite database beside the
//! destination (memory stays flat whatever the export's size), and the lines are
//! assembled by [`super::assemble`] in `finish`.

use super::emoji::{self, Named};
use super::validate::{self, NameKind, Names};
use super::Settings;
use crate::connectors::{Record, WriteOutcome};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User, Visibility};
use crate::error::Result;
use anyhow::Context;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const SCHEMA: &str = "
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA temp_store = FILE;
CREATE TABLE users(seq INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, username TEXT NOT NULL,
                   json TEXT, failed TEXT);
CREATE TABLE channels(seq INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
                      direct INTEGER NOT NULL, json TEXT NOT NULL, owners TEXT NOT NULL);
CREATE TABLE members(community TEXT NOT NULL, username TEXT NOT NULL,
                     PRIMARY KEY(community, username)) WITHOUT ROWID;
CREATE TABLE posts(seq INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, community TEXT NOT NULL,
                   root TEXT, create_at INTEGER NOT NULL, author TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX posts_root ON posts(root, create_at, seq);
CREATE INDEX posts_community ON posts(community, create_at, seq);
CREATE TABLE reactions(post TEXT NOT NULL, username TEXT NOT NULL, emoji TEXT NOT NULL,
                       create_at INTEGER NOT NULL, PRIMARY KEY(post, username, emoji)) WITHOUT ROWID;
CREATE TABLE attachments(id TEXT PRIMARY KEY, post TEXT NOT NULL, path TEXT NOT NULL,
                         file TEXT NOT NULL);
CREATE INDEX attachments_post ON attachments(post);
CREATE TABLE notes(seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, note TEXT NOT NULL);
BEGIN;
";

/// A post as kept until `finish`: the message already split to Mattermost's limit.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredPost {
    pub source_id: String,
    pub user: String,
    pub parts: Vec<String>,
    pub create_at: i64,
    pub edit_at: Option<i64>,
}

/// The records of one copy, waiting for `finish`.
pub struct Spill {
    /// Holds the database and attachment bytes; removed when dropped.
    pub dir: tempfile::TempDir,
    pub db: Connection,
    pub users: Names,
    pub channels: Names,
    pub settings: Settings,
    files: u64,
}

impl Spill {
    /// Creates the temporary store in the destination's folder (same file system, so the
    /// attachment files can be renamed into place).
    pub fn create(destination: &Path, settings: Settings) -> Result<Self> {
        let parent = match destination.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(".esnctl-mattermost-")
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        let db = Connection::open(dir.path().join("spill.db")).context("temporary database")?;
        db.execute_batch(SCHEMA).context("temporary database")?;
        Ok(Spill {
            dir,
            db,
            users: Names::default(),
            channels: Names::default(),
            settings,
            files: 0,
        })
    }

    pub fn note(&self, kind: &str, id: &str, note: impl AsRef<str>) -> Result<()> {
        self.db
            .prepare_cached("INSERT INTO notes(kind, id, note) VALUES (?1, ?2, ?3)")?
            .execute(params![kind, id, note.as_ref()])?;
        Ok(())
    }

    pub fn write(
        &mut self,
        record: &Record,
        bytes: Option<Box<dyn Read + Send>>,
    ) -> Result<WriteOutcome> {
        match record {
            Record::User(u) => self.user(u),
            Record::Community(c) => self.community(c),
            Record::Membership(m) => self.membership(m),
            Record::Post(p) => self.post(p),
            Record::Reaction(r) => self.reaction(r),
            Record::Attachment(a) => self.attachment(a, bytes),
        }
    }

    /// A user's username in this file: `(username, failure)`; `None` if never written.
    fn username_of(&self, key: &str) -> Result<Option<(String, Option<String>)>> {
        Ok(self
            .db
            .prepare_cached("SELECT username, failed FROM users WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The author or reactor's username; an account not in this file must exist on the
    /// server (a mapped account), so its key is normalised the same way.
    fn person(
        &mut self,
        key: &str,
        what: &str,
        id: &str,
    ) -> Result<std::result::Result<String, String>> {
        match self.username_of(key)? {
            Some((_, Some(why))) => Ok(Err(format!("{what} \"{key}\" was not written: {why}"))),
            Some((name, None)) => Ok(Ok(name)),
            None => {
                let name = self
                    .users
                    .assign(NameKind::User, key, key, &fallback_user(key));
                self.note(
                    "account",
                    id,
                    format!(
                        "{what} \"{key}\" is not in this file; the server must have \"{name}\""
                    ),
                )?;
                Ok(Ok(name))
            }
        }
    }

    fn user(&mut self, u: &User) -> Result<WriteOutcome> {
        if let Some((name, failed)) = self.username_of(&u.key)? {
            return Ok(match failed {
                Some(why) => WriteOutcome::Failed(why),
                None => WriteOutcome::Written(name),
            });
        }
        let username = self
            .users
            .assign(NameKind::User, &u.key, &u.key, &fallback_user(&u.key));
        if username != u.key {
            self.note(
                "user",
                &u.key,
                format!("username \"{}\" written \"{username}\"", u.key),
            )?;
        }
        let email = match (
            u.email.as_deref().map(str::trim).filter(|e| !e.is_empty()),
            &self.settings.default_email_domain,
        ) {
            (Some(e), _) => Ok(e.to_lowercase()),
            (None, Some(domain)) => {
                let e = format!("{username}@{domain}");
                self.note("user", &u.key, format!("no email address; written {e}"))?;
                Ok(e)
            }
            (None, None) => Err(format!(
                "user \"{}\" has no email address, which Mattermost requires (set \
                 default_email_domain in the profile to derive one)",
                u.key
            )),
        };
        let email = email.and_then(|e| {
            if e.len() > validate::MAX_EMAIL_LEN || e.matches('@').count() != 1 {
                Err(format!(
                    "user \"{}\": email \"{e}\" is not one Mattermost accepts",
                    u.key
                ))
            } else {
                Ok(e)
            }
        });
        let (json, failed) = match email {
            Ok(email) => {
                let line = super::wire::User {
                    username: username.clone(),
                    email,
                    nickname: self.fit(
                        &u.key,
                        "display name",
                        u.display_name.as_deref(),
                        validate::MAX_DISPLAY_NAME_RUNES,
                    )?,
                    first_name: self.fit(
                        &u.key,
                        "given name",
                        u.given_name.as_deref(),
                        validate::MAX_DISPLAY_NAME_RUNES,
                    )?,
                    last_name: self.fit(
                        &u.key,
                        "family name",
                        u.family_name.as_deref(),
                        validate::MAX_DISPLAY_NAME_RUNES,
                    )?,
                    position: self.fit(
                        &u.key,
                        "title",
                        u.title.as_deref(),
                        validate::MAX_POSITION_RUNES,
                    )?,
                    roles: Some("system_user".into()),
                    delete_at: (!u.active).then_some(1),
                    ..Default::default()
                };
                (Some(serde_json::to_string(&line)?), None)
            }
            Err(why) => (None, Some(why)),
        };
        self.db
            .prepare_cached(
                "INSERT INTO users(key, username, json, failed) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![u.key, username, json, failed])?;
        Ok(match failed {
            Some(why) => WriteOutcome::Failed(why),
            None => WriteOutcome::Written(username),
        })
    }

    /// `value` within `max` characters; a cut is recorded.
    fn fit(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Result<Option<String>> {
        let Some(v) = value.filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        Ok(Some(match validate::truncate_runes(v, max) {
            Some(cut) => {
                self.note("truncated", id, format!("{field} cut to {max} characters"))?;
                cut
            }
            None => v.to_string(),
        }))
    }

    fn community(&mut self, c: &Community) -> Result<WriteOutcome> {
        let existing: Option<String> = self
            .db
            .prepare_cached("SELECT name FROM channels WHERE key = ?1")?
            .query_row([&c.key], |r| r.get(0))
            .optional()?;
        if let Some(name) = existing {
            return Ok(WriteOutcome::Written(name));
        }
        let direct = matches!(c.extra.get("kind").map(String::as_str), Some("dm" | "mpim"));
        let name = if direct {
            c.key.clone()
        } else {
            let fallback = format!("c-{}", validate::short_hash(&c.key));
            let wanted = if c.name.trim().is_empty() {
                &c.key
            } else {
                &c.name
            };
            // The key is usually already a good name (`store-042`); fall back to the name.
            let wanted = if NameKind::Channel.is_valid(&c.key.to_lowercase()) {
                &c.key
            } else {
                wanted
            };
            let name = self
                .channels
                .assign(NameKind::Channel, &c.key, wanted, &fallback);
            if name != c.key {
                self.note(
                    "channel",
                    &c.key,
                    format!("channel \"{}\" written \"{name}\"", c.key),
                )?;
            }
            name
        };
        if c.archived && !direct {
            self.note(
                "channel",
                &c.key,
                "archived state not carried: the import format has none",
            )?;
        }
        let display = self
            .fit(
                &c.key,
                "display name",
                Some(c.name.trim()).filter(|n| !n.is_empty()),
                validate::MAX_DISPLAY_NAME_RUNES,
            )?
            .unwrap_or_else(|| name.clone());
        let line = super::wire::Channel {
            team: String::new(),
            name: name.clone(),
            display_name: display,
            kind: if c.visibility == Visibility::Public {
                "O"
            } else {
                "P"
            }
            .into(),
            header: self.fit(
                &c.key,
                "topic",
                c.extra.get("topic").map(String::as_str),
                validate::MAX_HEADER_RUNES,
            )?,
            purpose: self.fit(
                &c.key,
                "description",
                c.description.as_deref(),
                validate::MAX_PURPOSE_RUNES,
            )?,
        };
        self.db
            .prepare_cached(
                "INSERT INTO channels(key, name, direct, json, owners) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                c.key,
                name,
                direct,
                serde_json::to_string(&line)?,
                serde_json::to_string(&c.owners)?
            ])?;
        Ok(WriteOutcome::Written(name))
    }

    fn channel_known(&self, key: &str) -> Result<bool> {
        Ok(self
            .db
            .prepare_cached("SELECT 1 FROM channels WHERE key = ?1")?
            .query_row([key], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn membership(&mut self, m: &Membership) -> Result<WriteOutcome> {
        if !self.channel_known(&m.community)? {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" is not in this file",
                m.community
            )));
        }
        let username = match self.username_of(&m.user)? {
            Some((name, None)) => name,
            Some((_, Some(why))) => {
                return Ok(WriteOutcome::Failed(format!(
                    "user \"{}\" was not written: {why}",
                    m.user
                )))
            }
            None => {
                return Ok(WriteOutcome::Failed(format!(
                    "user \"{}\" is not in this file (Mattermost lists memberships on user lines)",
                    m.user
                )))
            }
        };
        self.db
            .prepare_cached("INSERT OR IGNORE INTO members(community, username) VALUES (?1, ?2)")?
            .execute(params![m.community, username])?;
        Ok(WriteOutcome::Written(format!("{}/{username}", m.community)))
    }

    /// `(community, root, create_at)` of a stored post.
    fn post_info(&self, id: &str) -> Result<Option<(String, Option<String>, i64)>> {
        Ok(self
            .db
            .prepare_cached("SELECT community, root, create_at FROM posts WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }

    fn post(&mut self, p: &Post) -> Result<WriteOutcome> {
        if !self.channel_known(&p.community)? {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" is not in this file",
                p.community
            )));
        }
        let author = match self.person(&p.author, "author", &p.id)? {
            Ok(a) => a,
            Err(why) => return Ok(WriteOutcome::Failed(why)),
        };
        let create_at = p.created_at.as_millisecond().max(1);
        let root = match p.thread_root.as_ref().or(p.parent.as_ref()) {
            None => None,
            Some(r) => match self.post_info(r)? {
                // A reply to a reply joins the first post's thread: Mattermost threads are flat.
                Some((_, Some(root_of_root), _)) => Some(root_of_root),
                Some(_) => Some(r.clone()),
                None => {
                    return Ok(WriteOutcome::Failed(format!(
                        "its thread's first post \"{r}\" is not in this file"
                    )))
                }
            },
        };
        let body = rewrite_mentions(&p.body, &p.mentions, |k| {
            self.username_of(k)
                .ok()
                .flatten()
                .and_then(|(n, f)| f.is_none().then_some(n))
        });
        let parts = validate::split_message(&body, validate::MAX_MESSAGE_RUNES);
        if parts.len() > 1 {
            self.note(
                "split",
                &p.id,
                format!(
                    "message of {} characters split into {} posts",
                    body.chars().count(),
                    parts.len()
                ),
            )?;
        }
        let stored = StoredPost {
            source_id: p.id.clone(),
            user: author,
            parts,
            create_at,
            edit_at: p.edited_at.map(|t| t.as_millisecond()),
        };
        self.db
            .prepare_cached(
                "INSERT OR REPLACE INTO posts(id, community, root, create_at, author, json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                p.id,
                p.community,
                root,
                create_at,
                stored.user,
                serde_json::to_string(&stored)?
            ])?;
        Ok(WriteOutcome::Written(p.id.clone()))
    }

    fn reaction(&mut self, r: &Reaction) -> Result<WriteOutcome> {
        let Some((_, _, post_at)) = self.post_info(&r.post)? else {
            return Ok(WriteOutcome::Failed(format!(
                "post \"{}\" is not in this file",
                r.post
            )));
        };
        let user = match self.person(&r.user, "reacting user", &r.post)? {
            Ok(u) => u,
            Err(why) => return Ok(WriteOutcome::Failed(why)),
        };
        let name = match emoji::to_name(&r.emoji) {
            Named::Name(n, toned) => {
                if toned {
                    self.note(
                        "reaction",
                        &r.post,
                        format!("skin tone of {} dropped", r.emoji),
                    )?;
                }
                n
            }
            Named::Unknown => {
                return Ok(WriteOutcome::Unsupported(format!(
                    "emoji {} has no Mattermost name esnctl knows",
                    r.emoji
                )))
            }
        };
        // Mattermost refuses a reaction older than its post.
        let at = r
            .created_at
            .map_or(post_at, |t| t.as_millisecond())
            .max(post_at);
        self.db
            .prepare_cached("INSERT OR REPLACE INTO reactions(post, username, emoji, create_at) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![r.post, user, name, at])?;
        Ok(WriteOutcome::Written(format!("{}/{user}/{name}", r.post)))
    }

    fn attachment(
        &mut self,
        a: &Attachment,
        bytes: Option<Box<dyn Read + Send>>,
    ) -> Result<WriteOutcome> {
        if self.post_info(&a.post)?.is_none() {
            return Ok(WriteOutcome::Failed(format!(
                "post \"{}\" is not in this file",
                a.post
            )));
        }
        let Some(mut bytes) = bytes else {
            return Ok(WriteOutcome::Failed(format!(
                "file \"{}\": the source has no content for it",
                a.name
            )));
        };
        self.files += 1;
        let file = self.dir.path().join(format!("f{}", self.files));
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&file)
                .with_context(|| format!("cannot create {}", file.display()))?,
        );
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match bytes.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(
                        anyhow::Error::new(e).context(format!("reading file \"{}\"", a.name))
                    )
                }
            };
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])
                .context("temporary attachment file")?;
            size += n as u64;
        }
        out.flush().context("temporary attachment file")?;
        let sha = hex::encode(hasher.finalize());
        if sha != a.sha256 || size != a.size {
            return Ok(WriteOutcome::Failed(format!(
                "attachment \"{}\" ({}): the source's bytes hash to {sha} ({size} bytes), not the recorded {} ({} bytes)",
                a.id, a.name, a.sha256, a.size
            )));
        }
        let path = format!("{}/{}", &sha[..16], safe_file_name(&a.name));
        self.db
            .prepare_cached(
                "INSERT OR REPLACE INTO attachments(id, post, path, file) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![a.id, a.post, path, file.to_string_lossy()])?;
        Ok(WriteOutcome::Written(path))
    }
}

fn fallback_user(key: &str) -> String {
    format!("u-{}", validate::short_hash(key))
}

/// A file name that stays one path component whatever the source called it.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned.to_string()
    }
}

/// `@key` mentions become `@username` when normalisation renamed the account.
fn rewrite_mentions(
    body: &str,
    mentions: &[String],
    name_of: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = body.to_string();
    for key in mentions {
        let Some(name) = name_of(key).filter(|n| n != key) else {
            continue;
        };
        let needle = format!("@{key}");
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&needle) {
            let after = &rest[i + needle.len()..];
            let boundary =
                !after.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
            result.push_str(&rest[..i]);
            result.push('@');
            result.push_str(if boundary { &name } else { key });
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_follow_renamed_accounts() {
        let out = rewrite_mentions("merci @Léa et @Léa.x", &["Léa".into()], |_| {
            Some("lea".into())
        });
        assert_eq!(out, "merci @lea et @Léa.x");
    }

    #[test]
    fn file_names_stay_one_component() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("ordre du jour.txt"), "ordre du jour.txt");
        assert_eq!(safe_file_name(".."), "file");
    }
}
