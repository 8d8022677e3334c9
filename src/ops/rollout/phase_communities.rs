//! The communities an advance opens: the members each phase community lacks, and the
//! welcome posts to write (once per phase and community, tracked in the state file).

use super::advance::{Join, Welcome};
use super::plan::Phase;
use super::state::State;
use super::Rollout;
use crate::connectors::CommunitySet;
use crate::core::model::{Post, User};
use crate::core::plan_communities::{CommunityAction, CommunityChange};
use crate::error::Result;
use jiff::Timestamp;
use std::collections::{BTreeMap, HashSet};

/// The phase's communities (which must exist) and the audience members they lack.
pub(super) fn joins(
    rollout: &Rollout,
    phase: &Phase,
    communities: &CommunitySet,
    desired: &[User],
    warnings: &mut Vec<String>,
) -> Result<Vec<Join>> {
    let members = communities.members_by_community();
    let mut out = Vec::new();
    for key in &phase.communities {
        let Some(c) = communities
            .communities
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(key))
        else {
            return Err(rollout
                .plan
                .error_at(
                    phase.communities_line,
                    "communities",
                    format!(
                        "community \"{key}\" does not exist on {}; create it first (esnctl \
                         communities apply), then advance",
                        rollout.platform.label
                    ),
                )
                .into());
        };
        if c.archived {
            warnings.push(format!(
                "community \"{}\" is archived: its new members can read but not post",
                c.key
            ));
        }
        let have: HashSet<String> = members
            .get(&c.key.to_lowercase())
            .into_iter()
            .flatten()
            .map(|m| m.to_lowercase())
            .collect();
        let add: Vec<String> = desired
            .iter()
            .filter(|u| !have.contains(&u.key.to_lowercase()))
            .map(|u| u.key.clone())
            .collect();
        if add.is_empty() {
            continue;
        }
        out.push(Join {
            change: CommunityChange {
                action: CommunityAction::Update,
                key: c.key.clone(),
                current: Some(c.clone()),
                desired: c.clone(),
                fields: Vec::new(),
                add_members: add,
                remove_members: Vec::new(),
            },
        });
    }
    Ok(out)
}

/// The welcome post of each of the phase's communities, by `welcome_author` or the
/// community's first owner, who must be able to post (active on the platform, or
/// provisioned by this advance).
pub(super) fn welcomes(
    rollout: &Rollout,
    phase: &Phase,
    body: &str,
    communities: &CommunitySet,
    state: Option<&State>,
    can_post: &dyn Fn(&str) -> bool,
) -> Result<Vec<Welcome>> {
    let plan = &rollout.plan;
    let by_key: BTreeMap<String, &crate::core::model::Community> = communities
        .communities
        .iter()
        .map(|c| (c.key.to_lowercase(), c))
        .collect();
    let now = Timestamp::now();
    let mut out = Vec::new();
    for key in &phase.communities {
        let c = by_key[&key.to_lowercase()];
        let author = phase
            .welcome_author
            .clone()
            .or_else(|| c.owners.first().cloned())
            .ok_or_else(|| {
                plan.error_at(
                    phase.welcome_line,
                    "welcome_message",
                    format!(
                        "community \"{}\" has no owner to post it; set welcome_author = \"KEY\" \
                         in the phase",
                        c.key
                    ),
                )
            })?;
        if !can_post(&author) {
            return Err(plan
                .error_at(
                    phase.welcome_line,
                    "welcome_message",
                    format!(
                        "its author \"{author}\" is neither an active user of {} nor in the \
                         phase's audience; set welcome_author to someone who is",
                        rollout.platform.label
                    ),
                )
                .into());
        }
        let already = match state {
            Some(s) => s.welcome_posted(&phase.name, &c.key)?,
            None => None,
        };
        out.push(Welcome {
            community: c.key.clone(),
            already,
            post: Post {
                id: format!("rollout-{}-{}-{}", plan.name, phase.name, c.key),
                community: c.key.clone(),
                author,
                created_at: now,
                edited_at: None,
                body: body.to_string(),
                thread_root: None,
                parent: None,
                mentions: Vec::new(),
                extra: Default::default(),
            },
        });
    }
    Ok(out)
}
