//! Writing a prepared advance: users, then community memberships, then welcome posts,
//! then the transition in the state file.
//!
//! One failed item does not stop the others of its step, but a step with failures stops
//! the next ones (memberships need the accounts; the welcome post goes to the members)
//! and the transition is not recorded: the command exits 5, and re-running `advance`
//! resumes (what was done plans as unchanged; welcome posts already written are known to
//! the state file and never posted twice).

use super::advance::PreparedAdvance;
use super::state::{actor, State, Transition};
use crate::connectors::{Durability, ItemResult, NoIds, Record, WriteOutcome};
use crate::core::plan::Action;
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use jiff::Timestamp;

/// What became of one welcome post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WelcomeResult {
    /// Written now; its id on the platform.
    Posted(String),
    /// Written by an earlier run.
    Already(String),
    Failed(String),
    /// Not tried: an earlier step failed.
    Skipped,
}

/// The outcome of each planned item, in plan order.
#[derive(Debug, Default)]
pub struct Applied {
    pub users: Vec<ItemResult>,
    pub joins: Vec<Option<ItemResult>>,
    pub welcome: Vec<WelcomeResult>,
    /// True when the transition was recorded (everything succeeded).
    pub recorded: bool,
}

impl Applied {
    pub fn failed(&self) -> usize {
        self.users.iter().filter(|r| r.is_err()).count()
            + self.joins.iter().flatten().filter(|r| r.is_err()).count()
            + self
                .welcome
                .iter()
                .filter(|w| matches!(w, WelcomeResult::Failed(_)))
                .count()
    }
}

impl PreparedAdvance {
    /// Applies the plan and, when every item succeeded, records the transition.
    pub async fn apply(&mut self, progress: &dyn Progress) -> Result<Applied> {
        let platform = self
            .platform
            .take()
            .ok_or_else(|| Error::runtime("advance applied without a plan"))?;
        let mut out = Applied {
            joins: vec![None; self.joins.len()],
            welcome: self
                .welcome
                .iter()
                .map(|w| match &w.already {
                    Some(id) => WelcomeResult::Already(id.clone()),
                    None => WelcomeResult::Skipped,
                })
                .collect(),
            ..Default::default()
        };

        let plan = self.users.as_ref().expect("planned");
        if !plan.changes.is_empty() {
            let writer = platform.as_write_users().expect("capability checked");
            out.users = writer.apply_users(&plan.changes, progress).await?;
            check_len(out.users.len(), plan.changes.len())?;
            if out.failed() > 0 {
                return Ok(out);
            }
        }

        if !self.joins.is_empty() {
            let changes: Vec<_> = self.joins.iter().map(|j| j.change.clone()).collect();
            let writer = platform.as_write_communities().expect("capability checked");
            let results = writer.apply_communities(&changes, progress).await?;
            check_len(results.len(), changes.len())?;
            out.joins = results.into_iter().map(Some).collect();
            if out.failed() > 0 {
                return Ok(out);
            }
        }

        // Created now if this is the rollout's first write (revision 0 guards a race).
        let mut state = match self.state.take() {
            Some(s) => s,
            None => State::open(&self.state_path, &self.rollout)?,
        };
        if self.welcome.iter().any(|w| w.already.is_none()) {
            let content = platform.as_write_content().expect("capability checked");
            let per_record = content.durability() == Durability::PerRecord;
            let mut written = Vec::new();
            for (i, w) in self.welcome.iter().enumerate() {
                if w.already.is_some() {
                    continue;
                }
                match content
                    .write(&Record::Post(w.post.clone()), None, &NoIds)
                    .await?
                {
                    WriteOutcome::Written(id) => {
                        // Recorded at once when durable at once: never posted twice.
                        if per_record {
                            state.record_welcome(&self.to, &w.community, &w.post.id, &id)?;
                        }
                        written.push((i, id));
                    }
                    WriteOutcome::Failed(why) | WriteOutcome::Unsupported(why) => {
                        out.welcome[i] = WelcomeResult::Failed(why);
                    }
                }
            }
            content.finish().await?;
            for (i, id) in written {
                let w = &self.welcome[i];
                if !per_record {
                    state.record_welcome(&self.to, &w.community, &w.post.id, &id)?;
                }
                out.welcome[i] = WelcomeResult::Posted(id);
            }
            if out.failed() > 0 {
                return Ok(out);
            }
        }

        let actions = plan
            .changes
            .iter()
            .map(|c| (c.key.to_lowercase(), c.action))
            .collect::<std::collections::HashMap<_, _>>();
        let users: Vec<(String, String)> = self
            .new_keys
            .iter()
            .map(|k| {
                let action = actions
                    .get(&k.to_lowercase())
                    .map_or("unchanged", |a: &Action| a.as_str());
                (k.clone(), action.to_string())
            })
            .collect();
        let now = Timestamp::now();
        let transition = Transition {
            kind: "advance".into(),
            from: self.from.clone(),
            to: Some(self.to.clone()),
            at: now,
            forced: self.forced,
            reason: self.reason.clone(),
            actor: actor(),
            gate: self
                .gate
                .as_ref()
                .and_then(|g| serde_json::to_value(g).ok()),
        };
        state.record_advance(self.revision, &self.to, now, &users, &transition)?;
        self.state = Some(state);
        out.recorded = true;
        Ok(out)
    }
}

fn check_len(got: usize, want: usize) -> Result<()> {
    if got == want {
        Ok(())
    } else {
        Err(Error::runtime(format!(
            "connector returned {got} results for {want} changes"
        ))
        .into())
    }
}
