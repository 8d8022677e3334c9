//! HTTP to a Matrix homeserver: the admin token for the client-server and Synapse admin
//! APIs, the application-service token (optional) to act as users. Retries go through the
//! shared layer ([`crate::core::http`]); Matrix's own 429 body (`M_LIMIT_EXCEEDED` with
//! `retry_after_ms`, sent without a `Retry-After` header by older Synapses) is waited out
//! here on top of it.

use crate::core::http::{self, RequestStats, RetryPolicy, SendError};
use crate::error::{Error, Kind, Result};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

/// Which token a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum As {
    Admin,
    /// The application service, masquerading as this user id (`?user_id=`).
    User,
}

/// A Matrix error answer, kept so callers can branch on `errcode`.
#[derive(Debug)]
pub struct MatrixError {
    pub status: StatusCode,
    pub errcode: String,
    pub error: String,
}

impl std::fmt::Display for MatrixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.errcode,
            self.error
        )
    }
}

pub struct Client {
    http: reqwest::Client,
    /// `http(s)://host[:port]` without a trailing slash.
    base: String,
    /// What the user typed, for messages.
    label: String,
    admin_token: SecretString,
    as_token: Option<SecretString>,
    policy: RetryPolicy,
    pub stats: RequestStats,
}

/// How many times a 429 from the Matrix body is waited out before giving up.
const MAX_RATE_LIMIT_WAITS: usize = 100;

impl Client {
    pub fn new(
        base: String,
        label: String,
        admin_token: SecretString,
        as_token: Option<SecretString>,
    ) -> Result<Client> {
        let http = http::client(&http::ClientConfig::default())
            .map_err(|e| Error::runtime(format!("{label}: cannot build an HTTP client: {e}")))?;
        Ok(Client {
            http,
            base,
            label,
            admin_token,
            as_token,
            policy: RetryPolicy::default(),
            stats: RequestStats::default(),
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// `http(s)://host[:port]`, for requests built outside [`Client::call`] (media).
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn admin_token(&self) -> &SecretString {
        &self.admin_token
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    pub fn has_as_token(&self) -> bool {
        self.as_token.is_some()
    }

    /// Sends a request and decodes a JSON answer; Matrix errors become typed errors naming
    /// the endpoint and the request path (never the token).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        who: (As, Option<&str>),
    ) -> Result<T> {
        match self.call_raw(method, path, query, body, who).await? {
            Ok(v) => serde_json::from_value(v).map_err(|e| {
                Error::new(
                    Kind::Runtime,
                    format!("{}: unexpected answer to {path}: {e}", self.label),
                )
                .into()
            }),
            Err(m) => Err(self.error_of(path, m).into()),
        }
    }

    /// Like [`Client::call`] but hands Matrix error answers back for the caller to judge
    /// (e.g. `M_NOT_FOUND` meaning "absent"); transport failures are still errors.
    pub async fn call_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        who: (As, Option<&str>),
    ) -> Result<std::result::Result<Value, MatrixError>> {
        let idempotent = method != Method::POST;
        self.request(method, path, query, body, who, idempotent)
            .await
    }

    /// Like [`Client::call_raw`] for a request that must not be sent twice blindly: a
    /// failure once it may have reached the server (reset, timeout, 5xx) is returned, for
    /// the caller to find out whether it took effect. Only 429s and connections that
    /// never opened are retried here.
    pub async fn call_once_sent(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        who: (As, Option<&str>),
    ) -> Result<std::result::Result<Value, MatrixError>> {
        self.request(method, path, query, body, who, false).await
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
        who: (As, Option<&str>),
        idempotent: bool,
    ) -> Result<std::result::Result<Value, MatrixError>> {
        let token = match who.0 {
            As::Admin => &self.admin_token,
            As::User => self.as_token.as_ref().ok_or_else(|| {
                Error::usage(format!(
                    "{}: acting as users needs the application-service token \
                     (ESNCTL_MATRIX_AS_TOKEN, or as_token_env / as_token_file in the profile)",
                    self.label
                ))
            })?,
        };
        let mut query: Vec<(&str, &str)> = query.to_vec();
        if let (As::User, Some(user)) = who {
            query.push(("user_id", user));
        }
        let mut url = url::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| Error::runtime(format!("{}: bad request path {path}: {e}", self.label)))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(&query);
        }
        let mut waits = 0;
        loop {
            let build = || {
                let mut req = self
                    .http
                    .request(method.clone(), url.clone())
                    .bearer_auth(token.expose_secret());
                if let Some(b) = body {
                    req = req.json(b);
                }
                req
            };
            let response = match http::send(build, idempotent, &self.policy, &self.stats).await {
                Ok(r) => r,
                Err(SendError::Status(r)) => r,
                Err(e @ SendError::Transport { .. }) => {
                    return Err(Error::new(
                        Kind::Unavailable,
                        format!("{}: {method} {path}: {e}", self.label),
                    )
                    .into())
                }
            };
            let status = response.status();
            let text = response.text().await.map_err(|e| {
                Error::new(
                    Kind::Unavailable,
                    format!("{}: {method} {path}: reading the answer: {e}", self.label),
                )
            })?;
            if status.is_success() {
                let v = if text.trim().is_empty() {
                    Value::Object(Default::default())
                } else {
                    serde_json::from_str(&text).map_err(|e| {
                        Error::runtime(format!("{}: {path} answered non-JSON: {e}", self.label))
                    })?
                };
                return Ok(Ok(v));
            }
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let err = MatrixError {
                status,
                errcode: body["errcode"].as_str().unwrap_or("").to_string(),
                error: body["error"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| text.chars().take(200).collect()),
            };
            if status == StatusCode::TOO_MANY_REQUESTS || err.errcode == "M_LIMIT_EXCEEDED" {
                // The shared layer already used its retries (it sees no Retry-After on
                // older servers): Matrix says how long to wait in the body.
                let ms = body["retry_after_ms"].as_u64().unwrap_or(1000);
                if waits < MAX_RATE_LIMIT_WAITS && ms <= 300_000 {
                    waits += 1;
                    tracing::debug!(path, ms, "M_LIMIT_EXCEEDED; waiting");
                    self.stats.record_retry();
                    tokio::time::sleep(Duration::from_millis(ms.max(50))).await;
                    continue;
                }
            }
            return Ok(Err(err));
        }
    }

