//! A streaming RFC 2849 LDIF reader: one [`DirEntry`] at a time from a `BufRead`, so
//! memory holds one entry (and one line of look-ahead), whatever the file size.
//!
//! Accepted: an optional `version: 1` first line, `#` comments (folded too), folded lines
//! (a line starting with one space continues the previous one), `attr: text`,
//! `attr:: base64`, attribute options (`cn;lang-fr` is kept as the name), CRLF line ends,
//! a UTF-8 byte-order mark, and `changetype: add` records. Also skipped, for plain
//! `ldapsearch` output: its `search:`/`result:` trailer and `ref:` referral records.
//!
//! Refused (invalid data, naming file, line and attribute): `attr:< URL` values, change
//! records other than add, records without `dn:`, plain values that are not UTF-8, bad
//! base64. Plain values lose the spaces after the colon (RFC 2849 `FILL`) and nothing else.

use crate::connectors::directory::DirEntry;
use crate::connectors::line_limit::{self, Line, MAX_LINE_BYTES};
use crate::error::{Error, Kind, Result};
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use std::io::BufRead;

/// Standard alphabet; some writers drop the `=` padding, which loses nothing.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Where the reader is inside a record: `control:` and `changetype:` may only follow `dn:`.
#[derive(PartialEq)]
enum State {
    AfterDn,
    Body,
}

pub struct LdifReader<R> {
    input: R,
    /// The file name for error messages.
    file: String,
    /// Number of physical lines read so far.
    line_no: u64,
    /// A physical line read while looking for continuations: (line number, bytes).
    peeked: Option<(u64, Vec<u8>)>,
    /// False until the first record or `version:` line has been seen.
    started: bool,
    /// Set after an error so that iteration stops.
    failed: bool,
}

impl<R: BufRead> LdifReader<R> {
    pub fn new(input: R, file: impl Into<String>) -> Self {
        LdifReader {
            input,
            file: file.into(),
            line_no: 0,
            peeked: None,
            started: false,
            failed: false,
        }
    }

    /// The next entry, `None` at the end of the input.
    pub fn next_entry(&mut self) -> Result<Option<DirEntry>> {
        let mut entry: Option<DirEntry> = None;
        let mut state = State::AfterDn;
        while let Some((no, line)) = self.logical_line()? {
            if line.is_empty() {
                if entry.is_some() {
                    break;
                }
                continue;
            }
            if line[0] == b'#' {
                continue;
            }
            let (name, value) = self.attr_value(no, &line)?;
            let Some(e) = entry.as_mut() else {
                let first = !self.started;
                self.started = true;
                match name.to_ascii_lowercase().as_str() {
                    "version" if first => self.check_version(no, &value)?,
                    "dn" => entry = Some(DirEntry::new(self.text(no, "dn", value)?)),
                    "search" | "ref" => self.skip_record()?,
                    _ => {
                        return Err(self.error(
                            no,
                            None,
                            format!("record has no \"dn:\" line (found \"{name}:\" first)"),
                        ))
                    }
                }
                continue;
            };
            if name.eq_ignore_ascii_case("dn") {
                return Err(self.error(
                    no,
                    None,
                    "second \"dn:\" line in a record (records are separated by a blank line)",
                ));
            }
            if state == State::AfterDn && name.eq_ignore_ascii_case("control") {
                continue; // request controls only matter to a server applying changes
            }
            if state == State::AfterDn && name.eq_ignore_ascii_case("changetype") {
                let kind = String::from_utf8_lossy(&value).trim().to_string();
                if !kind.eq_ignore_ascii_case("add") {
                    return Err(self.error(
                        no,
                        Some("changetype"),
                        format!(
                            "\"{kind}\" records are not supported: esnctl reads directory \
                             content (slapcat or ldapsearch output), not changes"
                        ),
                    ));
                }
                state = State::Body;
                continue;
            }
            state = State::Body;
            e.add_value(&name, value);
        }
        Ok(entry)
    }

    fn check_version(&self, no: u64, value: &[u8]) -> Result<()> {
        if value.trim_ascii() == b"1" {
            return Ok(());
        }
        Err(self.error(no, Some("version"), "only LDIF version 1 is supported"))
    }

