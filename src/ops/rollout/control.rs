//! `rollout pause|resume|abort`: the rollout's status. `pause` blocks `advance` until
//! `resume`; `abort` stops the rollout for good (its accounts stay provisioned: a rollout
//! never deactivates anyone). Each change is recorded with its actor and reason.

use super::state::{actor, Status, Transition};
use super::{fresh_snapshot, refused, Rollout};
use crate::error::Result;
use jiff::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Pause,
    Resume,
    Abort,
}

impl Control {
    pub fn as_str(self) -> &'static str {
        match self {
            Control::Pause => "pause",
            Control::Resume => "resume",
            Control::Abort => "abort",
        }
    }
}

/// What a control command does (or did).
#[derive(Debug, Clone)]
pub struct ControlPlan {
    pub rollout: String,
    pub action: Control,
    pub phase: Option<String>,
    pub from: Status,
    pub to: Status,
    /// False when the rollout already has the wanted status (nothing to record).
    pub changes: bool,
    revision: i64,
}

/// Decides the change; refuses (exit 4) to pause or resume an aborted rollout.
pub fn plan(rollout: &Rollout, action: Control) -> Result<ControlPlan> {
    let snap = match rollout.existing_state()? {
        Some(s) => s.snapshot()?,
        None => fresh_snapshot(&rollout.plan.name),
    };
    let from = snap.status;
    let to = match (action, from) {
        (Control::Pause | Control::Resume, Status::Aborted) => {
            return Err(refused(format!(
                "rollout \"{}\" was aborted: it cannot be {}d (an abort is final; start a \
                 new rollout with another name to go on)",
                rollout.plan.name,
                action.as_str()
            )))
        }
        (Control::Pause, _) => Status::Paused,
        (Control::Resume, _) => Status::Active,
        (Control::Abort, _) => Status::Aborted,
    };
    Ok(ControlPlan {
        rollout: rollout.plan.name.clone(),
        action,
        phase: snap.phase,
        from,
        to,
        changes: from != to,
        revision: snap.revision,
    })
}

/// Records the change decided by [`plan`] (nothing when there is no change).
pub fn apply(rollout: &Rollout, plan: &ControlPlan, reason: Option<&str>) -> Result<()> {
    if !plan.changes {
        return Ok(());
    }
    let mut state = rollout.state()?;
    let transition = Transition {
        kind: plan.action.as_str().to_string(),
        from: plan.phase.clone(),
        to: plan.phase.clone(),
        at: Timestamp::now(),
        forced: false,
        reason: reason.map(str::to_string),
        actor: actor(),
        gate: None,
    };
    state.record_status(plan.revision, plan.to, &transition)
}
