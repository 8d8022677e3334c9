//! The rollout scenario of issue #8 against real servers: an OpenLDAP directory
//! (`scripts/slapd.sh`, instance "rollout-scenario") and a Synapse homeserver
//! (`scripts/synapse.sh`, instance "rollout").
//!
//! A pilot group of 50 (40 direct members and a nested group of 10) is provisioned; its
//! gate fails; pilots post, answer a question (through `content copy`) and sign in; the
//! gate passes; `advance` provisions the sales department (an LDAP filter the server
//! evaluates); a forced advance into the company phase records its reason.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, json_stdout, stderr};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::{Command, Output};

const BASE: &str = "dc=durand-fils,dc=fr";
const OU: &str = "ou=rollout-scenario,ou=tests,dc=durand-fils,dc=fr";

fn uid(i: usize) -> String {
    format!("rs-{i:03}")
}

/// 90 people: rs-001…050 the pilots (department Siège), rs-051…080 Ventes, rs-081…090
/// Logistique; the pilot group lists 40 of them and a nested group with the 10 others.
fn fixture_ldif() -> String {
    let mut out = format!(
        "dn: ou=tests,{BASE}\nobjectClass: organizationalUnit\nou: tests\n\n\
         dn: {OU}\nobjectClass: organizationalUnit\nou: rollout-scenario\n\n"
    );
    for i in 1..=90 {
        let dept = match i {
            1..=50 => "Siège",
            51..=80 => "Ventes",
            _ => "Logistique",
        };
        let u = uid(i);
        out += &format!(
            "dn: uid={u},{OU}\nobjectClass: inetOrgPerson\nuid: {u}\ncn: Personne {i} Étoile\n\
             sn: Étoile\ngivenName: Personne {i}\nmail: {u}@durand-fils.fr\n\
             departmentNumber: {dept}\n\n"
        );
    }
    out +=
        &format!("dn: cn=rs-pilot-nested,{OU}\nobjectClass: groupOfNames\ncn: rs-pilot-nested\n");
    for i in 41..=50 {
        out += &format!("member: uid={},{OU}\n", uid(i));
    }
    out += &format!("\ndn: cn=rs-pilot,{OU}\nobjectClass: groupOfNames\ncn: rs-pilot\n");
    for i in 1..=40 {
        out += &format!("member: uid={},{OU}\n", uid(i));
    }
    out += &format!("member: cn=rs-pilot-nested,{OU}\n");
    out
}

/// Restarts the instance with the scenario's people loaded; returns its env lines.
fn slapd() -> HashMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/slapd.sh");
    let name = "rollout-scenario";
    let stop = Command::new(&script).args(["stop", name]).output().unwrap();
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    let fixtures = root.join("target/services/rollout-scenario.ldif");
    std::fs::create_dir_all(fixtures.parent().unwrap()).unwrap();
    std::fs::write(&fixtures, fixture_ldif()).unwrap();
    let out = Command::new(&script)
        .args(["start", name])
        .env("SLAPD_FIXTURES", &fixtures)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "slapd.sh start {name}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Env<'a> {
    dir: &'a Path,
    ldap: HashMap<String, String>,
    matrix: &'a synapse::Synapse,
}

impl Env<'_> {
    fn run(&self, args: &[&str]) -> Output {
        esnctl(self.dir)
            .env("ESNCTL_LDAP_BIND_DN", &self.ldap["LDAP_BIND_DN"])
            .env("ESNCTL_LDAP_PASSWORD", &self.ldap["LDAP_BIND_PASSWORD"])
            .env("ESNCTL_MATRIX_TOKEN", &self.matrix.admin_token)
            .env("ESNCTL_MATRIX_AS_TOKEN", &self.matrix.as_token)
            .env("USER", "scenario-admin")
            .arg("--no-progress")
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        out
    }

    fn status(&self) -> Value {
        json_stdout(&self.ok(&["-o", "json", "rollout", "status", "--plan", "plan.toml"]))
    }

    /// The `rs-*` accounts on the homeserver that are active.
    fn matrix_people(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut from: Option<String> = None;
        loop {
            let mut path = "/_synapse/admin/v2/users?limit=500&guests=false".to_string();
            if let Some(f) = &from {
                path += &format!("&from={f}");
            }
            let page = self.matrix.call("GET", &path, None, None);
            for u in page["users"].as_array().unwrap() {
                let name = u["name"].as_str().unwrap();
                if name.starts_with("@rs-") && u["deactivated"] != true {
                    out.insert(
                        name.trim_start_matches('@')
                            .split(':')
                            .next()
                            .unwrap()
                            .to_string(),
                    );
                }
            }
            match page["next_token"]
                .as_str()
                .map(str::to_string)
                .or(page["next_token"].as_i64().map(|n| n.to_string()))
            {
                Some(t) => from = Some(t),
                None => return out,
            }
        }
    }
}

