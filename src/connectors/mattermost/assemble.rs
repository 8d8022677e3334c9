//! `finish` of the Mattermost writer: the kept records become bulk import lines in the
//! order the importer requires (see [`super::wire`]): version, team, channels, users
//! (with their memberships), posts (with replies, reactions and files), direct channels,
//! direct posts. Posts come from [`super::entries`] one channel at a time, a thread at a
//! time: one thread is in memory at once.

use super::entries::{payload::Reader, Key, Place, Sorter, What};
use super::validate::{self, NameKind};
use super::wire::{self, Line};
use super::writer::Spill;
use crate::error::Result;
use anyhow::Context;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// Direct and group conversations (by channel number), with the usernames of their members.
struct Direct {
    /// Members (2 to 8, sorted; a conversation with oneself repeats the user).
    members: HashMap<u32, Vec<String>>,
    /// Too large for a group message (more than 8 people): written as private channels.
    demoted: HashSet<u32>,
}

/// Writes every line to `out`; returns the number of lines and the attachment files to
/// ship as `(path under data/, temporary file)`.
pub fn write_lines(
    spill: &mut Spill,
    team: &wire::Team,
    out: &mut dyn Write,
) -> Result<(u64, Vec<(String, String)>)> {
    if spill.rewritten {
        place_again(spill)?;
    }
    let direct = direct_members(spill)?;
    let mut w = Lines { out, count: 0 };
    w.line(&Line {
        kind: "version".into(),
        version: Some(1),
        ..Default::default()
    })?;
    w.line(&Line {
        kind: "team".into(),
        team: Some(team.clone()),
        ..Default::default()
    })?;

    // Channels, including group conversations too large for Mattermost's group messages.
    let mut names: HashMap<u32, String> = HashMap::new();
    for i in 0..spill.channels.len() {
        let number = i as u32;
        let (is_direct, demoted) = (spill.channels[i].direct, direct.demoted.contains(&number));
        if is_direct && !demoted {
            continue;
        }
        let mut channel = spill.channels[i].line.clone();
        let mut name = spill.channels[i].name.clone();
        if is_direct {
            let key = spill.channels[i].key.clone();
            name = spill.channel_names.assign(
                NameKind::Channel,
                &key,
                &channel.display_name,
                &format!("c-{}", validate::short_hash(&key)),
            );
            channel.name = name.clone();
            channel.kind = "P".into();
            channel.display_name =
                validate::truncate_runes(&channel.display_name, validate::MAX_DISPLAY_NAME_RUNES)
                    .unwrap_or(channel.display_name);
            spill.note(
                "channel",
                &key,
                format!(
                    "group conversation of more than {} people written as private channel \"{name}\"",
                    validate::GROUP_MAX_MEMBERS
                ),
            )?;
        }
        channel.team = team.name.clone();
        names.insert(number, name);
        w.line(&Line {
            kind: "channel".into(),
            channel: Some(channel),
            ..Default::default()
        })?;
    }

    users(spill, team, &names, &mut w)?;

    // Posts of channels, then direct posts.
    let mut files = Vec::new();
    for i in 0..spill.channels.len() as u32 {
        if let Some(name) = names.get(&i) {
            let head = post_head("post", |out| {
                out.extend_from_slice(b"\"team\":");
                serde_json::to_writer(&mut *out, &team.name)?;
                out.extend_from_slice(b",\"channel\":");
                serde_json::to_writer(&mut *out, name)?;
                Ok(())
            })?;
            posts(spill, i, &head, &mut w, &mut files)?;
        }
    }
    let conversations: Vec<(u32, &Vec<String>)> = (0..spill.channels.len() as u32)
        .filter(|i| !names.contains_key(i))
        .filter_map(|i| direct.members.get(&i).map(|m| (i, m)))
        .collect();
    for (_, members) in &conversations {
        w.line(&Line {
            kind: "direct_channel".into(),
            direct_channel: Some(wire::DirectChannel {
                members: members.to_vec(),
                header: None,
            }),
            ..Default::default()
        })?;
    }
    for (i, members) in conversations {
        let head = post_head("direct_post", |out| {
            out.extend_from_slice(b"\"channel_members\":");
            serde_json::to_writer(&mut *out, members)?;
            Ok(())
        })?;
        posts(spill, i, &head, &mut w, &mut files)?;
    }
    Ok((w.count, files))
}

