use super::dn::normalize_dn_full;
use super::*;
use std::collections::HashMap;

fn entry(dn: &str, pairs: &[(&str, &str)]) -> DirEntry {
    DirEntry::from_pairs(dn, pairs.iter().map(|(n, v)| (*n, [*v])))
}

fn person(uid: &str, mail: &str, extra: &[(&str, &str)]) -> DirEntry {
    let dn = format!("uid={uid},ou=people,dc=ex");
    let mut pairs = vec![("objectClass", "inetOrgPerson"), ("uid", uid), ("cn", uid)];
    if !mail.is_empty() {
        pairs.push(("mail", mail));
    }
    pairs.extend_from_slice(extra);
    entry(&dn, &pairs)
}

fn map(entries: &[DirEntry]) -> MappedDirectory {
    let mut m = DirectoryMapper::new(None, AttributeOverrides::default());
    entries.iter().for_each(|e| m.push(e));
    m.finish()
}

#[test]
fn attribute_names_are_case_insensitive_and_values_merge() {
    let e = entry(
        "cn=x",
        &[
            ("CN", "a"),
            ("cn", "b"),
            ("cn;lang-fr", "c"),
            ("objectclass", "Person"),
        ],
    );
    assert_eq!(e.get("Cn"), &[b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(e.first_str("cn;LANG-fr"), Some("c"));
    assert!(e.is_a("person") && !e.has("mail"));
    assert_eq!(e.object_classes().collect::<Vec<_>>(), ["Person"]);
}

#[test]
fn openldap_person_maps_every_field_and_resolves_manager() {
    let boss = person("boss", "boss@ex.fr", &[]);
    let e = person(
        "mdurand",
        "Marie.Durand@ex.fr",
        &[
            ("cn", "Marie Durand"),
            ("givenName", "Marie"),
            ("sn", "Durand"),
            ("title", "Directrice"),
            ("departmentNumber", "Ventes"),
            ("entryUUID", "0b5f7c3e-1111-4e2a-9c1b-2b7c1e8d0a11"),
            ("manager", "UID=boss, ou=People,dc=ex"),
            ("mail", "m.durand@ex.fr"),
            ("mail", "marie@ex.fr"),
        ],
    );
    let out = map(&[e, boss]);
    assert_eq!(out.flavor, Some(Flavor::OpenLdap));
    let u = &out.users.users[0];
    assert_eq!(u.key, "mdurand");
    assert_eq!(u.email.as_deref(), Some("Marie.Durand@ex.fr"));
    assert_eq!(u.extra["other_emails"], "m.durand@ex.fr marie@ex.fr");
    // No displayName: falls back to cn, whose first value is the uid here.
    assert_eq!(u.display_name.as_deref(), Some("mdurand"));
    assert_eq!(u.family_name.as_deref(), Some("Durand"));
    assert_eq!(u.department.as_deref(), Some("Ventes"));
    assert_eq!(u.manager.as_deref(), Some("boss"));
    assert_eq!(
        u.external_id.as_deref(),
        Some("0b5f7c3e-1111-4e2a-9c1b-2b7c1e8d0a11")
    );
    assert!(u.active);
    assert!(out.users.warnings.is_empty());
}

#[test]
fn guid_uses_the_mixed_endian_form() {
    let b = [
        0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD,
        0xEF,
    ];
    assert_eq!(format_guid(&b), "76543210-ba98-fedc-0123-456789abcdef");
    // Microsoft's documented example {3F2504E0-4F89-11D3-9A0C-0305E82C3301}.
    let ms = [
        0xE0, 0x04, 0x25, 0x3F, 0x89, 0x4F, 0xD3, 0x11, 0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C, 0x33,
        0x01,
    ];
    assert_eq!(format_guid(&ms), "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
}

#[test]
fn active_directory_user_is_detected_with_guid_and_disabled_flag() {
    let guid: Vec<u8> = (0u8..16).collect();
    let mut e = entry(
        "CN=Jean Dupont,OU=Staff,DC=corp,DC=example",
        &[
            ("objectClass", "top"),
            ("objectClass", "person"),
            ("objectClass", "organizationalPerson"),
            ("objectClass", "user"),
            ("sAMAccountName", "jdupont"),
            ("mail", "jean.dupont@corp.example"),
            ("displayName", "Jean Dupont"),
            ("department", "IT"),
            ("userAccountControl", "514"),
        ],
    );
    e.add_value("objectGUID", guid);
    let computer = entry(
        "CN=PC1,DC=corp",
        &[
            ("objectClass", "user"),
            ("objectClass", "computer"),
            ("sAMAccountName", "PC1$"),
        ],
    );
    let out = map(&[e, computer]);
    assert_eq!(out.flavor, Some(Flavor::ActiveDirectory));
    assert_eq!(out.users.users.len(), 1);
    let u = &out.users.users[0];
    assert_eq!(u.key, "jdupont");
    assert_eq!(u.department.as_deref(), Some("IT"));
    assert_eq!(
        u.external_id.as_deref(),
        Some("03020100-0504-0706-0809-0a0b0c0d0e0f")
    );
    assert!(!u.active);
}

#[test]
fn disabled_detection_covers_the_three_conventions() {
    let e = |k, v| entry("uid=a", &[(k, v)]);
    assert!(is_disabled(&e("pwdAccountLockedTime", "20260101000000Z")));
    assert!(is_disabled(&e("userAccountControl", "66050")));
    assert!(!is_disabled(&e("userAccountControl", "512")));
    assert!(is_disabled(&e("nsAccountLock", "TRUE")));
    assert!(!is_disabled(&e("nsAccountLock", "false")));
}

#[test]
fn missing_key_or_mail_is_skipped_with_a_warning_and_held() {
    let no_uid = entry(
        "cn=x,dc=ex",
        &[("objectClass", "person"), ("cn", "x"), ("mail", "x@ex")],
    );
    let out = map(&[person("a", "", &[]), no_uid, person("b", "b@ex", &[])]);
    assert_eq!(out.users.users.len(), 1);
    assert_eq!(
        out.users.warnings,
        [
            "skipped \"uid=a,ou=people,dc=ex\": no mail attribute",
            "skipped \"cn=x,dc=ex\": no uid attribute",
        ]
    );
    assert_eq!(out.users.held.len(), 2);
    assert_eq!(out.users.held[0].key, "a");
}

#[test]
fn shared_email_or_key_drops_all_holders_with_one_warning() {
    let out = map(&[
        person("a", "Same@ex", &[]),
        person("b", "same@EX", &[]),
        person("C", "c@ex", &[]),
        person("c", "c2@ex", &[]),
        person("d", "d@ex", &[("manager", "uid=a,ou=people,dc=ex")]),
    ]);
    let keys: Vec<_> = out.users.users.iter().map(|u| u.key.as_str()).collect();
    assert_eq!(keys, ["d"]);
    assert_eq!(out.users.users[0].manager, None);
    assert_eq!(out.users.held.len(), 4);
    assert_eq!(
        out.users.warnings,
        [
            "conflict: key \"C\" is shared by \"uid=C,ou=people,dc=ex\" and \
             \"uid=c,ou=people,dc=ex\"; none of them is used",
            "conflict: email \"Same@ex\" is shared by \"uid=a,ou=people,dc=ex\" and \
             \"uid=b,ou=people,dc=ex\"; none of them is used",
        ]
    );
}

#[test]
fn groups_of_every_kind_list_their_members() {
    let out = map(&[
        entry(
            "cn=pilot,ou=groups,dc=ex",
            &[
                ("objectClass", "groupOfNames"),
                ("cn", "pilot"),
                ("member", "uid=a,dc=ex"),
            ],
        ),
        entry(
            "cn=u,ou=groups,dc=ex",
            &[
                ("objectClass", "groupOfUniqueNames"),
                ("cn", "u"),
                ("uniqueMember", "uid=a,dc=ex#'0101'B"),
                ("uniqueMember", "uid=b,dc=ex"),
            ],
        ),
        entry(
            "cn=posix,ou=groups,dc=ex",
            &[
                ("objectClass", "posixGroup"),
                ("cn", "posix"),
                ("description", "Unix"),
                ("memberUid", "a"),
            ],
        ),
        entry("ou=groups,dc=ex", &[("objectClass", "organizationalUnit")]),
    ]);
    let g = &out.groups;
    assert_eq!(g.len(), 3);
    assert_eq!(g[0].members, ["uid=a,dc=ex"]);
    assert_eq!(g[1].members, ["uid=a,dc=ex", "uid=b,dc=ex"]);
    assert_eq!(
        (g[2].key.as_str(), g[2].description.as_deref()),
        ("posix", Some("Unix"))
    );
    assert_eq!(g[2].members, ["a"]);
}

#[test]
fn normalize_dn_fast_path_agrees_with_the_full_pass() {
    for dn in [
        "uid=bench00001,ou=bench,ou=People,dc=Durand-Fils,dc=fr",
        "CN=Éloïse Ünal,OU=Personnes,DC=ex",
        "cn=王秀英,dc=ex",
        "uid=a,dc=ex\t",
        "uid=\u{a0}a,dc=ex",
        "uid =a,dc=ex",
        "uid=a=b,dc=ex",
        "uid=,dc=ex",
        "dc=ex,",
        "",
        "noequals",
    ] {
        assert_eq!(normalize_dn(dn), normalize_dn_full(dn), "{dn:?}");
        assert_eq!(normalized_dn(dn), normalize_dn(dn), "{dn:?}");
    }
}

#[test]
fn dn_normalisation_ignores_case_and_spacing_but_keeps_escapes() {
    assert_eq!(
        normalize_dn("UID=a , OU=People,  dc = Ex"),
        "uid=a,ou=people,dc=ex"
    );
    assert_eq!(normalize_dn(r"cn=Doe\, John,dc=ex"), r"cn=doe\, john,dc=ex");
    assert_eq!(normalize_dn(r"cn=x\ ,dc=ex"), r"cn=x\ ,dc=ex");
    // slapd returns hex escapes where member values keep the short form.
    assert_eq!(
        normalize_dn(r"cn=Martin\2C Paul,ou=people,dc=ex"),
        normalize_dn(r"cn=Martin\, Paul,OU=People,dc=ex")
    );
    assert_eq!(
        normalize_dn(r"cn=R(&D) *team\5C,dc=ex"),
        r"cn=r(&d) *team\\,dc=ex"
    );
}

#[test]
fn owned_entries_map_exactly_like_borrowed_ones() {
    // display_name and extra.x both read mail, extra.m reads uid: values shared by
    // two fields are copied, the others moved; a binary GUID is formatted.
    let table: toml::Table =
        toml::from_str("display_name = \"mail\"\nextra.x = \"mail\"\nextra.m = \"uid\"\nexternal_id = \"objectGUID\"")
            .unwrap();
    let overrides = AttributeOverrides::from_table(&table).unwrap();
    let mut guid = person("g", "g@ex", &[("objectClass", "user")]);
    guid.add_value("objectGUID", (0u8..16).collect());
    let entries = [
        person(
            "a",
            "A@ex",
            &[
                ("mail", "a2@ex"),
                ("mail", ""),
                ("manager", "uid=b,ou=people,dc=ex"),
                ("entryUUID", "id-a"),
            ],
        ),
        person("b", "b@ex", &[("sn", "B"), ("l", "Lyon")]),
        person("", "c@ex", &[]),
        guid,
    ];
    let mut borrowed = DirectoryMapper::new(Some(Flavor::OpenLdap), overrides.clone());
    let mut owned = DirectoryMapper::new(Some(Flavor::OpenLdap), overrides);
    for e in &entries {
        borrowed.push(e);
        owned.push_owned(e.clone());
    }
    let (b, o) = (borrowed.finish(), owned.finish());
    assert_eq!(o.users.users, b.users.users);
    assert_eq!(o.users.held, b.users.held);
    assert_eq!(o.users.warnings, b.users.warnings);
    assert_eq!(o.person_keys, b.person_keys);
    let a = &o.users.users[0];
    assert_eq!(a.display_name.as_deref(), Some("A@ex"));
    assert_eq!(a.extra["x"], "A@ex");
    assert_eq!(a.extra["m"], "a");
    assert_eq!(a.extra["other_emails"], "a2@ex");
    assert_eq!(a.manager.as_deref(), Some("b"));
    assert_eq!(
        o.users.users[2].external_id.as_deref(),
        Some("03020100-0504-0706-0809-0a0b0c0d0e0f")
    );
    assert_eq!(o.users.held[0].email.as_deref(), Some("c@ex"));
}

#[test]
fn overrides_replace_defaults_and_refuse_unknown_fields() {
    let table: toml::Table = toml::from_str(
        "username = \"employeeNumber\"\ndisplay_name = \"cn\"\nextra.site = \"l\"\n",
    )
    .unwrap();
    let ov = AttributeOverrides::from_table(&table).unwrap();
    let m = AttributeMap::openldap().with(&ov);
    assert_eq!(m.attributes("key"), ["employeeNumber"]);
    assert_eq!(m.attributes("display_name"), ["cn"]);
    let mut mapper = DirectoryMapper::with_map(m);
    mapper.push(&person(
        "a",
        "a@ex",
        &[("employeeNumber", "42"), ("l", "Lyon")],
    ));
    let out = mapper.finish();
    assert_eq!(out.users.users[0].key, "42");
    assert_eq!(out.users.users[0].extra["site"], "Lyon");

    let bad: toml::Table = toml::from_str("usernmae = \"uid\"").unwrap();
    let err = AttributeOverrides::from_table(&bad).unwrap_err();
    assert_eq!(err.kind, crate::error::Kind::Usage);
    assert!(err.message.contains("\"usernmae\""), "{}", err.message);
}

#[test]
fn ldap3_search_entries_convert_with_binary_attributes() {
    let se = ldap3::SearchEntry {
        dn: "uid=a,dc=ex".into(),
        attrs: HashMap::from([("uid".to_string(), vec!["a".to_string()])]),
        bin_attrs: HashMap::from([("objectGUID".to_string(), vec![vec![0xffu8; 16]])]),
    };
    let e = DirEntry::from(se);
    assert_eq!(e.first_str("UID"), Some("a"));
    assert_eq!(e.get("objectguid")[0].len(), 16);
    assert_eq!(e.first_str("objectGUID"), None);
}
