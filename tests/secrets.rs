//! Secrets never leave through esnctl: every command that takes a password or a token is
//! run at `-vvv` (with a wrong secret, and with the right one where a run can succeed),
//! and the secret must appear in none of stdout, stderr, the files the run wrote (reports,
//! bundles) or the state ledger; state files are created readable by their owner only.
//! Real servers: slapd (instance "secrets"), scim2-server, Synapse (instance "secrets").

mod common;
#[path = "scim/server.rs"]
mod scim_server;
#[path = "common/slapd.rs"]
mod slapd;
#[path = "common/synapse.rs"]
mod synapse;

use common::*;
use std::path::Path;
use std::process::Output;
use std::sync::OnceLock;

fn ldap() -> &'static slapd::Slapd {
    static S: OnceLock<slapd::Slapd> = OnceLock::new();
    S.get_or_init(|| slapd::start("secrets"))
}

/// A secret no output could contain by chance.
fn wrong(what: &str) -> String {
    format!("wrong-{what}-7c1e9d2f5a8b3046")
}

/// The secrets appear nowhere: not in the output, not in any file under `dir`.
fn assert_hidden(dir: &Path, out: &Output, secrets: &[&str], what: &str) {
    let streams = [
        ("stdout", String::from_utf8_lossy(&out.stdout)),
        ("stderr", String::from_utf8_lossy(&out.stderr)),
    ];
    for secret in secrets {
        for (name, text) in &streams {
            assert!(
                !text.contains(secret),
                "{what}: the secret is in {name}:\n{text}"
            );
        }
        for file in files(dir) {
            let bytes = std::fs::read(&file).unwrap();
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{what}: the secret is in {}", file.display());
        }
    }
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `-vvv --no-progress ARGS` in `dir` with `env`.
fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = esnctl(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["-vvv", "--no-progress"])
        .args(args)
        .output()
        .unwrap()
}

fn assert_failed(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(1), "{what}: {}", stderr(out));
}

/// Every state file (the SQLite ledger and its WAL files) under `dir` is mode 0600; at
/// least one must exist.
fn assert_state_files_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let state: Vec<_> = files(dir)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains("esnctl-state")
                && [".db", ".db-wal", ".db-shm"]
                    .iter()
                    .any(|s| name.ends_with(s))
        })
        .collect();
    assert!(!state.is_empty(), "no state file in {}", dir.display());
    for p in state {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", p.display());
    }
}

