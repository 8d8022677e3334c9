//! Rocket.Chat's naming rules. The CSV importer creates channels through
//! `createChannelMethod`/`createPrivateGroupMethod`, which check the name against the
//! `UTF8_Channel_Names_Validation` setting (default `[0-9a-zA-Z-_.]+`); users are
//! matched and mentioned by username, checked against `UTF8_User_Names_Validation`
//! (same default). Names are folded to that alphabet here, kept unique
//! case-insensitively; the readable original stays in the user's name column.

use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Allocates valid, unique names.
#[derive(Debug, Default)]
pub struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A valid name for `wanted`; `fallback` prefixes a short hash when nothing of
    /// `wanted` survives folding (a name in a non-Latin script).
    pub fn allocate(&mut self, wanted: &str, fallback: &str) -> String {
        let mut base = fold(wanted);
        if base.is_empty() {
            let hash = hex::encode(Sha256::digest(wanted.as_bytes()));
            base = format!("{fallback}-{}", &hash[..8]);
        }
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.to_lowercase()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }
}

/// Folds to `[0-9a-zA-Z-_.]`: Latin letters lose their accents, every other run of
/// characters becomes one `-`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if let Some(f) = fold_latin(c) {
            out.push_str(f);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches(['-', '.']).to_string()
}

fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'Ç' | 'Ć' | 'Č' | 'Ĉ' | 'Ċ' => "C",
        'ď' | 'đ' | 'ð' => "d",
        'Ď' | 'Đ' | 'Ð' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ğ' | 'ģ' => "g",
        'Ğ' | 'Ģ' => "G",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => "I",
        'ł' | 'ľ' | 'ļ' | 'ĺ' => "l",
        'Ł' | 'Ľ' | 'Ļ' | 'Ĺ' => "L",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ř' | 'ŕ' => "r",
        'Ř' | 'Ŕ' => "R",
        'ß' => "ss",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ť' | 'ţ' | 'ț' => "t",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'þ' => "th",
        'Þ' => "TH",
        _ => return None,
    })
}

/// Rewrites `@key` mentions to `@name` where the name differs; a mention must end at a
/// character that cannot continue a name.
pub fn rewrite_mention(body: &str, key: &str, name: &str) -> String {
    if key == name {
        return body.to_string();
    }
    let needle = format!("@{key}");
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        let ends = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')));
        out.push_str(&rest[..i]);
        if ends {
            out.push('@');
            out.push_str(name);
        } else {
            out.push_str(&needle);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_uniqueness() {
        let mut n = Names::default();
        assert_eq!(n.allocate("équipe-été lyon", "c"), "equipe-ete-lyon");
        assert_eq!(n.allocate("Équipe-Été Lyon", "c"), "Equipe-Ete-Lyon-2");
        let cjk = n.allocate("東京オフィス", "channel");
        assert!(cjk.starts_with("channel-") && cjk.len() == 16, "{cjk}");
        assert_eq!(n.allocate("léa.müller", "user"), "lea.muller");
        assert_eq!(fold("🎉 party 🎉"), "party");
    }

    #[test]
    fn mentions_are_rewritten_whole_only() {
        let b = rewrite_mention("hi @léa, @léa.x and @léa", "léa", "lea");
        assert_eq!(b, "hi @lea, @léa.x and @lea");
    }
}
