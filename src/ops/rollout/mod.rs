//! `rollout plan|status|advance|pause|resume|abort`: phased rollouts gated on adoption.
//!
//! A plan file ([`plan`]) lists phases, each adding an audience read from the directory
//! ([`audience`]); phases are cumulative. `advance` provisions the next phase's cumulative
//! audience into the platform through the users-sync diff (creates, updates and
//! reactivations only: a rollout never deactivates anyone), joins the phase's
//! communities, posts its welcome message, and records the transition in the state
//! ledger ([`state`]). Leaving a phase needs its gate ([`gate`]) unless forced with a
//! recorded reason.
//!
//! Paths: relative CSV audiences and relative file URIs (`ldif:directory.ldif`,
//! `bundle:esn`) in a plan start from the plan's folder, so a plan works from any current
//! directory; profiles keep their own meaning.

pub mod advance;
pub mod advance_apply;
pub mod audience;
mod audience_csv;
pub mod control;
pub mod filter;
pub mod gate;
pub mod overview;
mod phase_communities;
pub mod plan;
pub mod state;
pub mod status;

pub use plan::{Audience, Gate, Phase, RolloutPlan};

use crate::core::endpoint::Endpoint;
use crate::error::{Error, Kind, Result};
use state::{Snapshot, State, Status};
use std::path::{Path, PathBuf};

/// A plan with its endpoints resolved and its state file located.
pub struct Rollout {
    pub plan: RolloutPlan,
    pub directory: Endpoint,
    pub platform: Endpoint,
    pub state_path: PathBuf,
}

impl Rollout {
    /// The state, read-only; `None` before the rollout's first write.
    pub fn existing_state(&self) -> Result<Option<State>> {
        State::open_existing(&self.state_path, &self.plan.name)
    }

    /// The state, created if needed.
    pub fn state(&self) -> Result<State> {
        State::open(&self.state_path, &self.plan.name)
    }

    /// The index of the ledger's current phase in the plan.
    pub fn current_index(&self, snap: &Snapshot) -> Result<Option<usize>> {
        match &snap.phase {
            None => Ok(None),
            Some(name) => self.plan.phase_index(name).map(Some).ok_or_else(|| {
                Error::usage(format!(
                    "state file {} says rollout \"{}\" is in phase \"{name}\", which {} does \
                     not have (renamed or removed?); restore the phase in the plan",
                    self.state_path.display(),
                    self.plan.name,
                    self.plan.file
                ))
                .into()
            }),
        }
    }
}

/// The state of a rollout that has no ledger yet.
pub fn fresh_snapshot(name: &str) -> Snapshot {
    Snapshot {
        name: name.to_string(),
        phase: None,
        phase_started_at: None,
        status: Status::Active,
        revision: 0,
    }
}

/// A bare file URI's relative path, anchored at the plan's folder; profiles and server
/// URIs are returned unchanged.
pub fn anchor(mut ep: Endpoint, plan_dir: &Path) -> Endpoint {
    if ep.profile.is_none() && ep.kind.is_file() && Path::new(&ep.location).is_relative() {
        ep.location = plan_dir.join(&ep.location).display().to_string();
    }
    ep
}

/// A refusal because of the rollout's state or gate: exit 4, nothing changed.
pub fn refused(message: impl Into<String>) -> anyhow::Error {
    Error::new(Kind::SafetyLimit, message).into()
}

/// True when the error (or its cause) is of this kind.
pub(crate) fn is_kind(err: &anyhow::Error, kind: Kind) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<Error>().is_some_and(|e| e.kind == kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_file_uris_start_at_the_plan_folder() {
        let dir = Path::new("plans/q3");
        let ep = Endpoint::parse_uri("ldif:directory.ldif").unwrap().unwrap();
        assert_eq!(anchor(ep, dir).location, "plans/q3/directory.ldif");
        let abs = Endpoint::parse_uri("bundle:/srv/esn").unwrap().unwrap();
        assert_eq!(anchor(abs, dir).location, "/srv/esn");
        let server = Endpoint::parse_uri("matrix+http://127.0.0.1:8008")
            .unwrap()
            .unwrap();
        assert_eq!(anchor(server, dir).location, "matrix+http://127.0.0.1:8008");
        let mut profile = Endpoint::parse_uri("bundle:ws").unwrap().unwrap();
        profile.profile = Some("ws".into());
        assert_eq!(anchor(profile, dir).location, "ws");
    }
}
