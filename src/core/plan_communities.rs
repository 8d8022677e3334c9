//! Community plans: the difference between the communities a manifest or directory wants
//! and those a destination holds, including memberships. Nothing is deleted: a community
//! that left the manifest is archived (with `--prune`), its content kept.

use crate::core::model::Community;
use crate::core::plan::FieldChange;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommunityAction {
    Create,
    Update,
    Archive,
    Unarchive,
}

impl CommunityAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityAction::Create => "create",
            CommunityAction::Update => "update",
            CommunityAction::Archive => "archive",
            CommunityAction::Unarchive => "unarchive",
        }
    }
}

/// One planned change to one community of the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityChange {
    pub action: CommunityAction,
    pub key: String,
    /// The destination's record as it is now; `None` for a create.
    pub current: Option<Community>,
    /// The complete record as the destination must hold it after the change.
    pub desired: Community,
    /// Fields that differ (for a create: every field that has a value).
    pub fields: Vec<FieldChange>,
    /// User keys to add as members.
    pub add_members: Vec<String>,
    /// User keys to remove from the members.
    pub remove_members: Vec<String>,
}
