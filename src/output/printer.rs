//! The one way results reach stdout: a table for people, JSON for scripts (one document),
//! CSV for spreadsheets and round-trips.

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

pub struct Printer {
    pub format: Format,
}

impl Printer {
    pub fn new(format: Format) -> Self {
        Printer { format }
    }

    /// Writes one JSON document followed by a newline.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let mut out = stdout();
        serde_json::to_writer_pretty(&mut out, value)?;
        writeln!(out)?;
        out.flush()
    }

    /// Writes a document that `write` renders itself, followed by a newline: for large
    /// documents written faster than value by value through serde (`users sync` plans).
    pub fn write_raw(
        &self,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut out = stdout();
        write(&mut out)?;
        writeln!(out)?;
        out.flush()
    }

    /// Writes a CSV document; values are written verbatim so the file round-trips.
    pub fn csv(
        &self,
        headers: &[&str],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(stdout());
        w.write_record(headers)?;
        for row in rows {
            w.write_record(&row)?;
        }
        w.flush()
    }

    /// Writes a CSV report meant for spreadsheets: a cell that a spreadsheet would run as
    /// a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed
    /// with `'`, so names from the data cannot inject formulas (OWASP CSV injection).
    pub fn csv_cells(
        &self,
        headers: &[&str],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> io::Result<()> {
        self.csv(
            headers,
            rows.into_iter()
                .map(|row| row.into_iter().map(neutralise_formula).collect()),
        )
    }

    /// Writes an aligned table (column widths account for CJK and emoji).
    pub fn table(
        &self,
        headers: &[&str],
        rows: impl IntoIterator<Item = Vec<String>>,
    ) -> io::Result<()> {
        let mut table = Table::new();
        table
            .load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(headers.iter().map(|h| h.to_uppercase()));
        for row in rows {
            table.add_row(row.into_iter().map(shorten_cell));
        }
        // Flush left with two spaces between columns, like kubectl.
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
        let mut out = stdout();
        for line in table.lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        out.flush()
    }

    /// A line of text on stdout (table format only).
    pub fn line(&self, text: &str) -> io::Result<()> {
        writeln!(io::stdout().lock(), "{text}")
    }
}

/// Locked, buffered stdout: stdout alone is line-buffered, and pretty JSON or a 100k-row
/// CSV would cost one write(2) per line. Callers flush (errors would be lost on drop).
fn stdout() -> io::BufWriter<io::StdoutLock<'static>> {
    io::BufWriter::with_capacity(64 * 1024, io::stdout().lock())
}

/// `'=1+1` for `=1+1`; other cells unchanged. Numbers are written by esnctl itself and
/// never negative here, so only text from the data is ever prefixed.
pub fn neutralise_formula(cell: String) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

/// Cells longer than this are cut in tables (JSON and CSV keep every byte): a table is
/// for reading, and laying out a multi-megabyte cell takes the table crate minutes.
const MAX_CELL_CHARS: usize = 1000;

fn shorten_cell(cell: String) -> String {
    match cell.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => format!("{}…", &cell[..cut]),
        None => cell,
    }
}

/// `None` as the contract shows it in tables.
pub fn or_dash(v: Option<&str>) -> String {
    v.unwrap_or("-").to_string()
}

#[cfg(test)]
mod tests {
    use super::neutralise_formula as n;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            n("=HYPERLINK(\"http://x\")".into()),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(n("+33 1 23".into()), "'+33 1 23");
        assert_eq!(n("-2+3".into()), "'-2+3");
        assert_eq!(n("@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(n("Léa =1".into()), "Léa =1");
        assert_eq!(n(String::new()), "");
    }

    #[test]
    fn long_table_cells_are_cut_on_a_character_boundary() {
        let long = "é".repeat(super::MAX_CELL_CHARS + 5);
        let cut = super::shorten_cell(long);
        assert_eq!(cut.chars().count(), super::MAX_CELL_CHARS + 1);
        assert!(cut.ends_with("é…"));
        assert_eq!(super::shorten_cell("Léa".into()), "Léa");
    }
}
