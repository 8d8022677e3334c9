//! Everything that reaches the terminal: results on stdout in the chosen format, progress
//! and confirmations on stderr.

pub mod communities;
pub mod content;
pub mod copy;
pub mod plan_view;
pub mod printer;
pub mod progress;
pub mod users;

pub use printer::{Format, Printer};
