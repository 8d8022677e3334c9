//! One bound on text lines for every line-oriented reader (CSV, LDIF, JSONL, export
//! JSON): a corrupt or hostile file without newlines must fail with a clear message
//! (exit 3) instead of being read whole into memory, and no reader may accept a record
//! that the bundle writer would store and then refuse to read back.

use crate::error::Error;
use std::io::{self, BufRead, Read};

/// The longest line accepted: far beyond any real record (a post or a user is a few KiB,
/// a photo attribute a few hundred), small enough to keep a bad file from exhausting
/// memory. The bundle format documents the same figure.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Eof,
    /// `buf` holds the line, with its `\n` when there was one.
    Data,
    /// The line was longer than the limit: it was skipped, `buf` is empty.
    TooLong,
}

/// Reads one line into `buf` (cleared first), never holding more than `max + 1` bytes of
/// it; an overlong line is consumed without being stored, so reading can go on.
pub fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    buf.clear();
    let n = input.by_ref().take(max as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(Line::Eof);
    }
    if buf.last() == Some(&b'\n') || buf.len() <= max {
        return Ok(Line::Data);
    }
    loop {
        let avail = input.fill_buf()?;
        if avail.is_empty() {
            break;
        }
        if let Some(pos) = avail.iter().position(|&b| b == b'\n') {
            input.consume(pos + 1);
            break;
        }
        let len = avail.len();
        input.consume(len);
    }
    buf.clear();
    Ok(Line::TooLong)
}

/// The number (from 1) of the first line of `bytes` longer than `max`, for readers that
/// hold a whole (small) file anyway.
pub fn first_long_line(bytes: &[u8], max: usize) -> Option<u64> {
    let mut line = 1;
    let mut start = 0;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|p| start + p);
        if end.unwrap_or(bytes.len()) - start > max {
            return Some(line);
        }
        match end {
            Some(e) => {
                start = e + 1;
                line += 1;
            }
            None => return None,
        }
    }
}

/// `FILE:LINE: line longer than 64 MiB; …` (exit 3).
pub fn too_long(file: impl std::fmt::Display, line: u64, max: usize) -> Error {
    Error::invalid_at(
        file,
        line,
        None,
        format!(
            "line longer than {}; not a record this reader accepts (corrupt file?)",
            human_size(max)
        ),
    )
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// Passes bytes through, failing with [`LineTooLong`] (as an `InvalidData` I/O error) as
/// soon as one line exceeds `max`: for streaming parsers that own their buffering (the csv
/// crate, serde_json) and would otherwise grow a field without bound.
pub struct Capped<R> {
    inner: R,
    max: usize,
    line: u64,
    len: usize,
}

/// The error [`Capped`] returns; `line` counts from 1.
#[derive(Debug)]
pub struct LineTooLong {
    pub line: u64,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is too long", self.line)
    }
}

impl std::error::Error for LineTooLong {}

impl LineTooLong {
    /// The line of an I/O error that [`Capped`] raised.
    pub fn line_of(e: &io::Error) -> Option<u64> {
        e.get_ref()?.downcast_ref::<LineTooLong>().map(|l| l.line)
    }
}

impl<R> Capped<R> {
    pub fn new(inner: R, max: usize) -> Self {
        Capped {
            inner,
            max,
            line: 1,
            len: 0,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.line += 1;
                self.len = 0;
            } else {
                self.len += 1;
                if self.len > self.max {
                    let line = self.line;
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        LineTooLong { line },
                    ));
                }
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_without_being_stored() {
        let mut input: &[u8] = b"short\nxxxxxxxxxx\nnext\nyyyyyyyyyyyy";
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(buf, b"short\n");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::TooLong);
        assert!(buf.is_empty());
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(buf, b"next\n");
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::TooLong);
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::Eof);
    }

    #[test]
    fn a_line_of_exactly_the_limit_is_accepted() {
        let mut input: &[u8] = b"12345678\n12345678";
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(read_line(&mut input, &mut buf, 8).unwrap(), Line::Data);
        assert_eq!(buf, b"12345678");
        assert_eq!(first_long_line(b"12345678\n12345678", 8), None);
        assert_eq!(first_long_line(b"a\nb\n123456789\n", 8), Some(3));
        assert_eq!(first_long_line(b"a\n123456789", 8), Some(2));
    }

    #[test]
    fn capped_reader_names_the_long_line() {
        let mut r = Capped::new(&b"ok\nok\n0123456789"[..], 5);
        let mut out = Vec::new();
        let err = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(LineTooLong::line_of(&err), Some(3));
    }
}
