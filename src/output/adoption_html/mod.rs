//! `report adoption --html FILE`: the adoption report as one self-contained HTML5 page.
//!
//! Everything is inline: the stylesheet, and the charts as SVG drawn here in Rust. There
//! is no script, font, image or link to fetch, and a Content-Security-Policy of
//! `default-src 'none'` makes sure of it: the page views offline, in a mail attachment,
//! and on paper. Every value from the data goes through [`text::esc`].
//!
//! Stable hooks (tests, custom styling): the charts are `svg#funnel`, `svg#weekly` and
//! `svg#communities` (class `chart`, `role="img"`, with `<title>`/`<desc>`); bars have
//! class `bar`, gate targets are `line.target`; the tables are `#funnel-table`, `#gate`,
//! `#weekly-table`, `#communities-table`, `#top-contributors` and `#unanswered`.

mod communities;
mod funnel;
mod svg;
mod tables;
#[cfg(test)]
mod tests;
mod text;
mod weekly;

pub use funnel::{checks, Check, Status};
pub use text::esc;

use crate::ops::adoption::{AdoptionReport, Targets};
use jiff::Timestamp;
use std::fmt::Write;
use text::{bdi, count, hours, pct_opt, when};

const STYLE: &str = include_str!("style.css");

/// The page for `report`, with the rollout gate's `targets` drawn on the funnel when
/// given, stamped with the current time.
pub fn render(report: &AdoptionReport, targets: Option<&Targets>) -> String {
    render_at(report, targets, Timestamp::now())
}

/// [`render`] with a given generation time (reproducible output).
pub fn render_at(
    report: &AdoptionReport,
    targets: Option<&Targets>,
    generated_at: Timestamp,
) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n<meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"esnctl {}\">\n\
         <title>Adoption report — {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        text::esc(&report.source)
    );
    out.push_str(&header(report, targets, generated_at));
    out.push_str("<main>\n");
    out.push_str(&summary(report, targets));
    out.push_str(&funnel::section(report, targets));
    out.push_str(&weekly::section(report));
    out.push_str(&communities::section(report));
    out.push_str(&tables::contributors(report));
    out.push_str(&tables::unanswered(report));
    out.push_str("</main>\n");
    out.push_str(FOOTER);
    out.push_str("</body>\n</html>\n");
    out
}

fn header(r: &AdoptionReport, targets: Option<&Targets>, generated_at: Timestamp) -> String {
    let w = &r.window;
    let days = (w.until.as_second() - w.since.as_second()) as f64 / 86_400.0;
    let days = match format!("{days:.1}") {
        d if d == "1.0" => "1 day".to_string(),
        d => format!("{} days", d.strip_suffix(".0").unwrap_or(&d)),
    };
    let mut out = format!(
        "<header>\n<h1>Adoption report</h1>\n<dl class=\"meta\">\n\
         <dt>Source</dt><dd id=\"source\">{}</dd>\n\
         <dt>Window</dt><dd id=\"window\">{} → {} ({days})</dd>\n\
         <dt>Answer SLA</dt><dd>{}</dd>\n",
        bdi(&r.source),
        when(w.since),
        when(w.until),
        hours(r.sla_hours),
    );
    if let Some(phase) = targets.and_then(|t| t.phase.as_deref()) {
        let _ = writeln!(out, "<dt>Rollout phase</dt><dd>{}</dd>", bdi(phase));
    }
    let _ = write!(
        out,
        "<dt>Generated</dt><dd id=\"generated-at\">{} by esnctl {}</dd>\n</dl>\n</header>\n",
        when(generated_at),
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// One card per headline figure, then the gate's verdict and the source's warnings.
fn summary(r: &AdoptionReport, targets: Option<&Targets>) -> String {
    let u = &r.users;
    let no_signins = "not recorded by this source";
    let unknown_or = |n: Option<u64>, rate: Option<f64>| match n {
        None => no_signins.to_string(),
        Some(_) => format!("{} of provisioned", pct_opt(rate)),
    };
    let cards = [
        (
            "Provisioned",
            u.provisioned.to_string(),
            "active accounts".to_string(),
        ),
        (
            "Activated",
            count(u.activated),
            unknown_or(u.activated, r.rates.activation),
        ),
        (
            "Readers",
            count(u.readers),
            unknown_or(u.readers, r.rates.readers),
        ),
        (
            "Contributors",
            count(u.contributors),
            unknown_or(u.contributors, r.rates.contributors),
        ),
        (
            "Questions",
            r.questions.to_string(),
            format!(
                "{} unanswered after {}",
                r.unanswered_questions.len(),
                hours(r.sla_hours)
            ),
        ),
        (
            "Longest wait",
            r.longest_wait_hours.map_or_else(|| "none".into(), hours),
            "for an answer from someone else".to_string(),
        ),
    ];
    let mut out =
        String::from("<section id=\"summary\" aria-label=\"Summary\">\n<ul class=\"cards\">\n");
    for (name, big, sub) in cards {
        let _ = writeln!(
            out,
            "<li><span class=\"sub\">{name}</span><span class=\"big\">{}</span>\
             <span class=\"sub\">{}</span></li>",
            text::esc(&big),
            text::esc(&sub)
        );
    }
    out.push_str("</ul>\n");
    if let Some(t) = targets {
        out.push_str(&verdict(&checks(r, t)));
    }
    if !r.warnings.is_empty() {
        out.push_str("<div class=\"warnings\"><strong>Warnings</strong><ul>\n");
        for w in &r.warnings {
            let _ = writeln!(out, "<li>{}</li>", bdi(w));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("</section>\n");
    out
}

/// The gate in one sentence: passes, fails (naming the failed checks), or cannot be
/// judged from this source.
fn verdict(checks: &[Check]) -> String {
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.name)
        .collect();
    let unknown: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Unknown)
        .map(|c| c.name)
        .collect();
    let (class, words) = if !failed.is_empty() {
        ("fail", format!("✗ The gate fails: {}.", failed.join(", ")))
    } else if !unknown.is_empty() {
        (
            "unknown",
            format!(
                "? The gate cannot be judged from this source: {} n/a.",
                unknown.join(", ")
            ),
        )
    } else {
        ("pass", "✓ The gate passes.".to_string())
    };
    format!("<p id=\"gate-verdict\" class=\"{class}\">{words}</p>\n")
}

const FOOTER: &str = "<footer>\n<p><strong>Provisioned</strong>: active accounts. \
<strong>Activated</strong>: signed in or acted at least once. <strong>Readers</strong>: seen \
within the window. <strong>Contributors</strong>: posted, replied or reacted within the \
window. A <strong>question</strong> is a root post that asks something; it is \
<strong>unanswered</strong> when no one else replied within the SLA. <strong>n/a</strong>: \
the source cannot know the figure (exports do not record sign-ins); it is never counted as \
0.</p>\n</footer>\n";
