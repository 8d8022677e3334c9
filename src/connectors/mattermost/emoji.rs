//! Reactions: Mattermost stores an emoji *name* (`emoji_name`, `^[a-zA-Z0-9_+-]+$`, at
//! most 64 characters: `model.IsValidEmojiName`), the canonical model a Unicode emoji or a
//! `:name:`. Mattermost's system emoji use the short names of the emoji-datasource set
//! (`+1`, `heart`, `tada`…); this table holds the most used ones. Skin-tone modifiers and
//! variation selectors are dropped before the lookup (Mattermost names tones separately).

/// (Unicode emoji without U+FE0F, Mattermost name). The first name of an emoji wins when
/// writing; every name is understood when reading.
const TABLE: &[(&str, &str)] = &[
    ("👍", "+1"),
    ("👍", "thumbsup"),
    ("👎", "-1"),
    ("👎", "thumbsdown"),
    ("💯", "100"),
    ("😄", "smile"),
    ("😃", "smiley"),
    ("😀", "grinning"),
    ("😁", "grin"),
    ("😂", "joy"),
    ("😆", "laughing"),
    ("😅", "sweat_smile"),
    ("🤣", "rofl"),
    ("😉", "wink"),
    ("😊", "blush"),
    ("🙂", "slightly_smiling_face"),
    ("🙃", "upside_down_face"),
    ("😍", "heart_eyes"),
    ("😘", "kissing_heart"),
    ("😋", "yum"),
    ("😛", "stuck_out_tongue"),
    ("😜", "stuck_out_tongue_winking_eye"),
    ("🤔", "thinking_face"),
    ("🤔", "thinking"),
    ("🤗", "hugging_face"),
    ("🤗", "hugs"),
    ("🤩", "star_struck"),
    ("🥳", "partying_face"),
    ("🤓", "nerd_face"),
    ("😎", "sunglasses"),
    ("😏", "smirk"),
    ("😇", "innocent"),
    ("😐", "neutral_face"),
    ("😑", "expressionless"),
    ("😒", "unamused"),
    ("🙄", "face_with_rolling_eyes"),
    ("🙄", "roll_eyes"),
    ("😬", "grimacing"),
    ("😌", "relieved"),
    ("😔", "pensive"),
    ("😴", "sleeping"),
    ("😷", "mask"),
    ("😕", "confused"),
    ("😟", "worried"),
    ("😮", "open_mouth"),
    ("😲", "astonished"),
    ("😳", "flushed"),
    ("😢", "cry"),
    ("😭", "sob"),
    ("😱", "scream"),
    ("😠", "angry"),
    ("😡", "rage"),
    ("😓", "sweat"),
    ("😞", "disappointed"),
    ("🤦", "face_palm"),
    ("🤦", "facepalm"),
    ("🤷", "shrug"),
    ("🙈", "see_no_evil"),
    ("💀", "skull"),
    ("💩", "hankey"),
    ("💩", "poop"),
    ("👻", "ghost"),
    ("🤖", "robot_face"),
    ("❤", "heart"),
    ("💔", "broken_heart"),
    ("💖", "sparkling_heart"),
    ("💙", "blue_heart"),
    ("💚", "green_heart"),
    ("💛", "yellow_heart"),
    ("💜", "purple_heart"),
    ("🔥", "fire"),
    ("🎉", "tada"),
    ("🎊", "confetti_ball"),
    ("🎈", "balloon"),
    ("🎂", "birthday"),
    ("🎁", "gift"),
    ("🏆", "trophy"),
    ("👏", "clap"),
    ("🙏", "pray"),
    ("🙌", "raised_hands"),
    ("👋", "wave"),
    ("👌", "ok_hand"),
    ("✌", "v"),
    ("💪", "muscle"),
    ("☝", "point_up"),
    ("👉", "point_right"),
    ("👈", "point_left"),
    ("🤝", "handshake"),
    ("✋", "hand"),
    ("✋", "raised_hand"),
    ("👀", "eyes"),
    ("🚀", "rocket"),
    ("⭐", "star"),
    ("🌟", "star2"),
    ("✨", "sparkles"),
    ("⚡", "zap"),
    ("💥", "boom"),
    ("✅", "white_check_mark"),
    ("✔", "heavy_check_mark"),
    ("❌", "x"),
    ("⚠", "warning"),
    ("❓", "question"),
    ("❗", "exclamation"),
    ("❗", "heavy_exclamation_mark"),
    ("💡", "bulb"),
    ("☕", "coffee"),
    ("🍺", "beer"),
    ("🍻", "beers"),
    ("🍕", "pizza"),
    ("🍰", "cake"),
    ("🍎", "apple"),
    ("☀", "sunny"),
    ("🌈", "rainbow"),
    ("❄", "snowflake"),
    ("💤", "zzz"),
    ("💬", "speech_balloon"),
    ("💭", "thought_balloon"),
    ("📌", "pushpin"),
    ("📎", "paperclip"),
    ("📝", "memo"),
    ("📅", "date"),
    ("📆", "calendar"),
    ("📈", "chart_with_upwards_trend"),
    ("📉", "chart_with_downwards_trend"),
    ("📚", "books"),
    ("📧", "email"),
    ("🔔", "bell"),
    ("🔒", "lock"),
    ("🔗", "link"),
    ("🔍", "mag"),
    ("🔧", "wrench"),
    ("🔨", "hammer"),
    ("⚙", "gear"),
    ("💻", "computer"),
    ("🏁", "checkered_flag"),
    ("🔴", "red_circle"),
    ("🟢", "large_green_circle"),
    ("⏰", "alarm_clock"),
    ("⌛", "hourglass"),
    ("➕", "heavy_plus_sign"),
    ("➖", "heavy_minus_sign"),
    ("⬆", "arrow_up"),
    ("⬇", "arrow_down"),
    ("➡", "arrow_right"),
    ("⬅", "arrow_left"),
    ("🆗", "ok"),
    ("🆕", "new"),
    ("🚫", "no_entry_sign"),
    ("⛔", "no_entry"),
];

