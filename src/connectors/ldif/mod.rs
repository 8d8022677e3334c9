//! `ldif:PATH`: an LDIF file (slapcat or ldapsearch output) read as a directory, mapped to
//! users and groups by [`crate::connectors::directory`].
//!
//! Profile settings, all optional:
//! - `flavor = "openldap" | "active-directory"`: the attribute defaults; without it they are
//!   chosen from the first person entry (AD when it is a `user` with `sAMAccountName`);
//! - `[endpoints.X.attributes]`: `canonical_field = "attribute"` on top of those defaults.
//!
//! Group filter (`--groups FILTER`), as there is no server to evaluate LDAP filters:
//! none (all groups); a group DN, compared ignoring case and spacing; a `cn`, exact or a
//! case-insensitive glob with `*` and `?`; or `(cn=…)` with the same. An exact DN or cn
//! that names no group is an error, so a typo cannot empty an audience.
//!
//! Reads are all-or-nothing: the whole file is parsed before anything is returned.

mod parser;

pub use parser::LdifReader;

use crate::connectors::directory::{
    normalize_dn, AttributeOverrides, DirectoryMapper, Flavor, MappedDirectory,
};
use crate::connectors::{Connector, ReadGroups, ReadUsers, UserSet};
use crate::core::endpoint::Endpoint;
use crate::core::model::DirectoryGroup;
use crate::core::progress::{NoProgress, Progress, ProgressTask};
use crate::error::{Error, Kind, Result};
use async_trait::async_trait;
use serde::Deserialize;
use std::io::BufReader;
use std::path::PathBuf;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    flavor: Option<Flavor>,
    #[serde(default)]
    attributes: AttributeOverrides,
}

/// An `ldif:PATH` endpoint.
#[derive(Debug, Clone)]
pub struct LdifConnector {
    path: PathBuf,
    /// The path as written, for messages (`directory.ldif:42: …`).
    label: String,
    flavor: Option<Flavor>,
    overrides: AttributeOverrides,
}

impl LdifConnector {
    /// Validates the profile settings; touches no file.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let settings: Settings = endpoint.settings()?;
        Ok(LdifConnector {
            path: endpoint.path(),
            label: endpoint.location.clone(),
            flavor: settings.flavor,
            overrides: settings.attributes,
        })
    }

    /// Parses and maps the whole file on a blocking thread.
    async fn load(&self, task: Box<dyn ProgressTask>) -> Result<MappedDirectory> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.load_blocking(&*task))
            .await
            .map_err(|e| Error::runtime(format!("reading {}: {e}", self.label)))?
    }

    fn load_blocking(&self, task: &dyn ProgressTask) -> Result<MappedDirectory> {
        let file = std::fs::File::open(&self.path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                Error::new(Kind::NotFound, format!("{}: file not found", self.label))
            }
            _ => Error::runtime(format!("cannot open {}: {e}", self.label)),
        })?;
        let mut mapper = DirectoryMapper::new(self.flavor, self.overrides.clone());
        for entry in LdifReader::new(BufReader::new(file), self.label.as_str()) {
            mapper.push(&entry?);
            task.inc(1);
        }
        task.finish();
        Ok(mapper.finish())
    }
}

#[async_trait]
impl Connector for LdifConnector {
    async fn check(&self) -> Result<String> {
        let m = self.load(Box::new(NoProgress)).await?;
        let warnings = m.users.warnings.iter().chain(&m.group_warnings);
        warnings.clone().for_each(|w| tracing::warn!("{w}"));
        let inactive = m.users.users.iter().filter(|u| !u.active).count();
        let mut line = format!(
            "LDIF file, {} people ({inactive} inactive), {} groups",
            m.users.users.len(),
            m.groups.len()
        );
        if let Some(flavor) = m.flavor {
            line += &format!(", {} attributes", flavor.as_str());
        }
        match warnings.count() {
            0 => {}
            n => line += &format!(", {n} warnings"),
        }
        Ok(line)
    }

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        Some(self)
    }

    fn as_read_groups(&self) -> Option<&dyn ReadGroups> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for LdifConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        Ok(self.load(progress.task("reading ldif", None)).await?.users)
    }
}

