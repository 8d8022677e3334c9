//! Slack reaction names → Unicode emoji, for the most used standard shortcodes.
//!
//! Slack names reactions by shortcode (`thumbsup`, `+1`, `heart`), with an optional skin
//! tone suffix (`thumbsup::skin-tone-3`). A name not in this table (a custom emoji, or a
//! rarer standard one) is kept as `:name:`, as the canonical model asks.

/// (shortcode, emoji), sorted by shortcode for binary search.
const TABLE: &[(&str, &str)] = &[
    ("+1", "👍"),
    ("-1", "👎"),
    ("100", "💯"),
    ("angry", "😠"),
    ("apple", "🍎"),
    ("arrow_down", "⬇️"),
    ("arrow_left", "⬅️"),
    ("arrow_right", "➡️"),
    ("arrow_up", "⬆️"),
    ("baby", "👶"),
    ("balloon", "🎈"),
    ("beer", "🍺"),
    ("beers", "🍻"),
    ("bell", "🔔"),
    ("birthday", "🎂"),
    ("blush", "😊"),
    ("bomb", "💣"),
    ("books", "📚"),
    ("boom", "💥"),
    ("bow", "🙇"),
    ("brain", "🧠"),
    ("broken_heart", "💔"),
    ("bulb", "💡"),
    ("calendar", "📆"),
    ("camera", "📷"),
    ("champagne", "🍾"),
    ("chart_with_upwards_trend", "📈"),
    ("check", "✔️"),
    ("clap", "👏"),
    ("clipboard", "📋"),
    ("coffee", "☕"),
    ("confused", "😕"),
    ("cool", "🆒"),
    ("cry", "😢"),
    ("dart", "🎯"),
    ("disappointed", "😞"),
    ("dizzy", "💫"),
    ("email", "📧"),
    ("exclamation", "❗"),
    ("eyes", "👀"),
    ("face_palm", "🤦"),
    ("facepalm", "🤦"),
    ("fire", "🔥"),
    ("flushed", "😳"),
    ("gift", "🎁"),
    ("grimacing", "😬"),
    ("grin", "😁"),
    ("grinning", "😀"),
    ("hammer", "🔨"),
    ("hand", "✋"),
    ("handshake", "🤝"),
    ("heart", "❤️"),
    ("heart_eyes", "😍"),
    ("heavy_check_mark", "✔️"),
    ("heavy_plus_sign", "➕"),
    ("hourglass", "⌛"),
    ("hugging_face", "🤗"),
    ("hushed", "😯"),
    ("innocent", "😇"),
    ("joy", "😂"),
    ("key", "🔑"),
    ("kissing_heart", "😘"),
    ("laughing", "😆"),
    ("link", "🔗"),
    ("lock", "🔒"),
    ("mag", "🔍"),
    ("memo", "📝"),
    ("money_with_wings", "💸"),
    ("moneybag", "💰"),
    ("muscle", "💪"),
    ("neutral_face", "😐"),
    ("new", "🆕"),
    ("no_entry", "⛔"),
    ("ok", "🆗"),
    ("ok_hand", "👌"),
    ("open_mouth", "😮"),
    ("partying_face", "🥳"),
    ("pencil", "📝"),
    ("pencil2", "✏️"),
    ("pensive", "😔"),
    ("point_down", "👇"),
    ("point_left", "👈"),
    ("point_right", "👉"),
    ("point_up", "☝️"),
    ("pray", "🙏"),
    ("pushpin", "📌"),
    ("question", "❓"),
    ("rage", "😡"),
    ("rainbow", "🌈"),
    ("raised_hands", "🙌"),
    ("relaxed", "☺️"),
    ("relieved", "😌"),
    ("rocket", "🚀"),
    ("rolling_on_the_floor_laughing", "🤣"),
    ("rotating_light", "🚨"),
    ("scream", "😱"),
    ("see_no_evil", "🙈"),
    ("shrug", "🤷"),
    ("slightly_frowning_face", "🙁"),
    ("slightly_smiling_face", "🙂"),
    ("smile", "😄"),
    ("smiley", "😃"),
    ("smirk", "😏"),
    ("sob", "😭"),
    ("sparkles", "✨"),
    ("star", "⭐"),
    ("star-struck", "🤩"),
    ("star2", "🌟"),
    ("stuck_out_tongue", "😛"),
    ("sunglasses", "😎"),
    ("sunny", "☀️"),
    ("sweat_smile", "😅"),
    ("tada", "🎉"),
    ("thinking_face", "🤔"),
    ("thumbsdown", "👎"),
    ("thumbsup", "👍"),
    ("trophy", "🏆"),
    ("unamused", "😒"),
    ("upside_down_face", "🙃"),
    ("v", "✌️"),
    ("warning", "⚠️"),
    ("wave", "👋"),
    ("white_check_mark", "✅"),
    ("wink", "😉"),
    ("woman-shrugging", "🤷‍♀️"),
    ("x", "❌"),
    ("yum", "😋"),
    ("zap", "⚡"),
    ("zzz", "💤"),
];

/// Skin tone modifiers U+1F3FB..U+1F3FF for `skin-tone-2`..`skin-tone-6`.
const SKIN_TONES: [&str; 5] = ["🏻", "🏼", "🏽", "🏾", "🏿"];

/// The emoji for a Slack reaction name: Unicode when known, else `:name:`.
pub fn from_slack(name: &str) -> String {
    let (base, tone) = match name.split_once("::") {
        Some((b, t)) => (
            b,
            t.strip_prefix("skin-tone-")
                .and_then(|n| n.parse::<usize>().ok()),
        ),
        None => (name, None),
    };
    match TABLE.binary_search_by(|(k, _)| (*k).cmp(base)) {
        Ok(i) => {
            let mut e = TABLE[i].1.to_string();
            if let Some(t) = tone.filter(|t| (2..=6).contains(t)) {
                // The modifier follows the base character, before any variation selector.
                e = e.trim_end_matches('\u{fe0f}').to_string();
                e.push_str(SKIN_TONES[t - 2]);
            }
            e
        }
        Err(_) => format!(":{name}:"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(
            TABLE.windows(2).all(|w| w[0].0 < w[1].0),
            "TABLE must stay sorted"
        );
    }

    #[test]
    fn standard_custom_and_skin_tones() {
        assert_eq!(from_slack("thumbsup"), "👍");
        assert_eq!(from_slack("+1"), "👍");
        assert_eq!(from_slack("tada"), "🎉");
        assert_eq!(from_slack("+1::skin-tone-4"), "👍🏽");
        assert_eq!(from_slack("party-parrot"), ":party-parrot:");
        assert_eq!(from_slack("wave::skin-tone-9"), "👋");
    }
}
