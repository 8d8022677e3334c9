//! Directory entries (from an LDIF file or a live LDAP search) and their mapping to
//! canonical users and directory groups.
//!
//! Readers produce [`DirEntry`]s; [`DirectoryMapper`] turns them into a [`UserSet`] and
//! [`DirectoryGroup`]s using an [`AttributeMap`] (OpenLDAP or Active Directory defaults,
//! overridable per profile).
//!
//! An account is inactive when any of these says so:
//! - `pwdAccountLockedTime` is present, whatever its value (OpenLDAP ppolicy lock);
//! - `userAccountControl` has bit 0x2, ACCOUNTDISABLE (Active Directory);
//! - `nsAccountLock` is `true` (389-ds, Red Hat Directory Server, FreeIPA).

use crate::connectors::UserSet;
use crate::core::model::{DirectoryGroup, User, USER_FIELDS};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// One directory entry. Attribute names compare case-insensitively (as in LDAP); values
/// are raw bytes because base64 and binary attributes (AD `objectGUID`) need not be text.
/// Attribute options are part of the name: `cn;lang-fr` is not `cn`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirEntry {
    pub dn: String,
    attrs: Vec<(String, Vec<Vec<u8>>)>,
}

impl DirEntry {
    pub fn new(dn: impl Into<String>) -> Self {
        DirEntry {
            dn: dn.into(),
            attrs: Vec::new(),
        }
    }

    /// Builds an entry from (name, values) pairs; names differing only in case merge.
    pub fn from_pairs<N, I, V>(
        dn: impl Into<String>,
        pairs: impl IntoIterator<Item = (N, I)>,
    ) -> Self
    where
        N: AsRef<str>,
        I: IntoIterator<Item = V>,
        V: Into<Vec<u8>>,
    {
        let mut entry = DirEntry::new(dn);
        for (name, values) in pairs {
            for v in values {
                entry.add_value(name.as_ref(), v.into());
            }
        }
        entry
    }

    /// Appends one value, keeping the attribute's first spelling and the value order.
    pub fn add_value(&mut self, name: &str, value: Vec<u8>) {
        match self
            .attrs
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, values)) => values.push(value),
            None => self.attrs.push((name.to_string(), vec![value])),
        }
    }

    /// Appends values under an owned name (merged case-insensitively, as `add_value`).
    pub fn add_values(&mut self, name: String, mut values: Vec<Vec<u8>>) {
        match self
            .attrs
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, existing)) => existing.append(&mut values),
            None => self.attrs.push((name, values)),
        }
    }

    /// The values of an attribute; empty when the entry does not have it.
    pub fn get(&self, name: &str) -> &[Vec<u8>] {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// The first value as text; `None` when absent or not UTF-8.
    pub fn first_str(&self, name: &str) -> Option<&str> {
        self.get(name)
            .first()
            .and_then(|v| std::str::from_utf8(v).ok())
    }

    pub fn has(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    pub fn object_classes(&self) -> impl Iterator<Item = &str> {
        self.get("objectClass")
            .iter()
            .filter_map(|v| std::str::from_utf8(v).ok())
    }

    /// True when `objectClass` lists `class` (case-insensitive).
    pub fn is_a(&self, class: &str) -> bool {
        self.object_classes().any(|c| c.eq_ignore_ascii_case(class))
    }

    /// Every attribute with its values, in first-seen order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &[Vec<u8>])> {
        self.attrs.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }
}

