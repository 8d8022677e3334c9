//! A Viva Engage export folder made of the input (Users.csv, Groups.csv, Messages.csv,
//! split at NUL bytes), read whole as `content copy --from viva-engage-export:` reads it.
#![no_main]

use esnctl::connectors::viva_engage::VivaEngageConnector;
use esnctl_fuzz::{scratch, split, write_files};
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
    esnctl_fuzz::read_export(&conn);
});
