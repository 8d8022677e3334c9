//! Reading a Mattermost bulk export (format: see [`super::wire`]) into canonical records,
//! in [`crate::connectors::ReadContent`] order, in two passes over the JSONL:
//! 1. [`Meta::load`]: teams, channels, users (with memberships) and the members of direct
//!    conversations (which the file lists after the posts); post lines are checked as JSON
//!    but not kept, so a broken line stops the copy before anything is written;
//! 2. [`Content`]: users, communities, memberships, then each post followed by its replies
//!    (as the file orders them), while reactions and attachments go to a temporary file
//!    and are emitted last.
//!
//! Ids: a post written by esnctl carries its source id in the `esnctl_source_id` prop;
//! otherwise `<channel>/<create_at>/<username>` (Mattermost itself tells posts apart by
//! channel, time and author). Communities are keyed by channel name (`team/channel` when
//! the file has several teams), direct conversations by `dm:` and their sorted members.

use super::emoji;
use super::source::Source;
use super::wire::{self, Line};
use crate::connectors::export_archive::glue::Steps;
use crate::connectors::{Located, Record};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User, Visibility};
use crate::error::{Error, Result};
use anyhow::Context;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::{BufRead, BufReader, Seek, Write};
use std::sync::Arc;

/// Everything but the posts.
pub struct Meta {
    pub users: Vec<(String, wire::User)>,
    pub communities: Vec<(String, Community)>,
    pub memberships: Vec<(String, Membership)>,
    pub posts: u64,
    /// Channel name (lowercase, with its team when several) → community key.
    keys: HashMap<(String, String), String>,
    several_teams: bool,
    usernames: HashSet<String>,
}

fn bad(source: &Source, line: u64, what: impl std::fmt::Display) -> anyhow::Error {
    Error::invalid_at(&source.label, line, None, what).into()
}

fn parse(source: &Source, n: u64, text: &str) -> Result<Line> {
    let text = text.trim_end();
    serde_json::from_str(text).map_err(|e| {
        let (field, what) = super::json_error::describe(text, &e);
        Error::invalid_at(&source.label, n, field.as_deref(), what).into()
    })
}

fn direct_key(members: &[String]) -> (String, Vec<String>) {
    let mut m: Vec<String> = members.iter().map(|s| s.to_lowercase()).collect();
    m.sort();
    m.dedup();
    (format!("dm:{}", m.join(",")), m)
}

