//! Faults at run time, against the real servers where they can produce them: an LDAP
//! server that dies or hangs mid-sync, connection refused, a name that does not resolve,
//! a certificate from the wrong CA, a wrong password or token. Each gives exit 1 and one
//! clear line, and writes nothing; a re-run once the server is back completes. A SCIM
//! server answering 503 then recovering is fault injection (a proxy in front of the real
//! scim2-server): the run completes, waiting as Retry-After says.

mod common;
#[path = "scim/faults.rs"]
mod scim_faults;
#[path = "scim/server.rs"]
mod scim_server;
#[path = "common/slapd.rs"]
mod slapd;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `--no-progress -o json ARGS` in `dir` with `env`.
fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = esnctl(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["--no-progress", "-o", "json"])
        .args(args)
        .output()
        .unwrap()
}

/// Exit 1 with exactly one error line containing every piece, and `dir` unchanged.
fn assert_clean_failure(out: &Output, pieces: &[&str], what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{what}: {err}");
    let errors: Vec<_> = err.lines().filter(|l| !l.contains(" WARN ")).collect();
    assert_eq!(errors.len(), 1, "{what}: one line wanted: {err}");
    for p in pieces {
        assert!(errors[0].contains(p), "{what}: no {p:?} in {err}");
    }
}

fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.push((p, Vec::new()));
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

fn sync_to_bundle(dir: &Path, env: &[(&str, &str)], from: &str) -> Output {
    run(
        dir,
        env,
        &[
            "users",
            "sync",
            "--yes",
            "--from",
            from,
            "--to",
            "bundle:dest",
        ],
    )
}

/// The service account's bind DN and password, as environment variables.
fn creds(s: &slapd::Slapd) -> Vec<(&'static str, String)> {
    vec![
        ("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN").to_string()),
        (
            "ESNCTL_LDAP_PASSWORD",
            s.get("LDAP_BIND_PASSWORD").to_string(),
        ),
    ]
}

fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn kill(sig: &str, pid: &str) {
    let ok = Command::new("kill").args([sig, pid]).status().unwrap();
    assert!(ok.success(), "kill {sig} {pid}");
}

#[test]
fn unreachable_servers_fail_in_one_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("ESNCTL_LDAP_BIND_DN", "cn=x,dc=example"),
        ("ESNCTL_LDAP_PASSWORD", "x"),
        ("ESNCTL_SCIM_TOKEN", "x"),
        ("ESNCTL_MATRIX_TOKEN", "x"),
        ("ESNCTL_MATRIX_AS_TOKEN", "x"),
    ];
    // Port 1 on the loopback: nothing listens there (connection refused); `.invalid`
    // never resolves (RFC 6761).
    let cases = [
        ("ldap://127.0.0.1:1/dc=example", "127.0.0.1:1"),
        (
            "ldap://nonexistent.invalid/dc=example",
            "nonexistent.invalid",
        ),
        ("scim+http://127.0.0.1:1/v2", "127.0.0.1:1"),
        ("scim+http://nonexistent.invalid/v2", "nonexistent.invalid"),
        ("matrix+http://127.0.0.1:1", "127.0.0.1:1"),
        ("matrix+http://nonexistent.invalid", "nonexistent.invalid"),
    ];
    let before = snapshot(dir.path());
    for (uri, host) in cases {
        let out = run(dir.path(), &env, &["users", "list", "--from", uri]);
        assert_clean_failure(&out, &[host], uri);
        // HTTP endpoints retry a refused connection with backoff (a server restarting),
        // each such run taking seconds; a name that does not resolve fails at once.
        if uri.starts_with("ldap") {
            let out = sync_to_bundle(dir.path(), &env, uri);
            assert_clean_failure(&out, &[host], uri);
        } else if uri.starts_with("scim") {
            let csv = format!("csv:{}", fixture("users.csv").display());
            let out = run(
                dir.path(),
                &env,
                &["users", "sync", "--yes", "--from", &csv, "--to", uri],
            );
            assert_clean_failure(&out, &[host], uri);
        }
        if uri.starts_with("matrix") {
            let bundle = format!("bundle:{}", fixture("content-bundle").display());
            let out = run(
                dir.path(),
                &env,
                &["content", "copy", "--yes", "--from", &bundle, "--to", uri],
            );
            assert_clean_failure(&out, &[host], uri);
        }
        assert_eq!(snapshot(dir.path()), before, "{uri} wrote something");
    }
}

