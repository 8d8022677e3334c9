//! Use cases: each command's logic, independent of how results are printed.

pub mod adoption;
pub mod communities_apply;
pub mod content_copy;
pub mod content_stats;
pub mod content_validate;
pub mod groups_mirror;
pub mod manifest;
pub mod rollout;
pub mod users_sync;
