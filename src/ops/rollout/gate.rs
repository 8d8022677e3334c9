//! Gate checks: what must be true before `advance` leaves a phase, measured on the
//! platform with the adoption metrics ([`crate::ops::adoption`]) over the rollout's own
//! people (`population`) since the phase started.
//!
//! A figure the platform cannot know (sign-ins on a bundle) is `got = null` and fails its
//! check, with a note saying why: a gate is never passed on a guess.

use super::plan::Gate;
use crate::connectors::Connector;
use crate::core::progress::Progress;
use crate::error::Result;
use crate::ops::adoption::{self, AdoptionOptions, AdoptionReport, UserCounts};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashSet;

/// One check: `want` is the gate's value, `got` the measured one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub want: f64,
    pub got: Option<f64>,
    pub passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The measured counts behind the rates (an extra of `status -o json`).
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    pub since: Timestamp,
    pub until: Timestamp,
    pub users: UserCounts,
    pub questions: u64,
    pub unanswered: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateReport {
    pub passed: bool,
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// The whole adoption report behind the checks (`rollout status --html`).
    #[serde(skip)]
    pub report: Option<AdoptionReport>,
}

impl GateReport {
    /// The failing checks, one phrase each, for a refusal message.
    pub fn failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| {
                let got = c.got.map_or("n/a".to_string(), |g| format!("{g}"));
                let note = c
                    .note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                format!("{} wants {} got {got}{note}", c.name, c.want)
            })
            .collect()
    }
}

/// The platform to measure: an opened connector and its label.
pub struct Platform<'a> {
    pub conn: &'a dyn Connector,
    pub label: &'a str,
}

/// Evaluates `gate` for a phase that started at `started`. The platform is read only
/// when a check needs it; without one, those checks are unknown (and fail).
pub async fn evaluate(
    gate: &Gate,
    started: Timestamp,
    now: Timestamp,
    platform: Option<&Platform<'_>>,
    population: &HashSet<String>,
    progress: &dyn Progress,
) -> Result<GateReport> {
    let mut checks = Vec::new();
    if let Some(want) = gate.min_days {
        let days = (now.as_millisecond() - started.as_millisecond()).max(0) as f64 / 86_400_000.0;
        let got = (days * 100.0).floor() / 100.0;
        checks.push(Check {
            name: "min_days",
            want,
            got: Some(got),
            passed: days >= want,
            note: None,
        });
    }
    let mut measured = None;
    let mut full_report = None;
    let mut warnings = Vec::new();
    if gate.needs_metrics() {
        let label = platform.map_or("the platform", |p| p.label);
        let report = if let Some(platform) = platform.filter(|p| adoption::can_measure(p.conn)) {
            // A phase entered this very second still has a (tiny) window to measure.
            let until = now.max(started + jiff::SignedDuration::from_millis(1));
            let options = AdoptionOptions {
                since: started,
                until,
                sla_hours: gate.max_unanswered_hours.unwrap_or(48.0),
                population: Some(population.clone()),
                top: 10,
            };
            Some(adoption::measure(platform.conn, platform.label, &options, progress).await?)
        } else {
            None
        };
        checks.extend(metric_checks(gate, report.as_ref(), label));
        if let Some(r) = &report {
            warnings = r.warnings.clone();
            measured = Some(Measured {
                since: r.window.since,
                until: r.window.until,
                questions: r.questions,
                unanswered: r.unanswered_questions.len(),
                users: r.users.clone(),
            });
        }
        full_report = report;
    }
    Ok(GateReport {
        passed: checks.iter().all(|c| c.passed),
        checks,
        measured,
        warnings,
        report: full_report,
    })
}

/// The checks that read metrics; `report` is `None` when the platform has none.
fn metric_checks(gate: &Gate, report: Option<&AdoptionReport>, label: &str) -> Vec<Check> {
    let mut out = Vec::new();
    let unknown = |what: &str| -> String {
        match report {
            None => format!("{label} has no activity to measure"),
            Some(r) if r.users.provisioned == 0 => {
                "none of the rollout's people has an active account on the platform".into()
            }
            Some(_) => format!("{label} does not record {what}"),
        }
    };
    let rate = |name: &'static str, want: Option<f64>, got: Option<f64>, what: &str| {
        want.map(|want| Check {
            name,
            want,
            got,
            passed: got.is_some_and(|g| g >= want),
            note: got.is_none().then(|| unknown(what)),
        })
    };
    let rates = report.map(|r| &r.rates);
    out.extend(rate(
        "min_activation",
        gate.min_activation,
        rates.and_then(|r| r.activation),
        "sign-ins (activation needs a platform such as Matrix)",
    ));
    out.extend(rate(
        "min_readers",
        gate.min_readers,
        rates.and_then(|r| r.readers),
        "sign-ins (readers need a platform such as Matrix)",
    ));
    out.extend(rate(
        "min_contributors",
        gate.min_contributors,
        rates.and_then(|r| r.contributors),
        "contributions",
    ));
    if let Some(want) = gate.max_unanswered_hours {
        out.push(match report {
            None => Check {
                name: "max_unanswered_hours",
                want,
                got: None,
                passed: false,
                note: Some(unknown("questions")),
            },
            Some(r) => {
                let got = r.longest_wait_hours.unwrap_or(0.0);
                let note = if r.questions == 0 {
                    Some("no question was asked in this phase".to_string())
                } else if !r.unanswered_questions.is_empty() {
                    Some(format!(
                        "{} of {} question(s) waited more than {want} h for an answer",
                        r.unanswered_questions.len(),
                        r.questions
                    ))
                } else {
                    None
                };
                Check {
                    name: "max_unanswered_hours",
                    want,
                    got: Some(got),
                    passed: got <= want,
                    note,
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::adoption::{Rates, Window};

    fn report(
        activation: Option<f64>,
        contributors: Option<f64>,
        wait: Option<f64>,
    ) -> AdoptionReport {
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        AdoptionReport {
            source: "bundle:esn".into(),
            window: Window { since: t, until: t },
            sla_hours: 48.0,
            users: UserCounts {
                provisioned: 10,
                activated: None,
                readers: None,
                contributors: Some(3),
            },
            rates: Rates {
                activation,
                readers: None,
                contributors,
            },
            questions: u64::from(wait.is_some()),
            longest_wait_hours: wait,
            unanswered_questions: Vec::new(),
            top_contributors: Vec::new(),
            communities: Vec::new(),
            weekly: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn unknown_figures_fail_with_a_note_and_known_ones_compare() {
        let gate = Gate {
            min_activation: Some(0.9),
            min_contributors: Some(0.2),
            max_unanswered_hours: Some(48.0),
            ..Default::default()
        };
        let checks = metric_checks(
            &gate,
            Some(&report(None, Some(0.3), Some(50.0))),
            "bundle:esn",
        );
        assert_eq!(checks.len(), 3);
        assert_eq!(checks[0].got, None);
        assert!(!checks[0].passed);
        assert!(checks[0].note.as_deref().unwrap().contains("sign-ins"));
        assert!(checks[1].passed && checks[1].note.is_none());
        assert_eq!((checks[2].got, checks[2].passed), (Some(50.0), false));

        let none = metric_checks(&gate, Some(&report(None, Some(0.1), None)), "x");
        assert!(!none[1].passed);
        assert_eq!(none[2].got, Some(0.0));
        assert!(none[2].passed, "no question asked: nothing waited");

        let blind = metric_checks(&gate, None, "scim+http://h");
        assert!(blind.iter().all(|c| !c.passed && c.got.is_none()));
    }
}
