//! HTTP for SCIM: bearer authentication, discovery (`/ServiceProviderConfig`,
//! `/ResourceTypes`, `/Schemas`) at first use, paginated listing, and error mapping.
//! The token is only ever put in the Authorization header (marked sensitive).

use super::wire::{self, ListResponse, ResourceType, SchemaDef, ServiceProviderConfig};
use crate::core::http::{self, RequestStats, RetryPolicy, SendError};
use crate::error::{Error, Kind, Result};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::OnceCell;
use url::Url;

/// What the server announced, deciding which requests are used.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub config: ServiceProviderConfig,
    /// Relative paths of the User and Group endpoints (`Users`).
    pub users: String,
    pub groups: String,
    /// Whether the enterprise User extension (department, manager) is served.
    pub enterprise: bool,
}

/// A successful answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub etag: Option<String>,
    /// `None` for an empty body (PATCH answers 204 on many servers).
    pub body: Option<Value>,
}

/// A failed call, as a SCIM error (`scimType`, `detail`) or a transport failure.
#[derive(Debug, Clone)]
pub struct CallError {
    pub status: Option<u16>,
    pub scim_type: Option<String>,
    pub detail: String,
    /// False when the request certainly never reached the server.
    pub sent: bool,
}

impl CallError {
    pub fn is_auth(&self) -> bool {
        matches!(self.status, Some(401 | 403))
    }

    /// The outcome is unknown or the server was temporarily unable: worth a re-check.
    pub fn is_transient(&self) -> bool {
        match self.status {
            None => true,
            Some(s) => http::is_transient_status(StatusCode::from_u16(s).unwrap_or_default()),
        }
    }

    /// The fatal error for a rejected token: one clear line, never the token.
    pub fn auth_error(&self) -> anyhow::Error {
        Error::new(
            Kind::Auth,
            format!(
                "SCIM server rejected the token ({}); check token_file/token_env or ESNCTL_SCIM_TOKEN",
                self.status.unwrap_or(401)
            ),
        )
        .into()
    }

    /// A whole-run error (for reads): auth, or the server unavailable.
    pub fn into_fatal(self, what: &str) -> anyhow::Error {
        if self.is_auth() {
            return self.auth_error();
        }
        let kind = match self.status {
            Some(404) => Kind::NotFound,
            Some(429) => Kind::RateLimited,
            _ => Kind::Unavailable,
        };
        Error::new(kind, format!("{what}: {self}")).into()
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.status, &self.scim_type) {
            (Some(s), Some(t)) => write!(f, "SCIM {s} {t}: {}", self.detail),
            (Some(s), None) => write!(f, "SCIM {s}: {}", self.detail),
            (None, _) => write!(f, "{}", self.detail),
        }
    }
}

pub struct Client {
    base: Url,
    http: reqwest::Client,
    token: SecretString,
    pub stats: RequestStats,
    policy: RetryPolicy,
    page_size: usize,
    discovery: OnceCell<Discovery>,
}

