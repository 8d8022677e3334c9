//! `content copy --to mattermost-jsonl:PATH`: records arrive one at a time in
//! [`crate::connectors::ReadContent`] order, but a bulk import line nests a thread's
//! replies, reactions and files inside its first post, and users carry their memberships.
//! So records are validated and fixed at once (the answer to `write` says whether the
//! record will be in the file), and kept until `finish`, when [`super::assemble`] writes
//! the lines. Users, channels and memberships stay in memory (they are few next to the
//! messages, and a reader holds them too); posts, reactions and files are sorted into
//! the file's order on disk ([`super::entries`]), and what later records need to know of
//! a post is kept in [`super::post_index`]: memory stays flat whatever the export's size.

use super::emoji::{self, Named};
use super::entries::{payload, Key, Place, Sorter, What};
use super::post_index::{PostIndex, PostInfo};
use super::validate::{self, NameKind, Names};
use super::Settings;
use crate::connectors::{Record, WriteOutcome};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User, Visibility};
use crate::error::Result;
use anyhow::Context;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// A user line as it will be written (its memberships are added at the end).
pub struct UserRow {
    pub key: String,
    pub username: String,
    pub line: Option<super::wire::User>,
    /// Why the user cannot be imported; such a user has no line.
    pub failed: Option<String>,
}

/// The users, in the order they came, with their usernames.
#[derive(Default)]
pub struct Users {
    pub rows: Vec<UserRow>,
    by_key: foldhash::HashMap<String, usize>,
    pub names: Names,
}

impl Users {
    pub fn get(&self, key: &str) -> Option<&UserRow> {
        self.by_key.get(key).map(|&i| &self.rows[i])
    }

    fn add(&mut self, row: UserRow) {
        self.by_key.insert(row.key.clone(), self.rows.len());
        self.rows.push(row);
    }
}

/// A channel (or direct conversation), numbered by its position in `Spill::channels`.
pub struct ChannelRow {
    pub key: String,
    pub name: String,
    /// A direct or group conversation.
    pub direct: bool,
    pub line: super::wire::Channel,
    pub owners: HashSet<String>,
    /// For a direct conversation: the usernames of its members, and of who posted in it.
    pub direct_members: BTreeSet<String>,
    pub authors: BTreeSet<String>,
}

/// The records of one copy, waiting for `finish`.
pub struct Spill {
    /// Holds the sorted runs, the post index and attachment bytes; removed when dropped.
    pub dir: tempfile::TempDir,
    pub settings: Settings,
    pub users: Users,
    pub channels: Vec<ChannelRow>,
    channel_numbers: foldhash::HashMap<String, u32>,
    pub channel_names: Names,
    /// Username → the keys of the communities they are a member of, sorted.
    pub members: foldhash::HashMap<String, BTreeSet<String>>,
    notes: Notes,
    pub index: PostIndex,
    pub entries: Sorter,
    /// Posts so far (a post's arrival number).
    seq: u64,
    /// Entries so far.
    n: u64,
    /// Some post id was written twice: the later post replaces the earlier one, so what
    /// was placed by the earlier one must be placed again ([`super::assemble`]).
    pub rewritten: bool,
    /// Attachment id → the entry that holds it (a later one with the same id replaces it).
    pub attachments: foldhash::HashMap<String, u64>,
    files: u64,
}

/// `<output>.esnctl-notes.jsonl` being written: what was changed to satisfy Mattermost's
/// rules, in the order it happened.
struct Notes {
    out: BufWriter<tempfile::NamedTempFile>,
    count: u64,
}

/// The fields of a post line that are known when the post is written, in the order
/// Mattermost's `PostImportData` has them (see [`super::wire::Post`]).
struct Body<'a> {
    user: &'a str,
    message: &'a str,
    /// The source id (in `props`).
    source_id: Option<&'a str>,
    create_at: i64,
    edit_at: Option<i64>,
}

