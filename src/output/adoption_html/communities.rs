//! Per-community activity: the most active communities as stacked horizontal bars
//! (posts, replies, reactions) with contributors and members beside them.

use super::svg::{self, Scale, WIDTH};
use super::text::{bdi, count, esc, short};
use crate::ops::adoption::{AdoptionReport, CommunityActivity};
use std::fmt::Write;

/// Communities drawn in the chart (the report lists them most active first).
pub const CHART_ROWS: usize = 15;
/// Communities listed in the table; the JSON/CSV output has them all.
pub const TABLE_ROWS: usize = 500;

const HEAD: f64 = 22.0;
const ROW: f64 = 26.0;
const LABEL_END: f64 = 206.0;
const LABEL_COLUMNS: usize = 26;
const BAR_X: f64 = 216.0;
const BAR_W: f64 = 360.0;
const RIGHT_X: f64 = 626.0;

fn total(c: &CommunityActivity) -> u64 {
    c.posts + c.replies + c.reactions
}

pub fn section(r: &AdoptionReport) -> String {
    let all = &r.communities;
    let shown = &all[..all.len().min(CHART_ROWS)];
    let heading = if all.len() > CHART_ROWS {
        format!("Most active {CHART_ROWS} of {} communities", all.len())
    } else {
        "Activity per community".to_string()
    };
    let mut out = format!(
        "<section id=\"communities-section\" aria-labelledby=\"communities-h\">\n\
         <h2 id=\"communities-h\">{heading}</h2>\n\
         <ul class=\"legend\" aria-hidden=\"true\">\
         <li><span class=\"swatch posts\"></span>posts</li>\
         <li><span class=\"swatch replies\"></span>replies</li>\
         <li><span class=\"swatch reactions\"></span>reactions</li></ul>\n"
    );
    let height = HEAD + ROW * shown.len().max(2) as f64 + 6.0;
    out.push_str(&svg::open(
        "communities",
        height,
        &format!("{heading}, by posts and replies within the window"),
        &describe(all),
    ));
    if shown.is_empty() {
        let y = height / 2.0;
        svg::text(
            &mut out,
            "empty",
            WIDTH / 2.0,
            y,
            "middle",
            "No community in this source.",
        );
    } else {
        draw(&mut out, shown);
    }
    out.push_str(svg::close());
    let reactions: u64 = r.weekly.iter().map(|w| w.reactions).sum();
    if reactions > 0 && all.iter().all(|c| c.reactions == 0) {
        out.push_str(
            "<p class=\"note\">This source does not tie reactions to communities: they count \
             in the weekly activity and per person only.</p>\n",
        );
    }
    out.push_str(&table(all));
    out.push_str("</section>\n");
    out
}

fn describe(all: &[CommunityActivity]) -> String {
    if all.is_empty() {
        return "No community in this source.".into();
    }
    let top: Vec<String> = all
        .iter()
        .take(3)
        .map(|c| {
            format!(
                "{} ({} posts, {} replies, {} reactions, {} contributors)",
                c.name, c.posts, c.replies, c.reactions, c.contributors
            )
        })
        .collect();
    format!(
        "{} communities; the most active: {}.",
        all.len(),
        top.join("; ")
    )
}

fn draw(out: &mut String, shown: &[CommunityActivity]) {
    let scale = Scale::for_max(shown.iter().map(total).max().unwrap_or(0));
    svg::text(out, "col-title", LABEL_END, 14.0, "end", "Community");
    svg::text(
        out,
        "col-title",
        BAR_X,
        14.0,
        "start",
        "Posts + replies + reactions",
    );
    svg::text(
        out,
        "col-title",
        RIGHT_X,
        14.0,
        "start",
        "Contributors / members",
    );
    for (i, c) in shown.iter().enumerate() {
        let y = HEAD + ROW * i as f64;
        let _ = writeln!(
            out,
            "<g class=\"community\"><title>{}</title>",
            esc(&c.name)
        );
        svg::text(
            out,
            "label",
            LABEL_END,
            y + 15.0,
            "end",
            &short(&c.name, LABEL_COLUMNS),
        );
        let mut x = BAR_X;
        for (kind, n) in [
            ("posts", c.posts),
            ("replies", c.replies),
            ("reactions", c.reactions),
        ] {
            if n == 0 {
                continue;
            }
            let w = BAR_W * scale.frac(n);
            let tip = format!("{}: {n} {kind}", c.name);
            svg::rect(out, &format!("bar {kind}"), x, y + 3.0, w, 17.0, &tip);
            x += w;
        }
        svg::text(
            out,
            "value",
            x + 6.0,
            y + 15.0,
            "start",
            &total(c).to_string(),
        );
        let people = format!("{} / {}", c.contributors, count(c.members));
        svg::text(out, "value", RIGHT_X, y + 15.0, "start", &people);
        out.push_str("</g>\n");
    }
}

fn table(all: &[CommunityActivity]) -> String {
    let mut out = String::from(
        "<table class=\"figures\" id=\"communities-table\"><caption>Activity per community\
         </caption>\n<thead><tr><th scope=\"col\">Community</th><th scope=\"col\">Key</th>\
         <th scope=\"col\" class=\"num\">Members</th><th scope=\"col\" class=\"num\">Posts</th>\
         <th scope=\"col\" class=\"num\">Replies</th><th scope=\"col\" class=\"num\">Reactions</th>\
         <th scope=\"col\" class=\"num\">Contributors</th></tr></thead>\n<tbody>\n",
    );
    if all.is_empty() {
        out.push_str("<tr><td colspan=\"7\">No community in this source.</td></tr>\n");
    }
    for c in all.iter().take(TABLE_ROWS) {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            bdi(&c.name),
            bdi(&c.key),
            count(c.members),
            c.posts,
            c.replies,
            c.reactions,
            c.contributors
        );
    }
    if all.len() > TABLE_ROWS {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"7\">… and {} more communities (see <code>-o json</code> or \
             <code>-o csv</code>).</td></tr>",
            all.len() - TABLE_ROWS
        );
    }
    out.push_str("</tbody></table>\n");
    out
}
