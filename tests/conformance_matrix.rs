//! The Matrix connector passes the connector conformance suite against a real Synapse
//! (`scripts/synapse.sh`, its own instance).

mod conformance;

use esnctl::connectors::matrix::MatrixConnector;
use esnctl::connectors::OpenOptions;
use esnctl::core::endpoint::Endpoint;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

#[tokio::test]
async fn matrix_passes_the_conformance_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/synapse.sh");
    // A fresh server: the suite expects an empty destination.
    let stop = Command::new(&script)
        .args(["stop", "conformance"])
        .output()
        .unwrap();
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    let out = Command::new(&script)
        .args(["start", "conformance"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env: HashMap<String, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("admin.token");
    std::fs::write(&token, &env["MATRIX_ADMIN_TOKEN"]).unwrap();
    let mut ep = Endpoint::parse_uri(&format!("matrix+{}", env["MATRIX_URL"]))
        .unwrap()
        .unwrap();
    ep.settings
        .insert("token_file".into(), token.display().to_string().into());
    let options = OpenOptions::default();
    conformance::run(&|| Box::new(MatrixConnector::open(&ep, &options).unwrap())).await;
}
