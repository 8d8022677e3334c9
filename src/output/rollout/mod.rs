//! Rendering of `rollout plan|status|advance|pause|resume|abort`.
//!
//! JSON keys of `rollout status` follow the contract (`rollout`, `phase`,
//! `phase_started_at`, `gate.passed`, `gate.checks[].name|want|got|passed`, `next_phase`,
//! `next_audience`); other keys are extras.

mod advance;
mod status;

pub use advance::{advance, advance_to_stderr};
pub use status::status;

use super::printer::{Format, Printer};
use crate::ops::rollout::control::ControlPlan;
use crate::ops::rollout::overview::PlanOverview;
use crate::ops::rollout::{Audience, Gate};
use serde_json::{json, Value};
use std::io;

/// The gate's conditions as one phrase: `min_days ≥ 14, min_activation ≥ 0.9`; empty
/// without a gate.
pub fn gate_text(gate: Option<&Gate>) -> String {
    let Some(g) = gate else {
        return String::new();
    };
    let mut parts = Vec::new();
    for (name, v, op) in [
        ("min_days", g.min_days, "≥"),
        ("min_activation", g.min_activation, "≥"),
        ("min_readers", g.min_readers, "≥"),
        ("min_contributors", g.min_contributors, "≥"),
        ("max_unanswered_hours", g.max_unanswered_hours, "≤"),
    ] {
        if let Some(v) = v {
            parts.push(format!("{name} {op} {v}"));
        }
    }
    if parts.is_empty() {
        "(empty: always passes)".into()
    } else {
        parts.join(", ")
    }
}

fn gate_json(gate: Option<&Gate>) -> Value {
    match gate {
        None => Value::Null,
        Some(g) => json!({
            "min_days": g.min_days,
            "min_activation": g.min_activation,
            "min_readers": g.min_readers,
            "min_contributors": g.min_contributors,
            "max_unanswered_hours": g.max_unanswered_hours,
        }),
    }
}

fn audience_json(a: &Audience) -> Value {
    json!({ a.kind(): a.value() })
}

fn phase_state(current: Option<usize>, i: usize) -> &'static str {
    match current {
        Some(c) if c == i => "current",
        Some(c) if i < c => "done",
        _ => "",
    }
}

/// `rollout plan`.
pub fn plan(printer: &Printer, view: &PlanOverview) -> io::Result<()> {
    let current = view.phases.iter().position(|p| p.current);
    match printer.format {
        Format::Json => {
            let phases: Vec<Value> = view
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({
                        "name": p.phase.name,
                        "audience": audience_json(&p.phase.audience),
                        "audience_size": p.audience,
                        "own": p.own,
                        "new": p.new,
                        "communities": p.phase.communities,
                        "welcome_message": p.phase.welcome_message,
                        "welcome_author": p.phase.welcome_author,
                        "gate": gate_json(p.phase.gate.as_ref()),
                        "state": Some(phase_state(current, i)).filter(|s| !s.is_empty()),
                    })
                })
                .collect();
            printer.json(&json!({
                "rollout": view.rollout,
                "directory": view.directory,
                "platform": view.platform,
                "status": view.status.map(|s| s.as_str()),
                "phase": view.current,
                "phases": phases,
                "warnings": view.warnings,
            }))
        }
        Format::Csv => printer.csv_cells(
            &[
                "phase",
                "audience",
                "audience_size",
                "new",
                "communities",
                "gate",
                "state",
            ],
            rows(view, current, ""),
        ),
        Format::Table => {
            let where_ = match (&view.current, view.status) {
                (Some(p), Some(s)) => format!("in phase \"{p}\", {}", s.as_str()),
                (None, Some(s)) => format!("not started, {}", s.as_str()),
                _ => "not started".into(),
            };
            printer.line(&format!(
                "Rollout \"{}\": {} → {} ({where_})",
                view.rollout, view.directory, view.platform
            ))?;
            printer.table(
                &[
                    "phase",
                    "audience",
                    "size",
                    "new",
                    "communities",
                    "gate",
                    "state",
                ],
                rows(view, current, "-"),
            )
        }
    }
}

/// One row per phase; `none` stands for an empty cell (`-` in tables, nothing in CSV).
fn rows<'a>(
    view: &'a PlanOverview,
    current: Option<usize>,
    none: &'a str,
) -> impl Iterator<Item = Vec<String>> + 'a {
    view.phases.iter().enumerate().map(move |(i, p)| {
        vec![
            p.phase.name.clone(),
            format!("{} {}", p.phase.audience.kind(), p.phase.audience.value()),
            p.audience.to_string(),
            p.new.to_string(),
            if p.phase.communities.is_empty() {
                none.into()
            } else {
                p.phase.communities.join(" ")
            },
            Some(gate_text(p.phase.gate.as_ref()))
                .filter(|g| !g.is_empty())
                .unwrap_or_else(|| none.into()),
            phase_state(current, i).to_string(),
        ]
    })
}

/// `rollout pause|resume|abort`.
pub fn control(printer: &Printer, plan: &ControlPlan, dry_run: bool) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(&json!({
            "rollout": plan.rollout,
            "action": plan.action.as_str(),
            "phase": plan.phase,
            "from": plan.from.as_str(),
            "to": plan.to.as_str(),
            "changed": plan.changes && !dry_run,
            "dry_run": dry_run,
        })),
        Format::Csv => printer.csv_cells(
            &["rollout", "action", "from", "to", "changed", "dry_run"],
            [vec![
                plan.rollout.clone(),
                plan.action.as_str().into(),
                plan.from.as_str().into(),
                plan.to.as_str().into(),
                (plan.changes && !dry_run).to_string(),
                dry_run.to_string(),
            ]],
        ),
        Format::Table => {
            let text = match (plan.changes, dry_run) {
                (false, _) => format!(
                    "Rollout \"{}\" is already {}: nothing to do.",
                    plan.rollout,
                    plan.to.as_str()
                ),
                (true, true) => format!(
                    "Would set rollout \"{}\" to {} (now {}); nothing was changed (dry run).",
                    plan.rollout,
                    plan.to.as_str(),
                    plan.from.as_str()
                ),
                (true, false) => format!(
                    "Rollout \"{}\" is now {} (was {}).",
                    plan.rollout,
                    plan.to.as_str(),
                    plan.from.as_str()
                ),
            };
            printer.line(&text)
        }
    }
}

/// A number as people read it: `0.62`, `14`, `n/a`.
pub(crate) fn num(v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
        Some(x) => format!("{x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gate_text_lists_conditions_and_numbers_read_well() {
        let g = Gate {
            min_days: Some(14.0),
            min_contributors: Some(0.2),
            max_unanswered_hours: Some(48.0),
            ..Default::default()
        };
        assert_eq!(
            gate_text(Some(&g)),
            "min_days ≥ 14, min_contributors ≥ 0.2, max_unanswered_hours ≤ 48"
        );
        assert_eq!(gate_text(None), "");
        assert_eq!(num(Some(3.0)), "3");
        assert_eq!(num(Some(0.625)), "0.625");
        assert_eq!(num(None), "n/a");
    }
}
