//! Streaming JSON Lines: one canonical record per line, read with a reused, bounded buffer
//! and written atomically.

use super::atomic;
use crate::connectors::line_limit::{self, Line};
use crate::connectors::Located;
use crate::error::{Error, Result};
use anyhow::Context;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The longest line accepted (shared by every line-oriented reader).
pub use crate::connectors::line_limit::MAX_LINE_BYTES;

/// Above this, the line buffer is released after use so one huge record does not pin
/// memory for the rest of the file.
const KEEP_BUFFER_BYTES: usize = 1 << 20;

/// Iterates the records of a JSONL file as `Located<T>` with origins like `posts.jsonl:12`.
///
/// A missing file reads as empty. A line that is not a valid `T` yields an
/// `InvalidData` error naming `PATH:LINE` and the field, and reading goes on with the next
/// line; an I/O error ends the iteration.
pub struct JsonlReader<T> {
    input: Option<BufReader<File>>,
    exists: bool,
    path: PathBuf,
    name: String,
    line: u64,
    buf: Vec<u8>,
    max_line: usize,
    // `fn() -> T` keeps the reader Send + Sync whatever T is: no T is ever stored.
    _record: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonlReader<T> {
    pub fn open(path: impl Into<PathBuf>) -> Result<Self> {
        let path = path.into();
        let input = match File::open(&path) {
            Ok(f) => Some(BufReader::with_capacity(64 << 10, f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("cannot open {}", path.display())))
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Ok(JsonlReader {
            exists: input.is_some(),
            input,
            path,
            name,
            line: 0,
            buf: Vec::with_capacity(8 << 10),
            max_line: MAX_LINE_BYTES,
            _record: PhantomData,
        })
    }

    /// True when the file exists.
    pub fn exists(&self) -> bool {
        self.exists
    }

    #[cfg(test)]
    pub(crate) fn with_max_line(mut self, max: usize) -> Self {
        self.max_line = max;
        self
    }

    /// Reads one line into `buf`, never holding more than `max_line + 1` bytes of it.
    fn read_line(&mut self) -> io::Result<Line> {
        if self.buf.capacity() > KEEP_BUFFER_BYTES {
            self.buf = Vec::with_capacity(8 << 10);
        }
        match self.input.as_mut() {
            Some(input) => line_limit::read_line(input, &mut self.buf, self.max_line),
            None => Ok(Line::Eof),
        }
    }

    fn parse(&self) -> Option<Result<Located<T>>> {
        let mut bytes = self.buf.as_slice();
        if let Some(rest) = bytes.strip_suffix(b"\n") {
            bytes = rest;
        }
        if let Some(rest) = bytes.strip_suffix(b"\r") {
            bytes = rest;
        }
        // Files saved by some Windows editors start with a byte-order mark.
        if self.line == 1 {
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
            }
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(match serde_json::from_slice::<T>(bytes) {
            Ok(record) => Ok(Located {
                origin: format!("{}:{}", self.name, self.line),
                record,
            }),
            Err(e) => {
                let (field, what) = describe_json_error(bytes, &e);
                Err(
                    Error::invalid_at(self.path.display(), self.line, field.as_deref(), what)
                        .into(),
                )
            }
        })
    }
}

impl<T: DeserializeOwned> Iterator for JsonlReader<T> {
    type Item = Result<Located<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.line += 1;
            match self.read_line() {
                Ok(Line::Eof) => {
                    self.input = None;
                    return None;
                }
                Ok(Line::TooLong) => {
                    return Some(Err(Error::invalid_at(
                        self.path.display(),
                        self.line,
                        None,
                        format!(
                            "line longer than {}; not a record of an esnctl bundle",
                            human_size(self.max_line)
                        ),
                    )
                    .into()))
                }
                Ok(Line::Data) => {
                    if let Some(item) = self.parse() {
                        return Some(item);
                    }
                }
                Err(e) => {
                    self.input = None;
                    return Some(Err(anyhow::Error::new(e).context(format!(
                        "cannot read {} at line {}",
                        self.path.display(),
                        self.line
                    ))));
                }
            }
        }
    }
}

fn human_size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// The field a serde_json error is about, and a one-line description without serde_json's
/// "at line 1 column N" (every record is parsed alone, so that position is meaningless).
fn describe_json_error(line: &[u8], err: &serde_json::Error) -> (Option<String>, String) {
    let full = err.to_string();
    let what = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    for prefix in ["unknown field `", "missing field `", "duplicate field `"] {
        if let Some(rest) = what.strip_prefix(prefix) {
            if let Some(end) = rest.find('`') {
                return (Some(rest[..end].to_string()), what);
            }
        }
    }
    // serde_json calls a bad byte "invalid unicode code point", which hides the cause.
    if let Err(e) = std::str::from_utf8(line) {
        let field = field_at(line, e.valid_up_to());
        let what = format!(
            "not UTF-8 text (bad byte at column {})",
            e.valid_up_to() + 1
        );
        return (field, what);
    }
    match err.classify() {
        serde_json::error::Category::Data => {
            // The column is 1-based and may stop just before a value serde only peeked at
            // (`[` of an array where a string belongs): as an index it reaches that value.
            let offset = err.column();
            (field_at(line, offset), what)
        }
        _ => (
            None,
            format!("not valid JSON: {what} (column {})", err.column()),
        ),
    }
}

