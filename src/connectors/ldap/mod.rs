//! `ldap://host[:port]/BASE_DN` and `ldaps://…`: OpenLDAP or Active Directory read live.
//!
//! Opening validates the profile and touches no network; each read connects, binds, reads
//! the root DSE (to choose OpenLDAP or AD defaults unless `flavor` is set) and streams a
//! paged search (1,000 entries a page) into [`DirectoryMapper`], so memory holds mapped
//! users, never raw LDAP messages.
//!
//! Safety: anything that could make a partial directory look complete is an error before
//! any plan: failed bind, timeout, referral, size or time limit, and a search that finds
//! no people at all (wrong base DN, broken filter).
//!
//! Groups (`users sync --groups [FILTER]`): FILTER is empty (every group), an LDAP filter
//! `(…)` (combined with the group filter), a group DN, or a cn (`*` is a wildcard). Each
//! group's members are resolved to the keys of the people read: nested groups expanded
//! (OpenLDAP: recursively, once per group, so cycles end; AD: the IN_CHAIN matching rule),
//! and AD's ranged `member;range=…` values read to the end.

mod client;
pub mod filter;
pub mod groups;
mod settings;

use crate::connectors::directory::{
    normalize_dn, DirEntry, DirectoryMapper, Flavor, MappedDirectory,
};
use crate::connectors::{Connector, ReadGroups, ReadUsers, UserSet};
use crate::core::endpoint::Endpoint;
use crate::core::model::{DirectoryGroup, USER_FIELDS};
use crate::core::progress::{NoProgress, Progress, StepCounter};
use crate::error::{Error, Kind, Result};
use async_trait::async_trait;
use client::{Credentials, Session};
pub use settings::group_map_key;
use settings::Settings;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The state of a read of people, moved to the task that maps them as they arrive.
struct PeopleRead {
    mapper: DirectoryMapper,
    /// Normalized DNs that `disabled_filter` selects.
    disabled: HashSet<String>,
    want_dns: bool,
    person_dns: HashSet<String>,
    people: u64,
    task: Box<dyn crate::core::progress::ProgressTask>,
    counted: StepCounter,
}

impl PeopleRead {
    fn take(&mut self, mut e: DirEntry) -> Result<()> {
        let dn = (self.want_dns || !self.disabled.is_empty()).then(|| normalize_dn(&e.dn));
        if dn.as_ref().is_some_and(|dn| self.disabled.contains(dn)) {
            // nsAccountLock is one of the conventions DirectoryMapper reads.
            e.add_value("nsAccountLock", b"TRUE".to_vec());
        }
        if e.is_a("inetOrgPerson")
            || e.is_a("person")
            || e.is_a("organizationalPerson")
            || e.is_a("user")
        {
            self.people += 1;
        }
        self.mapper.push_owned(e);
        if let Some(dn) = dn.filter(|_| self.want_dns) {
            self.person_dns.insert(dn);
        }
        self.counted.tick(&*self.task);
        Ok(())
    }
}

/// Attributes read from group entries.
const GROUP_ATTRS: &[&str] = &[
    "objectClass",
    "cn",
    "displayName",
    "description",
    "member",
    "uniqueMember",
    "memberUid",
];

/// An `ldap://` or `ldaps://` endpoint.
pub struct LdapConnector {
    settings: Arc<Settings>,
    creds: Option<Credentials>,
}

