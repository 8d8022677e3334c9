//! `ldap://` / `ldaps://` sources against a real OpenLDAP started by `scripts/slapd.sh`
//! (instance "ldap-tests"; fixtures described in tests/fixtures/ldap/README.md).
//!
//! Tests that change the directory work in their own `ou=…,ou=tests` subtree so that the
//! others, which read `ou=people`, always see the fixture counts.

mod common;

use common::{bundle_users, esnctl, find_user, json_stdout, stderr};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

struct Slapd {
    env: HashMap<String, String>,
}

impl Slapd {
    fn get(&self, k: &str) -> &str {
        &self.env[k]
    }
    fn base(&self) -> &str {
        self.get("LDAP_BASE_DN")
    }
    /// `ldap://…/ou=people,BASE`: the 3,040 fixture people and nothing a test adds.
    fn people_url(&self) -> String {
        format!("{}/ou=people,{}", self.get("LDAP_URL"), self.base())
    }
}

fn slapd() -> &'static Slapd {
    static SLAPD: OnceLock<Slapd> = OnceLock::new();
    SLAPD.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(root.join("scripts/slapd.sh"))
            .args(["start", "ldap-tests"])
            .output()
            .expect("run scripts/slapd.sh");
        assert!(
            out.status.success(),
            "slapd.sh start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Slapd { env }
    })
}

/// esnctl with the service account's credentials in the environment.
fn run(dir: &Path, args: &[&str]) -> Output {
    let s = slapd();
    esnctl(dir)
        .env("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN"))
        .env("ESNCTL_LDAP_PASSWORD", s.get("LDAP_BIND_PASSWORD"))
        .arg("--no-progress")
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

/// Runs an ldap-utils tool as the rootdn (password from a file, not argv).
fn ldap_admin(tool: &str, args: &[&str], stdin: &str) {
    use std::io::Write;
    let s = slapd();
    let pwfile = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pwfile.path(), s.get("LDAP_ADMIN_PASSWORD")).unwrap();
    let mut child = Command::new(tool)
        .args([
            "-x",
            "-H",
            s.get("LDAP_URL"),
            "-D",
            s.get("LDAP_ADMIN_DN"),
            "-y",
        ])
        .arg(pwfile.path())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Creates `ou=NAME-PID,ou=tests,BASE` with people `uid=NAME-PID-i` (i in 1..=n) and
/// returns (its DN, `NAME-PID`): unique per run, as the instance outlives a test run.
fn test_ou(name: &str, n: usize) -> (String, String) {
    let name = format!("{name}-{}", std::process::id());
    let name = name.as_str();
    let s = slapd();
    let base = s.base();
    let ou = format!("ou={name},ou=tests,{base}");
    let mut ldif = String::new();
    // ou=tests may exist already (another test made it): -c continues past that error.
    ldif.push_str(&format!(
        "dn: ou=tests,{base}\nobjectClass: organizationalUnit\nou: tests\n\n"
    ));
    ldif.push_str(&format!(
        "dn: {ou}\nobjectClass: organizationalUnit\nou: {name}\n\n"
    ));
    for i in 1..=n {
        ldif.push_str(&format!(
            "dn: uid={name}-{i},{ou}\nobjectClass: inetOrgPerson\nuid: {name}-{i}\n\
             cn: Person {i}\nsn: {i}\nmail: {name}-{i}@tests.durand-fils.fr\n\n"
        ));
    }
    let _ = add_continue(&ldif);
    (ou, name.to_string())
}

fn add_continue(ldif: &str) -> bool {
    use std::io::Write;
    let s = slapd();
    let pwfile = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pwfile.path(), s.get("LDAP_ADMIN_PASSWORD")).unwrap();
    let mut child = Command::new("ldapadd")
        .args([
            "-c",
            "-x",
            "-H",
            s.get("LDAP_URL"),
            "-D",
            s.get("LDAP_ADMIN_DN"),
            "-y",
        ])
        .arg(pwfile.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ldif.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

fn write_config(dir: &Path, toml: &str) {
    std::fs::write(dir.join("esnctl.toml"), toml).unwrap();
}

fn change_keys(doc: &Value, action: &str) -> BTreeSet<String> {
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["action"] == action)
        .map(|c| c["key"].as_str().unwrap().to_string())
        .collect()
}

fn bundle(dir: &Path) -> (PathBuf, String) {
    let b = dir.join("esn");
    let uri = format!("bundle:{}", b.display());
    (b, uri)
}

