//! LDAP search filters (RFC 4515) evaluated on directory entries, for `filter = "(…)"`
//! audiences read from an LDIF file: an LDAP server evaluates them itself, a file has no
//! server, and no maintained crate evaluates filters on entries.
//!
//! Supported: equality, presence, substrings, `&`, `|`, `!` (and the RFC 4526 absolute
//! `(&)` / `(|)`), escaped values (`\2a`, `\28`, `\c3\a9`). Attribute names compare
//! ignoring case; values as LDAP's usual `caseIgnoreMatch` does: case-insensitive, with
//! leading, trailing and repeated spaces ignored. DN-valued attributes (`member`,
//! `manager`, …) compare as parsed DNs. A value that is not UTF-8 compares byte for byte.
//!
//! Ordering (`>=`, `<=`), approximate (`~=`) and extensible (`:=`) items parse (they are
//! valid filters for an LDAP server) but cannot be evaluated without the server's schema:
//! [`Filter::check_local`] refuses them with a clear message.

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Equal(String, Vec<u8>),
    Present(String),
    Substrings {
        attr: String,
        initial: Option<Vec<u8>>,
        any: Vec<Vec<u8>>,
        last: Option<Vec<u8>>,
    },
    /// A valid item needing schema rules (`>=`, `<=`, `~=`, `:=`), kept as written.
    NeedsSchema(String),
}

/// Parses a filter; one without outer parentheses (`objectClass=user`, common in
/// configuration files) is read as if it had them. The error names the character where
/// reading stopped (1-based).
pub fn parse(text: &str) -> Result<Filter, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the filter is empty".into());
    }
    let wrapped;
    let src = if trimmed.starts_with('(') {
        trimmed
    } else {
        wrapped = format!("({trimmed})");
        &wrapped
    };
    let mut p = Parser {
        chars: src.char_indices().collect(),
        src,
        pos: 0,
    };
    let filter = p.filter()?;
    if p.pos < p.chars.len() {
        return Err(p.error("unexpected text after the filter's closing parenthesis"));
    }
    Ok(filter)
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn error(&self, what: &str) -> String {
        format!("{what} (at character {})", self.pos + 1)
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.peek() {
            Some(got) if got == c => {
                self.pos += 1;
                Ok(())
            }
            Some(got) => Err(self.error(&format!("expected '{c}', found '{got}'"))),
            None => Err(self.error(&format!("expected '{c}' before the end"))),
        }
    }

    fn filter(&mut self) -> Result<Filter, String> {
        self.expect('(')?;
        let f = match self.peek() {
            Some('&') => {
                self.pos += 1;
                Filter::And(self.list()?)
            }
            Some('|') => {
                self.pos += 1;
                Filter::Or(self.list()?)
            }
            Some('!') => {
                self.pos += 1;
                Filter::Not(Box::new(self.filter()?))
            }
            Some(_) => self.item()?,
            None => return Err(self.error("unbalanced parenthesis: the filter ends after '('")),
        };
        self.expect(')')?;
        Ok(f)
    }

    fn list(&mut self) -> Result<Vec<Filter>, String> {
        let mut out = Vec::new();
        while self.peek() == Some('(') {
            out.push(self.filter()?);
        }
        Ok(out)
    }

    /// `attr op value` up to the closing parenthesis (values cannot hold a bare `)`).
    fn item(&mut self) -> Result<Filter, String> {
        let start = self.pos;
        let end = (start..self.chars.len())
            .find(|&i| matches!(self.chars[i].1, ')' | '('))
            .unwrap_or(self.chars.len());
        if self.chars.get(end).map(|c| c.1) == Some('(') {
            self.pos = end;
            return Err(self.error("'(' inside a value must be escaped as \\28"));
        }
        let byte = |i: usize| self.chars.get(i).map_or(self.src.len(), |c| c.0);
        let text = &self.src[byte(start)..byte(end)];
        let Some(eq) = text.find('=') else {
            self.pos = end;
            return Err(self.error(&format!("\"{text}\" has no '=': expected attribute=value")));
        };
        let (left, value) = (&text[..eq], &text[eq + 1..]);
        let result = match left.chars().last() {
            Some('~' | '>' | '<') => {
                check_attr(&left[..left.len() - 1])?;
                unescape(value)?;
                Ok(Filter::NeedsSchema(text.to_string()))
            }
            Some(':') => {
                check_extensible(&left[..left.len() - 1])?;
                unescape(value)?;
                Ok(Filter::NeedsSchema(text.to_string()))
            }
            _ => {
                check_attr(left)?;
                simple(left, value)
            }
        };
        self.pos = end;
        result.map_err(|e| self.error_at(start, &e))
    }

    fn error_at(&self, pos: usize, what: &str) -> String {
        format!("{what} (in the item at character {})", pos + 1)
    }
}

/// An attribute description: a name or OID, with `;options`.
fn check_attr(attr: &str) -> Result<(), String> {
    let mut parts = attr.split(';');
    let name = parts.next().unwrap_or_default();
    let keystring = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let oid = !name.is_empty()
        && name
            .split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let options_ok =
        parts.all(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if (keystring || oid) && options_ok {
        Ok(())
    } else {
        Err(format!("\"{attr}\" is not an attribute name"))
    }
}

/// `attr[:dn][:rule]` or `[:dn]:rule` (the part before `:=`).
fn check_extensible(left: &str) -> Result<(), String> {
    let mut parts: Vec<&str> = left.split(':').collect();
    let attr = parts.remove(0);
    if !attr.is_empty() {
        check_attr(attr)?;
    }
    let has_rule = parts.iter().any(|p| !p.eq_ignore_ascii_case("dn"));
    if attr.is_empty() && !has_rule {
        return Err("an extensible match without attribute needs a matching rule".into());
    }
    for p in parts {
        if p.is_empty() {
            return Err(format!("\"{left}:=\" is not an extensible match"));
        }
    }
    Ok(())
}

fn simple(attr: &str, value: &str) -> Result<Filter, String> {
    let attr = attr.to_string();
    if value == "*" {
        return Ok(Filter::Present(attr));
    }
    if !value.contains('*') {
        return Ok(Filter::Equal(attr, unescape(value)?));
    }
    let pieces: Vec<&str> = value.split('*').collect();
    let (first, rest) = pieces
        .split_first()
        .expect("split yields one piece at least");
    let (last, middle) = rest.split_last().expect("a '*' makes two pieces");
    if middle.iter().any(|m| m.is_empty()) {
        return Err("'**' is not a valid substring pattern".into());
    }
    let opt = |s: &str| -> Result<Option<Vec<u8>>, String> {
        if s.is_empty() {
            Ok(None)
        } else {
            unescape(s).map(Some)
        }
    };
    Ok(Filter::Substrings {
        attr,
        initial: opt(first)?,
        any: middle
            .iter()
            .map(|m| unescape(m))
            .collect::<Result<_, _>>()?,
        last: opt(last)?,
    })
}

/// RFC 4515 value encoding: `\` followed by two hex digits is that byte.
fn unescape(value: &str) -> Result<Vec<u8>, String> {
    let b = value.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let hex = value
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        format!(
                            "'\\' must be followed by two hex digits (\\2a for *, \\5c for \\) in \"{value}\""
                        )
                    })?;
                out.push(hex);
                i += 3;
            }
            0 => return Err("a NUL in a value must be escaped as \\00".into()),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

mod eval;

#[cfg(test)]
mod tests;
