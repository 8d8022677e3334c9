//! Message bodies and the `attachments` column of Messages.csv.
//!
//! - `[[user:ID]]` is a mention (Discourse's importer turns it into `@username`);
//! - `attachments` lists `uploadedfile:ID` (a row of Files.csv) and
//!   `opengraphobject:[ID : URL : title="…" : description="…"]` (a shared link), several
//!   separated by commas.

use jiff::civil::DateTime;
use jiff::Timestamp;

/// What the `attachments` column refers to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AttachmentRefs {
    pub files: Vec<String>,
    /// (url, title) of shared links.
    pub links: Vec<(String, Option<String>)>,
}

pub fn parse_attachments(s: &str) -> AttachmentRefs {
    let mut out = AttachmentRefs::default();
    let mut rest = s;
    while !rest.is_empty() {
        let f = rest.find("uploadedfile:");
        let o = rest.find("opengraphobject:[");
        match (f, o) {
            (Some(i), o) if o.is_none_or(|o| i < o) => {
                let after = &rest[i + "uploadedfile:".len()..];
                let end = after
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(after.len());
                if end > 0 {
                    out.files.push(after[..end].to_string());
                }
                rest = &after[end..];
            }
            (_, Some(i)) => {
                let after = &rest[i + "opengraphobject:[".len()..];
                let end = closing_bracket(after);
                if let Some(link) = parse_opengraph(&after[..end]) {
                    out.links.push(link);
                }
                rest = &after[(end + 1).min(after.len())..];
            }
            _ => break,
        }
    }
    out
}

/// The index of the `]` closing an opengraph object (titles may hold brackets inside
/// their quotes).
fn closing_bracket(s: &str) -> usize {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ']' if !quoted => return i,
            _ => {}
        }
    }
    s.len()
}

/// `ID : URL : title="…" : description="…"`.
fn parse_opengraph(inner: &str) -> Option<(String, Option<String>)> {
    let mut parts = inner.splitn(3, " : ");
    let _id = parts.next()?;
    let url = parts.next()?.trim();
    if url.is_empty() {
        return None;
    }
    let title = parts.next().and_then(|rest| {
        let t = rest.strip_prefix("title=\"")?;
        let end = t.find("\" : description=").or_else(|| t.rfind('"'))?;
        Some(t[..end].to_string()).filter(|t| !t.is_empty())
    });
    Some((url.to_string(), title))
}

/// Replaces `[[user:ID]]` with `@key`; returns the new body and the ids mentioned, in
/// order of first appearance. `key_of` gives the user key of an id.
pub fn replace_mentions(body: &str, key_of: impl Fn(&str) -> String) -> (String, Vec<String>) {
    let mut out = String::with_capacity(body.len());
    let mut keys: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("[[user:") {
        let after = &rest[i + "[[user:".len()..];
        match after.find("]]") {
            Some(end)
                if !after[..end].is_empty()
                    && after[..end].bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                out.push_str(&rest[..i]);
                let key = key_of(&after[..end]);
                out.push('@');
                out.push_str(&key);
                if !keys.contains(&key) {
                    keys.push(key);
                }
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str(&rest[..i + 2]);
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    (out, keys)
}

/// A link kept in the body, unless the body already shows its URL.
pub fn append_link(body: &mut String, url: &str, title: Option<&str>) {
    if body.contains(url) {
        return;
    }
    if !body.is_empty() {
        body.push_str("\n\n");
    }
    match title {
        Some(t) => {
            body.push('[');
            body.push_str(&t.replace('[', "\\[").replace(']', "\\]"));
            body.push_str("](");
            body.push_str(url);
            body.push(')');
        }
        None => {
            body.push('<');
            body.push_str(url);
            body.push('>');
        }
    }
}

/// The export's timestamps: RFC 3339, or `YYYY-MM-DD HH:MM:SS` followed by `UTC`, an
/// offset (`+0000`) or nothing (UTC).
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let base = s.strip_suffix("UTC").map(str::trim_end).unwrap_or(s);
    if let Ok(dt) = base.replacen(' ', "T", 1).parse::<DateTime>() {
        return jiff::tz::TimeZone::UTC.to_timestamp(dt).ok();
    }
    for fmt in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%.f %z"] {
        if let Ok(z) = jiff::fmt::strtime::parse(fmt, s).and_then(|p| p.to_timestamp()) {
            return Some(z);
        }
    }
    None
}

pub fn is_true(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "t"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_column() {
        let a = parse_attachments(
            "uploadedfile:42,opengraphobject:[7 : https://ex.com/a?b=1 : title=\"Été [x]\" : description=\"d\"], uploadedfile:43",
        );
        assert_eq!(a.files, ["42", "43"]);
        assert_eq!(
            a.links,
            [(
                "https://ex.com/a?b=1".to_string(),
                Some("Été [x]".to_string())
            )]
        );
        assert_eq!(parse_attachments(""), AttachmentRefs::default());
    }

    #[test]
    fn mentions_become_at_keys() {
        let (b, k) = replace_mentions("hi [[user:12]] and [[user:12]] [[tag:3]] [[user:]]", |id| {
            format!("u{id}")
        });
        assert_eq!(b, "hi @u12 and @u12 [[tag:3]] [[user:]]");
        assert_eq!(k, ["u12"]);
    }

    #[test]
    fn times_in_the_export_formats() {
        let want: Timestamp = "2024-03-01T10:20:30Z".parse().unwrap();
        for s in [
            "2024-03-01T10:20:30Z",
            "2024-03-01 10:20:30 UTC",
            "2024-03-01 10:20:30",
            "2024-03-01 11:20:30 +0100",
        ] {
            assert_eq!(parse_time(s), Some(want), "{s}");
        }
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn links_are_appended_once() {
        let mut b = "see https://x.io".to_string();
        append_link(&mut b, "https://x.io", Some("X"));
        assert_eq!(b, "see https://x.io");
        append_link(&mut b, "https://y.io", None);
        assert_eq!(b, "see https://x.io\n\n<https://y.io>");
    }
}