impl LdapConnector {
    /// Validates the settings and reads the credentials (environment, token file);
    /// connects to nothing.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let settings = Settings::from_endpoint(endpoint)?;
        let bind_dn = settings
            .bind_dn
            .clone()
            .or_else(|| std::env::var("ESNCTL_LDAP_BIND_DN").ok())
            .filter(|d| !d.trim().is_empty());
        let password = endpoint.secret("password_env", "ESNCTL_LDAP_PASSWORD")?;
        let creds = match (bind_dn, password) {
            (Some(dn), Some(password)) => Some(Credentials { dn, password }),
            (Some(dn), None) => {
                return Err(Error::usage(format!(
                    "endpoint \"{}\": bind DN \"{dn}\" but no password: set password_env in \
                     the profile or ESNCTL_LDAP_PASSWORD",
                    endpoint.label
                ))
                .into())
            }
            (None, Some(_)) if endpoint.settings.contains_key("password_env") => {
                return Err(Error::usage(format!(
                    "endpoint \"{}\": password_env is set but no bind_dn (or ESNCTL_LDAP_BIND_DN)",
                    endpoint.label
                ))
                .into())
            }
            // Anonymous: servers that allow it return what anonymous may read.
            _ => None,
        };
        Ok(LdapConnector {
            settings: Arc::new(settings),
            creds,
        })
    }

    async fn session(&self) -> Result<Session> {
        Session::open(self.settings.clone(), self.creds.as_ref()).await
    }

    fn flavor(&self, session: &Session) -> Flavor {
        self.settings
            .flavor
            .unwrap_or_else(|| session.detected_flavor())
    }

    fn user_filter(&self, flavor: Flavor) -> String {
        match (&self.settings.user_filter, flavor) {
            (Some(f), _) => filter::parenthesized(f),
            (None, Flavor::OpenLdap) => "(objectClass=inetOrgPerson)".into(),
            (None, Flavor::ActiveDirectory) => {
                "(&(objectCategory=person)(objectClass=user))".into()
            }
        }
    }

    fn group_filter(&self, flavor: Flavor) -> String {
        match (&self.settings.group_filter, flavor) {
            (Some(f), _) => filter::parenthesized(f),
            (None, Flavor::OpenLdap) => {
                "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
                    .into()
            }
            (None, Flavor::ActiveDirectory) => "(objectClass=group)".into(),
        }
    }

    /// Every attribute the mapping may use, plus those that say an account is disabled.
    fn user_attrs(&self, flavor: Flavor) -> Vec<String> {
        let map = crate::connectors::directory::AttributeMap::for_flavor(flavor)
            .with(&self.settings.overrides);
        let mut attrs: Vec<String> = vec!["objectClass".into()];
        for field in USER_FIELDS {
            attrs.extend(map.attributes(field).iter().cloned());
        }
        attrs.extend(self.settings.override_attrs.iter().cloned());
        attrs.extend(
            match flavor {
                // Operational: returned only when asked for by name.
                Flavor::OpenLdap => &["pwdAccountLockedTime", "nsAccountLock"][..],
                Flavor::ActiveDirectory => &["userAccountControl"][..],
            }
            .iter()
            .map(|a| a.to_string()),
        );
        let mut seen = HashSet::new();
        attrs.retain(|a| seen.insert(a.to_ascii_lowercase()));
        attrs
    }

    /// Reads every person into a mapper (not finished, so groups can be added) and, with
    /// `want_dns`, returns the normalized DNs of the people seen (else an empty set: a
    /// plain user read normalizes no DN per entry).
    async fn read_people(
        &self,
        session: &mut Session,
        progress: &dyn Progress,
        want_dns: bool,
    ) -> Result<(DirectoryMapper, HashSet<String>)> {
        let flavor = self.flavor(session);
        let base = session.base_dn()?;
        let scope = self.settings.scope.into();
        let user_filter = self.user_filter(flavor);

        // Entries matching disabled_filter are read first (DNs only) and marked inactive
        // as they stream by in the main search.
        let mut disabled = HashSet::new();
        if let Some(df) = &self.settings.disabled_filter {
            let f = filter::and([user_filter.as_str(), df.as_str()]);
            session
                .search_each(&base, scope, &f, &["1.1".to_string()], |e| {
                    disabled.insert(normalize_dn(&e.dn));
                    Ok(())
                })
                .await?;
        }

        let attrs = self.user_attrs(flavor);
        let reading = PeopleRead {
            mapper: DirectoryMapper::new(Some(flavor), self.settings.overrides.clone()),
            disabled,
            want_dns,
            person_dns: HashSet::new(),
            people: 0,
            task: progress.task("reading LDAP", None),
            counted: StepCounter::default(),
        };
        let (_, read) = session
            .search_apart(
                &base,
                scope,
                &user_filter,
                &attrs,
                reading,
                PeopleRead::take,
            )
            .await?;
        let PeopleRead {
            mapper,
            person_dns,
            people,
            task,
            mut counted,
            ..
        } = read;
        counted.flush(&*task);
        task.finish();
        if people == 0 {
            // Exit 4, like the generic empty-source guard of `users sync`.
            return Err(Error::new(
                Kind::SafetyLimit,
                format!(
                    "{}: no people found under \"{base}\" with {user_filter}; refusing to go on \
                     (that would deactivate everyone): check the base DN and user_filter",
                    self.settings.server
                ),
            )
            .into());
        }
        tracing::debug!("{}: {people} people read", self.settings.server);
        Ok((mapper, person_dns))
    }

    /// The search for the groups `filter` selects (see the module docs), as
    /// (base, scope, filter, exact) where exact means one named group was asked for.
    fn group_selection(
        &self,
        flavor: Flavor,
        base: &str,
        wanted: &str,
    ) -> Result<(String, ldap3::Scope, String, bool)> {
        let class = self.group_filter(flavor);
        let scope = self.settings.scope.into();
        if wanted.is_empty() {
            return Ok((base.to_string(), scope, class, false));
        }
        if wanted.starts_with('(') {
            filter::validate(wanted).map_err(|e| Error::usage(format!("--groups: {e}")))?;
            return Ok((
                base.to_string(),
                scope,
                filter::and([class.as_str(), wanted]),
                false,
            ));
        }
        if wanted.contains('=') {
            return Ok((wanted.to_string(), ldap3::Scope::Base, class, true));
        }
        let exact = !wanted.contains('*');
        let cn = if exact {
            filter::equals("cn", wanted)
        } else {
            filter::glob("cn", wanted)
        };
        Ok((
            base.to_string(),
            scope,
            filter::and([class.as_str(), cn.as_str()]),
            exact,
        ))
    }
}

