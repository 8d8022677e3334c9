//! Media repository downloads for content read: a file hashed while it streams (files
//! whose event carries no checksum), and a blocking [`Read`] over a download for
//! `open_attachment`, so a file of any size goes through in chunks, never whole in memory.
//!
//! `open_attachment` is synchronous and its reader is read from inside the async copy, so
//! each download runs on its own thread with its own small runtime and HTTP client: the
//! caller's runtime is never needed to make progress (a current-thread runtime would
//! otherwise deadlock) and a slow consumer only slows its own download (bounded channel).

use super::client::{seg, Client};
use crate::core::http::{self, RequestStats, RetryPolicy, SendError};
use crate::error::{Error, Kind, Result};
use futures::StreamExt;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Duration;

/// A download may take long (big files); only a stalled one is cut.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(6 * 3600);
const READ_TIMEOUT: Duration = Duration::from_secs(120);
/// Chunks buffered between the download thread and the reader.
const CHUNKS_AHEAD: usize = 8;

/// `mxc://server/id` → (`server`, `id`); `None` for anything else.
pub(super) fn parse_mxc(uri: &str) -> Option<(&str, &str)> {
    let (server, id) = uri.strip_prefix("mxc://")?.split_once('/')?;
    let ok = |s: &str| !s.is_empty() && !s.contains(['/', '?', '#']);
    (ok(server) && ok(id)).then_some((server, id))
}

/// Authenticated media (Matrix 1.11) first; the legacy path on servers that do not know it.
fn download_paths(server: &str, id: &str) -> [String; 2] {
    let tail = format!("{}/{}", seg(server), seg(id));
    [
        format!("/_matrix/client/v1/media/download/{tail}"),
        format!("/_matrix/media/v3/download/{tail}"),
    ]
}

/// Starts a GET of `mxc` with the admin token; `None` when the server does not have it.
async fn start_download(
    http_client: &reqwest::Client,
    base: &str,
    token: &SecretString,
    mxc: &str,
    policy: &RetryPolicy,
    stats: &RequestStats,
) -> std::result::Result<Option<reqwest::Response>, String> {
    let (server, id) = parse_mxc(mxc).ok_or_else(|| format!("not a media URI: {mxc}"))?;
    for path in download_paths(server, id) {
        let url = format!("{base}{path}");
        let build = || {
            http_client
                .get(&url)
                .bearer_auth(token.expose_secret())
                .timeout(DOWNLOAD_TIMEOUT)
        };
        let response = match http::send(build, true, policy, stats).await {
            Ok(r) | Err(SendError::Status(r)) => r,
            Err(e) => return Err(format!("GET {path}: {e}")),
        };
        let status = response.status();
        if status.is_success() {
            return Ok(Some(response));
        }
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        match (status, body["errcode"].as_str().unwrap_or("")) {
            // Old servers: no authenticated media endpoint; try the legacy one.
            (StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED, "M_UNRECOGNIZED")
            | (StatusCode::METHOD_NOT_ALLOWED, _) => continue,
            (StatusCode::NOT_FOUND, _) => return Ok(None),
            (s, code) => return Err(format!("GET {path}: {} {code}", s.as_u16())),
        }
    }
    Ok(None)
}

impl Client {
    /// SHA-256 (lowercase hex) and size of a media file, read as it streams; `None` when
    /// the server no longer has it.
    pub async fn media_digest(&self, mxc: &str) -> Result<Option<(String, u64)>> {
        let response = start_download(
            self.http(),
            self.base(),
            self.admin_token(),
            mxc,
            self.policy(),
            &self.stats,
        )
        .await
        .map_err(|e| Error::new(Kind::Unavailable, format!("{}: {e}", self.label())))?;
        let Some(response) = response else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                Error::new(
                    Kind::Unavailable,
                    format!("{}: downloading {mxc}: {e}", self.label()),
                )
            })?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok(Some((hex::encode(hasher.finalize()), size)))
    }

    /// A reader over the file of the media event `event_id` (found with the admin
    /// `fetch_event` API, so a reader needs nothing but the attachment's id); `None` when
    /// the event, its file, or the file's content is gone. Blocks until the download has
    /// started.
    pub fn open_media_event(&self, event_id: &str) -> Result<Option<Box<dyn Read + Send>>> {
        let (tx, rx) = sync_channel::<Msg>(CHUNKS_AHEAD);
        let job = Job {
            base: self.base().to_string(),
            token: self.admin_token().clone(),
            label: self.label().to_string(),
            event_id: event_id.to_string(),
            policy: self.policy().clone(),
        };
        std::thread::Builder::new()
            .name("esnctl-media".into())
            .spawn(move || job.run(tx))
            .map_err(|e| Error::runtime(format!("cannot start a download thread: {e}")))?;
        match rx.recv() {
            Ok(Msg::Missing) => Ok(None),
            Ok(Msg::Fail(why)) => Err(Error::new(Kind::Unavailable, why).into()),
            Ok(Msg::Data(first)) => Ok(Some(Box::new(MediaReader {
                rx,
                chunk: first,
                at: 0,
                done: false,
            }))),
            Ok(Msg::End) => Ok(Some(Box::new(std::io::empty()))),
            Err(_) => Err(Error::runtime(format!("download of {event_id} stopped")).into()),
        }
    }
}