fn range(r: std::ops::RangeInclusive<usize>) -> BTreeSet<String> {
    r.map(uid).collect()
}

fn check<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["gate"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {status}"))
}

/// A bundle of the pilot's first contributions, dated now: 12 pilots post in the welcome
/// community, one asks a question and another answers it in the thread.
fn activity_bundle(dir: &Path) -> String {
    let b = dir.join("activity");
    std::fs::create_dir_all(&b).unwrap();
    let now = jiff::Timestamp::now().to_string();
    let lines = |name: &str, rows: Vec<Value>| {
        let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(b.join(name), text).unwrap();
    };
    lines(
        "users.jsonl",
        (1..=12)
            .map(|i| json!({"key": uid(i), "email": format!("{}@durand-fils.fr", uid(i))}))
            .collect(),
    );
    lines(
        "communities.jsonl",
        vec![json!({"key": "rs-welcome", "name": "Bienvenue"})],
    );
    let mut posts: Vec<Value> = (1..=11)
        .map(|i| {
            json!({"id": format!("hello-{i}"), "community": "rs-welcome", "author": uid(i),
                        "created_at": now, "body": format!("Bonjour, je suis {} 👋", uid(i))})
        })
        .collect();
    posts.push(
        json!({"id": "question", "community": "rs-welcome", "author": uid(1),
                      "created_at": now, "body": "Où trouve-t-on le guide de démarrage ?"}),
    );
    posts.push(
        json!({"id": "answer", "community": "rs-welcome", "author": uid(12),
                      "created_at": now, "body": "Dans l'espace Bienvenue, message épinglé.",
                      "thread_root": "question", "parent": "question"}),
    );
    lines("posts.jsonl", posts);
    format!("bundle:{}", b.display())
}

