//! `rollout status`: the contract's JSON document, a summary table, or the gate checks as
//! CSV.

use super::num;
use crate::ops::rollout::gate::{Check, GateReport};
use crate::ops::rollout::status::StatusReport;
use crate::output::printer::{Format, Printer};
use serde_json::json;
use std::io;

fn check_row(c: &Check) -> Vec<String> {
    vec![
        c.name.to_string(),
        num(Some(c.want)),
        num(c.got),
        if c.passed { "yes" } else { "no" }.to_string(),
        c.note.clone().unwrap_or_default(),
    ]
}

pub fn status(printer: &Printer, s: &StatusReport) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(&json!({
            "rollout": s.rollout,
            "phase": s.phase,
            "phase_started_at": s.phase_started_at,
            "gate": s.gate.as_ref().map(|g: &GateReport| json!({
                "passed": g.passed,
                "checks": g.checks,
            })),
            "next_phase": s.next_phase,
            "next_audience": s.next_audience,
            "status": s.status.map(|x| x.as_str()).unwrap_or("not started"),
            "can_advance": s.can_advance(),
            "next_new": s.next_new,
            "provisioned": s.provisioned,
            "metrics": s.gate.as_ref().and_then(|g| g.measured.as_ref()),
            "transitions": s.transitions,
            "state_file": s.state_file,
            "warnings": s.warnings,
        })),
        Format::Csv => printer.csv_cells(
            &["check", "want", "got", "passed", "note"],
            s.gate.iter().flat_map(|g| g.checks.iter().map(check_row)),
        ),
        Format::Table => table(printer, s),
    }
}

fn table(printer: &Printer, s: &StatusReport) -> io::Result<()> {
    let status = s.status.map_or("not started", |x| x.as_str());
    printer.line(&format!("Rollout:      {} ({status})", s.rollout))?;
    match (&s.phase, s.phase_started_at) {
        (Some(p), Some(at)) => {
            let days =
                (jiff::Timestamp::now().as_second() - at.as_second()).max(0) as f64 / 86_400.0;
            printer.line(&format!(
                "Phase:        {p}, since {at} ({:.1} days)",
                (days * 10.0).floor() / 10.0
            ))?;
        }
        _ => printer.line("Phase:        none yet (the first advance enters the first phase)")?,
    }
    printer.line(&format!("Provisioned:  {} people", s.provisioned))?;
    match &s.gate {
        Some(g) if g.checks.is_empty() => {
            printer.line("Gate:         none (nothing to check before the next phase)")?
        }
        Some(g) => {
            printer.line(&format!(
                "Gate:         {}",
                if g.passed { "passes" } else { "fails" }
            ))?;
            printer.table(
                &["check", "want", "got", "passed", "note"],
                g.checks.iter().map(check_row),
            )?;
        }
        None => printer.line("Gate:         none (last phase)")?,
    }
    match &s.next_phase {
        Some(next) => {
            let size = match (s.next_audience, s.next_new) {
                (Some(a), Some(n)) => format!("{a} people in all, {n} new"),
                _ => "audience unknown".to_string(),
            };
            printer.line(&format!("Next phase:   {next} ({size})"))?;
        }
        None => printer.line("Next phase:   none")?,
    }
    if let Some(t) = s.transitions.last() {
        let forced = if t.forced { " (forced)" } else { "" };
        let reason = t
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default();
        printer.line(&format!(
            "Last change:  {}{forced} at {} by {}{reason}",
            t.kind,
            t.at,
            t.actor.as_deref().unwrap_or("unknown")
        ))?;
    }
    Ok(())
}
