//! SCIM filter expressions (RFC 7644 §3.4.2.2) built from user data.
//!
//! A comparison value is a JSON string literal, so JSON string escaping is exactly the
//! quoting SCIM needs: `"` and `\` are escaped, control characters become `\uXXXX`, and
//! everything else (accents, CJK, emoji) passes through unchanged. The attribute path is
//! ours, never user data. URL encoding is left to the HTTP client's query builder.

/// `ATTR eq "VALUE"`.
pub fn eq(attr: &str, value: &str) -> String {
    let literal = serde_json::to_string(value).expect("a string always serializes");
    format!("{attr} eq {literal}")
}

/// A value-selection path on a multi-valued attribute: `members[value eq "ID"]`.
pub fn value_path(attr: &str, value: &str) -> String {
    format!("{attr}[{}]", eq("value", value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped_unicode_kept() {
        assert_eq!(eq("userName", "mdurand"), r#"userName eq "mdurand""#);
        assert_eq!(
            eq("userName", r#"o'brien "the" \boss"#),
            r#"userName eq "o'brien \"the\" \\boss""#
        );
        assert_eq!(
            eq("displayName", "山田 🎉 é"),
            "displayName eq \"山田 🎉 é\""
        );
        assert_eq!(eq("userName", "a\nb"), r#"userName eq "a\nb""#);
        assert_eq!(value_path("members", "1\"2"), r#"members[value eq "1\"2"]"#);
    }
}
