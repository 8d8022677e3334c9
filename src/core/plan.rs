//! Plans: the field-level difference between what a source says (desired) and what a
//! destination holds (actual), as create / update / deactivate / reactivate actions.
//! Nothing is ever deleted.

use crate::core::model::User;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Deactivate,
    Reactivate,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
        }
    }
}

/// One field's old and new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One planned change to one user of the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct UserChange {
    pub action: Action,
    /// The key shown to people: the source's key, or the destination's for deactivations.
    pub key: String,
    /// The destination's record as it is now; `None` for a create.
    pub current: Option<User>,
    /// The complete record as the destination must hold it after the change.
    pub desired: User,
    /// The fields that differ (for a create: every field that has a value).
    pub fields: Vec<FieldChange>,
}
