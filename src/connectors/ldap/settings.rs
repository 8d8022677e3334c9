//! Profile settings of an `ldap://` / `ldaps://` endpoint and the parsed URL.

use super::filter;
use crate::connectors::directory::{AttributeOverrides, Flavor};
use crate::core::endpoint::Endpoint;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// `scope = "sub" | "one" | "base"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Scope {
    #[default]
    #[serde(rename = "sub")]
    Sub,
    #[serde(rename = "one")]
    One,
    #[serde(rename = "base")]
    Base,
}

impl From<Scope> for ldap3::Scope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Sub => ldap3::Scope::Subtree,
            Scope::One => ldap3::Scope::OneLevel,
            Scope::Base => ldap3::Scope::Base,
        }
    }
}

/// The keys a profile may set (unknown keys are refused). `url` is taken by the profile
/// loader; `password_env` and `token_file` are read through [`Endpoint::secret`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    bind_dn: Option<String>,
    #[serde(rename = "password_env")]
    _password_env: Option<String>,
    #[serde(rename = "token_file")]
    _token_file: Option<String>,
    #[serde(default)]
    starttls: bool,
    ca_file: Option<PathBuf>,
    base_dn: Option<String>,
    #[serde(default)]
    scope: Scope,
    user_filter: Option<String>,
    group_filter: Option<String>,
    disabled_filter: Option<String>,
    #[serde(default)]
    attributes: toml::Table,
    flavor: Option<Flavor>,
    connect_timeout: Option<u64>,
    timeout: Option<u64>,
    /// Read by `users sync --groups` (ops::groups_mirror); validated here.
    #[serde(default, rename = "group_map")]
    _group_map: BTreeMap<String, String>,
}

/// Validated settings; holds no secret (the password is read when connecting).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `ldap://host:port` or `ldaps://host:port`, without the base DN.
    pub server_url: String,
    /// `host:port`, for messages.
    pub server: String,
    pub ldaps: bool,
    pub starttls: bool,
    pub ca_file: Option<PathBuf>,
    /// From `base_dn`, else the URL path; `None`: the server's naming context.
    pub base_dn: Option<String>,
    pub scope: Scope,
    pub user_filter: Option<String>,
    pub group_filter: Option<String>,
    pub disabled_filter: Option<String>,
    pub overrides: AttributeOverrides,
    /// Attribute names the overrides refer to (requested in every user search).
    pub override_attrs: Vec<String>,
    pub flavor: Option<Flavor>,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub bind_dn: Option<String>,
}

const DEFAULT_CONNECT_TIMEOUT: u64 = 10;
const DEFAULT_TIMEOUT: u64 = 120;

impl Settings {
    pub fn from_endpoint(ep: &Endpoint) -> Result<Settings> {
        let raw: Raw = ep.settings()?;
        let at = ep.profile.as_deref().unwrap_or(&ep.label);
        let bad = |what: String| Error::usage(format!("endpoint \"{at}\": {what}"));

        let url = url::Url::parse(&ep.location)
            .map_err(|e| bad(format!("invalid LDAP URL \"{}\": {e}", ep.location)))?;
        let ldaps = match url.scheme() {
            "ldap" => false,
            "ldaps" => true,
            other => return Err(bad(format!("scheme \"{other}\" is not ldap or ldaps")).into()),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad(format!("no host in \"{}\"", ep.location)))?;
        if url.query().is_some() || !url.username().is_empty() {
            return Err(bad(
                "the URL takes only host, port and base DN; set scope and filters in the \
                 profile (scope, user_filter) and the bind DN in bind_dn"
                    .into(),
            )
            .into());
        }
        let port = url.port().unwrap_or(if ldaps { 636 } else { 389 });
        let scheme = if ldaps { "ldaps" } else { "ldap" };
        let server = format!("{host}:{port}");
        let path = url.path().trim_start_matches('/');
        let url_base = percent_decode(path)
            .ok_or_else(|| bad("the base DN in the URL is not valid percent-encoded UTF-8".into()))?
            .trim()
            .to_string();
        let base_dn = raw
            .base_dn
            .map(|b| b.trim().to_string())
            .or((!url_base.is_empty()).then_some(url_base));

        if ldaps && raw.starttls {
            return Err(bad(
                "starttls = true needs an ldap:// URL (ldaps:// is TLS already)".into(),
            )
            .into());
        }
        for (name, f) in [
            ("user_filter", &raw.user_filter),
            ("group_filter", &raw.group_filter),
            ("disabled_filter", &raw.disabled_filter),
        ] {
            if let Some(f) = f {
                filter::validate(f).map_err(|e| bad(format!("{name}: {e}")))?;
            }
        }
        let overrides =
            AttributeOverrides::from_table(&raw.attributes).map_err(|e| bad(e.message))?;
        let mut override_attrs = Vec::new();
        collect_strings(&raw.attributes, &mut override_attrs);

        let secs = |v: Option<u64>, name: &str, default: u64| -> Result<Duration> {
            match v.unwrap_or(default) {
                0 => Err(bad(format!("{name} must be at least 1 second")).into()),
                s => Ok(Duration::from_secs(s)),
            }
        };
        Ok(Settings {
            server_url: format!("{scheme}://{}", url_authority(host, port)),
            server,
            ldaps,
            starttls: raw.starttls,
            ca_file: raw.ca_file,
            base_dn,
            scope: raw.scope,
            user_filter: raw.user_filter,
            group_filter: raw.group_filter,
            disabled_filter: raw.disabled_filter,
            overrides,
            override_attrs,
            flavor: raw.flavor,
            connect_timeout: secs(
                raw.connect_timeout,
                "connect_timeout",
                DEFAULT_CONNECT_TIMEOUT,
            )?,
            timeout: secs(raw.timeout, "timeout", DEFAULT_TIMEOUT)?,
            bind_dn: raw.bind_dn,
        })
    }