impl Spill {
    /// Creates the temporary store in the destination's folder (same file system, so the
    /// attachment files can be renamed into place, and the notes file put in place).
    pub fn create(destination: &Path, notes: &Path, settings: Settings) -> Result<Self> {
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
        let notes_folder = notes
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let notes = tempfile::NamedTempFile::new_in(notes_folder).context("temporary file")?;
        Ok(Spill {
            index: PostIndex::create(&dir.path().join("posts.idx"))?,
            entries: Sorter::new(&dir.path().join("entries.sort")),
            dir,
            settings,
            users: Users::default(),
            channels: Vec::new(),
            channel_numbers: Default::default(),
            channel_names: Names::default(),
            members: Default::default(),
            notes: Notes {
                out: BufWriter::new(notes),
                count: 0,
            },
            seq: 0,
            n: 0,
            rewritten: false,
            attachments: Default::default(),
            files: 0,
        })
    }

    pub fn note(&mut self, kind: &str, id: &str, note: impl AsRef<str>) -> Result<()> {
        let line = serde_json::json!({"kind": kind, "id": id, "note": note.as_ref()});
        serde_json::to_writer(&mut self.notes.out, &line)?;
        self.notes.out.write_all(b"\n").context("notes file")?;
        self.notes.count += 1;
        Ok(())
    }

