use super::*;
use crate::connectors::bundle::{BundleConnector, BundleWriter, EntityFile};
use crate::core::model::Visibility;
use crate::core::progress::NoProgress;
use futures::TryStreamExt;
use std::path::Path;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn user(key: &str, name: &str) -> User {
    let mut u = User::new(key);
    u.display_name = Some(name.into());
    u
}

fn community(key: &str, parent: Option<&str>) -> Community {
    Community {
        key: key.into(),
        name: key.to_uppercase(),
        parent: parent.map(Into::into),
        ..Default::default()
    }
}

fn post(id: &str, community: &str, author: &str, root: Option<&str>, body: &str) -> Post {
    Post {
        id: id.into(),
        community: community.into(),
        author: author.into(),
        created_at: ts("2024-03-01T09:30:00Z"),
        edited_at: None,
        body: body.into(),
        thread_root: root.map(Into::into),
        parent: root.map(Into::into),
        mentions: vec![],
        extra: Default::default(),
    }
}

/// A small, valid bundle with text in several scripts; returns the attachment bytes'
/// digest.
fn clean_bundle(dir: &Path) -> String {
    let mut w = BundleWriter::create(dir).unwrap();
    let mut zoe = user("zoé.lefèvre", "Zoé Lefèvre");
    zoe.department = Some("Ressources humaines".into());
    zoe.extra.insert("site".into(), "Besançon".into());
    w.write_user(&zoe).unwrap();
    w.write_user(&user("yamada", "山田 太郎")).unwrap();
    w.write_user(&user("kim", "김민준 🚀")).unwrap();
    w.write_community(&community("région-est", None)).unwrap();
    let mut store = community("magasin-042", Some("région-est"));
    store.visibility = Visibility::Private;
    store.owners = vec!["Zoé.Lefèvre".into()];
    store.description = Some("Équipe du magasin — 東京 🏬".into());
    w.write_community(&store).unwrap();
    w.write_membership(&Membership {
        community: "magasin-042".into(),
        user: "yamada".into(),
        joined_at: Some(ts("2024-01-02T03:04:05Z")),
    })
    .unwrap();
    let mut root = post(
        "p1",
        "magasin-042",
        "zoé.lefèvre",
        None,
        "Où est le café ? ☕",
    );
    root.mentions = vec!["kim".into()];
    w.write_post(&root).unwrap();
    w.write_post(&post(
        "p2",
        "magasin-042",
        "yamada",
        Some("p1"),
        "こんにちは 👋 \"quoted\"\n2nd line",
    ))
    .unwrap();
    let mut nested = post("p3", "magasin-042", "kim", Some("p1"), "감사합니다");
    nested.parent = Some("p2".into());
    w.write_post(&nested).unwrap();
    w.write_reaction(&Reaction {
        post: "p1".into(),
        user: "kim".into(),
        emoji: "👍🏽".into(),
        created_at: None,
    })
    .unwrap();
    let bytes = "Compte rendu — réunion 会議 🗒️".as_bytes();
    let (sha256, size) = w.put_attachment(bytes).unwrap();
    w.write_attachment(&Attachment {
        id: "a1".into(),
        post: "p1".into(),
        name: "compte-rendu-été.txt".into(),
        media_type: "text/plain; charset=utf-8".into(),
        size,
        sha256: sha256.clone(),
    })
    .unwrap();
    w.finish().unwrap();
    sha256
}

async fn validate_dir(dir: &Path) -> ValidationReport {
    validate(&BundleConnector::new(dir), &NoProgress)
        .await
        .unwrap()
}

fn append_line(dir: &Path, file: EntityFile, line: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join(file.file_name()))
        .unwrap();
    writeln!(f, "{line}").unwrap();
}

fn only_problem(report: &ValidationReport) -> &Problem {
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    &report.problems[0]
}

