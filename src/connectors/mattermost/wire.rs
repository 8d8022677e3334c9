//! The lines of a Mattermost bulk import/export file (JSON Lines).
//!
//! Authoritative sources (field names and order):
//! - docs.mattermost.com, "Bulk loading data" and its "Data format" page
//!   (`onboard/bulk-loading-data-format.html`): a `version` line first (version 1), then
//!   `team`, `channel`, `user` (with team and channel memberships), `post` (with nested
//!   `replies`, `reactions` and `attachments`), `direct_channel`, `direct_post`, in that
//!   order; timestamps are milliseconds since the epoch.
//! - mattermost/mattermost `server/channels/app/imports/import_types.go`: the Go structs
//!   (`LineImportData`, `TeamImportData`, `ChannelImportData`, `UserImportData`,
//!   `PostImportData`, `ReplyImportData`, `ReactionImportData`, `AttachmentImportData`,
//!   `DirectChannelImportData`, `DirectPostImportData`) whose JSON tags are copied here.
//! - `server/channels/app/import.go` (`processAttachments`) and `ValidateAttachmentPathForImport`
//!   in `import_validators.go`: an attachment `path` is joined to the import's `data`
//!   folder (`model.ExportDataDir`), so in a zip the file `data/X` is written `"path": "X"`.
//!
//! Readers ignore fields and line types they do not use (schemes, roles, emoji, bots), as
//! Go's decoder does.

use serde::{Deserialize, Serialize};

/// One line. Only the member named by `type` is set.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Line {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Team>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<Post>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_channel: Option<DirectChannel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_post: Option<Post>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Team {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    /// `O` (open) or `I` (invite only).
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_open_invite: Option<bool>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Channel {
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    /// `O` (public) or `P` (private).
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct User {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Set (ms) on deactivated accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<UserTeam>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct UserTeam {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<UserChannel>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct UserChannel {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
}

/// A `post` or a `direct_post` (the latter has `channel_members` instead of team and
/// channel), and also a reply (which has neither).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Post {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_members: Option<Vec<String>>,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub props: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub create_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<Reaction>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Post>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentRef>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Reaction {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub create_at: i64,
    #[serde(default)]
    pub emoji_name: String,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct AttachmentRef {
    #[serde(default)]
    pub path: String,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DirectChannel {
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

/// The post prop in which esnctl keeps the source post id, so that reading the file back
/// gives the same ids (Mattermost keeps unknown props and does not display them).
pub const SOURCE_ID_PROP: &str = "esnctl_source_id";

/// The attachments folder of an import zip (`model.ExportDataDir`).
pub const DATA_DIR: &str = "data";
