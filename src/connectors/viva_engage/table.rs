//! Streaming reader of the export's CSV files: columns found by header name (the export
//! has added columns over the years), an optional UTF-8 BOM, and errors that name the
//! file, line and field (exit 3).

use crate::connectors::line_limit::{self, Capped, LineTooLong, MAX_LINE_BYTES};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::io::{self, Read};

/// One CSV file being read.
pub struct Table<'r> {
    file: String,
    reader: csv::Reader<QuoteCheck<Capped<&'r mut dyn Read>>>,
    columns: HashMap<String, usize>,
    /// Header names by position, to name a column in an error.
    names: Vec<String>,
    record: csv::StringRecord,
    /// Blank lines passed so far (the csv crate skips them without counting them).
    blank_lines: u64,
}

/// One data row, with what is needed to name it in an error.
pub struct Row<'t> {
    file: &'t str,
    columns: &'t HashMap<String, usize>,
    record: &'t csv::StringRecord,
    pub line: u64,
}

impl<'r> Table<'r> {
    /// Reads the header and checks that the `required` columns are present.
    pub fn open(file: &str, input: &'r mut dyn Read, required: &[&str]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_reader(QuoteCheck::new(Capped::new(input, MAX_LINE_BYTES)));
        let mut header = csv::StringRecord::new();
        let got = reader
            .read_record(&mut header)
            .map_err(|e| csv_error(file, &[], e))?;
        if !got {
            return Err(
                Error::invalid_at(file, 1, None, "the file is empty (no header row)").into(),
            );
        }
        let mut columns = HashMap::new();
        let mut names = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase();
            names.push(name.clone());
            columns.entry(name).or_insert(i);
        }
        for r in required {
            if !columns.contains_key(*r) {
                return Err(Error::invalid_at(
                    file,
                    1,
                    Some(r),
                    "required column missing from the header row",
                )
                .into());
            }
        }
        Ok(Table {
            file: file.to_string(),
            reader,
            columns,
            names,
            record: csv::StringRecord::new(),
            blank_lines: 0,
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The next data row, skipping blank lines; `None` at the end.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>> {
        loop {
            let got = self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| csv_error(&self.file, &self.names, e))?;
            if !got {
                if let Some(line) = self.reader.get_ref().open_quote_line() {
                    return Err(Error::invalid_at(
                        &self.file,
                        line,
                        None,
                        "unbalanced quotes: a quoted field opened here is never closed",
                    )
                    .into());
                }
                return Ok(None);
            }
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            let pos = self.record.position();
            let byte = pos.map_or(0, csv::Position::byte);
            self.blank_lines += self.reader.get_mut().blank_lines_before(byte);
            let line = pos.map_or(0, csv::Position::line) + self.blank_lines;
            // A quote still open that opened within this row swallowed the rest of the
            // file into its last field (a quote opened in a later row is read-ahead).
            let end_line = line
                + self
                    .record
                    .iter()
                    .map(|f| f.matches('\n').count() as u64)
                    .sum::<u64>();
            if let Some(open) = self.reader.get_ref().open_quote_line() {
                if open <= end_line {
                    return Err(Error::invalid_at(
                        &self.file,
                        open,
                        None,
                        "unbalanced quotes: a quoted field opened here is never closed",
                    )
                    .into());
                }
            }
            return Ok(Some(Row {
                file: &self.file,
                columns: &self.columns,
                record: &self.record,
                line,
            }));
        }
    }
}

impl Row<'_> {
    /// A column's value, trimmed; `""` when the column is absent.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// A column's value exactly as written (message bodies keep their spaces).
    pub fn raw(&self, column: &str) -> &str {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }

    /// A value that must not be empty.
    pub fn required(&self, column: &str) -> Result<&str> {
        let v = self.get(column);
        if v.is_empty() {
            return Err(self.error(column, "empty; a value is required"));
        }
        Ok(v)
    }

    pub fn error(&self, column: &str, what: impl std::fmt::Display) -> anyhow::Error {
        Error::invalid_at(self.file, self.line, Some(column), what).into()
    }

    /// `file:line`, for records' origins.
    pub fn origin(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// `names`: the header's column names, empty while reading the header itself.
fn csv_error(file: &str, names: &[String], e: csv::Error) -> anyhow::Error {
    let line = e.position().map_or(0, csv::Position::line);
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => match names.get(err.field()) {
            Some(name) => {
                return Error::invalid_at(file, line, Some(name), "not valid UTF-8").into()
            }
            None => format!("field {} is not valid UTF-8", err.field() + 1),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Io(io) => {
            if let Some(line) = LineTooLong::line_of(io) {
                return line_limit::too_long(file, line, MAX_LINE_BYTES).into();
            }
            e.to_string()
        }
        _ => e.to_string(),
    };
    Error::invalid_at(file, line, None, what).into()
}

/// Tracks quotes while the bytes stream past: the csv crate silently reads an unclosed
/// quoted field to the end of the file (swallowing every later row). In RFC 4180 every
/// quote pairs up, escaped quotes (`""`) included, so an odd count at the end means one
/// was never closed; the line where the last one opened is reported.
///
/// It also notes where blank lines outside quotes are, so that rows keep their physical
/// line numbers.
pub struct QuoteCheck<R> {
    inner: R,
    line: u64,
    open_at: Option<u64>,
    pos: u64,
    at_line_start: bool,
    blanks: std::collections::VecDeque<u64>,
}

impl<R> QuoteCheck<R> {
    fn new(inner: R) -> Self {
        QuoteCheck {
            inner,
            line: 1,
            open_at: None,
            pos: 0,
            at_line_start: false,
            blanks: Default::default(),
        }
    }

    /// How many blank lines start at or before byte `offset` (the csv crate places a row
    /// after blank lines at the first of them) and were not counted yet.
    fn blank_lines_before(&mut self, offset: u64) -> u64 {
        let mut n = 0;
        while self.blanks.front().is_some_and(|&b| b <= offset) {
            self.blanks.pop_front();
            n += 1;
        }
        n
    }

    fn open_quote_line(&self) -> Option<u64> {
        self.open_at
    }
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'"' => {
                    self.open_at = match self.open_at {
                        Some(_) => None,
                        None => Some(self.line),
                    };
                    self.at_line_start = false;
                }
                b'\n' => {
                    if self.at_line_start && self.open_at.is_none() {
                        self.blanks.push_back(self.pos);
                    }
                    self.line += 1;
                    self.at_line_start = true;
                }
                b'\r' => {}
                _ => self.at_line_start = false,
            }
            self.pos += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Result<Vec<(u64, String)>> {
        let mut input: &[u8] = text.as_bytes();
        let mut t = Table::open("Messages.csv", &mut input, &["id"])?;
        let mut out = Vec::new();
        while let Some(r) = t.next_row()? {
            out.push((r.line, r.get("id").to_string()));
        }
        Ok(out)
    }

    #[test]
    fn bom_header_and_quoted_newlines() {
        let got = rows("\u{feff}id,body\n1,\"a\nb\"\n\n2,x\n").unwrap();
        assert_eq!(got, vec![(2, "1".into()), (5, "2".into())]);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = rows("id,body\n1,x\n2\n").unwrap_err().to_string();
        assert!(e.starts_with("Messages.csv:3:"), "{e}");
        let e = rows("id,body\n1,\"x\n2,y\n").unwrap_err().to_string();
        assert!(
            e.contains("Messages.csv:2") && e.contains("unbalanced"),
            "{e}"
        );
        let e = rows("body\nx\n").unwrap_err().to_string();
        assert!(e.contains("field \"id\""), "{e}");
    }
}
