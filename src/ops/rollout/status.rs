//! `rollout status`: where the rollout is, whether the current phase's gate passes, and
//! what the next phase would add. Needs the state file and, for a gate with metrics, the
//! platform; the directory only for the next audience's size (when it cannot be reached,
//! that size is unknown and a warning says why).

use super::gate::{self, GateReport, Platform};
use super::state::{Status, Transition};
use super::{audience, fresh_snapshot, Rollout};
use crate::connectors::{self, OpenOptions};
use crate::core::progress::Progress;
use crate::error::{exit_code_of, ExitCode, Result};
use jiff::Timestamp;
use std::collections::HashSet;

pub struct StatusReport {
    pub rollout: String,
    /// `None` before the first advance.
    pub status: Option<Status>,
    pub phase: Option<String>,
    pub phase_started_at: Option<Timestamp>,
    /// The current phase's gate; with no checks when there is nothing to check before the
    /// next phase (not started, or a phase without gate); `None` in the last phase.
    pub gate: Option<GateReport>,
    pub next_phase: Option<String>,
    /// The next phase's cumulative audience; `None` when unknown.
    pub next_audience: Option<usize>,
    /// How many of it the rollout has not provisioned yet.
    pub next_new: Option<usize>,
    pub provisioned: usize,
    pub transitions: Vec<Transition>,
    pub state_file: String,
    pub warnings: Vec<String>,
}

impl StatusReport {
    /// Whether `advance` would go ahead without `--force`.
    pub fn can_advance(&self) -> bool {
        self.status.is_none_or(|s| s == Status::Active)
            && self.next_phase.is_some()
            && self.gate.as_ref().is_none_or(|g| g.passed)
    }
}

pub async fn status(
    rollout: &Rollout,
    now: Timestamp,
    options: &OpenOptions,
    progress: &dyn Progress,
) -> Result<StatusReport> {
    let plan = &rollout.plan;
    let state = rollout.existing_state()?;
    let snap = match &state {
        Some(s) => s.snapshot()?,
        None => fresh_snapshot(&plan.name),
    };
    let current = rollout.current_index(&snap)?;
    let provisioned = match &state {
        Some(s) => s.users()?,
        None => Vec::new(),
    };
    let next = current.map_or(0, |i| i + 1);
    let next_phase = plan.phases.get(next);
    let mut warnings = Vec::new();

    let phase_gate = current
        .and_then(|i| plan.phases[i].gate.as_ref())
        .filter(|_| next_phase.is_some());
    let gate = match (phase_gate, snap.phase_started_at) {
        (Some(g), Some(started)) => {
            let conn = if g.needs_metrics() {
                Some(connectors::open_with(&rollout.platform, options).await?)
            } else {
                None
            };
            let population: HashSet<String> =
                provisioned.iter().map(|p| p.key.to_lowercase()).collect();
            let platform = conn.as_deref().map(|conn| Platform {
                conn,
                label: &rollout.platform.label,
            });
            let report =
                gate::evaluate(g, started, now, platform.as_ref(), &population, progress).await?;
            warnings.extend(report.warnings.iter().cloned());
            Some(report)
        }
        // Nothing to check before the next phase (not started, or a phase without gate).
        _ if next_phase.is_some() => Some(GateReport {
            passed: true,
            checks: Vec::new(),
            measured: None,
            warnings: Vec::new(),
            report: None,
        }),
        _ => None,
    };

    let (mut next_audience, mut next_new) = (None, None);
    if next_phase.is_some() {
        match audience::resolve(plan, &rollout.directory, next, options, progress).await {
            Ok(a) => {
                let cumulative = &a.phases[next].cumulative;
                let known: HashSet<String> =
                    provisioned.iter().map(|p| p.key.to_lowercase()).collect();
                next_audience = Some(cumulative.len());
                next_new = Some(cumulative.iter().filter(|k| !known.contains(*k)).count());
                warnings.extend(a.warnings);
            }
            // A directory out of reach from this machine: the rest of the status stands.
            Err(e) if exit_code_of(&e) == ExitCode::Failure => warnings.push(format!(
                "next audience unknown: directory \"{}\": {e:#}",
                rollout.directory.label
            )),
            Err(e) => return Err(e),
        }
    }

    Ok(StatusReport {
        rollout: plan.name.clone(),
        status: state.as_ref().map(|_| snap.status),
        phase: snap.phase.clone(),
        phase_started_at: snap.phase_started_at,
        gate,
        next_phase: next_phase.map(|p| p.name.clone()),
        next_audience,
        next_new,
        provisioned: provisioned.len(),
        transitions: match &state {
            Some(s) => s.transitions()?,
            None => Vec::new(),
        },
        state_file: rollout.state_path.display().to_string(),
        warnings,
    })
}