    /// Puts the notes file in place (the last step of a copy); returns how many notes it
    /// has.
    pub fn publish_notes(self, path: &Path) -> Result<u64> {
        let Notes { out, count } = self.notes;
        let tmp = out
            .into_inner()
            .map_err(|e| e.into_error())
            .context("notes file")?;
        tmp.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(count)
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

    /// A user's username in this file, and why it cannot be imported; `None` if never
    /// written.
    fn username_of(&self, key: &str) -> Option<(&str, Option<&str>)> {
        self.users
            .get(key)
            .map(|row| (row.username.as_str(), row.failed.as_deref()))
    }

    /// The author or reactor's username; an account not in this file must exist on the
    /// server (a mapped account), so its key is normalised the same way.
    fn person(
        &mut self,
        key: &str,
        what: &str,
        id: &str,
    ) -> Result<std::result::Result<String, String>> {
        match self.username_of(key) {
            Some((_, Some(why))) => Ok(Err(format!("{what} \"{key}\" was not written: {why}"))),
            Some((name, None)) => Ok(Ok(name.to_string())),
            None => {
                let name = self
                    .users
                    .names
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
        if let Some(row) = self.users.get(&u.key) {
            return Ok(match &row.failed {
                Some(why) => WriteOutcome::Failed(why.clone()),
                None => WriteOutcome::Written(row.username.clone()),
            });
        }
        let username =
            self.users
                .names
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
        let (line, failed) = match email {
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
                (Some(line), None)
            }
            Err(why) => (None, Some(why)),
        };
        let outcome = match &failed {
            Some(why) => WriteOutcome::Failed(why.clone()),
            None => WriteOutcome::Written(username.clone()),
        };
        self.users.add(UserRow {
            key: u.key.clone(),
            username,
            line,
            failed,
        });
        Ok(outcome)
    }

    /// `value` within `max` characters; a cut is recorded.
    fn fit(
        &mut self,
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
        if let Some(&n) = self.channel_numbers.get(&c.key) {
            return Ok(WriteOutcome::Written(
                self.channels[n as usize].name.clone(),
            ));
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
                .channel_names
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
        self.channel_numbers
            .insert(c.key.clone(), self.channels.len() as u32);
        self.channels.push(ChannelRow {
            key: c.key.clone(),
            name: name.clone(),
            direct,
            line,
            owners: c.owners.iter().cloned().collect(),
            direct_members: BTreeSet::new(),
            authors: BTreeSet::new(),
        });
        Ok(WriteOutcome::Written(name))
    }

    fn channel_number(&self, key: &str) -> Option<u32> {
        self.channel_numbers.get(key).copied()
    }

    fn membership(&mut self, m: &Membership) -> Result<WriteOutcome> {
        let Some(channel) = self.channel_number(&m.community) else {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" is not in this file",
                m.community
            )));
        };
        let username = match self.username_of(&m.user) {
            Some((name, None)) => name.to_string(),
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
        let row = &mut self.channels[channel as usize];
        if row.direct {
            row.direct_members.insert(username.clone());
        }
        self.members
            .entry(username.clone())
            .or_default()
            .insert(m.community.clone());
        Ok(WriteOutcome::Written(format!("{}/{username}", m.community)))
    }
    fn next_entry(&mut self) -> u64 {
        self.n += 1;
        self.n
    }

    fn post(&mut self, p: &Post) -> Result<WriteOutcome> {
        let Some(channel) = self.channel_number(&p.community) else {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" is not in this file",
                p.community
            )));
        };
        let author = match self.person(&p.author, "author", &p.id)? {
            Ok(a) => a,
            Err(why) => return Ok(WriteOutcome::Failed(why)),
        };
        let create_at = p.created_at.as_millisecond().max(1);
        let root = match p.thread_root.as_ref().or(p.parent.as_ref()) {
            None => None,
            Some(r) => match self.index.get(r)? {
                // A reply to a reply joins the first post's thread: Mattermost threads are flat.
                Some(PostInfo {
                    root: Some(root), ..
                }) => Some(root),
                Some(info) => Some((r.as_str().into(), info.place)),
                None => {
                    return Ok(WriteOutcome::Failed(format!(
                        "its thread's first post \"{r}\" is not in this file"
                    )))
                }
            },
        };
        let body = rewrite_mentions(&p.body, &p.mentions, |k| {
            self.username_of(k)
                .and_then(|(n, f)| f.is_none().then_some(n))
        });
        // Most messages are short: no copy then.
        let parts: Vec<Cow<str>> = if body.len() <= validate::MAX_MESSAGE_RUNES {
            vec![Cow::Borrowed(&body)]
        } else {
            validate::split_message(&body, validate::MAX_MESSAGE_RUNES)
                .into_iter()
                .map(Cow::Owned)
                .collect()
        };
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
        // A post written again replaces the earlier one (as the id says it is the same).
        if self.index.get(&p.id)?.is_some() {
            self.rewritten = true;
        }
        self.seq += 1;
        let place = Place {
            channel,
            at: create_at,
            seq: self.seq,
        };
        let edit_at = p.edited_at.map(|t| t.as_millisecond());
        let key = Key::of(
            place,
            root.as_ref().map(|(_, at)| *at),
            What::Post,
            self.next_entry(),
        );
        self.entries.push(key, |out| {
            payload::put_bytes(out, p.id.as_bytes());
            payload::put_u64(out, place.seq);
            payload::put_u64(out, channel as u64);
            payload::put_bytes(out, author.as_bytes());
            match &root {
                None => payload::put_u64(out, 0),
                Some((id, _)) => {
                    payload::put_u64(out, 1);
                    payload::put_bytes(out, id.as_bytes());
                }
            }
            payload::put_u64(out, parts.len() as u64);
            for (i, part) in parts.iter().enumerate() {
                let body = Body {
                    user: &author,
                    message: part,
                    // The source id, so that reading the file back gives the same ids.
                    source_id: (i == 0 && root.is_none()).then_some(p.id.as_str()),
                    // Parts a millisecond apart, so they keep their order.
                    create_at: create_at + i as i64,
                    edit_at,
                };
                put_fields(out, &body);
            }
        })?;
        let row = &mut self.channels[channel as usize];
        if row.direct {
            row.authors.insert(author);
        }
        self.index.insert(&p.id, PostInfo { place, root })?;
        Ok(WriteOutcome::Written(p.id.clone()))
    }

    fn reaction(&mut self, r: &Reaction) -> Result<WriteOutcome> {
        let Some(post) = self.index.get(&r.post)? else {
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
        let post_at = post.place.at;
        let at = r
            .created_at
            .map_or(post_at, |t| t.as_millisecond())
            .max(post_at);
        let key = Key::of(
            post.place,
            post.root.as_ref().map(|(_, at)| *at),
            What::Reaction,
            self.next_entry(),
        );
        self.entries.push(key, |out| {
            payload::put_bytes(out, r.post.as_bytes());
            payload::put_bytes(out, user.as_bytes());
            payload::put_bytes(out, name.as_bytes());
            payload::put_u64(out, at as u64);
        })?;
        Ok(WriteOutcome::Written(format!("{}/{user}/{name}", r.post)))
    }

    fn attachment(
        &mut self,
        a: &Attachment,
        bytes: Option<Box<dyn Read + Send>>,
    ) -> Result<WriteOutcome> {
        let Some(post) = self.index.get(&a.post)? else {
            return Ok(WriteOutcome::Failed(format!(
                "post \"{}\" is not in this file",
                a.post
            )));
        };
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
        let n = self.next_entry();
        // A later file with the same id replaces this one.
        self.attachments.insert(a.id.clone(), n);
        let key = Key::of(
            post.place,
            post.root.as_ref().map(|(_, at)| *at),
            What::Attachment,
            n,
        );
        let file = file.to_string_lossy();
        self.entries.push(key, |out| {
            payload::put_bytes(out, a.post.as_bytes());
            payload::put_bytes(out, a.id.as_bytes());
            payload::put_bytes(out, path.as_bytes());
            payload::put_bytes(out, file.as_bytes());
        })?;
        Ok(WriteOutcome::Written(path))
    }
}

