//! A private OpenLDAP per test binary and instance name, through `scripts/slapd.sh`
//! (fixtures: tests/fixtures/ldap/README.md). Every start is a fresh directory with new
//! passwords and ports, so a test that stops the server reads the new env afterwards.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

#[derive(Clone)]
pub struct Slapd {
    pub env: HashMap<String, String>,
}

impl Slapd {
    pub fn get(&self, k: &str) -> &str {
        &self.env[k]
    }
    pub fn base(&self) -> &str {
        self.get("LDAP_BASE_DN")
    }
    /// `ldap://…/ou=people,BASE`: the 3,040 fixture people.
    pub fn people_url(&self) -> String {
        format!("{}/ou=people,{}", self.get("LDAP_URL"), self.base())
    }
}

fn script(verb: &str, name: &str) -> std::process::Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(root.join("scripts/slapd.sh"))
        .args([verb, name])
        .output()
        .expect("run scripts/slapd.sh")
}

/// Starts the instance (or finds it running) and returns its env lines.
pub fn start(name: &str) -> Slapd {
    let out = script("start", name);
    assert!(
        out.status.success(),
        "slapd.sh start {name} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Slapd { env }
}

pub fn stop(name: &str) {
    let out = script("stop", name);
    assert!(
        out.status.success(),
        "slapd.sh stop {name} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The instance folder (as `scripts/slapd.sh` lays it out).
pub fn instance_dir(name: &str) -> std::path::PathBuf {
    let services = std::env::var_os("ESNCTL_SERVICES_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/services"));
    services.join(format!("slapd-{name}"))
}

/// Starts the instance's slapd again after it was stopped or killed, on the same data,
/// ports and passwords (`scripts/slapd.sh start` would make a fresh directory, with new
/// entryUUIDs: not a restart). The launch line is the script's; slapd rewrites its own
/// pidfile, so `scripts/slapd.sh stop` works afterwards. The caller ends the process.
pub fn relaunch(name: &str, s: &Slapd) -> std::process::Child {
    let dir = instance_dir(name);
    let log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(dir.join("slapd.log"))
        .unwrap();
    let listen = format!("{}/ {}/", s.get("LDAP_URL"), s.get("LDAPS_URL"));
    let mut child = Command::new("setsid")
        .arg("/usr/sbin/slapd")
        .arg("-f")
        .arg(dir.join("slapd.conf"))
        .args(["-h", &listen, "-d", "stats"])
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("relaunch slapd");
    let addr = s.get("LDAP_URL").trim_start_matches("ldap://").to_string();
    for _ in 0..300 {
        if std::net::TcpStream::connect(&addr).is_ok() {
            return child;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("slapd {name} did not come back on {addr}");
}
