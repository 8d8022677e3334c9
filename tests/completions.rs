//! `completions/` must match what the binary generates, and man pages must be written.

mod common;

use common::*;

const SHELLS: &[(&str, &str)] = &[
    ("bash", "esnctl.bash"),
    ("zsh", "_esnctl"),
    ("fish", "esnctl.fish"),
    ("elvish", "esnctl.elv"),
    ("powershell", "_esnctl.ps1"),
];

#[test]
fn committed_completions_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SHELLS {
        let out = esnctl(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(root.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run scripts/update-completions.sh"
        );
    }
}

#[test]
fn man_pages_are_written_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    esnctl(dir.path()).args(["man", "man"]).assert().success();
    for page in [
        "esnctl.1",
        "esnctl-users.1",
        "esnctl-users-sync.1",
        "esnctl-content-validate.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join("man").join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn help_mentions_endpoints_and_output_is_one_line_per_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = esnctl(dir.path()).arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("--output") && text.contains("bundle:"),
        "{text}"
    );
}