/// Appends `body` as JSON object members without the braces (`"user":…,"create_at":…`),
/// as serde_json writes a `wire::Post`: the assembler adds the fields that are only known
/// at the end around them.
fn put_fields(out: &mut Vec<u8>, body: &Body) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    let string = json_string;
    let mut int = itoa::Buffer::new();
    out.extend_from_slice(b"\"user\":");
    string(out, body.user);
    out.extend_from_slice(b",\"message\":");
    string(out, body.message);
    if let Some(id) = body.source_id {
        out.extend_from_slice(b",\"props\":{\"");
        out.extend_from_slice(super::wire::SOURCE_ID_PROP.as_bytes());
        out.extend_from_slice(b"\":");
        string(out, id);
        out.push(b'}');
    }
    out.extend_from_slice(b",\"create_at\":");
    out.extend_from_slice(int.format(body.create_at).as_bytes());
    if let Some(at) = body.edit_at {
        out.extend_from_slice(b",\"edit_at\":");
        out.extend_from_slice(int.format(at).as_bytes());
    }
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
}

/// `s` as a JSON string, exactly as serde_json writes it (`"`, `\\` and control
/// characters escaped, the short forms where JSON has one, everything else as is), but
/// eight bytes at a time where nothing needs escaping: message texts are most of a
/// Mattermost import, and serde_json looks at them a byte at a time.
fn json_string(out: &mut Vec<u8>, s: &str) {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // True when a byte of `w` is below 0x20, or is `"` or `\` (a byte with its high bit
    // set, part of a multi-byte character, never is).
    fn special(w: u64) -> bool {
        let zero = |x: u64| x.wrapping_sub(LOW) & !x & HIGH != 0;
        w.wrapping_sub(LOW * 0x20) & !w & HIGH != 0
            || zero(w ^ (LOW * b'"' as u64))
            || zero(w ^ (LOW * b'\\' as u64))
    }
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() {
            let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            if !special(w) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
                i += 1;
                start = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escaped);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
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
fn rewrite_mentions<'b, 'n>(
    body: &'b str,
    mentions: &[String],
    name_of: impl Fn(&str) -> Option<&'n str>,
) -> Cow<'b, str> {
    let mut out = Cow::Borrowed(body);
    for key in mentions {
        let Some(name) = name_of(key).filter(|n| n != key) else {
            continue;
        };
        let needle = format!("@{key}");
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_ref();
        while let Some(i) = rest.find(&needle) {
            let after = &rest[i + needle.len()..];
            let boundary =
                !after.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
            result.push_str(&rest[..i]);
            result.push('@');
            result.push_str(if boundary { name } else { key });
            rest = after;
        }
        result.push_str(rest);
        out = Cow::Owned(result);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_follow_renamed_accounts() {
        let out = rewrite_mentions("merci @Léa et @Léa.x", &["Léa".into()], |_| Some("lea"));
        assert_eq!(out, "merci @lea et @Léa.x");
    }

    /// The same bytes as serde_json for every ASCII character, in every position of an
    /// 8-byte word, next to multi-byte characters.
    #[test]
    fn strings_are_escaped_as_serde_json_does() {
        let mut samples: Vec<String> = (0u8..0x80)
            .flat_map(|c| {
                let c = c as char;
                (0..10).map(move |at| {
                    format!("{}{c}{}", "é".repeat(at % 3) + &"a".repeat(at), "日本 🎉")
                })
            })
            .collect();
        samples.extend([
            "".into(),
            "\"".into(),
            "a\\b\"c\nd\u{7f}\u{1}é".into(),
            "x".repeat(33),
        ]);
        for s in samples {
            let mut ours = Vec::new();
            json_string(&mut ours, &s);
            assert_eq!(ours, serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn file_names_stay_one_component() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("ordre du jour.txt"), "ordre du jour.txt");
        assert_eq!(safe_file_name(".."), "file");
    }
}
