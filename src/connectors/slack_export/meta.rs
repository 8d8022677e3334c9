//! The export's metadata: users and conversations, read once and kept as id maps.

use super::archive::{Archive, Listing};
use super::wire;
use crate::core::model::{Community, User, Visibility};
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;

/// Which metadata file a conversation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvKind {
    Public,
    Private,
    Dm,
    Mpim,
    /// A folder of messages that no metadata file lists.
    Unlisted,
}

#[derive(Debug)]
pub struct Conversation {
    pub id: String,
    /// Community key: the channel name, or the id for a DM.
    pub key: String,
    pub kind: ConvKind,
    /// The folder holding its day files (name, or id when it has no name).
    pub folder: String,
    pub raw: Option<wire::Channel>,
    /// `channels.json#3`: where it is described.
    pub origin: String,
}

/// Users and conversations of an export, with the maps that resolve Slack ids.
pub struct Meta {
    pub users: Vec<(String, wire::User)>,
    pub conversations: Vec<Conversation>,
    /// Slack user id (and bot id, for bot users) → user key (looked up per message: a
    /// fast hash).
    pub user_keys: foldhash::HashMap<String, String>,
    /// Channel id → community name (for `<#C…>` without a label).
    pub channel_names: foldhash::HashMap<String, String>,
    pub warnings: Vec<String>,
}

/// Reads a JSON metadata file; a syntax or type error names the file and line.
pub fn read_json<T: DeserializeOwned>(archive: &mut Archive, rel: &str) -> Result<Option<T>> {
    let Some(bytes) = archive.read(rel)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| json_error(archive, rel, &e).into())
}

pub fn json_error(archive: &Archive, rel: &str, e: &serde_json::Error) -> Error {
    let file = archive.label(rel);
    Error::invalid_at(file, e.line() as u64, None, format!("invalid JSON: {e}"))
}

impl Meta {
    pub fn load(archive: &mut Archive, listing: &Listing) -> Result<Meta> {
        let mut meta = Meta {
            users: Vec::new(),
            conversations: Vec::new(),
            user_keys: Default::default(),
            channel_names: Default::default(),
            warnings: Vec::new(),
        };
        let mut found_any = false;
        // Enterprise Grid exports name the file org_users.json; a user in both counts once.
        for file in ["users.json", "org_users.json"] {
            let Some(users) = read_json::<Vec<wire::User>>(archive, file)? else {
                continue;
            };
            found_any = true;
            for (i, u) in users.into_iter().enumerate() {
                let origin = format!("{file}#{}", i + 1);
                if u.id.is_empty() || u.name.is_empty() {
                    meta.warnings
                        .push(format!("{origin}: user without id or name; skipped"));
                    continue;
                }
                if meta.user_keys.contains_key(&u.id) {
                    continue;
                }
                meta.user_keys.insert(u.id.clone(), u.name.clone());
                if let Some(bot) = u.profile.bot_id.as_deref().filter(|b| !b.is_empty()) {
                    meta.user_keys
                        .entry(bot.to_string())
                        .or_insert(u.name.clone());
                }
                meta.users.push((origin, u));
            }
        }
        let kinds = [
            ("channels.json", ConvKind::Public),
            ("groups.json", ConvKind::Private),
            ("dms.json", ConvKind::Dm),
            ("mpims.json", ConvKind::Mpim),
        ];
        for (file, kind) in kinds {
            let Some(list) = read_json::<Vec<wire::Channel>>(archive, file)? else {
                continue;
            };
            found_any = true;
            for (i, c) in list.into_iter().enumerate() {
                let origin = format!("{file}#{}", i + 1);
                let name = c.name.clone().filter(|n| !n.is_empty());
                if c.id.is_empty() {
                    let what = format!("entry {} has no id", i + 1);
                    return Err(
                        Error::invalid_data(format!("{}: {what}", archive.label(file))).into(),
                    );
                }
                let folder = name.clone().unwrap_or_else(|| c.id.clone());
                let key = match kind {
                    ConvKind::Dm => c.id.clone(),
                    _ => folder.clone(),
                };
                if let Some(n) = &name {
                    meta.channel_names.insert(c.id.clone(), n.clone());
                }
                meta.conversations.push(Conversation {
                    id: c.id.clone(),
                    key,
                    kind,
                    folder,
                    raw: Some(c),
                    origin,
                });
            }
        }
        if !found_any {
            return Err(Error::invalid_data(format!(
                "{}: not a Slack export: no users.json, org_users.json or channels.json",
                archive.location().display()
            ))
            .into());
        }
        // Folders no metadata file lists still hold messages: keep them rather than lose them.
        let listed: std::collections::HashSet<&str> = meta
            .conversations
            .iter()
            .map(|c| c.folder.as_str())
            .collect();
        let unlisted: Vec<String> = listing
            .days
            .keys()
            .filter(|f| !listed.contains(f.as_str()))
            .cloned()
            .collect();
        for folder in unlisted {
            meta.warnings.push(format!(
                "folder \"{folder}\" is in no metadata file; read as a private community"
            ));
            meta.conversations.push(Conversation {
                id: folder.clone(),
                key: folder.clone(),
                kind: ConvKind::Unlisted,
                origin: format!("{folder}/"),
                folder,
                raw: None,
            });
        }
        Ok(meta)
    }

