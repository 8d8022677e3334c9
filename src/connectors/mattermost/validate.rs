//! Mattermost's import validation rules, applied before writing so that the file imports
//! without errors; what can be fixed deterministically is fixed here (and recorded by the
//! caller), the rest is refused with a reason.
//!
//! Sources (mattermost/mattermost):
//! - `server/channels/app/imports/import_validators.go`: `ValidateTeamImportData` (name
//!   required, at most `TeamNameMaxLength` = 64, not reserved, `IsValidTeamName` on the
//!   lowercased name; display name 1–64 runes; type `O` or `I`; description ≤ 255),
//!   `ValidateChannelImportData` (name ≤ 64 and `IsValidChannelIdentifier`; display name
//!   ≤ 64 runes; type `O` or `P`; header ≤ 1024 runes; purpose ≤ 250 runes),
//!   `ValidateUserImportData` (username valid once lowercased; email required, non-empty,
//!   ≤ 128; nickname, first and last name ≤ 64 runes; position ≤ 128 runes),
//!   `ValidatePostImportData`/`ValidateReplyImportData` (message ≤ the server's maximum
//!   post size in runes — 16383 by default, `model.PostMessageMaxRunesV2`; `create_at`
//!   present and non-zero), `ValidateReactionImportData` (emoji name ≤ 64 runes;
//!   `create_at` non-zero and not before its post's), `ValidateDirectChannelImportData`
//!   (2 members for a direct channel, 3–8 for a group: `ChannelGroupMinUsers`/`MaxUsers`).
//! - `server/public/model/utils.go`: `validAlphaNum` `^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$`
//!   (team names, at least 2 characters) and `validSimpleAlphaNum` for channel names; the
//!   reserved team names (`reservedName`).
//! - `server/public/model/user.go`: `validUsernameChars` `^[a-z0-9\.\-_]+$` and the
//!   restricted names `all`, `channel`, `matterbot`, `system`. Recent servers accept 1–64
//!   characters; servers before v10 required 3–22 characters starting with a letter, so
//!   esnctl produces names valid for both.

use std::collections::HashMap;

pub const MAX_MESSAGE_RUNES: usize = 16383;
pub const MAX_DISPLAY_NAME_RUNES: usize = 64;
pub const MAX_PURPOSE_RUNES: usize = 250;
pub const MAX_HEADER_RUNES: usize = 1024;
pub const MAX_TEAM_DESCRIPTION: usize = 255;
pub const MAX_EMAIL_LEN: usize = 128;
pub const MAX_POSITION_RUNES: usize = 128;
pub const MAX_EMOJI_NAME_RUNES: usize = 64;
pub const GROUP_MAX_MEMBERS: usize = 8;

const USERNAME_MIN: usize = 3;
const USERNAME_MAX: usize = 22;
const CHANNEL_MIN: usize = 2;
const CHANNEL_MAX: usize = 64;
const TEAM_MIN: usize = 2;
const TEAM_MAX: usize = 64;

const RESTRICTED_USERNAMES: &[&str] = &["all", "channel", "matterbot", "system", "here"];
const RESERVED_TEAM_NAMES: &[&str] = &[
    "admin",
    "api",
    "boards",
    "channel",
    "claim",
    "error",
    "files",
    "help",
    "landing",
    "login",
    "mfa",
    "oauth",
    "playbooks",
    "plug",
    "plugins",
    "post",
    "signup",
];

/// The continuation marker that starts every part of a split message after the first.
pub const CONTINUED: &str = "(continued) ";

/// What a name is for: each kind has its own alphabet and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    User,
    Channel,
    Team,
}

impl NameKind {
    fn limits(self) -> (usize, usize) {
        match self {
            NameKind::User => (USERNAME_MIN, USERNAME_MAX),
            NameKind::Channel => (CHANNEL_MIN, CHANNEL_MAX),
            NameKind::Team => (TEAM_MIN, TEAM_MAX),
        }
    }

    fn allowed(self, c: char) -> bool {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || match self {
                NameKind::User => matches!(c, '.' | '-' | '_'),
                NameKind::Channel => matches!(c, '-' | '_'),
                NameKind::Team => c == '-',
            }
    }

    fn reserved(self, s: &str) -> bool {
        match self {
            NameKind::User => RESTRICTED_USERNAMES.contains(&s),
            NameKind::Team => RESERVED_TEAM_NAMES.contains(&s),
            NameKind::Channel => false,
        }
    }

