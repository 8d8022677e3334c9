//! `report adoption` from a bundle (activity derived from content) and from a real Synapse
//! (sign-ins from the admin API, contributions from the timelines).

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, fixture, json_stdout, stderr};
use serde_json::{json, Value};
use std::path::Path;

/// A bundle with five people over two weeks of November 2026: a question answered in
/// time, one never answered, one answered only by its author, and a user whose name is a
/// spreadsheet formula.
fn make_bundle(dir: &Path) -> String {
    let b = dir.join("esn");
    std::fs::create_dir_all(&b).unwrap();
    let lines = |name: &str, rows: &[Value]| {
        let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(b.join(name), text).unwrap();
    };
    lines(
        "users.jsonl",
        &[
            json!({"key": "mdurand", "display_name": "Marie Durand"}),
            json!({"key": "ayamada", "display_name": "山田 明子"}),
            json!({"key": "=cmd|' /C calc'!A0", "display_name": "Formula"}),
            json!({"key": "idle"}),
            json!({"key": "gone", "active": false}),
        ],
    );
    lines(
        "communities.jsonl",
        &[json!({"key": "lyon", "name": "Magasin de Lyon 🥐"})],
    );
    lines(
        "memberships.jsonl",
        &[
            json!({"community": "lyon", "user": "mdurand"}),
            json!({"community": "lyon", "user": "ayamada"}),
        ],
    );
    let post = |id: &str, author: &str, at: &str, body: &str, root: Option<&str>| {
        let mut p = json!({"id": id, "community": "lyon", "author": author, "created_at": at, "body": body});
        if let Some(r) = root {
            p["thread_root"] = json!(r);
            p["parent"] = json!(r);
        }
        p
    };
    lines(
        "posts.jsonl",
        &[
            post(
                "q1",
                "mdurand",
                "2026-11-02T09:00:00Z",
                "Qui ouvre le magasin demain ?",
                None,
            ),
            post(
                "a1",
                "ayamada",
                "2026-11-02T10:00:00Z",
                "私です",
                Some("q1"),
            ),
            post(
                "q2",
                "ayamada",
                "2026-11-03T09:00:00Z",
                "会議はいつですか？",
                None,
            ),
            post(
                "q3",
                "=cmd|' /C calc'!A0",
                "2026-11-04T09:00:00Z",
                "Anyone?",
                None,
            ),
            post(
                "a3",
                "=cmd|' /C calc'!A0",
                "2026-11-04T10:00:00Z",
                "Never mind",
                Some("q3"),
            ),
            post(
                "p4",
                "mdurand",
                "2026-11-10T09:00:00Z",
                "Planning posted.",
                None,
            ),
        ],
    );
    lines(
        "reactions.jsonl",
        &[
            json!({"post": "p4", "user": "ayamada", "emoji": "👍", "created_at": "2026-11-10T10:00:00Z"}),
        ],
    );
    std::fs::write(
        b.join("manifest.json"),
        json!({"format": "esnctl-bundle", "version": 1, "generator": "test", "updated_at": "2026-11-27T00:00:00Z",
               "counts": {"users": 5, "communities": 1, "memberships": 2, "posts": 6, "reactions": 1, "attachments": 0}})
        .to_string(),
    )
    .unwrap();
    format!("bundle:{}", b.display())
}

