//! The JSON of a Slack export, as far as esnctl reads it. Unknown fields are ignored:
//! Slack adds fields over time and exports from different years differ.
//!
//! Field names follow Slack's export (the `users.list`, `conversations.list` and message
//! objects of the Web API) and Mattermost's parser of it (`mattermost/mmetl`
//! `services/slack/models.go`).

use serde::Deserialize;
use std::borrow::Cow;

/// An entry of `users.json` (or `org_users.json` for Enterprise Grid).
#[derive(Debug, Deserialize)]
pub struct User {
    pub id: String,
    /// The handle (`mdurand`), unique in the workspace.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub is_bot: bool,
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub profile: Profile,
}

#[derive(Debug, Default, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub real_name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// For bot users: the `bot_id` their `bot_message`s carry.
    #[serde(default)]
    pub bot_id: Option<String>,
}

/// An entry of `channels.json`, `groups.json`, `dms.json` or `mpims.json`.
#[derive(Debug, Deserialize)]
pub struct Channel {
    pub id: String,
    /// Absent for direct messages, whose folder is named after the id.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default)]
    pub is_archived: bool,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub topic: Option<Text>,
    #[serde(default)]
    pub purpose: Option<Text>,
}

#[derive(Debug, Deserialize)]
pub struct Text {
    #[serde(default)]
    pub value: String,
}

/// One message of a day file (`general/2024-03-01.json` is an array of these).
/// Strings borrow from the file's bytes when they hold no escapes. `T` is the type of
/// `text`: the passes that do not convert text use [`Light`], which skips it unread.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de> + Default"))]
pub struct Message<'a, T = Cow<'a, str>> {
    #[serde(default, borrow)]
    pub subtype: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub ts: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub user: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub bot_id: Option<Cow<'a, str>>,
    /// The name a `bot_message` was posted under.
    #[serde(default, borrow)]
    pub username: Option<Cow<'a, str>>,
    #[serde(default)]
    pub text: T,
    #[serde(default, borrow)]
    pub thread_ts: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub edited: Option<Edited<'a>>,
    #[serde(default, borrow)]
    pub reactions: Vec<Reaction<'a>>,
    #[serde(default, borrow)]
    pub files: Vec<File<'a>>,
    /// Legacy (before 2019): one file, with `upload: true` on the message that shared it.
    #[serde(default, borrow)]
    pub file: Option<File<'a>>,
    #[serde(default)]
    pub upload: bool,
    /// Legacy message attachments (bot content, link unfurls).
    #[serde(default, borrow)]
    pub attachments: Vec<MessageAttachment<'a>>,
    /// Legacy `file_comment`: the comment and its author.
    #[serde(default, borrow)]
    pub comment: Option<Comment<'a>>,
    /// The author's profile at the time, present in newer exports.
    #[serde(default, borrow)]
    pub user_profile: Option<UserProfile<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct Edited<'a> {
    #[serde(default, borrow)]
    pub ts: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct Reaction<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(default, borrow)]
    pub users: Vec<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct File<'a> {
    #[serde(default, borrow)]
    pub id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub title: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub mimetype: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub url_private: Option<Cow<'a, str>>,
    /// `tombstone` (deleted) or `hidden_by_limit` (free plan): no content anywhere.
    #[serde(default, borrow)]
    pub mode: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct MessageAttachment<'a> {
    #[serde(default, borrow)]
    pub fallback: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub text: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct Comment<'a> {
    #[serde(default, borrow)]
    pub user: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub comment: Cow<'a, str>,
}

#[derive(Debug, Deserialize)]
pub struct UserProfile<'a> {
    #[serde(default, borrow)]
    pub real_name: Option<Cow<'a, str>>,
}

/// A message read without keeping its text (much faster to parse).
pub type Light<'a> = Message<'a, SkippedText>;

/// A message as the reactions pass reads it: what places it, and its reactions; the rest
/// is skipped unread (the first pass checked it).
#[derive(Debug, Deserialize)]
pub struct Reactions<'a> {
    #[serde(default, borrow)]
    pub subtype: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub ts: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub reactions: Vec<Reaction<'a>>,
}

/// What orders the messages of a day file.
pub trait Stamped {
    fn ts(&self) -> Option<&str>;
    fn subtype(&self) -> &str;
}

