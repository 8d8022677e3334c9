//! LDAP search filters (RFC 4515): escaping of every value esnctl puts into a filter, and
//! composition of the profile's filters.

/// Escapes a value for use inside a filter's assertion: `*`, `(`, `)`, `\` and NUL become
/// `\2a`, `\28`, `\29`, `\5c`, `\00` (RFC 4515 section 3). Everything else, including
/// non-ASCII UTF-8, stays as is. A DN placed in a filter goes through this too, so the
/// backslash of `cn=Martin\, Paul` becomes `\5c`.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '*' => out.push_str("\\2a"),
            '(' => out.push_str("\\28"),
            ')' => out.push_str("\\29"),
            '\\' => out.push_str("\\5c"),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

/// `(attr=value)` with the value escaped.
pub fn equals(attr: &str, value: &str) -> String {
    format!("({attr}={})", escape(value))
}

/// A substring filter from a glob where only `*` is a wildcard: `esn-*` → `(cn=esn-*)`.
pub fn glob(attr: &str, pattern: &str) -> String {
    let parts: Vec<String> = pattern.split('*').map(escape).collect();
    format!("({attr}={})", parts.join("*"))
}

/// Wraps a filter in parentheses when it has none (`objectClass=user` is common in
/// configuration files), trimming spaces around it.
pub fn parenthesized(filter: &str) -> String {
    let f = filter.trim();
    if f.starts_with('(') {
        f.to_string()
    } else {
        format!("({f})")
    }
}

/// The conjunction of filters, without a needless `(&…)` around a single one.
pub fn and<'a>(filters: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<String> = filters.into_iter().map(parenthesized).collect();
    match parts.as_slice() {
        [one] => one.clone(),
        _ => format!("(&{})", parts.concat()),
    }
}

/// Checks a filter from a profile or the command line with ldap3's parser, so a typo is a
/// usage error before any connection rather than a server error mid-run.
pub fn validate(filter: &str) -> Result<(), String> {
    let f = parenthesized(filter);
    ldap3::parse_filter(&f)
        .map(|_| ())
        .map_err(|_| format!("\"{filter}\" is not a valid LDAP filter (RFC 4515)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_per_rfc_4515() {
        assert_eq!(escape(r"R(&D) *team\"), r"R\28&D\29 \2ateam\5c");
        assert_eq!(escape("a\0b"), r"a\00b");
        assert_eq!(escape("Hélène 王"), "Hélène 王");
        assert_eq!(
            equals("member", r"cn=Martin\, Paul,ou=people,dc=durand-fils,dc=fr"),
            r"(member=cn=Martin\5c, Paul,ou=people,dc=durand-fils,dc=fr)"
        );
        // The escaped forms parse, and the parser reads back the original value.
        for v in [r"R(&D) *team\", "a\0b", r"cn=Martin\, Paul,dc=x", "*"] {
            assert!(validate(&equals("cn", v)).is_ok(), "{v}");
        }
        // Unescaped, the same values are not one equality assertion.
        assert!(validate(r"(cn=R(&D) *team\)").is_err());
    }

    #[test]
    fn globs_keep_only_the_star_as_wildcard() {
        assert_eq!(glob("cn", "esn-*"), "(cn=esn-*)");
        assert_eq!(glob("cn", r"R(&D)*\"), r"(cn=R\28&D\29*\5c)");
        assert!(validate(&glob("cn", r"*(x)*")).is_ok());
    }

    #[test]
    fn and_composes_and_parenthesizes() {
        assert_eq!(and(["objectClass=user"]), "(objectClass=user)");
        assert_eq!(
            and(["(objectClass=inetOrgPerson)", " mail=* "]),
            "(&(objectClass=inetOrgPerson)(mail=*))"
        );
        assert!(validate("(&(a=b)(c=d)").is_err());
        assert!(validate("uid=a").is_ok());
    }
}