    /// The canonical user for a users.json entry.
    pub fn user(u: &wire::User) -> User {
        let mut user = User::new(u.name.clone());
        let p = &u.profile;
        let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
        user.external_id = Some(u.id.clone());
        user.email = nonempty(&p.email);
        user.display_name = nonempty(&p.real_name)
            .or_else(|| nonempty(&u.real_name))
            .or_else(|| nonempty(&p.display_name));
        user.given_name = nonempty(&p.first_name);
        user.family_name = nonempty(&p.last_name);
        user.title = nonempty(&p.title);
        user.active = !u.deleted;
        if let Some(d) = nonempty(&p.display_name) {
            user.extra.insert("display_handle".into(), d);
        }
        if u.is_bot {
            user.extra.insert("bot".into(), "true".into());
        }
        user
    }

    /// The user key for a Slack id, or the placeholder key used when it is unknown.
    pub fn key_for(&self, id: &str) -> String {
        match self.user_keys.get(id) {
            Some(k) => k.clone(),
            None => placeholder_key(id),
        }
    }

    /// The community for a conversation; DMs and group DMs are secret, named after their
    /// members, and say what they were in `extra.kind`.
    pub fn community(&self, c: &Conversation) -> Community {
        let raw = c.raw.as_ref();
        let members: Vec<String> = raw
            .map(|r| r.members.iter().map(|m| self.key_for(m)).collect())
            .unwrap_or_default();
        let mut community = Community {
            key: c.key.clone(),
            name: c.folder.clone(),
            ..Default::default()
        };
        let text = |t: &Option<wire::Text>| {
            t.as_ref()
                .map(|t| t.value.clone())
                .filter(|v| !v.trim().is_empty())
        };
        if let Some(r) = raw {
            community.description = text(&r.purpose);
            if let Some(topic) = text(&r.topic) {
                community.extra.insert("topic".into(), topic);
            }
            community.archived = r.is_archived;
            if let Some(creator) = r.creator.as_deref().filter(|s| !s.is_empty()) {
                community.owners.push(self.key_for(creator));
            }
        }
        community.extra.insert("slack_id".into(), c.id.clone());
        community.visibility = match c.kind {
            ConvKind::Public => Visibility::Public,
            ConvKind::Private | ConvKind::Unlisted => Visibility::Private,
            ConvKind::Dm | ConvKind::Mpim => {
                let kind = if c.kind == ConvKind::Dm { "dm" } else { "mpim" };
                community.extra.insert("kind".into(), kind.into());
                community.name = members.join(", ");
                if community.name.is_empty() {
                    community.name = c.key.clone();
                }
                Visibility::Secret
            }
        };
        if c.kind == ConvKind::Unlisted {
            community.extra.insert("kind".into(), "unlisted".into());
        }
        community
    }
}

/// The key of a user that messages name but no users file lists (deleted accounts of
/// another workspace, integrations, Slackbot).
pub fn placeholder_key(id: &str) -> String {
    if id == "USLACKBOT" {
        "slackbot".to_string()
    } else {
        id.to_lowercase()
    }
}

/// The placeholder user for an unknown id, named from what the messages said.
pub fn placeholder_user(id: &str, seen_name: Option<&str>) -> User {
    let mut u = User::new(placeholder_key(id));
    u.external_id = Some(id.to_string());
    u.display_name = Some(match (id, seen_name) {
        ("USLACKBOT", _) => "Slackbot".to_string(),
        (_, Some(n)) if !n.trim().is_empty() => n.to_string(),
        _ => format!("Unknown Slack user {id}"),
    });
    u.active = false;
    u.extra.insert("placeholder".into(), "true".into());
    if id == "USLACKBOT" || id.starts_with('B') {
        u.extra.insert("bot".into(), "true".into());
    }
    u
}
