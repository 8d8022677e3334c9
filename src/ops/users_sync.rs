//! `users sync`: make the destination's users match the sources'.

use crate::connectors::{self, Connector, ItemResult, OpenOptions, UserSet};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::model::User;
use crate::core::plan::{diff_users_owned, Action, UserPlan};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use std::collections::HashMap;
use std::str::FromStr;

/// `--max-deactivations`: an absolute count or a share of the destination's active users.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeactivationLimit {
    Count(usize),
    Percent(f64),
}

impl FromStr for DeactivationLimit {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        if let Some(p) = s.strip_suffix('%') {
            let p: f64 = p
                .trim()
                .parse()
                .map_err(|_| format!("\"{s}\" is not a percentage such as 10%"))?;
            if !(0.0..=100.0).contains(&p) {
                return Err(format!("\"{s}\" must be between 0% and 100%"));
            }
            return Ok(DeactivationLimit::Percent(p));
        }
        s.parse()
            .map(DeactivationLimit::Count)
            .map_err(|_| format!("\"{s}\" is neither a count (25) nor a percentage (10%)"))
    }
}

impl DeactivationLimit {
    /// How many deactivations are allowed when the destination has `active` users.
    pub fn allowed(self, active: usize) -> usize {
        match self {
            DeactivationLimit::Count(n) => n,
            DeactivationLimit::Percent(p) => (active as f64 * p / 100.0).floor() as usize,
        }
    }
}

/// A computed plan and the opened destination it applies to.
pub struct PlannedSync {
    pub plan: UserPlan,
    pub dest: Box<dyn Connector>,
    /// Active users on the destination before the change.
    pub dest_active: usize,
}

/// Reads every source and the destination, and diffs them. Capabilities are checked
/// before any endpoint is opened.
pub async fn plan(
    sources: &[Endpoint],
    dest: &Endpoint,
    options: &OpenOptions,
    progress: &dyn Progress,
) -> Result<PlannedSync> {
    for src in sources {
        src.require(Capability::ReadUsers)?;
    }
    dest.require(Capability::WriteUsers)?;

    let dest_conn = connectors::open_with(dest, options).await?;
    let mut source_conns = Vec::with_capacity(sources.len());
    for src in sources {
        source_conns.push(connectors::open_with(src, options).await?);
    }
    let reads = source_conns
        .iter()
        .zip(sources)
        .map(|(conn, ep)| async move {
            let reader = conn.as_read_users().expect("capability checked");
            reader.read_users(progress).await.map(|set| SourceUsers {
                label: ep.label.clone(),
                precedence: ep.precedence,
                set,
            })
        });
    let dest_read = async {
        let reader = dest_conn.as_read_users().ok_or_else(|| {
            Error::usage(format!("endpoint \"{}\" cannot read users", dest.label))
        })?;
        // A destination that does not exist yet (new bundle, new CSV file) has no users;
        // a missing *source* stays an error, or everyone would be deactivated.
        match reader.read_users(progress).await {
            Err(err) if is_not_found(&err) => Ok(UserSet::default()),
            other => other,
        }
    };
    let (source_sets, actual) =
        futures::future::try_join(futures::future::try_join_all(reads), dest_read).await?;

    let dest_active = actual.users.iter().filter(|u| u.active).count();
    // A source with nobody in it is a broken source (wrong file, folder or filter), never
    // "everyone left": refused whatever --max-deactivations says.
    if let Some(empty) = source_sets.iter().find(|s| s.set.users.is_empty()) {
        if dest_active > 0 {
            return Err(Error::new(
                Kind::SafetyLimit,
                format!(
                    "{} has no users; refusing to deactivate {dest_active} of {dest_active} \
                     active users of {} (nothing was changed): check the source",
                    empty.label, dest.label
                ),
            )
            .into());
        }
    }
    let merged = merge_sources(source_sets);
    let writer = dest_conn.as_write_users().expect("capability checked");
    let stored = writer.stored_fields();
    // Both sides move into the plan: only changed records stay in memory.
    let mut plan = diff_users_owned(merged.users, &merged.held, actual.users, &|f| {
        stored.stores(f)
    });
    let mut warnings = merged.warnings;
    warnings.append(&mut plan.warnings);
    plan.warnings = warnings;
    Ok(PlannedSync {
        plan,
        dest: dest_conn,
        dest_active,
    })
}

