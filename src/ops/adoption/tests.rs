use super::*;
use crate::core::activity::{ActivityEvent, ActivityKind, ActivitySet, UserActivity};

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn options() -> AdoptionOptions {
    AdoptionOptions {
        since: t("2026-11-02T00:00:00Z"),
        until: t("2026-11-16T00:00:00Z"),
        sla_hours: 24.0,
        population: None,
        top: 10,
    }
}

fn user(key: &str, active: bool, seen: Option<&str>) -> UserActivity {
    UserActivity {
        key: key.into(),
        active,
        created_at: None,
        last_seen_at: seen.map(t),
    }
}

fn ev(
    user: &str,
    kind: ActivityKind,
    at: &str,
    id: &str,
    root: Option<&str>,
    body: Option<&str>,
) -> ActivityEvent {
    ActivityEvent {
        user: user.into(),
        community: Some("lyon".into()),
        kind,
        at: t(at),
        post_id: id.into(),
        thread_root: root.map(str::to_string),
        body: body.map(str::to_string),
    }
}

/// Five accounts: one inactive, one never seen, one seen before the window only, two
/// contributors; one question answered in time, one answered late, one by its own author.
fn sample() -> ActivitySet {
    use ActivityKind::*;
    ActivitySet {
        logins_known: true,
        users: vec![
            user("Alice", true, Some("2026-11-10T09:00:00Z")),
            user("bob", true, Some("2026-11-03T09:00:00Z")),
            user("carol", true, Some("2026-10-01T09:00:00Z")),
            user("dave", true, None),
            user("erin", false, Some("2026-11-05T09:00:00Z")),
        ],
        events: vec![
            ev(
                "alice",
                Post,
                "2026-11-03T10:00:00Z",
                "q1",
                None,
                Some("Who opens the Lyon store?"),
            ),
            ev("bob", Reply, "2026-11-03T12:00:00Z", "r1", Some("q1"), None),
            ev(
                "bob",
                Post,
                "2026-11-04T10:00:00Z",
                "q2",
                None,
                Some("会議はいつですか？"),
            ),
            ev("bob", Reply, "2026-11-04T11:00:00Z", "r2", Some("q2"), None),
            ev(
                "alice",
                Reply,
                "2026-11-07T10:00:00Z",
                "r3",
                Some("q2"),
                None,
            ),
            ev(
                "alice",
                Post,
                "2026-11-12T10:00:00Z",
                "p3",
                None,
                Some("Store opens at 9."),
            ),
            ev("bob", Reaction, "2026-11-12T11:00:00Z", "p3", None, None),
            ev(
                "carol",
                Post,
                "2026-10-20T10:00:00Z",
                "old",
                None,
                Some("Before the window?"),
            ),
        ],
        warnings: vec![],
    }
}

fn report(options: AdoptionOptions) -> AdoptionReport {
    let mut tally = Tally::new(options);
    tally.community("lyon", "Magasin de Lyon");
    for u in ["alice", "bob", "carol"] {
        tally.membership("lyon", u);
    }
    tally.activity_set(sample());
    tally.finish("test")
}

#[test]
fn counts_follow_the_contract_definitions() {
    let r = report(options());
    // provisioned = active accounts (erin is deactivated).
    assert_eq!(r.users.provisioned, 4);
    // activated = seen or acted once: alice, bob, carol (dave never).
    assert_eq!(r.users.activated, Some(3));
    // readers = seen within the window: alice, bob.
    assert_eq!(r.users.readers, Some(2));
    assert_eq!(r.users.contributors, Some(2));
    assert_eq!(r.rates.activation, Some(0.75));
    assert_eq!(r.rates.contributors, Some(0.5));
}

#[test]
fn questions_answered_late_or_only_by_their_author_are_unanswered() {
    let r = report(options());
    assert_eq!(r.questions, 2, "the October question is outside the window");
    let ids: Vec<&str> = r
        .unanswered_questions
        .iter()
        .map(|q| q.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["q2"],
        "bob answered his own question; alice answered after 72 h"
    );
    assert_eq!(r.unanswered_questions[0].age_hours, 72.0);
    assert_eq!(
        r.unanswered_questions[0].answered_at,
        Some(t("2026-11-07T10:00:00Z"))
    );
    assert_eq!(r.longest_wait_hours, Some(72.0));
}

#[test]
fn communities_weeks_and_top_contributors() {
    let r = report(options());
    let lyon = &r.communities[0];
    assert_eq!(
        (lyon.name.as_str(), lyon.members),
        ("Magasin de Lyon", Some(3))
    );
    assert_eq!(
        (lyon.posts, lyon.replies, lyon.reactions, lyon.contributors),
        (3, 3, 1, 2)
    );
    let weeks: Vec<String> = r.weekly.iter().map(|w| w.week.to_string()).collect();
    assert_eq!(weeks, ["2026-11-02", "2026-11-09", "2026-11-16"]);
    assert_eq!(r.weekly[0].contributors, 2);
    assert_eq!(r.weekly[1].posts, 1);
    // Ties on posts + replies are broken by reactions; display keys keep their case.
    let top: Vec<(&str, u64, u64)> = r
        .top_contributors
        .iter()
        .map(|c| (c.user.as_str(), c.posts + c.replies, c.reactions))
        .collect();
    assert_eq!(top, [("bob", 3, 1), ("Alice", 3, 0)]);
}

#[test]
fn unknown_sign_ins_are_null_not_zero() {
    let mut set = sample();
    set.logins_known = false;
    let mut tally = Tally::new(options());
    tally.activity_set(set);
    let r = tally.finish("export");
    assert_eq!(r.users.activated, None);
    assert_eq!(r.users.readers, None);
    assert_eq!(r.rates.readers, None);
    assert_eq!(r.users.contributors, Some(2));
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["users"]["activated"].is_null());
}

#[test]
fn a_population_restricts_every_figure() {
    let mut o = options();
    o.population = Some(["alice".to_string(), "dave".to_string()].into());
    let r = report(o);
    assert_eq!(r.users.provisioned, 2);
    assert_eq!(r.users.activated, Some(1));
    assert_eq!(r.users.contributors, Some(1));
    assert!(r.top_contributors.iter().all(|c| c.user == "Alice"));
}
