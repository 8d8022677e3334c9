//! The SCIM connector passes the connector conformance suite against a real scim2-server.

mod conformance;
#[path = "scim/server.rs"]
mod server;

#[tokio::test]
async fn scim_passes_the_conformance_suite() {
    let srv = server::ScimServer::start("conformance");
    std::env::set_var("ESNCTL_SCIM_TOKEN", &srv.token);
    let ep = esnctl::core::endpoint::Endpoint::parse_uri(&srv.endpoint())
        .unwrap()
        .unwrap();
    conformance::run(&|| Box::new(esnctl::connectors::scim::ScimConnector::open(&ep, 4).unwrap()))
        .await;
}
