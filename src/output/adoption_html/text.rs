//! Text helpers of the HTML report: escaping (every value from the data goes through
//! `esc`), and the number formats shared by charts and tables.

use jiff::Timestamp;

/// Escapes text for an HTML (or inline SVG) text node or a quoted attribute value. NUL
/// becomes U+FFFD, as the HTML parser would do, so the output is valid; every other
/// character is kept as is (accents, CJK, emoji survive byte for byte).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A value from the data in running HTML text: escaped, and isolated so a right-to-left
/// name does not reorder the numbers next to it.
pub fn bdi(s: &str) -> String {
    format!("<bdi>{}</bdi>", esc(s))
}

/// A count the source may not know: `n/a`, never 0.
pub fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "n/a".into(), |n| n.to_string())
}

/// A fraction as a percentage with at most one decimal: 0.9 → `90%`, 0.333 → `33.3%`.
pub fn pct(r: f64) -> String {
    format!("{}%", trim1(r * 100.0))
}

pub fn pct_opt(r: Option<f64>) -> String {
    r.map_or_else(|| "n/a".into(), pct)
}

/// Hours with at most one decimal: `48 h`, `51.5 h`.
pub fn hours(h: f64) -> String {
    format!("{} h", trim1(h))
}

fn trim1(x: f64) -> String {
    let s = format!("{x:.1}");
    match s.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => s,
    }
}

/// A timestamp for people: minutes, UTC.
pub fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Roughly how many columns `c` takes: East Asian wide characters and emoji count two.
fn columns(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// `s` cut to about `max` columns with `…`, for chart labels (tables show it whole).
/// Never ends inside a zero-width-joiner sequence or before a combining/variation mark.
pub fn short(s: &str, max: usize) -> String {
    let total: usize = s.chars().map(columns).sum();
    if total <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = columns(c);
        if used + w > max.saturating_sub(1) {
            break;
        }
        used += w;
        out.push(c);
    }
    while out.ends_with(['\u{200D}', '\u{FE0F}']) {
        out.pop();
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes_and_keeps_unicode() {
        assert_eq!(
            esc(r#"<script>alert(1)</script>"#),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            esc(r#"" onload="x" 'y'"#),
            "&quot; onload=&quot;x&quot; &#39;y&#39;"
        );
        // Already-escaped text is data too: shown as typed, not decoded.
        assert_eq!(esc("&amp;"), "&amp;amp;");
        assert_eq!(esc("Loïc Noël 山田 🎉 مرحبا"), "Loïc Noël 山田 🎉 مرحبا");
        assert_eq!(esc("a\0b"), "a\u{FFFD}b");
        assert_eq!(bdi("<b>"), "<bdi>&lt;b&gt;</bdi>");
    }

    #[test]
    fn formats_unknowns_as_na_never_zero() {
        assert_eq!(count(None), "n/a");
        assert_eq!(count(Some(0)), "0");
        assert_eq!(pct_opt(None), "n/a");
        assert_eq!(pct_opt(Some(0.0)), "0%");
        assert_eq!(pct(0.9), "90%");
        assert_eq!(pct(0.333), "33.3%");
        assert_eq!(hours(48.0), "48 h");
        assert_eq!(hours(51.46), "51.5 h");
        assert_eq!(
            when("2026-10-05T08:30:59Z".parse().unwrap()),
            "2026-10-05 08:30 UTC"
        );
    }

    #[test]
    fn shortens_by_display_width() {
        assert_eq!(short("Région Est", 20), "Région Est");
        assert_eq!(short("abcdefghij", 6), "abcde…");
        // Each ideograph takes two columns.
        assert_eq!(short("東京本社の全社員チャンネル", 10), "東京本社…");
        // A family emoji is not cut after its joiner.
        assert_eq!(short("ab👩\u{200D}👩\u{200D}👧xyz", 5), "ab👩…");
    }
}
