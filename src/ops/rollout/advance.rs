//! `rollout advance`: enter the next phase. [`prepare`] reads everything and decides
//! (nothing is written); [`PreparedAdvance::apply`] writes, then records the transition.
//!
//! Order of checks: the rollout's status (paused, aborted: refused, exit 4); the plan's
//! needs against the endpoints' capabilities (exit 2); the current phase's gate (refused,
//! exit 4, unless `--force --reason`); the audiences; the platform's users (diffed like
//! `users sync`, restricted to the audience and without deactivations); the phase's
//! communities (they must exist: exit 3 naming the plan line) and welcome posts.

use super::gate::{self, GateReport, Platform};
use super::plan::Phase;
use super::state::{Snapshot, State};
use super::{audience, phase_communities};
use super::{fresh_snapshot, is_kind, refused, Rollout};
use crate::connectors::{self, Connector, OpenOptions, UserSet};
use crate::core::endpoint::Capability;
use crate::core::model::{Post, User};
use crate::core::plan::{diff_users_owned, Action, UserPlan};
use crate::core::plan_communities::CommunityChange;
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use jiff::Timestamp;
use std::collections::HashSet;

/// What `advance` was asked.
#[derive(Debug, Clone, Default)]
pub struct AdvanceRequest {
    pub force: bool,
    pub reason: Option<String>,
    pub dry_run: bool,
    pub options: OpenOptions,
}

/// Members to add to one community of the phase.
#[derive(Debug, Clone)]
pub struct Join {
    pub change: CommunityChange,
}

/// A welcome post of the phase, in one community.
#[derive(Debug, Clone)]
pub struct Welcome {
    pub community: String,
    pub post: Post,
    /// The destination id when an earlier run already posted it (not posted again).
    pub already: Option<String>,
}

/// Everything `advance` will do, decided before anything is written.
pub struct PreparedAdvance {
    pub rollout: String,
    pub from: Option<String>,
    pub to: String,
    pub gate: Option<GateReport>,
    /// The gate failed and `--force` overrides it.
    pub forced: bool,
    pub reason: Option<String>,
    /// Why `advance` refuses (exit 4); the plan below is then only shown.
    pub refusal: Option<String>,
    /// The cumulative audience of the phase entered.
    pub audience: usize,
    /// People of that audience the rollout had not provisioned yet (display keys).
    pub new_keys: Vec<String>,
    /// Users to create, update or reactivate; `None` when refused before planning.
    pub users: Option<UserPlan>,
    pub joins: Vec<Join>,
    pub welcome: Vec<Welcome>,
    pub warnings: Vec<String>,
    pub(super) platform: Option<Box<dyn Connector>>,
    pub(super) state: Option<State>,
    pub(super) state_path: std::path::PathBuf,
    pub(super) revision: i64,
}

impl PreparedAdvance {
    pub fn user_changes(&self) -> usize {
        self.users.as_ref().map_or(0, |u| u.changes.len())
    }

    pub fn member_additions(&self) -> usize {
        self.joins.iter().map(|j| j.change.add_members.len()).sum()
    }

    pub fn posts_to_write(&self) -> usize {
        self.welcome.iter().filter(|w| w.already.is_none()).count()
    }
}

