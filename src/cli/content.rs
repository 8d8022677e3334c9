//! `esnctl content validate|copy`.

use super::context::Context;
use crate::core::endpoint::Capability;
use crate::error::{Error, ExitCode, Result};
use crate::ops::content_validate;
use crate::output::content as render;
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ContentCommand {
    /// Check every reference and checksum of a content source; exit 3 when a problem is found
    Validate(ValidateArgs),
    /// Copy communities, posts, threads, reactions and files from SRC to DST (resumable)
    Copy(super::content_copy::CopyArgs),
    /// Count the users, communities, posts, replies, reactions and attachments of SRC
    Stats(StatsArgs),
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Content source (profile or URI), e.g. slack-export:export.zip
    #[arg(value_name = "SRC")]
    pub source: String,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Content source (profile or URI), e.g. bundle:./workspace
    #[arg(value_name = "SRC")]
    pub source: String,
}

pub async fn run(cmd: ContentCommand, ctx: &Context) -> Result<ExitCode> {
    match cmd {
        ContentCommand::Validate(args) => validate(args, ctx).await,
        ContentCommand::Copy(args) => super::content_copy::run(args, ctx).await,
        ContentCommand::Stats(args) => stats(args, ctx).await,
    }
}

async fn stats(args: StatsArgs, ctx: &Context) -> Result<ExitCode> {
    let ep = ctx.resolve(&args.source)?;
    ep.require(Capability::ReadContent)?;
    let conn = crate::connectors::open(&ep).await?;
    let reader = conn.as_read_content().expect("capability checked");
    let stats = crate::ops::content_stats::stats(reader, &ctx.progress).await?;
    render::stats(&ctx.printer, &stats)?;
    Ok(ExitCode::Success)
}

async fn validate(args: ValidateArgs, ctx: &Context) -> Result<ExitCode> {
    let ep = ctx.resolve(&args.source)?;
    ep.require(Capability::ReadContent)?;
    let conn = crate::connectors::open(&ep).await?;
    let reader = conn.as_read_content().expect("capability checked");
    let report = content_validate::validate(reader, &ctx.progress).await?;
    render::validation(&ctx.printer, &report)?;
    if report.total_problems() > 0 {
        return Err(Error::invalid_data(format!(
            "{}: {} problem(s) found",
            ep.label,
            report.total_problems()
        ))
        .into());
    }
    Ok(ExitCode::Success)
}
