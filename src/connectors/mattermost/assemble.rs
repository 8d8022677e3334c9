//! `finish` of the Mattermost writer: the spilled records become bulk import lines in the
//! order the importer requires (see [`super::wire`]): version, team, channels, users
//! (with their memberships), posts (with replies, reactions and files), direct channels,
//! direct posts. One thread is in memory at a time.

use super::validate::{self, NameKind};
use super::wire::{self, Line};
use super::writer::{Spill, StoredPost};
use crate::error::Result;
use anyhow::Context;
use rusqlite::params;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;

/// Direct and group conversations, with the usernames of their members.
pub struct Direct {
    /// Community key → members (2 to 8, sorted; a conversation with oneself repeats the user).
    pub members: HashMap<String, Vec<String>>,
    /// Too large for a group message (more than 8 people): written as private channels.
    pub demoted: HashSet<String>,
}

/// Writes every line to `out`; returns the number of lines and the attachment files to
/// ship as `(path under data/, temporary file)`.
pub fn write_lines(
    spill: &mut Spill,
    team: &wire::Team,
    out: &mut dyn Write,
) -> Result<(u64, Vec<(String, String)>)> {
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
    let mut names: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = spill
            .db
            .prepare("SELECT key, name, direct, json FROM channels ORDER BY seq")?;
        let rows: Vec<(String, String, bool, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        for (key, mut name, is_direct, json) in rows {
            if is_direct && !direct.demoted.contains(&key) {
                continue;
            }
            let mut channel: wire::Channel = serde_json::from_str(&json)?;
            if is_direct {
                name = spill.channels.assign(
                    NameKind::Channel,
                    &key,
                    &channel.display_name,
                    &format!("c-{}", validate::short_hash(&key)),
                );
                channel.name = name.clone();
                channel.kind = "P".into();
                channel.display_name = validate::truncate_runes(
                    &channel.display_name,
                    validate::MAX_DISPLAY_NAME_RUNES,
                )
                .unwrap_or(channel.display_name);
                spill.note("channel", &key, format!("group conversation of more than {} people written as private channel \"{name}\"", validate::GROUP_MAX_MEMBERS))?;
            }
            channel.team = team.name.clone();
            names.insert(key, name);
            w.line(&Line {
                kind: "channel".into(),
                channel: Some(channel),
                ..Default::default()
            })?;
        }
    }

    users(spill, team, &names, &mut w)?;

    // Posts of channels, then direct posts.
    let mut files = Vec::new();
    let channel_keys: Vec<(String, bool)> = {
        let mut stmt = spill
            .db
            .prepare("SELECT key, direct FROM channels ORDER BY seq")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows
    };
    for (key, is_direct) in &channel_keys {
        if *is_direct && !direct.demoted.contains(key) {
            continue;
        }
        posts(
            spill,
            key,
            Target::Channel(&team.name, &names[key]),
            &mut w,
            &mut files,
        )?;
    }
    for (key, is_direct) in &channel_keys {
        if let (true, Some(members)) = (
            *is_direct && !direct.demoted.contains(key),
            direct.members.get(key),
        ) {
            w.line(&Line {
                kind: "direct_channel".into(),
                direct_channel: Some(wire::DirectChannel {
                    members: members.clone(),
                    header: None,
                }),
                ..Default::default()
            })?;
        }
    }
    for (key, is_direct) in &channel_keys {
        if let (true, Some(members)) = (
            *is_direct && !direct.demoted.contains(key),
            direct.members.get(key),
        ) {
            posts(spill, key, Target::Direct(members), &mut w, &mut files)?;
        }
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
        self.out
            .write_all(b"\n")
            .context("writing the import file")?;
        self.count += 1;
        Ok(())
    }
}

/// Members of each direct conversation: its memberships plus whoever posted in it.
fn direct_members(spill: &Spill) -> Result<Direct> {
    let mut direct = Direct {
        members: HashMap::new(),
        demoted: HashSet::new(),
    };
    let keys: Vec<String> = spill
        .db
        .prepare("SELECT key FROM channels WHERE direct = 1 ORDER BY seq")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut members = spill.db.prepare(
        "SELECT username FROM members WHERE community = ?1
         UNION SELECT author FROM posts WHERE community = ?1",
    )?;
    for key in keys {
        let mut set: BTreeSet<String> = BTreeSet::new();
        for name in members.query_map([&key], |r| r.get::<_, String>(0))? {
            set.insert(name?);
        }
        let mut list: Vec<String> = set.into_iter().collect();
        match list.len() {
            0 => {
                spill.note(
                    "channel",
                    &key,
                    "conversation without members or messages: left out",
                )?;
                continue;
            }
            1 => list.push(list[0].clone()),
            n if n > validate::GROUP_MAX_MEMBERS => {
                direct.demoted.insert(key.clone());
            }
            _ => {}
        }
        direct.members.insert(key, list);
    }
    Ok(direct)
}