impl Meta {
    pub fn load(source: &Source) -> Result<Meta> {
        let mut meta = Meta {
            users: Vec::new(),
            communities: Vec::new(),
            memberships: Vec::new(),
            posts: 0,
            keys: HashMap::new(),
            several_teams: false,
            usernames: HashSet::new(),
        };
        let mut teams = 0;
        let mut channels = Vec::new();
        let mut direct: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        let mut lines = source.lines()?;
        let mut buf = String::new();
        let mut first = true;
        while let Some(n) = lines.next_line(&mut buf)? {
            let line = parse(source, n, &buf)?;
            if first {
                first = false;
                if line.kind != "version" || line.version != Some(1) {
                    return Err(bad(
                        source,
                        n,
                        "the first line must be {\"type\": \"version\", \"version\": 1}",
                    ));
                }
                continue;
            }
            let origin = format!("{}:{n}", source.label);
            let missing = |what: &str| {
                bad(
                    source,
                    n,
                    format!("a \"{}\" line without its \"{what}\" object", line.kind),
                )
            };
            match line.kind.as_str() {
                "team" => {
                    line.team.as_ref().ok_or_else(|| missing("team"))?;
                    teams += 1;
                }
                "channel" => {
                    channels.push((origin, line.channel.ok_or_else(|| missing("channel"))?))
                }
                "user" => {
                    let u = line.user.ok_or_else(|| missing("user"))?;
                    if u.username.is_empty() {
                        return Err(Error::invalid_at(
                            &source.label,
                            n,
                            Some("username"),
                            "missing",
                        )
                        .into());
                    }
                    meta.usernames.insert(u.username.to_lowercase());
                    meta.users.push((origin, u));
                }
                "post" => meta.posts += 1 + line.post.map_or(0, |p| p.replies.len() as u64),
                "direct_channel" => {
                    let d = line
                        .direct_channel
                        .ok_or_else(|| missing("direct_channel"))?;
                    let (key, members) = direct_key(&d.members);
                    direct.entry(key).or_insert((origin, members));
                }
                "direct_post" => {
                    let p = line.direct_post.ok_or_else(|| missing("direct_post"))?;
                    meta.posts += 1 + p.replies.len() as u64;
                    let (key, members) =
                        direct_key(p.channel_members.as_deref().unwrap_or_default());
                    direct.entry(key).or_insert((origin, members));
                }
                // Schemes, roles, custom emoji and bots have no canonical counterpart.
                _ => {}
            }
        }
        if first {
            return Err(Error::invalid_data(format!(
                "{}: empty file (no version line)",
                source.label
            ))
            .into());
        }
        meta.several_teams = teams > 1;
        for (origin, c) in channels {
            let key = meta.channel_key(&c.team, &c.name);
            meta.keys
                .insert((c.team.to_lowercase(), c.name.to_lowercase()), key.clone());
            let mut community = Community {
                key: key.clone(),
                name: if c.display_name.is_empty() {
                    c.name.clone()
                } else {
                    c.display_name.clone()
                },
                description: c.purpose.clone().filter(|p| !p.is_empty()),
                visibility: if c.kind == "P" {
                    Visibility::Private
                } else {
                    Visibility::Public
                },
                ..Default::default()
            };
            if let Some(h) = c.header.filter(|h| !h.is_empty()) {
                community.extra.insert("topic".into(), h);
            }
            community.extra.insert("team".into(), c.team.clone());
            meta.communities.push((origin, community));
        }
        for (key, (origin, members)) in direct {
            let mut community = Community {
                key: key.clone(),
                name: members.join(", "),
                visibility: Visibility::Secret,
                ..Default::default()
            };
            community.extra.insert(
                "kind".into(),
                if members.len() <= 2 { "dm" } else { "mpim" }.into(),
            );
            for m in &members {
                meta.memberships.push((
                    origin.clone(),
                    Membership {
                        community: key.clone(),
                        user: m.clone(),
                        joined_at: None,
                    },
                ));
            }
            meta.communities.push((origin, community));
        }
        let mut team_members = Vec::new();
        let mut owners = Vec::new();
        for (origin, u) in &meta.users {
            for t in &u.teams {
                for c in &t.channels {
                    if let Some(key) = meta
                        .keys
                        .get(&(t.name.to_lowercase(), c.name.to_lowercase()))
                    {
                        let roles = c.roles.as_deref().unwrap_or_default();
                        if roles.split_whitespace().any(|r| r == "channel_admin") {
                            owners.push((key.clone(), u.username.clone()));
                        }
                        team_members.push((
                            origin.clone(),
                            Membership {
                                community: key.clone(),
                                user: u.username.clone(),
                                joined_at: None,
                            },
                        ));
                    }
                }
            }
        }
        for (key, user) in owners {
            if let Some((_, c)) = meta.communities.iter_mut().find(|(_, c)| c.key == key) {
                c.owners.push(user);
            }
        }
        team_members.append(&mut meta.memberships);
        meta.memberships = team_members;
        Ok(meta)
    }

    fn channel_key(&self, team: &str, channel: &str) -> String {
        if self.several_teams {
            format!("{}/{}", team.to_lowercase(), channel.to_lowercase())
        } else {
            channel.to_lowercase()
        }
    }

