//! The adoption funnel (provisioned → activated → readers → contributors) against the
//! rollout gate's targets, and the gate's checks with want / got / result.

use super::svg;
use super::text::{bdi, count, esc, hours, pct, pct_opt};
use crate::ops::adoption::{AdoptionReport, Targets};
use std::fmt::Write;

/// The outcome of one gate check. `Unknown`: the source cannot tell (shown as n/a).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    /// Words, not only a colour: a mark and a verb.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "✓ pass",
            Status::Fail => "✗ fail",
            Status::Unknown => "? n/a",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }
}

/// One line of the gate: the contract's check name, what it wants, what was measured.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    pub want: String,
    pub got: String,
    pub status: Status,
}

/// A step of the funnel.
struct Step {
    label: &'static str,
    value: Option<u64>,
    rate: Option<f64>,
    target: Option<f64>,
    /// Why the source cannot know the figure.
    unknown: &'static str,
}

fn steps(r: &AdoptionReport, t: Option<&Targets>) -> [Step; 4] {
    let u = &r.users;
    let no_signins = "this source does not record sign-ins";
    [
        Step {
            label: "Provisioned",
            value: Some(u.provisioned),
            rate: (u.provisioned > 0).then_some(1.0),
            target: None,
            unknown: "",
        },
        Step {
            label: "Activated",
            value: u.activated,
            rate: r.rates.activation,
            target: t.and_then(|t| t.min_activation),
            unknown: no_signins,
        },
        Step {
            label: "Readers",
            value: u.readers,
            rate: r.rates.readers,
            target: t.and_then(|t| t.min_readers),
            unknown: no_signins,
        },
        Step {
            label: "Contributors",
            value: u.contributors,
            rate: r.rates.contributors,
            target: t.and_then(|t| t.min_contributors),
            unknown: "this source does not record contributions",
        },
    ]
}

fn min_status(got: Option<f64>, want: f64) -> Status {
    match got {
        None => Status::Unknown,
        Some(g) if g >= want => Status::Pass,
        Some(_) => Status::Fail,
    }
}

/// The gate's checks, in the plan file's order. The unanswered-question check compares
/// the longest wait of the window's questions (answered late or still open) with the
/// maximum; a window where nobody asked passes it.
pub fn checks(r: &AdoptionReport, t: &Targets) -> Vec<Check> {
    let mut out = Vec::new();
    let mins = [
        ("min_activation", t.min_activation, r.rates.activation),
        ("min_readers", t.min_readers, r.rates.readers),
        ("min_contributors", t.min_contributors, r.rates.contributors),
    ];
    for (name, want, got) in mins {
        if let Some(want) = want {
            out.push(Check {
                name,
                want: format!("≥ {}", pct(want)),
                got: pct_opt(got),
                status: min_status(got, want),
            });
        }
    }
    if let Some(max) = t.max_unanswered_hours {
        let (got, status) = match r.longest_wait_hours {
            None => ("no question asked".to_string(), Status::Pass),
            Some(h) if h <= max => (hours(h), Status::Pass),
            Some(h) => (hours(h), Status::Fail),
        };
        out.push(Check {
            name: "max_unanswered_hours",
            want: format!("≤ {}", hours(max)),
            got,
            status,
        });
    }
    out
}

const TOP: f64 = 14.0;
const ROW: f64 = 58.0;
const LABEL_END: f64 = 138.0;
const BAR_X: f64 = 150.0;
const BAR_W: f64 = 440.0;
const VALUE_X: f64 = 602.0;

