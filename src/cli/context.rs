//! What every command needs: profiles, printer, progress, confirmation policy.

use super::Cli;
use crate::core::config::Config;
use crate::core::endpoint::Endpoint;
use crate::error::{Error, Result};
use crate::output::progress::BarProgress;
use crate::output::Printer;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::OnceLock;

pub struct Context {
    config_path: Option<PathBuf>,
    config: OnceLock<Config>,
    pub printer: Printer,
    pub progress: BarProgress,
    pub yes: bool,
    pub quiet: bool,
}

impl Context {
    pub fn new(cli: &Cli) -> Self {
        Context {
            config_path: cli.config.clone(),
            config: OnceLock::new(),
            printer: Printer::new(cli.output),
            progress: BarProgress::new(!cli.no_progress && !cli.quiet),
            yes: cli.yes,
            quiet: cli.quiet,
        }
    }

    /// The profiles file, loaded on first use (completions and man pages need none).
    pub fn config(&self) -> Result<&Config> {
        if let Some(cfg) = self.config.get() {
            return Ok(cfg);
        }
        let cfg = Config::load(self.config_path.as_deref())?;
        Ok(self.config.get_or_init(|| cfg))
    }

    pub fn resolve(&self, spec: &str) -> Result<Endpoint> {
        self.config()?.resolve(spec)
    }

    /// A warning on stderr, unless `--quiet`.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            eprintln!("warning: {text}");
        }
    }

    /// Asks before applying `what`; `--yes` answers for the user. Without a terminal and
    /// without `--yes` it refuses (exit 2) rather than guessing.
    pub fn confirm(&self, what: &str) -> Result<bool> {
        if self.yes {
            return Ok(true);
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(Error::usage(format!(
                "refusing to {what} without confirmation: stdin is not a terminal; \
                 re-run with --yes (or ESNCTL_YES=1), or with --dry-run to only see the plan"
            ))
            .into());
        }
        Ok(dialoguer::Confirm::new()
            .with_prompt(format!("Do you want to {what}?"))
            .default(false)
            .interact()?)
    }
}

/// Logs go to stderr: warnings by default, `-v` info, `-vv` debug, `-vvv` trace, `-q`
/// errors only; `ESNCTL_LOG` (tracing filter syntax) overrides. Colour follows NO_COLOR.
pub fn init_logging(quiet: bool, verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "info",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = std::env::var("ESNCTL_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(format!("esnctl={level},warn")));
    let ansi = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .without_time()
        .with_target(verbose >= 2)
        .init();
}
