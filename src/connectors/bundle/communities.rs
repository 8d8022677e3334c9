//! Applying community changes to the in-memory contents of `communities.jsonl` and
//! `memberships.jsonl`.

use crate::connectors::ItemResult;
use crate::core::model::{Community, Membership};
use crate::core::plan_communities::{CommunityAction, CommunityChange};
use std::collections::HashSet;

/// Applies `changes` in place and returns one result per change. Records keep their
/// order; new ones are appended. Re-applying a change already in effect is a no-op.
pub(crate) fn apply_changes(
    communities: &mut Vec<Community>,
    memberships: &mut Vec<Membership>,
    changes: &[CommunityChange],
) -> Vec<ItemResult> {
    let mut results = Vec::with_capacity(changes.len());
    for change in changes {
        let result = apply_record(communities, change);
        if result.is_ok() {
            apply_members(memberships, change);
        }
        results.push(result);
    }
    results
}

fn apply_record(communities: &mut Vec<Community>, change: &CommunityChange) -> ItemResult {
    let key = change.desired.key.to_lowercase();
    let existing = communities.iter().position(|c| c.key.to_lowercase() == key);
    match (change.action, existing) {
        // A community created by an earlier, interrupted run is replaced, not duplicated.
        (CommunityAction::Create, None) => communities.push(change.desired.clone()),
        (_, Some(i)) => communities[i] = change.desired.clone(),
        (action, None) => {
            return Err(format!(
                "community \"{}\" not found in communities.jsonl; cannot {}",
                change.key,
                action.as_str()
            ))
        }
    }
    Ok(())
}

fn apply_members(memberships: &mut Vec<Membership>, change: &CommunityChange) {
    let community = change.desired.key.to_lowercase();
    let remove: HashSet<String> = change
        .remove_members
        .iter()
        .map(|m| m.to_lowercase())
        .collect();
    memberships.retain(|m| {
        m.community.to_lowercase() != community || !remove.contains(&m.user.to_lowercase())
    });
    let present: HashSet<String> = memberships
        .iter()
        .filter(|m| m.community.to_lowercase() == community)
        .map(|m| m.user.to_lowercase())
        .collect();
    let now = jiff::Timestamp::now();
    for user in &change.add_members {
        if !present.contains(&user.to_lowercase()) {
            memberships.push(Membership {
                community: change.desired.key.clone(),
                user: user.clone(),
                joined_at: Some(now),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        action: CommunityAction,
        key: &str,
        add: &[&str],
        remove: &[&str],
    ) -> CommunityChange {
        CommunityChange {
            action,
            key: key.into(),
            current: None,
            desired: Community {
                key: key.into(),
                name: format!("Name of {key}"),
                ..Default::default()
            },
            fields: vec![],
            add_members: add.iter().map(|s| s.to_string()).collect(),
            remove_members: remove.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn creates_updates_members_idempotently() {
        let (mut cs, mut ms) = (Vec::new(), Vec::new());
        let changes = vec![change(
            CommunityAction::Create,
            "idées",
            &["léa", "山田"],
            &[],
        )];
        assert!(apply_changes(&mut cs, &mut ms, &changes)
            .iter()
            .all(Result::is_ok));
        assert!(apply_changes(&mut cs, &mut ms, &changes)
            .iter()
            .all(Result::is_ok));
        assert_eq!((cs.len(), ms.len()), (1, 2));

        let update = vec![change(
            CommunityAction::Update,
            "IDÉES",
            &["paul"],
            &["LÉA"],
        )];
        assert!(apply_changes(&mut cs, &mut ms, &update)[0].is_ok());
        let users: Vec<_> = ms.iter().map(|m| m.user.as_str()).collect();
        assert_eq!(users, ["山田", "paul"]);
    }

    #[test]
    fn updating_a_missing_community_fails_that_item_only() {
        let (mut cs, mut ms) = (Vec::new(), Vec::new());
        let changes = vec![
            change(CommunityAction::Update, "ghost", &[], &[]),
            change(CommunityAction::Create, "real", &[], &[]),
        ];
        let results = apply_changes(&mut cs, &mut ms, &changes);
        assert!(results[0].as_ref().unwrap_err().contains("ghost"));
        assert!(results[1].is_ok());
    }
}
