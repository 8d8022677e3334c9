//! Plans: the field-level difference between what a source says (desired) and what a
//! destination holds (actual), as create / update / deactivate / reactivate actions.
//! Nothing is ever deleted.

use crate::core::model::{lowercase, User, USER_FIELDS};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Deactivate,
    Reactivate,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Deactivate => "deactivate",
            Action::Reactivate => "reactivate",
        }
    }
}

/// One field's old and new value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One planned change to one user of the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct UserChange {
    pub action: Action,
    /// The key shown to people: the source's key, or the destination's for deactivations.
    pub key: String,
    /// The destination's record as it is now; `None` for a create. Boxed: a plan of 100k
    /// creates would otherwise carry 100k empty `User`s inline (a third of its memory).
    pub current: Option<Box<User>>,
    /// The complete record as the destination must hold it after the change.
    pub desired: User,
    /// The fields that differ. [`diff_users`] leaves it empty for a create (every stored
    /// field of `desired` is new): read a change's fields with [`UserPlan::fields`].
    pub fields: Vec<FieldChange>,
}

/// The plan for one destination, with what could not be planned.
#[derive(Debug, Default)]
pub struct UserPlan {
    pub changes: Vec<UserChange>,
    /// Destination users that already match their source record.
    pub unchanged: usize,
    /// Users the source and destination disagree on in a way no action can fix.
    pub warnings: Vec<String>,
    /// The canonical fields the destination stores, and whether it keeps `extra`: what a
    /// create's field list is rendered from.
    pub stored_fields: Vec<&'static str>,
    pub stores_extra: bool,
}

impl UserPlan {
    pub fn count(&self, action: Action) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }

    /// The fields a change sets, old and new. A create's list is built here from its
    /// `desired` record rather than kept in the plan: 100k creates would otherwise hold
    /// every value twice.
    pub fn fields<'a>(&self, change: &'a UserChange) -> Cow<'a, [FieldChange]> {
        if change.action == Action::Create && change.fields.is_empty() {
            Cow::Owned(created_fields(
                &change.desired,
                &self.stored_fields,
                self.stores_extra,
            ))
        } else {
            Cow::Borrowed(&change.fields)
        }
    }
}

/// Marks deactivations made by esnctl, so only those are undone automatically.
pub const DEACTIVATED_BY_ESNCTL: &str = "esnctl";

fn deactivated_by_esnctl(user: &User) -> bool {
    user.deactivated_by.as_deref() == Some(DEACTIVATED_BY_ESNCTL)
}

/// Diffs desired users (the source) against actual users (the destination).
///
/// Matching: by immutable id when both sides have one, else by case-insensitive key, then
/// by case-insensitive email; two records with different immutable ids never match.
/// `held` are source records that could not be used (conflicts, missing attributes): the
/// destination accounts they match are left exactly as they are, never deactivated.
/// `stores` says which fields the destination keeps; others are never diffed.
pub fn diff_users(
    desired: &[User],
    held: &[User],
    actual: &[User],
    stores: &dyn Fn(&str) -> bool,
) -> UserPlan {
    diff_users_owned(desired.to_vec(), held, actual.to_vec(), stores)
}

/// What a desired user turned out to be, decided while `actual` is borrowed by the index.
enum Decision {
    Skip,
    Create,
    Matched(usize),
}

