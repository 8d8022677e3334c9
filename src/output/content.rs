//! Rendering of content validation reports.

use super::printer::{Format, Printer};
use crate::ops::content_stats::ContentStats;
use crate::ops::content_validate::ValidationReport;
use std::io;

pub fn validation(printer: &Printer, report: &ValidationReport) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(report),
        Format::Csv => printer.csv(
            &["origin", "field", "message"],
            report
                .problems
                .iter()
                .map(|p| vec![p.origin.clone(), p.field.clone(), p.message.clone()]),
        ),
        Format::Table => {
            for p in &report.problems {
                // A line that is unreadable as a whole has no field to name.
                let field = match p.field.as_str() {
                    "" => String::new(),
                    f => format!("field \"{f}\": "),
                };
                printer.line(&format!("{}: {field}{}", p.origin, p.message))?;
            }
            let c = &report.counts;
            let shown = report.problems.len();
            let total = report.total_problems();
            let more = if total > shown {
                format!(" (first {shown} shown)")
            } else {
                String::new()
            };
            printer.line(&format!(
                "{} users, {} communities, {} memberships, {} posts ({} replies), {} reactions, \
                 {} attachments: {total} problem(s){more}",
                c.users,
                c.communities,
                c.memberships,
                c.posts,
                c.replies,
                c.reactions,
                c.attachments
            ))
        }
    }
}

/// `content stats`: one row of counts (table and CSV), or `{"summary": {...}}` (JSON).
pub fn stats(printer: &Printer, stats: &ContentStats) -> io::Result<()> {
    let c = &stats.summary;
    let headers = [
        "users",
        "communities",
        "memberships",
        "posts",
        "replies",
        "reactions",
        "attachments",
    ];
    let row = [
        c.users,
        c.communities,
        c.memberships,
        c.posts,
        c.replies,
        c.reactions,
        c.attachments,
    ]
    .map(|n| n.to_string())
    .to_vec();
    match printer.format {
        Format::Json => printer.json(stats),
        Format::Csv => printer.csv(&headers, [row]),
        Format::Table => printer.table(&headers, [row]),
    }
}