impl<T> Stamped for Message<'_, T> {
    fn ts(&self) -> Option<&str> {
        self.ts.as_deref()
    }
    fn subtype(&self) -> &str {
        Message::subtype(self)
    }
}

impl Stamped for Reactions<'_> {
    fn ts(&self) -> Option<&str> {
        self.ts.as_deref()
    }
    fn subtype(&self) -> &str {
        self.subtype.as_deref().unwrap_or("")
    }
}

/// A `text` that must be a string, as in [`Message`], but is not kept: the first pass
/// checks every message with it, so later passes cannot meet a message it let through.
#[derive(Debug, Default)]
pub struct SkippedText;

impl<'de> Deserialize<'de> for SkippedText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SkippedText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<SkippedText, E> {
                Ok(SkippedText)
            }
        }
        d.deserialize_str(V)
    }
}

impl<T> Message<'_, T> {
    pub fn subtype(&self) -> &str {
        self.subtype.as_deref().unwrap_or("")
    }

    /// The Slack user or bot id that authored the message.
    pub fn author_id(&self) -> Option<&str> {
        match self.subtype() {
            "bot_message" => self.bot_id.as_deref().or(self.user.as_deref()),
            "file_comment" => self
                .comment
                .as_ref()
                .and_then(|c| c.user.as_deref())
                .or(self.user.as_deref()),
            _ => self.user.as_deref().or(self.bot_id.as_deref()),
        }
    }

    /// Files shared by this message: `files[]`, or the legacy `file` when the message
    /// uploaded it (a legacy `file` without `upload` only refers to an earlier share).
    pub fn shared_files(&self) -> impl Iterator<Item = &File<'_>> {
        let legacy = self
            .file
            .as_ref()
            .filter(|_| self.upload && self.files.is_empty());
        self.files.iter().chain(legacy)
    }
}

/// What a message subtype becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A post (plain, bot, `/me`, file share, thread broadcast, tombstone…).
    Post,
    /// A channel fact (join, leave, topic, purpose, rename, archive, pins…): not a post.
    System,
}

/// Subtypes that record something about the channel rather than say something.
const SYSTEM_SUBTYPES: &[&str] = &[
    "bot_add",
    "bot_remove",
    "channel_archive",
    "channel_convert_to_private",
    "channel_convert_to_public",
    "channel_join",
    "channel_leave",
    "channel_name",
    "channel_posting_permissions",
    "channel_purpose",
    "channel_topic",
    "channel_unarchive",
    "group_archive",
    "group_join",
    "group_leave",
    "group_name",
    "group_purpose",
    "group_topic",
    "group_unarchive",
    // Edit and delete events (API history, some third-party exports): the edited text is
    // already on the message itself.
    "message_changed",
    "message_deleted",
    "message_replied",
    "pinned_item",
    "reminder_add",
    "unpinned_item",
];

pub fn kind_of(subtype: &str) -> Kind {
    // Most messages have no subtype.
    if !subtype.is_empty() && SYSTEM_SUBTYPES.binary_search(&subtype).is_ok() {
        Kind::System
    } else {
        Kind::Post
    }
}

/// True for the subtypes that record a user joining a channel.
pub fn is_join(subtype: &str) -> bool {
    matches!(subtype, "channel_join" | "group_join")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_subtypes_are_sorted_and_classified() {
        assert!(SYSTEM_SUBTYPES.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(kind_of("channel_join"), Kind::System);
        assert_eq!(kind_of(""), Kind::Post);
        assert_eq!(kind_of("bot_message"), Kind::Post);
        assert_eq!(kind_of("thread_broadcast"), Kind::Post);
        assert_eq!(kind_of("tombstone"), Kind::Post);
    }

    #[test]
    fn legacy_file_counts_only_on_upload() {
        let m: Message = serde_json::from_str(
            r#"{"ts":"1.000001","file":{"id":"F1","name":"a.txt"},"upload":false}"#,
        )
        .unwrap();
        assert_eq!(m.shared_files().count(), 0);
        let m: Message = serde_json::from_str(
            r#"{"ts":"1.000001","file":{"id":"F1","name":"a.txt"},"upload":true}"#,
        )
        .unwrap();
        assert_eq!(m.shared_files().count(), 1);
    }
}
