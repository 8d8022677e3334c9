//! A Viva Engage export folder made of the input (Users.csv, Groups.csv, Messages.csv,
//! split at NUL bytes), read whole as `content copy --from viva-engage-export:` reads it.
#![no_main]

use esnctl::connectors::viva_engage::VivaEngageConnector;
use esnctl::connectors::Connector;
use esnctl::core::progress::NoProgress;
use esnctl_fuzz::{check_error, scratch, split, write_files};
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 3);
    let dir = scratch();
    write_files(
        dir.path(),
        &[
            ("Users.csv", parts[0]),
            ("Groups.csv", parts[1]),
            ("Messages.csv", parts[2]),
        ],
    );
    let conn = VivaEngageConnector::new(dir.path());
    esnctl_fuzz::block_on(async {
        if let Err(e) = conn.as_read_users().unwrap().read_users(&NoProgress).await {
            check_error(&e);
        }
        match conn.as_read_content().unwrap().read_content() {
            Err(e) => check_error(&e),
            Ok(mut stream) => {
                while let Some(item) = stream.next().await {
                    if let Err(e) = item {
                        check_error(&e);
                        break;
                    }
                }
            }
        }
    });
});
