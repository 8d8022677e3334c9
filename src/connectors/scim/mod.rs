//! `scim+https://host/base` (and `scim+http://` for loopback tests): a SCIM 2.0 service
//! provider (RFC 7643/7644), with a bearer token from the profile (`token_env`,
//! `token_file`) or `ESNCTL_SCIM_TOKEN`.
//!
//! What the server announces at first use decides the requests: PATCH (else PUT of the
//! full current resource), `/Bulk` within maxOperations/maxPayloadSize, If-Match with the
//! ETag. DELETE is never sent. Creates look the user up by `userName` first and adopt it
//! after a 409. Deactivations esnctl makes are recorded as members of a SCIM group (the
//! deactivation ledger, `esnctl-deactivated` by default; see `groups.rs`), so only those
//! are reactivated by a later sync.

mod bulk;
mod client;
pub mod filter;
mod groups;
mod user_writes;
mod users;
pub mod wire;

use crate::connectors::{
    Connector, ItemResult, ReadCommunities, ReadUsers, StoredFields, UserSet, WriteCommunities,
    WriteUsers,
};
use crate::core::endpoint::Endpoint;
use crate::core::http::{RetryPolicy, StatsSnapshot};
use crate::core::plan::{Action, UserChange};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use async_trait::async_trait;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

pub use client::CallError;

/// Profile settings of a SCIM endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// Read by [`Endpoint::secret`].
    #[serde(default)]
    #[allow(dead_code)]
    token_env: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    token_file: Option<String>,
    /// Use `/Bulk` when the server supports it.
    #[serde(default = "yes")]
    bulk: bool,
    /// Use PATCH when the server supports it (false: always PUT the full resource).
    #[serde(default = "yes")]
    patch: bool,
    /// Resources per page when listing (capped by the server's filter.maxResults).
    #[serde(default = "default_page_size")]
    page_size: usize,
    /// The SCIM group recording esnctl's deactivations; "" disables it (then no inactive
    /// user is ever reactivated automatically).
    #[serde(default = "default_ledger_group")]
    deactivated_group: String,
}

fn yes() -> bool {
    true
}
fn default_page_size() -> usize {
    500
}
fn default_ledger_group() -> String {
    "esnctl-deactivated".into()
}

/// What esnctl knows of a user resource between requests.
#[derive(Debug, Clone, Default)]
struct Cached {
    etag: Option<String>,
    emails: Vec<wire::Email>,
}

/// Users and groups as last seen, to resolve keys to ids without extra requests.
#[derive(Debug, Default)]
struct Index {
    users_loaded: bool,
    id_by_key: HashMap<String, String>,
    key_by_id: HashMap<String, String>,
    users: HashMap<String, Cached>,
    /// The deactivation ledger group: `None` until looked up.
    ledger: Option<groups::Ledger>,
    groups_loaded: bool,
    /// Lowercase community key → (group id, etag).
    groups: HashMap<String, (String, Option<String>)>,
}

pub struct ScimConnector {
    label: String,
    client: client::Client,
    settings: Settings,
    concurrency: usize,
    index: Mutex<Index>,
}

impl ScimConnector {
    /// Parses settings and reads the token; no network I/O (discovery is at first use).
    pub fn open(endpoint: &Endpoint, concurrency: usize) -> Result<Self> {
        let settings: Settings = endpoint.settings()?;
        let token = endpoint.secret("token_env", "ESNCTL_SCIM_TOKEN")?.ok_or_else(|| {
            Error::usage(format!(
                "endpoint \"{}\": no SCIM token: set ESNCTL_SCIM_TOKEN, or token_env/token_file in its profile",
                endpoint.label
            ))
        })?;
        let url = endpoint.location.strip_prefix("scim+").ok_or_else(|| {
            Error::usage(format!(
                "\"{}\" is not a scim+http(s):// URL",
                endpoint.location
            ))
        })?;
        let client = client::Client::new(url, token, settings.page_size, RetryPolicy::default())?;
        Ok(ScimConnector {
            label: endpoint.label.clone(),
            client,
            settings,
            concurrency: concurrency.max(1),
            index: Mutex::new(Index::default()),
        })
    }

    /// Requests sent so far, by method.
    pub fn stats(&self) -> StatsSnapshot {
        self.client.stats.snapshot()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a user resource as seen now.
    fn remember(&self, u: &wire::User, etag: Option<String>) {
        let mut idx = self.lock();
        if let Some(old) = idx.key_by_id.insert(u.id.clone(), u.user_name.clone()) {
            if !old.eq_ignore_ascii_case(&u.user_name) {
                idx.id_by_key.remove(&old.to_lowercase());
            }
        }
        idx.id_by_key
            .insert(u.user_name.to_lowercase(), u.id.clone());
        idx.users.insert(
            u.id.clone(),
            Cached {
                etag: etag.or_else(|| u.meta.version.clone()),
                emails: u.emails.clone(),
            },
        );
    }

    /// Every user, read once per run (also fills the key ↔ id index).
    async fn load_users(&self, progress: &dyn Progress) -> Result<Vec<wire::User>> {
        let d = self.client.discovery().await?;
        let task = progress.task("reading SCIM users", None);
        let on_page = |n: usize| task.inc(n as u64);
        let users: Vec<wire::User> = self
            .client
            .list_all(&d.users, None, Some(&on_page))
            .await
            .map_err(|e| e.into_fatal(&format!("listing users of {}", self.label)))?;
        task.finish();
        for u in &users {
            self.remember(u, None);
        }
        self.lock().users_loaded = true;
        Ok(users)
    }

    async fn ensure_users(&self, progress: &dyn Progress) -> Result<()> {
        if !self.lock().users_loaded {
            self.load_users(progress).await?;
        }
        Ok(())
    }

    fn stored(&self) -> &'static [&'static str] {
        match self.client.discovered() {
            Some(d) if !d.enterprise => users::STORED_CORE,
            _ => users::STORED,
        }
    }
}

