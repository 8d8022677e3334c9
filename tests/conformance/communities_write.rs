//! Communities write: create with members / list / rename / add and remove members,
//! re-planned after each step to prove it is idempotent. Needs the users of
//! `users_write` (members are user keys).

use super::Factory;
use esnctl::core::model::Community;
use esnctl::core::plan_communities::{
    diff_communities, CommunityAction, CommunityPlan, DesiredCommunity,
};
use esnctl::core::progress::NoProgress;

async fn apply(factory: Factory<'_>, desired: &[DesiredCommunity]) -> CommunityPlan {
    let conn = factory();
    let Some(reader) = conn.as_read_communities() else {
        panic!("communities write implies read")
    };
    let actual = reader
        .read_communities(&NoProgress)
        .await
        .unwrap_or_default();
    let writer = conn.as_write_communities().unwrap();
    let stored = writer.stored_community_fields();
    let plan = diff_communities(desired, &actual, false, &|f| stored.stores(f));
    let results = writer
        .apply_communities(&plan.changes, &NoProgress)
        .await
        .expect("apply_communities");
    assert_eq!(results.len(), plan.changes.len());
    for (c, r) in plan.changes.iter().zip(&results) {
        assert!(r.is_ok(), "{:?} {}: {r:?}", c.action, c.key);
    }
    let conn = factory();
    let after = conn
        .as_read_communities()
        .unwrap()
        .read_communities(&NoProgress)
        .await
        .expect("read back");
    let again = diff_communities(desired, &after, false, &|f| stored.stores(f));
    assert!(
        again.changes.is_empty(),
        "not idempotent: {:#?}",
        again.changes
    );
    plan
}

fn community(key: &str, name: &str, members: &[&str]) -> DesiredCommunity {
    DesiredCommunity {
        community: Community {
            key: key.into(),
            name: name.into(),
            ..Default::default()
        },
        members: Some(members.iter().map(|m| m.to_string()).collect()),
    }
}

pub async fn run(factory: Factory<'_>) {
    if factory().as_write_communities().is_none() {
        return;
    }
    let a = community(
        "conf-store-042",
        "Magasin 042 — Nancy «Centre» 🏬",
        &["conf-lea", "conf-yamada"],
    );
    let b = community("conf-it", "L'équipe \"IT\" 山田", &["conf-obrien"]);
    let plan = apply(factory, &[a.clone(), b.clone()]).await;
    assert_eq!(plan.count(CommunityAction::Create), 2);

    let conn = factory();
    let set = conn
        .as_read_communities()
        .unwrap()
        .read_communities(&NoProgress)
        .await
        .unwrap();
    let got = set
        .communities
        .iter()
        .find(|c| c.key == "conf-store-042")
        .expect("listed by key");
    assert_eq!(got.name, a.community.name);
    let members: Vec<_> = set
        .memberships
        .iter()
        .filter(|m| m.community == "conf-store-042")
        .map(|m| m.user.as_str())
        .collect();
    assert_eq!(members.len(), 2, "{members:?}");

    // Rename, one member out, two in.
    let a2 = community(
        "conf-store-042",
        "Magasin 42",
        &["conf-yamada", "conf-emoji", "conf-long"],
    );
    let plan = apply(factory, &[a2, b]).await;
    assert_eq!(plan.count(CommunityAction::Update), 1);
    let c = &plan.changes[0];
    assert_eq!((c.add_members.len(), c.remove_members.len()), (2, 1));
}
