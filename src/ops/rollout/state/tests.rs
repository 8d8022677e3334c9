use super::*;
use crate::error::{exit_code_of, ExitCode};

fn transition(kind: &str, to: Option<&str>) -> Transition {
    Transition {
        kind: kind.into(),
        from: None,
        to: to.map(str::to_string),
        at: Timestamp::now(),
        forced: false,
        reason: None,
        actor: Some("léa".into()),
        gate: None,
    }
}

#[test]
fn advance_records_users_and_transition_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.state.sqlite");
    let mut s = State::open(&path, "company").unwrap();
    let snap = s.snapshot().unwrap();
    assert_eq!((snap.phase, snap.status), (None, Status::Active));
    let at: Timestamp = "2026-01-05T09:00:00Z".parse().unwrap();
    let users = vec![("Léa".to_string(), "create".to_string())];
    s.record_advance(
        0,
        "pilot",
        at,
        &users,
        &transition("advance", Some("pilot")),
    )
    .unwrap();
    // A stale revision (another run advanced meanwhile) is refused, nothing written.
    let err = s
        .record_advance(0, "wave", at, &[], &transition("advance", Some("wave")))
        .unwrap_err();
    assert!(err.to_string().contains("changed while"), "{err}");
    let users2 = vec![("léa".to_string(), "unchanged".to_string())];
    s.record_advance(1, "wave", at, &users2, &transition("advance", Some("wave")))
        .unwrap();
    drop(s);

    let s = State::open_existing(&path, "company").unwrap().unwrap();
    let snap = s.snapshot().unwrap();
    assert_eq!(snap.phase.as_deref(), Some("wave"));
    assert_eq!(snap.phase_started_at, Some(at));
    let users = s.users().unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].key.as_str(), users[0].phase.as_str()),
        ("Léa", "pilot")
    );
    let t = s.transitions().unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].actor.as_deref(), Some("léa"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn another_rollout_or_foreign_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.state.sqlite");
    State::open(&path, "a").unwrap();
    let err = State::open(&path, "b").err().unwrap();
    assert_eq!(exit_code_of(&err), ExitCode::Usage);
    assert!(
        err.to_string().contains("belongs to rollout \"a\""),
        "{err}"
    );
    assert!(State::open_existing(&path, "b").is_err());

    let copy = dir.path().join("copy.db");
    crate::core::ledger::Ledger::open(&copy, "x", "y").unwrap();
    let err = State::open(&copy, "a").err().unwrap();
    assert!(
        err.to_string().contains("not an esnctl rollout state"),
        "{err}"
    );
    assert!(State::open_existing(&dir.path().join("none"), "a")
        .unwrap()
        .is_none());
}

#[test]
fn status_changes_and_welcome_posts_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    let mut s = State::open(&path, "r").unwrap();
    s.record_status(0, Status::Paused, &transition("pause", None))
        .unwrap();
    assert_eq!(s.snapshot().unwrap().status, Status::Paused);
    assert_eq!(s.welcome_posted("pilot", "Welcome").unwrap(), None);
    s.record_welcome("pilot", "Welcome", "rollout-r-pilot-welcome", "$ev")
        .unwrap();
    assert_eq!(
        s.welcome_posted("pilot", "welcome").unwrap().as_deref(),
        Some("$ev")
    );
}