    /// True when the connection is encrypted (the password never travels in clear).
    pub fn uses_tls(&self) -> bool {
        self.ldaps || self.starttls
    }
}

/// How `group_map` keys are compared: DNs normalized, cns lowercase.
pub fn group_map_key(k: &str) -> String {
    if k.contains('=') {
        crate::connectors::directory::normalize_dn(k)
    } else {
        k.trim().to_lowercase()
    }
}

fn url_authority(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// RFC 3986 percent-decoding (RFC 4516 encodes the DN this way); `None` if not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn collect_strings(table: &toml::Table, out: &mut Vec<String>) {
    for v in table.values() {
        match v {
            toml::Value::String(s) => out.push(s.trim().to_string()),
            toml::Value::Table(t) => collect_strings(t, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(uri: &str, toml: &str) -> Result<Settings> {
        let mut ep = Endpoint::parse_uri(uri).unwrap().unwrap();
        ep.settings = toml::from_str(toml).unwrap();
        Settings::from_endpoint(&ep)
    }

    #[test]
    fn url_gives_server_and_percent_decoded_base_dn() {
        let s = settings("ldap://127.0.0.1:3389/dc=durand-fils,dc=fr", "").unwrap();
        assert_eq!(s.server_url, "ldap://127.0.0.1:3389");
        assert_eq!(s.base_dn.as_deref(), Some("dc=durand-fils,dc=fr"));
        let s = settings("ldaps://dc1.corp/ou=Soci%C3%A9t%C3%A9%20A,dc=corp", "").unwrap();
        assert_eq!(s.server, "dc1.corp:636");
        assert!(s.ldaps && s.uses_tls());
        assert_eq!(s.base_dn.as_deref(), Some("ou=Société A,dc=corp"));
        let s = settings("ldap://h/", "base_dn = \"ou=x,dc=y\"").unwrap();
        assert_eq!(s.base_dn.as_deref(), Some("ou=x,dc=y"));
        assert_eq!(settings("ldap://h", "").unwrap().base_dn, None);
    }

    #[test]
    fn unknown_keys_bad_filters_and_url_queries_are_usage_errors() {
        for (uri, toml, needle) in [
            ("ldap://h/dc=x", "bind_db = \"x\"", "bind_db"),
            ("ldap://h/dc=x", "user_filter = \"(uid=a\"", "user_filter"),
            ("ldap://h/dc=x??sub?(uid=a)", "", "scope"),
            ("ldaps://h/dc=x", "starttls = true", "starttls"),
            (
                "ldap://h/dc=x",
                "scope = \"subtree\"",
                "`sub`, `one`, `base`",
            ),
            ("ldap://h/dc=x", "timeout = 0", "timeout"),
            ("ldap://h/dc=x", "[attributes]\nemial = \"mail\"", "emial"),
        ] {
            let err = settings(uri, toml).unwrap_err();
            let e = err.downcast_ref::<Error>().unwrap();
            assert_eq!(e.kind, crate::error::Kind::Usage, "{uri} {toml}");
            assert!(e.message.contains(needle), "{}", e.message);
        }
    }

    #[test]
    fn overrides_list_their_attributes_and_group_map_keys_normalize() {
        let s = settings(
            "ldap://h/dc=x",
            "[attributes]\nusername = \"employeeNumber\"\nextra.site = \"l\"\n\
             [group_map]\n\"CN=Pilot, OU=Groups,DC=x\" = \"pilot\"",
        )
        .unwrap();
        let mut attrs = s.override_attrs.clone();
        attrs.sort();
        assert_eq!(attrs, ["employeeNumber", "l"]);
        assert_eq!(
            group_map_key("CN=Pilot, OU=Groups,DC=x"),
            "cn=pilot,ou=groups,dc=x"
        );
        assert_eq!(group_map_key(" Staff "), "staff");
    }
}