/// User lines: every user belongs to the team; channel memberships (owners as admins).
fn users(
    spill: &Spill,
    team: &wire::Team,
    names: &HashMap<String, String>,
    w: &mut Lines<'_>,
) -> Result<()> {
    let mut owners: HashMap<String, HashSet<String>> = HashMap::new();
    {
        let mut stmt = spill.db.prepare("SELECT key, owners FROM channels")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (key, list) = row?;
            let list: Vec<String> = serde_json::from_str(&list)?;
            owners.insert(key, list.into_iter().collect());
        }
    }
    let mut stmt = spill
        .db
        .prepare("SELECT key, username, json FROM users WHERE failed IS NULL ORDER BY seq")?;
    let mut memberships = spill
        .db
        .prepare("SELECT community FROM members WHERE username = ?1 ORDER BY community")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (key, username, json): (String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let mut user: wire::User = serde_json::from_str(&json)?;
        let mut channels = Vec::new();
        for community in memberships.query_map(params![username], |r| r.get::<_, String>(0))? {
            let community = community?;
            let Some(name) = names.get(&community) else {
                continue;
            };
            let admin = owners.get(&community).is_some_and(|o| o.contains(&key));
            channels.push(wire::UserChannel {
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
            channels,
        }];
        w.line(&Line {
            kind: "user".into(),
            user: Some(user),
            ..Default::default()
        })?;
    }
    Ok(())
}

enum Target<'a> {
    Channel(&'a str, &'a str),
    Direct(&'a [String]),
}

/// The root posts of one community in time order, each with its thread.
fn posts(
    spill: &Spill,
    community: &str,
    target: Target<'_>,
    w: &mut Lines<'_>,
    files: &mut Vec<(String, String)>,
) -> Result<()> {
    let mut roots = spill.db.prepare_cached(
        "SELECT id, json FROM posts WHERE community = ?1 AND root IS NULL ORDER BY create_at, seq",
    )?;
    let mut replies = spill
        .db
        .prepare_cached("SELECT id, json FROM posts WHERE root = ?1 ORDER BY create_at, seq")?;
    let mut reactions = spill.db.prepare_cached("SELECT username, emoji, create_at FROM reactions WHERE post = ?1 ORDER BY create_at, username, emoji")?;
    let mut attachments = spill
        .db
        .prepare_cached("SELECT path, file FROM attachments WHERE post = ?1 ORDER BY id")?;
    let mut decorate = |id: &str, post: &mut wire::Post| -> Result<()> {
        for r in reactions.query_map([id], |r| {
            Ok(wire::Reaction {
                user: r.get(0)?,
                emoji_name: r.get(1)?,
                create_at: r.get(2)?,
            })
        })? {
            post.reactions.push(r?);
        }
        for a in attachments.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (path, file) = a?;
            post.attachments
                .push(wire::AttachmentRef { path: path.clone() });
            files.push((path, file));
        }
        Ok(())
    };
    let mut rows = roots.query([community])?;
    while let Some(row) = rows.next()? {
        let (id, json): (String, String) = (row.get(0)?, row.get(1)?);
        let stored: StoredPost = serde_json::from_str(&json)?;
        let mut rest = pieces(&stored).into_iter();
        let mut root = rest.next().expect("a message has at least one part");
        let mut props = serde_json::Map::new();
        props.insert(wire::SOURCE_ID_PROP.into(), stored.source_id.clone().into());
        root.props = Some(props);
        decorate(&id, &mut root)?;
        let mut thread = Vec::new();
        for reply in replies.query_map([&id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (reply_id, json) = reply?;
            let stored: StoredPost = serde_json::from_str(&json)?;
            let mut parts = pieces(&stored);
            decorate(&reply_id, &mut parts[0])?;
            thread.extend(parts);
        }
        root.replies = thread;
        // Continuations of a long first post follow it as posts of their own.
        for post in std::iter::once(root).chain(rest) {
            let mut post = post;
            match &target {
                Target::Channel(team, channel) => {
                    post.team = Some((*team).to_string());
                    post.channel = Some((*channel).to_string());
                    w.line(&Line {
                        kind: "post".into(),
                        post: Some(post),
                        ..Default::default()
                    })?;
                }
                Target::Direct(members) => {
                    post.channel_members = Some(members.to_vec());
                    w.line(&Line {
                        kind: "direct_post".into(),
                        direct_post: Some(post),
                        ..Default::default()
                    })?;
                }
            }
        }
    }
    Ok(())
}

/// One wire post per part of a split message, a millisecond apart so they keep their order.
fn pieces(stored: &StoredPost) -> Vec<wire::Post> {
    stored
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| wire::Post {
            user: stored.user.clone(),
            message: part.clone(),
            create_at: stored.create_at + i as i64,
            edit_at: stored.edit_at,
            ..Default::default()
        })
        .collect()
}
