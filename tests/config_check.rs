//! `config check`: every profile is resolved and opened; failures are reported per row.

mod common;

use common::*;

#[test]
fn checks_every_profile_and_reports_failures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.dir]\nurl = \"ldif:{}\"\n[endpoints.missing]\nurl = \"csv:nowhere.csv\"\n",
            fixture("people.ldif").display()
        ),
    )
    .unwrap();
    let out = esnctl(dir.path())
        .args(["-o", "json", "config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = json_stdout(&out);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["endpoint"], "dir");
    assert_eq!(rows[0]["ok"], true);
    assert!(
        rows[0]["detail"].as_str().unwrap().contains("10 people"),
        "{rows:?}"
    );
    assert_eq!(rows[1]["ok"], false);
    assert!(rows[1]["detail"].as_str().unwrap().contains("nowhere.csv"));

    let out = esnctl(dir.path())
        .args(["config", "check", "dir"])
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn unknown_profile_keys_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        "[endpoints.ws]\nurl = \"bundle:ws\"\npasword_env = \"X\"\n",
    )
    .unwrap();
    let out = esnctl(dir.path())
        .args(["config", "check", "ws"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pasword_env"));
}

#[test]
fn no_config_file_is_a_usage_error_saying_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("esnctl.toml"), "{}", stderr(&out));
}
