//! esnctl: administration and migration toolkit for enterprise social networks.
//!
//! Data flows one way: endpoint reader → canonical records → plan (diff against the
//! destination's current state) → executor → endpoint writer.

pub mod cli;
pub mod connectors;
pub mod core;
pub mod error;
pub mod ops;
pub mod output;
