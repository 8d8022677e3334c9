//! `esnctl content validate`.

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
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Content source (profile or URI), e.g. bundle:./workspace
    #[arg(value_name = "SRC")]
    pub source: String,
}

pub async fn run(cmd: ContentCommand, ctx: &Context) -> Result<ExitCode> {
    let ContentCommand::Validate(args) = cmd;
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
