//! `slack-export:` through the binary: counts, validation, users, zip vs folder, and the
//! safety cases (zip slip, corrupt zip, invalid JSON).

mod common;

use common::*;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    esnctl(dir).args(args).output().unwrap()
}

fn ep(path: &Path) -> String {
    format!("slack-export:{}", path.display())
}

fn stats_json(dir: &Path, source: &Path) -> serde_json::Value {
    content_stats(dir, &ep(source))
}

const EXPECTED: &str = r#"{"summary": {"users": 6, "communities": 5, "memberships": 14,
    "posts": 16, "replies": 4, "reactions": 7, "attachments": 1}}"#;

#[test]
fn folder_stats_have_exact_counts() {
    // 5 users + Slackbot (author of a tombstone, in no users file); 2 public channels,
    // 1 private, 1 DM, 1 group DM; system messages (a join, a topic change) are not posts.
    let dir = tempfile::tempdir().unwrap();
    let got = stats_json(dir.path(), &fixture("slack"));
    let want: serde_json::Value = serde_json::from_str(EXPECTED).unwrap();
    assert_eq!(got, want);
}

#[test]
fn zip_and_folder_give_the_same_counts_users_and_validation() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("export.zip");
    zip_folder(&fixture("slack"), &zip, "", &[]);
    assert_eq!(
        stats_json(dir.path(), &zip),
        stats_json(dir.path(), &fixture("slack"))
    );

    // An export unpacked and zipped again sits under one folder: read from inside it.
    let nested = dir.path().join("nested.zip");
    zip_folder(&fixture("slack"), &nested, "Mon export Slack/", &[]);
    assert_eq!(
        stats_json(dir.path(), &nested),
        stats_json(dir.path(), &zip)
    );

    let users = |p: &Path| {
        let out = run(
            dir.path(),
            &["-o", "json", "users", "list", "--from", &ep(p)],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        json_stdout(&out)
    };
    assert_eq!(users(&zip), users(&fixture("slack")));

    for source in [&zip, &fixture("slack")] {
        let out = run(
            dir.path(),
            &["-o", "json", "content", "validate", &ep(source)],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let report = json_stdout(&out);
        assert_eq!(report["problems"], serde_json::json!([]));
        assert_eq!(report["counts"]["attachments"], 1);
    }
}

#[test]
fn users_list_maps_slack_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "-o",
            "json",
            "users",
            "list",
            "--from",
            &ep(&fixture("slack")),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let users: Vec<serde_json::Value> = serde_json::from_value(json_stdout(&out)).unwrap();
    let keys: Vec<&str> = users.iter().map(|u| u["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["mdurand", "ayamada", "lnoel", "kim", "deploybot"]);
    let marie = find_user(&users, "mdurand");
    assert_eq!(marie["external_id"], "U01");
    assert_eq!(marie["email"], "marie.durand@example.com");
    assert_eq!(marie["display_name"], "Marie Durand");
    assert_eq!(marie["title"], "Directrice régionale");
    assert_eq!(marie["active"], true);
    let aiko = find_user(&users, "ayamada");
    assert_eq!(aiko["display_name"], "山田 愛子");
    assert_eq!(aiko["title"], "エンジニア");
    assert_eq!(find_user(&users, "lnoel")["active"], false);
    assert_eq!(find_user(&users, "lnoel")["display_name"], "Léo Noël");
    assert_eq!(
        find_user(&users, "deploybot")["email"],
        serde_json::Value::Null
    );
}

#[test]
fn config_check_describes_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["config", "check", &ep(&fixture("slack"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Slack export: 5 users, 5 channels, 18 messages"),
        "{text}"
    );
}

#[test]
fn zip_slip_entry_refuses_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("evil.zip");
    zip_folder(
        &fixture("slack"),
        &zip,
        "",
        &[("../../outside.json", b"[]")],
    );
    for cmd in [&["content", "stats"][..], &["content", "validate"][..]] {
        let mut args = cmd.to_vec();
        let e = ep(&zip);
        args.push(&e);
        let out = run(dir.path(), &args);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("../../outside.json") && err.contains("evil.zip"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(!dir.path().join("..").join("outside.json").exists());
}

#[test]
fn absolute_entry_refuses_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("abs.zip");
    zip_folder(
        &fixture("slack"),
        &zip,
        "",
        &[("/etc/esnctl-test.json", b"[]")],
    );
    let out = run(dir.path(), &["content", "stats", &ep(&zip)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("/etc/esnctl-test.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn corrupt_zip_is_invalid_data_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("broken.zip");
    zip_folder(&fixture("slack"), &zip, "", &[]);
    let bytes = std::fs::read(&zip).unwrap();
    std::fs::write(&zip, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(dir.path(), &["content", "stats", &ep(&zip)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("broken.zip"), "{}", stderr(&out));
}

#[test]
fn invalid_json_stops_with_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let export = copy_fixture("slack", dir.path());
    let day = export.join("random/2024-03-01.json");
    let text = std::fs::read_to_string(&day).unwrap();
    std::fs::write(
        &day,
        text.replacen("\"user\": \"U02\",", "\"user\": \"U02\"", 1),
    )
    .unwrap();
    for cmd in ["stats", "validate"] {
        let out = run(dir.path(), &["content", cmd, &ep(&export)]);
        assert_eq!(out.status.code(), Some(3), "{cmd}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("random/2024-03-01.json:4:"), "{cmd}: {err}");
        // Nothing reached stdout: the whole export is checked before any record.
        assert!(out.stdout.is_empty(), "{cmd}");
    }

    // The same damage inside a zip names the zip and the entry.
    let zip = dir.path().join("bad.zip");
    zip_folder(&export, &zip, "", &[]);
    let out = run(dir.path(), &["content", "stats", &ep(&zip)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad.zip!random/2024-03-01.json:4:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_message_is_named_by_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let export = copy_fixture("slack", dir.path());
    let day = export.join("D01/2024-03-06.json");
    let text = std::fs::read_to_string(&day).unwrap();
    std::fs::write(&day, text.replace("\"1709716100.000200\"", "\"yesterday\"")).unwrap();
    let out = run(dir.path(), &["content", "stats", &ep(&export)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("D01/2024-03-06.json: message 2: field \"ts\""),
        "{err}"
    );

    std::fs::write(&day, r#"[{"ts": "1709716000.000100", "text": 42}]"#).unwrap();
    let out = run(dir.path(), &["content", "stats", &ep(&export)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("message 1"), "{}", stderr(&out));
}

#[test]
fn stats_table_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["-o", "csv", "content", "stats", &ep(&fixture("slack"))],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "users,communities,memberships,posts,replies,reactions,attachments\n6,5,14,16,4,7,1\n"
    );
    let out = run(dir.path(), &["content", "stats", &ep(&fixture("slack"))]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("POSTS") && text.contains("16"), "{text}");
}

#[test]
fn stats_also_reads_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = format!("bundle:{}", fixture("content-bundle").display());
    let out = run(dir.path(), &["-o", "json", "content", "stats", &bundle]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = json_stdout(&out);
    assert_eq!(s["summary"]["posts"], 3);
    assert_eq!(s["summary"]["replies"], 1);
}

#[test]
fn missing_export_is_a_runtime_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["content", "stats", &ep(&dir.path().join("nowhere.zip"))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("nowhere.zip"));
}
