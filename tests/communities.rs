//! `communities apply|list` end to end against the bundle, with LDIF directories.

mod common;

use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn ldif(path: &Path) -> String {
    format!("ldif:{}", path.display())
}

/// `communities apply FILE --to bundle:ws --yes -o json` plus `extra`; (JSON, exit code).
fn apply(dir: &Path, manifest: &Path, extra: &[&str]) -> (Value, i32) {
    let out = esnctl(dir)
        .args(["-o", "json", "communities", "apply"])
        .arg(manifest)
        .args(["--to", "bundle:ws", "--yes"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    if out.stdout.is_empty() {
        return (json!({"stderr": stderr(&out)}), code);
    }
    (json_stdout(&out), code)
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn members_of(ws: &Path, community: &str) -> Vec<String> {
    let mut m: Vec<String> = jsonl(&ws.join("memberships.jsonl"))
        .into_iter()
        .filter(|m| m["community"] == community)
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect();
    m.sort();
    m
}

fn summary(v: &Value) -> [u64; 6] {
    let s = &v["summary"];
    [
        "create",
        "update",
        "deactivate",
        "reactivate",
        "unchanged",
        "failed",
    ]
    .map(|k| {
        s[k].as_u64()
            .unwrap_or_else(|| panic!("no summary.{k} in {v}"))
    })
}

/// Users sync of the retail directory, then the retail manifest, into `dir/ws`.
fn apply_retail(dir: &Path) -> (Value, i32) {
    let directory = ldif(&example("retail/directory.ldif"));
    esnctl(dir)
        .args([
            "users",
            "sync",
            "--from",
            &directory,
            "--to",
            "bundle:ws",
            "--yes",
        ])
        .assert()
        .success();
    apply(
        dir,
        &example("retail/communities.csv"),
        &["--directory", &directory],
    )
}

#[test]
fn retail_example_applies_in_one_run_then_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let (first, code) = apply_retail(dir.path());
    assert_eq!(code, 0, "{first}");
    // 1 head office + 5 regions + 250 stores + directors + idea box.
    assert_eq!(
        summary(&first),
        [258, 0, 0, 0, 0, 0],
        "{}",
        first["summary"]
    );
    assert_eq!(first["dry_run"], false);

    let communities = jsonl(&ws.join("communities.jsonl"));
    assert_eq!(communities.len(), 258);
    let store = communities
        .iter()
        .find(|c| c["key"] == "store-042")
        .unwrap();
    assert_eq!(store["parent"], "region-nord");
    assert_eq!(store["visibility"], "private");
    assert_eq!(store["extra"]["tags"], "magasin region-nord");
    let regions: Vec<_> = communities
        .iter()
        .filter(|c| c["parent"] == "siege")
        .collect();
    assert_eq!(regions.len(), 5);
    // 12 at the head office, 5 × (manager + 50 directors), 250 × (director + deputy),
    // 250 directors (10 through a nested group) + the owner; the idea box is open.
    assert_eq!(
        jsonl(&ws.join("memberships.jsonl")).len(),
        12 + 255 + 500 + 251
    );
    let directors = members_of(&ws, "directeurs-magasins");
    assert_eq!(directors.len(), 251);
    assert!(directors.contains(&"aroussel".to_string()));
    assert!(members_of(&ws, "boite-a-idees").is_empty());

    let posts = jsonl(&ws.join("posts.jsonl"));
    assert_eq!(
        posts.len(),
        1 + 250 + 1 + 1,
        "one welcome post per community that has one"
    );
    let welcome = posts
        .iter()
        .find(|p| p["id"] == "welcome-boite-a-idees")
        .unwrap();
    assert_eq!(welcome["author"], "cbenali");
    assert_eq!(welcome["community"], "boite-a-idees");

    let (second, code) = apply(
        dir.path(),
        &example("retail/communities.csv"),
        &[
            "--directory",
            &ldif(&example("retail/directory.ldif")),
            "--detailed-exitcode",
        ],
    );
    assert_eq!(code, 0, "re-applying must change nothing: {second}");
    assert_eq!(summary(&second), [0, 0, 0, 0, 258, 0]);
    assert_eq!(second["changes"], json!([]));
    assert_eq!(jsonl(&ws.join("posts.jsonl")).len(), 253);

    // `list -o csv` is a manifest: applying it back changes nothing.
    let out = esnctl(dir.path())
        .args(["-o", "csv", "communities", "list", "--from", "bundle:ws"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = dir.path().join("listed.csv");
    std::fs::write(&listed, &out.stdout).unwrap();
    let (round, code) = apply(dir.path(), &listed, &["--detailed-exitcode"]);
    assert_eq!(code, 0, "{round}");
    assert_eq!(summary(&round), [0, 0, 0, 0, 258, 0]);

    let out = esnctl(dir.path())
        .args(["-o", "json", "communities", "list", "--from", "bundle:ws"])
        .output()
        .unwrap();
    let list = json_stdout(&out);
    let hq = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "siege")
        .unwrap();
    assert_eq!(hq["members"], 12);
    assert_eq!(hq["name"], "Siège — Maison Verdier");
    assert_eq!(hq["visibility"], "private");
    assert_eq!(hq["parent"], Value::Null);
}

#[test]
fn edited_manifest_yields_exactly_the_expected_updates() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    assert_eq!(apply_retail(dir.path()).1, 0);
    let text = std::fs::read_to_string(example("retail/communities.csv")).unwrap();
    let deputy_of_3 = members_of(&ws, "store-003")
        .into_iter()
        .find(|m| {
            jsonl(&ws.join("communities.jsonl"))
                .iter()
                .any(|c| c["key"] == "store-003" && c["owners"][0] != m.as_str())
        })
        .unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("store-001,") {
                l.replace("Magasin 001 — Lille 1", "Magasin 001 — Lille Centre 🛒")
            } else if l.starts_with("store-002,") {
                l.replace(",private,", ",public,")
            } else if l.starts_with("store-003,") {
                l.replace(&format!(" {deputy_of_3}"), "")
            } else {
                l.to_string()
            }
        })
        .chain(["store-251,Magasin 251 — Lyon,,private,siege,pverdier,pverdier,,,magasin".into()])
        .map(|l| l + "\n")
        .collect();
    let manifest = dir.path().join("edited.csv");
    std::fs::write(&manifest, edited).unwrap();

    let (plan, code) = apply(
        dir.path(),
        &manifest,
        &[
            "--directory",
            &ldif(&example("retail/directory.ldif")),
            "--detailed-exitcode",
        ],
    );
    assert_eq!(code, 10, "{plan}");
    assert_eq!(summary(&plan), [1, 3, 0, 0, 255, 0], "{}", plan["summary"]);
    let change = |key: &str| {
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("no change for {key}: {plan}"))
            .clone()
    };
    let c1 = change("store-001");
    assert_eq!(
        c1["fields"],
        json!({"name": ["Magasin 001 — Lille 1", "Magasin 001 — Lille Centre 🛒"]})
    );
    assert_eq!(c1["members"], json!({"add": [], "remove": []}));
    assert_eq!(
        change("store-002")["fields"],
        json!({"visibility": ["private", "public"]})
    );
    let c3 = change("store-003");
    assert_eq!(c3["fields"], json!({}));
    assert_eq!(c3["members"], json!({"add": [], "remove": [deputy_of_3]}));
    let c251 = change("store-251");
    assert_eq!(c251["action"], "create");
    assert_eq!(c251["members"]["add"], json!(["pverdier"]));
    assert!(!members_of(&ws, "store-003").contains(&deputy_of_3));
    assert_eq!(members_of(&ws, "store-251"), ["pverdier"]);
}

