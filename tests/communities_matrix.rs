//! `communities apply` and `communities list` against a real Synapse: spaces, members,
//! welcome posts, and an idempotent re-apply.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::*;
use serde_json::Value;

fn run(dir: &std::path::Path, srv: &synapse::Synapse, args: &[&str]) -> std::process::Output {
    esnctl(dir)
        .env("ESNCTL_MATRIX_TOKEN", &srv.admin_token)
        .env("ESNCTL_MATRIX_AS_TOKEN", &srv.as_token)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn manifest_applies_to_matrix_spaces_then_changes_nothing() {
    let srv = synapse::synapse("communities");
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let directory = format!("ldif:{}", root.join("examples/directory.ldif").display());
    let manifest = fixture("communities/small.toml");
    let manifest = manifest.to_str().unwrap();
    let uri = srv.uri();

    let out = run(
        dir.path(),
        srv,
        &["users", "sync", "--from", &directory, "--to", &uri, "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let apply = [
        "-o",
        "json",
        "communities",
        "apply",
        manifest,
        "--to",
        &uri,
        "--directory",
        &directory,
        "--yes",
    ];
    let out = run(dir.path(), srv, &apply);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json_stdout(&out);
    assert_eq!(plan["summary"]["create"], 3, "{plan}");
    assert_eq!(plan["summary"]["failed"], 0, "{plan}");

    let out = run(dir.path(), srv, &apply);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = json_stdout(&out);
    assert_eq!(
        again["changes"],
        serde_json::json!([]),
        "re-apply must change nothing: {again}"
    );

    let out = run(
        dir.path(),
        srv,
        &["-o", "json", "communities", "list", "--from", &uri],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = json_stdout(&out);
    let by_key = |k: &str| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == k)
            .unwrap_or_else(|| panic!("{k} not listed: {list}"))
            .clone()
    };
    assert_eq!(by_key("ventes")["name"], "Ventes — 山田 & co");
    assert_eq!(by_key("ventes")["parent"], "direction");
    assert_eq!(by_key("direction")["visibility"], "secret");
    assert!(by_key("ventes")["members"].as_u64().unwrap() >= 3, "{list}");
}