/// Signs people in as Element would (password login, then an authenticated request),
/// and waits until Synapse has recorded it (`last_seen_ts` is written in batches).
fn sign_in(server: &synapse::Synapse, people: &[String]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let password = format!(
        "pw-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_millisecond()
    );
    let enc = |u: &str| -> String {
        url::form_urlencoded::byte_serialize(format!("@{u}:localhost").as_bytes()).collect()
    };
    for p in people {
        server.call(
            "PUT",
            &format!("/_synapse/admin/v2/users/{}", enc(p)),
            Some(json!({"password": password, "logout_devices": false})),
            None,
        );
        rt.block_on(async {
            let http = reqwest::Client::new();
            let login: Value = http
                .post(format!("{}/_matrix/client/v3/login", server.url))
                .json(&json!({"type": "m.login.password",
                              "identifier": {"type": "m.id.user", "user": p},
                              "password": password}))
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
            let who = http
                .get(format!("{}/_matrix/client/v3/account/whoami", server.url))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert!(who.status().is_success());
        });
    }
    for _ in 0..120 {
        let pending = people.iter().any(|p| {
            let u = server.call(
                "GET",
                &format!("/_synapse/admin/v2/users/{}", enc(p)),
                None,
                None,
            );
            !u["last_seen_ts"].is_i64()
        });
        if !pending {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!("Synapse never recorded the sign-ins");
}

#[test]
fn pilot_gate_wave_and_forced_advance_against_slapd_and_synapse() {
    let matrix = synapse::synapse("rollout");
    let ldap = slapd();
    let tmp = tempfile::tempdir().unwrap();
    let env = Env {
        dir: tmp.path(),
        ldap,
        matrix,
    };
    let directory = format!("{}/{OU}", env.ldap["LDAP_URL"]);
    std::fs::write(
        tmp.path().join("plan.toml"),
        format!(
            r#"name = "scenario"
directory = "{directory}"
platform = "{platform}"

[[phase]]
name = "pilot"
audience = {{ group = "cn=rs-pilot,{OU}" }}
communities = ["rs-welcome"]
welcome_message = "Bienvenue dans le pilote ! 🎉"
[phase.gate]
min_days = 0
min_activation = 0.6
min_readers = 0.5
min_contributors = 0.2
max_unanswered_hours = 48

[[phase]]
name = "ventes"
audience = {{ filter = "(departmentNumber=Ventes)" }}
communities = ["rs-welcome"]
welcome_message = "Bienvenue à l'équipe Ventes !"
[phase.gate]
min_days = 30

[[phase]]
name = "company"
audience = {{ filter = "(objectClass=inetOrgPerson)" }}
"#,
            platform = matrix.uri()
        ),
    )
    .unwrap();

    // The community the phases open, owned by an account that exists before the rollout.
    matrix.call(
        "PUT",
        "/_synapse/admin/v2/users/%40projet-owner%3Alocalhost",
        Some(json!({"displayname": "Équipe projet"})),
        None,
    );
    std::fs::write(
        tmp.path().join("communities.toml"),
        "[[community]]\nkey = \"rs-welcome\"\nname = \"Bienvenue\"\nowners = [\"projet-owner\"]\n",
    )
    .unwrap();
    env.ok(&[
        "communities",
        "apply",
        "communities.toml",
        "--to",
        &matrix.uri(),
        "--yes",
    ]);

    // plan: 50 pilots (nested group expanded), +30 sales, +10 others.
    let view = json_stdout(&env.ok(&["-o", "json", "rollout", "plan", "--plan", "plan.toml"]));
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
    assert_eq!(sizes, [(50, 50), (80, 30), (90, 10)], "{view}");

    // The pilot: exactly the 50, joined to the community, welcomed.
    let out = json_stdout(&env.ok(&[
        "-o",
        "json",
        "rollout",
        "advance",
        "--plan",
        "plan.toml",
        "--yes",
    ]));
    assert_eq!(out["summary"]["create"], 50, "{out}");
    assert_eq!(out["welcome_posts"][0]["status"], "posted", "{out}");
    assert_eq!(env.matrix_people(), range(1..=50));
    let communities =
        json_stdout(&env.ok(&["-o", "json", "communities", "list", "--from", &matrix.uri()]));
    let welcome = communities
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "rs-welcome")
        .unwrap();
    assert_eq!(welcome["members"], 50, "the 50 pilots joined: {welcome}");

    // Nobody has signed in or posted: the gate fails on every activity check.
    let st = env.status();
    assert_eq!(st["phase"], "pilot");
    assert_eq!(st["gate"]["passed"], false, "{st}");
    assert_eq!(check(&st, "min_activation")["got"], 0.0, "{st}");
    assert_eq!(check(&st, "min_contributors")["passed"], false);
    assert_eq!(st["next_phase"], "ventes");
    assert_eq!(st["next_audience"], 80);
    let refused = env.run(&["rollout", "advance", "--plan", "plan.toml", "--yes"]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));

    // Activity: 12 pilots post (one question, answered) and 23 others sign in.
    let from = activity_bundle(tmp.path());
    env.ok(&[
        "content",
        "copy",
        "--from",
        &from,
        "--to",
        &matrix.uri(),
        "--yes",
    ]);
    let readers: Vec<String> = (13..=35).map(uid).collect();
    sign_in(matrix, &readers);
    let st = env.status();
    assert_eq!(st["gate"]["passed"], true, "{st}");
    assert_eq!(check(&st, "min_activation")["got"], 0.7, "35 of 50: {st}");
    assert_eq!(check(&st, "min_readers")["got"], 0.7, "{st}");
    assert_eq!(
        check(&st, "min_contributors")["got"],
        0.24,
        "12 of 50: {st}"
    );
    assert_eq!(st["metrics"]["questions"], 1, "{st}");
    assert_eq!(check(&st, "max_unanswered_hours")["passed"], true);

    // The department wave: the server evaluates the filter; only the 30 are added.
    let out = json_stdout(&env.ok(&[
        "-o",
        "json",
        "rollout",
        "advance",
        "--plan",
        "plan.toml",
        "--yes",
    ]));
    assert_eq!(out["summary"]["create"], 30, "{out}");
    assert_eq!(out["summary"]["unchanged"], 50, "{out}");
    // The same owner welcomes a second phase into the same room it already joined.
    assert_eq!(out["welcome_posts"][0]["author"], "projet-owner", "{out}");
    assert_eq!(out["welcome_posts"][0]["status"], "posted", "{out}");
    assert_eq!(env.matrix_people(), range(1..=80));

    // Its 30-day gate fails: the forced advance needs and records a reason.
    let st = env.status();
    assert_eq!(check(&st, "min_days")["passed"], false, "{st}");
    let no_reason = env.run(&[
        "rollout",
        "advance",
        "--plan",
        "plan.toml",
        "--force",
        "--yes",
    ]);
    assert_eq!(no_reason.status.code(), Some(2));
    env.ok(&[
        "rollout",
        "advance",
        "--plan",
        "plan.toml",
        "--force",
        "--reason",
        "Comité de direction : ouverture anticipée",
        "--yes",
    ]);
    assert_eq!(env.matrix_people(), range(1..=90));
    let st = env.status();
    assert_eq!(st["phase"], "company");
    let last = st["transitions"].as_array().unwrap().last().unwrap();
    assert_eq!(last["forced"], true, "{st}");
    assert_eq!(last["reason"], "Comité de direction : ouverture anticipée");
    assert_eq!(last["actor"], "scenario-admin");
    assert_eq!(last["from"], "ventes");
}