impl From<ldap3::ResultEntry> for DirEntry {
    /// Straight from the BER structure, without `SearchEntry::construct`: values move
    /// instead of being copied, no UTF-8 check or HashMap per entry, and attributes and
    /// values keep the server's order. Malformed parts (never sent by a conforming
    /// server) are left out rather than panicking as `construct` would.
    fn from(re: ldap3::ResultEntry) -> Self {
        let mut tags =
            re.0.match_id(4)
                .and_then(|t| t.expect_constructed())
                .unwrap_or_default()
                .into_iter();
        let dn = tags
            .next()
            .and_then(|t| t.expect_primitive())
            .map(|b| {
                String::from_utf8(b)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            })
            .unwrap_or_default();
        let mut entry = DirEntry::new(dn);
        let attrs = tags.next().and_then(|t| t.expect_constructed());
        for attr in attrs.unwrap_or_default() {
            let mut parts = attr.expect_constructed().unwrap_or_default().into_iter();
            let Some(Ok(name)) = parts
                .next()
                .and_then(|t| t.expect_primitive())
                .map(String::from_utf8)
            else {
                continue;
            };
            let values = parts
                .next()
                .and_then(|t| t.expect_constructed())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| t.expect_primitive())
                .collect::<Vec<_>>();
            if !values.is_empty() {
                entry.add_values(name, values);
            }
        }
        entry
    }
}

impl From<ldap3::SearchEntry> for DirEntry {
    fn from(e: ldap3::SearchEntry) -> Self {
        let mut entry = DirEntry::from_pairs(e.dn, e.attrs);
        for (name, values) in e.bin_attrs {
            for v in values {
                entry.add_value(&name, v);
            }
        }
        entry
    }
}

/// Which defaults an [`AttributeMap`] starts from; `flavor = "…"` in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Flavor {
    #[serde(rename = "openldap")]
    OpenLdap,
    #[serde(rename = "active-directory")]
    ActiveDirectory,
}

impl Flavor {
    /// Guesses from a person entry: AD users are `objectClass: user` with `sAMAccountName`.
    pub fn detect(person: &DirEntry) -> Flavor {
        if person.is_a("user") && person.has("sAMAccountName") {
            Flavor::ActiveDirectory
        } else {
            Flavor::OpenLdap
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Flavor::OpenLdap => "openldap",
            Flavor::ActiveDirectory => "active-directory",
        }
    }
}

/// Canonical field (or `extra.NAME`) → the attributes tried in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeMap {
    fields: BTreeMap<String, Vec<String>>,
}

impl AttributeMap {
    pub fn openldap() -> Self {
        Self::from_defaults(&[
            ("key", &["uid"]),
            ("external_id", &["entryUUID"]),
            ("email", &["mail"]),
            ("display_name", &["displayName", "cn"]),
            ("given_name", &["givenName"]),
            ("family_name", &["sn"]),
            ("title", &["title"]),
            ("department", &["departmentNumber"]),
            ("manager", &["manager"]),
        ])
    }

    pub fn active_directory() -> Self {
        Self::from_defaults(&[
            ("key", &["sAMAccountName"]),
            ("external_id", &["objectGUID"]),
            ("email", &["mail"]),
            ("display_name", &["displayName"]),
            ("given_name", &["givenName"]),
            ("family_name", &["sn"]),
            ("title", &["title"]),
            ("department", &["department"]),
            ("manager", &["manager"]),
        ])
    }

    pub fn for_flavor(flavor: Flavor) -> Self {
        match flavor {
            Flavor::OpenLdap => Self::openldap(),
            Flavor::ActiveDirectory => Self::active_directory(),
        }
    }

    fn from_defaults(defaults: &[(&str, &[&str])]) -> Self {
        let fields = defaults
            .iter()
            .map(|(f, attrs)| (f.to_string(), attrs.iter().map(|a| a.to_string()).collect()))
            .collect();
        AttributeMap { fields }
    }

    /// Applies profile overrides: each replaces the field's attributes (no fallback).
    pub fn with(mut self, overrides: &AttributeOverrides) -> Self {
        for (field, attr) in &overrides.0 {
            self.fields.insert(field.clone(), vec![attr.clone()]);
        }
        self
    }

    /// The attributes tried for a field, first match wins; empty when unmapped.
    pub fn attributes(&self, field: &str) -> &[String] {
        self.fields.get(field).map_or(&[], Vec::as_slice)
    }

    /// The first non-empty text value among the field's attributes.
    fn text<'e>(&self, entry: &'e DirEntry, field: &str) -> Option<&'e str> {
        self.attributes(field)
            .iter()
            .find_map(|a| entry.first_str(a).filter(|v| !v.is_empty()))
    }

    fn extras(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.fields
            .iter()
            .filter_map(|(f, a)| Some((f.strip_prefix("extra.")?, a.as_slice())))
    }
}

