//! Use cases: each command's logic, independent of how results are printed.

pub mod content_validate;
pub mod users_sync;
