//! Rendering of community plans and community lists.
//!
//! Plans use the contract's summary keys (shared with `users sync`): archives count as
//! `deactivate` and unarchives as `reactivate`, while each change's `action` says
//! `archive` / `unarchive`.

use super::plan_view::{fields_json, status, summary_head};
use super::printer::{or_dash, Format, Printer};
use crate::connectors::{CommunitySet, ItemResult};
use crate::core::model::Community;
use crate::core::plan_communities::{CommunityAction, CommunityChange, CommunityPlan};
use crate::ops::manifest::TAGS_EXTRA;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

#[derive(Serialize)]
struct Members<'a> {
    add: &'a [String],
    remove: &'a [String],
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    action: CommunityAction,
    key: &'a str,
    fields: BTreeMap<&'a str, [Option<&'a str>; 2]>,
    members: Members<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    welcome_post: Option<&'a str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct PlanJson<'a> {
    dry_run: bool,
    summary: Summary,
    changes: Vec<ChangeJson<'a>>,
    warnings: &'a [String],
}

/// What the renderer needs besides the plan.
pub struct ApplyView<'a> {
    pub plan: &'a CommunityPlan,
    pub dry_run: bool,
    pub results: Option<&'a [ItemResult]>,
    /// The welcome post id planned for a change.
    pub welcome: &'a dyn Fn(&CommunityChange) -> Option<&'a str>,
}

fn summary(plan: &CommunityPlan, results: Option<&[ItemResult]>) -> Summary {
    Summary {
        create: plan.count(CommunityAction::Create),
        update: plan.count(CommunityAction::Update),
        deactivate: plan.count(CommunityAction::Archive),
        reactivate: plan.count(CommunityAction::Unarchive),
        unchanged: plan.unchanged,
        failed: results.map_or(0, |r| r.iter().filter(|r| r.is_err()).count()),
    }
}

/// The plan (and, after applying, each change's outcome) in the chosen format.
pub fn apply(printer: &Printer, view: &ApplyView<'_>) -> io::Result<()> {
    let plan = view.plan;
    let results = view.results;
    match printer.format {
        Format::Json => printer.json(&PlanJson {
            dry_run: view.dry_run,
            summary: summary(plan, results),
            changes: plan
                .changes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (status, error) = status(results, i);
                    ChangeJson {
                        action: c.action,
                        key: &c.key,
                        fields: fields_json(&c.fields),
                        members: Members {
                            add: &c.add_members,
                            remove: &c.remove_members,
                        },
                        welcome_post: (view.welcome)(c),
                        status,
                        error,
                    }
                })
                .collect(),
            warnings: &plan.warnings,
        }),
        Format::Csv => printer.csv(
            &["action", "key", "field", "old", "new", "status", "error"],
            plan.changes.iter().enumerate().flat_map(|(i, c)| {
                let (status, error) = status(results, i);
                let row = move |field: &str, old: &str, new: &str| {
                    vec![
                        c.action.as_str().to_string(),
                        c.key.clone(),
                        field.to_string(),
                        old.to_string(),
                        new.to_string(),
                        status.to_string(),
                        error.unwrap_or_default().to_string(),
                    ]
                };
                let fields = c.fields.iter().map(move |f| {
                    row(
                        &f.field,
                        f.old.as_deref().unwrap_or_default(),
                        f.new.as_deref().unwrap_or_default(),
                    )
                });
                let added = c.add_members.iter().map(move |m| row("member", "", m));
                let removed = c.remove_members.iter().map(move |m| row("member", m, ""));
                fields.chain(added).chain(removed).collect::<Vec<_>>()
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
                        let mut row = vec![
                            c.action.as_str().to_string(),
                            c.key.clone(),
                            describe(c, (view.welcome)(c).is_some()),
                        ];
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
            printer.line(&summary_line(plan, view.dry_run, results))
        }
    }
}

/// Shown on stderr before asking for confirmation, so stdout keeps one result document.
pub fn plan_to_stderr(plan: &CommunityPlan) {
    for c in &plan.changes {
        eprintln!(
            "  {:<10} {}  {}",
            c.action.as_str(),
            c.key,
            describe(c, false)
        );
    }
    eprintln!("{}", summary_line(plan, true, None));
}

fn summary_line(plan: &CommunityPlan, dry_run: bool, results: Option<&[ItemResult]>) -> String {
    let s = summary(plan, results);
    let adds: usize = plan.changes.iter().map(|c| c.add_members.len()).sum();
    let removes: usize = plan.changes.iter().map(|c| c.remove_members.len()).sum();
    let head = summary_head(dry_run, results.is_some(), plan.changes.is_empty());
    let mut line = format!(
        "{head} {} to create, {} to update, {} to archive, {} to unarchive, {} unchanged; \
         {adds} memberships to add, {removes} to remove",
        s.create, s.update, s.deactivate, s.reactivate, s.unchanged
    );
    if results.is_some() {
        line = line.replace(" to ", " ");
        line.push_str(&format!("; {} failed", s.failed));
    }
    line
}

