//! `rollout plan`: every phase with its audience size, who is new in it, its communities
//! and its gate. Reads the directory (and the state file when there is one); writes
//! nothing and does not contact the platform.

use super::audience;
use super::plan::Phase;
use super::state::Status;
use super::Rollout;
use crate::connectors::OpenOptions;
use crate::core::progress::Progress;
use crate::error::Result;

/// One phase as `rollout plan` shows it.
pub struct PhaseOverview<'a> {
    pub phase: &'a Phase,
    /// The cumulative audience: everyone in the rollout once this phase is entered.
    pub audience: usize,
    /// The phase's own audience (before the union).
    pub own: usize,
    /// People no earlier phase had.
    pub new: usize,
    /// The ledger's current phase.
    pub current: bool,
}

pub struct PlanOverview<'a> {
    pub rollout: &'a str,
    pub directory: &'a str,
    pub platform: &'a str,
    /// From the state file; `None` when the rollout has not started.
    pub status: Option<Status>,
    pub current: Option<String>,
    pub phases: Vec<PhaseOverview<'a>>,
    pub warnings: Vec<String>,
}

pub async fn overview<'a>(
    rollout: &'a Rollout,
    options: &OpenOptions,
    progress: &dyn Progress,
) -> Result<PlanOverview<'a>> {
    let plan = &rollout.plan;
    let snapshot = match rollout.existing_state()? {
        Some(s) => Some(s.snapshot()?),
        None => None,
    };
    if let Some(s) = &snapshot {
        rollout.current_index(s)?;
    }
    let last = plan.phases.len() - 1;
    let audiences = audience::resolve(plan, &rollout.directory, last, options, progress).await?;
    let current = snapshot.as_ref().and_then(|s| s.phase.clone());
    let phases = plan
        .phases
        .iter()
        .zip(&audiences.phases)
        .map(|(phase, a)| PhaseOverview {
            phase,
            audience: a.cumulative.len(),
            own: a.own.len(),
            new: a.new,
            current: current.as_deref() == Some(phase.name.as_str()),
        })
        .collect();
    Ok(PlanOverview {
        rollout: &plan.name,
        directory: &rollout.directory.label,
        platform: &rollout.platform.label,
        status: snapshot.map(|s| s.status),
        current,
        phases,
        warnings: audiences.warnings,
    })
}