    /// Is `s` accepted by Mattermost as it is?
    pub fn is_valid(self, s: &str) -> bool {
        let (min, max) = self.limits();
        let first_ok = match self {
            NameKind::User => s.starts_with(|c: char| c.is_ascii_lowercase()),
            _ => s.starts_with(|c: char| c.is_ascii_alphanumeric()),
        };
        (min..=max).contains(&s.len())
            && first_ok
            && s.ends_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars().all(|c| self.allowed(c))
            && !self.reserved(s)
    }
}

/// A valid name for `raw`, or `None` when nothing usable is left (a name written in a
/// non-Latin script): the caller then derives one from the record's id.
pub fn normalize(kind: NameKind, raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut folded = String::new();
    for c in raw.chars().flat_map(char::to_lowercase) {
        folded.clear();
        fold(c, &mut folded);
        for c in folded.chars() {
            if kind.allowed(c) {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        }
    }
    // Separators may not start or end a name, nor repeat.
    let mut s: String = out
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    if s.is_empty() {
        return None;
    }
    let (min, max) = kind.limits();
    if kind == NameKind::User && !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert_str(0, "u-");
    }
    truncate_name(&mut s, max);
    if s.len() < min || kind.reserved(&s) {
        s.push_str(if kind == NameKind::User {
            "-user"
        } else {
            "-x"
        });
        truncate_name(&mut s, max);
    }
    kind.is_valid(&s).then_some(s)
}

/// Cuts an ASCII name to `max` bytes and drops separators left at its end.
fn truncate_name(s: &mut String, max: usize) {
    s.truncate(max);
    while s.ends_with(|c: char| !c.is_ascii_alphanumeric()) {
        s.pop();
    }
}

/// Latin letters with diacritics to their base letters, so "Léa Müller" becomes
/// "lea-muller" rather than "l-a-m-ller".
fn fold(c: char, out: &mut String) {
    const TABLE: &[(&str, &str)] = &[
        ("àáâãäåāăą", "a"),
        ("æ", "ae"),
        ("çćĉċč", "c"),
        ("ďđð", "d"),
        ("èéêëēĕėęě", "e"),
        ("ĝğġģ", "g"),
        ("ĥħ", "h"),
        ("ìíîïĩīĭįı", "i"),
        ("ĵ", "j"),
        ("ķ", "k"),
        ("ĺļľŀł", "l"),
        ("ñńņňŉ", "n"),
        ("òóôõöøōŏő", "o"),
        ("œ", "oe"),
        ("ŕŗř", "r"),
        ("śŝşšș", "s"),
        ("ß", "ss"),
        ("ţťŧț", "t"),
        ("þ", "th"),
        ("ùúûüũūŭůűų", "u"),
        ("ŵ", "w"),
        ("ýÿŷ", "y"),
        ("źżž", "z"),
    ];
    if c.is_ascii() {
        out.push(c);
        return;
    }
    out.push_str(
        TABLE
            .iter()
            .find(|(from, _)| from.contains(c))
            .map_or("-", |(_, to)| *to),
    );
}

/// Hands out unique names: a second source record whose name normalises to one already
/// taken gets `-2`, `-3`… (kept within the length limit).
#[derive(Debug, Default)]
pub struct Names {
    /// Name → the source key that owns it.
    taken: HashMap<String, String>,
}

impl Names {
    /// The name for `source_key`, derived from `wanted` (or, when nothing of it is usable,
    /// from `fallback`, e.g. "u-" plus a hash of the key).
    pub fn assign(
        &mut self,
        kind: NameKind,
        source_key: &str,
        wanted: &str,
        fallback: &str,
    ) -> String {
        let base = normalize(kind, wanted)
            .or_else(|| normalize(kind, fallback))
            .unwrap_or_else(|| "x".repeat(kind.limits().0));
        let (_, max) = kind.limits();
        let mut candidate = base.clone();
        let mut n = 1u32;
        loop {
            match self.taken.get(&candidate) {
                Some(owner) if owner != source_key => {
                    n += 1;
                    let suffix = format!("-{n}");
                    let mut stem = base.clone();
                    truncate_name(&mut stem, max - suffix.len());
                    candidate = format!("{stem}{suffix}");
                }
                _ => break,
            }
        }
        self.taken.insert(candidate.clone(), source_key.to_string());
        candidate
    }
}