#[tokio::test]
async fn clean_unicode_bundle_validates_and_round_trips_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    clean_bundle(dir.path());
    let report = validate_dir(dir.path()).await;
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(
        report.counts,
        Counts {
            users: 3,
            communities: 2,
            memberships: 1,
            posts: 3,
            replies: 2,
            reactions: 1,
            attachments: 1
        }
    );

    // Non-ASCII text is stored as UTF-8, not as \u escapes.
    let users = std::fs::read_to_string(dir.path().join("users.jsonl")).unwrap();
    assert!(
        users.contains("\"Zoé Lefèvre\"") && users.contains("山田 太郎"),
        "{users}"
    );
    assert!(!users.contains("\\u"), "{users}");

    // Reading everything back and writing it again gives identical files.
    let source = BundleConnector::new(dir.path());
    let records: Vec<_> = source.read_content().unwrap().try_collect().await.unwrap();
    let copy = tempfile::tempdir().unwrap();
    let mut w = BundleWriter::create(copy.path()).unwrap();
    for r in &records {
        w.write_record(&r.record).unwrap();
        if let Record::Attachment(a) = &r.record {
            let bytes = source.open_attachment(a).unwrap().unwrap();
            assert_eq!(w.put_attachment(bytes).unwrap(), (a.sha256.clone(), a.size));
        }
    }
    w.finish().unwrap();
    for file in EntityFile::ALL {
        let name = file.file_name();
        assert_eq!(
            std::fs::read(dir.path().join(name)).unwrap(),
            std::fs::read(copy.path().join(name)).unwrap(),
            "{name} differs"
        );
    }
    assert!(validate_dir(copy.path()).await.is_clean());
}

#[tokio::test]
async fn dangling_author_is_reported_with_its_origin() {
    let dir = tempfile::tempdir().unwrap();
    clean_bundle(dir.path());
    append_line(
        dir.path(),
        EntityFile::Posts,
        r#"{"id":"p9","community":"magasin-042","author":"nobody","created_at":"2024-03-02T00:00:00Z","body":"?"}"#,
    );
    let report = validate_dir(dir.path()).await;
    let p = only_problem(&report);
    assert_eq!(
        (p.origin.as_str(), p.field.as_str(), p.message.as_str()),
        ("posts.jsonl:4", "author", "unknown user \"nobody\"")
    );
}

#[tokio::test]
async fn altered_attachment_bytes_are_a_checksum_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let sha = clean_bundle(dir.path());
    let path = dir.path().join("attachments").join(&sha);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
    let report = validate_dir(dir.path()).await;
    let p = only_problem(&report);
    assert_eq!(
        (p.origin.as_str(), p.field.as_str()),
        ("attachments.jsonl:1", "sha256")
    );
    assert!(p.message.contains("checksum mismatch"), "{}", p.message);

    std::fs::write(&path, b"short").unwrap();
    let report = validate_dir(dir.path()).await;
    let fields: Vec<_> = report.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["size", "sha256"]);
}

#[tokio::test]
async fn missing_attachment_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let sha = clean_bundle(dir.path());
    std::fs::remove_file(dir.path().join("attachments").join(&sha)).unwrap();
    let report = validate_dir(dir.path()).await;
    let p = only_problem(&report);
    assert_eq!(p.field, "sha256");
    assert!(p.message.starts_with("file missing"), "{}", p.message);
}

#[tokio::test]
async fn community_parent_cycle_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = BundleWriter::create(dir.path()).unwrap();
    w.write_community(&community("a", Some("c"))).unwrap();
    w.write_community(&community("b", Some("a"))).unwrap();
    w.write_community(&community("c", Some("b"))).unwrap();
    w.write_community(&community("leaf", Some("a"))).unwrap();
    w.write_community(&community("self", Some("self"))).unwrap();
    w.write_community(&community("orphan", Some("gone")))
        .unwrap();
    w.finish().unwrap();
    let report = validate_dir(dir.path()).await;
    let got: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.origin.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("communities.jsonl:6", "unknown community \"gone\""),
            (
                "communities.jsonl:1",
                "communities form a parent cycle: a → c → b → a"
            ),
            (
                "communities.jsonl:5",
                "communities form a parent cycle: self → self"
            ),
        ]
    );
}

#[tokio::test]
async fn duplicates_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    clean_bundle(dir.path());
    append_line(dir.path(), EntityFile::Users, r#"{"key":"YAMADA"}"#);
    append_line(
        dir.path(),
        EntityFile::Posts,
        r#"{"id":"p2","community":"magasin-042","author":"kim","created_at":"2024-03-02T00:00:00Z","body":"again"}"#,
    );
    let report = validate_dir(dir.path()).await;
    let got: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.origin.as_str(), p.field.as_str()))
        .collect();
    assert_eq!(got, [("users.jsonl:4", "key"), ("posts.jsonl:4", "id")]);
    assert!(report.problems[1]
        .message
        .contains("duplicate post id \"p2\""));
}

