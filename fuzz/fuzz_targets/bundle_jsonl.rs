//! A bundle made of the input (its six JSONL files, split at NUL bytes), read as a copy
//! reads it (checked first) and as `content validate` reads it (every line).
#![no_main]

use esnctl::connectors::bundle::BundleConnector;
use esnctl::connectors::ReadContent;
use esnctl::core::progress::NoProgress;
use esnctl::ops::content_validate;
use esnctl_fuzz::{check_error, scratch, split, write_files};
use futures::StreamExt;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 6] = [
    "users.jsonl",
    "communities.jsonl",
    "memberships.jsonl",
    "posts.jsonl",
    "reactions.jsonl",
    "attachments.jsonl",
];

fuzz_target!(|data: &[u8]| {
    let parts = split(data, FILES.len());
    let dir = scratch();
    let files: Vec<(&str, &[u8])> = FILES.iter().copied().zip(parts).collect();
    write_files(dir.path(), &files);
    let bundle = BundleConnector::new(dir.path());
    esnctl_fuzz::block_on(async {
        let mut checked_ok = true;
        match bundle.read_content() {
            Err(e) => {
                check_error(&e);
                checked_ok = false;
            }
            Ok(mut stream) => {
                while let Some(item) = stream.next().await {
                    if let Err(e) = item {
                        check_error(&e);
                        checked_ok = false;
                    }
                }
            }
        }
        let report = content_validate::validate(&bundle, &NoProgress)
            .await
            .unwrap();
        // What the copy's check refuses, validate reports (the copy's check is no stricter
        // than validate in what it looks at).
        if !checked_ok {
            assert!(
                !report.is_clean(),
                "check refused a bundle validate finds clean"
            );
        }
    });
});
