//! The profiles file (`esnctl.toml`): named endpoints with their settings.

use crate::core::endpoint::Endpoint;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    endpoints: BTreeMap<String, toml::Table>,
}

/// The loaded profiles file; empty when none exists at the default locations.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    endpoints: BTreeMap<String, toml::Table>,
}

impl Config {
    /// Loads `explicit` (which must exist), else `./esnctl.toml`, else
    /// `$XDG_CONFIG_HOME/esnctl/config.toml`, else an empty configuration.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        if let Some(path) = explicit {
            if !path.exists() {
                return Err(
                    Error::usage(format!("config file {} does not exist", path.display())).into(),
                );
            }
            return Self::load_file(path);
        }
        for candidate in default_locations() {
            if candidate.is_file() {
                return Self::load_file(&candidate);
            }
        }
        Ok(Config::default())
    }

    fn load_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!("cannot read config file {}: {e}", path.display()))
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            Error::usage(format!(
                "{}:{line}: {}",
                path.display(),
                e.message().trim_end().replace('\n', " ")
            ))
        })?;
        for (name, table) in &file.endpoints {
            if name.contains(':') {
                return Err(Error::usage(format!(
                    "{}: profile name \"{name}\" must not contain ':'",
                    path.display()
                ))
                .into());
            }
            if !matches!(table.get("url"), Some(toml::Value::String(_))) {
                return Err(Error::usage(format!(
                    "{}: profile \"{name}\" has no url = \"…\"",
                    path.display()
                ))
                .into());
            }
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            endpoints: file.endpoints,
        })
    }

    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.endpoints.keys().map(String::as_str)
    }

    /// Resolves a `--from`/`--to` value: a profile name, else a URI.
    pub fn resolve(&self, spec: &str) -> Result<Endpoint> {
        if let Some(table) = self.endpoints.get(spec) {
            let url = table["url"].as_str().unwrap_or_default();
            let mut ep = Endpoint::parse_uri(url).ok_or_else(|| {
                Error::usage(format!(
                    "profile \"{spec}\": url \"{url}\" is not an endpoint URI (scheme:location)"
                ))
            })??;
            ep.label = spec.to_string();
            ep.profile = Some(spec.to_string());
            ep.settings = table.clone();
            ep.settings.remove("url");
            // Generic to every endpoint kind: taken out before the connector's settings.
            ep.precedence = match ep.settings.remove("precedence") {
                None => None,
                Some(toml::Value::Integer(n)) => Some(n),
                Some(other) => {
                    return Err(Error::usage(format!(
                        "profile \"{spec}\": precedence must be an integer, not {other}"
                    ))
                    .into())
                }
            };
            return Ok(ep);
        }
        if let Some(parsed) = Endpoint::parse_uri(spec) {
            return parsed;
        }
        let known: Vec<&str> = self.profile_names().collect();
        let where_ = match &self.path {
            Some(p) => format!("in {}", p.display()),
            None => "(no config file found)".to_string(),
        };
        let list = if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        };
        Err(Error::usage(format!(
            "unknown profile \"{spec}\" {where_}; profiles: {list}; or use a URI such as bundle:PATH"
        ))
        .into())
    }
}

fn default_locations() -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("esnctl.toml")];
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(base) = base {
        out.push(base.join("esnctl").join("config.toml"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[endpoints.dir]
url = "ldif:examples/directory.ldif"
[endpoints.ws]
url = "bundle:./workspace"
"#;

    #[test]
    fn resolves_profiles_and_uris() {
        let cfg = Config::parse(SAMPLE, Path::new("esnctl.toml")).unwrap();
        let ep = cfg.resolve("dir").unwrap();
        assert_eq!(ep.profile.as_deref(), Some("dir"));
        assert_eq!(ep.location, "examples/directory.ldif");
        assert!(cfg.resolve("csv:users.csv").is_ok());
    }

    #[test]
    fn unknown_profile_lists_known_ones() {
        let cfg = Config::parse(SAMPLE, Path::new("esnctl.toml")).unwrap();
        let msg = cfg.resolve("nope").unwrap_err().to_string();
        assert!(msg.contains("dir, ws"), "{msg}");
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let err = Config::parse("[endpoints.a]\nurl = \n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().starts_with("c.toml:2:"), "{err}");
    }
}