#[test]
fn ldaps_with_the_wrong_ca_or_password_fails_cleanly() {
    let s = slapd::start("faults-tls");
    let dir = tempfile::tempdir().unwrap();
    // A CA of our own, which did not sign the server's certificate.
    let ca = dir.path().join("other-ca.crt");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=not the slapd CA"])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .arg("-keyout")
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&ca)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let url = format!("{}/ou=people,{}", s.get("LDAPS_URL"), s.base());
    let profile = |ca_file: &Path| {
        std::fs::write(
            dir.path().join("esnctl.toml"),
            format!(
                "[endpoints.corp]\nurl = \"{url}\"\nca_file = \"{}\"\n",
                ca_file.display()
            ),
        )
        .unwrap();
    };
    let env_ok = [
        ("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN")),
        ("ESNCTL_LDAP_PASSWORD", s.get("LDAP_BIND_PASSWORD")),
    ];
    profile(&ca);
    let before = snapshot(dir.path());
    let out = sync_to_bundle(dir.path(), &env_ok, "corp");
    assert_clean_failure(&out, &["certificate"], "wrong CA");
    assert_eq!(snapshot(dir.path()), before, "wrong CA wrote something");
    // Without any CA file, the system roots do not know the test CA either.
    let out = sync_to_bundle(dir.path(), &env_ok, &url);
    assert_clean_failure(&out, &["certificate"], "system roots");

    // The right CA and a wrong password: refused bind, one line, nothing written.
    profile(Path::new(s.get("LDAP_CA_FILE")));
    let wrong = [
        ("ESNCTL_LDAP_BIND_DN", s.get("LDAP_BIND_DN")),
        ("ESNCTL_LDAP_PASSWORD", "wrong-password-for-faults"),
    ];
    let before = snapshot(dir.path());
    let out = sync_to_bundle(dir.path(), &wrong, "corp");
    assert_clean_failure(&out, &["49"], "wrong password");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "wrong password wrote something"
    );
    // The control: the right CA and password work.
    let out = sync_to_bundle(dir.path(), &env_ok, "corp");
    assert!(out.status.success(), "{}", stderr(&out));
    slapd::stop("faults-tls");
}

#[test]
fn slapd_dying_or_hanging_mid_sync_stops_cleanly_and_a_rerun_completes() {
    let name = "faults-restart";
    let dir = tempfile::tempdir().unwrap();
    let s = slapd::start(name);
    let owned = creds(&s);
    let first = borrow(&owned);
    let url = s.people_url();
    let out = sync_to_bundle(dir.path(), &first, &url);
    assert!(out.status.success(), "{}", stderr(&out));
    let synced = snapshot(dir.path());

    // Hanging: slapd frozen (SIGSTOP) accepts the connection but never answers; the
    // operation timeout ends the run.
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!("[endpoints.corp]\nurl = \"{url}\"\ntimeout = 2\nconnect_timeout = 2\n"),
    )
    .unwrap();
    let with_profile = snapshot(dir.path());
    kill("-STOP", s.get("LDAP_PID"));
    let out = sync_to_bundle(dir.path(), &first, "corp");
    kill("-CONT", s.get("LDAP_PID"));
    assert_clean_failure(&out, &["no answer within 2 s"], "frozen slapd");
    assert_eq!(
        snapshot(dir.path()),
        with_profile,
        "a hung read wrote something"
    );
    std::fs::remove_file(dir.path().join("esnctl.toml")).unwrap();

    // Dying mid-operation: frozen while esnctl waits for its answer, then killed.
    kill("-STOP", s.get("LDAP_PID"));
    let bin = assert_cmd::cargo::cargo_bin("esnctl");
    let child = Command::new(bin)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", dir.path().join(".xdg"))
        .envs(first.iter().copied())
        .args([
            "--no-progress",
            "users",
            "sync",
            "--yes",
            "--from",
            &url,
            "--to",
            "bundle:dest",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    kill("-KILL", s.get("LDAP_PID"));
    let out = child.wait_with_output().unwrap();
    assert_clean_failure(&out, &["127.0.0.1"], "slapd killed mid-sync");
    assert_eq!(
        snapshot(dir.path()),
        synced,
        "a broken read wrote something"
    );

    // Between runs: the server is down (connection refused), then restarted on the
    // same data; the re-run completes and finds nothing to change.
    let out = sync_to_bundle(dir.path(), &first, &url);
    assert_clean_failure(&out, &["127.0.0.1"], "slapd down");
    assert_eq!(snapshot(dir.path()), synced);
    let mut restarted = slapd::relaunch(name, &s);
    let out = run(
        dir.path(),
        &first,
        &[
            "users",
            "sync",
            "--yes",
            "--detailed-exitcode",
            "--from",
            &url,
            "--to",
            "bundle:dest",
        ],
    );
    kill("-TERM", &restarted.id().to_string());
    restarted.wait().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "re-run after restart: {}",
        stderr(&out)
    );
    assert_eq!(snapshot(dir.path()), synced);
    assert!(bundle_users(&dir.path().join("dest")).len() > 3000);
}

#[test]
fn scim_503_then_recovery_completes_honouring_retry_after() {
    let srv = scim_server::ScimServer::start("faults-503");
    // The first three requests, whatever they are, meet a server that is "down for
    // maintenance" and says when to come back.
    let rules = (0..3)
        .map(|_| scim_faults::Rule {
            method: "",
            path: "",
            body: "",
            times: 1,
            response: scim_faults::status(503, "Retry-After: 2\r\n", ""),
        })
        .collect();
    let proxy = scim_faults::start(&srv.url, rules);
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("csv:{}", fixture("users.csv").display());
    let to = format!("scim+{}/v2", proxy.url);
    let started = Instant::now();
    let out = run(
        dir.path(),
        &[("ESNCTL_SCIM_TOKEN", &srv.token)],
        &["users", "sync", "--yes", "--from", &csv, "--to", &to],
    );
    let took = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(*proxy.injected.lock().unwrap(), 3);
    // Every user exactly once.
    let mut names: Vec<_> = srv
        .users()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    let unique = names.len();
    names.dedup();
    assert_eq!(names.len(), unique, "{names:?}");
    // zrenard is inactive in the CSV: not created.
    assert_eq!(names, ["ayamada", "jlefevre", "lnoel", "mdurand"]);
    // Retry-After: 2 was waited for, not ignored (a correctness bound, not a benchmark).
    assert!(took >= Duration::from_secs(2), "retried after {took:?}");
}
