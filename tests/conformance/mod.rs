//! The connector conformance suite: every connector claiming a capability passes it in
//! one line (rclone fstests-style), from a thin test file per connector:
//!
//! ```ignore
//! conformance::run(&|| open_my_connector()).await;
//! ```
//!
//! The factory opens a fresh connector for each step, as separate runs would. Capabilities
//! the connector does not claim are skipped. Data is hostile on purpose: accents, CJK,
//! emoji, 255-character values, apostrophes and quotes.
#![allow(dead_code)]

pub mod communities_write;
pub mod users_write;

use esnctl::connectors::Connector;

pub type Factory<'a> = &'a (dyn Fn() -> Box<dyn Connector> + Sync);

/// Runs every capability suite the connector claims.
pub async fn run(factory: Factory<'_>) {
    users_write::run(factory).await;
    communities_write::run(factory).await;
}
