//! Safety limits of `users sync` against real targets: `--max-deactivations` refuses (exit
//! 4, nothing deactivated) a source that lost most of its users, on SCIM (scim2-server)
//! and Matrix (Synapse) as on files; and a source with nobody in it (an LDAP base that
//! exists but holds no people, a filter matching nothing, a CSV with only its header) is
//! refused whatever the limit, never read as "everyone left".

mod common;
#[path = "scim/server.rs"]
mod scim_server;
#[path = "common/slapd.rs"]
mod slapd;
#[path = "common/synapse.rs"]
mod synapse;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A users CSV of `n` people `{prefix}-1`… in `dir`.
fn people(dir: &Path, prefix: &str, n: usize) -> String {
    let path = dir.join(format!("{prefix}-{n}.csv"));
    let mut text = String::from("key,email,display_name\n");
    for i in 1..=n {
        text.push_str(&format!(
            "{prefix}-{i},{prefix}-{i}@example.com,Personne {i} é\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    format!("csv:{}", path.display())
}

fn sync(dir: &Path, env: &[(&str, &str)], from: &str, to: &str, extra: &[&str]) -> Output {
    let mut cmd = esnctl(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args([
        "--no-progress",
        "-o",
        "json",
        "users",
        "sync",
        "--yes",
        "--from",
        from,
        "--to",
        to,
    ])
    .args(extra)
    .output()
    .unwrap()
}

fn assert_refused(out: &Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    let errors: Vec<_> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(errors[0].contains(needle), "{err}");
}

#[test]
fn scim_target_is_guarded_by_max_deactivations() {
    let srv = scim_server::ScimServer::start("safety");
    let dir = tempfile::tempdir().unwrap();
    let env = [("ESNCTL_SCIM_TOKEN", srv.token.as_str())];
    let to = srv.endpoint();
    let all = people(dir.path(), "scim", 20);
    let out = sync(dir.path(), &env, &all, &to, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(srv.users().len(), 20);

    // 18 of 20 gone from the source: over the default 10% and over an explicit 5.
    let few = people(dir.path(), "scim", 2);
    for extra in [&[][..], &["--max-deactivations", "5"][..]] {
        let out = sync(dir.path(), &env, &few, &to, extra);
        assert_refused(&out, "refusing to deactivate 18 of 20");
        let active = srv.users().iter().filter(|u| u["active"] == true).count();
        assert_eq!(active, 20, "{extra:?}: a refused sync deactivated someone");
    }
    // Within the limit it goes through.
    let out = sync(dir.path(), &env, &few, &to, &["--max-deactivations", "18"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let active = srv.users().iter().filter(|u| u["active"] == true).count();
    assert_eq!(active, 2);
}

#[test]
fn matrix_target_is_guarded_by_max_deactivations() {
    let srv = synapse::synapse("safety");
    let dir = tempfile::tempdir().unwrap();
    let env = [("ESNCTL_MATRIX_TOKEN", srv.admin_token.as_str())];
    let to = srv.uri();
    let all = people(dir.path(), "mx", 12);
    let out = sync(dir.path(), &env, &all, &to, &[]);
    assert!(out.status.success(), "{}", stderr(&out));

    let few = people(dir.path(), "mx", 3);
    for extra in [&[][..], &["--max-deactivations", "50%"][..]] {
        let out = sync(dir.path(), &env, &few, &to, extra);
        assert_refused(&out, "refusing to deactivate 9 of 12");
        for i in 1..=12 {
            let u = srv.call(
                "GET",
                &format!("/_synapse/admin/v2/users/@mx-{i}:localhost"),
                None,
                None,
            );
            assert_eq!(u["deactivated"], Value::Bool(false), "{extra:?}: @mx-{i}");
        }
    }
}

#[test]
fn a_source_with_nobody_is_refused_whatever_the_limit() {
    let s = slapd::start("safety");
    let dir = tempfile::tempdir().unwrap();
    let bind = [
        ("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN")),
        ("ESNCTL_LDAP_PASSWORD", s.get("LDAP_BIND_PASSWORD")),
    ];
    let out = sync(dir.path(), &bind, &s.people_url(), "bundle:dest", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = std::fs::read(dir.path().join("dest/users.jsonl")).unwrap();

    // An LDAP base that exists but holds no people; a filter that matches nobody.
    let empty_base = format!("{}/ou=groups,{}", s.get("LDAP_URL"), s.base());
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.nobody]\nurl = \"{}\"\nuser_filter = \"(uid=no-such-person-anywhere)\"\n",
            s.people_url()
        ),
    )
    .unwrap();
    // A CSV with its header only, a bundle whose users file is empty.
    let header_only = dir.path().join("header-only.csv");
    std::fs::write(&header_only, "key,email\n").unwrap();
    let empty_bundle: PathBuf = dir.path().join("empty-bundle");
    std::fs::create_dir(&empty_bundle).unwrap();
    std::fs::write(empty_bundle.join("users.jsonl"), "").unwrap();
    for (from, needle) in [
        (empty_base, "no people found"),
        ("nobody".to_string(), "no people found"),
        (format!("csv:{}", header_only.display()), "has no users"),
        (format!("bundle:{}", empty_bundle.display()), "has no users"),
    ] {
        let out = sync(
            dir.path(),
            &bind,
            &from,
            "bundle:dest",
            &["--max-deactivations", "100%"],
        );
        assert_refused(&out, needle);
        assert_eq!(
            std::fs::read(dir.path().join("dest/users.jsonl")).unwrap(),
            before,
            "{from}"
        );
    }
    slapd::stop("safety");
}