fn is_not_found(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<Error>()
            .is_some_and(|e| e.kind == Kind::NotFound)
    })
}

/// Refuses (exit 4, nothing changed) a plan with more deactivations than allowed.
pub fn check_limit(planned: &PlannedSync, limit: DeactivationLimit) -> Result<()> {
    let wanted = planned.plan.count(Action::Deactivate);
    let allowed = limit.allowed(planned.dest_active);
    if wanted <= allowed {
        return Ok(());
    }
    let share = if planned.dest_active == 0 {
        100.0
    } else {
        wanted as f64 * 100.0 / planned.dest_active as f64
    };
    let limit_text = match limit {
        DeactivationLimit::Count(n) => format!("{n}"),
        DeactivationLimit::Percent(p) => format!("{p}% ({allowed})"),
    };
    Err(Error::new(
        Kind::SafetyLimit,
        format!(
            "refusing to deactivate {wanted} of {} active users ({share:.0}%): the limit is \
             {limit_text}; nothing was changed (raise --max-deactivations if this is expected)",
            planned.dest_active
        ),
    )
    .into())
}

/// Applies the plan; one result per change, in plan order.
pub async fn apply(planned: &PlannedSync, progress: &dyn Progress) -> Result<Vec<ItemResult>> {
    if planned.plan.changes.is_empty() {
        return Ok(Vec::new());
    }
    let writer = planned.dest.as_write_users().expect("capability checked");
    let results = writer.apply_users(&planned.plan.changes, progress).await?;
    if results.len() != planned.plan.changes.len() {
        return Err(Error::runtime(format!(
            "connector returned {} results for {} changes",
            results.len(),
            planned.plan.changes.len()
        ))
        .into());
    }
    Ok(results)
}

/// Sources merged into one desired set.
#[derive(Debug, Default)]
pub struct MergedUsers {
    pub users: Vec<User>,
    /// Records left out (conflicts, unusable entries) whose destination accounts must stay.
    pub held: Vec<User>,
    pub warnings: Vec<String>,
}

/// One source's users, with the precedence its profile gives it (`precedence = N`).
pub struct SourceUsers {
    pub label: String,
    pub precedence: Option<i64>,
    pub set: UserSet,
}

