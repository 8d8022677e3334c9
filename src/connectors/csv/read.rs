//! Parsing and validating a users CSV file, all of it before anything is returned.

use super::{CANONICAL_COLUMNS, EXTRA_PREFIX};
use crate::connectors::line_limit::{self, MAX_LINE_BYTES};
use crate::core::model::User;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// Layout details of an existing file that a rewrite keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FileFormat {
    /// The file starts with a UTF-8 byte order mark (spreadsheet exports often do).
    pub bom: bool,
    /// Records end with `\r\n`.
    pub crlf: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub users: Vec<User>,
    pub format: FileFormat,
}

/// What a header column maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// One of [`CANONICAL_COLUMNS`].
    Field(&'static str),
    Extra(String),
    /// A column without a header name (a trailing delimiter in spreadsheet exports); it
    /// must stay empty.
    Unnamed,
}

/// The file's bytes, or `None` when it does not exist.
pub(crate) fn read_file(path: &Path, label: &str) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::runtime(format!("cannot read {label}: {e}")).into()),
    }
}

/// Parses a whole file. `file` names it in messages. An empty file is an error unless
/// `allow_empty` (a write destination may have been created empty on purpose; a source
/// that is empty by accident must not look like "everyone left").
pub(crate) fn parse(bytes: &[u8], file: &str, delimiter: u8, allow_empty: bool) -> Result<Parsed> {
    let format = FileFormat {
        bom: bytes.starts_with(b"\xEF\xBB\xBF"),
        crlf: bytes
            .iter()
            .position(|&b| b == b'\n')
            .is_some_and(|i| i > 0 && bytes[i - 1] == b'\r'),
    };
    if let Some(line) = line_limit::first_long_line(bytes, MAX_LINE_BYTES) {
        return Err(line_limit::too_long(file, line, MAX_LINE_BYTES).into());
    }
    if let Some(line) = unterminated_quote_line(bytes) {
        return Err(Error::invalid_at(
            file,
            line,
            None,
            "unbalanced quotes: a quoted field opened here is never closed",
        )
        .into());
    }
    // The csv crate strips a leading BOM itself. Lengths are checked here rather than by the
    // crate so that the message can say which line and what the header expects.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();

    if !read_record(&mut reader, &mut record, file)? {
        if allow_empty {
            return Ok(Parsed {
                users: Vec::new(),
                format,
            });
        }
        return Err(Error::invalid_at(
            file,
            1,
            None,
            "empty file: expected a header row with a \"key\" column",
        )
        .into());
    }
    let columns = parse_header(&record, file, line_of(&record))?;

    let mut users = Vec::new();
    let mut lines_by_key: HashMap<String, u64> = HashMap::new();
    while read_record(&mut reader, &mut record, file)? {
        let line = line_of(&record);
        // Rows of empty cells are what spreadsheets leave below the data.
        if record.iter().all(<[u8]>::is_empty) {
            continue;
        }
        if record.len() != columns.len() {
            return Err(Error::invalid_at(
                file,
                line,
                None,
                format!(
                    "{} fields, but the header has {} columns",
                    record.len(),
                    columns.len()
                ),
            )
            .into());
        }
        let user = parse_user(&record, &columns, file, line)?;
        if let Some(first) = lines_by_key.insert(user.key.to_lowercase(), line) {
            return Err(Error::invalid_at(
                file,
                line,
                Some("key"),
                format!(
                    "duplicate key \"{}\", already on line {first} (keys are case-insensitive)",
                    user.key
                ),
            )
            .into());
        }
        users.push(user);
    }
    Ok(Parsed { users, format })
}

fn read_record(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::ByteRecord,
    file: &str,
) -> Result<bool> {
    reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, csv::Position::line);
        Error::invalid_at(file, line, None, e).into()
    })
}

