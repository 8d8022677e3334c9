//! An interrupted `content copy` (SIGKILL mid-run) leaves the destination intact, and
//! the next run finishes the copy with every post exactly once.

mod common;

use common::*;
use std::collections::HashSet;
use std::io::Write;
use std::time::{Duration, Instant};

const POSTS: usize = 200_000;

fn make_bundle(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("users.jsonl"),
        "{\"key\":\"léa\",\"email\":\"lea@example.com\",\"active\":true}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("communities.jsonl"),
        "{\"key\":\"général\",\"name\":\"Général\"}\n",
    )
    .unwrap();
    let mut posts =
        std::io::BufWriter::new(std::fs::File::create(dir.join("posts.jsonl")).unwrap());
    for i in 0..POSTS {
        let (ms, root) = (i * 1000, i - i % 5);
        let thread = if i % 5 == 0 {
            String::new()
        } else {
            format!(",\"thread_root\":\"p{root}\",\"parent\":\"p{root}\"")
        };
        writeln!(
            posts,
            "{{\"id\":\"p{i}\",\"community\":\"général\",\"author\":\"léa\",\"created_at\":\"{}\",\"body\":\"message n°{i} ✓\"{thread}}}",
            jiff::Timestamp::from_millisecond(1_700_000_000_000 + ms as i64).unwrap()
        )
        .unwrap();
    }
}

#[test]
fn killed_copy_resumes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    make_bundle(&dir.path().join("big"));
    let bin = assert_cmd::cargo::cargo_bin("esnctl");
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .args([
            "--no-progress",
            "content",
            "copy",
            "--from",
            "bundle:big",
            "--to",
            "bundle:out",
            "--yes",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill once the copy is under way (the ledger exists), well before it can finish.
    let start = Instant::now();
    while !dir.path().join("out.esnctl-state.db").exists()
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    if !finished_early {
        // Nothing of the interrupted run is visible: no half-written posts file.
        assert!(!dir.path().join("out/posts.jsonl").exists());
    }

    let copy = || {
        esnctl(dir.path())
            .args(["-o", "json", "content", "copy", "--from", "bundle:big"])
            .args(["--to", "bundle:out", "--yes"])
            .output()
            .unwrap()
    };
    let out = copy();
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_stdout(&out);
    let copied = report["summary"]["posts"].as_u64().unwrap()
        + report["summary"]["replies"].as_u64().unwrap()
        + report["summary"]["skipped"].as_u64().unwrap();
    assert!(copied >= POSTS as u64, "{report}");

    let text = std::fs::read_to_string(dir.path().join("out/posts.jsonl")).unwrap();
    let mut ids = HashSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            ids.insert(v["id"].as_str().unwrap().to_string()),
            "duplicate {}",
            v["id"]
        );
    }
    assert_eq!(ids.len(), POSTS);

    // A third run copies nothing.
    let out = copy();
    let report = json_stdout(&out);
    assert_eq!(report["summary"]["posts"], 0);
    assert_eq!(report["summary"]["replies"], 0);
    assert_eq!(
        report["summary"]["skipped"].as_u64().unwrap(),
        POSTS as u64 + 1
    );
}
