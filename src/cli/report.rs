//! `esnctl report adoption`.

use super::context::Context;
use crate::error::{Error, ExitCode, Result};
use crate::ops::adoption::{self, AdoptionOptions};
use crate::output::adoption as render;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Activation, readers, contributors, unanswered questions, per community and per week
    Adoption(AdoptionArgs),
}

#[derive(Debug, Args)]
pub struct AdoptionArgs {
    /// Platform or export to measure (profile or URI), e.g. matrix+https://matrix.corp
    #[arg(long, value_name = "EP")]
    pub from: String,

    /// Start of the window: an age (30d, 4w, 12h), a date (2026-10-01) or a timestamp
    #[arg(long, value_name = "DURATION|DATE", default_value = "30d")]
    pub since: String,

    /// End of the window (same forms as --since) [default: now]
    #[arg(long, value_name = "DURATION|DATE")]
    pub until: Option<String>,

    /// Hours within which a question must get an answer from another person
    #[arg(long, value_name = "HOURS", default_value_t = 48.0, value_parser = parse_hours)]
    pub sla: f64,

    /// How many top contributors to list
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,

    /// Also write a self-contained HTML page with charts to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

fn parse_hours(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(h) if h.is_finite() && h > 0.0 => Ok(h),
        _ => Err(format!("{s:?} is not a positive number of hours")),
    }
}

pub async fn run(cmd: ReportCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        ReportCommand::Adoption(args) => adoption_report(args, ctx).await,
    }
}

async fn adoption_report(args: AdoptionArgs, ctx: &Context) -> Result<ExitCode> {
    let now = jiff::Timestamp::now().round(jiff::Unit::Second)?;
    let until = match &args.until {
        Some(u) => adoption::parse_point(u, now, "--until")?,
        None => now,
    };
    let since = adoption::parse_point(&args.since, until, "--since")?;
    let ep = ctx.resolve(&args.from)?;
    let conn = crate::connectors::open(&ep).await?;
    if !adoption::can_measure(conn.as_ref()) {
        return Err(Error::usage(format!(
            "{} ({}) cannot report adoption: it has neither activity nor content to read",
            ep.label,
            ep.kind.scheme()
        ))
        .into());
    }
    let options = AdoptionOptions {
        since,
        until,
        sla_hours: args.sla,
        population: None,
        top: args.top,
    };
    let report = adoption::measure(conn.as_ref(), &ep.label, &options, &ctx.progress).await?;
    for w in &report.warnings {
        ctx.warn(w);
    }
    if let Some(path) = &args.html {
        let page = crate::output::adoption_html::render(&report, None);
        crate::output::write_file_atomically(path, page.as_bytes())?;
    }
    render::report(&ctx.printer, &report)?;
    Ok(ExitCode::Success)
}
