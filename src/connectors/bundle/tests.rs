use super::*;
use crate::core::model::{Community, Membership, Post, Reaction};
use crate::core::plan::{Action, UserChange, DEACTIVATED_BY_ESNCTL};
use crate::core::progress::NoProgress;
use crate::error::{exit_code_of, ExitCode};
use futures::TryStreamExt;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn post(id: &str, author: &str) -> Post {
    Post {
        id: id.into(),
        community: "general".into(),
        author: author.into(),
        created_at: ts("2024-05-01T10:00:00Z"),
        edited_at: None,
        body: "Bonjour à tous 👋".into(),
        thread_root: None,
        parent: None,
        mentions: vec![],
        extra: Default::default(),
    }
}

fn small_bundle(dir: &Path) {
    let mut w = BundleWriter::create(dir).unwrap();
    w.write_user(&User::new("alice")).unwrap();
    w.write_user(&User::new("bob")).unwrap();
    w.write_community(&Community {
        key: "general".into(),
        name: "Général".into(),
        ..Default::default()
    })
    .unwrap();
    w.write_membership(&Membership {
        community: "general".into(),
        user: "alice".into(),
        joined_at: None,
    })
    .unwrap();
    w.write_post(&post("p1", "alice")).unwrap();
    w.write_reaction(&Reaction {
        post: "p1".into(),
        user: "bob".into(),
        emoji: "🎉".into(),
        created_at: None,
    })
    .unwrap();
    let (sha256, size) = w.put_attachment(&b"%PDF-1.4 fake"[..]).unwrap();
    w.write_attachment(&Attachment {
        id: "a1".into(),
        post: "p1".into(),
        name: "plan.pdf".into(),
        media_type: "application/pdf".into(),
        size,
        sha256,
    })
    .unwrap();
    let counts = w.finish().unwrap();
    assert_eq!((counts.users, counts.posts, counts.attachments), (2, 1, 1));
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

fn create(key: &str) -> UserChange {
    change(Action::Create, None, User::new(key))
}

async fn all_records(c: &BundleConnector) -> Vec<Located<Record>> {
    c.read_content().unwrap().try_collect().await.unwrap()
}

#[tokio::test]
async fn streams_content_in_dependency_order() {
    let dir = tempfile::tempdir().unwrap();
    small_bundle(dir.path());
    let c = BundleConnector::new(dir.path());
    let records = all_records(&c).await;
    let origins: Vec<_> = records.iter().map(|r| r.origin.as_str()).collect();
    assert_eq!(
        origins,
        [
            "users.jsonl:1",
            "users.jsonl:2",
            "communities.jsonl:1",
            "memberships.jsonl:1",
            "posts.jsonl:1",
            "reactions.jsonl:1",
            "attachments.jsonl:1"
        ]
    );
    let Record::Attachment(a) = &records[6].record else {
        panic!("not an attachment")
    };
    let mut bytes = Vec::new();
    c.open_attachment(a)
        .unwrap()
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes, b"%PDF-1.4 fake");
    assert_eq!(
        c.check().await.unwrap(),
        "bundle v1: 2 users, 1 communities, 1 posts"
    );
}

#[tokio::test]
async fn unfinished_writer_leaves_the_previous_bundle_untouched() {
    let dir = tempfile::tempdir().unwrap();
    small_bundle(dir.path());
    let before: Vec<_> = EntityFile::ALL
        .iter()
        .map(|f| std::fs::read(dir.path().join(f.file_name())).unwrap())
        .collect();
    let manifest = std::fs::read(dir.path().join(layout::MANIFEST)).unwrap();

    let mut w = BundleWriter::create(dir.path()).unwrap();
    w.write_user(&User::new("zoé")).unwrap();
    drop(w);

    let after: Vec<_> = EntityFile::ALL
        .iter()
        .map(|f| std::fs::read(dir.path().join(f.file_name())).unwrap())
        .collect();
    assert_eq!(before, after);
    assert_eq!(
        manifest,
        std::fs::read(dir.path().join(layout::MANIFEST)).unwrap()
    );
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[tokio::test]
async fn nothing_to_apply_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let c = BundleConnector::new(dir.path().join("ws"));
    assert!(c.apply_users(&[], &NoProgress).await.unwrap().is_empty());
    assert!(!dir.path().join("ws").exists());
}

#[tokio::test]
async fn missing_folder_is_a_runtime_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = BundleConnector::new(dir.path().join("absent"));
    let err = c.read_users(&NoProgress).await.unwrap_err();
    assert_eq!(exit_code_of(&err), ExitCode::Failure);
    assert!(err.to_string().contains("absent"), "{err}");
    assert!(c.read_content().is_err());
    assert!(c.check().await.is_err());
}