    /// Uploads bytes to the media repository as the application service acting as `user`;
    /// answers the `mxc://` URI. A POST: retried only on connection failures before the
    /// request was sent (a repeated upload would only leave an unused copy).
    pub async fn upload(
        &self,
        user: &str,
        name: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<String> {
        let path = "/_matrix/media/v3/upload";
        let token = self.as_token.as_ref().ok_or_else(|| {
            Error::usage(format!(
                "{}: uploading files needs the application-service token \
                 (ESNCTL_MATRIX_AS_TOKEN, or as_token_env / as_token_file in the profile)",
                self.label
            ))
        })?;
        let mut url = url::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| Error::runtime(format!("{}: bad request path {path}: {e}", self.label)))?;
        url.query_pairs_mut()
            .append_pair("filename", name)
            .append_pair("user_id", user);
        let build = || {
            self.http
                .post(url.clone())
                .bearer_auth(token.expose_secret())
                .header(reqwest::header::CONTENT_TYPE, media_type)
                .body(bytes.clone())
        };
        let response = match http::send(build, false, &self.policy, &self.stats).await {
            Ok(r) | Err(SendError::Status(r)) => r,
            Err(e @ SendError::Transport { .. }) => {
                return Err(Error::new(
                    Kind::Unavailable,
                    format!("{}: POST {path}: {e}", self.label),
                )
                .into())
            }
        };
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            if let Some(uri) = body["content_uri"].as_str() {
                return Ok(uri.to_string());
            }
        }
        let m = MatrixError {
            status,
            errcode: body["errcode"].as_str().unwrap_or("").to_string(),
            error: body["error"]
                .as_str()
                .unwrap_or("no content_uri")
                .to_string(),
        };
        Err(self.error_of(path, m).into())
    }

    pub fn error_of(&self, path: &str, m: MatrixError) -> Error {
        let kind = match (m.status.as_u16(), m.errcode.as_str()) {
            (_, "M_UNKNOWN_TOKEN" | "M_MISSING_TOKEN") | (401, _) => Kind::Auth,
            (403, _) => Kind::Auth,
            (404, _) | (_, "M_NOT_FOUND") => Kind::NotFound,
            (429, _) => Kind::RateLimited,
            (409, _) | (_, "M_ROOM_IN_USE" | "M_USER_IN_USE") => Kind::Conflict,
            (s, _) if s >= 500 => Kind::Unavailable,
            _ => Kind::Runtime,
        };
        let what = match kind {
            Kind::Auth if m.errcode == "M_UNKNOWN_TOKEN" || m.status == 401 => {
                "the access token was refused".to_string()
            }
            _ => m.to_string(),
        };
        Error::new(kind, format!("{}: {path}: {what}", self.label))
    }
}

/// Percent-encodes one path segment (user ids, room ids and aliases hold `@ ! # :`).
pub fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(seg("@a b:localhost"), "%40a%20b%3Alocalhost");
        assert_eq!(seg("#room/x:srv"), "%23room%2Fx%3Asrv");
    }
}
