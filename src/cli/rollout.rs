//! `esnctl rollout plan|status|advance|pause|resume|abort --plan FILE`.

use super::context::Context;
use crate::connectors::OpenOptions;
use crate::error::{ExitCode, Result};
use crate::ops::rollout::advance::{self, AdvanceRequest};
use crate::ops::rollout::control::{self, Control};
use crate::ops::rollout::{anchor, overview, refused, state, status, Rollout, RolloutPlan};
use crate::output::rollout as render;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Show each phase: audience size, who is new in it, communities and gate
    Plan(ReadArgs),
    /// Show the current phase, its gate checks (want/got/passed) and the next audience
    Status(StatusArgs),
    /// Enter the next phase: provision its audience, join its communities, post its
    /// welcome message (refused while the current phase's gate fails, unless --force)
    Advance(AdvanceArgs),
    /// Block `advance` until `resume`
    Pause(ControlArgs),
    /// Allow `advance` again after `pause`
    Resume(ControlArgs),
    /// Stop the rollout for good (provisioned accounts stay)
    Abort(ControlArgs),
}

#[derive(Debug, Args)]
pub struct PlanFile {
    /// Rollout plan file (TOML)
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// State file [default: beside the plan, PLAN.state.sqlite]
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub file: PlanFile,
    /// Accepted for symmetry: plan and status never change anything
    #[arg(long, hide = true)]
    pub dry_run: bool,
    /// Requests in flight at once against server endpoints
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Also write the current phase's adoption report, drawn against its gate, as a
    /// self-contained HTML page
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    #[command(flatten)]
    pub file: PlanFile,
    /// Show what advance would do without changing anything
    #[arg(long)]
    pub dry_run: bool,
    /// Advance even though the current phase's gate fails (needs --reason)
    #[arg(long, requires = "reason")]
    pub force: bool,
    /// Why (recorded in the state file with the transition; required with --force)
    #[arg(long, value_name = "TEXT", value_parser = non_blank)]
    pub reason: Option<String>,
    /// Requests in flight at once against server endpoints
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct ControlArgs {
    #[command(flatten)]
    pub file: PlanFile,
    /// Why (recorded in the state file)
    #[arg(long, value_name = "TEXT", value_parser = non_blank)]
    pub reason: Option<String>,
    /// Show what would change without changing anything
    #[arg(long)]
    pub dry_run: bool,
}

fn non_blank(s: &str) -> std::result::Result<String, String> {
    if s.trim().is_empty() {
        Err("must not be empty".into())
    } else {
        Ok(s.to_string())
    }
}

pub async fn run(cmd: RolloutCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        RolloutCommand::Plan(args) => plan(args, ctx).await,
        RolloutCommand::Status(args) => show_status(args, ctx).await,
        RolloutCommand::Advance(args) => advance(args, ctx).await,
        RolloutCommand::Pause(args) => control(args, Control::Pause, ctx),
        RolloutCommand::Resume(args) => control(args, Control::Resume, ctx),
        RolloutCommand::Abort(args) => control(args, Control::Abort, ctx),
    }
}

/// Reads the plan and resolves its endpoints like --from/--to (no I/O on them yet).
fn load(ctx: &Context, file: &PlanFile) -> Result<Rollout> {
    let plan = RolloutPlan::load(&file.plan)?;
    let resolve = |spec: &str, line: u64, field: &str| {
        ctx.resolve(spec)
            .map(|ep| anchor(ep, &plan.dir))
            .map_err(|e| e.context(format!("{}:{line}: field \"{field}\"", plan.file)))
    };
    let directory = resolve(&plan.directory, plan.directory_line, "directory")?;
    let platform = resolve(&plan.platform, plan.platform_line, "platform")?;
    let state_path = file
        .state
        .clone()
        .unwrap_or_else(|| state::default_path(&file.plan));
    Ok(Rollout {
        plan,
        directory,
        platform,
        state_path,
    })
}

fn options(concurrency: u16) -> OpenOptions {
    OpenOptions {
        concurrency: concurrency.into(),
    }
}

async fn plan(args: ReadArgs, ctx: &Context) -> Result<ExitCode> {
    let rollout = load(ctx, &args.file)?;
    let view = overview::overview(&rollout, &options(args.concurrency), &ctx.progress).await?;
    view.warnings.iter().for_each(|w| ctx.warn(w));
    render::plan(&ctx.printer, &view)?;
    Ok(ExitCode::Success)
}

