//! `esnctl config check [EP]`.

use super::context::Context;
use crate::error::{exit_code_of, Error, ExitCode, Result};
use crate::output::Format;
use clap::{Args, Subcommand};
use serde::Serialize;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check the profiles file, and that each endpoint (or EP) is usable
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One endpoint (profile or URI) to check; all profiles when absent
    #[arg(value_name = "EP")]
    pub endpoint: Option<String>,
}

#[derive(Serialize)]
struct CheckRow {
    endpoint: String,
    kind: Option<&'static str>,
    capabilities: Vec<String>,
    ok: bool,
    detail: String,
}

pub async fn run(cmd: ConfigCommand, ctx: &Context) -> Result<ExitCode> {
    let ConfigCommand::Check(args) = cmd;
    let config = ctx.config()?;
    let specs: Vec<String> = match args.endpoint {
        Some(ep) => vec![ep],
        None => {
            let names: Vec<String> = config.profile_names().map(str::to_string).collect();
            if names.is_empty() {
                return Err(Error::usage(match &config.path {
                    Some(p) => format!("{} defines no [endpoints.NAME] profiles", p.display()),
                    None => "no config file found (./esnctl.toml or $XDG_CONFIG_HOME/esnctl/config.toml); \
                             pass --config FILE or an endpoint to check"
                        .to_string(),
                })
                .into());
            }
            names
        }
    };
    let mut rows = Vec::new();
    let mut worst = ExitCode::Success;
    for spec in specs {
        let row = match check_one(&spec, ctx).await {
            Ok(row) => row,
            Err(err) => {
                if worst == ExitCode::Success {
                    worst = exit_code_of(&err);
                }
                CheckRow {
                    endpoint: spec,
                    kind: None,
                    capabilities: Vec::new(),
                    ok: false,
                    detail: format!("{err:#}"),
                }
            }
        };
        rows.push(row);
    }
    match ctx.printer.format {
        Format::Json => ctx.printer.json(&rows)?,
        Format::Csv => ctx.printer.csv(
            &["endpoint", "kind", "ok", "detail"],
            rows.iter().map(|r| {
                vec![
                    r.endpoint.clone(),
                    r.kind.unwrap_or_default().to_string(),
                    r.ok.to_string(),
                    r.detail.clone(),
                ]
            }),
        )?,
        Format::Table => ctx.printer.table(
            &["endpoint", "kind", "status", "detail"],
            rows.iter().map(|r| {
                vec![
                    r.endpoint.clone(),
                    r.kind.unwrap_or("-").to_string(),
                    if r.ok { "ok" } else { "FAILED" }.to_string(),
                    r.detail.clone(),
                ]
            }),
        )?,
    }
    Ok(worst)
}

async fn check_one(spec: &str, ctx: &Context) -> Result<CheckRow> {
    let ep = ctx.resolve(spec)?;
    let conn = crate::connectors::open(&ep).await?;
    let detail = conn.check().await?;
    Ok(CheckRow {
        endpoint: spec.to_string(),
        kind: Some(ep.kind.scheme()),
        capabilities: ep
            .kind
            .capabilities()
            .iter()
            .map(ToString::to_string)
            .collect(),
        ok: true,
        detail,
    })
}
