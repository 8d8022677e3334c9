//! What every HTTP connector shares: a client (rustls, timeouts, user agent), one retry
//! loop with exponential backoff and jitter that honours `Retry-After`, and request
//! statistics.
//!
//! Retry classification: 429, 502, 503, 504 and connection failures are transient. A
//! request that is not idempotent (a POST that creates something) is retried only when
//! the server certainly did not process it: a 429, or a connection that could not be
//! established. Otherwise the error goes back to the caller, which must find out what
//! happened (e.g. look the user up) before trying again.

use backon::BackoffBuilder;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Client settings; `Default` suits a provisioning API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// The user agent every request carries, so server admins can tell esnctl's traffic apart.
pub const USER_AGENT: &str = concat!("esnctl/", env!("CARGO_PKG_VERSION"));

/// A reqwest client with rustls, timeouts and esnctl's user agent; redirects are not
/// followed (a redirected write would drop its body or its Authorization header).
pub fn client(config: &ClientConfig) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// How often and how long to retry transient failures.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_retries: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

/// Requests sent, by method, and retries; shared by all requests of one connector.
#[derive(Debug, Default)]
pub struct RequestStats {
    get: AtomicU64,
    post: AtomicU64,
    put: AtomicU64,
    patch: AtomicU64,
    delete: AtomicU64,
    other: AtomicU64,
    retries: AtomicU64,
}

/// A copy of [`RequestStats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub get: u64,
    pub post: u64,
    pub put: u64,
    pub patch: u64,
    pub delete: u64,
    pub other: u64,
    pub retries: u64,
}

impl StatsSnapshot {
    /// Requests that may change something on the server (every method but GET/HEAD).
    pub fn writes(&self) -> u64 {
        self.post + self.put + self.patch + self.delete
    }

    pub fn total(&self) -> u64 {
        self.get + self.other + self.writes()
    }
}

impl RequestStats {
    /// Counts one request sent (each attempt counts).
    pub fn record(&self, method: &Method) {
        let counter = match *method {
            Method::GET => &self.get,
            Method::POST => &self.post,
            Method::PUT => &self.put,
            Method::PATCH => &self.patch,
            Method::DELETE => &self.delete,
            _ => &self.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            get: l(&self.get),
            post: l(&self.post),
            put: l(&self.put),
            patch: l(&self.patch),
            delete: l(&self.delete),
            other: l(&self.other),
            retries: l(&self.retries),
        }
    }

    /// Logs the counters at info level under the `esnctl::stats` target (shown with `-v`;
    /// `bench/` scripts parse the `writes=` field).
    pub fn log(&self, endpoint: &str) {
        let s = self.snapshot();
        if s.total() == 0 {
            return;
        }
        tracing::info!(
            target: "esnctl::stats",
            endpoint,
            get = s.get,
            post = s.post,
            put = s.put,
            patch = s.patch,
            delete = s.delete,
            retries = s.retries,
            writes = s.writes(),
            "requests sent"
        );
    }
}

/// Why a request failed for good.
#[derive(Debug)]
pub enum SendError {
    /// No usable answer: connection, timeout, TLS. `sent` is false when the request
    /// certainly never reached the server.
    Transport { error: reqwest::Error, sent: bool },
    /// A transient status that could not (or may not) be retried further.
    Status(Response),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transport { error, .. } => {
                write!(f, "{error}")?;
                // reqwest's top-level message is generic; the cause names the problem.
                let mut source = std::error::Error::source(error);
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
            SendError::Status(r) => write!(f, "server answered {}", r.status()),
        }
    }
}

pub fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The delay a `Retry-After` header asks for: delta-seconds or an HTTP date.
pub fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?;
    parse_retry_after(value.to_str().ok()?, jiff::Timestamp::now())
}

pub fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let wait = at.as_millisecond() - now.as_millisecond();
    Some(Duration::from_millis(wait.max(0) as u64))
}

