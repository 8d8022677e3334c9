//! Slack `mrkdwn` → Markdown (CommonMark), in one pass over the bytes.
//!
//! Reference: Slack's "Formatting text for app surfaces" (mrkdwn) and the escaping rules
//! of message text: `&`, `<` and `>` are always sent as `&amp;`, `&lt;`, `&gt;`, so a raw
//! `<` only ever opens a control sequence (`<@U…>`, `<#C…|name>`, `<!here>`, `<url|text>`).
//! Mattermost's own importer (`mattermost/mmetl` `services/slack/parse.go`,
//! `SlackConvertPostsMarkup` and the mention converters) applies the same mapping.
//!
//! Emphasis follows Slack's word-boundary rule: `*bold*` opens after the start of the
//! text, a space or ASCII punctuation, is followed by a non-space, and closes before a
//! non-word character on the same line; so `snake_case_name` and `5 * 3` stay literal.
//! Non-ASCII text is copied byte for byte (every character acted on is ASCII, so a
//! multi-byte UTF-8 sequence is never split).

/// Looks up Slack ids while converting.
pub trait Resolver {
    /// The user key (Slack handle) for a user id.
    fn user(&self, id: &str) -> Option<&str>;
    /// The community name for a channel id.
    fn channel(&self, id: &str) -> Option<&str>;
}

/// Bytes that may start something to convert; everything else is copied in runs.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'*' as usize] = true;
    t[b'_' as usize] = true;
    t[b'~' as usize] = true;
    t[b'`' as usize] = true;
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Pending emphasis closers deeper than this are left literal (real text nests 2 or 3).
const MAX_NESTING: usize = 8;

/// Converts `text` (mrkdwn) to Markdown, appending to `out`. User keys of resolved
/// `<@U…>` mentions are appended to `mentions` once each.
pub fn to_markdown(text: &str, r: &impl Resolver, out: &mut String, mentions: &mut Vec<String>) {
    let b = text.as_bytes();
    let len = b.len();
    out.reserve(len + len / 8);
    let mut i = 0;
    let mut run = 0; // start of the bytes not yet copied
    let mut line_start = true;
    let mut quote_all = false;
    let mut closers = [(0usize, 0u8); MAX_NESTING];
    let mut depth = 0usize;

    while i < len {
        if line_start {
            line_start = false;
            if quote_all {
                out.push_str("> ");
            } else if b[i..].starts_with(b"&gt;&gt;&gt;") {
                // `>>>` quotes everything to the end of the message.
                quote_all = true;
                out.push_str("> ");
                i += 12;
                if b.get(i) == Some(&b' ') {
                    i += 1;
                }
                run = i;
                continue;
            }
        }
        let c = b[i];
        if !SPECIAL[c as usize] {
            i += 1;
            continue;
        }
        match c {
            b'\n' => {
                out.push_str(&text[run..=i]);
                i += 1;
                run = i;
                line_start = true;
                depth = 0; // closers were searched on this line only
            }
            b'*' | b'_' | b'~' => {
                if depth > 0 && closers[depth - 1].0 == i {
                    out.push_str(&text[run..i]);
                    out.push_str(marker(c));
                    depth -= 1;
                    i += 1;
                    run = i;
                    continue;
                }
                let bound = if depth > 0 { closers[depth - 1].0 } else { len };
                match (depth < MAX_NESTING && can_open(b, i))
                    .then(|| find_closer(b, i, bound))
                    .flatten()
                {
                    Some(j) => {
                        out.push_str(&text[run..i]);
                        out.push_str(marker(c));
                        closers[depth] = (j, c);
                        depth += 1;
                        i += 1;
                        run = i;
                    }
                    None => i += 1,
                }
            }
            b'`' => {
                let fence = b[i..].starts_with(b"```");
                let (open, end) = if fence {
                    (3, find(b, i + 3, b"```", usize::MAX))
                } else {
                    (1, find(b, i + 1, b"`", line_end(b, i + 1)))
                };
                match end {
                    Some(j) if j > i + open => {
                        out.push_str(&text[run..i]);
                        let inner = &text[i + open..j];
                        if fence {
                            code_block(inner, r, out, quote_all);
                        } else {
                            out.push('`');
                            plain(inner, r, out, quote_all);
                            out.push('`');
                        }
                        i = j + open;
                        run = i;
                    }
                    _ => i += open,
                }
            }
            b'<' => match text[i + 1..].find('>') {
                Some(k) => {
                    out.push_str(&text[run..i]);
                    control(&text[i + 1..i + 1 + k], r, out, Some(mentions));
                    i += k + 2;
                    run = i;
                }
                None => i += 1,
            },
            _ => {
                // b'&'
                match entity(&b[i..]) {
                    Some((ch, n)) => {
                        out.push_str(&text[run..i]);
                        out.push(ch);
                        i += n;
                        run = i;
                    }
                    None => i += 1,
                }
            }
        }
    }
    out.push_str(&text[run..]);
}

