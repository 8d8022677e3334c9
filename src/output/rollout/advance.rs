//! `rollout advance`: the plan (dry run, refusal, before confirmation) and then what was
//! done, item by item.

use crate::connectors::ItemResult;
use crate::core::plan::Action;
use crate::ops::rollout::advance::PreparedAdvance;
use crate::ops::rollout::advance_apply::{Applied, WelcomeResult};
use crate::output::plan_view::{fields_json, status};
use crate::output::printer::{Format, Printer};
use serde_json::{json, Value};
use std::io;

/// A step's item status: `planned`, `applied`, `failed` or `not applied` (an earlier step
/// failed).
fn join_status(applied: Option<&Applied>, i: usize) -> (&'static str, Option<&str>) {
    match applied.map(|a| &a.joins[i]) {
        None => ("planned", None),
        Some(None) => ("not applied", None),
        Some(Some(Ok(()))) => ("applied", None),
        Some(Some(Err(e))) => ("failed", Some(e.as_str())),
    }
}

fn welcome_status(
    p: &PreparedAdvance,
    applied: Option<&Applied>,
    i: usize,
) -> (&'static str, Option<String>) {
    match (applied.map(|a| &a.welcome[i]), &p.welcome[i].already) {
        (None, Some(_)) => ("already posted", None),
        (None, None) => ("planned", None),
        (Some(WelcomeResult::Posted(_)), _) => ("posted", None),
        (Some(WelcomeResult::Already(_)), _) => ("already posted", None),
        (Some(WelcomeResult::Failed(e)), _) => ("failed", Some(e.clone())),
        (Some(WelcomeResult::Skipped), _) => ("not applied", None),
    }
}

fn user_results(applied: Option<&Applied>) -> Option<&[ItemResult]> {
    applied
        .map(|a| a.users.as_slice())
        .filter(|r| !r.is_empty())
}

fn count(p: &PreparedAdvance, action: Action) -> usize {
    p.users.as_ref().map_or(0, |u| u.count(action))
}

pub fn advance(
    printer: &Printer,
    p: &PreparedAdvance,
    dry_run: bool,
    applied: Option<&Applied>,
) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(&document(p, dry_run, applied)),
        Format::Csv => printer.csv_cells(
            &["item", "key", "action", "status", "error"],
            csv_rows(p, applied),
        ),
        Format::Table => table(printer, p, dry_run, applied),
    }
}

fn document(p: &PreparedAdvance, dry_run: bool, applied: Option<&Applied>) -> Value {
    let results = user_results(applied);
    let changes: Vec<Value> = p
        .users
        .iter()
        .flat_map(|plan| {
            plan.changes.iter().enumerate().map(move |(i, c)| {
                let (st, error) = status(results, i);
                let fields = plan.fields(c);
                json!({"action": c.action, "key": c.key, "fields": fields_json(&fields),
                       "status": st, "error": error})
            })
        })
        .collect();
    let communities: Vec<Value> = p
        .joins
        .iter()
        .enumerate()
        .map(|(i, j)| {
            let (st, error) = join_status(applied, i);
            json!({"key": j.change.key, "add_members": j.change.add_members, "status": st, "error": error})
        })
        .collect();
    let welcome: Vec<Value> = p
        .welcome
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (st, error) = welcome_status(p, applied, i);
            json!({"community": w.community, "author": w.post.author, "id": w.post.id,
                   "status": st, "error": error})
        })
        .collect();
    let failed = applied.map_or(0, Applied::failed);
    json!({
        "rollout": p.rollout,
        "dry_run": dry_run,
        "from_phase": p.from,
        "to_phase": p.to,
        "forced": p.forced,
        "reason": p.reason,
        "refused": p.refusal,
        "entered": applied.is_some_and(|a| a.recorded),
        "gate": p.gate.as_ref().map(|g| json!({"passed": g.passed, "checks": g.checks})),
        "audience": {"size": p.audience, "new": p.new_keys.len()},
        "summary": {
            "create": count(p, Action::Create),
            "update": count(p, Action::Update),
            "reactivate": count(p, Action::Reactivate),
            "unchanged": p.users.as_ref().map_or(0, |u| u.unchanged),
            "joins": p.member_additions(),
            "welcome_posts": p.posts_to_write(),
            "failed": failed,
        },
        "changes": changes,
        "communities": communities,
        "welcome_posts": welcome,
        "warnings": p.warnings,
    })
}