/// [`diff_users`] consuming both sides: records move into the plan instead of being
/// cloned, so a plan of 100k changes costs little more than the users themselves.
pub fn diff_users_owned(
    mut desired: Vec<User>,
    held: &[User],
    actual: Vec<User>,
    stores: &dyn Fn(&str) -> bool,
) -> UserPlan {
    let mut plan = UserPlan {
        stored_fields: USER_FIELDS.iter().copied().filter(|f| stores(f)).collect(),
        stores_extra: stores("extra"),
        ..UserPlan::default()
    };
    let mut matched = vec![false; actual.len()];
    let mut decisions = Vec::with_capacity(desired.len());
    {
        let index = ActualIndex::new(&actual);
        for h in held {
            if let Match::Found(i) | Match::HeldByOther(i) = index.find(h) {
                if !matched[i] {
                    matched[i] = true;
                    plan.unchanged += 1;
                }
            }
        }
        for want in &desired {
            decisions.push(match index.find(want) {
                Match::Found(i) if matched[i] => {
                    plan.warnings.push(format!(
                        "\"{}\" matches destination user \"{}\", already matched by another source user; skipped",
                        want.key, actual[i].key
                    ));
                    Decision::Skip
                }
                Match::Found(i) => {
                    matched[i] = true;
                    let have = &actual[i];
                    // Here rather than in plan_matched, so warnings keep the source order.
                    if want.active && !have.active && !deactivated_by_esnctl(have) {
                        plan.warnings.push(format!(
                            "\"{}\" is active in the source but was deactivated on the destination \
                             by someone else; not reactivated (reactivate it by hand if that is \
                             intended)",
                            want.key
                        ));
                    }
                    Decision::Matched(i)
                }
                Match::HeldByOther(i) => {
                    plan.warnings.push(format!(
                        "\"{}\": destination user \"{}\" has the same {} but another immutable id ({}); not created",
                        want.key,
                        actual[i].key,
                        if actual[i].key.eq_ignore_ascii_case(&want.key) { "username" } else { "email" },
                        actual[i].external_id.as_deref().unwrap_or_default()
                    ));
                    Decision::Skip
                }
                // A disabled source account that the destination never had stays absent.
                Match::None if !want.active => Decision::Skip,
                Match::None => Decision::Create,
            });
        }
    }

    // A change holds two records inline: growing the vector by doubling would briefly
    // hold the old and new buffers (the dry run's peak memory); reserve the worst case
    // once instead (pages never written are not resident) and shrink at the end.
    let worst = decisions
        .iter()
        .filter(|d| !matches!(d, Decision::Skip))
        .count()
        + matched.iter().filter(|m| !**m).count();
    plan.changes.reserve_exact(worst);
    // Each destination record is matched at most once: it can be moved out of its slot.
    let mut actual: Vec<Option<User>> = actual.into_iter().map(Some).collect();
    // Taken from the end, the source vector shrinks as the plan grows (a large buffer is
    // its own mapping: shrinking returns its pages), so the users are never held twice
    // over; the changes are put back in source order below.
    while let Some(mut want) = desired.pop() {
        let decision = decisions.pop().expect("one decision per desired user");
        if desired.len().is_multiple_of(8192) {
            desired.shrink_to_fit();
        }
        match decision {
            Decision::Skip => {}
            Decision::Matched(i) => {
                let have = actual[i].take().expect("matched once");
                plan_matched(want, have, stores, &mut plan);
            }
            Decision::Create => {
                want.deactivated_by = None;
                plan.changes.push(UserChange {
                    action: Action::Create,
                    key: want.key.clone(),
                    current: None,
                    desired: want,
                    fields: Vec::new(),
                });
            }
        }
    }
    plan.changes.reverse();

    for (i, slot) in actual.iter_mut().enumerate() {
        if matched[i] {
            continue;
        }
        let Some(have) = slot.take() else { continue };
        if !have.active {
            plan.unchanged += 1;
            continue;
        }
        let mut desired = have.clone();
        desired.active = false;
        desired.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.to_string());
        plan.changes.push(UserChange {
            action: Action::Deactivate,
            key: have.key.clone(),
            current: Some(Box::new(have)),
            desired,
            fields: vec![active_change(true, false)],
        });
    }
    plan.changes.shrink_to_fit();
    plan
}

