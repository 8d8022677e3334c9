//! The report's lists: top contributors and questions left unanswered past the SLA.

use super::text::{bdi, hours, when};
use crate::ops::adoption::AdoptionReport;
use std::collections::HashMap;
use std::fmt::Write;

/// Questions listed; the JSON/CSV output has them all.
pub const QUESTION_ROWS: usize = 500;

pub fn contributors(r: &AdoptionReport) -> String {
    let mut out = String::from(
        "<section id=\"contributors-section\" aria-labelledby=\"contributors-h\">\n\
         <h2 id=\"contributors-h\">Top contributors</h2>\n",
    );
    if r.top_contributors.is_empty() {
        out.push_str("<p class=\"empty\">Nobody posted, replied or reacted in the window.</p>\n");
        out.push_str("</section>\n");
        return out;
    }
    out.push_str(
        "<table class=\"figures\" id=\"top-contributors\"><caption>Most posts and replies \
         within the window</caption>\n<thead><tr><th scope=\"col\" class=\"num\">#</th>\
         <th scope=\"col\">Person</th><th scope=\"col\" class=\"num\">Posts</th>\
         <th scope=\"col\" class=\"num\">Replies</th><th scope=\"col\" class=\"num\">Reactions</th>\
         <th scope=\"col\">Posts + replies</th></tr></thead>\n<tbody>\n",
    );
    let most = r
        .top_contributors
        .iter()
        .map(|c| c.posts + c.replies)
        .max()
        .unwrap_or(0)
        .max(1);
    for (i, c) in r.top_contributors.iter().enumerate() {
        let written = c.posts + c.replies;
        let width = written as f64 / most as f64 * 100.0;
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><th scope=\"row\">{}</th><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td><span class=\"meter\">\
             <span class=\"meter-fill\" style=\"width:{width:.1}%\"></span></span> {written}</td></tr>",
            i + 1,
            bdi(&c.user),
            c.posts,
            c.replies,
            c.reactions,
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}

pub fn unanswered(r: &AdoptionReport) -> String {
    let sla = hours(r.sla_hours);
    let late = r.unanswered_questions.len();
    let mut out = format!(
        "<section id=\"unanswered-section\" aria-labelledby=\"unanswered-h\">\n\
         <h2 id=\"unanswered-h\">Questions unanswered after {sla}</h2>\n\
         <p>{} question{} asked in the window; <strong>{late}</strong> waited more than the \
         {sla} answer SLA for a reply from someone else{}.</p>\n",
        r.questions,
        if r.questions == 1 { "" } else { "s" },
        r.longest_wait_hours
            .map(|h| format!("; the longest wait: {}", hours(h)))
            .unwrap_or_default(),
    );
    if late == 0 {
        out.push_str("</section>\n");
        return out;
    }
    let names: HashMap<&str, &str> = r
        .communities
        .iter()
        .map(|c| (c.key.as_str(), c.name.as_str()))
        .collect();
    out.push_str(
        "<table class=\"figures\" id=\"unanswered\"><caption>Oldest first</caption>\n\
         <thead><tr><th scope=\"col\" class=\"num\">Waited</th><th scope=\"col\">Asked</th>\
         <th scope=\"col\">Community</th><th scope=\"col\">Author</th>\
         <th scope=\"col\">Question</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
    );
    for q in r.unanswered_questions.iter().take(QUESTION_ROWS) {
        let community = q
            .community
            .as_deref()
            .map(|k| bdi(names.get(k).copied().unwrap_or(k)))
            .unwrap_or_else(|| "n/a".into());
        let status = match q.answered_at {
            Some(t) => format!("answered late, {}", when(t)),
            None => "still open".into(),
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{community}</td>\
             <td>{}</td><td class=\"excerpt\">{}</td><td>{status}</td></tr>",
            hours(q.age_hours),
            when(q.asked_at),
            bdi(&q.author),
            bdi(&q.excerpt),
        );
    }
    if late > QUESTION_ROWS {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"6\">… and {} more (see <code>-o json</code> or \
             <code>-o csv</code>).</td></tr>",
            late - QUESTION_ROWS
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
    out
}
