//! Evaluating a parsed filter on a directory entry (see the module docs of
//! [`super`] for the matching rules).

use super::Filter;
use crate::connectors::directory::{normalize_dn, DirEntry};

/// Attributes whose values are DNs: compared as normalized DNs.
const DN_ATTRIBUTES: &[&str] = &[
    "member",
    "uniquemember",
    "manager",
    "owner",
    "secretary",
    "seealso",
    "memberof",
    "distinguishedname",
    "creatorsname",
    "modifiersname",
];

impl Filter {
    /// Refuses, naming it, an item that only a server with a schema can evaluate.
    pub fn check_local(&self) -> Result<(), String> {
        match self {
            Filter::And(list) | Filter::Or(list) => list.iter().try_for_each(Filter::check_local),
            Filter::Not(f) => f.check_local(),
            Filter::NeedsSchema(item) => Err(format!(
                "\"({item})\" needs an LDAP server's matching rules; an LDIF file can be \
                 filtered with =, =*, substrings (a*b), &, | and ! only"
            )),
            _ => Ok(()),
        }
    }

    /// Evaluates the filter on an entry. Items that need a schema never match (call
    /// [`Filter::check_local`] first to refuse them).
    pub fn matches(&self, entry: &DirEntry) -> bool {
        match self {
            Filter::And(list) => list.iter().all(|f| f.matches(entry)),
            Filter::Or(list) => list.iter().any(|f| f.matches(entry)),
            Filter::Not(f) => !f.matches(entry),
            Filter::Present(attr) => entry.has(attr),
            Filter::Equal(attr, want) => {
                let dn = is_dn_attribute(attr);
                let want = prepare(want, dn);
                entry.get(attr).iter().any(|v| prepare(v, dn) == want)
            }
            Filter::Substrings {
                attr,
                initial,
                any,
                last,
            } => entry
                .get(attr)
                .iter()
                .any(|v| substrings(&prepare(v, false), initial, any, last)),
            Filter::NeedsSchema(_) => false,
        }
    }
}

fn is_dn_attribute(attr: &str) -> bool {
    let base = attr.split(';').next().unwrap_or_default();
    DN_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(base))
}

/// A value as compared: case folded and spaces normalised when it is text.
#[derive(Debug, PartialEq, Eq)]
enum Prepared {
    Text(String),
    Bytes(Vec<u8>),
}

fn prepare(value: &[u8], dn: bool) -> Prepared {
    match std::str::from_utf8(value) {
        Ok(s) if dn => Prepared::Text(normalize_dn(s)),
        Ok(s) => Prepared::Text(fold(s, true)),
        Err(_) => Prepared::Bytes(value.to_vec()),
    }
}

/// Lowercase, with runs of spaces collapsed (and, with `trim`, removed at both ends).
fn fold(s: &str, trim: bool) -> String {
    let s = if trim { s.trim() } else { s };
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            space = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn substrings(
    value: &Prepared,
    initial: &Option<Vec<u8>>,
    any: &[Vec<u8>],
    last: &Option<Vec<u8>>,
) -> bool {
    // A pattern piece is folded like the value, but keeps its edge spaces: in
    // `(cn=Jean *)` the space is part of what must follow "Jean".
    let piece = |p: &[u8]| match (value, std::str::from_utf8(p)) {
        (Prepared::Text(_), Ok(s)) => fold(s, false).into_bytes(),
        _ => p.to_vec(),
    };
    let hay: &[u8] = match value {
        Prepared::Text(s) => s.as_bytes(),
        Prepared::Bytes(b) => b,
    };
    let mut rest = hay;
    if let Some(i) = initial {
        let i = piece(i);
        let Some(r) = rest.strip_prefix(i.as_slice()) else {
            return false;
        };
        rest = r;
    }
    let tail = last.as_ref().map(|l| piece(l));
    for a in any {
        let a = piece(a);
        match find(rest, &a) {
            Some(at) => rest = &rest[at + a.len()..],
            None => return false,
        }
    }
    tail.is_none_or(|t| rest.ends_with(&t))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}