fn plan_matched(want: User, have: User, stores: &dyn Fn(&str) -> bool, plan: &mut UserPlan) {
    // The differences first, from borrowed values: most matched users of a re-sync are
    // unchanged, and cloning their record only to drop it cost a quarter of the diff.
    let mut fields = Vec::new();
    let mut changed: Vec<&'static str> = Vec::new();
    for &name in USER_FIELDS {
        if !stores(name) {
            continue;
        }
        // The immutable id is adopted from the source but never cleared by it.
        if name == "external_id" && want.external_id.is_none() {
            continue;
        }
        let (old, new) = (have.field(name), want.field(name));
        if old != new {
            fields.push(FieldChange {
                field: name.to_string(),
                old: old.map(str::to_string),
                new: new.map(str::to_string),
            });
            changed.push(name);
        }
    }
    let stores_extra = stores("extra");
    if stores_extra && have.extra != want.extra {
        let names: std::collections::BTreeSet<&String> =
            have.extra.keys().chain(want.extra.keys()).collect();
        for name in names {
            let (old, new) = (have.extra.get(name), want.extra.get(name));
            if old != new {
                fields.push(FieldChange {
                    field: format!("extra.{name}"),
                    old: old.cloned(),
                    new: new.cloned(),
                });
            }
        }
    }
    // Active, yet marked as deactivated by esnctl: someone reactivated the account by hand.
    // The stale mark goes; kept, it would make a later deactivation by hand look like
    // esnctl's, and a sync would undo it.
    let stale_mark = want.active && have.active && deactivated_by_esnctl(&have);
    if stale_mark {
        fields.push(FieldChange {
            field: "deactivated_by".into(),
            old: Some(DEACTIVATED_BY_ESNCTL.into()),
            new: None,
        });
    }

    let action = match (want.active, have.active) {
        (true, false) if deactivated_by_esnctl(&have) => Action::Reactivate,
        // Left deactivated (warned about while matching).
        (true, false) if fields.is_empty() => {
            plan.unchanged += 1;
            return;
        }
        (false, true) => Action::Deactivate,
        _ if fields.is_empty() => {
            plan.unchanged += 1;
            return;
        }
        _ => Action::Update,
    };

    let mut desired = have.clone();
    for name in changed {
        desired.set_field(name, want.field(name).map(str::to_string));
    }
    let User {
        key, extra, source, ..
    } = want;
    if stores_extra {
        desired.extra = extra;
    }
    desired.source = source;
    if stale_mark {
        desired.deactivated_by = None;
    }
    match action {
        Action::Reactivate => {
            desired.active = true;
            desired.deactivated_by = None;
            fields.push(active_change(false, true));
        }
        Action::Deactivate => {
            desired.active = false;
            desired.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.to_string());
            fields.push(active_change(true, false));
        }
        _ => {}
    }
    plan.changes.push(UserChange {
        action,
        key,
        current: Some(Box::new(have)),
        desired,
        fields,
    });
}

fn created_fields(user: &User, stored: &[&str], extra: bool) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = stored
        .iter()
        .filter_map(|&name| {
            user.field(name).map(|v| FieldChange {
                field: name.to_string(),
                old: None,
                new: Some(v.to_string()),
            })
        })
        .collect();
    if extra {
        out.extend(user.extra.iter().map(|(k, v)| FieldChange {
            field: format!("extra.{k}"),
            old: None,
            new: Some(v.clone()),
        }));
    }
    out
}

fn active_change(old: bool, new: bool) -> FieldChange {
    FieldChange {
        field: "active".to_string(),
        old: Some(old.to_string()),
        new: Some(new.to_string()),
    }
}

enum Match {
    Found(usize),
    /// The username or email belongs to a destination record with another immutable id.
    HeldByOther(usize),
    None,
}

struct ActualIndex<'a> {
    users: &'a [User],
    by_id: HashMap<&'a str, usize>,
    /// Built on first use: when every source record carries an immutable id the
    /// destination knows (a re-sync), usernames and emails are never looked up.
    by_name: std::cell::OnceCell<NameIndex<'a>>,
}

/// Lowercase username and email → index of the first destination user that has it.
struct NameIndex<'a> {
    by_key: HashMap<Cow<'a, str>, usize>,
    by_email: HashMap<Cow<'a, str>, usize>,
}

impl<'a> ActualIndex<'a> {
    fn new(users: &'a [User]) -> Self {
        let mut by_id = HashMap::with_capacity(users.len());
        for (i, u) in users.iter().enumerate() {
            if let Some(id) = u.external_id.as_deref() {
                by_id.entry(id).or_insert(i);
            }
        }
        ActualIndex {
            users,
            by_id,
            by_name: std::cell::OnceCell::new(),
        }
    }

