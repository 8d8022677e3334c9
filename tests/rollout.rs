//! `rollout plan|status|advance|pause|resume|abort` end to end on file endpoints:
//! examples/directory.ldif (60 people, the 12-member `esn-pilot` group) into a bundle
//! platform, including the examples/rollout/ walkthrough as the README gives it.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

const PILOT: [&str; 12] = [
    "acrepin",
    "ahaddad",
    "bbenard",
    "cbesancon",
    "chebert",
    "eblanchard",
    "fmenard",
    "hdufay",
    "hfoure",
    "mdurand",
    "slemaitre",
    "tyamada",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    esnctl(dir).args(args).output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn ok(out: Output) -> Output {
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    out
}

fn keys(users: &[Value]) -> BTreeSet<String> {
    users
        .iter()
        .map(|u| u["key"].as_str().unwrap().to_string())
        .collect()
}

/// Copies the walkthrough into `dir` with the same layout as the repository:
/// examples/directory.ldif and examples/rollout/*.
fn walkthrough_copy(dir: &Path) -> PathBuf {
    let ex = dir.join("examples/rollout");
    std::fs::create_dir_all(&ex).unwrap();
    std::fs::copy(
        root().join("examples/directory.ldif"),
        dir.join("examples/directory.ldif"),
    )
    .unwrap();
    for f in ["rollout.toml", "communities.toml", "simulate-activity.sh"] {
        std::fs::copy(root().join("examples/rollout").join(f), ex.join(f)).unwrap();
    }
    ex
}

fn status_json(dir: &Path, plan: &str) -> Value {
    json_stdout(&ok(run(
        dir,
        &["-o", "json", "rollout", "status", "--plan", plan],
    )))
}

fn check<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["gate"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {status}"))
}

fn memberships(bundle: &Path, community: &str) -> BTreeSet<String> {
    std::fs::read_to_string(bundle.join("memberships.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|m| m["community"] == community)
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect()
}

fn posts(bundle: &Path) -> Vec<Value> {
    std::fs::read_to_string(bundle.join("posts.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn readme_walkthrough_goes_from_pilot_to_company_on_a_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ex = walkthrough_copy(dir);
    let plan = "examples/rollout/rollout.toml";
    let esn = ex.join("esn");

    ok(run(
        dir,
        &[
            "communities",
            "apply",
            "examples/rollout/communities.toml",
            "--to",
            "bundle:examples/rollout/esn",
            "--directory",
            "ldif:examples/directory.ldif",
            "--yes",
        ],
    ));

    // plan: each phase's cumulative audience and who is new in it.
    let view = json_stdout(&ok(run(
        dir,
        &["-o", "json", "rollout", "plan", "--plan", plan],
    )));
    let sizes: Vec<(i64, i64)> = view["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["audience_size"].as_i64().unwrap(),
                p["new"].as_i64().unwrap(),
            )
        })
        .collect();
    // 12 pilots; Informatique has 20 people, 4 of them pilots; 59 active people in all.
    assert_eq!(sizes, [(12, 12), (28, 16), (59, 31)], "{view}");
    assert_eq!(view["phases"][0]["gate"]["min_contributors"], 0.25);
    assert_eq!(view["phases"][2]["gate"], Value::Null);
    assert_eq!(view["status"], Value::Null, "not started: {view}");

    // A dry run changes nothing, not even a state file.
    ok(run(
        dir,
        &["rollout", "advance", "--plan", plan, "--dry-run"],
    ));
    assert!(!ex.join("rollout.state.sqlite").exists());
    assert!(bundle_users(&esn).is_empty());

    // The first advance enters the pilot: exactly the pilot group is provisioned.
    let first = json_stdout(&ok(run(
        dir,
        &["-o", "json", "rollout", "advance", "--plan", plan, "--yes"],
    )));
    assert_eq!(first["entered"], true, "{first}");
    assert_eq!(first["summary"]["create"], 12);
    let pilot: BTreeSet<String> = PILOT.iter().map(|s| s.to_string()).collect();
    assert_eq!(keys(&bundle_users(&esn)), pilot);
    assert_eq!(memberships(&esn, "welcome"), pilot);
    assert_eq!(memberships(&esn, "pilot-feedback"), pilot);
    assert!(memberships(&esn, "it-news").is_empty());
    let welcome: Vec<Value> = posts(&esn);
    assert_eq!(welcome.len(), 2, "{welcome:?}");
    assert_eq!(welcome[0]["author"], "mdurand");
    assert!(welcome[0]["body"]
        .as_str()
        .unwrap()
        .starts_with("Bienvenue dans le pilote ! 🎉"));

    // Nobody has posted yet: the gate fails, with want/got/passed per check.
    let st = status_json(dir, plan);
    assert_eq!(st["rollout"], "durand-fils-rollout");
    assert_eq!(st["phase"], "pilot");
    assert!(st["phase_started_at"].is_string());
    assert_eq!(st["gate"]["passed"], false, "{st}");
    let c = check(&st, "min_contributors");
    assert_eq!(
        (c["want"].as_f64(), c["got"].as_f64()),
        (Some(0.25), Some(0.0))
    );
    assert_eq!(c["passed"], false);
    assert_eq!(check(&st, "max_unanswered_hours")["passed"], true);
    assert_eq!(st["next_phase"], "informatique");
    assert_eq!(st["next_audience"], 28);

    let refused = run(dir, &["rollout", "advance", "--plan", plan, "--yes"]);
    assert_eq!(code(&refused), 4, "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("min_contributors"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        bundle_users(&esn).len(),
        12,
        "a refused advance changes nothing"
    );

    // Four pilots post (one question, answered): the gate passes.
    let sim = std::process::Command::new("bash")
        .arg(ex.join("simulate-activity.sh"))
        .output()
        .unwrap();
    assert!(sim.status.success(), "{}", stderr(&sim));
    let st = status_json(dir, plan);
    assert_eq!(st["gate"]["passed"], true, "{st}");
    assert_eq!(check(&st, "min_contributors")["got"], 0.333);

    // The phase's adoption page draws the gate's targets and passes them.
    let page = dir.join("pilot.html");
    ok(run(
        dir,
        &[
            "rollout",
            "status",
            "--plan",
            plan,
            "--html",
            page.to_str().unwrap(),
        ],
    ));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("id=\"funnel\"") && html.contains("class=\"target"),
        "targets drawn"
    );
    assert!(html.contains("pilot"), "the phase is named");
    assert!(html.contains("33.3%"), "the contributors rate is shown");

    // The department wave: the 16 IT people who were not pilots.
    ok(run(dir, &["rollout", "advance", "--plan", plan, "--yes"]));
    let users = bundle_users(&esn);
    assert_eq!(users.len(), 28);
    assert_eq!(find_user(&users, "zlaurent")["department"], "Informatique");
    assert_eq!(memberships(&esn, "it-news").len(), 28);
    assert_eq!(memberships(&esn, "welcome").len(), 28);

    // Its gate needs 14 days: --force needs a reason, which is recorded.
    let no_reason = run(
        dir,
        &["rollout", "advance", "--plan", plan, "--force", "--yes"],
    );
    assert_eq!(code(&no_reason), 2, "{}", stderr(&no_reason));
    let forced = esnctl(dir)
        .env("USER", "léa.admin")
        .args([
            "rollout",
            "advance",
            "--plan",
            plan,
            "--force",
            "--reason",
            "Sponsor DSI : ouverture avant les congés",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_eq!(bundle_users(&esn).len(), 59);
    let st = status_json(dir, plan);
    assert_eq!(st["phase"], "company");
    assert_eq!(st["gate"], Value::Null, "the last phase has no gate");
    assert_eq!(st["next_phase"], Value::Null);
    let last = st["transitions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["forced"], true, "{last}");
    assert_eq!(last["reason"], "Sponsor DSI : ouverture avant les congés");
    assert_eq!(last["actor"], "léa.admin");
    assert_eq!(last["from"], "informatique");
    assert_eq!(last["gate"]["passed"], false);

    let done = run(dir, &["rollout", "advance", "--plan", plan, "--yes"]);
    assert_eq!(
        code(&done),
        4,
        "nothing after the last phase: {}",
        stderr(&done)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ex.join("rollout.state.sqlite"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// A small plan over the example directory, with no communities.
fn small_plan(dir: &Path, name: &str) -> String {
    let text = format!(
        "name = \"{name}\"\ndirectory = \"ldif:{}\"\nplatform = \"bundle:esn\"\n\n\
         [[phase]]\nname = \"pilot\"\n\
         audience = {{ group = \"CN=esn-pilot, ou=groups,dc=durand-fils,dc=fr\" }}\n\n\
         [[phase]]\nname = \"everyone\"\naudience = {{ filter = \"(objectClass=person)\" }}\n",
        root().join("examples/directory.ldif").display()
    );
    std::fs::write(dir.join("plan.toml"), text).unwrap();
    "plan.toml".into()
}

#[test]
fn pause_blocks_advance_resume_unblocks_abort_stops_and_keeps_accounts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let plan = small_plan(dir, "r-pause");
    let paused = json_stdout(&ok(run(
        dir,
        &[
            "-o", "json", "rollout", "pause", "--plan", &plan, "--reason", "audit",
        ],
    )));
    assert_eq!(
        (paused["from"].clone(), paused["to"].clone()),
        ("active".into(), "paused".into())
    );
    let blocked = run(dir, &["rollout", "advance", "--plan", &plan, "--yes"]);
    assert_eq!(code(&blocked), 4, "{}", stderr(&blocked));
    assert!(stderr(&blocked).contains("paused"));
    assert!(
        !dir.join("esn").exists(),
        "a blocked advance provisions nobody"
    );

    ok(run(dir, &["rollout", "resume", "--plan", &plan]));
    ok(run(dir, &["rollout", "advance", "--plan", &plan, "--yes"]));
    assert_eq!(bundle_users(&dir.join("esn")).len(), 12);

    let no_yes = run(dir, &["rollout", "abort", "--plan", &plan]);
    assert_eq!(code(&no_yes), 2, "abort asks for confirmation");
    ok(run(dir, &["rollout", "abort", "--plan", &plan, "--yes"]));
    let st = status_json(dir, &plan);
    assert_eq!(st["status"], "aborted");
    assert_eq!(st["can_advance"], false);
    for args in [
        vec!["rollout", "advance", "--plan", &plan, "--yes"],
        vec!["rollout", "resume", "--plan", &plan],
    ] {
        let out = run(dir, &args);
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
    }
    let users = bundle_users(&dir.join("esn"));
    assert_eq!(users.len(), 12);
    assert!(
        users.iter().all(|u| u["active"] == true),
        "abort deactivates nobody"
    );
    let kinds: Vec<String> = st["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["pause", "resume", "advance", "abort"]);
    assert_eq!(st["transitions"][0]["reason"], "audit");
}

#[test]
fn advance_adds_only_and_never_deactivates_platform_users_outside_the_audience() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("others.csv"),
        "key,email,display_name\nzoe.outsider,zoe@partner.example,Zoé Outsider\nmdurand,marie.durand@durand-fils.fr,Marie D.\n",
    )
    .unwrap();
    ok(run(
        dir,
        &[
            "users",
            "sync",
            "--from",
            "csv:others.csv",
            "--to",
            "bundle:esn",
            "--yes",
        ],
    ));
    let plan = small_plan(dir, "r-adds-only");
    let out = json_stdout(&ok(run(
        dir,
        &["-o", "json", "rollout", "advance", "--plan", &plan, "--yes"],
    )));
    // mdurand existed: updated from the directory, not created twice.
    assert_eq!(out["summary"]["create"], 11, "{out}");
    assert_eq!(out["summary"]["update"], 1, "{out}");
    let users = bundle_users(&dir.join("esn"));
    assert_eq!(users.len(), 13);
    assert_eq!(find_user(&users, "zoe.outsider")["active"], true);
    assert_eq!(find_user(&users, "mdurand")["display_name"], "Marie Durand");
}

#[test]
fn state_file_is_bound_to_its_rollout_and_can_be_moved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let plan = small_plan(dir, "first");
    ok(run(dir, &["rollout", "advance", "--plan", &plan, "--yes"]));
    assert!(dir.join("plan.state.sqlite").is_file());

    small_plan(dir, "second");
    let out = run(dir, &["rollout", "status", "--plan", &plan]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("belongs to rollout \"first\""),
        "{}",
        stderr(&out)
    );

    // --state keeps the second rollout's state elsewhere.
    let st = json_stdout(&ok(run(
        dir,
        &[
            "-o",
            "json",
            "rollout",
            "status",
            "--plan",
            &plan,
            "--state",
            "s2/state.db",
        ],
    )));
    assert_eq!(st["phase"], Value::Null);
    assert_eq!(st["status"], "not started");
    assert_eq!(
        st["gate"],
        serde_json::json!({"passed": true, "checks": []})
    );
    assert_eq!(st["next_phase"], "pilot");
    assert_eq!(st["can_advance"], true);
    assert!(!dir.join("s2/state.db").exists(), "status writes nothing");
    ok(run(
        dir,
        &[
            "rollout",
            "advance",
            "--plan",
            &plan,
            "--state",
            "s2/state.db",
            "--yes",
        ],
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("s2/state.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn bad_plan_files_exit_3_naming_file_line_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let head = "name = \"r\"\ndirectory = \"ldif:x.ldif\"\nplatform = \"bundle:esn\"\n";
    let phase = "[[phase]]\nname = \"pilot\"\naudience = { group = \"cn=g,dc=x\" }\n";
    let cases = [
        (
            format!("{head}{phase}[phase.gate]\nmin_activation = 90\n[[phase]]\nname = \"b\"\naudience = {{ group = \"cn=h,dc=x\" }}\n"),
            "bad.toml:8: field \"gate.min_activation\"",
        ),
        (format!("{head}{phase}{phase}"), "bad.toml:8: field \"name\""),
        (format!("{head}{phase}colour = \"blue\"\n"), "bad.toml:7: field \"colour\""),
        (head.to_string(), "bad.toml:1: field \"phase\""),
        (
            format!("{head}{phase}[phase.gate]\nmin_days = 3\n"),
            "bad.toml:7: field \"gate\"",
        ),
        (
            format!("{head}[[phase]]\nname = \"p\"\naudience = {{ filter = \"(&(uid=a)\" }}\n"),
            "bad.toml:6: field \"audience.filter\"",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(dir.join("bad.toml"), &text).unwrap();
        for cmd in ["plan", "status", "advance"] {
            let out = run(dir, &["rollout", cmd, "--plan", "bad.toml"]);
            assert_eq!(code(&out), 3, "{cmd} {want}: {}", stderr(&out));
            let err = stderr(&out);
            assert!(err.starts_with(&format!("error: {want}")), "{want}\n{err}");
            assert_eq!(err.lines().count(), 1, "one line: {err}");
        }
    }
    assert!(!dir.join("bad.state.sqlite").exists());
    let missing = run(dir, &["rollout", "plan", "--plan", "nope.toml"]);
    assert_eq!(code(&missing), 2);
}

#[test]
fn csv_and_filter_audiences_resolve_and_warn_about_unknown_people() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("lists")).unwrap();
    std::fs::write(
        dir.join("lists/pilot.csv"),
        "email,name\nmarie.durand@durand-fils.fr,Marie\nnobody@durand-fils.fr,Nobody\n",
    )
    .unwrap();
    std::fs::write(dir.join("lists/wave.csv"), "key\ntyamada\nNPARIS\nghost\n").unwrap();
    let ldif = root().join("examples/directory.ldif");
    std::fs::write(
        dir.join("lists/plan.toml"),
        format!(
            "name = \"csv\"\ndirectory = \"ldif:{}\"\nplatform = \"bundle:esn\"\n\
             [[phase]]\nname = \"a\"\naudience = {{ csv = \"pilot.csv\" }}\n\
             [[phase]]\nname = \"b\"\naudience = {{ csv = \"wave.csv\" }}\n\
             [[phase]]\nname = \"c\"\naudience = {{ filter = \"(&(departmentNumber=Direction)(!(uid=mdurand)))\" }}\n",
            ldif.display()
        ),
    )
    .unwrap();
    let out = ok(run(
        dir,
        &["-o", "json", "rollout", "plan", "--plan", "lists/plan.toml"],
    ));
    let view = json_stdout(&out);
    let sizes: Vec<i64> = view["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["audience_size"].as_i64().unwrap())
        .collect();
    // a: mdurand; b: + tyamada (nparis inactive, ghost unknown); c: + 2 other directors.
    assert_eq!(sizes, [1, 2, 4], "{view}");
    let err = stderr(&out);
    assert!(err.contains("nobody@durand-fils.fr"), "{err}");
    assert!(err.contains("ghost") && err.contains("inactive"), "{err}");

    // The platform is relative to the plan's folder: lists/esn.
    ok(run(
        dir,
        &["rollout", "advance", "--plan", "lists/plan.toml", "--yes"],
    ));
    assert_eq!(
        keys(&bundle_users(&dir.join("lists/esn"))),
        BTreeSet::from(["mdurand".to_string()])
    );
}

#[test]
fn communities_must_exist_and_nothing_is_written_without_confirmation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("plan.toml"),
        format!(
            "name = \"c\"\ndirectory = \"ldif:{}\"\nplatform = \"bundle:esn\"\n\
             [[phase]]\nname = \"pilot\"\n\
             audience = {{ group = \"cn=esn-pilot,ou=groups,dc=durand-fils,dc=fr\" }}\n\
             communities = [\"no-such-place\"]\nwelcome_message = \"Hi\"\n",
            root().join("examples/directory.ldif").display()
        ),
    )
    .unwrap();
    let out = run(dir, &["rollout", "advance", "--plan", "plan.toml", "--yes"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: plan.toml:7: field \"communities\": community \"no-such-place\" does not exist"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("esn").exists() && !dir.join("plan.state.sqlite").exists());

    let plan = small_plan(dir, "confirm");
    let out = run(dir, &["rollout", "advance", "--plan", &plan]);
    assert_eq!(code(&out), 2, "no terminal, no --yes: {}", stderr(&out));
    assert!(!dir.join("esn").exists() && !dir.join("plan.state.sqlite").exists());
}