fn csv_rows(p: &PreparedAdvance, applied: Option<&Applied>) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let results = user_results(applied);
    if let Some(plan) = &p.users {
        for (i, c) in plan.changes.iter().enumerate() {
            let (st, error) = status(results, i);
            rows.push(vec![
                "user".into(),
                c.key.clone(),
                c.action.as_str().into(),
                st.into(),
                error.unwrap_or_default().into(),
            ]);
        }
    }
    for (i, j) in p.joins.iter().enumerate() {
        let (st, error) = join_status(applied, i);
        for m in &j.change.add_members {
            rows.push(vec![
                "membership".into(),
                format!("{}/{m}", j.change.key),
                "join".into(),
                st.into(),
                error.unwrap_or_default().into(),
            ]);
        }
    }
    for (i, w) in p.welcome.iter().enumerate() {
        let (st, error) = welcome_status(p, applied, i);
        rows.push(vec![
            "welcome_post".into(),
            w.community.clone(),
            "post".into(),
            st.into(),
            error.unwrap_or_default(),
        ]);
    }
    rows
}

/// The lines describing the advance, for the table output and the confirmation.
fn summary_lines(p: &PreparedAdvance, dry_run: bool) -> Vec<String> {
    let mut out = Vec::new();
    let from = p
        .from
        .as_deref()
        .map_or("(not started)".to_string(), |f| format!("\"{f}\""));
    out.push(format!(
        "Rollout \"{}\": {from} → \"{}\"{}",
        p.rollout,
        p.to,
        if dry_run { " (dry run)" } else { "" }
    ));
    if let Some(g) = &p.gate {
        let verdict = match (g.passed, p.forced) {
            (true, _) => "passes".to_string(),
            (false, true) => format!("fails, forced: {}", p.reason.as_deref().unwrap_or_default()),
            (false, false) => "fails".to_string(),
        };
        out.push(format!(
            "Gate of \"{}\": {verdict}",
            p.from.as_deref().unwrap_or_default()
        ));
        for f in g.failures() {
            out.push(format!("  - {f}"));
        }
    }
    if p.users.is_some() {
        out.push(format!(
            "Audience:  {} people, {} new to the rollout",
            p.audience,
            p.new_keys.len()
        ));
        out.push(format!(
            "Users:     {} to create, {} to update, {} to reactivate, {} unchanged",
            count(p, Action::Create),
            count(p, Action::Update),
            count(p, Action::Reactivate),
            p.users.as_ref().map_or(0, |u| u.unchanged)
        ));
        for j in &p.joins {
            out.push(format!(
                "Community: {} +{} members",
                j.change.key,
                j.change.add_members.len()
            ));
        }
        for w in &p.welcome {
            let how = if w.already.is_some() {
                "already posted"
            } else {
                "to post"
            };
            out.push(format!(
                "Welcome:   in {} as {} ({how})",
                w.community, w.post.author
            ));
        }
    }
    out
}

/// The plan on stderr before the confirmation question.
pub fn advance_to_stderr(p: &PreparedAdvance) {
    for line in summary_lines(p, false) {
        eprintln!("{line}");
    }
}

fn table(
    printer: &Printer,
    p: &PreparedAdvance,
    dry_run: bool,
    applied: Option<&Applied>,
) -> io::Result<()> {
    for line in summary_lines(p, dry_run) {
        printer.line(&line)?;
    }
    let results = user_results(applied);
    if let Some(plan) = p.users.as_ref().filter(|u| !u.changes.is_empty()) {
        printer.table(
            &["action", "key", "status"],
            plan.changes.iter().enumerate().map(|(i, c)| {
                let (st, error) = status(results, i);
                let st = error.map_or(st.to_string(), |e| format!("{st}: {e}"));
                vec![c.action.as_str().to_string(), c.key.clone(), st]
            }),
        )?;
    }
    if let Some(a) = applied {
        let text = if a.recorded {
            format!("Entered phase \"{}\".", p.to)
        } else {
            format!(
                "{} item(s) failed: phase \"{}\" was not entered.",
                a.failed(),
                p.to
            )
        };
        printer.line(&text)?;
    }
    Ok(())
}