async fn show_status(args: StatusArgs, ctx: &Context) -> Result<ExitCode> {
    let StatusArgs { read: args, html } = args;
    let rollout = load(ctx, &args.file)?;
    let now = jiff::Timestamp::now();
    let report = status::status(&rollout, now, &options(args.concurrency), &ctx.progress).await?;
    report.warnings.iter().for_each(|w| ctx.warn(w));
    if let Some(path) = &html {
        write_status_page(&rollout, &report, path)?;
    }
    render::status(&ctx.printer, &report)?;
    Ok(ExitCode::Success)
}

/// The adoption page of the current phase, with its gate as targets.
fn write_status_page(
    rollout: &Rollout,
    report: &status::StatusReport,
    path: &std::path::Path,
) -> Result<()> {
    let measured = report.gate.as_ref().and_then(|g| g.report.as_ref());
    let (Some(adoption), Some(phase)) = (measured, report.phase.as_deref()) else {
        return Err(crate::error::Error::usage(format!(
            "--html: nothing to draw: phase {} of rollout \"{}\" has no gate measured on the \
             platform (not started, last phase, or a gate with only min_days)",
            report
                .phase
                .as_deref()
                .map_or("(none)".into(), |p| format!("\"{p}\"")),
            report.rollout
        ))
        .into());
    };
    let targets = rollout
        .plan
        .phases
        .iter()
        .find(|p| p.name == phase)
        .and_then(|p| p.gate.as_ref())
        .map(|g| g.targets(phase));
    let page = crate::output::adoption_html::render(adoption, targets.as_ref());
    crate::output::write_file_atomically(path, page.as_bytes())
}

async fn advance(args: AdvanceArgs, ctx: &Context) -> Result<ExitCode> {
    let rollout = load(ctx, &args.file)?;
    let req = AdvanceRequest {
        force: args.force,
        reason: args.reason.clone(),
        dry_run: args.dry_run,
        options: options(args.concurrency),
    };
    let mut prepared = advance::prepare(&rollout, &req, &ctx.progress).await?;
    prepared.warnings.iter().for_each(|w| ctx.warn(w));
    if let Some(why) = &prepared.refusal {
        render::advance(&ctx.printer, &prepared, args.dry_run, None)?;
        return Err(refused(why.clone()));
    }
    if prepared.forced {
        ctx.warn(&format!(
            "the gate of phase \"{}\" fails; advancing anyway (--force): {}",
            prepared.from.as_deref().unwrap_or_default(),
            prepared.reason.as_deref().unwrap_or_default()
        ));
    }
    if args.dry_run {
        render::advance(&ctx.printer, &prepared, true, None)?;
        return Ok(ExitCode::Success);
    }
    if !ctx.yes {
        render::advance_to_stderr(&prepared);
    }
    let what = format!(
        "advance rollout \"{}\" to phase \"{}\" on {} ({} user change(s), {} community \
         join(s), {} welcome post(s))",
        prepared.rollout,
        prepared.to,
        rollout.platform.label,
        prepared.user_changes(),
        prepared.member_additions(),
        prepared.posts_to_write()
    );
    if !ctx.confirm(&what)? {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::Success);
    }
    let applied = prepared.apply(&ctx.progress).await?;
    render::advance(&ctx.printer, &prepared, false, Some(&applied))?;
    if !applied.recorded {
        eprintln!(
            "error: {} item(s) failed; the others were applied, but phase \"{}\" was not \
             entered. Re-run `esnctl rollout advance` to retry.",
            applied.failed(),
            prepared.to
        );
        return Ok(ExitCode::Partial);
    }
    Ok(ExitCode::Success)
}

fn control(args: ControlArgs, action: Control, ctx: &Context) -> Result<ExitCode> {
    let rollout = load(ctx, &args.file)?;
    let plan = control::plan(&rollout, action)?;
    if args.dry_run || !plan.changes {
        render::control(&ctx.printer, &plan, args.dry_run)?;
        return Ok(ExitCode::Success);
    }
    // Aborting is final; pausing and resuming are cheap to undo.
    if action == Control::Abort
        && !ctx.confirm(&format!(
            "abort rollout \"{}\" for good (its accounts stay provisioned)",
            rollout.plan.name
        ))?
    {
        eprintln!("Nothing was changed.");
        return Ok(ExitCode::Success);
    }
    control::apply(&rollout, &plan, args.reason.as_deref())?;
    render::control(&ctx.printer, &plan, false)?;
    Ok(ExitCode::Success)
}
