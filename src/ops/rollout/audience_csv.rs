//! `audience = { csv = "pilot.csv" }`: a list of people by `key` or `email` (header row;
//! other columns are ignored, so an export from a spreadsheet works as it is).

use crate::error::{Error, Result};
use std::path::Path;

/// One person named by the file: the key when the row has one, else the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Key(String),
    Email(String),
}

/// Reads the people a CSV file names, in file order. Bad rows are invalid data naming
/// the file, line and column.
pub fn read(path: &Path) -> Result<Vec<Named>> {
    let label = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::invalid_data(format!("cannot read {label}: {}", io_text(&e))))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid_at(&label, 1, None, e))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
    };
    let (key_col, email_col) = (column("key"), column("email"));
    if key_col.is_none() && email_col.is_none() {
        return Err(Error::invalid_at(
            &label,
            1,
            Some("key"),
            "the header row has neither a key nor an email column",
        )
        .into());
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::invalid_at(&label, line, None, e)
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |col: Option<usize>| {
            col.and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        match (cell(key_col), cell(email_col)) {
            (Some(k), _) => out.push(Named::Key(k)),
            (None, Some(e)) if e.contains('@') => out.push(Named::Email(e)),
            (None, Some(e)) => {
                return Err(Error::invalid_at(
                    &label,
                    line,
                    Some("email"),
                    format!("\"{e}\" is not an email address"),
                )
                .into())
            }
            (None, None) => {
                let field = if key_col.is_some() { "key" } else { "email" };
                return Err(Error::invalid_at(&label, line, Some(field), "empty").into());
            }
        }
    }
    Ok(out)
}

fn io_text(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};

    fn file(text: &str) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), text).unwrap();
        f
    }

    #[test]
    fn keys_or_emails_with_other_columns_ignored() {
        let f = file("\u{feff}Name,Email,Key\nLéa,lea@x.fr,\nMarie,,mdurand\n,,\n");
        assert_eq!(
            read(f.path()).unwrap(),
            [
                Named::Email("lea@x.fr".into()),
                Named::Key("mdurand".into())
            ]
        );
    }

    #[test]
    fn bad_files_name_file_line_and_column() {
        let f = file("name\nLéa\n");
        let err = read(f.path()).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        assert!(
            err.to_string().ends_with(
                ":1: field \"key\": the header row has neither a key nor an email column"
            ),
            "{err}"
        );
        let f = file("email,name\nlea@x.fr,Léa\nnot-an-address,Paul\n");
        let err = read(f.path()).unwrap_err().to_string();
        assert!(
            err.ends_with(":3: field \"email\": \"not-an-address\" is not an email address"),
            "{err}"
        );
        let f = file("key,name\n,Paul\n");
        let err = read(f.path()).unwrap_err().to_string();
        assert!(err.ends_with(":2: field \"key\": empty"), "{err}");
        let err = read(Path::new("/nonexistent/list.csv")).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
    }
}
