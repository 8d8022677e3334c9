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

use crate::core::model::USER_FIELDS;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

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
        // On bytes: equal to a UTF-8 `class` up to ASCII case means valid UTF-8 too.
        self.get("objectClass")
            .iter()
            .any(|c| c.eq_ignore_ascii_case(class.as_bytes()))
    }

    /// Where the attribute is among [`attributes`](Self::attributes).
    fn position(&self, name: &str) -> Option<usize> {
        self.attrs
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The text at (attribute, value) indexes already checked to be UTF-8.
    fn text_at(&self, (i, j): (usize, usize)) -> &str {
        std::str::from_utf8(&self.attrs[i].1[j]).unwrap_or_default()
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

    /// Where the field's text is: the first value of the first of its attributes whose
    /// first value is non-empty UTF-8, as (attribute, value) indexes in the entry.
    fn locate_text(&self, entry: &DirEntry, field: &str) -> Option<(usize, usize)> {
        self.attributes(field).iter().find_map(|a| {
            let i = entry.position(a)?;
            let v = entry.attrs[i].1.first()?;
            std::str::from_utf8(v).ok().filter(|s| !s.is_empty())?;
            Some((i, 0))
        })
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
    if is_guid_value(attr, value) {
        if let Ok(guid) = <&[u8; 16]>::try_from(value) {
            return format_guid(guid);
        }
    }
    match std::str::from_utf8(value) {
        Ok(s) => s.to_string(),
        Err(_) => hex::encode(value),
    }
}

/// True when [`id_value`] shows the value as a GUID.
fn is_guid_value(attr: &str, value: &[u8]) -> bool {
    value.len() == 16
        && attr.len() >= 4
        && attr.as_bytes()[attr.len() - 4..].eq_ignore_ascii_case(b"guid")
}

mod dn;
mod mapper;
#[cfg(test)]
mod tests;

pub use dn::{normalize_dn, normalized_dn};
pub use mapper::{DirectoryMapper, MappedDirectory};