    pub fn user(u: &wire::User) -> User {
        let mut user = User::new(u.username.clone());
        user.email = Some(u.email.clone()).filter(|e| !e.is_empty());
        user.given_name = u.first_name.clone().filter(|s| !s.is_empty());
        user.family_name = u.last_name.clone().filter(|s| !s.is_empty());
        user.title = u.position.clone().filter(|s| !s.is_empty());
        let full = [user.given_name.as_deref(), user.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        user.display_name = u
            .nickname
            .clone()
            .filter(|s| !s.is_empty())
            .or(Some(full).filter(|s| !s.is_empty()));
        user.active = u.delete_at.is_none_or(|d| d == 0);
        user
    }
}

/// Reactions and attachments wait in a temporary file until every post is out.
#[derive(Serialize, Deserialize)]
enum Later {
    Reaction(String, Reaction),
    Attachment {
        origin: String,
        post: String,
        path: String,
    },
}

enum Stage {
    Meta(usize),
    Posts,
    Later(BufReader<std::fs::File>),
    Done,
}

pub struct Content {
    source: Arc<Source>,
    meta: Arc<Meta>,
    stage: Stage,
    queue: VecDeque<Located<Record>>,
    lines: super::source::LineReader,
    later: std::io::BufWriter<std::fs::File>,
    buf: String,
}

impl Content {
    pub fn new(source: Arc<Source>, meta: Arc<Meta>) -> Result<Content> {
        let lines = source.lines()?;
        let later = std::io::BufWriter::new(tempfile::tempfile().context("temporary file")?);
        Ok(Content {
            source,
            meta,
            stage: Stage::Meta(0),
            queue: VecDeque::new(),
            lines,
            later,
            buf: String::new(),
        })
    }

    /// A root post and its replies; their reactions and files are set aside.
    fn thread(&mut self, community: &str, p: wire::Post, n: u64, origin: &str) -> Result<()> {
        let source_id = p
            .props
            .as_ref()
            .and_then(|props| props.get(wire::SOURCE_ID_PROP))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let root = self.post(community, &p, source_id, None, n, origin)?;
        for reply in &p.replies {
            self.post(community, reply, None, Some(&root), n, origin)?;
        }
        Ok(())
    }

