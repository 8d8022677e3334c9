//! The rollout plan file (TOML, `cli.md` "Rollout plan file"): parsing and validation.
//!
//! Every problem is one line naming the file, the line and the field (exit 3), and the
//! parsed plan keeps the line of each field so that later checks (a community the
//! platform lacks, a CSV that cannot be read) can point at the plan too.
//!
//! Decisions beyond the contract:
//! - a `[phase.gate]` on the last phase is refused: there is no phase to leave it for, and
//!   a gate that can never be used is a mistake worth knowing about;
//! - phase names are unique ignoring case, and may not be empty;
//! - `welcome_message` needs `communities` (it is posted in them); `welcome_author` (a
//!   user key) chooses who posts it, else each community's first owner does;
//! - `min_days` may be fractional; rates are fractions from 0 to 1.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Who a phase adds to the rollout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The members of a directory group, by DN (nested groups expanded).
    Group(String),
    /// The people an LDAP filter (RFC 4515) selects.
    Filter(String),
    /// The people a CSV file lists in a `key` or `email` column; the path is relative to
    /// the plan's folder.
    Csv(PathBuf),
}

impl Audience {
    pub fn kind(&self) -> &'static str {
        match self {
            Audience::Group(_) => "group",
            Audience::Filter(_) => "filter",
            Audience::Csv(_) => "csv",
        }
    }

    /// The value as written (for CSV, the path as resolved).
    pub fn value(&self) -> String {
        match self {
            Audience::Group(g) => g.clone(),
            Audience::Filter(f) => f.clone(),
            Audience::Csv(p) => p.display().to_string(),
        }
    }
}

/// What must be true before `advance` leaves a phase. Rates are fractions (0.9 = 90%).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gate {
    pub min_days: Option<f64>,
    pub min_activation: Option<f64>,
    pub min_readers: Option<f64>,
    pub min_contributors: Option<f64>,
    pub max_unanswered_hours: Option<f64>,
}

impl Gate {
    /// The gate as the adoption report draws it against the measured figures.
    pub fn targets(&self, phase: &str) -> crate::ops::adoption::Targets {
        crate::ops::adoption::Targets {
            phase: Some(phase.to_string()),
            min_activation: self.min_activation,
            min_readers: self.min_readers,
            min_contributors: self.min_contributors,
            max_unanswered_hours: self.max_unanswered_hours,
        }
    }

