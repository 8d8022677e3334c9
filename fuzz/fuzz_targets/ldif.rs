//! LDIF, as `users sync --from ldif:FILE` reads it: parsing, then mapping entries to users
//! and groups.
#![no_main]

use esnctl::connectors::ldif::LdifConnector;
use esnctl::connectors::Connector;
use esnctl::core::endpoint::Endpoint;
use esnctl::core::progress::NoProgress;
use esnctl_fuzz::{check_error, scratch, write_files};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = scratch();
    write_files(dir.path(), &[("in.ldif", data)]);
    let uri = format!("ldif:{}", dir.path().join("in.ldif").display());
    let endpoint = Endpoint::parse_uri(&uri).unwrap().unwrap();
    let conn = LdifConnector::open(&endpoint).unwrap();
    esnctl_fuzz::block_on(async {
        if let Err(e) = conn.as_read_users().unwrap().read_users(&NoProgress).await {
            check_error(&e);
        }
        if let Some(groups) = conn.as_read_groups() {
            if let Err(e) = groups.read_groups(None).await {
                check_error(&e);
            }
        }
    });
});
