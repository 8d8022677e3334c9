use super::*;
use crate::ops::adoption::{
    CommunityActivity, Contributor, Question, Rates, UserCounts, WeekActivity, Window,
};

const HOSTILE: &str = "<script>alert(1)</script>";

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn week(d: &str, contributors: u64, posts: u64, replies: u64, reactions: u64) -> WeekActivity {
    WeekActivity {
        week: d.parse().unwrap(),
        contributors,
        posts,
        replies,
        reactions,
    }
}

fn community(key: &str, name: &str, members: Option<u64>, posts: u64) -> CommunityActivity {
    CommunityActivity {
        key: key.into(),
        name: name.into(),
        members,
        posts,
        replies: posts / 2,
        reactions: 0,
        contributors: posts.min(3),
    }
}

/// A report from an export (no sign-ins) with hostile and multilingual data.
fn sample() -> AdoptionReport {
    AdoptionReport {
        source: "bundle:\"onload=x".into(),
        window: Window {
            since: t("2026-10-01T00:00:00Z"),
            until: t("2026-11-09T00:00:00Z"),
        },
        sla_hours: 48.0,
        users: UserCounts {
            provisioned: 8,
            activated: None,
            readers: None,
            contributors: Some(6),
        },
        rates: Rates {
            activation: None,
            readers: None,
            contributors: Some(0.75),
        },
        questions: 4,
        longest_wait_hours: Some(120.5),
        unanswered_questions: vec![Question {
            id: "p7".into(),
            community: Some("tokyo".into()),
            author: HOSTILE.into(),
            asked_at: t("2026-10-20T09:00:00Z"),
            age_hours: 120.5,
            answered_at: None,
            excerpt: "Où est le <b>planning</b> & \"le\" lien ? 🎉".into(),
        }],
        top_contributors: vec![
            Contributor {
                user: "山田".into(),
                posts: 5,
                replies: 3,
                reactions: 2,
            },
            Contributor {
                user: HOSTILE.into(),
                posts: 1,
                replies: 0,
                reactions: 0,
            },
        ],
        communities: vec![
            community("tokyo", "東京 &amp; Ōsaka 🎌", Some(5), 9),
            community("evil", "\"onload=alert(1)", None, 2),
        ],
        weekly: vec![
            week("2026-09-28", 2, 3, 1, 0),
            week("2026-10-05", 0, 0, 0, 0),
            week("2026-10-12", 5, 4, 6, 3),
        ],
        warnings: vec![format!("odd record {HOSTILE}")],
    }
}

fn empty() -> AdoptionReport {
    AdoptionReport {
        source: "bundle:empty".into(),
        window: Window {
            since: t("2026-11-02T00:00:00Z"),
            until: t("2026-11-03T00:00:00Z"),
        },
        sla_hours: 24.0,
        users: UserCounts::default(),
        rates: Rates::default(),
        questions: 0,
        longest_wait_hours: None,
        unanswered_questions: vec![],
        top_contributors: vec![],
        communities: vec![],
        weekly: vec![],
        warnings: vec![],
    }
}

fn page(r: &AdoptionReport, targets: Option<&Targets>) -> String {
    render_at(r, targets, t("2026-11-27T10:00:00Z"))
}

/// The `<svg id=ID …>…</svg>` element of the page.
fn chart<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg#{id}"));
    let end = start + html[start..].find("</svg>").unwrap();
    &html[start..end]
}

fn pilot() -> Targets {
    Targets {
        phase: Some("pilot <1>".into()),
        min_activation: Some(0.9),
        min_readers: None,
        min_contributors: Some(0.8),
        max_unanswered_hours: Some(48.0),
    }
}

#[test]
fn data_is_escaped_everywhere() {
    let html = page(&sample(), Some(&pilot()));
    assert!(!html.contains("<script"), "a script element leaked");
    assert!(!html.contains("<b>planning"));
    assert!(
        !html.contains("\"onload="),
        "an attribute could be injected"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;onload=alert(1)"));
    // Data that looks escaped is shown as typed, not decoded.
    assert!(html.contains("東京 &amp;amp; Ōsaka 🎌"));
    assert!(html.contains("Où est le &lt;b&gt;planning&lt;/b&gt; &amp; &quot;le&quot; lien ? 🎉"));
    assert!(html.contains("<bdi>山田</bdi>"));
    assert!(html.contains("pilot &lt;1&gt;"));
}

#[test]
fn page_is_self_contained() {
    let html = page(&sample(), Some(&pilot()));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("default-src 'none'"));
    for needle in [
        "<link", "<img", "<script", "src=", "url(", "@import", "https://",
    ] {
        assert!(!html.contains(needle), "page references {needle}");
    }
    // The only URL is the SVG namespace, which is never fetched.
    assert_eq!(html.matches("http://").count(), 3);
    for tag in ["svg", "section", "table", "g"] {
        let open =
            html.matches(&format!("<{tag} ")).count() + html.matches(&format!("<{tag}>")).count();
        assert_eq!(
            open,
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> unbalanced"
        );
    }
}

