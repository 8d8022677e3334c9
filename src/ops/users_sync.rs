//! `users sync`: make the destination's users match the sources'.

use crate::connectors::{self, Connector, ItemResult, OpenOptions, UserSet};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::model::{lowercase, User};
use crate::core::plan::{diff_users_owned, Action, UserPlan};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::future::Future;
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

/// Changes from which a plan is freed on a thread of its own.
const FREE_APART: usize = 10_000;

impl Drop for PlannedSync {
    /// A plan of 100k changes holds about a million strings, and freeing them took tens of
    /// milliseconds at the very end of a run: a thread of its own frees them, which the
    /// process does not wait for when it exits.
    fn drop(&mut self) {
        if self.plan.changes.len() >= FREE_APART {
            let changes = std::mem::take(&mut self.plan.changes);
            // If no thread can be started, the closure and the changes are dropped here.
            let _ = std::thread::Builder::new()
                .name("free-plan".into())
                .spawn(move || drop(changes));
        }
    }
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
        read_side_by_side(futures::future::try_join_all(reads), dest_read).await?;

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

/// Awaits both reads like `try_join`, but on two threads when the runtime has them. File
/// readers parse inside one poll (a 100k-user bundle is a few hundred ms of CPU): joined on
/// one task, the destination would hold up the LDAP read, and its server would wait.
/// The first error wins and aborts the other read at its next await.
async fn read_side_by_side<A, B>(
    sources: impl Future<Output = Result<A>> + Send,
    dest: impl Future<Output = Result<B>> + Send,
) -> Result<(A, B)>
where
    A: Send,
    B: Send,
{
    use futures::future::{abortable, Aborted};
    use tokio::runtime::{Handle, RuntimeFlavor};
    let handle = Handle::current();
    if handle.runtime_flavor() != RuntimeFlavor::MultiThread {
        return futures::future::try_join(sources, dest).await;
    }
    let (sources, stop_sources) = abortable(sources);
    let (dest, stop_dest) = abortable(dest);
    // block_in_place: this thread leaves the runtime's context so that it may block_on.
    tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let dest = scope.spawn(|| {
                let res = handle.block_on(dest);
                if matches!(res, Ok(Err(_))) {
                    stop_sources.abort();
                }
                res
            });
            let sources = handle.block_on(sources);
            if matches!(sources, Ok(Err(_))) {
                stop_dest.abort();
            }
            let dest = dest.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            match (sources, dest) {
                (Ok(Ok(a)), Ok(Ok(b))) => Ok((a, b)),
                (Ok(Err(e)), _) | (_, Ok(Err(e))) => Err(e),
                (Err(Aborted), _) | (_, Err(Aborted)) => {
                    unreachable!("a read is aborted only after the other failed")
                }
            }
        })
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
    // Decided on borrowed records, then the records move: a single source without a
    // conflict hands its vector over as it is (no per-user copy or lowercase key).
    let plan = MergePlan::decide(&sources);
    let multi = sources.len() > 1;
    let mut out = MergedUsers {
        warnings: plan.warnings,
        ..MergedUsers::default()
    };
    let mut labels = Vec::with_capacity(sources.len());
    let mut pool = Vec::with_capacity(sources.len());
    let mut set_held = Vec::with_capacity(sources.len());
    for SourceUsers { label, set, .. } in sources {
        labels.push(label);
        pool.push(set.users);
        set_held.push(Some(set.held));
    }
    let identity = plan.conflicted.is_empty()
        && pool.len() == 1
        && plan.slots.len() == pool[0].len()
        && plan
            .slots
            .iter()
            .enumerate()
            .all(|(n, &(s, i))| s == 0 && i == n);
    let mut take = |(s, i): (usize, usize)| {
        let mut user = std::mem::take(&mut pool[s][i]);
        if multi {
            user.source = Some(labels[s].clone());
        }
        user
    };
    let mut held_users = Vec::new();
    for held in plan.held {
        match held {
            Held::Set(s) => out.held.extend(set_held[s].take().into_iter().flatten()),
            Held::User(at) => {
                let user = take(at);
                out.held.push(user);
                held_users.push(at);
            }
        }
    }
    if identity && held_users.is_empty() {
        out.users = pool.pop().expect("one source");
        return out;
    }
    let removed: std::collections::BTreeSet<usize> = plan.conflicted.iter().copied().collect();
    let mut kept = Vec::with_capacity(plan.slots.len() - removed.len());
    let mut removed_users = Vec::with_capacity(removed.len());
    for (idx, &at) in plan.slots.iter().enumerate() {
        if removed.contains(&idx) {
            removed_users.push(take(at));
        } else {
            kept.push(take(at));
        }
    }
    out.users = kept;
    out.held.extend(removed_users.into_iter().rev());
    out
}

/// Where a held record comes from, in the order it is held.
enum Held {
    /// A source's own held records (conflicts inside it, unusable entries).
    Set(usize),
    /// A user (source, index) that collided with another source's.
    User((usize, usize)),
}

/// What [`merge_sources`] does, decided without moving a record.
struct MergePlan {
    /// The merged users, as (source, index); a later source with precedence may take a slot.
    slots: Vec<(usize, usize)>,
    /// Slots whose record is in conflict: they end up held.
    conflicted: Vec<usize>,
    held: Vec<Held>,
    warnings: Vec<String>,
}

