//! Endpoints: a `--from`/`--to` value is a profile name from the config file or a URI
//! (`ldif:examples/directory.ldif`, `bundle:./workspace`). Resolution happens before any
//! I/O so that an unknown profile, an unknown scheme or a missing capability is a usage
//! error (exit 2) before work starts.

use crate::error::{Error, Result};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use std::fmt;
use std::path::PathBuf;

/// What an endpoint can do; checked before any work starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    ReadUsers,
    WriteUsers,
    ReadGroups,
    ReadCommunities,
    WriteCommunities,
    ReadContent,
    WriteContent,
    ReadActivity,
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Capability::ReadUsers => "read users",
            Capability::WriteUsers => "write users",
            Capability::ReadGroups => "read groups",
            Capability::ReadCommunities => "read communities",
            Capability::WriteCommunities => "write communities",
            Capability::ReadContent => "read content",
            Capability::WriteContent => "write content",
            Capability::ReadActivity => "read activity",
        })
    }
}

/// The kinds of endpoint this build supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    Bundle,
    Ldif,
    Csv,
    /// `ldap://` and `ldaps://`: OpenLDAP or Active Directory.
    Ldap,
    /// `scim+http://` and `scim+https://`: a SCIM 2.0 service provider.
    Scim,
    /// `slack-export:PATH`: a Slack export (zip or unpacked folder).
    SlackExport,
    /// `viva-engage-export:PATH`: a Viva Engage (Yammer) network data export.
    VivaEngageExport,
    /// `rocketchat-csv:PATH`: the zip Rocket.Chat's CSV importer reads.
    RocketChatCsv,
    /// `mattermost-jsonl:PATH`: a Mattermost bulk import/export file (`.jsonl` or `.zip`).
    MattermostJsonl,
    /// `matrix+http://` and `matrix+https://`: a Matrix homeserver (Synapse admin API).
    Matrix,
}

/// Every accepted URI scheme and the kind it opens, in the order help texts list them.
const SCHEMES: &[(&str, EndpointKind)] = &[
    ("ldap", EndpointKind::Ldap),
    ("ldaps", EndpointKind::Ldap),
    ("ldif", EndpointKind::Ldif),
    ("csv", EndpointKind::Csv),
    ("scim+http", EndpointKind::Scim),
    ("scim+https", EndpointKind::Scim),
    ("matrix+http", EndpointKind::Matrix),
    ("matrix+https", EndpointKind::Matrix),
    ("slack-export", EndpointKind::SlackExport),
    ("mattermost-jsonl", EndpointKind::MattermostJsonl),
    ("viva-engage-export", EndpointKind::VivaEngageExport),
    ("rocketchat-csv", EndpointKind::RocketChatCsv),
    ("bundle", EndpointKind::Bundle),
];