struct Lines<'a> {
    out: &'a mut dyn Write,
    count: u64,
}

impl Lines<'_> {
    fn line(&mut self, line: &Line) -> Result<()> {
        serde_json::to_writer(&mut *self.out, line)?;
        self.raw(b"\n")
    }

    /// Bytes of a line assembled here (the caller ends it with a newline).
    fn raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .context("writing the import file")?;
        if bytes.ends_with(b"\n") {
            self.count += 1;
        }
        Ok(())
    }
}

/// `{"type":"post","post":{"team":…,"channel":…,`: what every top-level post line of a
/// channel starts with (the post's own fields follow).
fn post_head(
    kind: &str,
    fields: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Result<Vec<u8>> {
    let mut head = Vec::new();
    write!(head, "{{\"type\":\"{kind}\",\"{kind}\":{{")?;
    fields(&mut head)?;
    head.push(b',');
    Ok(head)
}

/// Members of each direct conversation: its memberships plus whoever posted in it.
fn direct_members(spill: &mut Spill) -> Result<Direct> {
    let mut direct = Direct {
        members: HashMap::new(),
        demoted: HashSet::new(),
    };
    for i in 0..spill.channels.len() {
        let row = &spill.channels[i];
        if !row.direct {
            continue;
        }
        let mut list: Vec<String> = row.direct_members.union(&row.authors).cloned().collect();
        let number = i as u32;
        match list.len() {
            0 => {
                let key = row.key.clone();
                spill.note(
                    "channel",
                    &key,
                    "conversation without members or messages: left out",
                )?;
                continue;
            }
            1 => list.push(list[0].clone()),
            n if n > validate::GROUP_MAX_MEMBERS => {
                direct.demoted.insert(number);
            }
            _ => {}
        }
        direct.members.insert(number, list);
    }
    Ok(direct)
}

/// User lines: every user belongs to the team; channel memberships (owners as admins).
fn users(
    spill: &mut Spill,
    team: &wire::Team,
    names: &HashMap<u32, String>,
    w: &mut Lines<'_>,
) -> Result<()> {
    let Spill {
        users,
        members,
        channels,
        ..
    } = spill;
    let numbers: HashMap<&str, u32> = channels
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i as u32))
        .collect();
    for row in users.rows.iter_mut() {
        let Some(mut user) = row.line.take() else {
            continue; // failed: not imported
        };
        let mut list = Vec::new();
        for community in members.get(&row.username).into_iter().flatten() {
            let Some(number) = numbers.get(community.as_str()) else {
                continue;
            };
            let Some(name) = names.get(number) else {
                continue;
            };
            let admin = channels[*number as usize].owners.contains(&row.key);
            list.push(wire::UserChannel {
                name: name.clone(),
                roles: Some(
                    if admin {
                        "channel_user channel_admin"
                    } else {
                        "channel_user"
                    }
                    .into(),
                ),
            });
        }
        user.teams = vec![wire::UserTeam {
            name: team.name.clone(),
            roles: Some("team_user".into()),
            channels: list,
        }];
        w.line(&Line {
            kind: "user".into(),
            user: Some(user),
            ..Default::default()
        })?;
    }
    Ok(())
}

/// A reaction as kept until its post is written: (entry arrival, username, emoji name,
/// time).
type Reaction = (u64, String, String, i64);

/// The thread being put together. Its entries come in order (see [`Key`]): the first
/// post, its reactions and files, then each reply with its reactions and files. Replies
/// are written into `replies` as soon as the next one starts.
struct Thread {
    root: Place,
    /// The first post's parts (JSON members without braces); empty when the first post
    /// is not in the file (replaced by a later post that is a reply).
    first: Vec<Vec<u8>>,
    first_reactions: Vec<Reaction>,
    first_files: Vec<String>,
    /// The replies written so far, comma-separated.
    replies: Vec<u8>,
    /// The reply being read: its key, parts, reactions and files.
    reply: Option<(i64, u64)>,
    reply_parts: Vec<Vec<u8>>,
    reply_reactions: Vec<Reaction>,
    reply_files: Vec<(String, String, String)>,
    /// The first post's files, by id, before they are listed (after the replies).
    pending_first_files: Vec<(String, String, String)>,
}