impl MergePlan {
    fn decide(sources: &[SourceUsers]) -> MergePlan {
        let total = sources.iter().map(|s| s.set.users.len()).sum();
        let mut plan = MergePlan {
            slots: Vec::with_capacity(total),
            conflicted: Vec::new(),
            held: Vec::new(),
            warnings: Vec::new(),
        };
        // Lowercase key or email → (slot, source that put it there).
        let mut by_key: HashMap<Cow<str>, (usize, usize)> = HashMap::with_capacity(total);
        let mut by_email: HashMap<Cow<str>, (usize, usize)> = HashMap::with_capacity(total);
        for (s, source) in sources.iter().enumerate() {
            let SourceUsers {
                label,
                precedence,
                set,
            } = source;
            plan.warnings
                .extend(set.warnings.iter().map(|w| format!("{label}: {w}")));
            plan.held.push(Held::Set(s));
            for (i, user) in set.users.iter().enumerate() {
                // The username first, then the email; without a clash (the usual case),
                // one probe of each table both looks up and inserts.
                let key_slot = by_key.entry(lowercase(&user.key));
                let clash = match &key_slot {
                    Entry::Occupied(o) => Some(*o.get()),
                    Entry::Vacant(_) => {
                        match user.email.as_deref().map(|e| by_email.entry(lowercase(e))) {
                            Some(Entry::Occupied(o)) => Some(*o.get()),
                            email_slot => {
                                let idx = plan.slots.len();
                                if let Entry::Vacant(v) = key_slot {
                                    v.insert((idx, s));
                                }
                                if let Some(Entry::Vacant(v)) = email_slot {
                                    v.insert((idx, s));
                                }
                                plan.slots.push((s, i));
                                None
                            }
                        }
                    }
                };
                let Some((idx, theirs)) = clash else {
                    continue;
                };
                let other = &sources[theirs].label;
                match (precedence, sources[theirs].precedence) {
                    (Some(mine), Some(their)) if *mine != their => {
                        let (winner, loser) = if *mine < their {
                            (label, other)
                        } else {
                            (other, label)
                        };
                        tracing::info!(
                            "\"{}\" is in both {other} and {label}; {winner} takes precedence over {loser}",
                            user.key
                        );
                        if *mine < their {
                            plan.slots[idx] = (s, i);
                            by_key.insert(lowercase(&user.key), (idx, s));
                            if let Some(e) = &user.email {
                                by_email.insert(lowercase(e), (idx, s));
                            }
                        }
                    }
                    _ => {
                        plan.warnings.push(format!(
                            "\"{}\" is in both {other} and {label}; neither is applied (conflict; \
                             set precedence = N on the profiles to choose)",
                            user.key
                        ));
                        plan.conflicted.push(idx);
                        plan.held.push(Held::User((s, i)));
                    }
                }
            }
        }
        plan
    }
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

    #[test]
    fn a_person_twice_in_one_source_is_held_in_order() {
        let mut one = source(
            "a",
            None,
            &[("marie", "m@x"), ("paul", "p@x"), ("Marie2", "M@x")],
        );
        one.set.held = vec![User::new("unusable")];
        one.set.warnings = vec!["skipped x".into()];
        let merged = merge_sources(vec![one]);
        let keys = |users: &[User]| users.iter().map(|u| u.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&merged.users), ["paul"]);
        // The set's own held records, the newcomer, then the record it collided with.
        assert_eq!(keys(&merged.held), ["unusable", "Marie2", "marie"]);
        assert_eq!(merged.warnings.len(), 2);
        assert_eq!(merged.warnings[0], "a: skipped x");
        assert!(merged.warnings[1].starts_with("\"Marie2\" is in both a and a;"));
    }

    #[test]
    fn a_winner_by_precedence_then_in_conflict_is_held_with_its_label() {
        let merged = merge_sources(vec![
            source("east", Some(2), &[("marie", "m@x"), ("paul", "p@x")]),
            source("west", None, &[("paul", "p2@x")]),
            source("head", Some(1), &[("MARIE", "m@x")]),
        ]);
        let keys: Vec<_> = merged.users.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys, ["MARIE"]);
        assert_eq!(merged.users[0].source.as_deref(), Some("head"));
        let held: Vec<_> = merged
            .held
            .iter()
            .map(|u| (u.key.as_str(), u.source.as_deref()))
            .collect();
        assert_eq!(held, [("paul", Some("west")), ("paul", Some("east"))]);
    }

    fn runtime(multi: bool) -> tokio::runtime::Runtime {
        let mut builder = if multi {
            tokio::runtime::Builder::new_multi_thread()
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        builder.enable_all().build().unwrap()
    }

    async fn failing(msg: &'static str) -> Result<u32> {
        Err(Error::runtime(msg).into())
    }

    #[test]
    fn side_by_side_reads_give_both_results_or_the_first_error() {
        for multi in [true, false] {
            let rt = runtime(multi);
            let both = rt.block_on(read_side_by_side(async { Ok(1u32) }, async { Ok("b") }));
            assert_eq!(both.unwrap(), (1, "b"));
            // A read that never ends is abandoned when the other fails.
            let never = futures::future::pending::<Result<u32>>();
            let err = rt
                .block_on(read_side_by_side(failing("source down"), never))
                .unwrap_err();
            assert_eq!(err.to_string(), "source down");
            let never = futures::future::pending::<Result<u32>>();
            let err = rt
                .block_on(read_side_by_side(never, failing("bad bundle")))
                .unwrap_err();
            assert_eq!(err.to_string(), "bad bundle");
        }
    }
}