#[tokio::test]
async fn users_sync_creates_a_missing_destination_and_rewrites_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("ws");
    let c = BundleConnector::new(&dest);
    let mut alice = User::new("alice");
    alice.display_name = Some("Alice Dupré".into());
    let changes = [change(Action::Create, None, alice.clone()), create("bob")];
    let results = c.apply_users(&changes, &NoProgress).await.unwrap();
    assert_eq!(results, [Ok(()), Ok(())]);
    let manifest = layout::read_manifest(&dest).unwrap().unwrap();
    assert_eq!(manifest.counts.users, 2);

    // bob leaves, alice is renamed, carol arrives: order stays, carol is appended.
    let actual = c.read_users(&NoProgress).await.unwrap().users;
    let mut bob_gone = actual[1].clone();
    bob_gone.active = false;
    bob_gone.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.into());
    let mut renamed = actual[0].clone();
    renamed.key = "alice.dupre".into();
    let mut ghost = User::new("ghost");
    ghost.active = false;
    let changes = [
        change(Action::Update, Some(&actual[0]), renamed),
        change(Action::Deactivate, Some(&actual[1]), bob_gone),
        create("carol"),
        change(Action::Deactivate, Some(&User::new("ghost")), ghost),
    ];
    let results = c.apply_users(&changes, &NoProgress).await.unwrap();
    assert!(results[..3].iter().all(Result::is_ok), "{results:?}");
    assert!(results[3].as_ref().unwrap_err().contains("not found"));
    let users = c.read_users(&NoProgress).await.unwrap().users;
    let summary: Vec<_> = users.iter().map(|u| (u.key.as_str(), u.active)).collect();
    assert_eq!(
        summary,
        [("alice.dupre", true), ("bob", false), ("carol", true)]
    );
    let text = std::fs::read_to_string(dest.join("users.jsonl")).unwrap();
    assert!(text.contains("Alice Dupré"), "{text}");

    // Applying the same changes again changes nothing.
    let before = std::fs::read(dest.join("users.jsonl")).unwrap();
    let results = c.apply_users(&changes, &NoProgress).await.unwrap();
    assert!(results[..3].iter().all(Result::is_ok), "{results:?}");
    assert_eq!(before, std::fs::read(dest.join("users.jsonl")).unwrap());
}

#[tokio::test]
async fn apply_users_keeps_other_files_and_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    small_bundle(dir.path());
    let posts = std::fs::read(dir.path().join("posts.jsonl")).unwrap();
    let c = BundleConnector::new(dir.path());
    c.apply_users(&[create("carol")], &NoProgress)
        .await
        .unwrap();
    let m = layout::read_manifest(dir.path()).unwrap().unwrap();
    assert_eq!(
        (m.counts.users, m.counts.posts, m.counts.attachments),
        (3, 1, 1)
    );
    assert_eq!(
        posts,
        std::fs::read(dir.path().join("posts.jsonl")).unwrap()
    );
}

#[tokio::test]
async fn hand_made_bundle_without_manifest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.jsonl"),
        "{\"key\":\"a\"}\n{\"key\":\"A\"}\n{\"key\":\"b\",\"active\":false}\n",
    )
    .unwrap();
    let c = BundleConnector::new(dir.path());
    let set = c.read_users(&NoProgress).await.unwrap();
    assert_eq!(set.users.len(), 2);
    assert_eq!(set.warnings.len(), 1);
    assert_eq!(set.held[0].key, "A");
    assert!(
        set.warnings[0].starts_with("users.jsonl:2:"),
        "{:?}",
        set.warnings
    );
    assert_eq!(
        c.check().await.unwrap(),
        "bundle without manifest: 3 users, 0 communities, 0 posts"
    );
}

#[tokio::test]
async fn newer_bundle_is_refused_for_reading_and_writing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(layout::MANIFEST),
        r#"{"format":"esnctl-bundle","version":3}"#,
    )
    .unwrap();
    let c = BundleConnector::new(dir.path());
    for err in [
        c.read_users(&NoProgress).await.unwrap_err(),
        c.apply_users(&[create("c")], &NoProgress)
            .await
            .unwrap_err(),
        BundleWriter::create(dir.path()).err().unwrap(),
    ] {
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        assert!(err.to_string().contains("supports (version 1)"), "{err}");
    }
}

#[tokio::test]
async fn bad_line_in_users_fails_reading_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.jsonl"),
        "{\"key\":\"a\"}\n{\"key\":\"b\",\"mail\":\"b@x\"}\n",
    )
    .unwrap();
    let c = BundleConnector::new(dir.path());
    let err = c.read_users(&NoProgress).await.unwrap_err();
    assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
    assert!(
        err.to_string().contains("users.jsonl:2: field \"mail\""),
        "{err}"
    );
    // A write must not silently drop the unreadable line.
    assert!(c.apply_users(&[create("c")], &NoProgress).await.is_err());
}

#[test]
fn profile_settings_are_refused() {
    let mut ep = Endpoint::parse_uri("bundle:./ws").unwrap().unwrap();
    assert!(BundleConnector::open(&ep).is_ok());
    ep.settings.insert("pasword_env".into(), "X".into());
    let err = BundleConnector::open(&ep).err().unwrap();
    assert_eq!(exit_code_of(&err), ExitCode::Usage);
}