/// Validated `[endpoints.X.attributes]` overrides: `field = "attribute"`, where field is a
/// canonical field name (`username` is accepted for `key`, as in `cli.md`) or `extra.NAME`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeOverrides(Vec<(String, String)>);

impl AttributeOverrides {
    /// Unknown field names and non-string values are a usage error.
    pub fn from_table(table: &toml::Table) -> Result<Self, Error> {
        let mut out = Vec::new();
        for (name, value) in table {
            // `extra.site = "l"` arrives from TOML as a nested table.
            if let ("extra", toml::Value::Table(extra)) = (name.as_str(), value) {
                for (k, v) in extra {
                    let field = format!("extra.{k}");
                    let attr = attribute_name(&field, v)?;
                    out.push((field, attr));
                }
                continue;
            }
            let field = if name == "username" {
                "key"
            } else {
                name.as_str()
            };
            let known = USER_FIELDS.contains(&field)
                || field.strip_prefix("extra.").is_some_and(|n| !n.is_empty());
            if !known {
                return Err(Error::usage(format!(
                    "attributes: unknown field \"{name}\"; expected one of {} \
                     (key is also spelled username), or extra.NAME",
                    USER_FIELDS.join(", ")
                )));
            }
            out.push((field.to_string(), attribute_name(name, value)?));
        }
        Ok(AttributeOverrides(out))
    }
}

fn attribute_name(field: &str, value: &toml::Value) -> Result<String, Error> {
    match value.as_str().map(str::trim) {
        Some(a) if !a.is_empty() => Ok(a.to_string()),
        _ => Err(Error::usage(format!(
            "attributes: {field} must be an attribute name (a string)"
        ))),
    }
}

impl<'de> Deserialize<'de> for AttributeOverrides {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let table = toml::Table::deserialize(d)?;
        AttributeOverrides::from_table(&table).map_err(serde::de::Error::custom)
    }
}

/// True when the entry says the account is disabled or locked (see the module docs).
pub fn is_disabled(entry: &DirEntry) -> bool {
    let uac_disabled = entry
        .first_str("userAccountControl")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .is_some_and(|uac| uac & 0x2 != 0);
    let ns_locked = entry
        .first_str("nsAccountLock")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    entry.has("pwdAccountLockedTime") || uac_disabled || ns_locked
}

