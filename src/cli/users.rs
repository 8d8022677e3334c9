//! `esnctl users sync|list`.

use super::context::Context;
use crate::connectors::OpenOptions;
use crate::core::endpoint::Capability;
use crate::error::{ExitCode, Result};
use crate::ops::groups_mirror;
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
    /// Also mirror the sources' groups into DST's communities (all groups, or those
    /// FILTER selects: an LDAP filter, a group DN or a cn with * wildcards)
    #[arg(long, value_name = "FILTER", num_args = 0..=1, default_missing_value = "")]
    pub groups: Option<String>,
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
    if args.groups.is_some() {
        groups_mirror::require(&sources, &dest)?;
    }
    let options = OpenOptions {
        concurrency: args.concurrency.into(),
    };
    let planned = users_sync::plan(&sources, &dest, &options, &ctx.progress).await?;
    for w in &planned.plan.warnings {
        ctx.warn(w);
    }
    let mirror = match &args.groups {
        Some(filter) => {
            let m = groups_mirror::plan(&sources, &dest, filter, &options, &ctx.progress).await?;
            m.plan.warnings.iter().for_each(|w| ctx.warn(w));
            Some(m)
        }
        None => None,
    };
    let mirror_plan = mirror.as_ref().map(|m| &m.plan);
    let changes =
        !planned.plan.changes.is_empty() || mirror_plan.is_some_and(|p| !p.changes.is_empty());
    if let Err(refusal) = users_sync::check_limit(&planned, args.max_deactivations) {
        show(
            ctx,
            &planned.plan,
            true,
            None,
            mirror_plan.map(|p| (p, None)),
        )?;
        return Err(refusal);
    }
    if args.dry_run || !changes {
        show(
            ctx,
            &planned.plan,
            args.dry_run,
            None,
            mirror_plan.map(|p| (p, None)),
        )?;
        return Ok(detailed(args.detailed_exitcode, changes));
    }
    if !ctx.yes {
        render::plan_to_stderr(&planned.plan);
        if let Some(p) = mirror_plan {
            crate::output::communities::plan_to_stderr(p);
        }
    }
    let what = format!(
        "apply {} changes to {}",
        planned.plan.changes.len() + mirror_plan.map_or(0, |p| p.changes.len()),
        dest.label
    );
    if !ctx.confirm(&what)? {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::Success);
    }
    let results = users_sync::apply(&planned, &ctx.progress).await?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    // Communities only after every user change succeeded: their members must exist.
    let mirror_results = match &mirror {
        Some(m) if failed == 0 => Some(groups_mirror::apply(m, &ctx.progress).await?),
        _ => None,
    };
    show(
        ctx,
        &planned.plan,
        false,
        Some(&results),
        mirror_plan.map(|p| (p, mirror_results.as_deref())),
    )?;
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} changes failed; the others were applied{}. Re-run to retry.",
            results.len(),
            if mirror.is_some() {
                " (communities were not mirrored)"
            } else {
                ""
            }
        );
        return Ok(ExitCode::Partial);
    }
    let failed_communities = mirror_results
        .iter()
        .flatten()
        .filter(|r| r.is_err())
        .count();
    if failed_communities > 0 {
        eprintln!(
            "error: {failed_communities} community changes failed; the others were applied. \
             Re-run to retry."
        );
        return Ok(ExitCode::Partial);
    }
    Ok(detailed(args.detailed_exitcode, changes))
}

/// Prints the users plan and, with `--groups`, the communities plan: one JSON document,
/// or the two tables one after the other.
fn show(
    ctx: &Context,
    plan: &crate::core::plan::UserPlan,
    dry_run: bool,
    results: Option<&[crate::connectors::ItemResult]>,
    mirror: Option<(
        &crate::core::plan_communities::CommunityPlan,
        Option<&[crate::connectors::ItemResult]>,
    )>,
) -> Result<()> {
    let json = mirror.map(|(p, r)| groups_mirror::json(p, r));
    render::sync_with(&ctx.printer, plan, dry_run, results, json)?;
    if let (Some((p, r)), false) = (
        mirror,
        matches!(ctx.printer.format, crate::output::printer::Format::Json),
    ) {
        crate::output::communities::apply(
            &ctx.printer,
            &crate::output::communities::ApplyView {
                plan: p,
                dry_run,
                results: r,
                welcome: &|_| None,
            },
        )?;
    }
    Ok(())
}

pub(super) fn detailed(enabled: bool, changes: bool) -> ExitCode {
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
