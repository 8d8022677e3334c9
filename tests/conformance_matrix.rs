//! The Matrix connector passes the connector conformance suite against a real Synapse
//! (`scripts/synapse.sh`, its own fresh instance: the suite expects an empty destination).

mod conformance;
#[path = "common/synapse.rs"]
mod synapse;

use esnctl::connectors::matrix::MatrixConnector;
use esnctl::connectors::OpenOptions;

#[tokio::test]
async fn matrix_passes_the_conformance_suite() {
    let ep = synapse::synapse("conformance").endpoint();
    let options = OpenOptions::default();
    conformance::run(&|| Box::new(MatrixConnector::open(&ep, &options).unwrap())).await;
}