impl Thread {
    fn new(root: Place) -> Thread {
        Thread {
            root,
            first: Vec::new(),
            first_reactions: Vec::new(),
            first_files: Vec::new(),
            replies: Vec::new(),
            reply: None,
            reply_parts: Vec::new(),
            reply_reactions: Vec::new(),
            reply_files: Vec::new(),
            pending_first_files: Vec::new(),
        }
    }

    /// Adds an entry. A reaction or file of a post that is not there (replaced by a later
    /// one) is dropped with it.
    fn add(
        &mut self,
        key: &Key,
        payload: &[u8],
        latest: &foldhash::HashMap<String, u64>,
        files: &mut Vec<(String, String)>,
    ) -> Result<()> {
        if key.reply != self.reply {
            self.end_reply(files)?;
            self.reply = key.reply;
        }
        let is_first = key.reply.is_none();
        if !is_first && self.first.is_empty() {
            return Ok(()); // no first post to hang replies on (see `write`)
        }
        let mut r = Reader(payload);
        match key.what {
            What::Post => {
                let (_id, _seq, _channel, _author) = (r.str(), r.u64(), r.u64(), r.str());
                if r.u64() == 1 {
                    let _root = r.str();
                }
                let parts = if is_first {
                    &mut self.first
                } else {
                    &mut self.reply_parts
                };
                for _ in 0..r.u64() {
                    parts.push(r.bytes().to_vec());
                }
            }
            What::Reaction => {
                let (_post, user, emoji, at) = (r.str(), r.str(), r.str(), r.u64() as i64);
                let (parts, list) = if is_first {
                    (&self.first, &mut self.first_reactions)
                } else {
                    (&self.reply_parts, &mut self.reply_reactions)
                };
                if !parts.is_empty() {
                    list.push((key.n, user.to_string(), emoji.to_string(), at));
                }
            }
            What::Attachment => {
                let (_post, id, path, file) = (r.str(), r.str(), r.str(), r.str());
                let (parts, list) = if is_first {
                    (&self.first, &mut self.pending_first_files)
                } else {
                    (&self.reply_parts, &mut self.reply_files)
                };
                // A later file with the same id replaced this one.
                if !parts.is_empty() && latest.get(id) == Some(&key.n) {
                    list.push((id.to_string(), path.to_string(), file.to_string()));
                }
            }
        }
        Ok(())
    }

    /// Writes the reply read so far (if any) into `replies`. The first post's files are
    /// listed first (the order of the file list: the first post's, then each reply's).
    fn end_reply(&mut self, files: &mut Vec<(String, String)>) -> Result<()> {
        if !self.pending_first_files.is_empty() {
            self.first_files = attachments(&mut self.pending_first_files, files);
        }
        let Some(_) = self.reply.take() else {
            return Ok(());
        };
        let paths = attachments(&mut self.reply_files, files);
        for (i, part) in self.reply_parts.drain(..).enumerate() {
            if !self.replies.is_empty() {
                self.replies.push(b',');
            }
            self.replies.push(b'{');
            self.replies.extend_from_slice(&part);
            if i == 0 {
                reactions(&mut self.replies, &mut self.reply_reactions)?;
                attachment_refs(&mut self.replies, &paths)?;
            }
            self.replies.push(b'}');
        }
        self.reply_reactions.clear();
        Ok(())
    }

    /// Writes the thread: its first post with the replies, reactions and files, then the
    /// continuations of a long first post as posts of their own.
    fn write(
        mut self,
        head: &[u8],
        line: &mut Vec<u8>,
        w: &mut Lines<'_>,
        files: &mut Vec<(String, String)>,
    ) -> Result<()> {
        self.end_reply(files)?;
        let Some(first) = self.first.first() else {
            return Ok(()); // its first post became a reply: Mattermost has no place for it
        };
        line.clear();
        line.extend_from_slice(head);
        line.extend_from_slice(first);
        reactions(line, &mut self.first_reactions)?;
        if !self.replies.is_empty() {
            line.extend_from_slice(b",\"replies\":[");
            line.extend_from_slice(&self.replies);
            line.push(b']');
        }
        attachment_refs(line, &self.first_files)?;
        line.extend_from_slice(b"}}\n");
        w.raw(line)?;
        // Continuations of a long first post follow it as posts of their own.
        for part in &self.first[1..] {
            line.clear();
            line.extend_from_slice(head);
            line.extend_from_slice(part);
            line.extend_from_slice(b"}}\n");
            w.raw(line)?;
        }
        Ok(())
    }
}

