//! Matrix homeserver (Synapse) connector: `matrix+https://host[:port]` (and `matrix+http`
//! for loopback tests).
//!
//! - Users: Synapse admin API, keyed by localpart ([`localpart`]); what Synapse has no
//!   field for is kept in the account registry room ([`registry`]).
//! - Communities: spaces with a canonical alias `#<key>:SERVER` ([`communities`]).
//! - Activity: admin users list and room timelines ([`activity`]).
//! - Content write: messages sent as their authors through the application service
//!   ([`content`]); content read: rooms of community spaces back to posts, threads,
//!   reactions and attachments ([`content_read`]).
//!
//! Secrets: the admin token from the profile (`token_env` / `token_file`) or
//! `ESNCTL_MATRIX_TOKEN`; the application-service token (acting as users) from the
//! profile (`as_token_env` / `as_token_file`) or `ESNCTL_MATRIX_AS_TOKEN`. The server name
//! is discovered from `whoami` (the admin's user id), never from room ids (room version 12
//! ids have no server part).

mod activity;
mod activity_cache;
mod client;
mod communities;
mod content;
mod content_map;
mod content_read;
pub mod localpart;
mod markup;
mod media;
mod registry;
mod send;
mod timeline;
mod users;
mod wire;

use crate::connectors::{
    Connector, Durability, IdLookup, OpenOptions, ReadActivity, ReadCommunities, ReadUsers, Record,
    WriteCommunities, WriteContent, WriteOutcome, WriteUsers,
};
use crate::core::endpoint::Endpoint;
use crate::error::{Error, Result};
use client::{As, Client};
use registry::Registry;
use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    token_env: Option<String>,
    #[serde(default)]
    token_file: Option<String>,
    #[serde(default)]
    as_token_env: Option<String>,
    #[serde(default)]
    as_token_file: Option<String>,
    /// SQLite file where activity reads remember where they stopped.
    #[serde(default)]
    activity_cache: Option<std::path::PathBuf>,
}

/// Facts learnt from the server on first use.
#[derive(Debug, Clone)]
struct Ctx {
    /// The admin's user id.
    me: String,
    /// The server name (`localhost`, `corp.example`).
    server: String,
    /// The application service's own user, when an AS token is set.
    bot: Option<String>,
}

pub struct MatrixConnector {
    client: Client,
    concurrency: usize,
    ctx: OnceCell<Ctx>,
    /// The account registry, once read; kept up to date by writes.
    registry: Mutex<Option<Registry>>,
    content: content::ContentCache,
    activity_cache: Option<std::path::PathBuf>,
}

impl MatrixConnector {
    /// Validates the URI and settings and finds the tokens; touches no network.
    pub fn open(endpoint: &Endpoint, options: &OpenOptions) -> Result<Self> {
        let settings: Settings = endpoint.settings()?;
        let base = base_url(&endpoint.location)
            .map_err(|why| Error::usage(format!("endpoint \"{}\": {why}", endpoint.label)))?;
        let admin = endpoint
            .secret("token_env", "ESNCTL_MATRIX_TOKEN")?
            .ok_or_else(|| {
                Error::usage(format!(
                    "endpoint \"{}\": no admin access token: set ESNCTL_MATRIX_TOKEN, or \
                     token_env / token_file in the profile",
                    endpoint.label
                ))
            })?;
        let as_token = as_token(endpoint, &settings)?;
        let _ = settings.token_env; // read by Endpoint::secret
        let _ = settings.token_file;
        Ok(MatrixConnector {
            client: Client::new(base, endpoint.label.clone(), admin, as_token)?,
            concurrency: options.concurrency.max(1),
            ctx: OnceCell::new(),
            registry: Mutex::new(None),
            content: Default::default(),
            activity_cache: settings.activity_cache,
        })
    }

    async fn ctx(&self) -> Result<&Ctx> {
        self.ctx
            .get_or_try_init(|| async {
                let who: wire::Whoami = self
                    .client
                    .call(
                        Method::GET,
                        "/_matrix/client/v3/account/whoami",
                        &[],
                        None,
                        (As::Admin, None),
                    )
                    .await?;
                let server = who
                    .user_id
                    .split_once(':')
                    .map(|(_, s)| s.to_string())
                    .ok_or_else(|| {
                        Error::runtime(format!(
                            "{}: whoami answered a user id without a server name: {}",
                            self.client.label(),
                            who.user_id
                        ))
                    })?;
                let bot = if self.client.has_as_token() {
                    let b: wire::Whoami = self
                        .client
                        .call(
                            Method::GET,
                            "/_matrix/client/v3/account/whoami",
                            &[],
                            None,
                            (As::User, None),
                        )
                        .await?;
                    Some(b.user_id)
                } else {
                    None
                };
                Ok::<_, anyhow::Error>(Ctx {
                    me: who.user_id,
                    server,
                    bot,
                })
            })
            .await
    }