#[async_trait]
impl Connector for LdapConnector {
    async fn check(&self) -> Result<String> {
        let mut session = self.session().await?;
        let flavor = self.flavor(&session);
        let base = session.base_dn()?;
        let found = session.read_entry(&base, &["1.1".to_string()]).await?;
        if found.is_none() {
            return Err(Error::new(
                Kind::Unavailable,
                format!(
                    "{}: no such base DN \"{base}\" (rc=32)",
                    self.settings.server
                ),
            )
            .into());
        }
        let bound = match &self.creds {
            Some(c) => format!("bound as \"{}\"", c.dn),
            None => "anonymous".to_string(),
        };
        let tls = if self.settings.ldaps {
            "LDAPS"
        } else if self.settings.starttls {
            "StartTLS"
        } else {
            "no TLS"
        };
        let line = format!(
            "LDAP server {} ({}{}), {tls}, {bound}, base DN \"{base}\"",
            self.settings.server,
            flavor.as_str(),
            session
                .root
                .vendor
                .as_deref()
                .map(|v| format!(", {v}"))
                .unwrap_or_default()
        );
        session.close().await;
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
impl ReadUsers for LdapConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let mut session = self.session().await?;
        let (mapper, _) = self.read_people(&mut session, progress, false).await?;
        session.close().await;
        Ok(mapper.finish_users())
    }
}

#[async_trait]
impl groups::EntryReader for Session {
    async fn read_entry(&mut self, dn: &str, attrs: &[String]) -> Result<Option<DirEntry>> {
        Session::read_entry(self, dn, attrs).await
    }
}