impl Drop for ScimConnector {
    fn drop(&mut self) {
        self.client.stats.log(&self.label);
    }
}

#[async_trait]
impl Connector for ScimConnector {
    async fn check(&self) -> Result<String> {
        let d = self.client.discovery().await?;
        // ServiceProviderConfig is often public: prove the token on a protected endpoint.
        self.client
            .get(self.client.url(&d.users, None), &[("count", "1".into())])
            .await
            .map_err(|e| e.into_fatal(&format!("SCIM server {}", self.client.base())))?;
        let c = &d.config;
        let on = |b: bool| if b { "yes" } else { "no" };
        Ok(format!(
            "SCIM at {}: patch {}, bulk {} (max {} operations), etag {}, enterprise extension {}",
            self.client.base(),
            on(c.patch.supported),
            on(c.bulk.supported),
            c.bulk.max_operations,
            on(c.etag.supported),
            on(d.enterprise)
        ))
    }

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        Some(self)
    }
    fn as_write_users(&self) -> Option<&dyn WriteUsers> {
        Some(self)
    }
    fn as_read_communities(&self) -> Option<&dyn ReadCommunities> {
        Some(self)
    }
    fn as_write_communities(&self) -> Option<&dyn WriteCommunities> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for ScimConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let raw = self.load_users(progress).await?;
        let marked: HashSet<String> = self.ledger().await?.members.clone();
        let keys_by_id = self.lock().key_by_id.clone();
        let mut set = UserSet::default();
        for u in &raw {
            if u.user_name.trim().is_empty() {
                set.warnings
                    .push(format!("SCIM user {} has no userName; ignored", u.id));
                continue;
            }
            set.users.push(users::to_canonical(u, &keys_by_id, &marked));
        }
        Ok(set)
    }
}

/// How one item ended: `Fatal` stops the whole run (a rejected token).
enum Fail {
    Item(String),
    Fatal(anyhow::Error),
}

/// A successful user write: the resource id, and whether its manager still has to be set
/// (created before the manager existed).
struct Done {
    id: String,
    manager_pending: bool,
}

type Outcome = std::result::Result<Done, Fail>;

fn fail(change: &UserChange, e: CallError) -> Fail {
    if e.is_auth() {
        return Fail::Fatal(e.auth_error());
    }
    Fail::Item(format!(
        "\"{}\": {} failed: {e}",
        change.key,
        change.action.as_str()
    ))
}

#[async_trait]
impl WriteUsers for ScimConnector {
    fn stored_fields(&self) -> StoredFields {
        StoredFields::Only(self.stored())
    }

    async fn apply_users(
        &self,
        changes: &[UserChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let d = self.client.discovery().await?;
        self.ensure_users(progress).await?;
        let task = progress.task("writing SCIM users", Some(changes.len() as u64));
        let mut outcomes: Vec<Option<Outcome>> = (0..changes.len()).map(|_| None).collect();

        if self.settings.bulk && d.config.bulk.supported && d.config.bulk.max_operations > 0 {
            bulk::apply(self, changes, &mut outcomes, &*task).await;
        }
        // Creates first, so that updates naming a new manager can resolve it.
        let pending = |outcomes: &[Option<Outcome>], create: bool| -> Vec<usize> {
            (0..changes.len())
                .filter(|&i| {
                    outcomes[i].is_none() && (changes[i].action == Action::Create) == create
                })
                .collect()
        };
        for create in [true, false] {
            let todo = pending(&outcomes, create);
            let done = crate::core::executor::run_bounded(&todo, self.concurrency, |_, &i| {
                let task = &task;
                async move {
                    let out = if create {
                        self.create_one(&changes[i]).await
                    } else {
                        self.update_one(&changes[i]).await
                    };
                    task.inc(1);
                    out
                }
            })
            .await;
            for (i, out) in todo.into_iter().zip(done) {
                outcomes[i] = Some(out);
            }
            if create {
                self.set_pending_managers(changes, &mut outcomes).await;
            }
        }
        task.finish();
        self.record_ledger(changes, &mut outcomes).await;

        let mut results = Vec::with_capacity(changes.len());
        for out in outcomes {
            match out.expect("every change has an outcome") {
                Ok(_) => results.push(Ok(())),
                Err(Fail::Item(msg)) => results.push(Err(msg)),
                Err(Fail::Fatal(e)) => return Err(e),
            }
        }
        Ok(results)
    }
}