/// Merges several sources. With more than one, each user records its source. The same
/// person (key or email) in two sources is a conflict: neither record is applied and the
/// destination account is left alone, unless both sources have a `precedence` and they
/// differ: then the smaller number wins.
pub fn merge_sources(sources: Vec<SourceUsers>) -> MergedUsers {
    let multi = sources.len() > 1;
    let mut out = MergedUsers::default();
    // Index of the kept record, with its source label and precedence.
    let mut by_key: HashMap<String, (usize, String, Option<i64>)> = HashMap::new();
    let mut by_email: HashMap<String, (usize, String, Option<i64>)> = HashMap::new();
    let mut conflicted = Vec::new();
    for SourceUsers {
        label,
        precedence,
        set,
    } in sources
    {
        out.warnings
            .extend(set.warnings.into_iter().map(|w| format!("{label}: {w}")));
        out.held.extend(set.held);
        for mut user in set.users {
            if multi {
                user.source = Some(label.clone());
            }
            let key = user.key.to_lowercase();
            let email = user.email.as_ref().map(|e| e.to_lowercase());
            let clash = by_key
                .get(&key)
                .or_else(|| email.as_ref().and_then(|e| by_email.get(e)))
                .cloned();
            let entry = |idx| (idx, label.clone(), precedence);
            match clash {
                Some((idx, other, Some(theirs)))
                    if precedence.is_some_and(|mine| mine != theirs) =>
                {
                    let mine = precedence.unwrap_or_default();
                    let (winner, loser) = if mine < theirs {
                        (&label, &other)
                    } else {
                        (&other, &label)
                    };
                    tracing::info!(
                        "\"{}\" is in both {other} and {label}; {winner} takes precedence over {loser}",
                        user.key
                    );
                    if mine < theirs {
                        out.users[idx] = user;
                        by_key.insert(key, entry(idx));
                        if let Some(e) = email {
                            by_email.insert(e, entry(idx));
                        }
                    }
                }
                Some((idx, other, _)) => {
                    out.warnings.push(format!(
                        "\"{}\" is in both {other} and {label}; neither is applied (conflict; \
                         set precedence = N on the profiles to choose)",
                        user.key
                    ));
                    conflicted.push(idx);
                    out.held.push(user);
                }
                None => {
                    let idx = out.users.len();
                    by_key.insert(key, entry(idx));
                    if let Some(e) = email {
                        by_email.insert(e, entry(idx));
                    }
                    out.users.push(user);
                }
            }
        }
    }
    conflicted.sort_unstable();
    conflicted.dedup();
    for idx in conflicted.into_iter().rev() {
        out.held.push(out.users.remove(idx));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(users: &[(&str, &str)]) -> UserSet {
        UserSet {
            users: users
                .iter()
                .map(|(k, e)| {
                    let mut u = User::new(*k);
                    u.email = Some(e.to_string());
                    u
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn limits_parse_and_apply() {
        assert_eq!("10%".parse(), Ok(DeactivationLimit::Percent(10.0)));
        assert_eq!("25".parse(), Ok(DeactivationLimit::Count(25)));
        assert!("ten".parse::<DeactivationLimit>().is_err());
        assert!("150%".parse::<DeactivationLimit>().is_err());
        assert_eq!(DeactivationLimit::Percent(10.0).allowed(60), 6);
        assert_eq!(DeactivationLimit::Percent(10.0).allowed(5), 0);
    }

    #[test]
    fn same_person_in_two_sources_is_held_not_applied() {
        let merged = merge_sources(vec![
            source("a", None, &[("marie", "m@x"), ("paul", "p@x")]),
            source("b", Some(1), &[("mdurand", "M@X"), ("lea", "l@x")]),
        ]);
        let keys: Vec<_> = merged.users.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["paul", "lea"]);
        assert_eq!(merged.held.len(), 2);
        assert_eq!(merged.users[1].source.as_deref(), Some("b"));
        assert_eq!(merged.warnings.len(), 1);
    }

    fn source(label: &str, precedence: Option<i64>, users: &[(&str, &str)]) -> SourceUsers {
        SourceUsers {
            label: label.into(),
            precedence,
            set: set(users),
        }
    }

    #[test]
    fn precedence_decides_between_two_sources() {
        let merged = merge_sources(vec![
            source(
                "chamber-east",
                Some(2),
                &[("marie", "m@x"), ("paul", "p@x")],
            ),
            source("head-office", Some(1), &[("mdurand", "M@X")]),
        ]);
        let keys: Vec<_> = merged.users.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["mdurand", "paul"]);
        assert_eq!(merged.users[0].source.as_deref(), Some("head-office"));
        assert!(merged.held.is_empty() && merged.warnings.is_empty());

        let merged = merge_sources(vec![
            source("head-office", Some(1), &[("mdurand", "M@X")]),
            source("chamber-east", Some(2), &[("marie", "m@x")]),
        ]);
        assert_eq!(merged.users[0].key, "mdurand");
        assert_eq!(merged.users.len(), 1);
    }

    #[test]
    fn single_source_keeps_no_source_label() {
        let merged = merge_sources(vec![source("a", None, &[("marie", "m@x")])]);
        assert_eq!(merged.users[0].source, None);
    }
}