#[tokio::test]
async fn thread_problems_and_forward_references() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = BundleWriter::create(dir.path()).unwrap();
    w.write_user(&User::new("u")).unwrap();
    w.write_community(&community("c1", None)).unwrap();
    w.write_community(&community("c2", None)).unwrap();
    // A reply listed before its root is fine; one whose root is a reply, one in another
    // community and ones pointing nowhere are not.
    w.write_post(&post("r1", "c1", "u", Some("root"), "early reply"))
        .unwrap();
    w.write_post(&post("root", "c1", "u", None, "root"))
        .unwrap();
    w.write_post(&post("r2", "c1", "u", Some("r1"), "root is a reply"))
        .unwrap();
    w.write_post(&post("r3", "c2", "u", Some("root"), "wrong community"))
        .unwrap();
    w.write_post(&post("r4", "c1", "u", Some("nowhere"), "dangling"))
        .unwrap();
    let mut r5 = post("r5", "c1", "u", Some("root"), "answers a lost reply");
    r5.parent = Some("lost".into());
    w.write_post(&r5).unwrap();
    let mut r6 = post("r6", "c1", "u", Some("root"), "answers r1");
    r6.parent = Some("r1".into());
    w.write_post(&r6).unwrap();
    w.finish().unwrap();
    let report = validate_dir(dir.path()).await;
    let got: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.origin.as_str(), p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "posts.jsonl:3",
                "thread_root",
                "thread root \"r1\" is itself a reply, not a root post"
            ),
            (
                "posts.jsonl:4",
                "thread_root",
                "post \"root\" is in community \"c1\", not \"c2\""
            ),
            ("posts.jsonl:5", "thread_root", "unknown post \"nowhere\""),
            ("posts.jsonl:6", "parent", "unknown post \"lost\""),
        ]
    );
    assert_eq!(report.counts.replies, 6);
}

#[tokio::test]
async fn unreadable_lines_become_problems_and_validation_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    clean_bundle(dir.path());
    append_line(dir.path(), EntityFile::Users, r#"{"key":"x","mail":"x@y"}"#);
    append_line(
        dir.path(),
        EntityFile::Reactions,
        r#"{"post":"p1","user":"ghost","emoji":"🎉"}"#,
    );
    let report = validate_dir(dir.path()).await;
    assert_eq!(report.problems.len(), 2, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert!(p.origin.ends_with("users.jsonl:4"), "{}", p.origin);
    assert_eq!(p.field, "mail");
    assert!(
        p.message.starts_with("unknown field `mail`"),
        "{}",
        p.message
    );
    assert_eq!(report.problems[1].origin, "reactions.jsonl:2");
    assert_eq!(report.problems[1].field, "user");
}

#[tokio::test]
async fn missing_bundle_is_an_error_not_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let source = BundleConnector::new(dir.path().join("absent"));
    assert!(validate(&source, &NoProgress).await.is_err());
}

#[test]
fn problems_beyond_the_cap_are_counted() {
    let source = BundleConnector::new("unused");
    let mut v = Validator::new(&source);
    for i in 0..MAX_PROBLEMS + 5 {
        v.problem("x:1", "f", format!("p{i}"));
    }
    assert_eq!(v.report.problems.len(), MAX_PROBLEMS);
    assert_eq!(v.report.total_problems(), MAX_PROBLEMS + 5);
}

#[test]
fn splits_located_messages() {
    assert_eq!(
        split_located_message("/a b/posts.jsonl:12: field \"x\": bad: really"),
        (
            "/a b/posts.jsonl:12".into(),
            "x".into(),
            "bad: really".into()
        )
    );
    assert_eq!(
        split_located_message("C:\\w\\u.jsonl:3: not valid JSON"),
        (
            "C:\\w\\u.jsonl:3".into(),
            String::new(),
            "not valid JSON".into()
        )
    );
    assert_eq!(
        split_located_message("something else"),
        (String::new(), String::new(), "something else".into())
    );
}
