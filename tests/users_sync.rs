//! `users sync` end to end on file endpoints: LDIF and CSV into the canonical bundle.

mod common;

use common::*;
use serde_json::json;

fn sync_json(dir: &std::path::Path, from: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    let out = esnctl(dir)
        .args([
            "-o",
            "json",
            "users",
            "sync",
            "--from",
            from,
            "--to",
            "bundle:ws",
            "--yes",
        ])
        .args(extra)
        .output()
        .unwrap();
    (json_stdout(&out), out.status.code().unwrap())
}

#[test]
fn ldif_to_bundle_creates_then_reports_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    let ldif = fixture("people.ldif");
    let from = format!("ldif:{}", ldif.display());

    let (first, code) = sync_json(dir.path(), &from, &[]);
    assert_eq!(code, 0, "{first}");
    assert_eq!(first["dry_run"], false);
    // 10 people, one of them disabled: the disabled one is not created.
    assert_eq!(first["summary"]["create"], 9);
    assert_eq!(first["summary"]["failed"], 0);
    let change = first["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "ayamada")
        .unwrap();
    assert_eq!(change["action"], "create");
    assert_eq!(change["fields"]["family_name"], json!([null, "山田"]));

    let users = bundle_users(&dir.path().join("ws"));
    assert_eq!(users.len(), 9);
    let akiko = find_user(&users, "ayamada");
    assert_eq!(akiko["display_name"], "Akiko 山田");
    assert_eq!(akiko["external_id"].as_str().unwrap().len(), 36);
    assert_eq!(find_user(&users, "lnoel")["title"], "Technicien 🛠️ support");
    assert_eq!(find_user(&users, "jlefevre")["manager"], "mdurand");
    assert!(dir.path().join("ws/manifest.json").is_file());

    let (second, code) = sync_json(dir.path(), &from, &["--detailed-exitcode"]);
    assert_eq!(code, 0, "second run must have no changes: {second}");
    assert_eq!(second["summary"]["unchanged"], 9);
    assert_eq!(second["changes"], json!([]));
}

#[test]
fn edited_directory_yields_updates_rename_and_deactivation() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = format!("ldif:{}", fixture("people.ldif").display());
    let v2 = format!("ldif:{}", fixture("people-v2.ldif").display());
    assert_eq!(sync_json(dir.path(), &v1, &[]).1, 0);

    let (plan, code) = sync_json(
        dir.path(),
        &v2,
        &["--max-deactivations", "1", "--detailed-exitcode"],
    );
    assert_eq!(code, 10, "{plan}");
    let s = &plan["summary"];
    assert_eq!(
        (
            s["create"].clone(),
            s["update"].clone(),
            s["deactivate"].clone()
        ),
        (json!(1), json!(2), json!(1))
    );
    let by_key = |k: &str| {
        plan["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == k)
            .unwrap_or_else(|| panic!("no change for {k}: {plan}"))
            .clone()
    };
    // Same entryUUID, new uid: an update of the existing account, not deactivate + create.
    let renamed = by_key("jlefevre-roux");
    assert_eq!(renamed["action"], "update");
    assert_eq!(
        renamed["fields"]["key"],
        json!(["jlefevre", "jlefevre-roux"])
    );
    assert_eq!(
        by_key("tdubois")["fields"]["title"],
        json!(["Administrateur systèmes", "Responsable infrastructure"])
    );
    assert_eq!(by_key("pmartin")["action"], "deactivate");
    assert_eq!(by_key("snguyen")["action"], "create");

    let users = bundle_users(&dir.path().join("ws"));
    assert_eq!(find_user(&users, "pmartin")["active"], false);
    assert_eq!(find_user(&users, "pmartin")["deactivated_by"], "esnctl");
    assert!(users.iter().all(|u| u["key"] != "jlefevre"));

    // The person who left comes back: reactivated, because esnctl deactivated them.
    let (back, code) = sync_json(dir.path(), &v1, &["--max-deactivations", "100%"]);
    assert_eq!(code, 0, "{back}");
    assert_eq!(back["summary"]["reactivate"], 1);
    let (again, _) = sync_json(dir.path(), &v1, &[]);
    assert_eq!(again["changes"], json!([]), "re-sync must be a no-op");
}

#[test]
fn safety_limit_refuses_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = format!("ldif:{}", fixture("people.ldif").display());
    assert_eq!(sync_json(dir.path(), &v1, &[]).1, 0);
    let before = std::fs::read(dir.path().join("ws/users.jsonl")).unwrap();

    // An empty source would deactivate all 9 users (100% > the default 10%).
    std::fs::write(dir.path().join("empty.csv"), "key,email\n").unwrap();
    let out = esnctl(dir.path())
        .args([
            "users",
            "sync",
            "--from",
            "csv:empty.csv",
            "--to",
            "bundle:ws",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to deactivate 9 of 9 active users"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(dir.path().join("ws/users.jsonl")).unwrap(),
        before
    );
}

#[test]
fn dry_run_writes_nothing_and_detailed_exitcode_reports_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args(["users", "sync", "--from"])
        .arg(format!("ldif:{}", fixture("people.ldif").display()))
        .args(["--to", "bundle:ws", "--dry-run", "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Plan: 9 to create"), "{text}");
    assert!(
        text.contains("Akiko 山田 <akiko.yamada@durand-fils.fr>"),
        "{text}"
    );
    assert!(!dir.path().join("ws/users.jsonl").exists());
}