/// Sends the request built by `build` (called again for each attempt), retrying
/// transient failures per `policy`. Returns the first non-transient response, whatever
/// its status. `idempotent` says whether a request that may have reached the server can
/// be sent again.
pub async fn send(
    build: impl Fn() -> RequestBuilder,
    idempotent: bool,
    policy: &RetryPolicy,
    stats: &RequestStats,
) -> Result<Response, SendError> {
    let mut delays = backoff(policy);
    loop {
        let (client, request) = build().build_split();
        let request = request.map_err(|error| SendError::Transport { error, sent: false })?;
        let method = request.method().clone();
        let url = request.url().clone();
        stats.record(&method);
        let outcome = client.execute(request).await;
        let (retryable, wait_at_least, failure) = match outcome {
            Ok(response) if !is_transient_status(response.status()) => return Ok(response),
            Ok(response) => {
                // A 429 was refused before any processing; other statuses may have been
                // half-processed by whatever is behind a gateway.
                let safe = idempotent || response.status() == StatusCode::TOO_MANY_REQUESTS;
                let after = retry_after(&response);
                let too_long = after.is_some_and(|a| a > policy.max_retry_after);
                (safe && !too_long, after, SendError::Status(response))
            }
            Err(error) => {
                let sent = !error.is_connect() && !error.is_builder();
                let transient = (error.is_connect() && !is_unknown_host(&error))
                    || error.is_timeout()
                    || is_reset(&error);
                let safe = idempotent || !sent;
                (
                    transient && safe,
                    None,
                    SendError::Transport { error, sent },
                )
            }
        };
        let Some(backoff) = delays.next().filter(|_| retryable) else {
            return Err(failure);
        };
        let delay = wait_at_least.map_or(backoff, |w| w.max(backoff));
        tracing::debug!(%method, %url, error = %failure, ?delay, "transient failure; retrying");
        stats.record_retry();
        tokio::time::sleep(delay).await;
    }
}

/// The delays between attempts `policy` allows: exponential, with jitter.
pub fn backoff(policy: &RetryPolicy) -> impl Iterator<Item = Duration> {
    backon::ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.max_retries)
        .with_jitter()
        .build()
}

/// A host name that does not resolve: waiting will not make it exist, so it is not
/// retried. A resolver that is itself failing ("Temporary failure in name resolution",
/// `EAI_AGAIN`) is.
fn is_unknown_host(error: &reqwest::Error) -> bool {
    let chain: Vec<String> =
        std::iter::successors(std::error::Error::source(error), |s| s.source())
            .map(|s| s.to_string())
            .collect();
    chain.iter().any(|s| s.starts_with("dns error"))
        && !chain.iter().any(|s| s.contains("Temporary failure"))
}

/// A connection closed or reset by the peer while the request was in flight.
fn is_reset(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            if matches!(
                io.kind(),
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
            ) {
                return true;
            }
        }
        if s.to_string()
            .contains("connection closed before message completed")
        {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-11-27T10:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 10:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date in the past means "now".
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn stats_count_writes_by_method() {
        let stats = RequestStats::default();
        for m in [Method::GET, Method::GET, Method::POST, Method::PATCH] {
            stats.record(&m);
        }
        stats.record_retry();
        let s = stats.snapshot();
        assert_eq!((s.get, s.writes(), s.total(), s.retries), (2, 2, 4, 1));
    }

    #[tokio::test]
    async fn an_unknown_host_fails_at_once_and_a_refused_connection_is_retried() {
        let http = client(&ClientConfig::default()).unwrap();
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        };
        // `.invalid` never resolves (RFC 6761).
        let stats = RequestStats::default();
        let r = send(
            || http.get("http://nonexistent.invalid/"),
            true,
            &policy,
            &stats,
        )
        .await;
        assert!(matches!(r, Err(SendError::Transport { sent: false, .. })));
        assert_eq!(stats.snapshot().retries, 0);
        // Nothing listens on port 1: a server restarting looks like this.
        let stats = RequestStats::default();
        let r = send(|| http.get("http://127.0.0.1:1/"), true, &policy, &stats).await;
        assert!(r.is_err());
        assert_eq!(stats.snapshot().retries, policy.max_retries as u64);
    }
}
