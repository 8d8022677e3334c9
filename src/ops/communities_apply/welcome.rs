//! Welcome posts: the first post of a community created by `communities apply`.
//!
//! They are written through the destination's content capability, so every endpoint
//! that takes posts gets them.

/// The post id of a community's welcome post: deterministic, so a re-run never posts twice.
pub fn post_id(community: &str) -> String {
    format!("welcome-{community}")
}