fn marker(c: u8) -> &'static str {
    match c {
        b'*' => "**",
        b'_' => "*",
        _ => "~~",
    }
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c >= 0x80
}

fn can_open(b: &[u8], i: usize) -> bool {
    let before_ok = i == 0 || !is_word(b[i - 1]);
    let after_ok = b.get(i + 1).is_some_and(|&n| !n.is_ascii_whitespace());
    before_ok && after_ok
}

/// The position of the closer of the emphasis opened at `i`, on the same line, before
/// `bound` and not inside a code span.
fn find_closer(b: &[u8], i: usize, bound: usize) -> Option<usize> {
    let c = b[i];
    let mut j = i + 2;
    while j < bound.min(b.len()) {
        match b[j] {
            b'\n' | b'`' => return None,
            // A control sequence is copied whole: a closer inside it would never be seen.
            b'<' => match b[j..bound.min(b.len())].iter().position(|&x| x == b'>') {
                Some(k) => j += k + 1,
                None => return None,
            },
            x if x == c
                && !b[j - 1].is_ascii_whitespace()
                && b.get(j + 1).is_none_or(|&n| !is_word(n)) =>
            {
                return Some(j)
            }
            _ => j += 1,
        }
    }
    None
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

fn find(b: &[u8], from: usize, needle: &[u8], bound: usize) -> Option<usize> {
    let end = bound.min(b.len());
    if from >= end {
        return None;
    }
    b[from..end]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// `&amp;`, `&lt;`, `&gt;` at the start of `b`: the character and the entity's length.
fn entity(b: &[u8]) -> Option<(char, usize)> {
    if b.starts_with(b"&amp;") {
        Some(('&', 5))
    } else if b.starts_with(b"&lt;") {
        Some(('<', 4))
    } else if b.starts_with(b"&gt;") {
        Some(('>', 4))
    } else {
        None
    }
}

/// Appends `s` with entities decoded.
fn push_decoded(out: &mut String, s: &str) {
    if !s.contains('&') {
        out.push_str(s);
        return;
    }
    let b = s.as_bytes();
    let (mut i, mut run) = (0, 0);
    while i < b.len() {
        if b[i] == b'&' {
            if let Some((ch, n)) = entity(&b[i..]) {
                out.push_str(&s[run..i]);
                out.push(ch);
                i += n;
                run = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&s[run..]);
}

/// Text inside code: entities decoded and control sequences shown as plain text (no
/// Markdown, which would not render there); under a `>>>` quote, lines stay quoted.
fn plain(s: &str, r: &impl Resolver, out: &mut String, quote_all: bool) {
    let mut rest = s;
    while let Some(p) = rest.find(['<', '\n']) {
        push_decoded(out, &rest[..p]);
        if rest.as_bytes()[p] == b'\n' {
            out.push_str(if quote_all { "\n> " } else { "\n" });
            rest = &rest[p + 1..];
            continue;
        }
        match rest[p + 1..].find('>') {
            Some(k) => {
                control(&rest[p + 1..p + 1 + k], r, out, None);
                rest = &rest[p + k + 2..];
            }
            None => {
                out.push('<');
                rest = &rest[p + 1..];
            }
        }
    }
    push_decoded(out, rest);
}

/// A fenced block: Slack allows ```code``` inside a line, Markdown needs the fences on
/// their own lines.
fn code_block(inner: &str, r: &impl Resolver, out: &mut String, quote_all: bool) {
    let nl = if quote_all { "\n> " } else { "\n" };
    if !(out.is_empty() || out.ends_with('\n') || out.ends_with("> ")) {
        out.push_str(nl);
    }
    out.push_str("```");
    if !inner.starts_with('\n') {
        out.push_str(nl);
    }
    plain(inner, r, out, quote_all);
    if !inner.ends_with('\n') {
        out.push_str(nl);
    }
    out.push_str("```");
}

/// One `<…>` control sequence (without the angle brackets). `mentions` is `None` inside
/// code, where the result is plain text.
fn control(inner: &str, r: &impl Resolver, out: &mut String, mentions: Option<&mut Vec<String>>) {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(l)),
        None => (inner, None),
    };
    if let Some(id) = target.strip_prefix('@') {
        match r.user(id) {
            Some(key) => {
                out.push('@');
                out.push_str(key);
                if let Some(m) = mentions {
                    if !m.iter().any(|k| k == key) {
                        m.push(key.to_string());
                    }
                }
            }
            None => {
                out.push('@');
                push_decoded(out, label.map_or(id, |l| l.trim_start_matches('@')));
            }
        }
    } else if let Some(id) = target.strip_prefix('#') {
        out.push('#');
        match label.filter(|l| !l.is_empty()) {
            Some(l) => push_decoded(out, l),
            None => out.push_str(r.channel(id).unwrap_or(id)),
        }
    } else if let Some(cmd) = target.strip_prefix('!') {
        match cmd {
            "here" | "channel" | "everyone" => {
                out.push('@');
                out.push_str(cmd);
            }
            _ if cmd.starts_with("subteam^") => {
                let l = label.map_or(&cmd[8..], |l| l.trim_start_matches('@'));
                out.push('@');
                push_decoded(out, l);
            }
            // `<!date^…|fallback>` and anything newer: the fallback text Slack provides.
            _ => push_decoded(out, label.unwrap_or(cmd)),
        }
    } else if mentions.is_none() {
        push_decoded(out, label.unwrap_or(target));
    } else {
        match label {
            Some(l) => {
                out.push('[');
                let start = out.len();
                push_decoded(out, l);
                if out[start..].contains(['[', ']']) {
                    let escaped = out[start..].replace('[', "\\[").replace(']', "\\]");
                    out.truncate(start);
                    out.push_str(&escaped);
                }
                out.push_str("](");
                link_destination(out, target);
                out.push(')');
            }
            None => {
                out.push('<');
                push_decoded(out, target);
                out.push('>');
            }
        }
    }
}

/// A link destination; one with spaces or parentheses is wrapped in `<…>` (CommonMark).
fn link_destination(out: &mut String, url: &str) {
    if url.contains([' ', '(', ')']) {
        out.push('<');
        push_decoded(out, url);
        out.push('>');
    } else {
        push_decoded(out, url);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, &'static str>);

    impl Resolver for Map {
        fn user(&self, id: &str) -> Option<&str> {
            self.0.get(id).copied()
        }
        fn channel(&self, id: &str) -> Option<&str> {
            self.0.get(id).copied()
        }
    }

    fn conv(text: &str) -> (String, Vec<String>) {
        let r = Map(HashMap::from([
            ("U1", "mdurand"),
            ("W2", "ayamada"),
            ("C1", "général"),
        ]));
        let (mut out, mut mentions) = (String::new(), Vec::new());
        to_markdown(text, &r, &mut out, &mut mentions);
        (out, mentions)
    }

    fn md(text: &str) -> String {
        conv(text).0
    }

    #[test]
    fn emphasis() {
        assert_eq!(
            md("*bold* and _it_ and ~gone~"),
            "**bold** and *it* and ~~gone~~"
        );
        assert_eq!(md("(*a*), _b_."), "(**a**), *b*.");
        assert_eq!(md("*_both_*"), "***both***");
    }

    #[test]
    fn emphasis_needs_word_boundaries() {
        assert_eq!(md("snake_case_name"), "snake_case_name");
        assert_eq!(md("5 * 3 * 2"), "5 * 3 * 2");
        assert_eq!(md("a*b*c"), "a*b*c");
        assert_eq!(md("*not\nclosed*"), "*not\nclosed*");
        assert_eq!(md("* list item"), "* list item");
    }

    #[test]
    fn code_is_left_alone() {
        assert_eq!(md("`*x* _y_`"), "`*x* _y_`");
        assert_eq!(md("```\nlet *a* = b_c;\n```"), "```\nlet *a* = b_c;\n```");
        assert_eq!(md("see ```x &lt; y```"), "see \n```\nx < y\n```");
        assert_eq!(md("*b* `a &amp;&amp; b`"), "**b** `a && b`");
    }

    #[test]
    fn quotes() {
        assert_eq!(md("&gt; cited\nreply"), "> cited\nreply");
        assert_eq!(md("&gt;&gt;&gt; one\ntwo"), "> one\n> two");
    }

    #[test]
    fn links() {
        assert_eq!(
            md("<https://example.com/a?b=1&amp;c=2|the site>"),
            "[the site](https://example.com/a?b=1&c=2)"
        );
        assert_eq!(md("<https://example.com>"), "<https://example.com>");
        assert_eq!(md("<mailto:a@b.fr|a@b.fr>"), "[a@b.fr](mailto:a@b.fr)");
        assert_eq!(md("<https://x.y/a b|[x]>"), "[\\[x\\]](<https://x.y/a b>)");
    }

    #[test]
    fn mentions_and_references() {
        let (out, mentions) = conv("hi <@U1> and <@W2|ayamada>, <@U1> again; <@U9>");
        assert_eq!(out, "hi @mdurand and @ayamada, @mdurand again; @U9");
        assert_eq!(mentions, ["mdurand", "ayamada"]);
        assert_eq!(md("<#C1|general> <#C1> <#C7>"), "#general #général #C7");
        assert_eq!(
            md("<!here> <!channel> <!everyone> <!here|here>"),
            "@here @channel @everyone @here"
        );
        assert_eq!(md("<!subteam^S1|@ops> <!subteam^S2>"), "@ops @S2");
        assert_eq!(md("<!date^1392734382^{date}|Feb 18, 2014>"), "Feb 18, 2014");
    }

    #[test]
    fn entities() {
        assert_eq!(
            md("a &amp; b &lt;c&gt; &amp;lt; &foo;"),
            "a & b <c> &lt; &foo;"
        );
    }

    #[test]
    fn non_ascii_survives_byte_for_byte() {
        let text = "Réunion à 10h — ça marche ? 会議は十時です 🎉👍🏽 *très bien* _日本_";
        assert_eq!(
            md(text),
            "Réunion à 10h — ça marche ? 会議は十時です 🎉👍🏽 **très bien** *日本*"
        );
        let plain = "Ünïcödé 漢字 ❤️ 🇫🇷 e\u{301}";
        assert_eq!(md(plain), plain);
    }

    #[test]
    fn unterminated_things_stay_literal() {
        assert_eq!(md("a < b"), "a < b");
        assert_eq!(md("`open"), "`open");
        assert_eq!(md("*open"), "*open");
        assert_eq!(md("trailing &"), "trailing &");
    }
}
