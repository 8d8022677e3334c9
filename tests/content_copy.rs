//! `content copy` between bundles: counts, ledger-based resume, filters, user map.

mod common;

use common::*;
use serde_json::json;

fn copy(dir: &std::path::Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let src = format!("bundle:{}", fixture("content-bundle").display());
    let out = esnctl(dir)
        .args([
            "-o",
            "json",
            "content",
            "copy",
            "--from",
            &src,
            "--to",
            "bundle:out",
            "--yes",
        ])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    (json_stdout(&out), code)
}

fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn copies_everything_once_then_skips_everything() {
    let dir = tempfile::tempdir().unwrap();
    let (report, code) = copy(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    let s = &report["summary"];
    assert_eq!(
        (
            &s["users"],
            &s["communities"],
            &s["posts"],
            &s["replies"],
            &s["reactions"],
            &s["attachments"]
        ),
        (
            &json!(3),
            &json!(2),
            &json!(2),
            &json!(1),
            &json!(1),
            &json!(1)
        ),
        "{report}"
    );
    assert_eq!(s["skipped"], 0);
    // The copy is a valid bundle with the same bytes (accents, CJK, emoji, attachment).
    esnctl(dir.path())
        .args(["content", "validate", "bundle:out"])
        .assert()
        .success();
    let posts = lines(&dir.path().join("out/posts.jsonl"));
    assert_eq!(posts[1]["body"], "はい、参加します @mdurand");
    assert_eq!(posts[0]["created_at"], "2026-03-02T09:15:00.123Z");
    let md = std::fs::read_to_string(dir.path().join("out.migration-report.md")).unwrap();
    // It names people: readable by its owner only.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(dir.path().join("out.migration-report.md"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        md.contains("| posts | 2 |") && md.contains("| region-est | 2 | 1 | 1 |"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("out.migration-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["communities"]["store-042"]["posts"], 1);
    let state = dir.path().join("out.esnctl-state.db");
    assert!(state.is_file(), "the ledger lives beside the destination");

    let (again, code) = copy(dir.path(), &[]);
    assert_eq!(code, 0);
    // Users are not "skipped" but recognised: the destination has their accounts now.
    assert_eq!(again["summary"]["skipped"], 10, "{again}");
    assert_eq!(again["summary"]["users"], 0);
    assert_eq!(again["summary"]["posts"], 0);
    assert_eq!(
        lines(&dir.path().join("out/posts.jsonl")).len(),
        3,
        "nothing copied twice"
    );
}

#[test]
fn dry_run_counts_without_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let (report, code) = copy(dir.path(), &["--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["summary"]["posts"], 2);
    assert!(!dir.path().join("out").exists());
    assert!(!dir.path().join("out.esnctl-state.db").exists());
}

#[test]
fn community_and_date_filters_keep_threads_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (report, code) = copy(dir.path(), &["--community", "Magasin 042 — Nancy"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["communities"], 1);
    assert_eq!(report["summary"]["posts"], 1);
    assert_eq!(
        report["summary"]["reactions"], 0,
        "the reaction was on a post left out"
    );
    assert_eq!(report["summary"]["attachments"], 1);

    let dir = tempfile::tempdir().unwrap();
    // The thread's first post is before --since: its reply is left out, and reported.
    let (report, _) = copy(dir.path(), &["--since", "2026-03-02T09:16:00Z"]);
    assert_eq!(report["summary"]["posts"], 1, "{report}");
    assert_eq!(report["summary"]["replies"], 0);
    assert_eq!(report["left_out"][0]["id"], "p2");
    let md = std::fs::read_to_string(dir.path().join("out.migration-report.md")).unwrap();
    assert!(
        md.contains("## Left out") && md.contains("`p2` (posts.jsonl:2)"),
        "{md}"
    );
}

#[test]
fn user_map_and_placeholder_rewrite_authors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("map.csv"),
        "source,target\nmdurand,marie.durand\n",
    )
    .unwrap();
    let (report, code) = copy(dir.path(), &["--user-map", "map.csv"]);
    assert_eq!(code, 0, "{report}");
    let posts = lines(&dir.path().join("out/posts.jsonl"));
    assert_eq!(posts[0]["author"], "marie.durand");
    assert_eq!(posts[1]["author"], "former-employee");
    assert_eq!(posts[1]["mentions"], json!(["marie.durand"]));
    let users = lines(&dir.path().join("out/users.jsonl"));
    assert_eq!(
        users.len(),
        1,
        "only the placeholder account is created: {users:?}"
    );
    assert_eq!(users[0]["key"], "former-employee");
    assert_eq!(users[0]["active"], false);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("map.csv"), "source,target\nmdurand,\n").unwrap();
    let out = esnctl(dir.path())
        .args([
            "content",
            "copy",
            "--from",
            "bundle:x",
            "--to",
            "bundle:out",
            "--yes",
        ])
        .args(["--user-map", "map.csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "an empty target is invalid input"
    );
    assert!(
        stderr(&out).contains("map.csv:2: field \"target\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_destination_without_content_capability_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args([
            "content",
            "copy",
            "--from",
            "bundle:x",
            "--to",
            "csv:out.csv",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write content"),
        "{}",
        stderr(&out)
    );
}