/// A fresh subtree of `n` people, already synced once into a new bundle.
struct SyncedOu {
    dir: tempfile::TempDir,
    b: PathBuf,
    to: String,
    url: String,
    ou: String,
    p: String,
}

fn synced_test_ou(name: &str, n: usize) -> SyncedOu {
    let (ou, p) = test_ou(name, n);
    let dir = tempfile::tempdir().unwrap();
    let (b, to) = bundle(dir.path());
    let url = format!("{}/{ou}", slapd().get("LDAP_URL"));
    let out = run(
        dir.path(),
        &["--yes", "users", "sync", "--from", &url, "--to", &to],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    SyncedOu {
        dir,
        b,
        to,
        url,
        ou,
        p,
    }
}

#[test]
fn first_sync_pages_past_the_size_limit_maps_everyone_then_resync_is_a_no_op() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let (b, to) = bundle(dir.path());
    let url = s.people_url();
    let out = run(
        dir.path(),
        &[
            "--yes", "-o", "json", "users", "sync", "--from", &url, "--to", &to,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json_stdout(&out);
    // 3,040 people read as the non-root account limited to 1,000 entries per search:
    // paging works. gbernard (no mail) is held; rmoreau (locked) is not created.
    assert_eq!(doc["summary"]["create"], 3038, "{}", doc["summary"]);
    let warnings = doc["warnings"].to_string();
    assert!(
        warnings.contains("gbernard") && warnings.contains("no mail"),
        "{warnings}"
    );
    let users = bundle_users(&b);
    assert_eq!(users.len(), 3038);
    assert!(!users
        .iter()
        .any(|u| u["key"] == "rmoreau" || u["key"] == "gbernard"));
    assert_eq!(find_user(&users, "xwang")["display_name"], "王小明");
    assert_eq!(find_user(&users, "tyamada")["display_name"], "山田 太郎");
    assert_eq!(
        find_user(&users, "hlefevre")["display_name"],
        "Hélène Lefèvre"
    );
    let cpetit = find_user(&users, "cpetit");
    assert_eq!(cpetit["email"], "Claire.Petit@Durand-Fils.FR");
    assert_eq!(cpetit["extra"]["other_emails"], "cpetit@durand-fils.fr");
    // The manager's DN is written `cn=Martin\, Paul`, the entry comes back as `\2C`.
    assert_eq!(find_user(&users, "TBlanc")["manager"], "pmartin");
    assert_eq!(find_user(&users, "emp00142")["manager"], "emp00042");
    let uuid = find_user(&users, "mdurand")["external_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uuid.len(), 36, "{uuid}");

    let again = run(
        dir.path(),
        &[
            "--yes",
            "-o",
            "json",
            "users",
            "sync",
            "--from",
            &url,
            "--to",
            &to,
            "--detailed-exitcode",
        ],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    let doc = json_stdout(&again);
    assert_eq!(doc["summary"]["unchanged"], 3038);
    assert_eq!(doc["changes"].as_array().unwrap().len(), 0);
}

#[test]
fn user_filter_excludes_contractors_and_disabled_filter_deactivates() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let (_, to) = bundle(dir.path());
    write_config(
        dir.path(),
        &format!(
            "[endpoints.corp]\nurl = \"{}\"\nscope = \"one\"\n\
             user_filter = \"(&(objectClass=inetOrgPerson)(!(employeeType=contractor)))\"\n\
             [endpoints.corp-interns-off]\nurl = \"{0}\"\nscope = \"one\"\n\
             disabled_filter = \"(employeeType=intern)\"\n",
            s.people_url()
        ),
    );
    let out = run(
        dir.path(),
        &[
            "--yes", "-o", "json", "users", "sync", "--from", "corp", "--to", &to,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let created = change_keys(&json_stdout(&out), "create");
    // Head office only (one level): 38 not contractors, minus rmoreau (locked), gbernard (no mail).
    assert_eq!(created.len(), 36, "{created:?}");
    assert!(!created.contains("ext-lroux") && !created.contains("ext-snguyen"));
    assert!(created.contains("lmartin"));

    // The same people with interns marked disabled: lmartin is deactivated, and the
    // contractors, new in this source, are created.
    let out = run(
        dir.path(),
        &[
            "--yes",
            "-o",
            "json",
            "users",
            "sync",
            "--from",
            "corp-interns-off",
            "--to",
            &to,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json_stdout(&out);
    assert_eq!(
        change_keys(&doc, "deactivate"),
        BTreeSet::from(["lmartin".to_string()])
    );
    assert_eq!(
        change_keys(&doc, "create"),
        BTreeSet::from(["ext-lroux".to_string(), "ext-snguyen".to_string()])
    );
}

#[test]
fn a_renamed_entry_is_an_update_of_the_same_account() {
    let SyncedOu {
        dir,
        b,
        to,
        url,
        ou,
        p,
    } = synced_test_ou("rename", 3);
    let before = find_user(&bundle_users(&b), &format!("{p}-1"))["external_id"].clone();

    ldap_admin(
        "ldapmodrdn",
        &["-r", &format!("uid={p}-1,{ou}"), &format!("uid={p}-1b")],
        "",
    );
    let out = run(
        dir.path(),
        &[
            "--yes", "-o", "json", "users", "sync", "--from", &url, "--to", &to,
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json_stdout(&out);
    assert_eq!(doc["summary"]["update"], 1, "{doc}");
    assert_eq!(doc["summary"]["create"], 0);
    assert_eq!(doc["summary"]["deactivate"], 0);
    let users = bundle_users(&b);
    assert_eq!(find_user(&users, &format!("{p}-1b"))["external_id"], before);
    assert!(!users.iter().any(|u| u["key"] == format!("{p}-1").as_str()));
}

#[test]
fn safety_limit_refuses_to_deactivate_half_the_people() {
    let SyncedOu {
        dir,
        b,
        to,
        url,
        ou,
        p,
    } = synced_test_ou("halve", 4);
    let before = std::fs::read(b.join("users.jsonl")).unwrap();

    ldap_admin(
        "ldapdelete",
        &[&format!("uid={p}-1,{ou}"), &format!("uid={p}-2,{ou}")],
        "",
    );
    let out = run(
        dir.path(),
        &[
            "--yes",
            "users",
            "sync",
            "--from",
            &url,
            "--to",
            &to,
            "--max-deactivations",
            "10%",
        ],
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to deactivate 2 of 4"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(b.join("users.jsonl")).unwrap(), before);
}

#[test]
fn wrong_base_dn_or_no_people_stops_before_any_deactivation() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let (b, to) = bundle(dir.path());
    let url = s.people_url();
    let out = run(
        dir.path(),
        &["--yes", "users", "sync", "--from", &url, "--to", &to],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = std::fs::read(b.join("users.jsonl")).unwrap();

    let ldap = s.get("LDAP_URL");
    // A base that does not exist is a failure (1); one that holds nobody is refused (4).
    for (from, needle, want) in [
        (
            format!("{ldap}/ou=nowhere,{}", s.base()),
            "no such base DN",
            1,
        ),
        (
            format!("{ldap}/ou=groups,{}", s.base()),
            "no people found",
            4,
        ),
    ] {
        let out = run(
            dir.path(),
            &[
                "--yes",
                "users",
                "sync",
                "--from",
                &from,
                "--to",
                &to,
                "--max-deactivations",
                "100%",
            ],
        );
        assert_eq!(code(&out), want, "{from}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{err}");
        assert_eq!(std::fs::read(b.join("users.jsonl")).unwrap(), before);
    }
}

#[test]
fn bad_password_is_one_line_without_the_password() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    write_config(
        dir.path(),
        &format!(
            "[endpoints.corp]\nurl = \"{}\"\nbind_dn = \"{}\"\npassword_env = \"CORP_PW\"\n",
            s.people_url(),
            s.get("LDAP_BIND_DN")
        ),
    );
    let secret = "Wr0ng-s3cret-value";
    let out = esnctl(dir.path())
        .env("CORP_PW", secret)
        .args([
            "--no-progress",
            "-vv",
            "users",
            "sync",
            "--from",
            "corp",
            "--to",
            "bundle:esn",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("invalid credentials (rc=49)"), "{err}");
    assert!(!err.contains(secret) && !String::from_utf8_lossy(&out.stdout).contains(secret));
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{err}"
    );
}

#[test]
fn unreachable_server_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: nothing listens there.
    let out = run(
        dir.path(),
        &[
            "users",
            "sync",
            "--from",
            "ldap://127.0.0.1:1/dc=x",
            "--to",
            "bundle:esn",
            "--dry-run",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("cannot reach LDAP server 127.0.0.1:1: connection refused"));
}

#[test]
fn ldaps_and_starttls_need_the_ca() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let people = format!("ou=people,{}", s.base());
    let (ldap, ldaps, ca) = (s.get("LDAP_URL"), s.get("LDAPS_URL"), s.get("LDAP_CA_FILE"));
    write_config(
        dir.path(),
        &format!(
            "[endpoints.ldaps-ca]\nurl = \"{ldaps}/{people}\"\nca_file = \"{ca}\"\nscope = \"one\"\n\
             [endpoints.ldaps-noca]\nurl = \"{ldaps}/{people}\"\n\
             [endpoints.starttls-ca]\nurl = \"{ldap}/{people}\"\nstarttls = true\nca_file = \"{ca}\"\nscope = \"one\"\n\
             [endpoints.starttls-noca]\nurl = \"{ldap}/{people}\"\nstarttls = true\n"
        ),
    );
    for ep in ["ldaps-ca", "starttls-ca"] {
        let out = run(
            dir.path(),
            &[
                "-o",
                "json",
                "users",
                "sync",
                "--from",
                ep,
                "--to",
                "bundle:esn",
                "--dry-run",
            ],
        );
        assert_eq!(code(&out), 0, "{ep}: {}", stderr(&out));
        assert_eq!(json_stdout(&out)["summary"]["create"], 38, "{ep}");
        let check = run(dir.path(), &["config", "check", ep]);
        assert_eq!(code(&check), 0, "{ep}: {}", stderr(&check));
    }
    for (ep, how) in [("ldaps-noca", "TLS"), ("starttls-noca", "StartTLS")] {
        let out = run(
            dir.path(),
            &[
                "users",
                "sync",
                "--from",
                ep,
                "--to",
                "bundle:esn",
                "--dry-run",
            ],
        );
        assert_eq!(code(&out), 1, "{ep}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{how} handshake failed")) && err.contains("unknown CA"),
            "{ep}: {err}"
        );
    }
}

#[test]
fn two_sources_merge_with_a_reported_conflict() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let ldif = dir.path().join("chamber.ldif");
    std::fs::write(
        &ldif,
        "dn: uid=zoe,ou=people,dc=chamber,dc=fr\nobjectClass: inetOrgPerson\nuid: zoe\ncn: Zoé\n\
         sn: Z\nmail: zoe@chamber.fr\n\n\
         dn: uid=hl,ou=people,dc=chamber,dc=fr\nobjectClass: inetOrgPerson\nuid: hl\ncn: H L\n\
         sn: L\nmail: Helene.Lefevre@durand-fils.fr\n\n",
    )
    .unwrap();
    let url = s.people_url();
    let ldif_uri = format!("ldif:{}", ldif.display());
    let out = run(
        dir.path(),
        &[
            "-o",
            "json",
            "users",
            "sync",
            "--from",
            &url,
            "--from",
            &ldif_uri,
            "--to",
            "bundle:esn",
            "--dry-run",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json_stdout(&out);
    let created = change_keys(&doc, "create");
    assert!(created.contains("zoe") && created.contains("emp03000"));
    // The same email in both sources: neither record is applied.
    assert!(
        !created.contains("hl") && !created.contains("hlefevre"),
        "{created:?}"
    );
    assert!(
        doc["warnings"].to_string().contains("conflict"),
        "{}",
        doc["warnings"]
    );
}

/// Communities planned by `users sync --groups` (dry run), by key: sorted member keys.
fn mirrored(
    dir: &Path,
    from: &str,
    filter: Option<&str>,
) -> (Value, HashMap<String, BTreeSet<String>>) {
    let mut args = vec![
        "-o",
        "json",
        "users",
        "sync",
        "--from",
        from,
        "--to",
        "bundle:esn",
        "--dry-run",
    ];
    args.push("--groups");
    if let Some(f) = filter {
        args.push(f);
    }
    let out = run(dir, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json_stdout(&out);
    let communities = doc["communities"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let members = c["members"]["add"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (c["key"].as_str().unwrap().to_string(), members)
        })
        .collect();
    (doc, communities)
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

#[test]
fn groups_are_mirrored_with_nested_cycles_and_big_groups_resolved() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let base = s.base();
    let (doc, c) = mirrored(dir.path(), &format!("{}/{base}", s.get("LDAP_URL")), None);
    assert_eq!(
        doc["communities"]["summary"]["create"], 9,
        "{}",
        doc["communities"]
    );
    // Not the contractor-free filter here: ext-lroux is a person read; rmoreau (locked),
    // gbernard (no mail) and the dangling uid=ex-employe are not members.
    assert_eq!(
        c["esn-pilot"],
        set(&[
            "hlefevre",
            "xwang",
            "tyamada",
            "cpetit",
            "pmartin",
            "TBlanc",
            "aodegard",
            "ext-lroux"
        ])
    );
    assert_eq!(c["esn-admins"], set(&["mdurand", "hlefevre", "lbenard"]));
    assert_eq!(
        c["nested-a"],
        set(&["jdurand", "afontaine", "nroux", "lbenard", "hnguyen"])
    );
    assert_eq!(c["nested-c"], set(&["lbenard", "hnguyen"]));
    assert_eq!(c["cycle-a"], set(&["srousseau", "vbonnet"]));
    assert_eq!(c["cycle-b"], set(&["srousseau", "vbonnet"]));
    assert_eq!(c[r"R(&D) *team\"], set(&["afontaine", "xwang"]));
    assert_eq!(c["all-stores"].len(), 3000);
    assert!(doc["communities"]["warnings"].is_array());
}

#[test]
fn group_filters_escape_values_and_follow_nesting_outside_the_selection() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let from = format!("{}/{}", s.get("LDAP_URL"), s.base());
    // A cn full of filter metacharacters: escaped, it names exactly that group.
    let (_, c) = mirrored(dir.path(), &from, Some(r"R(&D) *team\"));
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[r"R(&D) *team\"], set(&["afontaine", "xwang"]));
    // By DN: nested-b and nested-c are read although the filter does not select them.
    let (_, c) = mirrored(
        dir.path(),
        &from,
        Some(&format!("CN=nested-a,ou=Groups,{}", s.base())),
    );
    assert_eq!(c.keys().collect::<Vec<_>>(), ["nested-a"]);
    assert_eq!(c["nested-a"].len(), 5);
    // A cn glob, and an LDAP filter holding an escaped DN with a comma.
    let (_, c) = mirrored(dir.path(), &from, Some("cycle-*"));
    assert_eq!(
        c.keys().collect::<BTreeSet<_>>(),
        BTreeSet::from([&"cycle-a".to_string(), &"cycle-b".to_string()])
    );
    let f = format!(r"(member=cn=Martin\5c, Paul,ou=people,{})", s.base());
    let (_, c) = mirrored(dir.path(), &from, Some(&f));
    assert_eq!(c.keys().collect::<Vec<_>>(), ["esn-pilot"]);
    // A cn that names no group is an error, not an empty mirror.
    let out = run(
        dir.path(),
        &[
            "users",
            "sync",
            "--from",
            &from,
            "--to",
            "bundle:esn",
            "--dry-run",
            "--groups",
            "esn-pilote",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("no group matches \"esn-pilote\""));
}

#[test]
fn groups_apply_with_group_map_then_resync_changes_nothing() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let (b, to) = bundle(dir.path());
    write_config(
        dir.path(),
        &format!(
            "[endpoints.corp]\nurl = \"{}/{}\"\n[endpoints.corp.group_map]\n\"cn=esn-pilot,ou=groups,{1}\" = \"pilot\"\n\
             nested-a = \"nested\"\n",
            s.get("LDAP_URL"),
            s.base()
        ),
    );
    let args = [
        "--yes",
        "-o",
        "json",
        "users",
        "sync",
        "--from",
        "corp",
        "--to",
        &to,
        "--groups",
        "(|(cn=esn-*)(cn=nested-a))",
        "--detailed-exitcode",
    ];
    let out = run(dir.path(), &args);
    assert_eq!(code(&out), 10, "{}", stderr(&out));
    let doc = json_stdout(&out);
    let keys: BTreeSet<&str> = doc["communities"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, BTreeSet::from(["pilot", "esn-admins", "nested"]));
    let communities = std::fs::read_to_string(b.join("communities.jsonl")).unwrap();
    assert!(communities.contains("\"pilot\""), "{communities}");
    let memberships = std::fs::read_to_string(b.join("memberships.jsonl")).unwrap_or_default();
    assert_eq!(
        memberships
            .lines()
            .filter(|l| l.contains("\"nested\""))
            .count(),
        5,
        "{memberships}"
    );

    let again = run(dir.path(), &args);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert_eq!(
        json_stdout(&again)["communities"]["summary"]["unchanged"],
        3
    );
}

#[test]
fn groups_mirror_from_an_ldif_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let ldif = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ldap/base.ldif");
    let (doc, c) = mirrored(
        dir.path(),
        &format!("ldif:{}", ldif.display()),
        Some("nested-a"),
    );
    assert_eq!(doc["communities"]["summary"]["create"], 1);
    assert_eq!(
        c["nested-a"],
        set(&["jdurand", "afontaine", "nroux", "lbenard", "hnguyen"])
    );
}

#[test]
fn groups_need_a_destination_that_holds_communities() {
    let s = slapd();
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "users",
            "sync",
            "--from",
            &s.people_url(),
            "--to",
            "csv:users.csv",
            "--groups",
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("communities"), "{}", stderr(&out));
}
