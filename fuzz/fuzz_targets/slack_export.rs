//! A Slack export folder made of the input (users.json, channels.json and one day file,
//! split at NUL bytes), read whole as `content copy --from slack-export:` reads it.
#![no_main]

use esnctl::connectors::slack_export::SlackExportConnector;
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
            ("users.json", parts[0]),
            ("channels.json", parts[1]),
            ("general/2024-03-01.json", parts[2]),
        ],
    );
    let conn = SlackExportConnector::new(dir.path());
    esnctl_fuzz::block_on(async {
        if let Err(e) = conn.as_read_users().unwrap().read_users(&NoProgress).await {
            check_error(&e);
        }
        let content = conn.as_read_content().unwrap();
        match content.read_content() {
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