fn report(dir: &Path, from: &str, extra: &[&str]) -> std::process::Output {
    esnctl(dir)
        .args(["report", "adoption", "--from", from])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn bundle_report_follows_the_contract_and_marks_unknown_figures_null() {
    let tmp = tempfile::tempdir().unwrap();
    let from = make_bundle(tmp.path());
    let window = [
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-16",
        "--sla",
        "24",
    ];
    let out = report(tmp.path(), &from, &[&window[..], &["-o", "json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json_stdout(&out);
    assert_eq!(r["window"]["since"], "2026-11-01T00:00:00Z");
    assert_eq!(r["window"]["until"], "2026-11-16T00:00:00Z");
    assert_eq!(
        r["users"]["provisioned"], 4,
        "the deactivated account is not provisioned"
    );
    // A bundle does not record sign-ins: null, never 0.
    assert!(r["users"]["activated"].is_null() && r["users"]["readers"].is_null());
    assert!(r["rates"]["activation"].is_null());
    assert_eq!(r["users"]["contributors"], 3);
    assert_eq!(r["rates"]["contributors"], 0.75);
    let unanswered: Vec<&str> = r["unanswered_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(unanswered.len(), 2, "{r}");
    assert!(unanswered.contains(&"q2") && unanswered.contains(&"q3"));
    let q2 = r["unanswered_questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "q2")
        .unwrap();
    assert_eq!(q2["author"], "ayamada");
    assert_eq!(q2["community"], "lyon");
    assert_eq!(q2["asked_at"], "2026-11-03T09:00:00Z");
    assert_eq!(q2["age_hours"], 303.0);
    // Ties on posts + replies (2 each) go to the one who also reacted.
    assert_eq!(r["top_contributors"][0]["user"], "ayamada");
    assert_eq!(r["top_contributors"].as_array().unwrap().len(), 3);
    assert_eq!(r["communities"][0]["name"], "Magasin de Lyon 🥐");
    assert_eq!(r["communities"][0]["members"], 2);
    assert_eq!(r["communities"][0]["posts"], 4);
    assert_eq!(r["communities"][0]["contributors"], 3);
    // Weeks start on Monday: 1 November 2026 is a Sunday.
    let weeks: Vec<&str> = r["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["week"].as_str().unwrap())
        .collect();
    assert_eq!(
        weeks,
        ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    );
    assert_eq!(r["weekly"][1]["contributors"], 3);

    // The table says n/a for unknown figures.
    let out = report(tmp.path(), &from, &window);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("activated") && l.contains("n/a")),
        "{table}"
    );
    assert!(table.contains("会議はいつですか？"));

    // CSV neutralises formulas from the data, keeps the rest byte for byte.
    let out = report(tmp.path(), &from, &[&window[..], &["-o", "csv"]].concat());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains("'=cmd|' /C calc'!A0"), "{csv}");
    assert!(!csv.lines().any(|l| l.contains(",=cmd")), "{csv}");
    assert!(csv.contains("Magasin de Lyon 🥐"));
    assert!(csv.contains("users,,activated,\n"));
}

#[test]
fn bad_windows_and_sources_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let from = make_bundle(tmp.path());
    let out = report(tmp.path(), &from, &["--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--since \"yesterday\""),
        "{}",
        stderr(&out)
    );
    let out = report(
        tmp.path(),
        &from,
        &["--since", "2026-11-20", "--until", "2026-11-10"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("window is empty"), "{}", stderr(&out));
    let out = report(tmp.path(), &from, &["--sla", "-3"]);
    assert_eq!(out.status.code(), Some(2));
    let ldif = format!("ldif:{}", fixture("people.ldif").display());
    let out = report(tmp.path(), &ldif, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot report adoption"),
        "{}",
        stderr(&out)
    );
}

/// Sets a password, signs in and makes one authenticated request, as a person opening
/// Element would; returns once Synapse has recorded it (`last_seen_ts` is written in batches).
fn sign_in(server: &synapse::Synapse, localpart: &str) {
    let user_id = format!("@{localpart}:localhost");
    let enc: String = url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect();
    server.call(
        "PUT",
        &format!("/_synapse/admin/v2/users/{enc}"),
        Some(json!({"password": "pilot-Passw0rd!"})),
        None,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let login: Value = http
            .post(format!("{}/_matrix/client/v3/login", server.url))
            .json(&json!({"type": "m.login.password",
                          "identifier": {"type": "m.id.user", "user": localpart},
                          "password": "pilot-Passw0rd!"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["access_token"]
            .as_str()
            .expect("login works")
            .to_string();
        http.get(format!("{}/_matrix/client/v3/account/whoami", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
    });
    for _ in 0..60 {
        let u = server.call(
            "GET",
            &format!("/_synapse/admin/v2/users/{enc}"),
            None,
            None,
        );
        if u["last_seen_ts"].is_i64() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("Synapse never recorded {user_id}'s sign-in");
}

#[test]
fn matrix_report_counts_sign_ins_and_contributions() {
    let server = synapse::synapse("report");
    let tmp = tempfile::tempdir().unwrap();
    let to = server.uri();
    let env = |cmd: &mut assert_cmd::Command| {
        cmd.env("ESNCTL_MATRIX_TOKEN", &server.admin_token)
            .env("ESNCTL_MATRIX_AS_TOKEN", &server.as_token);
    };
    // Three people with March 2026 posts, replies and a reaction.
    let mut copy = esnctl(tmp.path());
    env(&mut copy);
    let out = copy
        .args(["content", "copy", "--from"])
        .arg(format!("bundle:{}", fixture("content-bundle").display()))
        .args(["--to", &to, "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    sign_in(server, "lnoel");

    let mut cmd = esnctl(tmp.path());
    env(&mut cmd);
    let out = cmd
        .args([
            "report",
            "adoption",
            "--from",
            &to,
            "--since",
            "2026-03-01",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json_stdout(&out);
    assert_eq!(
        r["users"]["provisioned"], 3,
        "service accounts are not people: {r}"
    );
    assert_eq!(r["users"]["activated"], 3, "all three acted: {r}");
    assert_eq!(r["users"]["contributors"], 3);
    assert_eq!(r["top_contributors"].as_array().unwrap().len(), 3);
    let region = r["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "region-est")
        .expect("the space's rooms count for its community");
    assert_eq!(
        (region["posts"].as_u64(), region["replies"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["questions"], 1);

    // Over the last day only the sign-in counts: a reader, not a contributor.
    let mut cmd = esnctl(tmp.path());
    env(&mut cmd);
    let out = cmd
        .args([
            "report", "adoption", "--from", &to, "--since", "1d", "-o", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let r = json_stdout(&out);
    assert_eq!(r["users"]["readers"], 1, "{r}");
    assert_eq!(r["users"]["contributors"], 0);
    assert_eq!(r["rates"]["readers"], 0.333);
    assert!(r["users"]["activated"].as_u64().unwrap() >= 1);
}