/// The top-level key whose value starts at or before byte `offset`: serde_json reports a
/// type error at (or just after) the offending value.
fn field_at(line: &[u8], offset: usize) -> Option<String> {
    top_level_value_starts(line)
        .into_iter()
        .rfind(|(_, start)| *start <= offset)
        .map(|(key, _)| key)
}

/// (key, byte offset of its value) for each member of a top-level JSON object. Stops
/// quietly at anything malformed: this only serves to name a field in an error message.
fn top_level_value_starts(line: &[u8]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut i = skip_ws(line, 0);
    if line.get(i) != Some(&b'{') {
        return out;
    }
    i += 1;
    loop {
        i = skip_ws(line, i);
        if line.get(i) != Some(&b'"') {
            return out;
        }
        let Some(key_end) = skip_string(line, i) else {
            return out;
        };
        let key = serde_json::from_slice::<String>(&line[i..key_end])
            .unwrap_or_else(|_| String::from_utf8_lossy(&line[i + 1..key_end - 1]).into_owned());
        i = skip_ws(line, key_end);
        if line.get(i) != Some(&b':') {
            return out;
        }
        i = skip_ws(line, i + 1);
        out.push((key, i));
        let Some(end) = skip_value(line, i) else {
            return out;
        };
        i = skip_ws(line, end);
        match line.get(i) {
            Some(b',') => i += 1,
            _ => return out,
        }
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// `s[i]` is a quote; returns the index just past the closing quote.
fn skip_string(s: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_value(s: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while i < s.len() {
        match s[i] {
            b'"' => {
                i = skip_string(s, i)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    Some(i)
}

/// Writes records as JSON Lines into a temporary file; [`JsonlWriter::commit`] replaces the
/// target. Dropped without commit, the temporary file is removed and the target untouched.
pub struct JsonlWriter<T> {
    out: BufWriter<NamedTempFile>,
    target: PathBuf,
    count: u64,
    _record: PhantomData<fn(&T)>,
}

impl<T: Serialize> JsonlWriter<T> {
    pub fn create(target: impl Into<PathBuf>) -> Result<Self> {
        let target = target.into();
        let tmp = atomic::temp_for(&target)?;
        Ok(JsonlWriter {
            out: BufWriter::with_capacity(64 << 10, tmp),
            target,
            count: 0,
            _record: PhantomData,
        })
    }

    /// Appends one record as one line. serde_json leaves non-ASCII characters unescaped, so
    /// text is stored byte-for-byte as UTF-8.
    pub fn write(&mut self, record: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, record)
            .and_then(|()| self.out.write_all(b"\n").map_err(serde_json::Error::io))
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        self.count += 1;
        Ok(())
    }

    /// Copies the records the target holds now, line by line without parsing them, so
    /// that new records are appended to them when this writer commits.
    pub fn copy_existing(&mut self) -> Result<()> {
        let file = match File::open(&self.target) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(anyhow::anyhow!(
                    "cannot read {}: {e}",
                    self.target.display()
                ))
            }
        };
        let mut reader = io::BufReader::with_capacity(64 << 10, file);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("cannot read {}", self.target.display()))?;
            if n == 0 {
                break;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            self.out
                .write_all(&line)
                .with_context(|| format!("cannot write {}", self.target.display()))?;
            self.count += 1;
        }
        Ok(())
    }

    /// Records written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes, fsyncs and renames the temporary file over the target; returns the count.
    pub fn commit(self) -> Result<u64> {
        let JsonlWriter {
            out, target, count, ..
        } = self;
        let tmp = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", target.display()))?;
        atomic::commit(tmp, &target)?;
        Ok(count)
    }
}

/// Counts the records (non-blank lines) of a JSONL file without parsing them; a missing
/// file has none.
pub fn count_records(path: &Path) -> Result<u64> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot open {}", path.display())))
        }
    };
    let mut input = BufReader::with_capacity(64 << 10, file);
    let (mut count, mut in_record) = (0u64, false);
    loop {
        let chunk = input
            .fill_buf()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if chunk.is_empty() {
            break;
        }
        for &b in chunk {
            if b == b'\n' {
                in_record = false;
            } else if !in_record && !b.is_ascii_whitespace() {
                in_record = true;
                count += 1;
            }
        }
        let len = chunk.len();
        input.consume(len);
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{Post, User};
    use crate::error::{exit_code_of, ExitCode};

    fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn reads_records_with_origins_and_skips_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "users.jsonl",
            "{\"key\":\"a\"}\n\n   \n{\"key\":\"b\"}\r\n{\"key\":\"c\"}",
        );
        let got: Vec<_> = JsonlReader::<User>::open(&p)
            .unwrap()
            .map(|r| r.unwrap())
            .map(|l| (l.origin, l.record.key))
            .collect();
        assert_eq!(
            got,
            [
                ("users.jsonl:1".to_string(), "a".to_string()),
                ("users.jsonl:4".to_string(), "b".to_string()),
                ("users.jsonl:5".to_string(), "c".to_string()),
            ]
        );
    }

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let r = JsonlReader::<User>::open(dir.path().join("nope.jsonl")).unwrap();
        assert!(!r.exists());
        assert_eq!(r.count(), 0);
    }

    fn first_error(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "users.jsonl", text);
        let err = JsonlReader::<User>::open(&p)
            .unwrap()
            .find_map(|r| r.err())
            .expect("an error");
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        err.to_string()
    }

    #[test]
    fn unknown_field_is_named() {
        let msg = first_error("{\"key\":\"a\"}\n{\"key\":\"b\",\"mail\":\"b@x\"}\n");
        assert!(
            msg.contains("users.jsonl:2: field \"mail\": unknown field `mail`"),
            "{msg}"
        );
        assert!(!msg.contains("column"), "{msg}");
    }

    #[test]
    fn wrong_type_names_the_field() {
        let msg =
            first_error("{\"key\":\"a\",\"email\":\"a@x\",\"active\":\"yes\",\"title\":null}");
        assert!(
            msg.contains("users.jsonl:1: field \"active\": invalid type"),
            "{msg}"
        );
        let msg = first_error("{\"key\":\"a\",\"extra\":{\"a\":{\"b\":1}},\"title\":3}");
        assert!(msg.contains("field \"extra\""), "{msg}");
        let msg = first_error("{\"key\":\"a\",\"extra\":{\"a\":\"}\"},\"title\":3}");
        assert!(msg.contains("field \"title\""), "{msg}");
        let msg = first_error("{\"email\":\"a@x\"}");
        assert!(msg.contains("field \"key\": missing field `key`"), "{msg}");
        // An array where a string belongs was blamed on the field before it.
        let msg = first_error("{\"key\":\"a\",\"email\":\"a@x\", \"title\": [\"x\"]}");
        assert!(msg.contains("field \"title\""), "{msg}");
    }

    #[test]
    fn wrong_timestamp_names_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "posts.jsonl",
            r#"{"id":"p1","community":"c","author":"a","created_at":"yesterday","body":"x"}"#,
        );
        let err = JsonlReader::<Post>::open(&p)
            .unwrap()
            .next()
            .unwrap()
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("posts.jsonl:1: field \"created_at\""), "{msg}");
    }

    #[test]
    fn invalid_json_is_reported_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(
            dir.path(),
            "users.jsonl",
            "{\"key\":\"a\"\n{\"key\":\"b\"}\n",
        );
        let items: Vec<_> = JsonlReader::<User>::open(&p).unwrap().collect();
        assert_eq!(items.len(), 2);
        let msg = items[0].as_ref().unwrap_err().to_string();
        assert!(msg.contains("users.jsonl:1: not valid JSON"), "{msg}");
        assert_eq!(items[1].as_ref().unwrap().record.key, "b");
    }

    #[test]
    fn overlong_line_is_refused_without_reading_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!("{{\"key\":\"{}\"}}", "x".repeat(5000));
        let p = write_file(
            dir.path(),
            "users.jsonl",
            &format!("{long}\n{{\"key\":\"b\"}}\n"),
        );
        let items: Vec<_> = JsonlReader::<User>::open(&p)
            .unwrap()
            .with_max_line(1024)
            .collect();
        assert_eq!(items.len(), 2);
        let msg = items[0].as_ref().unwrap_err().to_string();
        assert!(msg.contains("users.jsonl:1: line longer than"), "{msg}");
        assert_eq!(items[1].as_ref().unwrap().origin, "users.jsonl:2");
    }

    #[test]
    fn writer_commits_atomically_and_keeps_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("users.jsonl");
        std::fs::write(&target, "{\"key\":\"old\"}\n").unwrap();

        let mut w = JsonlWriter::<User>::create(&target).unwrap();
        w.write(&User::new("léa-山田-🎉")).unwrap();
        drop(w);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "{\"key\":\"old\"}\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temp file left"
        );

        let mut w = JsonlWriter::<User>::create(&target).unwrap();
        w.write(&User::new("léa-山田-🎉")).unwrap();
        assert_eq!(w.commit().unwrap(), 1);
        let text = std::fs::read_to_string(&target).unwrap();
        assert!(text.starts_with("{\"key\":\"léa-山田-🎉\""), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn counts_non_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_file(dir.path(), "x.jsonl", "{}\n\n  \n{}\n{}");
        assert_eq!(count_records(&p).unwrap(), 3);
        assert_eq!(count_records(&dir.path().join("none")).unwrap(), 0);
    }
}
