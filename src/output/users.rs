//! Rendering of user plans and user lists.

use super::plan_view::{status, summary_head};
use super::printer::{or_dash, Format, Printer};
use crate::connectors::ItemResult;
use crate::core::model::{User, USER_FIELDS};
use crate::core::plan::{Action, FieldChange, UserChange, UserPlan};
use serde::Serialize;
use std::collections::BTreeSet;
use std::io;

#[derive(Serialize)]
struct Summary {
    create: usize,
    update: usize,
    deactivate: usize,
    reactivate: usize,
    unchanged: usize,
    failed: usize,
}

fn summary(plan: &UserPlan, results: Option<&[ItemResult]>) -> Summary {
    Summary {
        create: plan.count(Action::Create),
        update: plan.count(Action::Update),
        deactivate: plan.count(Action::Deactivate),
        reactivate: plan.count(Action::Reactivate),
        unchanged: plan.unchanged,
        failed: results.map_or(0, |r| r.iter().filter(|r| r.is_err()).count()),
    }
}

/// The plan (and, after applying, each change's outcome) in the chosen format.
pub fn sync(
    printer: &Printer,
    plan: &UserPlan,
    dry_run: bool,
    results: Option<&[ItemResult]>,
) -> io::Result<()> {
    sync_with(printer, plan, dry_run, results, None)
}

/// [`sync`] with a `"communities"` object added to the JSON document (ignored by the
/// table and CSV formats, which print communities separately).
pub fn sync_with(
    printer: &Printer,
    plan: &UserPlan,
    dry_run: bool,
    results: Option<&[ItemResult]>,
    communities: Option<serde_json::Value>,
) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.write_raw(|out| {
            super::users_json::write(
                out,
                dry_run,
                &summary(plan, results),
                plan,
                results,
                communities.as_ref(),
            )
        }),
        Format::Csv => printer.csv(
            &["action", "key", "field", "old", "new", "status", "error"],
            plan.changes.iter().enumerate().flat_map(|(i, c)| {
                let (status, error) = status(results, i);
                let rows: Vec<Vec<String>> = plan
                    .fields(c)
                    .iter()
                    .map(|f| {
                        vec![
                            c.action.as_str().to_string(),
                            c.key.clone(),
                            f.field.clone(),
                            f.old.clone().unwrap_or_default(),
                            f.new.clone().unwrap_or_default(),
                            status.to_string(),
                            error.unwrap_or_default().to_string(),
                        ]
                    })
                    .collect();
                rows
            }),
        ),
        Format::Table => {
            if !plan.changes.is_empty() {
                let mut headers = vec!["action", "key", "changes"];
                if results.is_some() {
                    headers.push("status");
                }
                printer.table(
                    &headers,
                    plan.changes.iter().enumerate().map(|(i, c)| {
                        let mut row =
                            vec![c.action.as_str().to_string(), c.key.clone(), describe(c)];
                        if results.is_some() {
                            row.push(match status(results, i) {
                                (s, None) => s.to_string(),
                                (s, Some(e)) => format!("{s}: {e}"),
                            });
                        }
                        row
                    }),
                )?;
            }
            printer.line(&summary_line(plan, dry_run, results))
        }
    }
}

/// Shown on stderr before asking for confirmation, so stdout keeps one result document.
pub fn plan_to_stderr(plan: &UserPlan) {
    for c in &plan.changes {
        eprintln!("  {:<10} {}  {}", c.action.as_str(), c.key, describe(c));
    }
    eprintln!("{}", summary_line(plan, true, None));
}

fn summary_line(plan: &UserPlan, dry_run: bool, results: Option<&[ItemResult]>) -> String {
    let s = summary(plan, results);
    let head = summary_head(dry_run, results.is_some(), plan.changes.is_empty());
    let mut line = format!(
        "{head} {} to create, {} to update, {} to deactivate, {} to reactivate, {} unchanged",
        s.create, s.update, s.deactivate, s.reactivate, s.unchanged
    );
    if results.is_some() {
        line = line.replace(" to ", " ");
        line.push_str(&format!(", {} failed", s.failed));
    }
    line
}

fn describe(change: &UserChange) -> String {
    match change.action {
        Action::Create => {
            let u = &change.desired;
            match (&u.email, &u.display_name) {
                (Some(e), Some(n)) => format!("{n} <{e}>"),
                (Some(e), None) => e.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => String::new(),
            }
        }
        _ => change
            .fields
            .iter()
            .filter(|f| f.field != "active")
            .map(describe_field)
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn describe_field(f: &FieldChange) -> String {
    let show = |v: &Option<String>| v.as_deref().map_or("∅".to_string(), |v| format!("{v:?}"));
    format!("{}: {} → {}", f.field, show(&f.old), show(&f.new))
}

/// `users list`: table, JSON array of canonical users, or CSV that `csv:` reads back.
pub fn list(printer: &Printer, users: &[User]) -> io::Result<()> {
    match printer.format {
        Format::Json => printer.json(users),
        Format::Csv => {
            let extras: BTreeSet<&String> = users.iter().flat_map(|u| u.extra.keys()).collect();
            let mut headers: Vec<String> = USER_FIELDS.iter().map(|f| f.to_string()).collect();
            headers.push("active".into());
            headers.extend(extras.iter().map(|e| {
                if USER_FIELDS.contains(&e.as_str()) || e.as_str() == "active" {
                    format!("extra.{e}")
                } else {
                    e.to_string()
                }
            }));
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            printer.csv(
                &header_refs,
                users.iter().map(|u| {
                    let mut row: Vec<String> = USER_FIELDS
                        .iter()
                        .map(|f| u.field(f).unwrap_or_default().to_string())
                        .collect();
                    row.push(u.active.to_string());
                    row.extend(
                        extras
                            .iter()
                            .map(|e| u.extra.get(*e).cloned().unwrap_or_default()),
                    );
                    row
                }),
            )
        }
        Format::Table => {
            printer.table(
                &[
                    "key",
                    "email",
                    "display name",
                    "department",
                    "title",
                    "active",
                ],
                users.iter().map(|u| {
                    vec![
                        u.key.clone(),
                        or_dash(u.email.as_deref()),
                        or_dash(u.display_name.as_deref()),
                        or_dash(u.department.as_deref()),
                        or_dash(u.title.as_deref()),
                        if u.active { "yes" } else { "no" }.to_string(),
                    ]
                }),
            )?;
            let active = users.iter().filter(|u| u.active).count();
            printer.line(&format!("{} users ({active} active)", users.len()))
        }
    }
}
