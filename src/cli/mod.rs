//! The command line: clap definitions and one thin `run` per command group that resolves
//! endpoints, calls `ops`, and prints through the printer.

mod communities;
mod config;
mod content;
mod content_copy;
mod context;
mod meta;
mod report;
mod rollout;
mod users;

use crate::error::{exit_code_of, ExitCode};
use crate::output::Format;
use clap::{Parser, Subcommand};
use context::Context;
use std::path::PathBuf;

/// Administration and migration toolkit for enterprise social networks.
///
/// Endpoints (--from/--to) are profile names from the config file or URIs such as
/// ldif:directory.ldif, csv:users.csv, bundle:./workspace.
#[derive(Debug, Parser)]
#[command(
    name = "esnctl",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Profiles file [default: ./esnctl.toml, then $XDG_CONFIG_HOME/esnctl/config.toml]
    #[arg(short, long, global = true, env = "ESNCTL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Result format on stdout
    #[arg(short, long, global = true, env = "ESNCTL_OUTPUT", value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Only print errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// More logs on stderr (-v info, -vv debug, -vvv trace); ESNCTL_LOG sets a filter
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Hide progress bars (they are also hidden when stderr is not a terminal)
    #[arg(long, global = true)]
    pub no_progress: bool,

    /// Answer yes to confirmations (required to apply changes when stdin is not a terminal)
    #[arg(long, global = true, env = "ESNCTL_YES", value_parser = clap::builder::FalseyValueParser::new())]
    pub yes: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Synchronise and list user accounts
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Create, update and list communities from a manifest
    #[command(subcommand)]
    Communities(communities::CommunitiesCommand),
    /// Copy, check and count content (communities, posts, threads, reactions, files)
    #[command(subcommand)]
    Content(content::ContentCommand),
    /// Roll out in phases gated on adoption: plan, status, advance, pause, resume, abort
    #[command(subcommand)]
    Rollout(rollout::RolloutCommand),
    /// Measure adoption: activation, readers, contributors, unanswered questions
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Check the profiles file and endpoints
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print shell completions to stdout
    Completions(meta::CompletionsArgs),
    /// Write man pages into a folder
    Man(meta::ManArgs),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    context::init_logging(cli.quiet, cli.verbose);
    let code = match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::Success,
        Err(err) => {
            eprintln!("error: {err:#}");
            exit_code_of(&err)
        }
    };
    std::process::ExitCode::from(code as u8)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = Context::new(&cli);
    match cli.command {
        Command::Completions(args) => meta::completions(args),
        Command::Man(args) => meta::man(args),
        command => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                match command {
                    Command::Users(cmd) => users::run(cmd, &ctx).await,
                    Command::Communities(cmd) => communities::run(cmd, &ctx).await,
                    Command::Content(cmd) => content::run(cmd, &ctx).await,
                    Command::Rollout(cmd) => rollout::run(cmd, &ctx).await,
                    Command::Report(cmd) => report::run(cmd, &ctx).await,
                    Command::Config(cmd) => config::run(cmd, &ctx).await,
                    Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
                }
            })
        }
    }
}

/// `esnctl users list | head` must end quietly, not with an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The clap command, for completions, man pages and tests.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        super::command().debug_assert();
    }
}
