//! `esnctl communities apply|list`.

use super::context::Context;
use crate::connectors::OpenOptions;
use crate::error::{ExitCode, Result};
use crate::ops::communities_apply::{self, ApplyRequest};
use crate::output::communities::{self as render, ApplyView};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CommunitiesCommand {
    /// Create and update DST's communities and memberships from a manifest (CSV or TOML)
    Apply(ApplyArgs),
    /// List the communities of an endpoint with their member counts
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Manifest: FILE.csv (one row per community) or FILE.toml ([[community]] tables)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Destination endpoint (profile or URI)
    #[arg(long, value_name = "DST")]
    pub to: String,
    /// Directory (LDAP or LDIF) that resolves `group` fields and people not yet on DST
    #[arg(long, value_name = "EP")]
    pub directory: Option<String>,
    /// Show the plan without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Archive DST communities the manifest does not list (their content is kept)
    #[arg(long)]
    pub prune: bool,
    /// Exit 0 when nothing changed, 10 when the plan had changes
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Requests in flight at once against server endpoints
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Endpoint to list (profile or URI)
    #[arg(long = "from", value_name = "EP")]
    pub from: String,
}

pub async fn run(cmd: CommunitiesCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        CommunitiesCommand::Apply(args) => apply(args, ctx).await,
        CommunitiesCommand::List(args) => list(args, ctx).await,
    }
}

async fn apply(args: ApplyArgs, ctx: &Context) -> Result<ExitCode> {
    let dest = ctx.resolve(&args.to)?;
    let directory = args
        .directory
        .as_deref()
        .map(|d| ctx.resolve(d))
        .transpose()?;
    let request = ApplyRequest {
        manifest: &args.file,
        dest: &dest,
        directory: directory.as_ref(),
        prune: args.prune,
        options: OpenOptions {
            concurrency: args.concurrency.into(),
        },
    };
    let planned = communities_apply::plan(&request, &ctx.progress).await?;
    let plan = &planned.plan;
    for w in &plan.warnings {
        ctx.warn(w);
    }
    let welcome = |c: &_| planned.welcome_for(c);
    let view = |dry_run, results| ApplyView {
        plan,
        dry_run,
        results,
        welcome: &welcome,
    };
    let changes = !plan.changes.is_empty();
    if args.dry_run || !changes {
        render::apply(&ctx.printer, &view(args.dry_run, None))?;
        return Ok(super::users::detailed(args.detailed_exitcode, changes));
    }
    if !ctx.yes {
        render::plan_to_stderr(plan);
    }
    let what = format!(
        "apply {} community changes to {}",
        plan.changes.len(),
        dest.label
    );
    if !ctx.confirm(&what)? {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::Success);
    }
    let results = communities_apply::apply(&planned, &ctx.progress).await?;
    render::apply(&ctx.printer, &view(false, Some(&results)))?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} changes failed; the others were applied. Re-run to retry.",
            results.len()
        );
        return Ok(ExitCode::Partial);
    }
    Ok(super::users::detailed(args.detailed_exitcode, changes))
}

async fn list(args: ListArgs, ctx: &Context) -> Result<ExitCode> {
    let ep = ctx.resolve(&args.from)?;
    let set = communities_apply::list(&ep, &ctx.progress).await?;
    for w in &set.warnings {
        ctx.warn(w);
    }
    render::list(&ctx.printer, &set)?;
    Ok(ExitCode::Success)
}
