//! Inline SVG building blocks. Charts are drawn here, in Rust, so the page needs no
//! script: it renders the same in a browser, a mail client's preview or on paper.
//! Colours come from the page's CSS classes (light/dark, print), never from the data.

use super::text::esc;
use std::fmt::Write;

/// Chart width in SVG units; the page scales it to the column (`viewBox`).
pub const WIDTH: f64 = 760.0;

/// Opens an accessible chart: `role="img"` named by its `<title>` and described by its
/// `<desc>`, which states the figures in words (the tables below repeat them).
pub fn open(id: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg id=\"{id}\" class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"{id}-title {id}-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\n",
        esc(title),
        esc(desc)
    )
}

pub fn close() -> &'static str {
    "</svg>\n"
}

/// A rectangle; `tip` (plain text, escaped here) shows on hover.
pub fn rect(out: &mut String, class: &str, x: f64, y: f64, w: f64, h: f64, tip: &str) {
    let _ = write!(
        out,
        "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\">",
        w.max(0.0)
    );
    if !tip.is_empty() {
        let _ = write!(out, "<title>{}</title>", esc(tip));
    }
    out.push_str("</rect>\n");
}

/// Text at (x, y); `anchor` is `start`, `middle` or `end`; `content` is plain text.
pub fn text(out: &mut String, class: &str, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = writeln!(
        out,
        "<text class=\"{class}\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{}</text>",
        esc(content)
    );
}

pub fn line(out: &mut String, class: &str, x1: f64, y1: f64, x2: f64, y2: f64) {
    let _ = writeln!(
        out,
        "<line class=\"{class}\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>"
    );
}

/// A count axis from 0 to `top` with gridlines every `step` (1, 2 or 5 × 10^k, about four
/// of them), so ticks are round numbers whatever the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub top: u64,
    pub step: u64,
}

impl Scale {
    pub fn for_max(max: u64) -> Scale {
        if max == 0 {
            return Scale { top: 1, step: 1 };
        }
        let raw = max as f64 / 4.0;
        let mag = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * mag)
            .max(1.0) as u64;
        Scale {
            top: max.div_ceil(step) * step,
            step,
        }
    }

    /// The fraction of the axis `v` takes.
    pub fn frac(&self, v: u64) -> f64 {
        v as f64 / self.top as f64
    }

    pub fn ticks(&self) -> impl Iterator<Item = u64> {
        let step = self.step as usize;
        (0..=self.top).step_by(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(Scale::for_max(0), Scale { top: 1, step: 1 });
        assert_eq!(Scale::for_max(1), Scale { top: 1, step: 1 });
        assert_eq!(Scale::for_max(7), Scale { top: 8, step: 2 });
        assert_eq!(Scale::for_max(37), Scale { top: 40, step: 10 });
        assert_eq!(Scale::for_max(120), Scale { top: 150, step: 50 });
        assert_eq!(Scale::for_max(100_001).ticks().count(), 4);
    }

    #[test]
    fn escapes_titles_and_tips() {
        let mut s = open("x", 10.0, "<t>", "\"d\"");
        rect(&mut s, "bar", 0.0, 0.0, -3.0, 1.0, "<script>");
        text(&mut s, "lbl", 0.0, 0.0, "end", "a & b");
        assert!(s.contains("<title id=\"x-title\">&lt;t&gt;</title>"));
        assert!(s.contains("<desc id=\"x-desc\">&quot;d&quot;</desc>"));
        assert!(s.contains("width=\"0.0\""), "negative widths clamp: {s}");
        assert!(s.contains("<title>&lt;script&gt;</title>"));
        assert!(s.contains(">a &amp; b</text>"));
    }
}