/// A short stable tag of a key (first 8 hex digits of its SHA-256), for fallback names.
pub fn short_hash(key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(key.as_bytes())[..4])
}

/// `s` cut to at most `max` characters; `None` when it was short enough already.
pub fn truncate_runes(s: &str, max: usize) -> Option<String> {
    s.char_indices().nth(max).map(|(i, _)| s[..i].to_string())
}

/// Splits a message into parts of at most `max` characters. Every part after the first
/// starts with [`CONTINUED`]; removing those markers and joining the parts gives back the
/// original text exactly. Cuts fall on a line break or a space near the limit when there
/// is one, so words survive.
pub fn split_message(body: &str, max: usize) -> Vec<String> {
    if body.chars().count() <= max {
        return vec![body.to_string()];
    }
    let marker = CONTINUED.chars().count();
    let mut parts = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let room = if parts.is_empty() { max } else { max - marker };
        let cut = match rest.char_indices().nth(room) {
            None => rest.len(),
            Some((hard, _)) => {
                // Prefer a break in the last tenth of the part.
                let window_start = rest[..hard]
                    .char_indices()
                    .nth(room - room / 10)
                    .map_or(0, |(i, _)| i);
                rest[window_start..hard]
                    .rfind(['\n', ' '])
                    .map(|i| window_start + i + 1)
                    .unwrap_or(hard)
            }
        };
        let (head, tail) = rest.split_at(cut);
        parts.push(if parts.is_empty() {
            head.to_string()
        } else {
            format!("{CONTINUED}{head}")
        });
        rest = tail;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercase_ascii_and_start_with_a_letter() {
        assert_eq!(
            normalize(NameKind::User, "Léa.Müller").unwrap(),
            "lea.muller"
        );
        assert_eq!(normalize(NameKind::User, "42ops").unwrap(), "u-42ops");
        assert_eq!(normalize(NameKind::User, "al").unwrap(), "al-user");
        assert_eq!(normalize(NameKind::User, "system").unwrap(), "system-user");
        assert_eq!(normalize(NameKind::User, "山田"), None);
        let long = normalize(NameKind::User, "a-very-long-user-name-indeed-yes").unwrap();
        assert!(long.len() <= 22 && NameKind::User.is_valid(&long), "{long}");
    }

    #[test]
    fn channel_and_team_names() {
        assert_eq!(normalize(NameKind::Channel, "Général").unwrap(), "general");
        assert_eq!(
            normalize(NameKind::Channel, "Magasin 042 — Nancy").unwrap(),
            "magasin-042-nancy"
        );
        assert_eq!(normalize(NameKind::Channel, "-_x").unwrap(), "x-x");
        assert_eq!(
            normalize(NameKind::Team, "Durand_Fils").unwrap(),
            "durand-fils"
        );
        assert_eq!(normalize(NameKind::Team, "api").unwrap(), "api-x");
    }

    #[test]
    fn collisions_get_a_suffix_and_the_same_key_keeps_its_name() {
        let mut names = Names::default();
        assert_eq!(
            names.assign(NameKind::Channel, "a", "Général", "c"),
            "general"
        );
        assert_eq!(
            names.assign(NameKind::Channel, "b", "general", "c"),
            "general-2"
        );
        assert_eq!(
            names.assign(NameKind::Channel, "c", "GENERAL", "c"),
            "general-3"
        );
        assert_eq!(
            names.assign(NameKind::Channel, "a", "Général", "c"),
            "general"
        );
        assert_eq!(
            names.assign(NameKind::Channel, "d", "山田", "c-1a2b"),
            "c-1a2b"
        );
    }

    #[test]
    fn split_keeps_every_character_and_respects_the_limit() {
        let body = "日本語のテキスト ".repeat(5000) + "🎉 fin";
        let parts = split_message(&body, 1000);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= 1000));
        let joined: String = parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p.as_str()
                } else {
                    p.strip_prefix(CONTINUED).unwrap()
                }
            })
            .collect();
        assert_eq!(joined, body);
        assert_eq!(split_message("court", 10), vec!["court".to_string()]);
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_runes("héllo", 3).as_deref(), Some("hél"));
        assert_eq!(truncate_runes("héllo", 5), None);
    }
}
