//! The small core: canonical model, endpoints and profiles, plan/diff, progress.

pub mod activity;
pub mod config;
pub mod endpoint;
pub mod executor;
pub mod http;
pub mod ledger;
pub mod model;
pub mod plan;
pub mod plan_communities;
pub mod progress;
