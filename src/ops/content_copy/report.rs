//! The migration report: what was copied, per entity and community, and what was left out
//! or refused and why, with the source ids — as JSON for tools and Markdown for people.

use super::{CopyReport, Omission};
use crate::core::endpoint::Endpoint;
use crate::error::Result;
use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Writes the report as `.migration-report.json` and `.md` beside a file destination
/// (`DST.migration-report.*`) or, for a server, beside its ledger: the `--state` file
/// given, else the default ledger in the current folder. Returns their paths. They name
/// people and source ids, so they are readable by their owner only, as the ledger is.
pub fn write_report_files(
    report: &CopyReport,
    dest: &Endpoint,
    state: Option<&Path>,
) -> Result<(PathBuf, PathBuf)> {
    let base = match state {
        Some(ledger) if !dest.kind.is_file() => ledger.to_path_buf(),
        _ => super::default_state_path(dest),
    };
    let name = base
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "esnctl".into());
    let stem = name
        .strip_suffix(".esnctl-state.db")
        .or_else(|| name.strip_suffix(".db"))
        .unwrap_or(&name);
    let json_path = base.with_file_name(format!("{stem}.migration-report.json"));
    let md_path = base.with_file_name(format!("{stem}.migration-report.md"));
    write_private(&json_path, &serde_json::to_vec_pretty(report)?)?;
    write_private(&md_path, markdown(report).as_bytes())?;
    Ok((json_path, md_path))
}

/// Writes `bytes` to `path`, mode 0600 (also when the file was there with another mode).
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let write = || -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(0o600);
            let file = options.open(path)?;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            (&file).write_all(bytes)
        }
        #[cfg(not(unix))]
        options.open(path)?.write_all(bytes)
    };
    write().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn markdown(r: &CopyReport) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# Migration report\n");
    let _ = writeln!(
        out,
        "- Source: `{}`\n- Destination: `{}`",
        r.source, r.destination
    );
    if let Some(state) = &r.state_file {
        let _ = writeln!(out, "- Ledger: `{state}`");
    }
    let _ = writeln!(out, "\n## Copied\n\n| entity | copied |\n|---|---|");
    for (name, n) in [
        ("users", s.users),
        ("communities", s.communities),
        ("memberships", s.memberships),
        ("posts", s.posts),
        ("replies", s.replies),
        ("reactions", s.reactions),
        ("attachments", s.attachments),
    ] {
        let _ = writeln!(out, "| {name} | {n} |");
    }
    let _ = writeln!(
        out,
        "\nAlready copied by an earlier run: {}. Left out: {}. Failed: {}.",
        s.skipped, s.left_out, s.failed
    );
    if !r.communities.is_empty() {
        let _ = writeln!(
            out,
            "\n## Per community\n\n| community | members | posts | replies |\n|---|---|---|---|"
        );
        for (key, c) in &r.communities {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(key),
                c.memberships,
                c.posts,
                c.replies
            );
        }
    }
    section(
        &mut out,
        "Left out",
        "These records were not copied on purpose.",
        &r.left_out,
    );
    section(
        &mut out,
        "Failed",
        "The destination refused these records; re-run the copy to retry them.",
        &r.failures,
    );
    out
}

/// Omissions grouped by reason, each with the source ids it concerns.
fn section(out: &mut String, title: &str, intro: &str, items: &[Omission]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n## {title}\n\n{intro}\n");
    let mut by_reason: BTreeMap<&str, Vec<&Omission>> = BTreeMap::new();
    for o in items {
        by_reason.entry(o.reason.as_str()).or_default().push(o);
    }
    for (reason, list) in by_reason {
        let _ = writeln!(out, "- {} ({}):", cell(reason), list.len());
        for o in list.iter().take(50) {
            let _ = writeln!(out, "  - {} `{}` ({})", o.kind, o.id, o.origin);
        }
        if list.len() > 50 {
            let _ = writeln!(
                out,
                "  - … and {} more (see the JSON report)",
                list.len() - 50
            );
        }
    }
}

/// Keeps user text from breaking the Markdown table it sits in.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
