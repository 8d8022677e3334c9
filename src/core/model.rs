//! The canonical model every connector reads into and writes from.
//!
//! Field names here are the contract: they are the JSONL keys of the bundle format
//! (`docs/bundle-format.md`), the CSV column names and the JSON keys of `users list`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person's account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Username: the human-readable, case-insensitive key (`mdurand`).
    pub key: String,
    /// The source's immutable id (entryUUID, objectGUID, SCIM externalId).
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    /// The manager's `key`.
    #[serde(default)]
    pub manager: Option<String>,
    #[serde(default = "default_true")]
    pub active: bool,
    /// Attributes without a canonical field, kept verbatim.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    /// Which `--from` endpoint the record came from (set when several sources are merged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who deactivated the account, when esnctl knows: `"esnctl"` for its own deactivations.
    /// Only those are reactivated automatically by a sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_by: Option<String>,
    /// The destination's own identifier (SCIM id, Matrix user id); never serialized.
    #[serde(skip)]
    pub handle: Option<String>,
}

fn default_true() -> bool {
    true
}

/// `s.to_lowercase()`, borrowed when that changes nothing (the usual key or email): keys
/// and emails compare case-insensitively, and indexing 100k records then allocates none.
pub fn lowercase(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.to_lowercase())
    }
}

/// The canonical user fields that can differ between two sides, in display order.
pub const USER_FIELDS: &[&str] = &[
    "key",
    "external_id",
    "email",
    "display_name",
    "given_name",
    "family_name",
    "title",
    "department",
    "manager",
];

impl User {
    pub fn new(key: impl Into<String>) -> Self {
        User {
            key: key.into(),
            active: true,
            ..Default::default()
        }
    }

    /// The value of a canonical field, or of an extra attribute named `extra.NAME`.
    pub fn field(&self, name: &str) -> Option<&str> {
        match name {
            "key" => Some(&self.key),
            "external_id" => self.external_id.as_deref(),
            "email" => self.email.as_deref(),
            "display_name" => self.display_name.as_deref(),
            "given_name" => self.given_name.as_deref(),
            "family_name" => self.family_name.as_deref(),
            "title" => self.title.as_deref(),
            "department" => self.department.as_deref(),
            "manager" => self.manager.as_deref(),
            _ => name
                .strip_prefix("extra.")
                .and_then(|k| self.extra.get(k))
                .map(String::as_str),
        }
    }

    /// Sets a canonical field or `extra.NAME`; `None` clears it. Returns false for an
    /// unknown field name.
    pub fn set_field(&mut self, name: &str, value: Option<String>) -> bool {
        let slot = match name {
            "key" => {
                self.key = value.unwrap_or_default();
                return true;
            }
            "external_id" => &mut self.external_id,
            "email" => &mut self.email,
            "display_name" => &mut self.display_name,
            "given_name" => &mut self.given_name,
            "family_name" => &mut self.family_name,
            "title" => &mut self.title,
            "department" => &mut self.department,
            "manager" => &mut self.manager,
            _ => {
                let Some(k) = name.strip_prefix("extra.") else {
                    return false;
                };
                match value {
                    Some(v) => self.extra.insert(k.to_string(), v),
                    None => self.extra.remove(k),
                };
                return true;
            }
        };
        *slot = value;
        true
    }
}

/// Who may see and join a community.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone in the network can find, read and join.
    #[default]
    Public,
    /// Listed, but joining needs an invitation or approval.
    Private,
    /// Not listed; members only.
    Secret,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Private => "private",
            Visibility::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "public" => Some(Visibility::Public),
            "private" => Some(Visibility::Private),
            "secret" => Some(Visibility::Secret),
            _ => None,
        }
    }
}

/// A community: a group, channel, space or team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub visibility: Visibility,
    /// The parent community's `key` (stores under a region).
    #[serde(default)]
    pub parent: Option<String>,
    /// Owners' user keys.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Archived communities keep their content but take no new posts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

/// A user's membership of a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub community: String,
    pub user: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<Timestamp>,
}

/// A message, post or reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Post {
    /// Unique within the bundle; usually the source platform's id.
    pub id: String,
    pub community: String,
    /// The author's user key.
    pub author: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub edited_at: Option<Timestamp>,
    /// Markdown (CommonMark).
    pub body: String,
    /// The thread's root post id; absent on root posts.
    #[serde(default)]
    pub thread_root: Option<String>,
    /// The post this one answers; absent on root posts.
    #[serde(default)]
    pub parent: Option<String>,
    /// User keys mentioned in the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl Post {
    pub fn is_reply(&self) -> bool {
        self.thread_root.is_some() || self.parent.is_some()
    }
}

/// An emoji reaction to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub post: String,
    pub user: String,
    /// A Unicode emoji, or a `:shortcode:` when the source had a custom emoji.
    pub emoji: String,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

/// A file attached to a post; its bytes are stored under `attachments/<sha256>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub id: String,
    pub post: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

/// A directory group (groupOfNames, groupOfUniqueNames, AD group), before its members are
/// resolved to user keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryGroup {
    pub dn: String,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    /// Member DNs as listed in the entry (users or nested groups).
    pub members: Vec<String>,
    /// Keys of the active people read from the same source who are members, directly or
    /// through nested groups; filled by the reader that resolved them.
    pub member_keys: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_json_round_trip_keeps_unicode_and_extras() {
        let mut u = User::new("léa.müller");
        u.display_name = Some("Léa Müller 山田 🎉".into());
        u.extra.insert("costCenter".into(), "42".into());
        let json = serde_json::to_string(&u).unwrap();
        let back: User = serde_json::from_str(&json).unwrap();
        assert_eq!(u, back);
    }

    #[test]
    fn missing_active_defaults_to_true_and_unknown_fields_are_refused() {
        let u: User = serde_json::from_str(r#"{"key":"a"}"#).unwrap();
        assert!(u.active);
        assert!(serde_json::from_str::<User>(r#"{"key":"a","mail":"x"}"#).is_err());
    }

    #[test]
    fn set_field_handles_extras() {
        let mut u = User::new("a");
        assert!(u.set_field("extra.site", Some("Lyon".into())));
        assert_eq!(u.field("extra.site"), Some("Lyon"));
        assert!(u.set_field("extra.site", None));
        assert_eq!(u.field("extra.site"), None);
        assert!(!u.set_field("nonsense", None));
    }
}
