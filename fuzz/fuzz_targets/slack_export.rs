//! A Slack export folder made of the input (users.json, channels.json and one day file,
//! split at NUL bytes), read whole as `content copy --from slack-export:` reads it.
#![no_main]

use esnctl::connectors::slack_export::SlackExportConnector;
use esnctl_fuzz::{scratch, split, write_files};
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
    esnctl_fuzz::read_export(&conn);
});
