//! Weekly activity: contributors per week, and the week's posts, replies and reactions
//! stacked, over every week of the window (empty weeks included, so gaps show).

use super::svg::{self, Scale, WIDTH};
use crate::ops::adoption::{AdoptionReport, WeekActivity};
use std::fmt::Write;

const PLOT_X: f64 = 50.0;
const PLOT_W: f64 = WIDTH - PLOT_X - 10.0;
/// Panel tops and heights: people, then contributions.
const PEOPLE: (f64, f64) = (24.0, 100.0);
const ACTS: (f64, f64) = (166.0, 140.0);
const HEIGHT: f64 = 340.0;
/// SVG units a week label needs, to decide how many weeks to label.
const LABEL_ROOM: f64 = 64.0;

/// The contribution kinds, bottom to top; each is also its bars' CSS class.
const KINDS: [&str; 3] = ["posts", "replies", "reactions"];

fn kind_count(w: &WeekActivity, kind: &str) -> u64 {
    match kind {
        "posts" => w.posts,
        "replies" => w.replies,
        _ => w.reactions,
    }
}

fn total(w: &WeekActivity) -> u64 {
    w.posts + w.replies + w.reactions
}

pub fn section(r: &AdoptionReport) -> String {
    let weeks = &r.weekly;
    let mut out = String::from(
        "<section id=\"weekly-section\" aria-labelledby=\"weekly-h\">\n\
         <h2 id=\"weekly-h\">Weekly activity</h2>\n\
         <ul class=\"legend\" aria-hidden=\"true\">\
         <li><span class=\"swatch contributors\"></span>people who contributed</li>\
         <li><span class=\"swatch posts\"></span>posts</li>\
         <li><span class=\"swatch replies\"></span>replies</li>\
         <li><span class=\"swatch reactions\"></span>reactions</li></ul>\n",
    );
    out.push_str(&svg::open(
        "weekly",
        HEIGHT,
        "Weekly activity: contributors and contributions per week",
        &describe(weeks),
    ));
    if weeks.is_empty() {
        svg::text(
            &mut out,
            "empty",
            WIDTH / 2.0,
            HEIGHT / 2.0,
            "middle",
            "No week in the window.",
        );
    } else {
        draw(&mut out, weeks);
    }
    out.push_str(svg::close());
    out.push_str(
        "<p class=\"note\">Readers per week are not shown: the report counts readers over the \
         whole window only (a platform gives each person's last sign-in, not every visit). \
         Weeks run Monday to Sunday, UTC; the first and last may lie partly outside the \
         window.</p>\n",
    );
    out.push_str(&table(weeks));
    out.push_str("</section>\n");
    out
}

fn describe(weeks: &[WeekActivity]) -> String {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return "No week in the window.".into();
    };
    let peak = weeks
        .iter()
        .max_by_key(|w| (w.contributors, std::cmp::Reverse(w.week)))
        .unwrap_or(first);
    let all: u64 = weeks.iter().map(total).sum();
    format!(
        "{} weeks from {} to {}: {all} contributions in all; most contributors in the week of \
         {} ({} people, {} posts, {} replies, {} reactions).",
        weeks.len(),
        first.week,
        last.week,
        peak.week,
        peak.contributors,
        peak.posts,
        peak.replies,
        peak.reactions
    )
}

fn draw(out: &mut String, weeks: &[WeekActivity]) {
    let slot = PLOT_W / weeks.len() as f64;
    let bar_w = (slot * 0.7).clamp(0.5, 48.0);
    let pad = (slot - bar_w) / 2.0;
    let every = (LABEL_ROOM / slot).ceil().max(1.0) as usize;

    let people = Scale::for_max(weeks.iter().map(|w| w.contributors).max().unwrap_or(0));
    let acts = Scale::for_max(weeks.iter().map(total).max().unwrap_or(0));
    panel(out, "People who contributed", PEOPLE, people);
    panel(out, "Posts, replies and reactions", ACTS, acts);

    for (i, w) in weeks.iter().enumerate() {
        let x = PLOT_X + slot * i as f64 + pad;
        let (top, h) = PEOPLE;
        let bh = h * people.frac(w.contributors);
        let tip = format!("Week of {}: {} people contributed", w.week, w.contributors);
        svg::rect(out, "bar contributors", x, top + h - bh, bar_w, bh, &tip);

        let (top, h) = ACTS;
        let mut base = top + h;
        for kind in KINDS {
            let n = kind_count(w, kind);
            if n == 0 {
                continue;
            }
            let bh = h * acts.frac(n);
            base -= bh;
            let tip = format!("Week of {}: {n} {kind}", w.week);
            svg::rect(out, &format!("bar {kind}"), x, base, bar_w, bh, &tip);
        }
        if i % every == 0 {
            let label = w.week.strftime("%b %-d").to_string();
            let cx = PLOT_X + slot * (i as f64 + 0.5);
            svg::text(out, "tick", cx, ACTS.0 + ACTS.1 + 16.0, "middle", &label);
        }
    }
    let first = weeks[0].week.year();
    let last = weeks[weeks.len() - 1].week.year();
    let years = if first == last {
        format!("weeks of {first}")
    } else {
        format!("weeks of {first}–{last}")
    };
    svg::text(
        out,
        "axis-title",
        PLOT_X + PLOT_W / 2.0,
        HEIGHT - 4.0,
        "middle",
        &years,
    );
}

/// A panel's title, gridlines and tick labels.
fn panel(out: &mut String, title: &str, (top, h): (f64, f64), scale: Scale) {
    svg::text(out, "panel-title", PLOT_X, top - 10.0, "start", title);
    for t in scale.ticks() {
        let y = top + h - h * scale.frac(t);
        let class = if t == 0 { "axis" } else { "grid" };
        svg::line(out, class, PLOT_X, y, PLOT_X + PLOT_W, y);
        svg::text(out, "tick", PLOT_X - 6.0, y + 4.0, "end", &t.to_string());
    }
}

fn table(weeks: &[WeekActivity]) -> String {
    let mut out = String::from(
        "<table class=\"figures\" id=\"weekly-table\"><caption>Activity per week</caption>\n\
         <thead><tr><th scope=\"col\">Week of (Monday)</th>\
         <th scope=\"col\" class=\"num\">People who contributed</th>\
         <th scope=\"col\" class=\"num\">Posts</th><th scope=\"col\" class=\"num\">Replies</th>\
         <th scope=\"col\" class=\"num\">Reactions</th></tr></thead>\n<tbody>\n",
    );
    if weeks.is_empty() {
        out.push_str("<tr><td colspan=\"5\">No week in the window.</td></tr>\n");
    }
    for w in weeks {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            w.week, w.contributors, w.posts, w.replies, w.reactions
        );
    }
    out.push_str("</tbody></table>\n");
    out
}