/// Reads the state, the gate, the directory and the platform, and plans the advance.
pub async fn prepare(
    rollout: &Rollout,
    req: &AdvanceRequest,
    progress: &dyn Progress,
) -> Result<PreparedAdvance> {
    let plan = &rollout.plan;
    // Nothing is created before the confirmation: the state file is made by `apply`.
    let state = rollout.existing_state()?;
    let snap = match &state {
        Some(s) => s.snapshot()?,
        None => fresh_snapshot(&plan.name),
    };
    check_status(rollout, &snap)?;
    let current = rollout.current_index(&snap)?;
    let target = current.map_or(0, |i| i + 1);
    let Some(phase) = plan.phases.get(target) else {
        return Err(refused(format!(
            "rollout \"{}\" is in its last phase \"{}\": there is nothing to advance to",
            plan.name,
            snap.phase.as_deref().unwrap_or_default()
        )));
    };
    require(rollout, target, phase)?;

    let platform = connectors::open_with(&rollout.platform, &req.options).await?;
    let provisioned = match &state {
        Some(s) => s.users()?,
        None => Vec::new(),
    };
    let known: HashSet<String> = provisioned.iter().map(|p| p.key.to_lowercase()).collect();

    let mut out = PreparedAdvance {
        rollout: plan.name.clone(),
        from: snap.phase.clone(),
        to: phase.name.clone(),
        gate: None,
        forced: false,
        reason: req.reason.clone(),
        refusal: None,
        audience: 0,
        new_keys: Vec::new(),
        users: None,
        joins: Vec::new(),
        welcome: Vec::new(),
        warnings: Vec::new(),
        platform: None,
        state: None,
        state_path: rollout.state_path.clone(),
        revision: snap.revision,
    };

    let leaving_gate = current.and_then(|i| plan.phases[i].gate.as_ref());
    if let (Some(g), Some(started)) = (leaving_gate, snap.phase_started_at) {
        let p = Platform {
            conn: &*platform,
            label: &rollout.platform.label,
        };
        let report =
            gate::evaluate(g, started, Timestamp::now(), Some(&p), &known, progress).await?;
        out.warnings.extend(report.warnings.iter().cloned());
        if !report.passed {
            let from = snap.phase.as_deref().unwrap_or_default();
            if req.force {
                out.forced = true;
            } else {
                out.refusal = Some(format!(
                    "the gate of phase \"{from}\" fails: {}; nothing was changed (wait, or \
                     advance anyway with --force --reason \"…\")",
                    report.failures().join("; ")
                ));
            }
        }
        out.gate = Some(report);
        if out.refusal.is_some() && !req.dry_run {
            return Ok(out);
        }
    }

    let audiences =
        audience::resolve(plan, &rollout.directory, target, &req.options, progress).await?;
    out.warnings.extend(audiences.warnings.iter().cloned());
    let cumulative = &audiences.phases[target].cumulative;
    out.audience = cumulative.len();
    let desired: Vec<User> = cumulative
        .iter()
        .filter_map(|k| audiences.people.get(k).cloned())
        .collect();
    out.new_keys = desired
        .iter()
        .filter(|u| !known.contains(&u.key.to_lowercase()))
        .map(|u| u.key.clone())
        .collect();

    let actual = read_or_empty(
        platform
            .as_read_users()
            .expect("capability checked")
            .read_users(progress)
            .await,
    )?;
    let active_on_platform: HashSet<String> = actual
        .users
        .iter()
        .filter(|u| u.active)
        .map(|u| u.key.to_lowercase())
        .collect();
    out.users = Some(users_plan(
        &*platform,
        desired.clone(),
        actual,
        &mut out.warnings,
    ));

    if !phase.communities.is_empty() {
        let communities = read_or_empty(
            platform
                .as_read_communities()
                .expect("capability checked")
                .read_communities(progress)
                .await,
        )?;
        out.warnings.extend(communities.warnings.iter().cloned());
        out.joins =
            phase_communities::joins(rollout, phase, &communities, &desired, &mut out.warnings)?;
        if let Some(body) = &phase.welcome_message {
            let can_post = |k: &str| {
                let k = k.to_lowercase();
                active_on_platform.contains(&k) || cumulative.contains(&k)
            };
            out.welcome = phase_communities::welcomes(
                rollout,
                phase,
                body,
                &communities,
                state.as_ref(),
                &can_post,
            )?;
        }
    }
    out.platform = Some(platform);
    out.state = state;
    Ok(out)
}

fn check_status(rollout: &Rollout, snap: &Snapshot) -> Result<()> {
    use super::state::Status;
    match snap.status {
        Status::Active => Ok(()),
        Status::Paused => Err(refused(format!(
            "rollout \"{}\" is paused: `rollout resume --plan {}` first",
            rollout.plan.name, rollout.plan.file
        ))),
        Status::Aborted => Err(refused(format!(
            "rollout \"{}\" was aborted: it does not advance any more",
            rollout.plan.name
        ))),
    }
}

/// Capabilities the phase needs from the endpoints, checked before any I/O.
fn require(rollout: &Rollout, target: usize, phase: &Phase) -> Result<()> {
    let plan = &rollout.plan;
    audience::require(plan, &rollout.directory, target)?;
    let at = |line: u64, field: &str| format!("{}:{line}: field \"{field}\"", plan.file);
    let platform = &rollout.platform;
    for cap in [Capability::ReadUsers, Capability::WriteUsers] {
        platform
            .require(cap)
            .map_err(|e| Error::usage(format!("{}: {e:#}", at(plan.platform_line, "platform"))))?;
    }
    if !phase.communities.is_empty() {
        for cap in [Capability::ReadCommunities, Capability::WriteCommunities] {
            platform.require(cap).map_err(|e| {
                Error::usage(format!(
                    "{}: {e:#}",
                    at(phase.communities_line, "communities")
                ))
            })?;
        }
    }
    if phase.welcome_message.is_some() {
        platform.require(Capability::WriteContent).map_err(|e| {
            Error::usage(format!(
                "{}: {e:#} (remove the welcome message, or post it by hand)",
                at(phase.welcome_line, "welcome_message")
            ))
        })?;
    }
    Ok(())
}

/// A platform that does not exist yet (a new bundle) holds nothing.
fn read_or_empty<T: Default>(read: Result<T>) -> Result<T> {
    match read {
        Err(e) if is_kind(&e, Kind::NotFound) => Ok(T::default()),
        other => other,
    }
}

/// The users-sync diff of the audience against the platform, keeping only creations,
/// updates and reactivations: platform users outside the audience are never touched.
fn users_plan(
    platform: &dyn Connector,
    desired: Vec<User>,
    actual: UserSet,
    warnings: &mut Vec<String>,
) -> UserPlan {
    let stored = platform
        .as_write_users()
        .expect("capability checked")
        .stored_fields();
    let wanted = desired.len();
    let mut plan = diff_users_owned(desired, &[], actual.users, &|f| stored.stores(f));
    plan.changes.retain(|c| c.action != Action::Deactivate);
    plan.unchanged = wanted.saturating_sub(plan.changes.len());
    warnings.append(&mut plan.warnings);
    plan
}
