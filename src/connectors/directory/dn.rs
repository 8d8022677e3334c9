//! Distinguished names compared the way directories compare them.

use std::borrow::Cow;

/// A DN for comparison: lowercase, no spaces around `,` and `=` (escaped characters kept).
pub fn normalize_dn(dn: &str) -> String {
    match plain_dn(dn) {
        Plain::Not => normalize_dn_full(dn),
        Plain::Normal | Plain::Cased => dn.to_lowercase(),
    }
}

/// [`normalize_dn`], borrowed when the DN is already in normal form (the usual
/// `uid=x,ou=people,dc=ex`): indexing 100k people by DN then copies none.
pub fn normalized_dn(dn: &str) -> Cow<'_, str> {
    match plain_dn(dn) {
        Plain::Normal => Cow::Borrowed(dn),
        Plain::Cased => Cow::Owned(dn.to_lowercase()),
        Plain::Not => Cow::Owned(normalize_dn_full(dn)),
    }
}

enum Plain {
    /// Something to unescape, trim or re-escape: the full pass is needed.
    Not,
    /// Only lowercasing to do.
    Cased,
    /// Already normal: lowercase ASCII.
    Normal,
}

/// Whether the full pass of [`normalize_dn`] would give exactly the lowercased input: no
/// escape, quote, `+` or `;`, no blank around an attribute or before a value, one `=`
/// per RDN. One pass over the bytes (it runs for every person's DN and manager).
fn plain_dn(dn: &str) -> Plain {
    // What each byte means here: 0 nothing, 1 not lowercase ASCII, 2 rules the fast path
    // out, 3 `=`, 4 `,`.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = match b as u8 {
                b'\\' | b'"' | b'+' | b'<' | b'>' | b';' | b'#' | b' ' => 2,
                b'=' => 3,
                b',' => 4,
                b'A'..=b'Z' | 0x80..=0xff => 1,
                _ => 0,
            };
            b += 1;
        }
        t
    };
    let blank_start = |s: &str| s.chars().next().is_some_and(char::is_whitespace);
    let blank_end = |s: &str| s.chars().next_back().is_some_and(char::is_whitespace);
    let bytes = dn.as_bytes();
    let (mut rdn, mut eq, mut cased) = (0, None, false);
    for i in 0..=bytes.len() {
        match bytes.get(i).map_or(4, |&b| CLASS[b as usize]) {
            0 => {}
            1 => cased = true,
            3 if eq.is_none() => eq = Some(i),
            4 => {
                let Some(e) = eq else {
                    return Plain::Not;
                };
                let (attr, value) = (&dn[rdn..e], &dn[e + 1..i]);
                if blank_start(attr) || blank_end(attr) || blank_start(value) {
                    return Plain::Not;
                }
                (rdn, eq) = (i + 1, None);
            }
            _ => return Plain::Not, // 2, or a second `=` in the RDN
        }
    }
    if cased {
        Plain::Cased
    } else {
        Plain::Normal
    }
}

pub(super) fn normalize_dn_full(dn: &str) -> String {
    let mut rdns = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                rdns.push(normalize_rdn(&dn[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    rdns.push(normalize_rdn(&dn[start..]));
    rdns.join(",").to_lowercase()
}

fn normalize_rdn(rdn: &str) -> String {
    let Some((attr, value)) = rdn.split_once('=') else {
        return rdn.trim().to_string();
    };
    // Decode RFC 4514 escapes (`\,` and `\2C` are the same comma), remembering which bytes
    // were escaped: only unescaped spaces around the value are insignificant.
    let raw = value.trim_start().as_bytes();
    let mut bytes: Vec<(u8, bool)> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && i + 1 < raw.len() {
            let hex = raw
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    bytes.push((b, true));
                    i += 3;
                }
                None => {
                    bytes.push((raw[i + 1], true));
                    i += 2;
                }
            }
        } else {
            bytes.push((raw[i], false));
            i += 1;
        }
    }
    while bytes.last() == Some(&(b' ', false)) {
        bytes.pop();
    }
    let decoded: Vec<u8> = bytes.iter().map(|(b, _)| *b).collect();
    let text = String::from_utf8_lossy(&decoded);
    // Re-escape in one canonical form.
    let last = text.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(text.len() + 4);
    for (n, c) in text.chars().enumerate() {
        let special = matches!(c, '\\' | ',' | '+' | '"' | '<' | '>' | ';' | '=')
            || (n == 0 && matches!(c, '#' | ' '))
            || (n == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    format!("{}={out}", attr.trim())
}

/// Strips the optional `#'0101'B` unique-id suffix of a `uniqueMember` value.
pub(super) fn strip_unique_id(value: &str) -> &str {
    if let Some((dn, uid)) = value.rsplit_once("#'") {
        if uid
            .strip_suffix("'B")
            .is_some_and(|bits| bits.bytes().all(|b| b == b'0' || b == b'1'))
        {
            return dn;
        }
    }
    value
}
