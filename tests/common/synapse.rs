//! A real Synapse for integration tests, started once per test binary and instance name
//! by `scripts/synapse.sh` (fresh data each run).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

pub struct Synapse {
    pub url: String,
    pub admin_token: String,
    pub as_token: String,
    pub dir: PathBuf,
}

impl Synapse {
    /// The endpoint URI, e.g. `matrix+http://127.0.0.1:20345`.
    pub fn uri(&self) -> String {
        format!("matrix+{}", self.url)
    }
}

pub fn synapse(name: &'static str) -> &'static Synapse {
    static SERVERS: OnceLock<Mutex<HashMap<&'static str, &'static Synapse>>> = OnceLock::new();
    let mut guard = SERVERS.get_or_init(Default::default).lock().unwrap();
    guard
        .entry(name)
        .or_insert_with(|| Box::leak(Box::new(start(name))))
}

fn start(name: &str) -> Synapse {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/synapse.sh");
    let stop = Command::new(&script).args(["stop", name]).output().unwrap();
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    let out = Command::new(&script)
        .args(["start", name])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "synapse.sh start {name} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env: HashMap<String, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = root.join("target/services").join(format!("synapse-{name}"));
    Synapse {
        url: env["MATRIX_URL"].clone(),
        admin_token: env["MATRIX_ADMIN_TOKEN"].clone(),
        as_token: env["MATRIX_AS_TOKEN"].clone(),
        dir,
    }
}