#[async_trait]
impl ReadGroups for LdifConnector {
    async fn read_groups(&self, filter: Option<&str>) -> Result<Vec<DirectoryGroup>> {
        let wanted = filter.map(str::trim).unwrap_or_default();
        let filter = GroupFilter::parse(wanted, &self.label)?;
        let m = self.load(Box::new(NoProgress)).await?;
        m.group_warnings.iter().for_each(|w| tracing::warn!("{w}"));
        let groups: Vec<DirectoryGroup> =
            m.groups.into_iter().filter(|g| filter.matches(g)).collect();
        if groups.is_empty() && filter.is_exact() {
            return Err(Error::new(
                Kind::NotFound,
                format!("{}: no group matches \"{wanted}\"", self.label),
            )
            .into());
        }
        Ok(groups)
    }
}

/// Which groups `read_groups` returns (see the module docs).
#[derive(Debug, PartialEq)]
enum GroupFilter {
    All,
    /// A normalized DN.
    Dn(String),
    Cn(String),
}

impl GroupFilter {
    /// `f` is trimmed; empty means all groups.
    fn parse(f: &str, label: &str) -> Result<Self> {
        if f.is_empty() {
            return Ok(GroupFilter::All);
        }
        if let Some(inner) = f.strip_prefix('(').and_then(|f| f.strip_suffix(')')) {
            return match inner.split_once('=') {
                Some((attr, value))
                    if attr.trim().eq_ignore_ascii_case("cn")
                        && !value.contains(['(', ')', '&', '|', '!']) =>
                {
                    Ok(GroupFilter::Cn(value.trim().to_string()))
                }
                _ => Err(Error::usage(format!(
                    "{label}: group filter \"{f}\" is not supported by LDIF files; use a group \
                     cn, a cn glob (esn-*), (cn=GLOB) or a group DN"
                ))
                .into()),
            };
        }
        Ok(if f.contains('=') {
            GroupFilter::Dn(normalize_dn(f))
        } else {
            GroupFilter::Cn(f.to_string())
        })
    }

    fn matches(&self, g: &DirectoryGroup) -> bool {
        match self {
            GroupFilter::All => true,
            GroupFilter::Dn(dn) => normalize_dn(&g.dn) == *dn,
            GroupFilter::Cn(pattern) => glob_match(pattern, &g.key),
        }
    }

    /// True when the filter names one group rather than a pattern.
    fn is_exact(&self) -> bool {
        match self {
            GroupFilter::All => false,
            GroupFilter::Dn(_) => true,
            GroupFilter::Cn(p) => !p.contains(['*', '?']),
        }
    }
}