impl EndpointKind {
    /// The main URI scheme, without the colon.
    pub fn scheme(self) -> &'static str {
        match self {
            EndpointKind::Bundle => "bundle",
            EndpointKind::Ldif => "ldif",
            EndpointKind::Csv => "csv",
            EndpointKind::Ldap => "ldap",
            EndpointKind::Scim => "scim",
            EndpointKind::SlackExport => "slack-export",
            EndpointKind::MattermostJsonl => "mattermost-jsonl",
            EndpointKind::VivaEngageExport => "viva-engage-export",
            EndpointKind::RocketChatCsv => "rocketchat-csv",
            EndpointKind::Matrix => "matrix",
        }
    }

    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            EndpointKind::Bundle => &[
                ReadUsers,
                WriteUsers,
                ReadCommunities,
                WriteCommunities,
                ReadContent,
                WriteContent,
            ],
            EndpointKind::Ldif => &[ReadUsers, ReadGroups],
            EndpointKind::Csv => &[ReadUsers, WriteUsers],
            EndpointKind::Ldap => &[ReadUsers, ReadGroups],
            EndpointKind::Scim => &[ReadUsers, WriteUsers, ReadCommunities, WriteCommunities],
            EndpointKind::SlackExport => &[ReadUsers, ReadCommunities, ReadContent],
            EndpointKind::MattermostJsonl => {
                &[ReadUsers, ReadCommunities, ReadContent, WriteContent]
            }
            EndpointKind::VivaEngageExport => &[ReadUsers, ReadCommunities, ReadContent],
            EndpointKind::RocketChatCsv => &[WriteContent],
            EndpointKind::Matrix => &[
                ReadUsers,
                WriteUsers,
                ReadCommunities,
                WriteCommunities,
                ReadActivity,
                ReadContent,
                WriteContent,
            ],
        }
    }

    /// True when the location is a local path (as opposed to a server URL).
    pub fn is_file(self) -> bool {
        !matches!(
            self,
            EndpointKind::Ldap | EndpointKind::Scim | EndpointKind::Matrix
        )
    }

    fn from_scheme(scheme: &str) -> Option<Self> {
        SCHEMES.iter().find(|(s, _)| *s == scheme).map(|(_, k)| *k)
    }

    fn schemes_list() -> String {
        SCHEMES
            .iter()
            .map(|(s, k)| {
                if k.is_file() {
                    format!("{s}:")
                } else {
                    format!("{s}://")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A resolved endpoint: its kind, where it is, and the profile settings that came with it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// What the user typed: a profile name or a URI; used in messages.
    pub label: String,
    pub kind: EndpointKind,
    /// The path for file kinds, the URL for server kinds.
    pub location: String,
    /// The profile's settings other than `url` (empty for a bare URI).
    pub settings: toml::Table,
    /// The profile name, when the endpoint came from the config file.
    pub profile: Option<String>,
    /// `precedence = N` in the profile: when several `--from` sources list the same
    /// person, the smaller number wins.
    pub precedence: Option<i64>,
}

impl Endpoint {
    /// Parses a URI (`bundle:./workspace`). `None` when `spec` has no known scheme.
    pub fn parse_uri(spec: &str) -> Option<Result<Endpoint>> {
        let (scheme, rest) = spec.split_once(':')?;
        let Some(kind) = EndpointKind::from_scheme(scheme) else {
            return Some(Err(Error::usage(format!(
                "unknown endpoint scheme \"{scheme}:\" in \"{spec}\"; supported: {}",
                EndpointKind::schemes_list()
            ))
            .into()));
        };
        // Server URIs keep their whole text (the connector parses host, port and path).
        let location = if kind.is_file() {
            rest.to_string()
        } else {
            spec.to_string()
        };
        if rest.is_empty() || (!kind.is_file() && !rest.starts_with("//")) {
            return Some(Err(Error::usage(format!(
                "endpoint \"{spec}\" is incomplete: write {}",
                if kind.is_file() {
                    format!("{scheme}:PATH")
                } else {
                    format!("{scheme}://HOST[:PORT]/…")
                }
            ))
            .into()));
        }
        Some(Ok(Endpoint {
            label: spec.to_string(),
            kind,
            location,
            settings: toml::Table::new(),
            profile: None,
            precedence: None,
        }))
    }

    /// Refuses, with a usage error, an endpoint that lacks `cap`.
    pub fn require(&self, cap: Capability) -> Result<()> {
        if self.kind.capabilities().contains(&cap) {
            return Ok(());
        }
        let can = self
            .kind
            .capabilities()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        Err(Error::usage(format!(
            "endpoint \"{}\" ({}:) cannot {cap}; it can: {can}",
            self.label,
            self.kind.scheme()
        ))
        .into())
    }

    pub fn path(&self) -> PathBuf {
        PathBuf::from(&self.location)
    }

    /// Deserializes the profile settings into a connector's own settings type; unknown or
    /// mistyped keys are a usage error naming the profile.
    pub fn settings<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(toml::Value::Table(self.settings.clone())).map_err(|e| {
            let at = self.profile.as_deref().unwrap_or(&self.label);
            Error::usage(format!(
                "profile \"{at}\": {}",
                e.message().trim_end().replace('\n', " ")
            ))
            .into()
        })
    }

    /// A secret from the profile (`<prefix>_env = "VAR"` or `token_file = "PATH"`) or
    /// from the fallback environment variable. Never from a flag value.
    pub fn secret(&self, env_setting: &str, fallback_env: &str) -> Result<Option<SecretString>> {
        if let Some(var) = self.settings.get(env_setting).and_then(|v| v.as_str()) {
            return match std::env::var(var) {
                Ok(v) => Ok(Some(SecretString::from(v))),
                Err(_) => Err(Error::usage(format!(
                    "endpoint \"{}\": environment variable {var} (named by {env_setting}) is not set",
                    self.label
                ))
                .into()),
            };
        }
        if let Some(path) = self.settings.get("token_file").and_then(|v| v.as_str()) {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!(
                    "endpoint \"{}\": cannot read token_file {path}: {e}",
                    self.label
                ))
            })?;
            return Ok(Some(SecretString::from(text.trim().to_string())));
        }
        Ok(std::env::var(fallback_env).ok().map(SecretString::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_uris_keeping_relative_paths() {
        let ep = Endpoint::parse_uri("bundle:./workspace").unwrap().unwrap();
        assert_eq!(ep.kind, EndpointKind::Bundle);
        assert_eq!(ep.location, "./workspace");
    }

    #[test]
    fn unknown_scheme_lists_supported_ones() {
        let err = Endpoint::parse_uri("ftp:/x").unwrap().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("ftp:") && msg.contains("bundle:"), "{msg}");
    }

    #[test]
    fn missing_capability_is_usage_error() {
        let ep = Endpoint::parse_uri("ldif:x.ldif").unwrap().unwrap();
        let err = ep.require(Capability::WriteUsers).unwrap_err();
        assert_eq!(
            crate::error::exit_code_of(&err),
            crate::error::ExitCode::Usage
        );
        assert!(ep.require(Capability::ReadUsers).is_ok());
    }

    #[test]
    fn a_name_without_colon_is_not_a_uri() {
        assert!(Endpoint::parse_uri("corp-ldap").is_none());
    }
}
