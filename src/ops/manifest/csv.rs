//! CSV manifests: a header row, then one row per community.
//!
//! Columns (any order, names case-insensitive): `key` and `name` (required),
//! `description`, `visibility`, `parent`, `owners`, `members`, `group`, `welcome`, `tags`,
//! `archived`, `extra.NAME`; `member_count` (written by `communities list`) is ignored.
//! An empty `members` cell leaves the community's members as they are (so does a missing
//! column); to manage them, list them or name a `group`.

use super::{parse_bool, parse_visibility, split_list, Entry, Problems, TAGS_EXTRA};
use crate::error::{Error, Result};

/// Columns with a meaning; anything else but `extra.*` is a typo worth reporting.
const COLUMNS: &[&str] = &[
    "key",
    "name",
    "description",
    "visibility",
    "parent",
    "owners",
    "members",
    "group",
    "welcome",
    "tags",
    "archived",
    "member_count",
];

#[derive(Debug, Clone, PartialEq)]
enum Column {
    Known(&'static str),
    Extra(String),
    Ignored,
}

pub(super) fn parse(bytes: &[u8], file: &str, problems: &mut Problems) -> Result<Vec<Entry>> {
    if let Some(line) = crate::connectors::csv::unterminated_quote_line(bytes) {
        return Err(Error::invalid_at(
            file,
            line,
            None,
            "unbalanced quotes: a quoted field opened here is never closed",
        )
        .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(Error::invalid_at(
                file,
                1,
                None,
                "empty file: expected a header row with \"key\" and \"name\" columns",
            )
            .into())
        }
        Some(r) => r.map_err(|e| csv_error(file, e))?,
    };
    let columns = parse_header(&header, file, problems)?;

    let mut entries = Vec::new();
    for record in records {
        let record = record.map_err(|e| csv_error(file, e))?;
        let line = record.position().map_or(0, csv::Position::line);
        // Rows of empty cells are what spreadsheets leave below the data.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != columns.len() {
            problems.add(
                line,
                None,
                format!(
                    "{} fields, but the header has {} columns",
                    record.len(),
                    columns.len()
                ),
            );
            continue;
        }
        entries.push(parse_row(&record, &columns, line, problems));
    }
    Ok(entries)
}

fn csv_error(file: &str, e: csv::Error) -> anyhow::Error {
    let line = e.position().map_or(0, csv::Position::line);
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
        _ => e.to_string(),
    };
    Error::invalid_at(file, line, None, what).into()
}

fn parse_header(
    header: &csv::StringRecord,
    file: &str,
    problems: &mut Problems,
) -> Result<Vec<Column>> {
    let mut columns = Vec::with_capacity(header.len());
    for name in header.iter() {
        let trimmed = name.trim();
        let lower = trimmed.to_ascii_lowercase();
        let column = if let Some(known) = COLUMNS.iter().find(|c| **c == lower) {
            if columns.contains(&Column::Known(known)) {
                problems.add(1, None, format!("column \"{trimmed}\" appears twice"));
                Column::Ignored
            } else if *known == "member_count" {
                Column::Ignored
            } else {
                Column::Known(known)
            }
        } else if lower.starts_with("extra.") && trimmed.len() > "extra.".len() {
            Column::Extra(trimmed["extra.".len()..].to_string())
        } else if trimmed.is_empty() {
            Column::Ignored
        } else {
            problems.add(
                1,
                None,
                format!(
                    "unknown column \"{trimmed}\"; expected {} or extra.NAME",
                    COLUMNS.join(", ")
                ),
            );
            Column::Ignored
        };
        columns.push(column);
    }
    for required in ["key", "name"] {
        if !columns.contains(&Column::Known(required)) {
            return Err(Error::invalid_at(
                file,
                1,
                None,
                format!("the header has no \"{required}\" column"),
            )
            .into());
        }
    }
    Ok(columns)
}

