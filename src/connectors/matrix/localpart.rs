//! Canonical user key → Matrix localpart.
//!
//! Matrix localparts allow only `a-z 0-9 . _ = - / +`. Keys are lowercased (they are
//! case-insensitive in esnctl), Latin letters with diacritics and ligatures are
//! transliterated (`é`→`e`, `ß`→`ss`, `œ`→`oe`), whitespace becomes `.`, and any other
//! character (CJK, Cyrillic, emoji…) is written as `=` + the lowercase hex of its UTF-8
//! bytes, as in the Matrix specification's mapping from other character sets: the result
//! is always valid and deterministic. Transliteration can make two keys map to the same
//! localpart (`lea` and `léa`): the connector reports such collisions instead of merging.

/// The localpart for a canonical key; `None` for an empty key.
pub fn localpart(key: &str) -> Option<String> {
    let mut out = String::with_capacity(key.len());
    for c in key.trim().chars() {
        for l in c.to_lowercase() {
            push_mapped(l, &mut out);
        }
    }
    (!out.is_empty()).then_some(out)
}

fn push_mapped(c: char, out: &mut String) {
    match c {
        'a'..='z' | '0'..='9' | '.' | '_' | '-' | '/' | '+' => out.push(c),
        c if c.is_whitespace() => out.push('.'),
        c => match transliterate(c) {
            Some(t) => out.push_str(t),
            None => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push('=');
                    out.push_str(&format!("{b:02x}"));
                }
            }
        },
    }
}

/// Latin-1 and Latin Extended-A letters (lowercase) to ASCII.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' | 'ĸ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ŉ' | 'ŋ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ſ' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        // Apostrophes in names (o'brien, d’arc) and the escape character itself.
        '\'' | '’' => "",
        '=' => "=3d",
        _ => return None,
    })
}

/// A full user id.
pub fn user_id(localpart: &str, server: &str) -> String {
    format!("@{localpart}:{server}")
}

/// The localpart of a user id (`@a:srv` → `a`).
pub fn of_user_id(user_id: &str) -> &str {
    let s = user_id.strip_prefix('@').unwrap_or(user_id);
    s.split_once(':').map_or(s, |(l, _)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_keys_are_lowercased_only() {
        assert_eq!(localpart("MDurand").as_deref(), Some("mdurand"));
        assert_eq!(localpart("j.doe-2_x/y+z").as_deref(), Some("j.doe-2_x/y+z"));
    }

    #[test]
    fn accents_and_ligatures_are_transliterated() {
        assert_eq!(localpart("léa.müller").as_deref(), Some("lea.muller"));
        assert_eq!(
            localpart("François.Cœur").as_deref(),
            Some("francois.coeur")
        );
        assert_eq!(localpart("Straße").as_deref(), Some("strasse"));
        assert_eq!(localpart("Łukasz Żółć").as_deref(), Some("lukasz.zolc"));
        assert_eq!(localpart("o'brien").as_deref(), Some("obrien"));
    }

    #[test]
    fn other_scripts_are_hex_escaped_and_valid() {
        let l = localpart("山田").unwrap();
        assert_eq!(l, "=e5=b1=b1=e7=94=b0");
        let l = localpart("иван").unwrap();
        assert!(l
            .chars()
            .all(|c| matches!(c, 'a'..='z' | '0'..='9' | '.' | '_' | '=' | '-' | '/' | '+')));
        assert_eq!(localpart("a=b").as_deref(), Some("a=3db"));
        assert_eq!(localpart("  "), None);
    }

    #[test]
    fn user_id_parts() {
        assert_eq!(user_id("a", "localhost"), "@a:localhost");
        assert_eq!(of_user_id("@a.b:localhost:8448"), "a.b");
    }
}
