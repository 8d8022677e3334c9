//! Rendering of `content copy` results.

use super::printer::{Format, Printer};
use crate::ops::content_copy::CopyReport;
use std::io;

pub fn copy(printer: &Printer, report: &CopyReport) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(report),
        Format::Csv => printer.csv(
            &["kind", "id", "origin", "outcome", "reason"],
            report
                .failures
                .iter()
                .map(|o| (o, "failed"))
                .chain(report.left_out.iter().map(|o| (o, "left out")))
                .map(|(o, outcome)| {
                    vec![
                        o.kind.to_string(),
                        o.id.clone(),
                        o.origin.clone(),
                        outcome.to_string(),
                        o.reason.clone(),
                    ]
                }),
        ),
        Format::Table => {
            for (o, outcome) in report
                .failures
                .iter()
                .map(|o| (o, "failed"))
                .chain(report.left_out.iter().map(|o| (o, "left out")))
            {
                printer.line(&format!(
                    "{outcome}: {} {} ({}): {}",
                    o.kind, o.id, o.origin, o.reason
                ))?;
            }
            let s = &report.summary;
            let verb = if report.dry_run {
                "Would copy"
            } else {
                "Copied"
            };
            printer.line(&format!(
                "{verb}: {} users, {} communities, {} memberships, {} posts, {} replies, {} reactions, \
                 {} attachments; {} already copied, {} left out, {} failed",
                s.users, s.communities, s.memberships, s.posts, s.replies, s.reactions, s.attachments,
                s.skipped, s.left_out, s.failed
            ))
        }
    }
}
