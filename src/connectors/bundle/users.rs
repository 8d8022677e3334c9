//! Applying user changes to the in-memory contents of `users.jsonl`.

use crate::connectors::ItemResult;
use crate::core::model::User;
use crate::core::plan::{Action, UserChange};
use std::collections::HashMap;

/// Applies `changes` to `users` in place and returns one result per change.
///
/// Records keep their order; created users are appended. Keys match case-insensitively.
/// Re-applying a change that is already in effect succeeds without duplicating anything.
pub(crate) fn apply_changes(users: &mut Vec<User>, changes: &[UserChange]) -> Vec<ItemResult> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(users.len() + changes.len());
    for (i, u) in users.iter().enumerate() {
        // The first record wins, as when the plan was made against this file.
        index.entry(u.key.to_lowercase()).or_insert(i);
    }
    changes
        .iter()
        .map(|change| apply_one(users, &mut index, change))
        .collect()
}

fn apply_one(
    users: &mut Vec<User>,
    index: &mut HashMap<String, usize>,
    change: &UserChange,
) -> ItemResult {
    let desired = &change.desired;
    if desired.key.trim().is_empty() {
        return Err(format!(
            "\"{}\": {} refused: the record has an empty key",
            change.key,
            change.action.as_str()
        ));
    }
    let new_key = desired.key.to_lowercase();
    let existing_new = index.get(&new_key).copied();

    let target = match (change.action, &change.current) {
        // A user created by an earlier, interrupted run is replaced, not duplicated.
        (Action::Create, _) => existing_new,
        (_, None) => {
            return Err(format!(
                "\"{}\": {} without the current record",
                change.key,
                change.action.as_str()
            ))
        }
        (_, Some(current)) => {
            match index
                .get(&current.key.to_lowercase())
                .copied()
                .or(existing_new)
            {
                Some(i) => Some(i),
                None => {
                    return Err(format!(
                        "user \"{}\" not found in users.jsonl; cannot {}",
                        current.key,
                        change.action.as_str()
                    ))
                }
            }
        }
    };

    match target {
        None => {
            index.insert(new_key, users.len());
            users.push(desired.clone());
        }
        Some(i) => {
            if let Some(j) = existing_new.filter(|&j| j != i) {
                return Err(format!(
                    "cannot rename \"{}\" to \"{}\": users.jsonl already has a user \"{}\"",
                    users[i].key, desired.key, users[j].key
                ));
            }
            let old_key = users[i].key.to_lowercase();
            if old_key != new_key {
                index.remove(&old_key);
                index.insert(new_key, i);
            }
            users[i] = desired.clone();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::plan::DEACTIVATED_BY_ESNCTL;

    fn user(key: &str, email: &str) -> User {
        let mut u = User::new(key);
        u.email = Some(email.into());
        u
    }

    fn keys(users: &[User]) -> Vec<&str> {
        users.iter().map(|u| u.key.as_str()).collect()
    }

    fn change(action: Action, current: Option<&User>, desired: User) -> UserChange {
        UserChange {
            action,
            key: desired.key.clone(),
            current: current.cloned().map(Box::new),
            desired,
            fields: vec![],
        }
    }

    #[test]
    fn applies_changes_keeping_order_and_is_idempotent() {
        let mut users = vec![
            user("alice", "a@x"),
            user("bob", "b@x"),
            user("carol", "c@x"),
        ];
        let mut bob_gone = users[1].clone();
        bob_gone.active = false;
        bob_gone.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.into());
        let changes = vec![
            // Matched case-insensitively; the key's case follows the source.
            change(
                Action::Update,
                Some(&User::new("ALICE")),
                user("Alice", "a@x"),
            ),
            change(Action::Deactivate, Some(&users[1].clone()), bob_gone),
            change(
                Action::Update,
                Some(&users[2].clone()),
                user("carol", "carol@new"),
            ),
            change(Action::Create, None, user("dave", "d@x")),
        ];
        let results = apply_changes(&mut users, &changes);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(keys(&users), ["Alice", "bob", "carol", "dave"]);
        assert_eq!(users[2].email.as_deref(), Some("carol@new"));
        assert!(!users[1].active);

        let before = users.clone();
        let results = apply_changes(&mut users, &changes);
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(users, before);
    }

    #[test]
    fn unknown_current_user_fails_only_that_item() {
        let mut users = vec![user("a", "a@x")];
        let ghost = user("ghost", "g@x");
        let mut gone = ghost.clone();
        gone.active = false;
        let changes = vec![
            change(Action::Deactivate, Some(&ghost), gone),
            change(Action::Create, None, user("b", "b@x")),
            change(Action::Update, None, user("a", "new@x")),
        ];
        let results = apply_changes(&mut users, &changes);
        assert!(results[0].as_ref().unwrap_err().contains("not found"));
        assert!(results[1].is_ok());
        assert!(results[2].is_err());
        assert_eq!(keys(&users), ["a", "b"]);
        assert_eq!(users[0].email.as_deref(), Some("a@x"));
    }

    #[test]
    fn rename_onto_another_user_is_refused() {
        let mut users = vec![user("a", "a@x"), user("b", "b@x")];
        let change = change(Action::Update, Some(&users[0].clone()), user("B", "a@x"));
        let results = apply_changes(&mut users, &[change]);
        assert!(results[0].as_ref().unwrap_err().contains("cannot rename"));
        assert_eq!(keys(&users), ["a", "b"]);
    }
}
