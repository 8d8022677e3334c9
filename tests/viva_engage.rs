//! `viva-engage-export:` through the binary: exact counts (folder and zip), what a copy to
//! a bundle carries (threads, mentions, links, files, private conversations, Unicode),
//! and the bad-input cases (bad row, zip slip, corrupt zip, missing file, bad quotes).

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    esnctl(dir).args(args).output().unwrap()
}

fn ep(path: &Path) -> String {
    format!("viva-engage-export:{}", path.display())
}

fn stats(dir: &Path, source: &Path) -> serde_json::Value {
    content_stats(dir, &ep(source))
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn by_id<'a>(items: &'a [serde_json::Value], key: &str, id: &str) -> &'a serde_json::Value {
    items
        .iter()
        .find(|v| v[key] == id)
        .unwrap_or_else(|| panic!("{id} not in {items:#?}"))
}

// 5 users + a placeholder for sender 99; 2 groups, All Company, 1 private conversation
// (2 members); 12 messages of which 2 deleted; 3 replies (111's starter is deleted, so it
// becomes a root); file 500 is in the export, 501 is not.
const EXPECTED: &str = r#"{"summary": {"users": 6, "communities": 4, "memberships": 2,
    "posts": 10, "replies": 3, "reactions": 0, "attachments": 1}}"#;

