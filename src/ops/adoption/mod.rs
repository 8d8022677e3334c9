//! Adoption metrics for `report adoption` and the rollout gates, per the contract's
//! definitions (`cli.md`, "report adoption -o json"): *provisioned* = active accounts;
//! *activated* = signed in or acted at least once; *readers* = seen within the window;
//! *contributors* = posted, replied or reacted within the window; an *unanswered question*
//! = a root post asking a question with no reply from another person within the SLA.
//!
//! A figure the source cannot know (sign-ins in an export) is `None`, never 0.

mod from_content;
mod question;
mod tally;
#[cfg(test)]
mod tests;
mod window;

pub use question::is_question;
pub use tally::Tally;
pub use window::parse_point;

use crate::connectors::Connector;
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashSet;

/// What to measure.
#[derive(Debug, Clone)]
pub struct AdoptionOptions {
    pub since: Timestamp,
    pub until: Timestamp,
    /// Hours within which a question must get an answer from another person.
    pub sla_hours: f64,
    /// Only these users (lowercase keys) count, e.g. a rollout's audience; `None` = all.
    pub population: Option<HashSet<String>>,
    /// How many top contributors to list.
    pub top: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    pub since: Timestamp,
    pub until: Timestamp,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct UserCounts {
    pub provisioned: u64,
    pub activated: Option<u64>,
    pub readers: Option<u64>,
    pub contributors: Option<u64>,
}

/// Each count over `provisioned`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rates {
    pub activation: Option<f64>,
    pub readers: Option<f64>,
    pub contributors: Option<f64>,
}

/// A question that waited longer than the SLA for an answer from someone else.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub community: Option<String>,
    pub author: String,
    pub asked_at: Timestamp,
    /// Hours it waited: until the first answer, or until the end of the window.
    pub age_hours: f64,
    /// The first answer from another person, when it came after the SLA.
    pub answered_at: Option<Timestamp>,
    /// The question's first words, for the reader of the report.
    pub excerpt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contributor {
    pub user: String,
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunityActivity {
    pub key: String,
    pub name: String,
    /// Member count, when the source lists memberships.
    pub members: Option<u64>,
    /// Root posts within the window.
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
    pub contributors: u64,
}

/// One calendar week (Monday to Sunday, UTC) of the window.
#[derive(Debug, Clone, Serialize)]
pub struct WeekActivity {
    pub week: Date,
    pub contributors: u64,
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
}

/// `report adoption -o json`.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptionReport {
    pub source: String,
    pub window: Window,
    pub sla_hours: f64,
    pub users: UserCounts,
    pub rates: Rates,
    /// Root posts asking a question within the window.
    pub questions: u64,
    /// The longest any question of the window waited for an answer from another person
    /// (still waiting: until the end of the window); `None` when nobody asked.
    pub longest_wait_hours: Option<f64>,
    pub unanswered_questions: Vec<Question>,
    pub top_contributors: Vec<Contributor>,
    pub communities: Vec<CommunityActivity>,
    pub weekly: Vec<WeekActivity>,
    pub warnings: Vec<String>,
}

/// The gate a rollout phase must pass, drawn against the measured figures (`--html`).
/// Rates are fractions (0.9 = 90%).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Targets {
    /// The phase the targets belong to.
    pub phase: Option<String>,
    pub min_activation: Option<f64>,
    pub min_readers: Option<f64>,
    pub min_contributors: Option<f64>,
    pub max_unanswered_hours: Option<f64>,
}

/// True when `measure` can read this endpoint's activity.
pub fn can_measure(conn: &dyn Connector) -> bool {
    conn.as_read_activity().is_some() || conn.as_read_content().is_some()
}

/// Reads the endpoint's accounts and contributions and computes the report: through the
/// platform's activity API when it has one (sign-ins known), else from its content.
pub async fn measure(
    conn: &dyn Connector,
    source: &str,
    options: &AdoptionOptions,
    progress: &dyn Progress,
) -> Result<AdoptionReport> {
    if options.since >= options.until {
        return Err(Error::usage(format!(
            "the report window is empty: since {} is not before {}",
            options.since, options.until
        ))
        .into());
    }
    let mut tally = Tally::new(options.clone());
    if let Some(reader) = conn.as_read_activity() {
        let set = reader.read_activity(options.since, progress).await?;
        if let Some(communities) = conn.as_read_communities() {
            let cs = communities.read_communities(progress).await?;
            for c in &cs.communities {
                tally.community(&c.key, &c.name);
            }
            for m in &cs.memberships {
                tally.membership(&m.community, &m.user);
            }
        }
        tally.activity_set(set);
    } else if let Some(reader) = conn.as_read_content() {
        from_content::read(reader, &mut tally, progress).await?;
    } else {
        return Err(Error::usage(format!(
            "{source} cannot report adoption: it has neither activity nor content to read"
        ))
        .into());
    }
    Ok(tally.finish(source))
}
