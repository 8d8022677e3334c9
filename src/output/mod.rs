//! Everything that reaches the terminal: results on stdout in the chosen format, progress
//! and confirmations on stderr.

pub mod adoption;
pub mod adoption_html;
pub mod communities;
pub mod content;
pub mod copy;
pub mod plan_view;
pub mod printer;
pub mod progress;
pub mod rollout;
pub mod users;
mod users_json;

pub use printer::{Format, Printer};

/// Writes a report file (`--html`) whole or not at all: a crash leaves the previous file.
pub fn write_file_atomically(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let mut tmp = crate::connectors::bundle::atomic::temp_for(path)?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    crate::connectors::bundle::atomic::commit(tmp, path)
}
