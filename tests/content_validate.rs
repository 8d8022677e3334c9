//! `content validate` on bundles: clean, dangling reference, checksum mismatch.

mod common;

use common::*;

fn validate(dir: &std::path::Path, bundle: &std::path::Path, json: bool) -> std::process::Output {
    let mut cmd = esnctl(dir);
    if json {
        cmd.args(["-o", "json"]);
    }
    cmd.args(["content", "validate"])
        .arg(format!("bundle:{}", bundle.display()))
        .output()
        .unwrap()
}

#[test]
fn clean_bundle_passes_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = validate(dir.path(), &fixture("content-bundle"), true);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["counts"]["posts"], 3);
    assert_eq!(report["counts"]["replies"], 1);
    assert_eq!(report["counts"]["attachments"], 1);
    assert_eq!(report["problems"], serde_json::json!([]));
}

#[test]
fn dangling_author_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = copy_fixture("content-bundle", dir.path());
    let posts = std::fs::read_to_string(bundle.join("posts.jsonl")).unwrap();
    std::fs::write(
        bundle.join("posts.jsonl"),
        posts.replace("\"author\": \"lnoel\"", "\"author\": \"ghost\""),
    )
    .unwrap();
    let out = validate(dir.path(), &bundle, false);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("posts.jsonl:3") && text.contains("author") && text.contains("ghost"),
        "{text}"
    );
}

#[test]
fn checksum_mismatch_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = copy_fixture("content-bundle", dir.path());
    let file = std::fs::read_dir(bundle.join("attachments"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&file, bytes).unwrap();
    let out = validate(dir.path(), &bundle, true);
    assert_eq!(out.status.code(), Some(3));
    let report = json_stdout(&out);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(problems[0]["origin"], "attachments.jsonl:1");
    assert_eq!(problems[0]["field"], "sha256");
    let message = problems[0]["message"].as_str().unwrap();
    assert!(message.contains("checksum mismatch"), "{report}");
}

#[test]
fn a_source_without_content_capability_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args(["content", "validate", "csv:users.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