enum Msg {
    Missing,
    Data(Vec<u8>),
    End,
    Fail(String),
}

struct Job {
    base: String,
    token: SecretString,
    label: String,
    event_id: String,
    policy: RetryPolicy,
}

impl Job {
    fn run(self, tx: SyncSender<Msg>) {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.send(Msg::Fail(format!("cannot start a download runtime: {e}")));
                return;
            }
        };
        if let Err(why) = runtime.block_on(self.download(&tx)) {
            let _ = tx.send(Msg::Fail(format!("{}: {why}", self.label)));
        }
    }

    async fn download(&self, tx: &SyncSender<Msg>) -> std::result::Result<(), String> {
        let http_client = reqwest::Client::builder()
            .user_agent(http::USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        let stats = RequestStats::default();
        let path = format!("/_synapse/admin/v1/fetch_event/{}", seg(&self.event_id));
        let url = format!("{}{path}", self.base);
        let build = || {
            http_client
                .get(&url)
                .bearer_auth(self.token.expose_secret())
        };
        let response = match http::send(build, true, &self.policy, &stats).await {
            Ok(r) | Err(SendError::Status(r)) => r,
            Err(e) => return Err(format!("GET {path}: {e}")),
        };
        if response.status() == StatusCode::NOT_FOUND {
            let _ = tx.send(Msg::Missing);
            return Ok(());
        }
        if !response.status().is_success() {
            return Err(format!("GET {path}: {}", response.status()));
        }
        let event: serde_json::Value = response
            .json()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let Some(mxc) = event["event"]["content"]["url"].as_str() else {
            // Redacted since it was read, or not a file.
            let _ = tx.send(Msg::Missing);
            return Ok(());
        };
        let Some(response) = start_download(
            &http_client,
            &self.base,
            &self.token,
            mxc,
            &self.policy,
            &stats,
        )
        .await?
        else {
            let _ = tx.send(Msg::Missing);
            return Ok(());
        };
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| format!("downloading {mxc}: {e}"))?;
            if !chunk.is_empty() && tx.send(Msg::Data(chunk.to_vec())).is_err() {
                return Ok(()); // the reader was dropped: nobody wants the rest
            }
        }
        let _ = tx.send(Msg::End);
        Ok(())
    }
}

/// The consuming end of a download.
struct MediaReader {
    rx: Receiver<Msg>,
    chunk: Vec<u8>,
    at: usize,
    done: bool,
}

impl Read for MediaReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Msg::Data(c)) => (self.chunk, self.at) = (c, 0),
                Ok(Msg::End) => self.done = true,
                Ok(Msg::Fail(why)) => return Err(std::io::Error::other(why)),
                Ok(Msg::Missing) | Err(_) => {
                    return Err(std::io::Error::other("media download interrupted"))
                }
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_uris_are_checked_before_any_path_is_built() {
        assert_eq!(
            parse_mxc("mxc://localhost/AbC123"),
            Some(("localhost", "AbC123"))
        );
        assert_eq!(parse_mxc("mxc://localhost/a/../b"), None);
        assert_eq!(parse_mxc("https://localhost/a"), None);
        assert_eq!(parse_mxc("mxc:///a"), None);
    }

    #[test]
    fn the_reader_returns_every_chunk_then_eof_and_reports_a_cut() {
        let (tx, rx) = sync_channel(4);
        tx.send(Msg::Data("é山".as_bytes().to_vec())).unwrap();
        tx.send(Msg::Data(b"!".to_vec())).unwrap();
        tx.send(Msg::End).unwrap();
        let mut r = MediaReader {
            rx,
            chunk: Vec::new(),
            at: 0,
            done: false,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, "é山!".as_bytes());

        let (tx, rx) = sync_channel(4);
        tx.send(Msg::Data(b"ab".to_vec())).unwrap();
        drop(tx); // the thread died without End
        let mut r = MediaReader {
            rx,
            chunk: Vec::new(),
            at: 0,
            done: false,
        };
        assert!(r.read_to_end(&mut Vec::new()).is_err());
    }
}
