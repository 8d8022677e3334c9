//! `report adoption` on stdout: sections of tables for people, the report as one JSON
//! document, or one long-format CSV (`section,item,metric,value`) for spreadsheets.

use super::{Format, Printer};
use crate::error::Result;
use crate::ops::adoption::AdoptionReport;

/// `n/a` for a figure the source cannot know (never 0).
fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "n/a".into(), |n| n.to_string())
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".into(), |r| format!("{:.1}%", r * 100.0))
}

fn opt(n: Option<u64>) -> String {
    n.map_or_else(String::new, |n| n.to_string())
}

pub fn report(p: &Printer, r: &AdoptionReport) -> Result<()> {
    match p.format {
        Format::Json => p.json(r)?,
        Format::Csv => p.csv_cells(&["section", "item", "metric", "value"], rows(r))?,
        Format::Table => table(p, r)?,
    }
    Ok(())
}

fn table(p: &Printer, r: &AdoptionReport) -> Result<()> {
    p.line(&format!(
        "Adoption of {} from {} to {} (answer SLA {} h)",
        r.source, r.window.since, r.window.until, r.sla_hours
    ))?;
    p.line("")?;
    let u = &r.users;
    p.table(
        &["metric", "users", "rate"],
        [
            vec![
                "provisioned".into(),
                u.provisioned.to_string(),
                String::new(),
            ],
            vec![
                "activated".into(),
                count(u.activated),
                percent(r.rates.activation),
            ],
            vec!["readers".into(), count(u.readers), percent(r.rates.readers)],
            vec![
                "contributors".into(),
                count(u.contributors),
                percent(r.rates.contributors),
            ],
        ],
    )?;
    p.line("")?;
    p.line(&format!(
        "Questions: {} asked, {} not answered within {} h{}",
        r.questions,
        r.unanswered_questions.len(),
        r.sla_hours,
        r.longest_wait_hours
            .map(|h| format!(" (longest wait {h} h)"))
            .unwrap_or_default()
    ))?;
    if !r.unanswered_questions.is_empty() {
        p.line("")?;
        p.table(
            &["asked at", "waited (h)", "community", "author", "question"],
            r.unanswered_questions.iter().map(|q| {
                vec![
                    q.asked_at.to_string(),
                    q.age_hours.to_string(),
                    q.community.clone().unwrap_or_else(|| "-".into()),
                    q.author.clone(),
                    q.excerpt.clone(),
                ]
            }),
        )?;
    }
    if !r.top_contributors.is_empty() {
        p.line("")?;
        p.table(
            &["top contributor", "posts", "replies", "reactions"],
            r.top_contributors.iter().map(|c| {
                vec![
                    c.user.clone(),
                    c.posts.to_string(),
                    c.replies.to_string(),
                    c.reactions.to_string(),
                ]
            }),
        )?;
    }
    if !r.communities.is_empty() {
        p.line("")?;
        p.table(
            &[
                "community",
                "members",
                "posts",
                "replies",
                "reactions",
                "contributors",
            ],
            r.communities.iter().map(|c| {
                vec![
                    c.key.clone(),
                    count(c.members),
                    c.posts.to_string(),
                    c.replies.to_string(),
                    c.reactions.to_string(),
                    c.contributors.to_string(),
                ]
            }),
        )?;
    }
    // Quiet weeks are left out of the table (JSON and CSV keep every week).
    let active: Vec<_> = r.weekly.iter().filter(|w| w.contributors > 0).collect();
    p.line("")?;
    if active.len() < r.weekly.len() {
        p.line(&format!(
            "{} of {} weeks had contributions:",
            active.len(),
            r.weekly.len()
        ))?;
    }
    p.table(
        &["week of", "contributors", "posts", "replies", "reactions"],
        active.iter().map(|w| {
            vec![
                w.week.to_string(),
                w.contributors.to_string(),
                w.posts.to_string(),
                w.replies.to_string(),
                w.reactions.to_string(),
            ]
        }),
    )?;
    Ok(())
}

/// Every figure as `section,item,metric,value`; unknown figures are empty cells.
fn rows(r: &AdoptionReport) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut push = |section: &str, item: &str, metric: &str, value: String| {
        out.push(vec![section.into(), item.into(), metric.into(), value]);
    };
    push("window", "", "since", r.window.since.to_string());
    push("window", "", "until", r.window.until.to_string());
    push("window", "", "sla_hours", r.sla_hours.to_string());
    let u = &r.users;
    push("users", "", "provisioned", u.provisioned.to_string());
    push("users", "", "activated", opt(u.activated));
    push("users", "", "readers", opt(u.readers));
    push("users", "", "contributors", opt(u.contributors));
    let rate = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
    push("rates", "", "activation", rate(r.rates.activation));
    push("rates", "", "readers", rate(r.rates.readers));
    push("rates", "", "contributors", rate(r.rates.contributors));
    push("questions", "", "asked", r.questions.to_string());
    push(
        "questions",
        "",
        "longest_wait_hours",
        rate(r.longest_wait_hours),
    );
    for q in &r.unanswered_questions {
        push("unanswered", &q.id, "asked_at", q.asked_at.to_string());
        push("unanswered", &q.id, "age_hours", q.age_hours.to_string());
        push(
            "unanswered",
            &q.id,
            "community",
            q.community.clone().unwrap_or_default(),
        );
        push("unanswered", &q.id, "author", q.author.clone());
        push("unanswered", &q.id, "excerpt", q.excerpt.clone());
    }
    for c in &r.top_contributors {
        push("top_contributors", &c.user, "posts", c.posts.to_string());
        push(
            "top_contributors",
            &c.user,
            "replies",
            c.replies.to_string(),
        );
        push(
            "top_contributors",
            &c.user,
            "reactions",
            c.reactions.to_string(),
        );
    }
    for c in &r.communities {
        push("communities", &c.key, "name", c.name.clone());
        push("communities", &c.key, "members", opt(c.members));
        push("communities", &c.key, "posts", c.posts.to_string());
        push("communities", &c.key, "replies", c.replies.to_string());
        push("communities", &c.key, "reactions", c.reactions.to_string());
        push(
            "communities",
            &c.key,
            "contributors",
            c.contributors.to_string(),
        );
    }
    for w in &r.weekly {
        let week = w.week.to_string();
        push("weekly", &week, "contributors", w.contributors.to_string());
        push("weekly", &week, "posts", w.posts.to_string());
        push("weekly", &week, "replies", w.replies.to_string());
        push("weekly", &week, "reactions", w.reactions.to_string());
    }
    out
}
