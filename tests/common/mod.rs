//! Shared helpers for integration tests that drive the real `esnctl` binary.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// `esnctl` in `dir`, with a clean environment: no profile file, no ESNCTL_* settings.
pub fn esnctl(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("esnctl").expect("binary built");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", dir.join(".xdg"))
        .env_remove("ESNCTL_CONFIG")
        .env_remove("ESNCTL_OUTPUT")
        .env_remove("ESNCTL_YES")
        .env_remove("ESNCTL_LOG");
    cmd
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture file or folder into `dir` and returns the copy's path.
pub fn copy_fixture(name: &str, dir: &Path) -> PathBuf {
    let src = fixture(name);
    let dst = dir.join(src.file_name().unwrap());
    copy_recursive(&src, &dst);
    dst
}

fn copy_recursive(src: &Path, dst: &Path) {
    if src.is_dir() {
        std::fs::create_dir_all(dst).unwrap();
        for entry in std::fs::read_dir(src).unwrap() {
            let entry = entry.unwrap();
            copy_recursive(&entry.path(), &dst.join(entry.file_name()));
        }
    } else {
        std::fs::copy(src, dst).unwrap();
    }
}

/// Parses stdout as one JSON document.
pub fn json_stdout(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Reads a bundle's users.jsonl as JSON values.
pub fn bundle_users(bundle: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(bundle.join("users.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub fn find_user<'a>(users: &'a [serde_json::Value], key: &str) -> &'a serde_json::Value {
    users
        .iter()
        .find(|u| u["key"] == key)
        .unwrap_or_else(|| panic!("user {key} not in {users:#?}"))
}

/// The change for `key` in a `users sync -o json` plan.
pub fn plan_change<'a>(plan: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no change for {key}: {plan:#}"))
}

/// `esnctl -o json content stats ENDPOINT` in `dir`, which must succeed.
pub fn content_stats(dir: &Path, endpoint: &str) -> serde_json::Value {
    let out = esnctl(dir)
        .args(["-o", "json", "content", "stats", endpoint])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json_stdout(&out)
}

/// Zips every file of the folder `src` into `zip_path`, in name order and deflated (as
/// export tools do), each entry under `prefix`; then the `extra` entries, names as given.
pub fn zip_folder(src: &Path, zip_path: &Path, prefix: &str, extra: &[(&str, &[u8])]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut stack = vec![src.to_path_buf()];
    let mut files: Vec<PathBuf> = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for p in files {
        let rel = p
            .strip_prefix(src)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        zip.start_file(format!("{prefix}{rel}"), options).unwrap();
        zip.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    for (name, bytes) in extra {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}