/// Case-insensitive glob: `*` any run of characters, `?` one character.
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was and how much text it has swallowed, for backtracking.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            star = Some((sp, st + 1));
            pi = sp + 1;
            ti = st + 1;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/directory.ldif");

    fn endpoint(path: &str, settings: &str) -> Endpoint {
        let mut ep = Endpoint::parse_uri(&format!("ldif:{path}"))
            .unwrap()
            .unwrap();
        ep.settings = toml::from_str(settings).unwrap();
        ep
    }

    fn connector(path: &str) -> LdifConnector {
        LdifConnector::open(&endpoint(path, "")).unwrap()
    }

    /// Counts `inc` calls.
    #[derive(Default)]
    struct Counter(Arc<AtomicU64>);

    impl Progress for Counter {
        fn task(&self, label: &str, _total: Option<u64>) -> Box<dyn ProgressTask> {
            assert_eq!(label, "reading ldif");
            Box::new(Counter(self.0.clone()))
        }
    }

    impl ProgressTask for Counter {
        fn inc(&self, n: u64) {
            self.0.fetch_add(n, Ordering::Relaxed);
        }
    }

    #[tokio::test]
    async fn example_directory_has_59_active_and_1_inactive_people() {
        let progress = Counter::default();
        let set = connector(EXAMPLE).read_users(&progress).await.unwrap();
        // 60 people, 5 groups, the base, 3 OUs and a service account.
        assert_eq!(progress.0.load(Ordering::Relaxed), 70);
        assert!(
            set.warnings.is_empty() && set.held.is_empty(),
            "{:?}",
            set.warnings
        );
        let inactive: Vec<_> = set.users.iter().filter(|u| !u.active).collect();
        assert_eq!((set.users.len(), inactive.len()), (60, 1));
        assert_eq!(inactive[0].key, "nparis");
        let find = |k: &str| set.users.iter().find(|u| u.key == k).unwrap();
        let taro = find("tyamada");
        assert_eq!(
            taro.display_name.as_deref(),
            Some("山田 太郎 (Tarō Yamada)")
        );
        assert_eq!(taro.manager.as_deref(), Some("chebert"));
        assert_eq!(find("hdufay").family_name.as_deref(), Some("Dufaÿ"));
        let ceo = find("mdurand");
        assert_eq!(ceo.title.as_deref(), Some("Présidente-directrice générale"));
        assert_eq!(ceo.extra["other_emails"], "direction@durand-fils.fr");
        assert_eq!(ceo.manager, None);
        assert_eq!(set.users.iter().filter(|u| u.manager.is_some()).count(), 59);
        assert!(set.users.iter().all(|u| u.external_id.is_some()));
        let depts = ["Direction", "Ventes", "Informatique", "Ressources humaines"].map(|d| {
            set.users
                .iter()
                .filter(|u| u.department.as_deref() == Some(d))
                .count()
        });
        assert_eq!(depts, [3, 20, 20, 17]);
    }

    #[tokio::test]
    async fn example_groups_and_filters() {
        let c = connector(EXAMPLE);
        let all = c.read_groups(None).await.unwrap();
        let sizes: Vec<_> = all
            .iter()
            .map(|g| (g.key.as_str(), g.members.len()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("esn-pilot", 12),
                ("direction", 3),
                ("ventes", 20),
                ("informatique", 20),
                ("ressources-humaines", 17)
            ]
        );
        let dn = "CN=esn-pilot, ou=groups, dc=durand-fils, dc=fr";
        assert_eq!(c.read_groups(Some(dn)).await.unwrap()[0].key, "esn-pilot");
        let glob = c.read_groups(Some("(cn=R*S-*)")).await.unwrap();
        assert_eq!(glob[0].key, "ressources-humaines");
        assert!(c.read_groups(Some("nothing-*")).await.unwrap().is_empty());
        let missing = c.read_groups(Some("esn-pilote")).await.unwrap_err();
        assert_eq!(exit_code_of(&missing), ExitCode::Failure);
        let ldap = c.read_groups(Some("(objectClass=*)")).await.unwrap_err();
        assert_eq!(exit_code_of(&ldap), ExitCode::Usage);
    }

    #[tokio::test]
    async fn check_summarises_the_file() {
        assert_eq!(
            connector(EXAMPLE).check().await.unwrap(),
            "LDIF file, 60 people (1 inactive), 5 groups, openldap attributes"
        );
    }

    #[test]
    fn profile_settings_are_validated() {
        let ok = endpoint(
            "x.ldif",
            "flavor = \"active-directory\"\n[attributes]\nkey = \"cn\"",
        );
        let c = LdifConnector::open(&ok).unwrap();
        assert_eq!(c.flavor, Some(Flavor::ActiveDirectory));
        for bad in [
            "user_filter = \"(x=y)\"",
            "flavor = \"novell\"",
            "[attributes]\nmail = \"x\"",
        ] {
            let err = LdifConnector::open(&endpoint("x.ldif", bad)).unwrap_err();
            assert_eq!(exit_code_of(&err), ExitCode::Usage, "{bad}: {err}");
        }
    }

    #[tokio::test]
    async fn missing_file_is_a_runtime_error_naming_the_path() {
        let err = connector("/nonexistent/dir.ldif")
            .read_users(&NoProgress)
            .await
            .unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Failure);
        assert!(err.to_string().contains("/nonexistent/dir.ldif"), "{err}");
    }

    #[tokio::test]
    async fn invalid_data_fails_the_whole_read() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let text = "dn: uid=a,dc=ex\nobjectClass: person\nuid: a\nmail: a@ex\n\n\
                    dn: uid=b,dc=ex\ncn:: !!\n";
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        let path = file.path().to_str().unwrap();
        let err = connector(path).read_users(&NoProgress).await.unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        assert_eq!(
            err.to_string(),
            format!("{path}:7: field \"cn\": invalid base64")
        );
    }

    #[test]
    fn glob_matching_is_case_insensitive() {
        assert!(glob_match("esn-*", "ESN-pilot"));
        assert!(glob_match("*-?ilot", "esn-pilot"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b", "axxbc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("esn", "esn-pilot"));
    }
}