#[test]
fn ldap_password_stays_hidden() {
    let s = ldap();
    let dir = tempfile::tempdir().unwrap();
    let bad = wrong("password");
    let bind = ("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN"));
    let url = s.people_url();
    for args in [
        vec!["users", "list", "--from", &url],
        vec![
            "users",
            "sync",
            "--yes",
            "--from",
            &url,
            "--to",
            "bundle:out",
        ],
        vec!["config", "check", &url],
    ] {
        let out = run(dir.path(), &[bind, ("ESNCTL_LDAP_PASSWORD", &bad)], &args);
        assert_failed(&out, &args.join(" "));
        assert_hidden(dir.path(), &out, &[&bad], &args.join(" "));
    }
    // The right password, on a run that reads everything, is not logged either.
    let good = s.get("LDAP_BIND_PASSWORD");
    let out = run(
        dir.path(),
        &[bind, ("ESNCTL_LDAP_PASSWORD", good)],
        &[
            "users",
            "sync",
            "--yes",
            "--from",
            &url,
            "--to",
            "bundle:out",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(bundle_users(&dir.path().join("out")).len() > 3000);
    assert_hidden(
        dir.path(),
        &out,
        &[good],
        "users sync with the right password",
    );

    // From a profile (password_env), through `config check`.
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.corp]\nurl = \"{url}\"\nbind_dn = \"{}\"\npassword_env = \"CORP_PW\"\n",
            s.get("LDAP_BIND_DN")
        ),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[("CORP_PW", &bad)],
        &["config", "check", "corp"],
    );
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_hidden(dir.path(), &out, &[&bad], "config check corp");
    let out = run(
        dir.path(),
        &[("CORP_PW", good)],
        &["config", "check", "corp"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_hidden(
        dir.path(),
        &out,
        &[good],
        "config check corp (right password)",
    );
}

#[test]
fn scim_token_stays_hidden() {
    let srv = scim_server::ScimServer::start("secrets");
    let dir = tempfile::tempdir().unwrap();
    let bad = wrong("scim-token");
    let csv = format!("csv:{}", fixture("users.csv").display());
    let to = srv.endpoint();
    for args in [
        vec!["users", "list", "--from", &to],
        vec!["users", "sync", "--yes", "--from", &csv, "--to", &to],
        vec!["config", "check", &to],
    ] {
        let out = run(dir.path(), &[("ESNCTL_SCIM_TOKEN", &bad)], &args);
        assert_failed(&out, &args.join(" "));
        assert_hidden(dir.path(), &out, &[&bad], &args.join(" "));
    }
    assert!(srv.users().is_empty(), "a refused token wrote users");
    let out = run(
        dir.path(),
        &[("ESNCTL_SCIM_TOKEN", &srv.token)],
        &["users", "sync", "--yes", "--from", &csv, "--to", &to],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!srv.users().is_empty());
    assert_hidden(
        dir.path(),
        &out,
        &[&srv.token],
        "users sync with the right token",
    );

    // From a token file named by a profile.
    let token_file = dir.path().join("scim.token");
    std::fs::write(&token_file, &bad).unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.esn]\nurl = \"{to}\"\ntoken_file = \"{}\"\n",
            token_file.display()
        ),
    )
    .unwrap();
    let out = run(dir.path(), &[], &["config", "check", "esn"]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_file(&token_file).unwrap();
    assert_hidden(dir.path(), &out, &[&bad], "config check with a token file");
}

#[test]
fn matrix_tokens_stay_hidden_and_the_ledger_is_private() {
    let srv = synapse::synapse("secrets");
    let dir = tempfile::tempdir().unwrap();
    let (bad, bad_as) = (wrong("matrix-token"), wrong("as-token"));
    let to = srv.uri();
    let bundle = format!("bundle:{}", fixture("content-bundle").display());
    let csv = format!("csv:{}", fixture("users.csv").display());
    let wrong_env = [
        ("ESNCTL_MATRIX_TOKEN", bad.as_str()),
        ("ESNCTL_MATRIX_AS_TOKEN", bad_as.as_str()),
    ];
    for args in [
        vec!["users", "list", "--from", &to],
        vec!["users", "sync", "--yes", "--from", &csv, "--to", &to],
        vec!["config", "check", &to],
        vec!["content", "copy", "--yes", "--from", &bundle, "--to", &to],
    ] {
        let out = run(dir.path(), &wrong_env, &args);
        assert_failed(&out, &args.join(" "));
        assert_hidden(dir.path(), &out, &[&bad, &bad_as], &args.join(" "));
    }
    // A whole copy with the right tokens: reports and ledger hold no token.
    let right_env = [
        ("ESNCTL_MATRIX_TOKEN", srv.admin_token.as_str()),
        ("ESNCTL_MATRIX_AS_TOKEN", srv.as_token.as_str()),
    ];
    let out = run(
        dir.path(),
        &right_env,
        &[
            "-o", "json", "content", "copy", "--yes", "--from", &bundle, "--to", &to,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_stdout(&out)["summary"]["posts"], 2);
    assert!(
        files(dir.path())
            .iter()
            .any(|p| p.to_string_lossy().ends_with(".migration-report.md")),
        "no report written"
    );
    assert_hidden(
        dir.path(),
        &out,
        &[&srv.admin_token, &srv.as_token],
        "content copy with the right tokens",
    );
    assert_state_files_private(dir.path());
}

#[test]
fn bundle_copy_state_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = format!("bundle:{}", fixture("content-bundle").display());
    let out = run(
        dir.path(),
        &[],
        &[
            "content",
            "copy",
            "--yes",
            "--from",
            &bundle,
            "--to",
            "bundle:out",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_state_files_private(dir.path());
}
