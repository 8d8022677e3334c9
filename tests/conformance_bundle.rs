//! The bundle connector passes the connector conformance suite.

mod conformance;

#[tokio::test]
async fn bundle_passes_the_conformance_suite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ws");
    conformance::run(&|| Box::new(esnctl::connectors::bundle::BundleConnector::new(&path))).await;
}