fn describe(c: &CommunityChange, welcome: bool) -> String {
    let mut parts: Vec<String> = match c.action {
        CommunityAction::Create => {
            let d = &c.desired;
            let mut p = vec![format!("{:?} ({})", d.name, d.visibility.as_str())];
            if let Some(parent) = &d.parent {
                p.push(format!("under {parent}"));
            }
            p
        }
        CommunityAction::Archive => Vec::new(),
        _ => c
            .fields
            .iter()
            .map(|f| {
                let show = |v: &Option<String>| {
                    v.as_deref().map_or("∅".to_string(), |v| format!("{v:?}"))
                };
                format!("{}: {} → {}", f.field, show(&f.old), show(&f.new))
            })
            .collect(),
    };
    if !c.add_members.is_empty() {
        parts.push(format!("+{} member(s)", c.add_members.len()));
    }
    if !c.remove_members.is_empty() {
        parts.push(format!("-{} member(s)", c.remove_members.len()));
    }
    if welcome {
        parts.push("welcome post".into());
    }
    parts.join("; ")
}

#[derive(Serialize)]
struct ListJson<'a> {
    key: &'a str,
    name: &'a str,
    visibility: &'static str,
    parent: Option<&'a str>,
    members: usize,
    description: Option<&'a str>,
    owners: &'a [String],
    archived: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra: &'a BTreeMap<String, String>,
}

/// `communities list`: table, JSON array per the contract (`members` is a count), or CSV
/// in the manifest format, so that the file can be applied back unchanged.
pub fn list(printer: &Printer, set: &CommunitySet) -> io::Result<()> {
    let mut members: HashMap<String, Vec<&str>> = HashMap::new();
    for m in &set.memberships {
        members
            .entry(m.community.to_lowercase())
            .or_default()
            .push(m.user.as_str());
    }
    let of = |c: &Community| {
        members
            .get(&c.key.to_lowercase())
            .map_or(&[][..], Vec::as_slice)
    };
    match printer.format {
        Format::Json => printer.json(
            &set.communities
                .iter()
                .map(|c| ListJson {
                    key: &c.key,
                    name: &c.name,
                    visibility: c.visibility.as_str(),
                    parent: c.parent.as_deref(),
                    members: of(c).len(),
                    description: c.description.as_deref(),
                    owners: &c.owners,
                    archived: c.archived,
                    extra: &c.extra,
                })
                .collect::<Vec<_>>(),
        ),
        Format::Csv => {
            let extras: BTreeSet<&String> = set
                .communities
                .iter()
                .flat_map(|c| c.extra.keys())
                .filter(|k| k.as_str() != TAGS_EXTRA)
                .collect();
            let mut headers: Vec<String> = [
                "key",
                "name",
                "description",
                "visibility",
                "parent",
                "owners",
                "members",
                "tags",
                "archived",
                "member_count",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            headers.extend(extras.iter().map(|e| format!("extra.{e}")));
            let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            printer.csv(
                &header_refs,
                set.communities.iter().map(|c| {
                    let m = of(c);
                    let mut row = vec![
                        c.key.clone(),
                        c.name.clone(),
                        c.description.clone().unwrap_or_default(),
                        c.visibility.as_str().to_string(),
                        c.parent.clone().unwrap_or_default(),
                        c.owners.join(" "),
                        m.join(" "),
                        c.extra.get(TAGS_EXTRA).cloned().unwrap_or_default(),
                        c.archived.to_string(),
                        m.len().to_string(),
                    ];
                    row.extend(
                        extras
                            .iter()
                            .map(|e| c.extra.get(*e).cloned().unwrap_or_default()),
                    );
                    row
                }),
            )
        }
        Format::Table => {
            printer.table(
                &[
                    "key",
                    "name",
                    "visibility",
                    "parent",
                    "owners",
                    "members",
                    "archived",
                ],
                set.communities.iter().map(|c| {
                    vec![
                        c.key.clone(),
                        c.name.clone(),
                        c.visibility.as_str().to_string(),
                        or_dash(c.parent.as_deref()),
                        if c.owners.is_empty() {
                            "-".to_string()
                        } else {
                            c.owners.join(", ")
                        },
                        of(c).len().to_string(),
                        if c.archived { "yes" } else { "no" }.to_string(),
                    ]
                }),
            )?;
            let archived = set.communities.iter().filter(|c| c.archived).count();
            printer.line(&format!(
                "{} communities ({archived} archived), {} memberships",
                set.communities.len(),
                set.memberships.len()
            ))
        }
    }
}
