//! TOML manifests: one `[[community]]` table per community.
//!
//! ```toml
//! [[community]]
//! key = "store-042"
//! name = "Magasin 042 — Besançon"
//! visibility = "private"            # public (default), private, secret
//! parent = "region-east"
//! owners = ["mdurand"]
//! members = ["lnoel", "ayamada@retail.example"]   # leave out to not manage members
//! group = "cn=store-042,ou=groups,dc=retail,dc=example"
//! welcome = "Bienvenue !"
//! tags = ["store", "east"]
//! [community.extra]
//! site = "Besançon"
//! ```
//! An empty `members = []` manages the list and empties it; a missing one leaves it alone.

use super::{parse_visibility, Entry, Problems, TAGS_EXTRA};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    community: Vec<RawCommunity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommunity {
    key: Spanned<String>,
    name: Option<Spanned<String>>,
    description: Option<String>,
    visibility: Option<Spanned<String>>,
    parent: Option<Spanned<String>>,
    owners: Option<Spanned<Vec<String>>>,
    members: Option<Spanned<Vec<String>>>,
    group: Option<Spanned<String>>,
    welcome: Option<String>,
    tags: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    archived: bool,
    #[serde(default)]
    extra: BTreeMap<String, String>,
}

/// 1-based line of a byte offset.
fn line_at(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

pub(super) fn parse(bytes: &[u8], file: &str, problems: &mut Problems) -> Result<Vec<Entry>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = line_at(&String::from_utf8_lossy(bytes), e.valid_up_to());
        Error::invalid_at(file, line, None, "not valid UTF-8")
    })?;
    let raw: RawFile = ::toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_at(text, s.start));
        Error::invalid_at(file, line, None, e.message().trim_end().replace('\n', " "))
    })?;
    if raw.community.is_empty() {
        return Err(Error::invalid_at(
            file,
            1,
            None,
            "no [[community]] table: a TOML manifest lists each community as [[community]]",
        )
        .into());
    }
    Ok(raw
        .community
        .into_iter()
        .map(|c| entry(c, text, problems))
        .collect())
}

fn entry(raw: RawCommunity, text: &str, problems: &mut Problems) -> Entry {
    let line = line_at(text, raw.key.span().start);
    let mut entry = Entry {
        line,
        key: raw.key.get_ref().trim().to_string(),
        description: raw.description,
        welcome: raw.welcome,
        archived: raw.archived,
        extra: raw.extra,
        ..Default::default()
    };
    let mut lines = BTreeMap::new();
    let mut at = |field: &'static str, span: std::ops::Range<usize>| {
        let l = line_at(text, span.start);
        lines.insert(field, l);
        l
    };
    // A missing name is reported by the structural checks, as an empty one is.
    if let Some(n) = raw.name {
        at("name", n.span());
        entry.name = n.into_inner();
    }
    if let Some(v) = raw.visibility {
        let l = at("visibility", v.span());
        entry.visibility = parse_visibility(v.get_ref(), l, problems);
    }
    if let Some(p) = raw.parent {
        at("parent", p.span());
        entry.parent = Some(p.into_inner().trim().to_string()).filter(|p| !p.is_empty());
    }
    if let Some(o) = raw.owners {
        at("owners", o.span());
        entry.owners = trimmed(o.into_inner());
    }
    if let Some(m) = raw.members {
        at("members", m.span());
        entry.members = Some(trimmed(m.into_inner()));
    }
    if let Some(g) = raw.group {
        at("group", g.span());
        entry.group = Some(g.into_inner().trim().to_string()).filter(|g| !g.is_empty());
    }
    if let Some(t) = raw.tags {
        let l = at("tags", t.span());
        entry.tags = trimmed(t.into_inner());
        if entry.tags.iter().any(|t| t.contains(char::is_whitespace)) {
            problems.add(l, Some("tags"), "a tag cannot contain spaces");
        }
        if entry.extra.contains_key(TAGS_EXTRA) {
            problems.add(
                l,
                Some("tags"),
                "both tags and extra.tags are set; keep one",
            );
        }
    }
    entry.field_lines = lines;
    entry
}

fn trimmed(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Visibility;

    fn parse_ok(text: &str) -> (Vec<Entry>, Problems) {
        let mut problems = Problems::new("m.toml");
        let entries = parse(text.as_bytes(), "m.toml", &mut problems).unwrap();
        (entries, problems)
    }

    #[test]
    fn reads_tables_with_field_lines() {
        let (entries, problems) = parse_ok(
            "# retail\n[[community]]\nkey = \"hq\"\nname = \"Siège 山田\"\nmembers = []\n\n\
             [[community]]\nkey = \"idea-box\"\nname = \"Boîte à idées\"\n\
             visibility = \"secret\"\nparent = \"hq\"\nowners = [\"a\", \" b \"]\n\
             welcome = \"\"\"\nBienvenue 🎉\n\"\"\"\n[community.extra]\nsite = \"Lyon\"\n",
        );
        assert!(problems.is_empty(), "{problems}");
        assert_eq!(entries[0].line, 3);
        assert_eq!(entries[0].name, "Siège 山田");
        assert_eq!(entries[0].members, Some(vec![]));
        let e = &entries[1];
        assert_eq!(
            (e.line, e.line_of("parent"), e.line_of("owners")),
            (8, 11, 12)
        );
        assert_eq!(e.visibility, Some(Visibility::Secret));
        assert_eq!(e.owners, ["a", "b"]);
        assert_eq!(e.members, None);
        assert_eq!(e.welcome.as_deref(), Some("Bienvenue 🎉\n"));
        assert_eq!(e.extra["site"], "Lyon");
    }

    #[test]
    fn syntax_and_unknown_fields_name_the_line() {
        let mut p = Problems::new("m.toml");
        let err = parse(
            b"[[community]]\nkey = \"a\"\nname = \"A\"\ncolor = \"red\"\n",
            "m.toml",
            &mut p,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("m.toml:4:") && err.contains("color"),
            "{err}"
        );
        let err = parse(b"[[community]]\nkey = \"a\n", "m.toml", &mut p)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("m.toml:2:"), "{err}");
    }

    #[test]
    fn bad_visibility_is_a_problem_on_its_line() {
        let (entries, problems) = parse_ok("[[community]]\nkey = \"a\"\nvisibility = \"hidden\"\n");
        assert_eq!(entries[0].name, "");
        let text = problems.to_string();
        assert!(
            text.contains("m.toml:3: field \"visibility\": \"hidden\""),
            "{text}"
        );
    }
}