#[async_trait]
impl ReadGroups for LdapConnector {
    async fn read_groups(&self, wanted: Option<&str>) -> Result<Vec<DirectoryGroup>> {
        let wanted = wanted.map(str::trim).unwrap_or_default();
        let mut session = self.session().await?;
        let flavor = self.flavor(&session);
        let base = session.base_dn()?;
        let (gbase, gscope, gfilter, exact) = self.group_selection(flavor, &base, wanted)?;
        let (mut mapper, person_dns) = self.read_people(&mut session, &NoProgress, true).await?;
        let attrs: Vec<String> = GROUP_ATTRS.iter().map(|a| a.to_string()).collect();

        let mut selected_entries = Vec::new();
        let found = session
            .search_each(&gbase, gscope, &gfilter, &attrs, |e| {
                selected_entries.push(e);
                Ok(())
            })
            .await;
        match found {
            // A DN that names no entry: the same answer as a cn that matches nothing.
            Err(e) if exact && gscope == ldap3::Scope::Base && e.to_string().contains("rc=32") => {}
            other => {
                other?;
            }
        }
        if selected_entries.is_empty() && exact {
            return Err(Error::new(
                Kind::NotFound,
                format!("{}: no group matches \"{wanted}\"", self.settings.server),
            )
            .into());
        }
        let selected: Vec<String> = selected_entries
            .iter()
            .map(|e| normalize_dn(&e.dn))
            .collect();

        // Complete AD ranges, then (OpenLDAP) fetch nested groups outside the selection,
        // breadth first; `known` stops cycles.
        let mut known: HashSet<String> = selected.iter().cloned().collect();
        let mut queue = selected_entries;
        let mut fetched = 0usize;
        while let Some(mut entry) = queue.pop() {
            for attr in ["member", "uniqueMember"] {
                groups::complete_ranged(&mut session, &mut entry, attr).await?;
            }
            if flavor == Flavor::OpenLdap {
                for attr in ["member", "uniqueMember"] {
                    for v in entry.get(attr).to_vec() {
                        let Ok(dn) = String::from_utf8(v) else {
                            continue;
                        };
                        let dn = dn
                            .rsplit_once("#'")
                            .map_or(dn.as_str(), |(d, _)| d)
                            .to_string();
                        let norm = normalize_dn(&dn);
                        if person_dns.contains(&norm) || !known.insert(norm) {
                            continue;
                        }
                        fetched += 1;
                        if let Some(sub) = session.read_entry(&dn, &attrs).await? {
                            if GROUP_CLASSES.iter().any(|c| sub.is_a(c)) {
                                queue.push(sub);
                            }
                        }
                    }
                }
            }
            mapper.push(&entry);
        }
        tracing::debug!(
            "{}: {fetched} member entries read for nested groups",
            self.settings.server
        );

        let MappedDirectory {
            groups: all,
            group_warnings,
            person_keys,
            users,
            ..
        } = mapper.finish();
        let selected_set: HashSet<&str> = selected.iter().map(String::as_str).collect();
        let mut out: Vec<DirectoryGroup> = all
            .into_iter()
            .filter(|g| selected_set.contains(normalize_dn(&g.dn).as_str()))
            .collect();
        group_warnings.iter().for_each(|w| tracing::warn!("{w}"));

        if flavor == Flavor::ActiveDirectory {
            // The server expands nesting itself; only people the user filter selects count.
            let active: HashMap<&str, &str> = users
                .users
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.key.as_str(), u.key.as_str()))
                .collect();
            let user_filter = self.user_filter(flavor);
            for g in &mut out {
                let chain = format!("(memberOf:{}:={})", groups::IN_CHAIN, filter::escape(&g.dn));
                let f = filter::and([user_filter.as_str(), chain.as_str()]);
                let mut keys = Vec::new();
                session
                    .search_each(
                        &base,
                        ldap3::Scope::Subtree,
                        &f,
                        &["1.1".to_string()],
                        |e| {
                            if let Some(k) = person_keys.get(&normalize_dn(&e.dn)) {
                                if let Some(k) = active.get(k.as_str()) {
                                    keys.push(k.to_string());
                                }
                            }
                            Ok(())
                        },
                    )
                    .await?;
                g.member_keys = keys;
            }
        }
        session.close().await;
        Ok(out)
    }
}

const GROUP_CLASSES: &[&str] = &["groupOfNames", "groupOfUniqueNames", "group", "posixGroup"];