    /// The registry, read on first use.
    async fn registry(&self) -> Result<Registry> {
        let mut guard = self.registry.lock().await;
        if let Some(r) = guard.as_ref() {
            return Ok(r.clone());
        }
        let ctx = self.ctx().await?;
        let r = registry::load(&self.client, &ctx.server).await?;
        *guard = Some(r.clone());
        Ok(r)
    }

    /// Accounts that esnctl must never list as managed users: itself and the bridge bot.
    fn is_service_account(&self, ctx: &Ctx, user_id: &str) -> bool {
        user_id == ctx.me || ctx.bot.as_deref() == Some(user_id)
    }
}

/// `matrix+https://host[:port]` → `https://host[:port]`.
fn base_url(location: &str) -> std::result::Result<String, String> {
    let rest = location
        .strip_prefix("matrix+")
        .ok_or_else(|| "expected matrix+https://HOST[:PORT]".to_string())?;
    let url = url::Url::parse(rest).map_err(|e| format!("bad URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("expected matrix+https://HOST[:PORT]".into());
    }
    if url.path() != "/" && !url.path().is_empty() || url.query().is_some() {
        return Err("a Matrix endpoint is a server root: matrix+https://HOST[:PORT]".into());
    }
    let mut base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        base.push_str(&format!(":{port}"));
    }
    Ok(base)
}

fn as_token(endpoint: &Endpoint, s: &Settings) -> Result<Option<SecretString>> {
    if let Some(var) = &s.as_token_env {
        return std::env::var(var)
            .map(|v| Some(SecretString::from(v)))
            .map_err(|_| {
                Error::usage(format!(
                    "endpoint \"{}\": environment variable {var} (named by as_token_env) is not set",
                    endpoint.label
                ))
                .into()
            });
    }
    if let Some(path) = &s.as_token_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::usage(format!(
                "endpoint \"{}\": cannot read as_token_file {path}: {e}",
                endpoint.label
            ))
        })?;
        return Ok(Some(SecretString::from(text.trim().to_string())));
    }
    Ok(std::env::var("ESNCTL_MATRIX_AS_TOKEN")
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from))
}

#[async_trait::async_trait]
impl Connector for MatrixConnector {
    async fn check(&self) -> Result<String> {
        let ctx = self.ctx().await?;
        // Only a server admin may list users: this proves the token is an admin's.
        let _: wire::UsersPage = self
            .client
            .call(
                Method::GET,
                "/_synapse/admin/v2/users",
                &[("limit", "1")],
                None,
                (As::Admin, None),
            )
            .await?;
        Ok(format!(
            "Matrix homeserver \"{}\", signed in as {} (server admin){}",
            ctx.server,
            ctx.me,
            match &ctx.bot {
                Some(bot) => format!(", application service {bot}"),
                None => ", no application-service token".to_string(),
            }
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
    fn as_read_activity(&self) -> Option<&dyn ReadActivity> {
        Some(self)
    }
    fn as_write_content(&self) -> Option<&dyn WriteContent> {
        Some(self)
    }
    fn as_read_content(&self) -> Option<&dyn crate::connectors::ReadContent> {
        Some(self)
    }
}

#[async_trait::async_trait]
impl WriteContent for MatrixConnector {
    fn durability(&self) -> Durability {
        Durability::PerRecord
    }

    async fn write(
        &self,
        record: &Record,
        bytes: Option<Box<dyn std::io::Read + Send>>,
        ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        self.write_record(record, bytes, ids).await
    }

    async fn finish(&self) -> Result<()> {
        Ok(())
    }
}

impl Drop for MatrixConnector {
    fn drop(&mut self) {
        self.client.stats.log(self.client.label());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_scheme_host_and_port_only() {
        assert_eq!(
            base_url("matrix+http://127.0.0.1:8008").unwrap(),
            "http://127.0.0.1:8008"
        );
        assert_eq!(
            base_url("matrix+https://matrix.corp.example/").unwrap(),
            "https://matrix.corp.example"
        );
        assert!(base_url("matrix+https://h/x").is_err());
        assert!(base_url("matrix+ftp://h").is_err());
    }
}
