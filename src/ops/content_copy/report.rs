//! The migration report: what was copied, per entity and community, and what was left out
//! or refused and why, with the source ids — as JSON for tools and Markdown for people.

use super::{CopyReport, Omission};
use crate::core::endpoint::Endpoint;
use crate::error::Result;
use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Writes `<destination>.migration-report.json` and `.md` beside a file destination (in
/// the current folder for a server) and returns their paths.
pub fn write_report_files(report: &CopyReport, dest: &Endpoint) -> Result<(PathBuf, PathBuf)> {
    let base = super::default_state_path(dest);
    let stem = base
        .file_name()
        .map(|n| n.to_string_lossy().replace(".esnctl-state.db", ""))
        .unwrap_or_else(|| "esnctl".into());
    let json_path = base.with_file_name(format!("{stem}.migration-report.json"));
    let md_path = base.with_file_name(format!("{stem}.migration-report.md"));
    let json = serde_json::to_vec_pretty(report)?;
    std::fs::write(&json_path, json)
        .with_context(|| format!("cannot write {}", json_path.display()))?;
    std::fs::write(&md_path, markdown(report))
        .with_context(|| format!("cannot write {}", md_path.display()))?;
    Ok((json_path, md_path))
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