impl Client {
    /// `url` is the service provider's base (`http://host:8080/v2`). No network I/O.
    pub fn new(
        url: &str,
        token: SecretString,
        page_size: usize,
        policy: RetryPolicy,
    ) -> Result<Self> {
        let mut base = Url::parse(url)
            .map_err(|e| Error::usage(format!("invalid SCIM URL \"{url}\": {e}")))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = http::client(&http::ClientConfig::default())
            .map_err(|e| Error::runtime(format!("cannot create the HTTP client: {e}")))?;
        Ok(Client {
            base,
            http,
            token,
            stats: RequestStats::default(),
            policy,
            page_size: page_size.max(1),
            discovery: OnceCell::new(),
        })
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `rel` ("Users") plus optional id segment, percent-encoded.
    pub fn url(&self, rel: &str, id: Option<&str>) -> Url {
        let mut url = self
            .base
            .join(rel.trim_start_matches('/'))
            .unwrap_or_else(|_| self.base.clone());
        if let Some(id) = id {
            if let Ok(mut segs) = url.path_segments_mut() {
                segs.pop_if_empty().push(id);
            }
        }
        url
    }

    /// One request with retries for transient failures (POST only when certainly unsent
    /// or refused with 429). Any status is returned as `Ok` or `Err(CallError)`.
    pub async fn call(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> std::result::Result<Answer, CallError> {
        let idempotent = method != Method::POST;
        let build = || {
            let mut url = url.clone();
            if !query.is_empty() {
                url.query_pairs_mut().extend_pairs(query);
            }
            let mut req = self
                .http
                .request(method.clone(), url)
                .bearer_auth(self.token.expose_secret())
                .header(reqwest::header::ACCEPT, wire::CONTENT_TYPE);
            if let Some(tag) = if_match {
                req = req.header(reqwest::header::IF_MATCH, tag);
            }
            if let Some(body) = body {
                req = req
                    .header(reqwest::header::CONTENT_TYPE, wire::CONTENT_TYPE)
                    .body(body.to_string());
            }
            req
        };
        let response = match http::send(build, idempotent, &self.policy, &self.stats).await {
            Ok(r) => r,
            Err(SendError::Status(r)) => r,
            Err(e @ SendError::Transport { sent, .. }) => {
                return Err(CallError {
                    status: None,
                    scim_type: None,
                    detail: format!("{method} {}: {e}", url.path()),
                    sent,
                })
            }
        };
        let status = response.status();
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response.bytes().await.map_err(|e| CallError {
            status: Some(status.as_u16()),
            scim_type: None,
            detail: format!("reading the answer to {method} {}: {e}", url.path()),
            sent: true,
        })?;
        let body: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if status.is_success() {
            return Ok(Answer { status, etag, body });
        }
        let parsed: wire::ErrorBody = body
            .clone()
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default();
        let detail = parsed.detail.unwrap_or_else(|| {
            let text = String::from_utf8_lossy(&bytes);
            let text = text.trim();
            if text.is_empty() || text.len() > 200 {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                text.replace('\n', " ")
            }
        });
        Err(CallError {
            status: Some(status.as_u16()),
            scim_type: parsed.scim_type,
            detail,
            sent: true,
        })
    }

    pub async fn get(
        &self,
        url: Url,
        query: &[(&str, String)],
    ) -> std::result::Result<Answer, CallError> {
        self.call(Method::GET, url, query, None, None).await
    }

    /// The announced configuration, fetched once.
    pub async fn discovery(&self) -> Result<&Discovery> {
        self.discovery.get_or_try_init(|| self.discover()).await
    }

    pub fn discovered(&self) -> Option<&Discovery> {
        self.discovery.get()
    }

    async fn discover(&self) -> Result<Discovery> {
        let answer = self
            .get(self.url("ServiceProviderConfig", None), &[])
            .await
            .map_err(|e| e.into_fatal(&format!("SCIM discovery at {}", self.base)))?;
        let config: ServiceProviderConfig = answer
            .body
            .and_then(|b| serde_json::from_value(b).ok())
            .ok_or_else(|| {
                Error::new(
                    Kind::Unavailable,
                    format!(
                        "{}ServiceProviderConfig is not a SCIM ServiceProviderConfig",
                        self.base
                    ),
                )
            })?;
        let mut discovery = Discovery {
            config,
            users: "Users".into(),
            groups: "Groups".into(),
            enterprise: true,
        };
        // Many providers do not serve these two; the RFC defaults are then assumed.
        match self
            .list_all::<ResourceType>("ResourceTypes", None, None)
            .await
        {
            Ok(types) => {
                for t in types {
                    let rel = t.endpoint.trim_start_matches('/').to_string();
                    if t.schema == wire::USER_SCHEMA {
                        discovery.enterprise = t
                            .schema_extensions
                            .iter()
                            .any(|e| e.schema == wire::ENTERPRISE);
                        discovery.users = rel;
                    } else if t.schema == wire::GROUP_SCHEMA {
                        discovery.groups = rel;
                    }
                }
            }
            Err(e) if e.is_auth() => return Err(e.auth_error()),
            Err(e) => tracing::debug!("SCIM /ResourceTypes unavailable ({e}); assuming defaults"),
        }
        match self.list_all::<SchemaDef>("Schemas", None, None).await {
            Ok(schemas) if !schemas.is_empty() => {
                discovery.enterprise &= schemas.iter().any(|s| s.id == wire::ENTERPRISE);
            }
            Ok(_) => {}
            Err(e) if e.is_auth() => return Err(e.auth_error()),
            Err(e) => tracing::debug!("SCIM /Schemas unavailable ({e})"),
        }
        let c = &discovery.config;
        tracing::debug!(
            patch = c.patch.supported,
            bulk = c.bulk.supported,
            bulk_max_operations = c.bulk.max_operations,
            bulk_max_payload = c.bulk.max_payload_size,
            filter_max_results = c.filter.max_results,
            etag = c.etag.supported,
            enterprise = discovery.enterprise,
            "SCIM service provider configuration"
        );
        Ok(discovery)
    }

    /// Every resource of an endpoint (or those matching `filter`), page by page
    /// (startIndex/count within the server's maxResults).
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        rel: &str,
        filter: Option<String>,
        on_page: Option<&(dyn Fn(usize) + Sync)>,
    ) -> std::result::Result<Vec<T>, CallError> {
        let max = self
            .discovered()
            .map(|d| d.config.filter.max_results)
            .filter(|&m| m > 0)
            .unwrap_or(usize::MAX);
        let count = self.page_size.min(max);
        let mut out: Vec<T> = Vec::new();
        let mut start = 1usize;
        loop {
            let mut query = vec![
                ("startIndex", start.to_string()),
                ("count", count.to_string()),
            ];
            if let Some(f) = &filter {
                query.push(("filter", f.clone()));
            }
            let answer = self.get(self.url(rel, None), &query).await?;
            let page: ListResponse<T> = answer
                .body
                .ok_or_else(|| "empty body".to_string())
                .and_then(|b| serde_json::from_value(b).map_err(|e| e.to_string()))
                .map_err(|e| CallError {
                    status: Some(answer.status.as_u16()),
                    scim_type: None,
                    detail: format!("GET {rel}: not a SCIM list response: {e}"),
                    sent: true,
                })?;
            let got = page.resources.len();
            out.extend(page.resources);
            if let Some(cb) = on_page {
                cb(got);
            }
            // Servers that ignore paging return everything at once; stop on a short page.
            if got == 0 || out.len() >= page.total_results {
                return Ok(out);
            }
            start += got;
        }
    }
}