#[test]
fn folder_and_zip_give_the_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let want: serde_json::Value = serde_json::from_str(EXPECTED).unwrap();
    assert_eq!(stats(dir.path(), &fixture("viva-engage")), want);
    // The zip Microsoft delivers may hold the export under one folder.
    let zip = dir.path().join("export.zip");
    zip_folder(&fixture("viva-engage"), &zip, "export-2024/", &[]);
    assert_eq!(stats(dir.path(), &zip), want);
    let out = run(dir.path(), &["content", "validate", &ep(&zip)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn copy_to_bundle_keeps_threads_mentions_files_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("out");
    let to = format!("bundle:{}", bundle.display());
    let src = ep(&fixture("viva-engage"));
    let out = run(
        dir.path(),
        &[
            "--yes", "-o", "json", "content", "copy", "--from", &src, "--to", &to,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = &json_stdout(&out)["summary"];
    for (k, v) in [
        ("users", 6),
        ("communities", 4),
        ("memberships", 2),
        ("posts", 7),
        ("replies", 3),
        ("attachments", 1),
        ("failed", 0),
    ] {
        assert_eq!(summary[k], v, "{k} in {summary}");
    }
    let err = stderr(&out);
    assert!(
        err.contains("2 deleted message(s) left out") && err.contains("id 104"),
        "{err}"
    );

    let posts = jsonl(&bundle.join("posts.jsonl"));
    assert!(
        posts.iter().all(|p| p["id"] != "104" && p["id"] != "110"),
        "deleted kept"
    );
    let reply = by_id(&posts, "id", "101");
    assert_eq!(reply["thread_root"], "100");
    assert_eq!(reply["parent"], "100");
    assert_eq!(reply["mentions"], serde_json::json!(["marie.durand"]));
    assert_eq!(
        reply["body"],
        "Merci @marie.durand, c'est \"parfait\"\nsur deux lignes"
    );
    assert_eq!(by_id(&posts, "id", "102")["parent"], "101");
    let orphan = by_id(&posts, "id", "111");
    assert!(orphan["thread_root"].is_null());
    assert_eq!(orphan["extra"]["thread_root_missing"], "110");
    assert_eq!(
        by_id(&posts, "id", "103")["body"],
        "Lien utile\n\n[Guide, été \\[2024\\]](https://example.com/été)"
    );
    assert_eq!(
        by_id(&posts, "id", "105")["body"],
        "東京からこんにちは @kim"
    );
    assert_eq!(
        by_id(&posts, "id", "105")["extra"]["missing_files"],
        "[\"写真.png\"]"
    );
    assert_eq!(by_id(&posts, "id", "112")["author"], "yammer-99");
    // Time order within a community although Messages.csv is not sorted.
    let ete: Vec<&str> = posts
        .iter()
        .filter(|p| p["community"] == "équipe-été")
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ete, ["103", "100", "101", "102", "112"]);

    let communities = jsonl(&bundle.join("communities.jsonl"));
    let dm = by_id(&communities, "key", "dm-marie.durand--yamada");
    assert_eq!(dm["visibility"], "secret");
    assert_eq!(dm["extra"]["kind"], "dm");
    assert_eq!(
        by_id(&communities, "key", "東京-オフィス")["visibility"],
        "private"
    );
    let users = bundle_users(&bundle);
    assert_eq!(find_user(&users, "yamada")["display_name"], "山田 太郎");
    assert_eq!(find_user(&users, "kim")["display_name"], "Kim 🎉 Party");
    assert_eq!(find_user(&users, "old")["active"], false);

    let atts = jsonl(&bundle.join("attachments.jsonl"));
    assert_eq!(atts.len(), 1);
    let bytes = std::fs::read(fixture("viva-engage/files/500.txt")).unwrap();
    assert_eq!(atts[0]["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(atts[0]["name"], "plan été 2024.txt");
    assert_eq!(atts[0]["post"], "100");
}

/// A copy of the fixture with one file replaced.
fn broken(dir: &Path, file: &str, content: &str) -> PathBuf {
    let copy = copy_fixture("viva-engage", dir);
    std::fs::write(copy.join(file), content).unwrap();
    copy
}

fn assert_invalid(dir: &Path, source: &Path, needles: &[&str]) {
    let out = run(dir, &["content", "stats", &ep(source)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

const HEADER: &str = "id,replied_to_id,thread_id,group_id,participants,in_private_conversation,sender_id,body,attachments,created_at,deleted_at\n";

#[test]
fn a_bad_row_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let src = broken(
        dir.path(),
        "Messages.csv",
        &format!("{HEADER}1,,1,10,,false,1,ok,,2024-01-01 00:00:00 UTC,\n2,,2,10,,false,1,x,,le 3 mars,\n"),
    );
    assert_invalid(
        dir.path(),
        &src,
        &["Messages.csv:3", "created_at", "le 3 mars"],
    );
    let src = broken(
        dir.path(),
        "Messages.csv",
        &format!("{HEADER}1,,1,10,,false,,ok,,2024-01-01 00:00:00 UTC,\n"),
    );
    assert_invalid(dir.path(), &src, &["Messages.csv:2", "sender_id"]);
}

#[test]
fn unbalanced_quotes_and_missing_files_are_invalid_data() {
    let dir = tempfile::tempdir().unwrap();
    let src = broken(
        dir.path(),
        "Messages.csv",
        &format!("{HEADER}1,,1,10,,false,1,\"open,,2024-01-01 00:00:00 UTC,\n2,,2,10,,false,1,x,,2024-01-01 00:00:00 UTC,\n"),
    );
    assert_invalid(
        dir.path(),
        &src,
        &["Messages.csv:2", "fields where the header has 11"],
    );
    // Opened in the last column, the quote swallows every later row without changing
    // the field count: only the quote check sees it.
    let src = broken(
        dir.path(),
        "Messages.csv",
        &format!("{HEADER}1,,1,10,,false,1,ok,,2024-01-01 00:00:00 UTC,\"\n2,,2,10,,false,1,x,,2024-01-01 00:00:00 UTC,\n"),
    );
    assert_invalid(dir.path(), &src, &["Messages.csv:2", "unbalanced quotes"]);
    let copy = dir.path().join("nomessages");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(fixture("viva-engage/Users.csv"), copy.join("Users.csv")).unwrap();
    assert_invalid(dir.path(), &copy, &["Messages.csv is missing"]);
    // A Files.csv path that leaves the export is refused, not followed.
    let src = broken(
        dir.path(),
        "Files.csv",
        "file_id,name,path\n500,x,../../etc/passwd\n",
    );
    assert_invalid(dir.path(), &src, &["Files.csv:2", "path"]);
}

#[test]
fn zip_slip_and_corrupt_zips_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("slip.zip");
    zip_folder(&fixture("viva-engage"), &zip, "", &[("../evil.txt", b"x")]);
    assert_invalid(dir.path(), &zip, &["../evil.txt", "refusing"]);
    let bad = dir.path().join("corrupt.zip");
    std::fs::write(&bad, b"PK\x03\x04 not really a zip").unwrap();
    assert_invalid(dir.path(), &bad, &["not a readable zip"]);
}