/// Formats a 16-byte Microsoft GUID (`objectGUID`): the first three groups are stored
/// little-endian, the last two as they are.
pub fn format_guid(b: &[u8; 16]) -> String {
    let mut bytes = *b;
    bytes[..4].reverse();
    bytes[4..6].reverse();
    bytes[6..8].reverse();
    let h = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// An immutable id as text: binary GUID attributes (`objectGUID`, `mS-DS-ConsistencyGuid`)
/// in GUID form, text as is, any other binary value in hex.
fn id_value(attr: &str, value: &[u8]) -> String {
    if attr.to_ascii_lowercase().ends_with("guid") {
        if let Ok(guid) = <&[u8; 16]>::try_from(value) {
            return format_guid(guid);
        }
    }
    match std::str::from_utf8(value) {
        Ok(s) => s.to_string(),
        Err(_) => hex::encode(value),
    }
}

/// A DN for comparison: lowercase, no spaces around `,` and `=` (escaped characters kept).
pub fn normalize_dn(dn: &str) -> String {
    // Fast path for the common DN (`uid=x,ou=people,dc=ex`): nothing to unescape, trim or
    // re-escape, so the full pass below would give exactly the lowercased input.
    let plain = !dn
        .bytes()
        .any(|b| matches!(b, b'\\' | b'"' | b'+' | b'<' | b'>' | b';' | b'#' | b' '))
        && dn.split(',').all(|rdn| match rdn.split_once('=') {
            Some((attr, value)) => {
                !value.contains('=') && attr.trim() == attr && value.trim_start() == value
            }
            None => false,
        });
    if plain {
        return dn.to_lowercase();
    }
    normalize_dn_full(dn)
}

fn normalize_dn_full(dn: &str) -> String {
    let mut rdns = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in dn.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ',' => {
                rdns.push(normalize_rdn(&dn[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    rdns.push(normalize_rdn(&dn[start..]));
    rdns.join(",").to_lowercase()
}

fn normalize_rdn(rdn: &str) -> String {
    let Some((attr, value)) = rdn.split_once('=') else {
        return rdn.trim().to_string();
    };
    // Decode RFC 4514 escapes (`\,` and `\2C` are the same comma), remembering which bytes
    // were escaped: only unescaped spaces around the value are insignificant.
    let raw = value.trim_start().as_bytes();
    let mut bytes: Vec<(u8, bool)> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' && i + 1 < raw.len() {
            let hex = raw
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    bytes.push((b, true));
                    i += 3;
                }
                None => {
                    bytes.push((raw[i + 1], true));
                    i += 2;
                }
            }
        } else {
            bytes.push((raw[i], false));
            i += 1;
        }
    }
    while bytes.last() == Some(&(b' ', false)) {
        bytes.pop();
    }
    let decoded: Vec<u8> = bytes.iter().map(|(b, _)| *b).collect();
    let text = String::from_utf8_lossy(&decoded);
    // Re-escape in one canonical form.
    let last = text.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(text.len() + 4);
    for (n, c) in text.chars().enumerate() {
        let special = matches!(c, '\\' | ',' | '+' | '"' | '<' | '>' | ';' | '=')
            || (n == 0 && matches!(c, '#' | ' '))
            || (n == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    format!("{}={out}", attr.trim())
}

/// Strips the optional `#'0101'B` unique-id suffix of a `uniqueMember` value.
fn strip_unique_id(value: &str) -> &str {
    if let Some((dn, uid)) = value.rsplit_once("#'") {
        if uid
            .strip_suffix("'B")
            .is_some_and(|bits| bits.bytes().all(|b| b == b'0' || b == b'1'))
        {
            return dn;
        }
    }
    value
}

fn is_person(entry: &DirEntry) -> bool {
    ["inetOrgPerson", "person", "organizationalPerson", "user"]
        .iter()
        .any(|c| entry.is_a(c))
        && !entry.is_a("computer")
}

fn is_group(entry: &DirEntry) -> bool {
    ["groupOfNames", "groupOfUniqueNames", "group", "posixGroup"]
        .iter()
        .any(|c| entry.is_a(c))
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("\"{s}\"")).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// A mapped person waiting for conflict checks and manager resolution.
struct Person {
    dn: String,
    user: User,
    manager_dn: Option<String>,
}

/// What [`DirectoryMapper::finish`] returns.
#[derive(Debug, Default)]
pub struct MappedDirectory {
    pub users: UserSet,
    pub groups: Vec<DirectoryGroup>,
    /// Skipped or conflicting groups, one line each.
    pub group_warnings: Vec<String>,
    /// The defaults used: given, or detected from the first person entry.
    pub flavor: Option<Flavor>,
    /// Normalized DN ([`normalize_dn`]) → key of every person returned in `users`.
    pub person_keys: HashMap<String, String>,
}

/// Turns a stream of entries into users and groups. Memory holds the mapped records, not
/// the entries. Rules:
/// - people are `inetOrgPerson`, `person`, `organizationalPerson` or `user` entries, not
///   `computer`; groups are `groupOfNames`/AD `group` (`member`), `groupOfUniqueNames`
///   (`uniqueMember`) and `posixGroup` (`memberUid`: uids, kept as they are); group key = `cn`;
/// - a person without the key or email attribute is skipped with a warning and held;
/// - a key or email (case-insensitive) shared by several people is a conflict: none of them
///   is returned, all are held, one warning names their DNs; same for group keys;
/// - extra `mail` values go to `extra["other_emails"]`, space-separated;
/// - `manager` (a DN) becomes the manager's key when that person is returned, else `None`.
pub struct DirectoryMapper {
    flavor: Option<Flavor>,
    overrides: AttributeOverrides,
    map: Option<AttributeMap>,
    people: Vec<Person>,
    groups: Vec<DirectoryGroup>,
    warnings: Vec<String>,
    group_warnings: Vec<String>,
    held: Vec<User>,
}

impl DirectoryMapper {
    /// `flavor: None` picks the defaults from the first person entry ([`Flavor::detect`]).
    pub fn new(flavor: Option<Flavor>, overrides: AttributeOverrides) -> Self {
        DirectoryMapper {
            map: flavor.map(|f| AttributeMap::for_flavor(f).with(&overrides)),
            flavor,
            overrides,
            people: Vec::new(),
            groups: Vec::new(),
            warnings: Vec::new(),
            group_warnings: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Uses exactly this map.
    pub fn with_map(map: AttributeMap) -> Self {
        let mut mapper = Self::new(None, AttributeOverrides::default());
        mapper.map = Some(map);
        mapper
    }

    pub fn push(&mut self, entry: &DirEntry) {
        if is_person(entry) {
            self.push_person(entry);
        } else if is_group(entry) {
            self.push_group(entry);
        }
    }

    fn push_person(&mut self, entry: &DirEntry) {
        let (flavor, overrides) = (&mut self.flavor, &self.overrides);
        let map = self.map.get_or_insert_with(|| {
            let detected = Flavor::detect(entry);
            *flavor = Some(detected);
            AttributeMap::for_flavor(detected).with(overrides)
        });
        let mut user = User::new(map.text(entry, "key").unwrap_or_default());
        user.active = !is_disabled(entry);
        user.external_id = map.attributes("external_id").iter().find_map(|a| {
            let v = entry.get(a).first().filter(|v| !v.is_empty())?;
            Some(id_value(a, v))
        });
        let emails: Vec<&str> = map
            .attributes("email")
            .iter()
            .map(|a| entry.get(a))
            .find(|vals| !vals.is_empty())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| std::str::from_utf8(v).ok().filter(|s| !s.is_empty()))
            .collect();
        if let Some((first, others)) = emails.split_first() {
            user.email = Some(first.to_string());
            if !others.is_empty() {
                user.extra.insert("other_emails".into(), others.join(" "));
            }
        }
        for field in [
            "display_name",
            "given_name",
            "family_name",
            "title",
            "department",
        ] {
            user.set_field(field, map.text(entry, field).map(str::to_string));
        }
        for (name, attrs) in map.extras() {
            if let Some(v) = attrs.iter().find_map(|a| entry.first_str(a)) {
                user.extra.insert(name.to_string(), v.to_string());
            }
        }
        let manager_dn = map.text(entry, "manager").map(str::to_string);

        let missing = if user.key.is_empty() {
            map.attributes("key").first()
        } else if user.email.is_none() {
            map.attributes("email").first()
        } else {
            None
        };
        if let Some(attr) = missing {
            self.warnings
                .push(format!("skipped \"{}\": no {attr} attribute", entry.dn));
            // Whatever identifies the record protects its destination account.
            if !user.key.is_empty() || user.email.is_some() || user.external_id.is_some() {
                self.held.push(user);
            }
            return;
        }
        self.people.push(Person {
            dn: entry.dn.clone(),
            user,
            manager_dn,
        });
    }

    fn push_group(&mut self, entry: &DirEntry) {
        let Some(cn) = entry.first_str("cn").filter(|c| !c.is_empty()) else {
            self.group_warnings
                .push(format!("skipped group \"{}\": no cn attribute", entry.dn));
            return;
        };
        let texts = |attr| {
            entry
                .get(attr)
                .iter()
                .filter_map(|v| std::str::from_utf8(v).ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let members = texts("member")
            .chain(texts("uniqueMember").map(strip_unique_id))
            .chain(texts("memberUid"))
            .map(str::to_string)
            .collect();
        self.groups.push(DirectoryGroup {
            dn: entry.dn.clone(),
            key: cn.to_string(),
            name: entry.first_str("displayName").unwrap_or(cn).to_string(),
            description: entry.first_str("description").map(str::to_string),
            members,
            member_keys: Vec::new(),
        });
    }

    pub fn finish(mut self) -> MappedDirectory {
        let mut excluded = vec![false; self.people.len()];
        for (what, value) in [
            ("key", key_of as fn(&User) -> Option<&str>),
            ("email", email_of),
        ] {
            for idxs in duplicates(&self.people, |p| value(&p.user)) {
                let first = &self.people[idxs[0]].user;
                self.warnings.push(format!(
                    "conflict: {what} \"{}\" is shared by {}; none of them is used",
                    value(first).unwrap_or_default(),
                    quoted_list(idxs.iter().map(|&i| self.people[i].dn.as_str()))
                ));
                idxs.iter().for_each(|&i| excluded[i] = true);
            }
        }

        let mut returned = Vec::with_capacity(self.people.len());
        for (person, out) in self.people.into_iter().zip(excluded) {
            if out {
                self.held.push(person.user);
            } else {
                returned.push(person);
            }
        }
        let key_by_dn: HashMap<String, String> = returned
            .iter()
            .map(|p| (normalize_dn(&p.dn), p.user.key.clone()))
            .collect();
        let users: Vec<User> = returned
            .into_iter()
            .map(|mut p| {
                p.user.manager = p
                    .manager_dn
                    .and_then(|dn| key_by_dn.get(&normalize_dn(&dn)).cloned());
                p.user
            })
            .collect();

        let mut groups_out = vec![false; self.groups.len()];
        for idxs in duplicates(&self.groups, |g| Some(g.key.as_str())) {
            self.group_warnings.push(format!(
                "conflict: group key \"{}\" is shared by {}; none of them is used",
                self.groups[idxs[0]].key,
                quoted_list(idxs.iter().map(|&i| self.groups[i].dn.as_str()))
            ));
            idxs.iter().for_each(|&i| groups_out[i] = true);
        }
        let mut groups: Vec<DirectoryGroup> = self
            .groups
            .into_iter()
            .zip(groups_out)
            .filter_map(|(g, out)| (!out).then_some(g))
            .collect();
        crate::connectors::ldap::groups::resolve_members(
            &mut groups,
            &key_by_dn,
            &users,
            &mut self.group_warnings,
        );

        MappedDirectory {
            users: UserSet {
                users,
                warnings: self.warnings,
                held: self.held,
            },
            groups,
            group_warnings: self.group_warnings,
            flavor: self.flavor,
            person_keys: key_by_dn,
        }
    }
}

fn key_of(u: &User) -> Option<&str> {
    Some(&u.key)
}

fn email_of(u: &User) -> Option<&str> {
    u.email.as_deref()
}

/// Index lists of items sharing a case-insensitive value, in order of first appearance.
fn duplicates<T>(items: &[T], value: impl Fn(&T) -> Option<&str>) -> Vec<Vec<usize>> {
    let mut by_value: HashMap<Cow<str>, usize> = HashMap::with_capacity(items.len());
    let mut lists: Vec<Vec<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = value(item) {
            // Borrowed when already lowercase: no allocation per person.
            let lower = if v.bytes().any(|b| !b.is_ascii() || b.is_ascii_uppercase()) {
                Cow::Owned(v.to_lowercase())
            } else {
                Cow::Borrowed(v)
            };
            match by_value.entry(lower) {
                std::collections::hash_map::Entry::Occupied(e) => lists[*e.get()].push(i),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(lists.len());
                    lists.push(vec![i]);
                }
            }
        }
    }
    lists.retain(|l| l.len() > 1);
    lists
}

#[cfg(test)]
mod tests {
    use super::*;

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
            0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB,
            0xCD, 0xEF,
        ];
        assert_eq!(format_guid(&b), "76543210-ba98-fedc-0123-456789abcdef");
        // Microsoft's documented example {3F2504E0-4F89-11D3-9A0C-0305E82C3301}.
        let ms = [
            0xE0, 0x04, 0x25, 0x3F, 0x89, 0x4F, 0xD3, 0x11, 0x9A, 0x0C, 0x03, 0x05, 0xE8, 0x2C,
            0x33, 0x01,
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
}
