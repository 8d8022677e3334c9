//! Community plans: the difference between the communities a manifest or directory wants
//! and those a destination holds, including memberships. Nothing is deleted: a community
//! that left the manifest is archived (with `--prune`), its content kept.

use crate::core::model::{Community, Membership};
use crate::core::plan::FieldChange;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommunityAction {
    Create,
    Update,
    Archive,
    Unarchive,
}

impl CommunityAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityAction::Create => "create",
            CommunityAction::Update => "update",
            CommunityAction::Archive => "archive",
            CommunityAction::Unarchive => "unarchive",
        }
    }
}

/// One planned change to one community of the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct CommunityChange {
    pub action: CommunityAction,
    pub key: String,
    /// The destination's record as it is now; `None` for a create.
    pub current: Option<Community>,
    /// The complete record as the destination must hold it after the change.
    pub desired: Community,
    /// Fields that differ (for a create: every field that has a value).
    pub fields: Vec<FieldChange>,
    /// User keys to add as members.
    pub add_members: Vec<String>,
    /// User keys to remove from the members.
    pub remove_members: Vec<String>,
}

/// Communities with their memberships, as an endpoint holds them.
#[derive(Debug, Default)]
pub struct CommunitySet {
    pub communities: Vec<Community>,
    pub memberships: Vec<Membership>,
    pub warnings: Vec<String>,
}

impl CommunitySet {
    /// Member keys of each community, keyed by lowercase community key.
    pub fn members_by_community(&self) -> HashMap<String, Vec<&str>> {
        let mut out: HashMap<String, Vec<&str>> = HashMap::new();
        for m in &self.memberships {
            out.entry(m.community.to_lowercase())
                .or_default()
                .push(m.user.as_str());
        }
        out
    }
}

/// A community as a manifest or directory wants it.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredCommunity {
    pub community: Community,
    /// The complete member list (user keys); `None` leaves memberships unmanaged.
    pub members: Option<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct CommunityPlan {
    pub changes: Vec<CommunityChange>,
    pub unchanged: usize,
    pub warnings: Vec<String>,
}

impl CommunityPlan {
    pub fn count(&self, action: CommunityAction) -> usize {
        self.changes.iter().filter(|c| c.action == action).count()
    }
}

/// The community fields a plan compares, in display order.
pub const COMMUNITY_FIELDS: &[&str] = &["name", "description", "visibility", "parent", "owners"];

/// Diffs wanted communities against the destination's. Keys and member keys match
/// case-insensitively. With `prune`, destination communities absent from `desired` are
/// archived; without it they are left alone. `stores` names the fields the destination
/// keeps (`COMMUNITY_FIELDS`, `extra`).
pub fn diff_communities(
    desired: &[DesiredCommunity],
    actual: &CommunitySet,
    prune: bool,
    stores: &dyn Fn(&str) -> bool,
) -> CommunityPlan {
    let mut plan = CommunityPlan::default();
    let by_key: HashMap<String, &Community> = actual
        .communities
        .iter()
        .map(|c| (c.key.to_lowercase(), c))
        .collect();
    let members = actual.members_by_community();
    let mut wanted_keys = BTreeSet::new();

    for want in desired {
        let lower = want.community.key.to_lowercase();
        if !wanted_keys.insert(lower.clone()) {
            plan.warnings.push(format!(
                "community \"{}\" is listed twice; the second is ignored",
                want.community.key
            ));
            continue;
        }
        let have = by_key.get(&lower).copied();
        let current_members = members.get(&lower).cloned().unwrap_or_default();
        let (add, remove) = match &want.members {
            None => (Vec::new(), Vec::new()),
            Some(list) => member_delta(list, &current_members),
        };
        match have {
            None => {
                let mut created = want.community.clone();
                created.archived = false;
                plan.changes.push(CommunityChange {
                    action: CommunityAction::Create,
                    key: created.key.clone(),
                    current: None,
                    fields: field_changes(&Community::default(), &created, stores),
                    desired: created,
                    add_members: add,
                    remove_members: remove,
                });
            }
            Some(have) => {
                let mut next = have.clone();
                for &field in COMMUNITY_FIELDS.iter().filter(|f| stores(f)) {
                    copy_field(&mut next, &want.community, field);
                }
                if stores("extra") {
                    next.extra = want.community.extra.clone();
                }
                next.archived = false;
                let fields = field_changes(have, &next, stores);
                let action = if have.archived {
                    CommunityAction::Unarchive
                } else if fields.is_empty() && add.is_empty() && remove.is_empty() {
                    plan.unchanged += 1;
                    continue;
                } else {
                    CommunityAction::Update
                };
                plan.changes.push(CommunityChange {
                    action,
                    key: want.community.key.clone(),
                    current: Some(have.clone()),
                    desired: next,
                    fields,
                    add_members: add,
                    remove_members: remove,
                });
            }
        }
    }

    for have in &actual.communities {
        if wanted_keys.contains(&have.key.to_lowercase()) {
            continue;
        }
        if !prune || have.archived {
            plan.unchanged += 1;
            continue;
        }
        let mut archived = have.clone();
        archived.archived = true;
        plan.changes.push(CommunityChange {
            action: CommunityAction::Archive,
            key: have.key.clone(),
            current: Some(have.clone()),
            fields: vec![FieldChange {
                field: "archived".into(),
                old: Some("false".into()),
                new: Some("true".into()),
            }],
            desired: archived,
            add_members: Vec::new(),
            remove_members: Vec::new(),
        });
    }
    plan
}