    fn names(&self) -> &NameIndex<'a> {
        self.by_name.get_or_init(|| {
            let mut idx = NameIndex {
                by_key: HashMap::with_capacity(self.users.len()),
                by_email: HashMap::with_capacity(self.users.len()),
            };
            for (i, u) in self.users.iter().enumerate() {
                idx.by_key.entry(lowercase(&u.key)).or_insert(i);
                if let Some(email) = &u.email {
                    idx.by_email.entry(lowercase(email)).or_insert(i);
                }
            }
            idx
        })
    }

    fn find(&self, want: &User) -> Match {
        if let Some(&i) = want
            .external_id
            .as_deref()
            .and_then(|id| self.by_id.get(id))
        {
            return Match::Found(i);
        }
        if self.users.is_empty() {
            return Match::None;
        }
        // The username decides before the email: they can point at two different accounts.
        let names = self.names();
        let by_key = names.by_key.get(lowercase(&want.key).as_ref());
        let by_email = || {
            let e = want.email.as_deref()?;
            names.by_email.get(lowercase(e).as_ref())
        };
        let Some(&i) = by_key.or_else(by_email) else {
            return Match::None;
        };
        match (&want.external_id, &self.users[i].external_id) {
            (Some(a), Some(b)) if a != b => Match::HeldByOther(i),
            _ => Match::Found(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(key: &str, email: &str) -> User {
        let mut u = User::new(key);
        u.email = Some(email.to_string());
        u
    }

    fn all(_: &str) -> bool {
        true
    }

    #[test]
    fn creates_updates_and_deactivates() {
        let mut alice2 = user("alice", "alice@new.example");
        alice2.title = Some("CTO".into());
        let desired = vec![alice2, user("carol", "carol@example.com")];
        let actual = vec![
            user("alice", "alice@example.com"),
            user("bob", "bob@example.com"),
        ];
        let plan = diff_users(&desired, &[], &actual, &all);
        let actions: Vec<_> = plan
            .changes
            .iter()
            .map(|c| (c.action, c.key.as_str()))
            .collect();
        assert_eq!(
            actions,
            vec![
                (Action::Update, "alice"),
                (Action::Create, "carol"),
                (Action::Deactivate, "bob")
            ]
        );
        let fields: Vec<_> = plan.changes[0]
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect();
        assert_eq!(fields, ["email", "title"]);
        assert_eq!(
            plan.changes[2].desired.deactivated_by.as_deref(),
            Some(DEACTIVATED_BY_ESNCTL)
        );
    }

    #[test]
    fn identical_sides_plan_nothing() {
        let users = vec![user("a", "a@x"), user("b", "b@x")];
        let plan = diff_users(&users, &[], &users, &all);
        assert!(plan.changes.is_empty());
        assert_eq!(plan.unchanged, 2);
    }

    #[test]
    fn rename_with_same_immutable_id_is_an_update() {
        let mut old = user("jdupont", "j@x");
        old.external_id = Some("uuid-1".into());
        let mut new = user("jdupont-martin", "jdm@x");
        new.external_id = Some("uuid-1".into());
        let plan = diff_users(&[new], &[], &[old], &all);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, Action::Update);
        assert_eq!(plan.changes[0].fields[0].field, "key");
        assert_eq!(plan.changes[0].current.as_ref().unwrap().key, "jdupont");
    }

    #[test]
    fn matches_case_insensitively_by_key_then_email() {
        let plan = diff_users(&[user("ALICE", "a@x")], &[], &[user("alice", "a@x")], &all);
        assert_eq!(plan.changes[0].action, Action::Update);
        assert_eq!(plan.changes[0].fields[0].field, "key");
        let plan = diff_users(&[user("a2", "A@X")], &[], &[user("a1", "a@x")], &all);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, Action::Update);
    }

    #[test]
    fn username_held_by_another_immutable_id_is_not_taken_over() {
        let mut old = user("alex", "alex@x");
        old.external_id = Some("id-old".into());
        let mut new = user("alex", "alex2@x");
        new.external_id = Some("id-new".into());
        let plan = diff_users(&[new], &[], &[old], &all);
        // The departed alex is deactivated; the new alex is reported, not merged into it.
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, Action::Deactivate);
        assert_eq!(plan.warnings.len(), 1);
    }

    #[test]
    fn reactivates_only_what_esnctl_deactivated() {
        let mut mine = user("a", "a@x");
        mine.active = false;
        mine.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.into());
        let mut by_hand = user("b", "b@x");
        by_hand.active = false;
        let plan = diff_users(
            &[user("a", "a@x"), user("b", "b@x")],
            &[],
            &[mine, by_hand],
            &all,
        );
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, Action::Reactivate);
        assert!(plan.changes[0].desired.active);
        assert_eq!(plan.warnings.len(), 1);
    }

    #[test]
    fn a_stale_mark_on_an_account_reactivated_by_hand_is_cleared() {
        let mut reactivated = user("a", "a@x");
        reactivated.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.into());
        let plan = diff_users(&[user("a", "a@x")], &[], &[reactivated.clone()], &all);
        assert_eq!(plan.changes.len(), 1);
        let change = &plan.changes[0];
        assert_eq!(change.action, Action::Update);
        assert_eq!(change.desired.deactivated_by, None);
        assert!(change.desired.active);
        assert_eq!(
            change.fields,
            [FieldChange {
                field: "deactivated_by".into(),
                old: Some(DEACTIVATED_BY_ESNCTL.into()),
                new: None,
            }]
        );
        // Gone from the source: deactivated again, and marked again.
        let plan = diff_users(&[], &[], &[reactivated], &all);
        assert_eq!(plan.changes[0].action, Action::Deactivate);
        assert_eq!(
            plan.changes[0].desired.deactivated_by.as_deref(),
            Some(DEACTIVATED_BY_ESNCTL)
        );
    }

    #[test]
    fn disabled_source_user_is_deactivated_not_created() {
        let mut off = user("a", "a@x");
        off.active = false;
        let plan = diff_users(std::slice::from_ref(&off), &[], &[], &all);
        assert!(plan.changes.is_empty());
        let plan = diff_users(&[off], &[], &[user("a", "a@x")], &all);
        assert_eq!(plan.changes[0].action, Action::Deactivate);
    }

    #[test]
    fn fields_the_destination_does_not_store_are_ignored() {
        let mut want = user("a", "a@x");
        want.title = Some("Boss".into());
        want.extra.insert("site".into(), "Lyon".into());
        let only_email = |f: &str| f == "email" || f == "key";
        let plan = diff_users(&[want], &[], &[user("a", "a@x")], &only_email);
        assert!(plan.changes.is_empty());
    }

    #[test]
    fn held_records_protect_their_destination_accounts() {
        let held = vec![user("a", "a@x")];
        let plan = diff_users(&[], &held, &[user("a", "a@x"), user("b", "b@x")], &all);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].key, "b");
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn create_fields_are_rendered_from_the_record_and_stored_fields() {
        let mut want = user("a", "a@x");
        want.title = Some("Boss".into());
        want.extra.insert("site".into(), "Lyon".into());
        let plan = diff_users(&[want], &[], &[], &|f| f != "title");
        let c = &plan.changes[0];
        assert_eq!(c.action, Action::Create);
        assert!(c.fields.is_empty(), "not materialised in the plan");
        let fields: Vec<_> = plan
            .fields(c)
            .iter()
            .map(|f| (f.field.clone(), f.old.clone(), f.new.clone()))
            .collect();
        assert_eq!(
            fields,
            [
                ("key".to_string(), None, Some("a".to_string())),
                ("email".to_string(), None, Some("a@x".to_string())),
                ("extra.site".to_string(), None, Some("Lyon".to_string())),
            ]
        );
    }

    #[test]
    fn warnings_and_changes_keep_the_source_order() {
        let mut off_by_hand = user("b", "b@x");
        off_by_hand.active = false;
        let mut taken = user("c", "c@x");
        taken.external_id = Some("id-old".into());
        let mut c_new = user("c", "c2@x");
        c_new.external_id = Some("id-new".into());
        let desired = vec![user("z", "z@x"), user("b", "b@x"), c_new, user("a", "a@x")];
        let plan = diff_users(&desired, &[], &[off_by_hand, taken], &all);
        assert!(plan.warnings[0].starts_with("\"b\" is active in the source"));
        assert!(plan.warnings[1].starts_with("\"c\": destination user"));
        let keys: Vec<_> = plan.changes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["z", "a", "c"]);
    }

    #[test]
    fn source_without_immutable_id_does_not_clear_it() {
        let mut have = user("a", "a@x");
        have.external_id = Some("id".into());
        let plan = diff_users(&[user("a", "a@x")], &[], &[have], &all);
        assert!(plan.changes.is_empty());
    }
}
