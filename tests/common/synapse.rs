//! A real Synapse for integration tests, started once per test binary and instance name
//! by `scripts/synapse.sh`, with fresh data on every run (a previous run's users and
//! messages would be counted). Names ending in `lowrc` get a low `rc_message` (429s).
#![allow(dead_code)]

use esnctl::connectors::{open_with, Connector, OpenOptions};
use esnctl::core::endpoint::Endpoint;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

pub struct Synapse {
    pub url: String,
    pub admin_token: String,
    pub as_token: String,
    /// The instance folder; holds `admin.token` and `as.token` for profiles.
    pub dir: PathBuf,
}

impl Synapse {
    /// The endpoint URI, e.g. `matrix+http://127.0.0.1:20345`.
    pub fn uri(&self) -> String {
        format!("matrix+{}", self.url)
    }

    /// An endpoint whose tokens come from files (tests run in parallel threads: no
    /// process-wide environment variables).
    pub fn endpoint(&self) -> Endpoint {
        let mut ep = Endpoint::parse_uri(&self.uri()).unwrap().unwrap();
        ep.settings.insert(
            "token_file".into(),
            self.dir.join("admin.token").display().to_string().into(),
        );
        ep.settings.insert(
            "as_token_file".into(),
            self.dir.join("as.token").display().to_string().into(),
        );
        ep
    }

    pub async fn open(&self) -> Box<dyn Connector> {
        open_with(&self.endpoint(), &OpenOptions { concurrency: 4 })
            .await
            .unwrap()
    }

    /// A raw client-server or admin API call; `as_user` acts through the appservice.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        as_user: Option<&str>,
    ) -> Value {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut url = url::Url::parse(&format!("{}{path}", self.url)).unwrap();
        let token = match as_user {
            Some(u) => {
                url.query_pairs_mut().append_pair("user_id", u);
                &self.as_token
            }
            None => &self.admin_token,
        };
        let mut req = reqwest::Client::new()
            .request(method.parse().unwrap(), url)
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let (status, v) = rt.block_on(async {
            let resp = req.send().await.unwrap();
            let status = resp.status();
            (status, resp.json::<Value>().await.unwrap_or(Value::Null))
        });
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v
    }
}

/// A URL path segment (room ids, aliases, user ids): spaces as %20, not `+`.
pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl Synapse {
    /// The posts room of a community's space (`org.esnctl.posts_room` state).
    pub fn posts_room(&self, key: &str) -> String {
        let alias = enc(&format!("#{key}:localhost"));
        let space = self.call(
            "GET",
            &format!("/_matrix/client/v3/directory/room/{alias}"),
            None,
            None,
        )["room_id"]
            .as_str()
            .unwrap()
            .to_string();
        let state = format!(
            "/_matrix/client/v3/rooms/{}/state/org.esnctl.posts_room/",
            enc(&space)
        );
        self.call("GET", &state, None, None)["room_id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub fn synapse(name: &'static str) -> &'static Synapse {
    static SERVERS: OnceLock<Mutex<HashMap<&'static str, &'static Synapse>>> = OnceLock::new();
    let mut guard = SERVERS.get_or_init(Default::default).lock().unwrap();
    guard
        .entry(name)
        .or_insert_with(|| Box::leak(Box::new(start(name))))
}

fn start(name: &str) -> Synapse {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("scripts/synapse.sh");
    let stop = Command::new(&script).args(["stop", name]).output().unwrap();
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    let mut cmd = Command::new(&script);
    cmd.args(["start", name]);
    if name.ends_with("lowrc") {
        cmd.env("RC_MESSAGE_LOW", "1");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "synapse.sh start {name} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env: HashMap<String, String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let dir = root.join("target/services").join(format!("synapse-{name}"));
    std::fs::write(dir.join("admin.token"), &env["MATRIX_ADMIN_TOKEN"]).unwrap();
    std::fs::write(dir.join("as.token"), &env["MATRIX_AS_TOKEN"]).unwrap();
    Synapse {
        url: env["MATRIX_URL"].clone(),
        admin_token: env["MATRIX_ADMIN_TOKEN"].clone(),
        as_token: env["MATRIX_AS_TOKEN"].clone(),
        dir,
    }
}