/// The funnel section: chart, then its figures as a table.
pub fn section(r: &AdoptionReport, targets: Option<&Targets>) -> String {
    let steps = steps(r, targets);
    let provisioned = r.users.provisioned;
    let mut desc = Vec::new();
    let mut body = String::new();
    for (i, s) in steps.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        svg::text(&mut body, "label", LABEL_END, y + 19.0, "end", s.label);
        svg::rect(&mut body, "track", BAR_X, y + 4.0, BAR_W, 22.0, "");
        let status = s.target.map(|want| min_status(s.rate, want));
        let mut said = format!("{} {}", s.label, count(s.value));
        match (s.value, s.rate) {
            (None, _) => {
                svg::rect(&mut body, "na", BAR_X, y + 4.0, BAR_W, 22.0, s.unknown);
                let note = format!("n/a: {}", s.unknown);
                svg::text(&mut body, "na-text", BAR_X + 10.0, y + 19.0, "start", &note);
                let _ = write!(said, " ({})", s.unknown);
            }
            (Some(v), rate) => {
                let frac = rate.unwrap_or(0.0).clamp(0.0, 1.0);
                let class = match status {
                    Some(Status::Fail) => "bar fail",
                    Some(Status::Pass) => "bar pass",
                    _ => "bar step",
                };
                let tip = format!("{}: {v} ({})", s.label, pct_opt(rate));
                svg::rect(&mut body, class, BAR_X, y + 4.0, BAR_W * frac, 22.0, &tip);
                let value = match rate {
                    Some(rate) if i > 0 => format!("{v} · {}", pct(rate)),
                    _ => v.to_string(),
                };
                svg::text(&mut body, "value", VALUE_X, y + 19.0, "start", &value);
                if i > 0 {
                    let _ = write!(said, " ({})", pct_opt(rate));
                }
            }
        }
        if let Some(want) = s.target {
            let x = BAR_X + BAR_W * want.clamp(0.0, 1.0);
            let _ = writeln!(
                body,
                "<line class=\"target\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\">\
                 <title>target {}</title></line>",
                y + 1.0,
                y + 29.0,
                pct(want)
            );
            svg::text(&mut body, "target-label", x, y + 1.0, "middle", &pct(want));
        }
        let verdict = verdict(s, status, provisioned);
        if let Some((class, words)) = &verdict {
            svg::text(&mut body, class, BAR_X, y + 43.0, "start", words);
            let _ = write!(said, ", {words}");
        }
        desc.push(said);
    }
    if provisioned == 0 {
        desc.push("No provisioned accounts: rates cannot be computed.".into());
    }
    let height = TOP + ROW * steps.len() as f64;
    let mut out = String::from(
        "<section id=\"funnel-section\" aria-labelledby=\"funnel-h\">\n\
         <h2 id=\"funnel-h\">Adoption funnel</h2>\n",
    );
    out.push_str(&svg::open(
        "funnel",
        height,
        "Adoption funnel: provisioned, activated, readers, contributors",
        &(desc.join(". ") + "."),
    ));
    out.push_str(&body);
    out.push_str(svg::close());
    out.push_str(&table(&steps, provisioned));
    if let Some(t) = targets {
        out.push_str(&gate(r, t));
    }
    out.push_str("</section>\n");
    out
}

/// The line under a bar: the target's verdict, or why there is no figure.
fn verdict(s: &Step, status: Option<Status>, provisioned: u64) -> Option<(&'static str, String)> {
    let want = s.target?;
    let status = status?;
    let words = match (status, s.value) {
        (Status::Pass, _) => format!("✓ pass: meets the {} target", pct(want)),
        (Status::Fail, Some(v)) => {
            let needed = (want * provisioned as f64).ceil() as u64;
            format!(
                "✗ fail: below the {} target ({} more needed)",
                pct(want),
                needed.saturating_sub(v).max(1)
            )
        }
        _ => format!("? n/a: the {} target cannot be checked", pct(want)),
    };
    Some((status.class(), words))
}

fn table(steps: &[Step; 4], provisioned: u64) -> String {
    let mut out = String::from(
        "<table class=\"figures\" id=\"funnel-table\"><caption>Funnel figures</caption>\n\
         <thead><tr><th scope=\"col\">Step</th><th scope=\"col\" class=\"num\">People</th>\
         <th scope=\"col\" class=\"num\">Share of provisioned</th>\
         <th scope=\"col\" class=\"num\">Target</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n",
    );
    for s in steps {
        let status = s.target.map(|want| min_status(s.rate, want));
        let result = match (status, s.value) {
            (Some(st), _) => format!("<span class=\"{}\">{}</span>", st.class(), st.label()),
            (None, None) => format!("n/a: {}", esc(s.unknown)),
            (None, Some(_)) if provisioned == 0 => "no provisioned accounts".into(),
            (None, Some(_)) => String::new(),
        };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{result}</td></tr>",
            s.label,
            count(s.value),
            pct_opt(s.rate),
            s.target
                .map(|t| format!("≥ {}", pct(t)))
                .unwrap_or_default(),
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

/// The gate's checks as a table: the figures `rollout status` would judge.
fn gate(r: &AdoptionReport, t: &Targets) -> String {
    let checks = checks(r, t);
    let phase = t
        .phase
        .as_deref()
        .map(|p| format!(" of phase {}", bdi(p)))
        .unwrap_or_default();
    let mut out = format!(
        "<table class=\"figures\" id=\"gate\"><caption>Gate{phase}</caption>\n\
         <thead><tr><th scope=\"col\">Check</th><th scope=\"col\" class=\"num\">Want</th>\
         <th scope=\"col\" class=\"num\">Got</th><th scope=\"col\">Result</th></tr></thead>\n<tbody>\n"
    );
    if checks.is_empty() {
        out.push_str("<tr><td colspan=\"4\">This phase's gate sets no target.</td></tr>\n");
    }
    for c in &checks {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td><span class=\"{}\">{}</span></td></tr>",
            c.name,
            esc(&c.want),
            esc(&c.got),
            c.status.class(),
            c.status.label()
        );
    }
    out.push_str("</tbody></table>\n");
    out
}
