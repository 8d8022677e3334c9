//! `esnctl completions SHELL` and `esnctl man OUT_DIR`.

use crate::error::{Error, ExitCode, Result};
use clap::Args;
use clap_complete::Shell;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write the man pages into (created if missing)
    pub out_dir: PathBuf,
}

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut super::command(), "esnctl", &mut out);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out)?;
    Ok(ExitCode::Success)
}

pub fn man(args: ManArgs) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| Error::runtime(format!("cannot create {}: {e}", args.out_dir.display())))?;
    clap_mangen::generate_to(super::command(), &args.out_dir)?;
    eprintln!("man pages written to {}", args.out_dir.display());
    Ok(ExitCode::Success)
}