/// The line of a quote that is never closed. The csv crate silently reads such a field to
/// the end of the file (swallowing every later row), so it is detected here: in RFC 4180
/// every quote character pairs up, escaped quotes (`""`) included.
pub(crate) fn unterminated_quote_line(bytes: &[u8]) -> Option<u64> {
    let mut line = 1;
    let mut open_at = None;
    for &b in bytes {
        match b {
            b'"' => open_at = if open_at.is_some() { None } else { Some(line) },
            b'\n' => line += 1,
            _ => {}
        }
    }
    open_at
}

fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn parse_header(record: &csv::ByteRecord, file: &str, line: u64) -> Result<Vec<Column>> {
    let mut columns: Vec<Column> = Vec::with_capacity(record.len());
    let mut names: Vec<&str> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| {
                Error::invalid_at(
                    file,
                    line,
                    None,
                    format!("column {}: header name is not valid UTF-8", i + 1),
                )
            })?
            .trim();
        let column = column_for(name);
        if column != Column::Unnamed {
            if let Some(j) = columns.iter().position(|c| *c == column) {
                return Err(Error::invalid_at(
                    file,
                    line,
                    Some(name),
                    format!(
                        "duplicate column: columns {} (\"{}\") and {} name the same field",
                        j + 1,
                        names[j],
                        i + 1
                    ),
                )
                .into());
            }
        }
        columns.push(column);
        names.push(name);
    }
    if !columns.contains(&Column::Field("key")) {
        return Err(Error::invalid_at(
            file,
            line,
            None,
            format!(
                "no \"key\" column in the header (found: {})",
                names.join(", ")
            ),
        )
        .into());
    }
    Ok(columns)
}

/// Maps a trimmed header name to its field. Extra attribute names are case-sensitive, like
/// the model's, so that any set of extras round-trips.
fn column_for(name: &str) -> Column {
    if name.is_empty() {
        return Column::Unnamed;
    }
    if let Some(field) = CANONICAL_COLUMNS
        .iter()
        .find(|c| c.eq_ignore_ascii_case(name))
    {
        return Column::Field(field);
    }
    match strip_extra_prefix(name) {
        Some(rest) => Column::Extra(rest.to_string()),
        None => Column::Extra(name.to_string()),
    }
}

/// `name` without a leading `extra.` in any letter case.
pub(super) fn strip_extra_prefix(name: &str) -> Option<&str> {
    let prefix = name.get(..EXTRA_PREFIX.len())?;
    prefix
        .eq_ignore_ascii_case(EXTRA_PREFIX)
        .then(|| &name[EXTRA_PREFIX.len()..])
}