    /// Skips the rest of a record that is not an entry.
    fn skip_record(&mut self) -> Result<()> {
        while let Some((_, line)) = self.logical_line()? {
            if line.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// Splits `name: value`, `name:: base64`; refuses `name:< URL`.
    fn attr_value(&self, no: u64, line: &[u8]) -> Result<(String, Vec<u8>)> {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(self.error(no, None, "expected \"attribute: value\""));
        };
        let name = &line[..colon];
        let valid = name.first().is_some_and(u8::is_ascii_alphanumeric)
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b';' | b'_'));
        if !valid {
            let shown = String::from_utf8_lossy(name);
            return Err(self.error(no, None, format!("invalid attribute name \"{shown}\"")));
        }
        // Checked ASCII above.
        let name = String::from_utf8_lossy(name).into_owned();
        let rest = &line[colon + 1..];
        let value = match rest.first() {
            Some(b':') => BASE64
                .decode(rest[1..].trim_ascii())
                .map_err(|_| self.error(no, Some(&name), "invalid base64"))?,
            Some(b'<') => {
                let url = String::from_utf8_lossy(rest[1..].trim_ascii());
                return Err(self.error(
                    no,
                    Some(&name),
                    format!(
                        "URL values (\"{url}\") are not supported: write the value inline \
                         or base64-encoded"
                    ),
                ));
            }
            _ => {
                let plain = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
                if std::str::from_utf8(plain).is_err() {
                    return Err(self.error(
                        no,
                        Some(&name),
                        "not UTF-8 text (binary values must be base64: \"attr:: …\")",
                    ));
                }
                plain.to_vec()
            }
        };
        Ok((name, value))
    }

    fn text(&self, no: u64, field: &str, value: Vec<u8>) -> Result<String> {
        String::from_utf8(value).map_err(|_| self.error(no, Some(field), "not UTF-8 text"))
    }

    /// The next line with its continuations joined, numbered by its first physical line;
    /// an empty vector is a record separator.
    fn logical_line(&mut self) -> Result<Option<(u64, Vec<u8>)>> {
        let Some((no, mut line)) = self.physical_line()? else {
            return Ok(None);
        };
        if line.first() == Some(&b' ') {
            // Whitespace-only lines between records are harmless; anything else is not.
            if line.iter().all(|&b| b == b' ') {
                return Ok(Some((no, Vec::new())));
            }
            return Err(self.error(
                no,
                None,
                "continuation line (starting with a space) continues nothing",
            ));
        }
        if line.is_empty() {
            return Ok(Some((no, line)));
        }
        loop {
            match self.physical_line()? {
                Some((_, next)) if next.first() == Some(&b' ') => {
                    // Folding must not rebuild the unbounded line the cap refuses.
                    if line.len() + next.len() > MAX_LINE_BYTES {
                        return Err(line_limit::too_long(&self.file, no, MAX_LINE_BYTES).into());
                    }
                    line.extend_from_slice(&next[1..])
                }
                other => {
                    self.peeked = other;
                    break;
                }
            }
        }
        Ok(Some((no, line)))
    }

    fn physical_line(&mut self) -> Result<Option<(u64, Vec<u8>)>> {
        if let Some(peeked) = self.peeked.take() {
            return Ok(Some(peeked));
        }
        let mut buf = Vec::new();
        let got = line_limit::read_line(&mut self.input, &mut buf, MAX_LINE_BYTES)
            .map_err(|e| Error::new(Kind::Runtime, format!("cannot read {}: {e}", self.file)))?;
        if got == Line::Eof {
            return Ok(None);
        }
        self.line_no += 1;
        if got == Line::TooLong {
            return Err(line_limit::too_long(&self.file, self.line_no, MAX_LINE_BYTES).into());
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if self.line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Ok(Some((self.line_no, buf)))
    }

    fn error(&self, line: u64, field: Option<&str>, what: impl std::fmt::Display) -> anyhow::Error {
        Error::invalid_at(&self.file, line, field, what).into()
    }
}