/// The root posts of one channel in time order, each with its thread.
fn posts(
    spill: &mut Spill,
    channel: u32,
    head: &[u8],
    w: &mut Lines<'_>,
    files: &mut Vec<(String, String)>,
) -> Result<()> {
    let Spill {
        entries,
        attachments,
        ..
    } = spill;
    let mut thread: Option<Thread> = None;
    let mut line = Vec::new();
    entries.each_in_channel(channel, |key, payload| {
        if thread.as_ref().is_some_and(|t| t.root != key.root) {
            let done = thread.take().expect("checked above");
            done.write(head, &mut line, w, files)?;
        }
        thread
            .get_or_insert_with(|| Thread::new(key.root))
            .add(key, payload, attachments, files)
    })?;
    if let Some(done) = thread {
        done.write(head, &mut line, w, files)?;
    }
    Ok(())
}

/// `,"reactions":[…]`: one per person and emoji (the last one written), by time, person
/// and emoji.
fn reactions(line: &mut Vec<u8>, list: &mut Vec<Reaction>) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    // Latest first within each (person, emoji), then keep the first of each.
    list.sort_by(|a, b| {
        (&a.1, &a.2, std::cmp::Reverse(a.0)).cmp(&(&b.1, &b.2, std::cmp::Reverse(b.0)))
    });
    list.dedup_by(|b, a| a.1 == b.1 && a.2 == b.2);
    list.sort_by(|a, b| (a.3, &a.1, &a.2).cmp(&(b.3, &b.1, &b.2)));
    line.extend_from_slice(b",\"reactions\":[");
    for (i, (_, user, emoji, at)) in list.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        serde_json::to_writer(
            &mut *line,
            &wire::Reaction {
                user: user.clone(),
                create_at: *at,
                emoji_name: emoji.clone(),
            },
        )?;
    }
    line.push(b']');
    Ok(())
}

/// The files of a post by id, added to the files to ship; their paths.
fn attachments(
    list: &mut Vec<(String, String, String)>,
    files: &mut Vec<(String, String)>,
) -> Vec<String> {
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list.drain(..)
        .map(|(_, path, file)| {
            files.push((path.clone(), file));
            path
        })
        .collect()
}

/// `,"attachments":[{"path":…},…]`.
fn attachment_refs(line: &mut Vec<u8>, paths: &[String]) -> Result<()> {
    if paths.is_empty() {
        return Ok(());
    }
    line.extend_from_slice(b",\"attachments\":[");
    for (i, path) in paths.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        serde_json::to_writer(&mut *line, &wire::AttachmentRef { path: path.clone() })?;
    }
    line.push(b']');
    Ok(())
}

/// After a post id was written twice: every entry placed again from the posts as they
/// are at the end. The later post replaced the earlier one, so the earlier one's line is
/// dropped, and what referred to that id (replies, reactions, files) follows the later
/// one; replies whose first post became a reply have no thread left and are dropped. The
/// authors of direct conversations are counted again from the posts that remain.
fn place_again(spill: &mut Spill) -> Result<()> {
    let mut again = Sorter::new(&spill.dir.path().join("entries-again.sort"));
    for channel in &mut spill.channels {
        channel.authors.clear();
    }
    let Spill {
        entries,
        index,
        channels,
        ..
    } = spill;
    entries.each(|key, payload| {
        let mut r = Reader(payload);
        let post = r.str();
        let Some(post_info) = index.get(post)? else {
            return Ok(()); // unreachable: entries are only kept for posts in the index
        };
        if key.what == What::Post {
            let seq = r.u64();
            let channel = r.u64() as usize;
            let author = r.str();
            if post_info.place.seq != seq {
                return Ok(()); // replaced by a later post with the same id
            }
            if channels[channel].direct {
                channels[channel].authors.insert(author.to_string());
            }
        }
        let root = match &post_info.root {
            None => None,
            Some((root, _)) => match index.get(root)? {
                Some(info) if info.root.is_none() => Some(info.place),
                _ => return Ok(()),
            },
        };
        let placed = Key::of(post_info.place, root, key.what, key.n);
        again.push(placed, |out| out.extend_from_slice(payload))
    })?;
    std::mem::replace(entries, again).discard();
    Ok(())
}