fn parse_user(record: &csv::ByteRecord, columns: &[Column], file: &str, line: u64) -> Result<User> {
    let mut user = User::new(String::new());
    for (i, (raw, column)) in record.iter().zip(columns).enumerate() {
        let field_name = match column {
            Column::Field(f) => *f,
            Column::Extra(x) => x.as_str(),
            Column::Unnamed => "",
        };
        let named = Some(field_name).filter(|f| !f.is_empty());
        let invalid = |what: String| Error::invalid_at(file, line, named, what);
        let value = std::str::from_utf8(raw).map_err(|e| {
            invalid(format!(
                "not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        if value.is_empty() {
            continue;
        }
        match column {
            Column::Unnamed => {
                return Err(Error::invalid_at(
                    file,
                    line,
                    None,
                    format!(
                        "column {} has a value but no header name: \"{value}\"",
                        i + 1
                    ),
                )
                .into());
            }
            Column::Extra(name) => {
                user.extra.insert(name.clone(), value.to_string());
            }
            Column::Field("active") => {
                user.active = parse_active(value)
                    .ok_or_else(|| invalid(format!("expected true or false, got \"{value}\"")))?;
            }
            Column::Field("deactivated_by") => user.deactivated_by = Some(value.to_string()),
            Column::Field("source") => user.source = Some(value.to_string()),
            Column::Field(field) => {
                if *field == "email" && !value.contains('@') {
                    return Err(invalid(format!("not an email address: \"{value}\"")).into());
                }
                user.set_field(field, Some(value.to_string()));
            }
        }
    }
    if user.key.trim().is_empty() {
        return Err(
            Error::invalid_at(file, line, Some("key"), "empty key: every user needs one").into(),
        );
    }
    Ok(user)
}

/// `true/false/yes/no/1/0` in any letter case; an empty cell (handled by the caller) is true.
fn parse_active(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};

    fn parse_ok(text: &str) -> Vec<User> {
        parse(text.as_bytes(), "users.csv", b',', false)
            .unwrap()
            .users
    }

    /// Parses `bytes`, expecting invalid data; returns the message.
    #[test]
    fn unbalanced_quote_is_an_error_naming_its_line() {
        let err = parse_err(b"key,display_name\na,\"Al\"\"ice\"\nb,\"Bob\nc,Carol\n");
        assert!(
            err.contains("users.csv:3") && err.contains("unbalanced quotes"),
            "{err}"
        );
    }

    fn parse_err(bytes: &[u8]) -> String {
        let err = parse(bytes, "users.csv", b',', false).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData, "{err}");
        err.to_string()
    }

    #[test]
    fn reads_canonical_columns_matched_loosely() {
        let users = parse_ok(
            " Key ,EMAIL,Display_Name,active,Manager\n\
             mdurand,marie@durand-fils.fr,Marie Durand,,\n\
             pmartin,pierre@durand-fils.fr,Pierre Martin,NO,mdurand\n",
        );
        assert_eq!(users.len(), 2);
        assert_eq!(users[0].key, "mdurand");
        assert_eq!(users[0].email.as_deref(), Some("marie@durand-fils.fr"));
        assert_eq!(users[0].display_name.as_deref(), Some("Marie Durand"));
        assert!(users[0].active, "an empty active cell means active");
        assert_eq!(users[0].manager, None, "an empty cell is None");
        assert!(!users[1].active);
        assert_eq!(users[1].manager.as_deref(), Some("mdurand"));
    }

    #[test]
    fn accepts_a_bom_and_keeps_unicode_byte_for_byte() {
        let text = "\u{feff}key,display_name\nélodie,Élodie Bénard 😀 张\n";
        let parsed = parse(text.as_bytes(), "users.csv", b',', false).unwrap();
        assert!(parsed.format.bom);
        assert_eq!(parsed.users[0].key, "élodie");
        assert_eq!(
            parsed.users[0].display_name.as_deref(),
            Some("Élodie Bénard 😀 张")
        );
    }

    #[test]
    fn unknown_and_prefixed_columns_are_extras() {
        let users = parse_ok(
            "key,site,Extra.Badge,extra.email,empty\n\
             a,Lyon,42,perso@example.com,\n\
             b,,,,\n",
        );
        let a = &users[0];
        assert_eq!(a.extra.get("site").map(String::as_str), Some("Lyon"));
        assert_eq!(a.extra.get("Badge").map(String::as_str), Some("42"));
        assert_eq!(
            a.extra.get("email").map(String::as_str),
            Some("perso@example.com")
        );
        assert_eq!(a.email, None);
        assert!(!a.extra.contains_key("empty"), "empty cells are omitted");
        assert!(users[1].extra.is_empty());
    }

    #[test]
    fn active_accepts_the_usual_spellings() {
        for (v, want) in [
            ("true", true),
            ("TRUE", true),
            ("Yes", true),
            ("1", true),
            ("", true),
            ("false", false),
            ("no", false),
            ("0", false),
            ("False", false),
        ] {
            let users = parse_ok(&format!("key,active\na,{v}\n"));
            assert_eq!(users[0].active, want, "{v:?}");
        }
    }

    #[test]
    fn deactivated_by_and_source_are_model_fields() {
        let users = parse_ok("key,active,deactivated_by,Source\na,false,esnctl,corp-ldap\n");
        assert_eq!(users[0].deactivated_by.as_deref(), Some("esnctl"));
        assert_eq!(users[0].source.as_deref(), Some("corp-ldap"));
        assert!(users[0].extra.is_empty());
    }

    #[test]
    fn skips_blank_rows_and_tolerates_empty_unnamed_columns() {
        let users = parse_ok("key,email,\na,a@x.fr,\n,,\n\nb,,\n");
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].key, "b");
    }

    #[test]
    fn bad_active_names_file_line_and_field() {
        let msg = parse_err(b"key,active\na,true\nb,maybe\n");
        assert_eq!(
            msg,
            "users.csv:3: field \"active\": expected true or false, got \"maybe\""
        );
    }

    #[test]
    fn empty_key_is_an_error() {
        let msg = parse_err(b"key,email\na,a@x.fr\n,b@x.fr\n");
        assert!(
            msg.starts_with("users.csv:3: field \"key\":") && msg.contains("empty"),
            "{msg}"
        );
    }

    #[test]
    fn email_without_at_is_an_error() {
        let msg = parse_err(b"key,email\na,a.durand-fils.fr\n");
        assert!(
            msg.starts_with("users.csv:2: field \"email\":") && msg.contains("a.durand-fils.fr"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_column_count_names_the_line() {
        let msg = parse_err(b"key,email\na,a@x.fr\nb,b@x.fr,extra\n");
        assert!(
            msg.starts_with("users.csv:3:")
                && msg.contains("3 fields")
                && msg.contains("2 columns"),
            "{msg}"
        );
    }

    #[test]
    fn invalid_utf8_names_line_and_field() {
        let msg = parse_err(b"key,display_name\na,ok\nb,Ren\xe9\n");
        assert!(
            msg.starts_with("users.csv:3: field \"display_name\":") && msg.contains("UTF-8"),
            "{msg}"
        );
        let msg = parse_err(b"key,caf\xe9\na,b\n");
        assert!(
            msg.starts_with("users.csv:1:") && msg.contains("UTF-8"),
            "{msg}"
        );
    }

    #[test]
    fn duplicate_header_columns_are_an_error() {
        let msg = parse_err(b"key,email,Email \na,a@x.fr,a@x.fr\n");
        assert!(
            msg.starts_with("users.csv:1: field \"Email\":") && msg.contains("duplicate"),
            "{msg}"
        );
        let msg = parse_err(b"key,site,extra.site\na,x,y\n");
        assert!(
            msg.starts_with("users.csv:1:") && msg.contains("duplicate"),
            "{msg}"
        );
    }

    #[test]
    fn missing_key_column_is_an_error_on_line_1() {
        let msg = parse_err(b"username,email\na,a@x.fr\n");
        assert!(
            msg.starts_with("users.csv:1:") && msg.contains("\"key\""),
            "{msg}"
        );
        let msg = parse_err(b"");
        assert!(msg.starts_with("users.csv:1:"), "{msg}");
        assert!(parse(b"", "users.csv", b',', true)
            .unwrap()
            .users
            .is_empty());
    }

    #[test]
    fn duplicate_keys_name_both_lines() {
        let msg = parse_err(b"key\nmdurand\npmartin\nMDurand\n");
        assert!(
            msg.starts_with("users.csv:4: field \"key\":")
                && msg.contains("MDurand")
                && msg.contains("line 2"),
            "{msg}"
        );
    }

    #[test]
    fn line_numbers_count_physical_lines_of_quoted_fields() {
        let msg = parse_err(b"key,title\na,\"two\nlines\"\nb,ok\nc,\"x\",\n");
        assert!(msg.starts_with("users.csv:5:"), "{msg}");
        let users = parse_ok("key,title\r\na,\"two\r\nlines\"\r\n");
        assert_eq!(users[0].title.as_deref(), Some("two\r\nlines"));
    }

    #[test]
    fn custom_delimiter() {
        let parsed = parse("key;email\na;a@x.fr\n".as_bytes(), "u.csv", b';', false).unwrap();
        assert_eq!(parsed.users[0].email.as_deref(), Some("a@x.fr"));
    }

    #[test]
    fn extra_prefix_is_case_insensitive_and_utf8_safe() {
        assert_eq!(strip_extra_prefix("EXTRA.x"), Some("x"));
        assert_eq!(strip_extra_prefix("extra"), None);
        assert_eq!(strip_extra_prefix("exträ.x"), None);
        assert_eq!(strip_extra_prefix("éééé"), None);
    }
}
