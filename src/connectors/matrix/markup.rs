//! Message text for content writes: transaction ids, Markdown → HTML, mention pills.

use sha2::{Digest, Sha256};

/// `esnctl-<kind>-<sha256(id) prefix>`: stable across runs, valid in a URL path.
pub(super) fn txn_id(kind: &str, source_id: &str) -> String {
    let h = Sha256::digest(source_id.as_bytes());
    format!("esnctl-{kind}-{}", hex::encode(&h[..16]))
}

pub(super) fn ms(t: jiff::Timestamp) -> String {
    t.as_millisecond().to_string()
}

/// Markdown with `@key` mentions turned into pills (`https://matrix.to` links) → HTML.
pub(super) fn html_of(body: &str, mentions: &[(String, String)]) -> String {
    let mut md = body.to_string();
    for (key, id) in mentions {
        md = pill(&md, key, id);
    }
    let mut html = String::new();
    let parser = pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::all());
    pulldown_cmark::html::push_html(&mut html, parser);
    html.trim_end().to_string()
}

/// Replaces whole `@key` mentions (not `@keyboard` for `key`) with a pill link.
fn pill(md: &str, key: &str, id: &str) -> String {
    let needle = format!("@{key}");
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let whole = !after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        out.push_str(&rest[..at]);
        if whole {
            out.push_str(&format!("[{needle}](https://matrix.to/#/{id})"));
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
    fn transaction_ids_are_stable_and_distinct() {
        assert_eq!(txn_id("post", "p1"), txn_id("post", "p1"));
        assert_ne!(txn_id("post", "p1"), txn_id("post", "p2"));
        assert!(txn_id("post", "é/#?").starts_with("esnctl-post-"));
    }

    #[test]
    fn markdown_and_mentions_become_html_pills() {
        let html = html_of(
            "**Ordre** du jour @mdurand",
            &[("mdurand".into(), "@mdurand:localhost".into())],
        );
        assert_eq!(
            html,
            "<p><strong>Ordre</strong> du jour \
             <a href=\"https://matrix.to/#/@mdurand:localhost\">@mdurand</a></p>"
        );
        // A longer name starting with the key is not that person.
        assert_eq!(
            pill("@ana, @anabel", "ana", "@ana:x"),
            "[@ana](https://matrix.to/#/@ana:x), @anabel"
        );
    }
}
