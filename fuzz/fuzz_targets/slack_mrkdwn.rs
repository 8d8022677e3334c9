//! Slack mrkdwn to Markdown, on any text (message texts come straight from the export).
#![no_main]

use esnctl::connectors::slack_export::mrkdwn::{to_markdown, Resolver};
use libfuzzer_sys::fuzz_target;

struct Known;

impl Resolver for Known {
    fn user(&self, id: &str) -> Option<&str> {
        (id == "U01").then_some("mdurand")
    }
    fn channel(&self, id: &str) -> Option<&str> {
        (id == "C01").then_some("général")
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut out = String::new();
    let mut mentions = Vec::new();
    to_markdown(text, &Known, &mut out, &mut mentions);
    // Converting appends: a second text goes after the first, untouched.
    let first = out.clone();
    to_markdown(text, &Known, &mut out, &mut mentions);
    assert!(out.starts_with(&first));
});
