//! Activity read from a platform, for adoption reports and rollout gates: when accounts
//! were created and last seen, and who posted, replied and reacted where and when.

use jiff::Timestamp;
use serde::Serialize;

/// One account's activity facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserActivity {
    /// The canonical user key.
    pub key: String,
    pub active: bool,
    pub created_at: Option<Timestamp>,
    /// The last authenticated request the platform saw; `None` when never seen or when the
    /// platform does not know.
    pub last_seen_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    Post,
    Reply,
    Reaction,
}

/// One contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivityEvent {
    /// The author's user key.
    pub user: String,
    /// The community key, when the place belongs to a community.
    pub community: Option<String>,
    pub kind: ActivityKind,
    pub at: Timestamp,
    /// The post itself (post, reply), or the post reacted to (reaction).
    pub post_id: String,
    /// The thread's root post, for replies in a thread.
    pub thread_root: Option<String>,
    /// Plain text of a post or reply (for question detection); `None` for reactions.
    pub body: Option<String>,
}

#[derive(Debug, Default)]
pub struct ActivitySet {
    /// True when the platform records sign-ins (`last_seen_at`): without them, activation
    /// and readers cannot be known, only contributions.
    pub logins_known: bool,
    pub users: Vec<UserActivity>,
    /// Contributions at or after the requested date, in time order.
    pub events: Vec<ActivityEvent>,
    pub warnings: Vec<String>,
}