    /// True when a check needs the platform's activity (anything but `min_days`).
    pub fn needs_metrics(&self) -> bool {
        self.min_activation.is_some()
            || self.min_readers.is_some()
            || self.min_contributors.is_some()
            || self.max_unanswered_hours.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub name: String,
    pub line: u64,
    pub audience: Audience,
    pub audience_line: u64,
    /// Community keys the phase's audience joins.
    pub communities: Vec<String>,
    pub communities_line: u64,
    pub welcome_message: Option<String>,
    pub welcome_line: u64,
    /// Who posts the welcome message (a user key); else each community's first owner.
    pub welcome_author: Option<String>,
    pub gate: Option<Gate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RolloutPlan {
    /// The plan file as named on the command line, for messages.
    pub file: String,
    /// The folder holding the plan: relative CSV paths and file URIs start there.
    pub dir: PathBuf,
    pub name: String,
    pub directory: String,
    pub directory_line: u64,
    pub platform: String,
    pub platform_line: u64,
    pub phases: Vec<Phase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    name: Spanned<String>,
    directory: Spanned<String>,
    platform: Spanned<String>,
    #[serde(default)]
    phase: Vec<Spanned<RawPhase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    name: Spanned<String>,
    audience: Spanned<RawAudience>,
    #[serde(default)]
    communities: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    welcome_message: Option<Spanned<String>>,
    #[serde(default)]
    welcome_author: Option<Spanned<String>>,
    #[serde(default)]
    gate: Option<Spanned<RawGate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudience {
    group: Option<Spanned<String>>,
    filter: Option<Spanned<String>>,
    csv: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGate {
    min_days: Option<Spanned<f64>>,
    min_activation: Option<Spanned<f64>>,
    min_readers: Option<Spanned<f64>>,
    min_contributors: Option<Spanned<f64>>,
    max_unanswered_hours: Option<Spanned<f64>>,
}

/// Turns byte offsets into line numbers and builds located errors.
pub(super) struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn line(&self, offset: usize) -> u64 {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    }

    fn at<T>(&self, s: &Spanned<T>) -> u64 {
        self.line(s.span().start)
    }

    pub(super) fn error<T>(
        &self,
        s: &Spanned<T>,
        field: &str,
        what: impl std::fmt::Display,
    ) -> Error {
        Error::invalid_at(self.file, self.at(s), Some(field), what)
    }
}

impl RolloutPlan {
    /// Reads and validates a plan file. A missing file is a usage error (exit 2).
    pub fn load(path: &Path) -> Result<RolloutPlan> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::usage(format!("plan file {} does not exist", path.display()))
            }
            _ => Error::runtime(format!("cannot read plan file {}: {e}", path.display())),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Error::invalid_at(path.display(), line as u64, None, "not valid UTF-8")
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates a plan's text; `origin` names it in messages and anchors
    /// relative paths. Reads no file.
    pub fn parse(text: &str, origin: &Path) -> Result<RolloutPlan> {
        let file = origin.display().to_string();
        let loc = Locator { file: &file, text };
        let raw: RawPlan = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| loc.line(s.start));
            let message = e.message().trim_end().replace('\n', " ");
            // serde names the key between backticks: `unknown field `x`, expected …`.
            let field = message
                .split('`')
                .nth(1)
                .filter(|_| message.contains("field"));
            Error::invalid_at(&file, line, field, message.as_str())
        })?;
        let dir = origin
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);

        let text_field = |s: &Spanned<String>, field: &str| -> Result<String> {
            let v = s.get_ref().trim();
            if v.is_empty() {
                return Err(loc.error(s, field, "must not be empty").into());
            }
            Ok(v.to_string())
        };
        let name = text_field(&raw.name, "name")?;
        let directory = text_field(&raw.directory, "directory")?;
        let platform = text_field(&raw.platform, "platform")?;
        if raw.phase.is_empty() {
            return Err(Error::invalid_at(
                &file,
                1,
                Some("phase"),
                "the plan has no phases: add at least one [[phase]]",
            )
            .into());
        }

        let mut seen = HashSet::new();
        let mut phases = Vec::with_capacity(raw.phase.len());
        let last = raw.phase.len() - 1;
        for (i, spanned) in raw.phase.iter().enumerate() {
            let p = spanned.get_ref();
            let phase_name = text_field(&p.name, "name")?;
            if !seen.insert(phase_name.to_lowercase()) {
                return Err(loc
                    .error(
                        &p.name,
                        "name",
                        format!("phase \"{phase_name}\" is defined twice"),
                    )
                    .into());
            }
            let audience = sections::audience(&loc, &p.audience, &dir)?;
            let mut communities: Vec<String> = Vec::new();
            let communities_line = match &p.communities {
                Some(list) => {
                    for c in list.get_ref() {
                        let key = text_field(c, "communities")?;
                        if communities.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                            return Err(loc
                                .error(c, "communities", format!("\"{key}\" is listed twice"))
                                .into());
                        }
                        communities.push(key);
                    }
                    loc.at(list)
                }
                None => loc.at(&p.name),
            };
            let welcome_message = match &p.welcome_message {
                Some(w) if w.get_ref().trim().is_empty() => {
                    return Err(loc.error(w, "welcome_message", "must not be empty").into())
                }
                Some(w) if communities.is_empty() => {
                    return Err(loc
                        .error(
                            w,
                            "welcome_message",
                            "is posted in the phase's communities, but it lists none",
                        )
                        .into())
                }
                // The message is user data: kept byte for byte, not trimmed.
                Some(w) => Some(w.get_ref().clone()),
                None => None,
            };
            let welcome_line = p
                .welcome_message
                .as_ref()
                .map_or(communities_line, |w| loc.at(w));
            let welcome_author = match &p.welcome_author {
                Some(a) if p.welcome_message.is_none() => {
                    return Err(loc
                        .error(
                            a,
                            "welcome_author",
                            "is set but there is no welcome_message",
                        )
                        .into())
                }
                Some(a) => Some(text_field(a, "welcome_author")?),
                None => None,
            };
            let gate = match &p.gate {
                Some(g) if i == last => {
                    return Err(loc
                        .error(
                            g,
                            "gate",
                            format!(
                                "phase \"{phase_name}\" is the last one: it has no gate to \
                                 leave (remove [phase.gate] or add a phase after it)"
                            ),
                        )
                        .into())
                }
                Some(g) => Some(sections::gate(&loc, g.get_ref())?),
                None => None,
            };
            phases.push(Phase {
                name: phase_name,
                line: loc.at(spanned),
                audience_line: loc.at(&p.audience),
                audience,
                communities,
                communities_line,
                welcome_message,
                welcome_line,
                welcome_author,
                gate,
            });
        }
        let (directory_line, platform_line) = (loc.at(&raw.directory), loc.at(&raw.platform));
        Ok(RolloutPlan {
            file,
            dir,
            name,
            directory,
            directory_line,
            platform,
            platform_line,
            phases,
        })
    }

    /// The index of a phase by its exact name.
    pub fn phase_index(&self, name: &str) -> Option<usize> {
        self.phases.iter().position(|p| p.name == name)
    }

    /// An invalid-data error pointing at this plan.
    pub fn error_at(&self, line: u64, field: &str, what: impl std::fmt::Display) -> Error {
        Error::invalid_at(&self.file, line, Some(field), what)
    }
}

mod sections;

#[cfg(test)]
mod tests;
