use super::*;
use crate::connectors::directory::DirEntry;

fn person() -> DirEntry {
    DirEntry::from_pairs(
        "uid=hdufay,ou=people,dc=durand-fils,dc=fr",
        [
            (
                "objectClass",
                vec!["top", "person", "organizationalPerson", "inetOrgPerson"],
            ),
            ("uid", vec!["hdufay"]),
            ("cn", vec!["Hélène  Dufaÿ"]),
            ("departmentNumber", vec!["Informatique"]),
            ("title", vec!["R(&D) *lead\\"]),
            (
                "mail",
                vec!["Helene.Dufay@Durand-Fils.fr", "hd@durand-fils.fr"],
            ),
            (
                "manager",
                vec!["UID=Chebert, OU=People,dc=durand-fils,dc=fr"],
            ),
        ],
    )
}

fn m(f: &str) -> bool {
    let filter = parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
    filter.check_local().unwrap();
    filter.matches(&person())
}

#[test]
fn equality_ignores_case_of_names_and_values_and_extra_spaces() {
    assert!(m("(departmentNumber=informatique)"));
    assert!(m("(DEPARTMENTNUMBER=INFORMATIQUE)"));
    assert!(m("(cn=hélène dufaÿ)"));
    assert!(m("(cn= HÉLÈNE   DUFAŸ )"));
    assert!(!m("(departmentNumber=Info)"));
    assert!(m("(objectClass=inetorgperson)"));
    // Any value of a multi-valued attribute.
    assert!(m("(mail=hd@durand-fils.fr)"));
    assert!(m("objectClass=person"), "no outer parentheses");
}

#[test]
fn presence_and_boolean_operators() {
    assert!(m("(manager=*)"));
    assert!(!m("(employeeType=*)"));
    assert!(m("(&(objectClass=person)(!(employeeType=contractor)))"));
    assert!(m(
        "(|(departmentNumber=Ventes)(departmentNumber=Informatique))"
    ));
    assert!(!m("(&(uid=hdufay)(departmentNumber=Ventes))"));
    assert!(!m("(!(uid=*))"));
    assert!(m("(&)"), "absolute true (RFC 4526)");
    assert!(!m("(|)"), "absolute false");
}

#[test]
fn substrings_initial_any_final() {
    assert!(m("(mail=*@durand-fils.fr)"));
    assert!(m("(cn=hél*)"));
    assert!(m("(cn=*ne d*)"), "spaces inside pieces count");
    assert!(m("(cn=h*l*d*ÿ)"));
    assert!(!m("(cn=h*z*)"));
    assert!(!m("(uid=*dufay*x)"));
    assert!(m("(uid=hd*ay)"));
    assert!(
        !m("(uid=hdufay*y)"),
        "final may not overlap the initial part"
    );
}

#[test]
fn escaped_values_are_bytes() {
    assert!(m(r"(title=R\28&D\29 \2alead\5c)"));
    assert!(m(r"(title=*\2a*)"), "an escaped star is a literal star");
    assert!(!m(r"(uid=\2a)"));
    assert!(
        m(r"(cn=h\c3\a9l\c3\a8ne dufa\c3\bf)"),
        "UTF-8 as escaped bytes"
    );
    assert_eq!(
        parse(r"(cn=a\2Ab)").unwrap(),
        Filter::Equal("cn".into(), b"a*b".to_vec())
    );
}

#[test]
fn dn_values_compare_as_dns() {
    assert!(m("(manager=uid=chebert,ou=people,dc=durand-fils,dc=fr)"));
    assert!(!m("(manager=uid=mdurand,ou=people,dc=durand-fils,dc=fr)"));
}

#[test]
fn syntax_errors_say_where() {
    for (bad, needle) in [
        ("", "empty"),
        ("(uid=a", "expected ')'"),
        ("(&(uid=a)", "expected ')'"),
        ("(uid=a))", "after the filter"),
        ("(uid)", "has no '='"),
        ("(u d=a)", "not an attribute name"),
        (r"(uid=a\zz)", "two hex digits"),
        ("(uid=a**b)", "'**'"),
        ("(uid=a(b)", "\\28"),
        ("(!(uid=a)(uid=b))", "expected ')'"),
    ] {
        let err = parse(bad).unwrap_err();
        assert!(err.contains(needle), "{bad}: {err}");
    }
    assert!(parse("(uid=a))").unwrap_err().contains("character 8"));
}

#[test]
fn any_prefix_is_an_error_or_a_filter_never_a_panic() {
    let f = r"(&(|(cn=Hél*ne\2a*d)(uid~=x))(!(mail=*))(o:dn:2.5.13.2:=a\29)(sn>=é))";
    for (i, _) in f.char_indices() {
        if let Ok(parsed) = parse(&f[..i]) {
            parsed.matches(&person());
        }
    }
    assert!(parse(f).is_ok());
}

#[test]
fn server_only_items_parse_but_are_refused_locally() {
    for f in [
        "(employeeNumber>=100)",
        "(cn~=dufay)",
        "(cn:caseExactMatch:=Hélène)",
        "(:1.2.840.113556.1.4.1941:=x)",
        "(uid:dn:=hdufay)",
    ] {
        let parsed = parse(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let err = parsed.check_local().unwrap_err();
        assert!(err.contains("LDAP server"), "{err}");
    }
    assert!(parse("(:=x)").is_err());
}