    fn post(
        &mut self,
        community: &str,
        p: &wire::Post,
        id: Option<String>,
        root: Option<&str>,
        n: u64,
        origin: &str,
    ) -> Result<String> {
        let at = |ms: i64, field: &str| {
            Timestamp::from_millisecond(ms).map_err(|e| {
                anyhow::Error::from(Error::invalid_at(&self.source.label, n, Some(field), e))
            })
        };
        if p.create_at <= 0 {
            return Err(Error::invalid_at(
                &self.source.label,
                n,
                Some("create_at"),
                "missing or zero",
            )
            .into());
        }
        let id =
            id.unwrap_or_else(|| format!("{community}/{}/{}", p.create_at, p.user.to_lowercase()));
        let mut post = Post {
            id: id.clone(),
            community: community.to_string(),
            author: p.user.clone(),
            created_at: at(p.create_at, "create_at")?,
            edited_at: match p.edit_at.filter(|e| *e > 0) {
                Some(e) => Some(at(e, "edit_at")?),
                None => None,
            },
            body: p.message.clone(),
            thread_root: root.map(str::to_string),
            parent: root.map(str::to_string),
            mentions: mentions(&p.message, &self.meta.usernames),
            extra: BTreeMap::new(),
        };
        let mut missing = Vec::new();
        for a in &p.attachments {
            match self.source.locate(&a.path) {
                Err(why) => return Err(bad(&self.source, n, why)),
                Ok(Some(_)) => {
                    let later = Later::Attachment {
                        origin: origin.into(),
                        post: id.clone(),
                        path: a.path.clone(),
                    };
                    serde_json::to_writer(&mut self.later, &later)?;
                    self.later.write_all(b"\n").context("temporary file")?;
                }
                Ok(None) => missing.push(a.path.clone()),
            }
        }
        if !missing.is_empty() {
            post.extra
                .insert("missing_files".into(), serde_json::to_string(&missing)?);
        }
        for r in &p.reactions {
            let reaction = Reaction {
                post: id.clone(),
                user: r.user.clone(),
                emoji: emoji::from_name(&r.emoji_name),
                created_at: (r.create_at > 0)
                    .then(|| at(r.create_at, "create_at"))
                    .transpose()?,
            };
            serde_json::to_writer(&mut self.later, &Later::Reaction(origin.into(), reaction))?;
            self.later.write_all(b"\n").context("temporary file")?;
        }
        self.queue.push_back(Located {
            origin: origin.into(),
            record: Record::Post(post),
        });
        Ok(id)
    }
}

/// Users named `@username` in a message, when they are in the file.
fn mentions(text: &str, users: &HashSet<String>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (i, _) in text.match_indices('@') {
        let name: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect();
        let name = name.trim_end_matches('.').to_lowercase();
        if users.contains(&name) && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

fn media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "md" | "log" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

impl Steps for Content {
    fn queue(&mut self) -> &mut VecDeque<Located<Record>> {
        &mut self.queue
    }

    fn advance(&mut self) -> Result<bool> {
        match &mut self.stage {
            Stage::Meta(i) => {
                let m = &self.meta;
                let (users, comms) = (m.users.len(), m.communities.len());
                let at = *i;
                *i += 1;
                let item = if at < users {
                    let (o, u) = &m.users[at];
                    Located {
                        origin: o.clone(),
                        record: Record::User(Meta::user(u)),
                    }
                } else if at < users + comms {
                    let (o, c) = &m.communities[at - users];
                    Located {
                        origin: o.clone(),
                        record: Record::Community(c.clone()),
                    }
                } else if let Some((o, ms)) = m.memberships.get(at - users - comms) {
                    Located {
                        origin: o.clone(),
                        record: Record::Membership(ms.clone()),
                    }
                } else {
                    self.stage = Stage::Posts;
                    return Ok(true);
                };
                self.queue.push_back(item);
                Ok(true)
            }
            Stage::Posts => {
                let Some(n) = self.lines.next_line(&mut self.buf)? else {
                    self.later.flush().context("temporary file")?;
                    let mut file = self.later.get_ref().try_clone().context("temporary file")?;
                    file.rewind().context("temporary file")?;
                    self.stage = Stage::Later(BufReader::new(file));
                    return Ok(true);
                };
                let line = parse(&self.source, n, &self.buf)?;
                let origin = format!("{}:{n}", self.source.label);
                match line.kind.as_str() {
                    "post" => {
                        let p = line.post.expect("checked by Meta::load");
                        let team = p.team.clone().unwrap_or_default();
                        let channel = p.channel.clone().unwrap_or_default();
                        let Some(key) = self
                            .meta
                            .keys
                            .get(&(team.to_lowercase(), channel.to_lowercase()))
                            .cloned()
                        else {
                            // A channel that exists only on the server the file came from.
                            let key = self.meta.channel_key(&team, &channel);
                            return self.thread(&key, p, n, &origin).map(|_| true);
                        };
                        self.thread(&key, p, n, &origin)?;
                    }
                    "direct_post" => {
                        let p = line.direct_post.expect("checked by Meta::load");
                        let (key, _) = direct_key(p.channel_members.as_deref().unwrap_or_default());
                        self.thread(&key, p, n, &origin)?;
                    }
                    _ => {}
                }
                Ok(true)
            }
            Stage::Later(reader) => {
                self.buf.clear();
                if reader.read_line(&mut self.buf).context("temporary file")? == 0 {
                    self.stage = Stage::Done;
                    return Ok(false);
                }
                let item = match serde_json::from_str::<Later>(&self.buf)? {
                    Later::Reaction(origin, r) => Located {
                        origin,
                        record: Record::Reaction(r),
                    },
                    Later::Attachment { origin, post, path } => {
                        let rel = self
                            .source
                            .locate(&path)
                            .ok()
                            .flatten()
                            .expect("located when read");
                        let (sha256, size) = crate::connectors::bundle::attachments::sha256_of(
                            self.source.open_file(&rel)?,
                        )
                        .with_context(|| format!("{origin}: attachment \"{path}\""))?;
                        let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
                        Located {
                            origin,
                            record: Record::Attachment(Attachment {
                                id: format!("{post}#data/{rel}"),
                                post,
                                media_type: media_type(&name).into(),
                                name,
                                size,
                                sha256,
                            }),
                        }
                    }
                };
                self.queue.push_back(item);
                Ok(true)
            }
            Stage::Done => Ok(false),
        }
    }

    fn stop(&mut self) {
        self.stage = Stage::Done;
    }
}
