//! `esnctl users sync|list`.

use super::context::Context;
use crate::connectors::OpenOptions;
use crate::core::endpoint::Capability;
use crate::error::{ExitCode, Result};
use crate::ops::users_sync::{self, DeactivationLimit};
use crate::output::users as render;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Make DST's users match SRC's: create, update, deactivate (never delete), reactivate
    Sync(SyncArgs),
    /// List the users of an endpoint
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Source endpoint (profile or URI); repeat to merge several directories
    #[arg(long = "from", value_name = "SRC", required = true)]
    pub from: Vec<String>,
    /// Destination endpoint (profile or URI)
    #[arg(long, value_name = "DST")]
    pub to: String,
    /// Show the plan without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse (exit 4) when the plan deactivates more than N users or P% of active users
    #[arg(long, value_name = "N|P%", default_value = "10%")]
    pub max_deactivations: DeactivationLimit,
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

pub async fn run(cmd: UsersCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        UsersCommand::Sync(args) => sync(args, ctx).await,
        UsersCommand::List(args) => list(args, ctx).await,
    }
}

async fn sync(args: SyncArgs, ctx: &Context) -> Result<ExitCode> {
    let sources = args
        .from
        .iter()
        .map(|s| ctx.resolve(s))
        .collect::<Result<Vec<_>>>()?;
    let dest = ctx.resolve(&args.to)?;
    let options = OpenOptions {
        concurrency: args.concurrency.into(),
    };
    let planned = users_sync::plan(&sources, &dest, &options, &ctx.progress).await?;
    for w in &planned.plan.warnings {
        ctx.warn(w);
    }
    let changes = !planned.plan.changes.is_empty();
    if let Err(refusal) = users_sync::check_limit(&planned, args.max_deactivations) {
        render::sync(&ctx.printer, &planned.plan, true, None)?;
        return Err(refusal);
    }
    if args.dry_run || !changes {
        render::sync(&ctx.printer, &planned.plan, args.dry_run, None)?;
        return Ok(detailed(args.detailed_exitcode, changes));
    }
    if !ctx.yes {
        render::plan_to_stderr(&planned.plan);
    }
    let what = format!(
        "apply {} changes to {}",
        planned.plan.changes.len(),
        dest.label
    );
    if !ctx.confirm(&what)? {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::Success);
    }
    let results = users_sync::apply(&planned, &ctx.progress).await?;
    render::sync(&ctx.printer, &planned.plan, false, Some(&results))?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} changes failed; the others were applied. Re-run to retry.",
            results.len()
        );
        return Ok(ExitCode::Partial);
    }
    Ok(detailed(args.detailed_exitcode, changes))
}

fn detailed(enabled: bool, changes: bool) -> ExitCode {
    if enabled && changes {
        ExitCode::Changes
    } else {
        ExitCode::Success
    }
}

async fn list(args: ListArgs, ctx: &Context) -> Result<ExitCode> {
    let ep = ctx.resolve(&args.from)?;
    ep.require(Capability::ReadUsers)?;
    let conn = crate::connectors::open(&ep).await?;
    let set = conn
        .as_read_users()
        .expect("capability checked")
        .read_users(&ctx.progress)
        .await?;
    for w in &set.warnings {
        ctx.warn(w);
    }
    render::list(&ctx.printer, &set.users)?;
    Ok(ExitCode::Success)
}
