//! Community manifests: the file `communities apply` reads, in CSV (one row per community)
//! or TOML (`[[community]]` tables), chosen by the file extension.
//!
//! Readers turn the file into [`Entry`] values and collect per-field problems rather than
//! stopping at the first, so that [`validate`] can report every problem of the file at
//! once. A file that cannot be parsed at all (unbalanced CSV quotes, TOML syntax) stops
//! at once, naming the line.
//!
//! Lists (`owners`, `members`, `tags`) are separated by `;` and/or whitespace in CSV,
//! and are arrays in TOML. Owners and members are usernames or emails.

mod csv;
mod toml;
pub mod validate;

use crate::core::model::Visibility;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The `extra` attribute that holds a community's tags, space-separated.
pub const TAGS_EXTRA: &str = "tags";

/// One community as the manifest describes it, before names are resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// Line of the row (CSV) or of the table's `key` (TOML).
    pub line: u64,
    /// Lines of individual fields where the format knows them (TOML); else [`Self::line`].
    pub field_lines: BTreeMap<&'static str, u64>,
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    /// `None` when the manifest leaves it out (public) or when it was invalid (a problem
    /// was recorded).
    pub visibility: Option<Visibility>,
    /// The parent's key, as written.
    pub parent: Option<String>,
    /// Usernames or emails, as written.
    pub owners: Vec<String>,
    /// Usernames or emails; `None` when the manifest does not manage this list.
    pub members: Option<Vec<String>>,
    /// A directory group (DN or cn) whose members become members.
    pub group: Option<String>,
    /// Markdown body of the post made when the community is created.
    pub welcome: Option<String>,
    pub tags: Vec<String>,
    /// Other attributes (`extra.NAME` columns, `[community.extra]` tables).
    pub extra: BTreeMap<String, String>,
    /// The community is kept archived (as `communities list` writes archived ones).
    pub archived: bool,
}

impl Entry {
    pub fn line_of(&self, field: &str) -> u64 {
        self.field_lines.get(field).copied().unwrap_or(self.line)
    }

    /// True when the manifest manages this community's members.
    pub fn manages_members(&self) -> bool {
        self.members.is_some() || self.group.is_some()
    }
}

/// A parsed manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The path as given, for messages.
    pub file: String,
    pub entries: Vec<Entry>,
}

/// One problem at a place in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub line: u64,
    pub field: Option<&'static str>,
    pub message: String,
}

/// Every problem found in one manifest; becomes one `InvalidData` error (exit 3) whose
/// lines each name `file:line` and the field.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub file: String,
    pub list: Vec<Problem>,
}

impl Problems {
    pub fn new(file: &str) -> Self {
        Problems {
            file: file.to_string(),
            list: Vec::new(),
        }
    }

    pub fn add(&mut self, line: u64, field: Option<&'static str>, message: impl Into<String>) {
        self.list.push(Problem {
            line,
            field,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// `Ok` when there is nothing to report.
    pub fn into_result(mut self) -> Result<()> {
        if self.list.is_empty() {
            return Ok(());
        }
        self.list.sort();
        self.list.dedup();
        Err(Error::invalid_data(self.to_string()).into())
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |p: &Problem| match p.field {
            Some(field) => format!("{}:{}: field \"{field}\": {}", self.file, p.line, p.message),
            None => format!("{}:{}: {}", self.file, p.line, p.message),
        };
        match self.list.as_slice() {
            [p] => f.write_str(&one(p)),
            list => {
                write!(
                    f,
                    "{} problems in {}; nothing was changed",
                    list.len(),
                    self.file
                )?;
                list.iter().try_for_each(|p| write!(f, "\n  {}", one(p)))
            }
        }
    }
}

/// Reads a manifest: `.csv` or `.toml`. Per-field problems are returned beside the
/// entries; a file that cannot be parsed is an error.
pub fn load(path: &Path) -> Result<(Manifest, Problems)> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => crate::error::Kind::Usage,
            _ => crate::error::Kind::Runtime,
        };
        Error::new(kind, format!("cannot read manifest {file}: {e}"))
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let mut problems = Problems::new(&file);
    let entries = match ext.as_deref() {
        Some("csv") => csv::parse(&bytes, &file, &mut problems)?,
        Some("toml") => toml::parse(&bytes, &file, &mut problems)?,
        _ => {
            return Err(Error::usage(format!(
                "manifest {file}: unknown format; name it *.csv (one row per community) or \
                 *.toml ([[community]] tables)"
            ))
            .into())
        }
    };
    Ok((Manifest { file, entries }, problems))
}

/// Splits a list cell: items separated by `;` and/or whitespace, empty items dropped.
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split(|c: char| c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses a visibility, recording a problem when it is not one of the three.
fn parse_visibility(value: &str, line: u64, problems: &mut Problems) -> Option<Visibility> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = Visibility::parse(value);
    if parsed.is_none() {
        problems.add(
            line,
            Some("visibility"),
            format!("\"{value}\" is not a visibility; use public, private or secret"),
        );
    }
    parsed
}

/// A `true`/`false`-like cell; `None` (and a problem) for anything else.
fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Some(false),
        "true" | "yes" | "1" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_semicolons_and_whitespace() {
        assert_eq!(
            split_list(" a;b  c;;\td@x.example "),
            ["a", "b", "c", "d@x.example"]
        );
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn problems_render_one_line_each_with_file_and_line() {
        let mut p = Problems::new("m.csv");
        p.add(4, Some("parent"), "unknown parent \"x\"");
        p.add(2, None, "duplicate key");
        let text = p.to_string();
        assert!(text.starts_with("2 problems in m.csv"), "{text}");
        let lines: Vec<_> = text.lines().skip(1).map(str::trim).collect();
        assert_eq!(
            lines,
            [
                "m.csv:4: field \"parent\": unknown parent \"x\"",
                "m.csv:2: duplicate key"
            ]
        );
        let err = p.into_result().unwrap_err();
        // Sorted by line when it becomes an error.
        assert!(
            err.to_string()
                .contains("m.csv:2: duplicate key\n  m.csv:4"),
            "{err}"
        );
    }
}
