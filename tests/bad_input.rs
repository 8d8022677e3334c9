//! Bad input and usage errors: a one-line message naming the file, line and field, the
//! documented exit code, and nothing written.

mod common;

use common::*;

fn sync_from(dir: &std::path::Path, from: &str) -> std::process::Output {
    esnctl(dir)
        .args([
            "users",
            "sync",
            "--from",
            from,
            "--to",
            "bundle:ws",
            "--yes",
        ])
        .output()
        .unwrap()
}

fn assert_invalid(dir: &std::path::Path, from: &str, expect: &[&str]) {
    let out = sync_from(dir, from);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{from}: {err}");
    for piece in expect {
        assert!(err.contains(piece), "{from}: expected {piece:?} in {err:?}");
    }
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(!dir.join("ws").exists(), "{from}: nothing may be written");
}

#[test]
fn malformed_ldif_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = fixture("bad/invalid-base64.ldif");
    assert_invalid(
        dir.path(),
        &format!("ldif:{}", bad.display()),
        &["invalid-base64.ldif:6", "cn", "base64"],
    );
    let bad = fixture("bad/no-dn.ldif");
    assert_invalid(
        dir.path(),
        &format!("ldif:{}", bad.display()),
        &["no-dn.ldif:3", "dn"],
    );
}

#[test]
fn malformed_csv_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = |n: &str| format!("csv:{}", fixture(n).display());
    assert_invalid(
        dir.path(),
        &f("bad/bad-active.csv"),
        &["bad-active.csv:3", "active", "maybe"],
    );
    assert_invalid(
        dir.path(),
        &f("bad/wrong-columns.csv"),
        &["wrong-columns.csv:3"],
    );
    assert_invalid(
        dir.path(),
        &f("bad/unbalanced-quotes.csv"),
        &["unbalanced-quotes.csv"],
    );
}

#[test]
fn malformed_bundle_jsonl_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = fixture("bad/bundle-wrong-type");
    assert_invalid(
        dir.path(),
        &format!("bundle:{}", bad.display()),
        &["users.jsonl:2", "active"],
    );
}

#[test]
fn unknown_profile_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        "[endpoints.corp-dir]\nurl = \"ldif:d.ldif\"\n[endpoints.esn]\nurl = \"bundle:ws\"\n",
    )
    .unwrap();
    let out = sync_from(dir.path(), "corp-ldap");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown profile \"corp-ldap\"") && err.contains("corp-dir, esn"),
        "{err}"
    );
}

#[test]
fn unknown_scheme_lists_supported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = sync_from(dir.path(), "gopher:x");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("gopher:") && err.contains("ldif:") && err.contains("bundle:"),
        "{err}"
    );
}

#[test]
fn missing_capability_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args([
            "users",
            "sync",
            "--from",
            "bundle:ws",
            "--to",
            "ldif:out.ldif",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write users"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out.ldif").exists());
}

#[test]
fn bad_flag_values_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args([
            "users",
            "sync",
            "--from",
            "csv:a.csv",
            "--to",
            "bundle:ws",
            "--max-deactivations",
            "lots",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lots"), "{}", stderr(&out));
}

#[test]
fn missing_source_file_is_a_runtime_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = sync_from(dir.path(), "ldif:does-not-exist.ldif");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("does-not-exist.ldif"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_file_syntax_error_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("esnctl.toml"), "[endpoints.a]\nurl = \n").unwrap();
    let out = sync_from(dir.path(), "a");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("esnctl.toml:2"), "{}", stderr(&out));
}
