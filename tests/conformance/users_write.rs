//! Users write: create / list / update / deactivate / reactivate round-trip, each step
//! re-read through the connector and re-planned to prove it is idempotent.

use super::Factory;
use esnctl::connectors::UserSet;
use esnctl::core::model::User;
use esnctl::core::plan::{diff_users, Action, UserPlan, DEACTIVATED_BY_ESNCTL};
use esnctl::core::progress::NoProgress;
use esnctl::error::{Error, Kind};

/// Hostile but valid users.
pub fn hostile_users() -> Vec<User> {
    let mk = |key: &str, display: &str, given: &str, family: &str| {
        let mut u = User::new(key);
        u.email = Some(format!(
            "{}@conformance.example",
            key.replace(['\'', ' '], "")
        ));
        u.display_name = Some(display.into());
        u.given_name = Some(given.into());
        u.family_name = Some(family.into());
        u.title = Some(format!("Title of {display}"));
        u.department = Some("Département R&D «α»".into());
        u.external_id = Some(format!("ext-{key}"));
        u
    };
    let mut users = vec![
        mk("conf-lea", "Léa Müller-Ægir", "Léa", "Müller-Ægir"),
        mk("conf-yamada", "山田 明子", "明子", "山田"),
        mk("conf-emoji", "Party 🎉 Person 👩🏽‍💻", "🎉", "👩🏽‍💻"),
        mk(
            "conf-obrien",
            "Seán O'Brien \"The Boss\"",
            "Seán",
            "O'Brien",
        ),
        mk(
            "conf-long",
            &"x".repeat(255),
            &"é".repeat(255),
            &"山".repeat(255),
        ),
    ];
    users[1].manager = Some("conf-lea".into());
    users
}

fn read(set: esnctl::error::Result<UserSet>) -> Vec<User> {
    match set {
        Ok(s) => s.users,
        // A destination that does not exist yet (a new bundle) has no users.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<Error>()
                    .is_some_and(|e| e.kind == Kind::NotFound)
            }) =>
        {
            Vec::new()
        }
        Err(e) => panic!("read_users failed: {e:#}"),
    }
}

/// Plans `desired` against the destination, applies it, and checks a re-plan is empty.
async fn sync(factory: Factory<'_>, desired: &[User]) -> UserPlan {
    let conn = factory();
    let actual = read(
        conn.as_read_users()
            .expect("users write implies read")
            .read_users(&NoProgress)
            .await,
    );
    let writer = conn.as_write_users().unwrap();
    let stored = writer.stored_fields();
    let plan = diff_users(desired, &[], &actual, &|f| stored.stores(f));
    let results = writer
        .apply_users(&plan.changes, &NoProgress)
        .await
        .expect("apply_users");
    assert_eq!(results.len(), plan.changes.len(), "one result per change");
    for (c, r) in plan.changes.iter().zip(&results) {
        assert!(r.is_ok(), "{} {}: {r:?}", c.action.as_str(), c.key);
    }
    let conn = factory();
    let after = read(conn.as_read_users().unwrap().read_users(&NoProgress).await);
    let again = diff_users(desired, &[], &after, &|f| stored.stores(f));
    assert!(
        again.changes.is_empty(),
        "not idempotent, re-plan: {:#?}",
        again.changes
    );
    plan
}

fn find<'a>(users: &'a [User], key: &str) -> &'a User {
    users
        .iter()
        .find(|u| u.key == key)
        .unwrap_or_else(|| panic!("{key} not listed"))
}

pub async fn run(factory: Factory<'_>) {
    if factory().as_write_users().is_none() {
        return;
    }
    let mut users = hostile_users();
    let plan = sync(factory, &users).await;
    assert_eq!(plan.count(Action::Create), users.len());

    // Every stored field survives byte for byte.
    let conn = factory();
    let stored = conn.as_write_users().unwrap().stored_fields();
    let listed = read(conn.as_read_users().unwrap().read_users(&NoProgress).await);
    for want in &users {
        let got = find(&listed, &want.key);
        for f in esnctl::core::model::USER_FIELDS
            .iter()
            .filter(|f| stored.stores(f))
        {
            assert_eq!(got.field(f), want.field(f), "{}: field {f}", want.key);
        }
        assert!(got.active);
    }

    // Update: new titles and emails, a cleared given name.
    users[0].title = Some("Nouvelle fonction — ‘quoted’".into());
    users[3].email = Some("sean.obrien@conformance.example".into());
    users[2].given_name = None;
    let plan = sync(factory, &users).await;
    // One user per edited field: only the fields the destination stores make an update.
    let updates = ["title", "email", "given_name"]
        .into_iter()
        .filter(|f| stored.stores(f))
        .count();
    assert_eq!(plan.count(Action::Update), updates, "{:#?}", plan.changes);

    // Deactivate (never delete) the one who left, then bring them back.
    let gone = users.remove(4);
    let plan = sync(factory, &users).await;
    assert_eq!(plan.count(Action::Deactivate), 1);
    let conn = factory();
    let listed = read(conn.as_read_users().unwrap().read_users(&NoProgress).await);
    let off = find(&listed, &gone.key);
    assert!(!off.active);
    assert_eq!(
        off.deactivated_by.as_deref(),
        Some(DEACTIVATED_BY_ESNCTL),
        "deactivation must be recorded"
    );
    users.push(gone);
    let plan = sync(factory, &users).await;
    assert_eq!(plan.count(Action::Reactivate), 1);
}