/// Drops skin-tone modifiers (U+1F3FB–U+1F3FF) and variation selectors; true when a
/// modifier was dropped.
fn base(emoji: &str) -> (String, bool) {
    let mut toned = false;
    let s = emoji
        .chars()
        .filter(|c| {
            let tone = ('\u{1F3FB}'..='\u{1F3FF}').contains(c);
            toned |= tone;
            !tone && *c != '\u{FE0F}'
        })
        .collect();
    (s, toned)
}

/// How a canonical reaction is written, or why it cannot be.
#[derive(Debug, PartialEq, Eq)]
pub enum Named {
    /// The name; `true` when a skin tone was dropped on the way.
    Name(String, bool),
    Unknown,
}

/// The Mattermost name of a canonical emoji (`👍`, `:party-parrot:`).
pub fn to_name(emoji: &str) -> Named {
    if let Some(name) = emoji
        .strip_prefix(':')
        .and_then(|s| s.strip_suffix(':'))
        .filter(|s| !s.is_empty())
    {
        // A Slack-style tone suffix (`thumbsup::skin-tone-3`) is not a Mattermost name.
        let (name, toned) = match name.split_once("::") {
            Some((n, _)) => (n, true),
            None => (name, false),
        };
        let ok = !name.is_empty()
            && name.chars().count() <= super::validate::MAX_EMOJI_NAME_RUNES
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'));
        return if ok {
            Named::Name(name.to_string(), toned)
        } else {
            Named::Unknown
        };
    }
    let (bare, toned) = base(emoji);
    match names().get(bare.as_str()) {
        Some(name) => Named::Name((*name).to_string(), toned),
        None => Named::Unknown,
    }
}

/// Emoji → its first name in [`TABLE`] (looked up per reaction).
fn names() -> &'static std::collections::HashMap<&'static str, &'static str> {
    static NAMES: std::sync::OnceLock<std::collections::HashMap<&str, &str>> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        for (emoji, name) in TABLE {
            map.entry(*emoji).or_insert(*name);
        }
        map
    })
}

/// The canonical emoji for a Mattermost name: Unicode when the table knows it, else
/// `:name:` (custom emoji, rarer standard ones).
pub fn from_name(name: &str) -> String {
    match TABLE.iter().find(|(_, n)| *n == name) {
        // Characters shown as text by default need the variation selector.
        Some((e, _)) if "❤✌☝✔⚠☀❄⚙⬆⬇➡⬅".contains(e) => {
            format!("{e}\u{FE0F}")
        }
        Some((e, _)) => (*e).to_string(),
        None => format!(":{name}:"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_and_names_both_ways() {
        assert_eq!(to_name("👍"), Named::Name("+1".into(), false));
        assert_eq!(to_name("👍🏽"), Named::Name("+1".into(), true));
        assert_eq!(to_name("❤️"), Named::Name("heart".into(), false));
        assert_eq!(
            to_name(":party-parrot:"),
            Named::Name("party-parrot".into(), false)
        );
        assert_eq!(to_name("🦩"), Named::Unknown);
        assert_eq!(from_name("+1"), "👍");
        assert_eq!(from_name("thumbsup"), "👍");
        assert_eq!(from_name("heart"), "❤\u{FE0F}");
        assert_eq!(from_name("party-parrot"), ":party-parrot:");
    }
}