fn parse_row(
    record: &csv::StringRecord,
    columns: &[Column],
    line: u64,
    problems: &mut Problems,
) -> Entry {
    let mut entry = Entry {
        line,
        ..Default::default()
    };
    for (column, cell) in columns.iter().zip(record.iter()) {
        // Text is kept byte for byte; only lists and keywords are trimmed.
        let text = || (!cell.trim().is_empty()).then(|| cell.to_string());
        match column {
            Column::Ignored => {}
            Column::Extra(name) => {
                if let Some(v) = text() {
                    entry.extra.insert(name.clone(), v);
                }
            }
            Column::Known(field) => match *field {
                "key" => entry.key = cell.trim().to_string(),
                "name" => entry.name = cell.to_string(),
                "description" => entry.description = text(),
                "visibility" => entry.visibility = parse_visibility(cell, line, problems),
                "parent" => entry.parent = text().map(|p| p.trim().to_string()),
                "owners" => entry.owners = split_list(cell),
                "members" => {
                    let list = split_list(cell);
                    entry.members = (!list.is_empty()).then_some(list);
                }
                "group" => entry.group = text().map(|g| g.trim().to_string()),
                "welcome" => entry.welcome = text(),
                "tags" => entry.tags = split_list(cell),
                "archived" => match parse_bool(cell) {
                    Some(b) => entry.archived = b,
                    None => problems.add(
                        line,
                        Some("archived"),
                        format!("\"{}\" is not true or false", cell.trim()),
                    ),
                },
                _ => unreachable!("every known column is matched"),
            },
        }
    }
    if entry.extra.contains_key(TAGS_EXTRA) && !entry.tags.is_empty() {
        problems.add(
            line,
            Some("tags"),
            "both a \"tags\" and an \"extra.tags\" column are filled; keep one",
        );
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Visibility;

    fn parse_ok(text: &str) -> (Vec<Entry>, Problems) {
        let mut problems = Problems::new("m.csv");
        let entries = parse(text.as_bytes(), "m.csv", &mut problems).unwrap();
        (entries, problems)
    }

    #[test]
    fn reads_every_column_keeping_text_byte_for_byte() {
        let (entries, problems) = parse_ok(
            "Key,Name,description,visibility,parent,owners,members,group,welcome,tags,extra.site\n\
             store-042,Magasin 042 — Besançon 🎉,\" L'équipe \",Private,region-east,\
             mdurand;ayamada@x.example,lnoel ayamada,,\"Bienvenue,\nà tous\",food fresh,Lyon\n",
        );
        assert!(problems.is_empty(), "{problems}");
        let e = &entries[0];
        assert_eq!(e.line, 2);
        assert_eq!(e.name, "Magasin 042 — Besançon 🎉");
        assert_eq!(e.description.as_deref(), Some(" L'équipe "));
        assert_eq!(e.visibility, Some(Visibility::Private));
        assert_eq!(e.owners, ["mdurand", "ayamada@x.example"]);
        assert_eq!(
            e.members.as_deref(),
            Some(&["lnoel".to_string(), "ayamada".into()][..])
        );
        assert_eq!(e.group, None);
        assert_eq!(e.welcome.as_deref(), Some("Bienvenue,\nà tous"));
        assert_eq!(e.tags, ["food", "fresh"]);
        assert_eq!(e.extra["site"], "Lyon");
    }

    #[test]
    fn empty_members_cell_leaves_members_unmanaged() {
        let (entries, _) = parse_ok("key,name,members\na,A,\n");
        assert_eq!(entries[0].members, None);
        assert!(!entries[0].manages_members());
    }

    #[test]
    fn field_problems_are_collected_with_their_lines() {
        let (entries, problems) = parse_ok(
            "key,name,visibility,colour,archived\na,A,open,red,maybe\nb,B,secret,,\nc,C\n",
        );
        assert_eq!(entries.len(), 2);
        let text = problems.to_string();
        assert!(
            text.contains("m.csv:1: unknown column \"colour\""),
            "{text}"
        );
        assert!(
            text.contains("m.csv:2: field \"visibility\": \"open\" is not a visibility"),
            "{text}"
        );
        assert!(text.contains("m.csv:2: field \"archived\""), "{text}");
        assert!(
            text.contains("m.csv:4: 2 fields, but the header has 5"),
            "{text}"
        );
    }

    #[test]
    fn unbalanced_quotes_and_missing_columns_stop_at_once() {
        let mut p = Problems::new("m.csv");
        let err = parse(b"key,name\na,\"A\nb,B\n", "m.csv", &mut p).unwrap_err();
        assert!(
            err.to_string().starts_with("m.csv:2: unbalanced quotes"),
            "{err}"
        );
        let err = parse(b"key,title\na,A\n", "m.csv", &mut p).unwrap_err();
        assert!(err.to_string().contains("no \"name\" column"), "{err}");
    }
}
