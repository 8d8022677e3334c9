//! `esnctl content copy`.

use super::context::Context;
use crate::error::{ExitCode, Result};
use crate::ops::content_copy::{self, CopyOptions, UnmappedPolicy};
use crate::output::copy as render;
use clap::Args;
use jiff::Timestamp;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Content source (profile or URI), e.g. slack-export:export.zip
    #[arg(long = "from", value_name = "SRC")]
    pub from: String,
    /// Destination (profile or URI), e.g. bundle:./migration
    #[arg(long, value_name = "DST")]
    pub to: String,
    /// CSV (source,target) mapping source user ids, usernames or emails to destination usernames
    #[arg(long, value_name = "FILE")]
    pub user_map: Option<PathBuf>,
    /// What to do with content of users nobody maps [default: placeholder with --user-map, else create]
    #[arg(long, value_enum, value_name = "POLICY")]
    pub unmapped: Option<UnmappedPolicy>,
    /// The placeholder account's username
    #[arg(long, value_name = "KEY", default_value = "former-employee")]
    pub placeholder_user: String,
    /// Only this community (key or name); repeat for several
    #[arg(long = "community", value_name = "NAME")]
    pub communities: Vec<String>,
    /// Only posts created at or after DATE (2024-01-31 or RFC 3339)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<Timestamp>,
    /// Only posts created before DATE
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<Timestamp>,
    /// Ledger of copied records [default: beside the destination, DST.esnctl-state.db]
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Count what would be copied without writing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Records written at once to a server destination (one ordered lane per community)
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

/// Accepts a calendar date (midnight UTC) or an RFC 3339 timestamp.
fn parse_date(text: &str) -> std::result::Result<Timestamp, String> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    text.parse::<jiff::civil::Date>()
        .map_err(|e| format!("\"{text}\" is not a date (2024-01-31) or timestamp: {e}"))?
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| e.to_string())
}

pub async fn run(args: CopyArgs, ctx: &Context) -> Result<ExitCode> {
    let source = ctx.resolve(&args.from)?;
    let dest = ctx.resolve(&args.to)?;
    if !args.dry_run
        && !ctx.confirm(&format!(
            "copy content from {} to {}",
            source.label, dest.label
        ))?
    {
        eprintln!("Nothing was copied.");
        return Ok(ExitCode::Success);
    }
    let options = CopyOptions {
        communities: args.communities,
        since: args.since,
        until: args.until,
        user_map: args.user_map,
        unmapped: args.unmapped,
        placeholder: args.placeholder_user,
        state: args.state.clone(),
        dry_run: args.dry_run,
        concurrency: args.concurrency.into(),
    };
    let report = content_copy::copy(&source, &dest, &options, &ctx.progress).await?;
    render::copy(&ctx.printer, &report)?;
    if !report.dry_run {
        let (json, md) = content_copy::write_report_files(&report, &dest, args.state.as_deref())?;
        if !ctx.quiet {
            eprintln!("Migration report: {} and {}", md.display(), json.display());
        }
    }
    if report.summary.failed > 0 {
        eprintln!(
            "error: {} record(s) could not be copied; the others were. Re-run to retry them.",
            report.summary.failed
        );
        return Ok(ExitCode::Partial);
    }
    Ok(ExitCode::Success)
}