#[test]
fn applying_without_terminal_or_yes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path())
        .args(["users", "sync", "--from"])
        .arg(format!("ldif:{}", fixture("people.ldif").display()))
        .args(["--to", "bundle:ws"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(!dir.path().join("ws/users.jsonl").exists());
    // ESNCTL_YES=1 is the environment form of --yes.
    esnctl(dir.path())
        .env("ESNCTL_YES", "1")
        .args(["users", "sync", "--from"])
        .arg(format!("ldif:{}", fixture("people.ldif").display()))
        .args(["--to", "bundle:ws"])
        .assert()
        .success();
}

#[test]
fn csv_source_into_bundle_and_bundle_into_csv_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("csv:{}", fixture("users.csv").display());
    let (first, code) = sync_json(dir.path(), &from, &[]);
    assert_eq!(code, 0, "{first}");
    assert_eq!(
        first["summary"]["create"], 4,
        "the inactive row is not created"
    );
    let users = bundle_users(&dir.path().join("ws"));
    assert_eq!(find_user(&users, "lnoel")["extra"]["site"], "Nantes");
    assert_eq!(find_user(&users, "lnoel")["title"], "Technicien, support");
    assert_eq!(sync_json(dir.path(), &from, &[]).0["changes"], json!([]));

    // The bundle's users written to a CSV file, then read back as a source: no changes.
    esnctl(dir.path())
        .args([
            "users",
            "sync",
            "--from",
            "bundle:ws",
            "--to",
            "csv:out.csv",
            "--yes",
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    assert!(text.contains("山田 明子"), "{text}");
    let (plan, code) = sync_json(dir.path(), "csv:out.csv", &["--dry-run"]);
    assert_eq!(code, 0);
    assert_eq!(plan["changes"], json!([]), "{plan}");
}

#[test]
fn users_list_outputs_contract_json_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let from = format!("ldif:{}", fixture("people.ldif").display());
    let out = esnctl(dir.path())
        .args(["-o", "json", "users", "list", "--from", &from])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let users = json_stdout(&out);
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), 10);
    let zoe = find_user(users, "zrenard");
    assert_eq!(zoe["active"], false);
    for key in [
        "key",
        "external_id",
        "email",
        "display_name",
        "given_name",
        "family_name",
        "title",
        "department",
        "active",
    ] {
        assert!(zoe.get(key).is_some(), "missing {key} in {zoe}");
    }

    let out = esnctl(dir.path())
        .args(["-o", "csv", "users", "list", "--from", &from])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("key,external_id,email,"), "{text}");
    std::fs::write(dir.path().join("list.csv"), &text).unwrap();
    // The CSV listing reads back as the same users.
    let out = esnctl(dir.path())
        .args(["-o", "json", "users", "list", "--from", "csv:list.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_stdout(&out).as_array().unwrap().len(), 10);
}

#[test]
fn profiles_from_config_file_resolve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.dir]\nurl = \"ldif:{}\"\n[endpoints.ws]\nurl = \"bundle:ws\"\n",
            fixture("people.ldif").display()
        ),
    )
    .unwrap();
    esnctl(dir.path())
        .args(["users", "sync", "--from", "dir", "--to", "ws", "--yes"])
        .assert()
        .success();
    assert_eq!(bundle_users(&dir.path().join("ws")).len(), 9);
}

#[test]
fn several_sources_merge_with_conflicts_or_precedence() {
    let dir = tempfile::tempdir().unwrap();
    // The same person (same email) in a second source, with another title.
    std::fs::write(
        dir.path().join("extra.csv"),
        "key,email,display_name,title\nmarie,marie.durand@durand-fils.fr,Marie D.,Consultante\nnew.hire,new@durand-fils.fr,New Hire,Stagiaire\n",
    )
    .unwrap();
    let profiles = |with_precedence: bool| {
        let (p1, p2) = if with_precedence {
            ("precedence = 1\n", "precedence = 2\n")
        } else {
            ("", "")
        };
        format!(
            "[endpoints.dir]\nurl = \"ldif:{}\"\n{p1}[endpoints.extra]\nurl = \"csv:extra.csv\"\n{p2}",
            fixture("people.ldif").display()
        )
    };
    let sync_both = || {
        esnctl(dir.path())
            .args([
                "-o", "json", "users", "sync", "--from", "dir", "--from", "extra",
            ])
            .args(["--to", "bundle:ws", "--yes"])
            .output()
            .unwrap()
    };
    std::fs::write(dir.path().join("esnctl.toml"), profiles(false)).unwrap();
    let out = sync_both();
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json_stdout(&out);
    assert_eq!(
        plan["summary"]["create"], 9,
        "8 from the directory + new.hire: {plan}"
    );
    assert!(
        stderr(&out).contains("is in both dir and extra"),
        "{}",
        stderr(&out)
    );
    let users = bundle_users(&dir.path().join("ws"));
    assert!(users
        .iter()
        .all(|u| u["key"] != "mdurand" && u["key"] != "marie"));
    assert_eq!(find_user(&users, "new.hire")["source"], "extra");

    std::fs::write(dir.path().join("esnctl.toml"), profiles(true)).unwrap();
    let out = sync_both();
    assert!(out.status.success(), "{}", stderr(&out));
    let users = bundle_users(&dir.path().join("ws"));
    let marie = find_user(&users, "mdurand");
    assert_eq!(
        marie["title"], "Directrice commerciale",
        "the directory takes precedence"
    );
    assert_eq!(marie["source"], "dir");
}
