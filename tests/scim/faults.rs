//! Fault injection a real server cannot produce: a tiny HTTP proxy in front of the real
//! scim2-server that answers some requests itself (429 with Retry-After, 503, a 400) and
//! forwards everything else. The upstream speaks HTTP/1.0, one request per connection,
//! so the proxy does the same.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A canned answer for the next request matching `method`, a path fragment and a body
/// fragment; each rule fires `times` times.
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub body: &'static str,
    pub times: usize,
    pub response: String,
}

pub fn status(code: u16, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {code} Injected\r\n{extra_headers}Content-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

pub struct Proxy {
    pub url: String,
    pub injected: Arc<Mutex<usize>>,
}

/// Starts the proxy to `upstream` (`http://127.0.0.1:PORT`) on its own thread.
pub fn start(upstream: &str, rules: Vec<Rule>) -> Proxy {
    let upstream = upstream.trim_start_matches("http://").to_string();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", std_listener.local_addr().unwrap());
    let rules = Arc::new(Mutex::new(rules));
    let injected = Arc::new(Mutex::new(0));
    let count = injected.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::from_std(std_listener).unwrap();
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    return;
                };
                let (rules, upstream, count) = (rules.clone(), upstream.clone(), count.clone());
                tokio::spawn(async move {
                    let _ = serve(conn, &upstream, &rules, &count).await;
                });
            }
        });
    });
    Proxy { url, injected }
}

async fn serve(
    mut conn: TcpStream,
    upstream: &str,
    rules: &Mutex<Vec<Rule>>,
    count: &Mutex<usize>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    let first = head.lines().next().unwrap_or_default().to_string();
    let canned = {
        let mut rules = rules.lock().unwrap();
        rules
            .iter_mut()
            .find(|r| {
                r.times > 0
                    && first.starts_with(r.method)
                    && first.contains(r.path)
                    && body.contains(r.body)
            })
            .map(|r| {
                r.times -= 1;
                r.response.clone()
            })
    };
    if let Some(resp) = canned {
        *count.lock().unwrap() += 1;
        conn.write_all(resp.as_bytes()).await?;
        return conn.shutdown().await;
    }
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&buf).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    conn.write_all(&answer).await?;
    conn.shutdown().await
}