#[test]
fn unknown_figures_show_as_na_never_zero() {
    let html = page(&sample(), None);
    let funnel = chart(&html, "funnel");
    assert_eq!(
        funnel
            .matches("n/a: this source does not record sign-ins")
            .count(),
        2
    );
    assert_eq!(funnel.matches("class=\"na\"").count(), 2);
    // Provisioned and contributors are drawn; the unknown steps have no bar.
    assert_eq!(funnel.matches("class=\"bar ").count(), 2);
    assert!(funnel.contains(">6 · 75%</text>"));
    assert!(html.contains("<th scope=\"row\">Activated</th><td class=\"num\">n/a</td>"));
    assert!(!html.contains("Activated</th><td class=\"num\">0<"));
    assert!(html.contains("<span class=\"big\">n/a</span><span class=\"sub\">not recorded"));
    // Unknown member counts too.
    assert!(html.contains("<td class=\"num\">n/a</td><td class=\"num\">2</td>"));
}

#[test]
fn targets_are_drawn_and_judged_in_words() {
    let mut r = sample();
    r.users.activated = Some(8);
    r.rates.activation = Some(1.0);
    let html = page(&r, Some(&pilot()));
    let funnel = chart(&html, "funnel");
    // One marker per rate target (readers has none).
    assert_eq!(funnel.matches("<line class=\"target\"").count(), 2);
    // 90% of the 440-unit bar from x=150.
    assert!(funnel.contains("x1=\"546.0\""), "{funnel}");
    assert!(funnel.contains("class=\"bar pass\""));
    assert!(funnel.contains("class=\"bar fail\""));
    assert!(funnel.contains("✓ pass: meets the 90% target"));
    assert!(funnel.contains("✗ fail: below the 80% target (1 more needed)"));
    let gate = &html[html.find("id=\"gate\"").unwrap()..];
    assert!(gate.contains("<code>max_unanswered_hours</code></th><td class=\"num\">≤ 48 h</td><td class=\"num\">120.5 h</td><td><span class=\"fail\">✗ fail"));
    assert!(html.contains(
        "<p id=\"gate-verdict\" class=\"fail\">✗ The gate fails: min_contributors, max_unanswered_hours.</p>"
    ));
}

#[test]
fn an_unmeasurable_target_is_unknown_not_failed() {
    let targets = Targets {
        min_activation: Some(0.9),
        ..Default::default()
    };
    let html = page(&sample(), Some(&targets));
    assert!(html.contains("? n/a: the 90% target cannot be checked"));
    assert!(html.contains(
        "class=\"unknown\">? The gate cannot be judged from this source: min_activation n/a."
    ));
    let checks = checks(&sample(), &targets);
    assert_eq!(checks[0].status, Status::Unknown);
    assert_eq!(checks[0].got, "n/a");
}

#[test]
fn without_targets_there_is_no_gate() {
    let html = page(&sample(), None);
    assert!(!html.contains("class=\"target\""));
    assert!(!html.contains("id=\"gate\""));
    assert!(!html.contains("gate-verdict"));
}

#[test]
fn weekly_and_community_charts_have_a_bar_per_figure() {
    let html = page(&sample(), None);
    let weekly = chart(&html, "weekly");
    assert_eq!(weekly.matches("class=\"bar contributors\"").count(), 3);
    // Non-zero kinds only: 2 + 0 + 3.
    assert_eq!(
        weekly.matches("class=\"bar posts\"").count()
            + weekly.matches("class=\"bar replies\"").count()
            + weekly.matches("class=\"bar reactions\"").count(),
        5
    );
    assert!(weekly.contains(">Sep 28</text>"));
    assert!(html.contains("Readers per week are not shown"));
    let communities = chart(&html, "communities");
    assert_eq!(communities.matches("<g class=\"community\">").count(), 2);
    assert!(communities.contains(">2 / n/a</text>"));
    assert!(communities.contains(">3 / 5</text>"));
    assert!(html.contains("does not tie reactions to communities"));
}

#[test]
fn empty_report_renders() {
    let html = page(&empty(), Some(&pilot()));
    for id in ["funnel", "weekly", "communities"] {
        assert!(chart(&html, id).contains("role=\"img\""));
    }
    assert!(!chart(&html, "weekly").contains("class=\"bar"));
    assert!(!chart(&html, "communities").contains("class=\"bar"));
    assert!(html.contains("No week in the window."));
    assert!(html.contains("No community in this source."));
    assert!(html.contains("Nobody posted, replied or reacted in the window."));
    assert!(html.contains("0 questions asked in the window"));
    assert!(html.contains("No provisioned accounts: rates cannot be computed."));
    assert!(!html.contains("NaN") && !html.contains("inf"));
}

#[test]
fn large_reports_stay_readable() {
    let mut r = sample();
    r.communities = (0..600)
        .map(|i| {
            community(
                &format!("c{i}"),
                &format!("Community {i}"),
                Some(10),
                600 - i,
            )
        })
        .collect();
    let mut day: jiff::civil::Date = "2024-01-01".parse().unwrap();
    r.weekly = (0..150)
        .map(|i| {
            let w = week(&day.to_string(), i, i, 0, 0);
            day = day.checked_add(jiff::ToSpan::days(7)).unwrap();
            w
        })
        .collect();
    let html = page(&r, None);
    assert!(html.contains("Most active 15 of 600 communities"));
    assert_eq!(
        chart(&html, "communities")
            .matches("<g class=\"community\">")
            .count(),
        15
    );
    assert!(html.contains("… and 100 more communities"));
    let weekly = chart(&html, "weekly");
    assert_eq!(weekly.matches("class=\"bar contributors\"").count(), 150);
    // Labels thinned so they do not overlap: at most one per 64 units of 700.
    let labels = weekly.matches("class=\"tick\"").count() - 2 * 5;
    assert!(labels <= 11, "{labels} week labels");
    assert!(weekly.contains("weeks of 2024–2026"));
}