#[test]
fn validation_reports_every_problem_with_file_and_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let directory = ldif(&example("directory.ldif"));
    let bad = fixture("communities/bad.csv");
    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(&bad)
        .args(["--to", "bundle:ws", "--directory", &directory, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    let f = bad.display().to_string();
    for expected in [
        format!("{f}:3: field \"key\": duplicate key \"HQ\", already on line 2"),
        format!("{f}:4: field \"visibility\": \"open\" is not a visibility"),
        format!("{f}:4: field \"parent\": unknown parent \"region\""),
        format!("{f}:4: field \"members\": unknown user \"ghost\""),
        format!("{f}:5: field \"parent\": parent cycle: a → b → a"),
        format!("{f}:6: field \"parent\": parent cycle: b → a → b"),
        format!("{f}:6: field \"owners\": unknown user \"nobody@nowhere.example\""),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert!(err.contains("7 problems"), "{err}");
    assert!(!dir.path().join("ws").exists(), "nothing may be written");

    let bad = fixture("communities/bad.toml");
    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(&bad)
        .args(["--to", "bundle:ws", "--directory", &directory, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    let f = bad.display().to_string();
    assert!(
        err.contains(&format!("{f}:9: field \"visibility\": \"hidden\"")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:11: field \"owners\": unknown user \"ghost\"")),
        "{err}"
    );

    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(fixture("communities/unknown-group.toml"))
        .args(["--to", "bundle:ws", "--directory", &directory, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains(":5: field \"group\": no directory group \"no-such-group\""));

    // A group without --directory is a usage error, before anything is read.
    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(fixture("communities/small.toml"))
        .args(["--to", "bundle:ws", "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs --directory"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("ws").exists());
}

#[test]
fn toml_manifest_dry_run_writes_nothing_then_applies_with_group_and_welcome() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let directory = ldif(&example("directory.ldif"));
    let small = fixture("communities/small.toml");
    let (plan, code) = apply(
        dir.path(),
        &small,
        &[
            "--directory",
            &directory,
            "--dry-run",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(code, 10, "{plan}");
    assert_eq!(plan["dry_run"], true);
    assert_eq!(summary(&plan), [3, 0, 0, 0, 0, 0]);
    assert!(!ws.exists(), "--dry-run must not create the bundle");
    let direction = &plan["changes"][0];
    assert_eq!(direction["key"], "direction");
    assert_eq!(direction["welcome_post"], "welcome-direction");
    assert_eq!(direction["status"], "planned");
    assert_eq!(
        direction["members"]["add"],
        json!(["mdurand", "jfdurand", "slemaitre"])
    );

    let (done, code) = apply(dir.path(), &small, &["--directory", &directory]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(done["changes"][1]["status"], "applied");
    let communities = jsonl(&ws.join("communities.jsonl"));
    let ventes = communities.iter().find(|c| c["key"] == "ventes").unwrap();
    assert_eq!(ventes["name"], "Ventes — 山田 & co");
    assert_eq!(
        ventes["owners"],
        json!(["mdurand"]),
        "emails resolve to user keys"
    );
    assert_eq!(
        members_of(&ws, "ventes"),
        ["bbenard", "mdurand", "slemaitre"]
    );
    // Members not managed: the owner of the café is not made a member.
    assert!(members_of(&ws, "cafe").is_empty());
    let posts = jsonl(&ws.join("posts.jsonl"));
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["body"], "Bienvenue à la direction 🎉");
    assert_eq!(posts[0]["author"], "mdurand");
}

#[test]
fn prune_archives_communities_that_left_the_manifest_and_relisting_unarchives() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let directory = ldif(&example("directory.ldif"));
    let small = fixture("communities/small.toml");
    assert_eq!(apply(dir.path(), &small, &["--directory", &directory]).1, 0);
    let only_cafe = dir.path().join("cafe.toml");
    std::fs::write(
        &only_cafe,
        "[[community]]\nkey = \"cafe\"\nname = \"Café\"\nowners = [\"hfoure\"]\n",
    )
    .unwrap();

    let (plan, code) = apply(dir.path(), &only_cafe, &["--directory", &directory]);
    assert_eq!(code, 0);
    assert_eq!(
        summary(&plan),
        [0, 0, 0, 0, 3, 0],
        "without --prune nothing is archived"
    );

    let (plan, code) = apply(
        dir.path(),
        &only_cafe,
        &["--directory", &directory, "--prune"],
    );
    assert_eq!(code, 0, "{plan}");
    assert_eq!(summary(&plan), [0, 0, 2, 0, 1, 0]);
    let actions: Vec<_> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].as_str().unwrap(), c["key"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, [("archive", "direction"), ("archive", "ventes")]);
    let communities = jsonl(&ws.join("communities.jsonl"));
    assert_eq!(communities.len(), 3, "archiving never deletes");
    assert!(communities.iter().filter(|c| c["archived"] == true).count() == 2);
    assert_eq!(members_of(&ws, "ventes").len(), 3, "memberships are kept");
    assert_eq!(jsonl(&ws.join("posts.jsonl")).len(), 1, "content is kept");

    let (plan, code) = apply(dir.path(), &small, &["--directory", &directory]);
    assert_eq!(code, 0);
    assert_eq!(summary(&plan), [0, 0, 0, 2, 1, 0]);
    assert_eq!(
        jsonl(&ws.join("posts.jsonl")).len(),
        1,
        "no second welcome post"
    );
}

#[test]
fn list_shows_member_counts_and_refuses_endpoints_without_communities() {
    let dir = tempfile::tempdir().unwrap();
    let directory = ldif(&example("directory.ldif"));
    assert_eq!(
        apply(
            dir.path(),
            &fixture("communities/small.toml"),
            &["--directory", &directory]
        )
        .1,
        0
    );
    let out = esnctl(dir.path())
        .args(["communities", "list", "--from", "bundle:ws"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("KEY") && table.contains("MEMBERS"),
        "{table}"
    );
    assert!(
        table.contains("3 communities (0 archived), 6 memberships"),
        "{table}"
    );

    let out = esnctl(dir.path())
        .args(["communities", "list", "--from", &directory])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read communities"),
        "{}",
        stderr(&out)
    );
    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(fixture("communities/small.toml"))
        .args(["--to", &directory])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write communities"));
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args(["communities", "apply"])
        .arg(fixture("communities/small.toml"))
        .args([
            "--to",
            "bundle:ws",
            "--directory",
            &ldif(&example("directory.ldif")),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!dir.path().join("ws").exists());
}

#[path = "scim/server.rs"]
mod server;

/// The same manifest against a real SCIM service provider (groups are communities).
#[test]
fn scim_groups_apply_then_change_nothing_and_list_round_trips() {
    let srv = server::ScimServer::start("communities-apply");
    let dir = tempfile::tempdir().unwrap();
    let to = srv.endpoint();
    let directory = ldif(&example("directory.ldif"));
    let run = |args: &[&str]| {
        let out = esnctl(dir.path())
            .env("ESNCTL_SCIM_TOKEN", &srv.token)
            .args(args)
            .output()
            .unwrap();
        (out.status.code().unwrap(), out)
    };
    let (code, out) = run(&["users", "sync", "--from", &directory, "--to", &to, "--yes"]);
    assert_eq!(code, 0, "{}", stderr(&out));
    let small = fixture("communities/small.toml");
    let small = small.to_str().unwrap();
    let apply_args = [
        "-o",
        "json",
        "communities",
        "apply",
        small,
        "--to",
        &to,
        "--directory",
        &directory,
        "--yes",
        "--detailed-exitcode",
    ];
    let (code, out) = run(&apply_args);
    let first = json_stdout(&out);
    assert_eq!(code, 10, "{first} {}", stderr(&out));
    assert_eq!(summary(&first), [3, 0, 0, 0, 0, 0], "{first}");
    assert!(
        stderr(&out).contains("welcome post(s) not planned"),
        "{}",
        stderr(&out)
    );

    let (code, out) = run(&apply_args);
    let second = json_stdout(&out);
    assert_eq!(code, 0, "re-applying must change nothing: {second}");
    assert_eq!(summary(&second), [0, 0, 0, 0, 3, 0]);

    let (code, out) = run(&["-o", "json", "communities", "list", "--from", &to]);
    assert_eq!(code, 0, "{}", stderr(&out));
    let list = json_stdout(&out);
    let direction = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "direction")
        .unwrap();
    assert_eq!(direction["members"], 3);
    let (code, out) = run(&["-o", "csv", "communities", "list", "--from", &to]);
    assert_eq!(code, 0);
    let listed = dir.path().join("listed.csv");
    std::fs::write(&listed, &out.stdout).unwrap();
    let (code, out) = run(&[
        "-o",
        "json",
        "communities",
        "apply",
        listed.to_str().unwrap(),
        "--to",
        &to,
        "--yes",
        "--detailed-exitcode",
    ]);
    assert_eq!(
        code,
        0,
        "{} {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
}