impl<R: BufRead> Iterator for LdifReader<R> {
    type Item = Result<DirEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let next = self.next_entry().transpose();
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};

    fn parse(text: &str) -> Result<Vec<DirEntry>> {
        LdifReader::new(text.as_bytes(), "t.ldif").collect()
    }

    fn err(text: &str) -> String {
        let e = parse(text).unwrap_err();
        assert_eq!(exit_code_of(&e), ExitCode::InvalidData, "{e}");
        e.to_string()
    }

    #[test]
    fn reads_records_with_folding_comments_base64_and_options() {
        let text = "\u{feff}version: 1\r\n\
            # a comment\r\n  folded into the comment\r\n\
            dn: uid=a,ou=people,\r\n dc=ex\r\n\
            objectClass: inetOrgPerson\r\n\
            cn:: w4lsb8Ovc2UgTGVmw6h2cmU=\r\n\
            cn;lang-fr: Eloise\r\n\
            description: two  words \r\n\
            jpegPhoto:: /9j/\r\n\
            \r\n\
            \r\n\
            dn: uid=b,dc=ex\n\
            cn:  b\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 2);
        let a = &entries[0];
        assert_eq!(a.dn, "uid=a,ou=people,dc=ex");
        assert_eq!(a.first_str("cn"), Some("Éloïse Lefèvre"));
        assert_eq!(a.first_str("cn;lang-fr"), Some("Eloise"));
        assert_eq!(a.first_str("description"), Some("two  words "));
        assert_eq!(a.get("jpegPhoto"), &[vec![0xff, 0xd8, 0xff]]);
        assert_eq!(entries[1].first_str("cn"), Some("b"));
    }

    #[test]
    fn multi_valued_attributes_and_changetype_add() {
        let text = "dn: cn=g,dc=ex\nchangetype: add\nmember: uid=a\nMember: uid=b\n";
        let e = &parse(text).unwrap()[0];
        assert_eq!(e.get("member").len(), 2);
        assert!(!e.has("changetype"));
    }

    #[test]
    fn ldapsearch_trailer_is_skipped() {
        let text = "dn: uid=a,dc=ex\nuid: a\n\n# search result\nsearch: 2\nresult: 0 Success\n\n\
                    # numEntries: 1\n";
        assert_eq!(parse(text).unwrap().len(), 1);
    }

    #[test]
    fn errors_name_file_line_and_attribute() {
        assert_eq!(
            err("dn: uid=a\nuid: a\n\ndn: uid=b\ncn:: *notbase64*\n"),
            "t.ldif:5: field \"cn\": invalid base64"
        );
        assert!(err("dn: uid=a\njpegPhoto:< file:///etc/passwd\n")
            .starts_with("t.ldif:2: field \"jpegPhoto\": URL values"));
        assert!(
            err("dn: uid=a\nchangetype: modify\n").starts_with("t.ldif:2: field \"changetype\"")
        );
        assert!(err("uid: a\n").starts_with("t.ldif:1: record has no \"dn:\" line"));
        assert!(err("dn: uid=a\nuid: a\ndn: uid=b\n").starts_with("t.ldif:3: second \"dn:\""));
        assert!(err("dn: uid=a\nno colon here\n").starts_with("t.ldif:2: expected"));
        assert!(err("version: 2\n").starts_with("t.ldif:1: field \"version\""));
        assert!(err("dn: uid=a\n\n continued\n").contains("continues nothing"));
        let bad_utf8 = LdifReader::new(&b"dn: uid=a\ncn: \xe9\n"[..], "t.ldif")
            .collect::<Result<Vec<_>>>()
            .unwrap_err();
        assert_eq!(
            bad_utf8.to_string(),
            "t.ldif:2: field \"cn\": not UTF-8 text (binary values must be base64: \"attr:: …\")"
        );
    }

    #[test]
    fn iteration_stops_after_an_error() {
        let mut r = LdifReader::new(&b"uid: a\n\ndn: uid=b\n"[..], "t.ldif");
        assert!(r.next().unwrap().is_err());
        assert!(r.next().is_none());
    }
}