/// Members to add and to remove, compared case-insensitively, in a stable order.
fn member_delta(want: &[String], have: &[&str]) -> (Vec<String>, Vec<String>) {
    let have_set: BTreeSet<String> = have.iter().map(|k| k.to_lowercase()).collect();
    let want_set: BTreeSet<String> = want.iter().map(|k| k.to_lowercase()).collect();
    let mut seen = BTreeSet::new();
    let add = want
        .iter()
        .filter(|k| !have_set.contains(&k.to_lowercase()) && seen.insert(k.to_lowercase()))
        .cloned()
        .collect();
    let remove = have
        .iter()
        .filter(|k| !want_set.contains(&k.to_lowercase()))
        .map(|k| k.to_string())
        .collect();
    (add, remove)
}

fn copy_field(into: &mut Community, from: &Community, field: &str) {
    match field {
        "name" => into.name = from.name.clone(),
        "description" => into.description = from.description.clone(),
        "visibility" => into.visibility = from.visibility,
        "parent" => into.parent = from.parent.clone(),
        "owners" => into.owners = from.owners.clone(),
        _ => {}
    }
}

/// A field's value as text, for plans. Owners compare as a set.
fn field_text(c: &Community, field: &str) -> Option<String> {
    match field {
        "name" => (!c.name.is_empty()).then(|| c.name.clone()),
        "description" => c.description.clone(),
        "visibility" => Some(c.visibility.as_str().to_string()),
        "parent" => c.parent.clone(),
        "owners" => {
            let set: BTreeSet<String> = c.owners.iter().map(|o| o.to_lowercase()).collect();
            (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>().join(","))
        }
        _ => None,
    }
}

fn field_changes(
    old: &Community,
    new: &Community,
    stores: &dyn Fn(&str) -> bool,
) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = COMMUNITY_FIELDS
        .iter()
        .filter(|f| stores(f))
        .filter_map(|&f| {
            let (a, b) = (field_text(old, f), field_text(new, f));
            (a != b).then(|| FieldChange {
                field: f.to_string(),
                old: a,
                new: b,
            })
        })
        .collect();
    if stores("extra") {
        let names: BTreeSet<&String> = old.extra.keys().chain(new.extra.keys()).collect();
        for name in names {
            let (a, b) = (old.extra.get(name), new.extra.get(name));
            if a != b {
                out.push(FieldChange {
                    field: format!("extra.{name}"),
                    old: a.cloned(),
                    new: b.cloned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Visibility;

    fn community(key: &str, name: &str) -> Community {
        Community {
            key: key.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    fn want(key: &str, name: &str, members: &[&str]) -> DesiredCommunity {
        DesiredCommunity {
            community: community(key, name),
            members: Some(members.iter().map(|m| m.to_string()).collect()),
        }
    }

    fn member(c: &str, u: &str) -> Membership {
        Membership {
            community: c.into(),
            user: u.into(),
            joined_at: None,
        }
    }

    fn all(_: &str) -> bool {
        true
    }

    #[test]
    fn creates_with_members_then_nothing_to_do() {
        let desired = vec![want(
            "store-042",
            "Magasin 042 — Nancy",
            &["lnoel", "ayamada"],
        )];
        let plan = diff_communities(&desired, &CommunitySet::default(), false, &all);
        assert_eq!(plan.changes.len(), 1);
        let c = &plan.changes[0];
        assert_eq!(c.action, CommunityAction::Create);
        assert_eq!(c.add_members, ["lnoel", "ayamada"]);
        assert!(c.fields.iter().any(|f| f.field == "name"));

        let actual = CommunitySet {
            communities: vec![community("store-042", "Magasin 042 — Nancy")],
            memberships: vec![member("store-042", "LNoel"), member("store-042", "ayamada")],
            warnings: vec![],
        };
        let plan = diff_communities(&desired, &actual, false, &all);
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);
        assert_eq!(plan.unchanged, 1);
    }

    #[test]
    fn updates_fields_and_membership_delta() {
        let mut d = want("it", "IT news", &["a", "c"]);
        d.community.visibility = Visibility::Private;
        d.community.owners = vec!["a".into()];
        let actual = CommunitySet {
            communities: vec![community("it", "IT")],
            memberships: vec![member("it", "a"), member("it", "b")],
            warnings: vec![],
        };
        let plan = diff_communities(&[d], &actual, false, &all);
        let c = &plan.changes[0];
        assert_eq!(c.action, CommunityAction::Update);
        let fields: Vec<_> = c.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "visibility", "owners"]);
        assert_eq!(
            (c.add_members.clone(), c.remove_members.clone()),
            (vec!["c".to_string()], vec!["b".to_string()])
        );
    }

    #[test]
    fn prune_archives_and_relisting_unarchives() {
        let actual = CommunitySet {
            communities: vec![community("old", "Old"), {
                let mut c = community("back", "Back");
                c.archived = true;
                c
            }],
            ..Default::default()
        };
        let desired = vec![DesiredCommunity {
            community: community("back", "Back"),
            members: None,
        }];
        let plan = diff_communities(&desired, &actual, false, &all);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].action, CommunityAction::Unarchive);
        let plan = diff_communities(&desired, &actual, true, &all);
        let actions: Vec<_> = plan
            .changes
            .iter()
            .map(|c| (c.action, c.key.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                (CommunityAction::Unarchive, "back"),
                (CommunityAction::Archive, "old")
            ]
        );
        assert!(plan.changes[1].desired.archived);
    }

    #[test]
    fn unmanaged_members_and_unstored_fields_are_left_alone() {
        let d = DesiredCommunity {
            community: Community {
                description: Some("desc".into()),
                ..community("g", "G")
            },
            members: None,
        };
        let actual = CommunitySet {
            communities: vec![community("g", "G")],
            memberships: vec![member("g", "x")],
            warnings: vec![],
        };
        let only_name = |f: &str| f == "name";
        let plan = diff_communities(&[d], &actual, false, &only_name);
        assert!(plan.changes.is_empty());
    }
}
