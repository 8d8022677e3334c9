//! A fresh scim2-server per test (`scripts/scim-server.sh start NAME`), stopped on drop:
//! `users sync` deactivates whatever the source lacks, so tests cannot share one.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

pub struct ScimServer {
    name: String,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub token: String,
}

impl ScimServer {
    pub fn start(test: &str) -> ScimServer {
        let name = format!("t-{test}");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/scim-server.sh");
        // stop first: a server left by an interrupted run still holds its old users.
        let _ = Command::new(&script).args(["stop", &name]).output();
        let out = Command::new(&script)
            .args(["start", &name])
            .output()
            .expect("scripts/scim-server.sh runs");
        assert!(
            out.status.success(),
            "scim-server.sh start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .unwrap_or_else(|| panic!("no {k} in {text}"))
                .to_string()
        };
        ScimServer {
            name,
            url: get("SCIM_URL"),
            token: get("SCIM_TOKEN"),
        }
    }

    /// The endpoint URI esnctl takes.
    pub fn endpoint(&self) -> String {
        format!("scim+{}/v2", self.url)
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        // Own thread and runtime: callers may be inside a tokio test.
        std::thread::scope(|scope| {
            scope
                .spawn(|| self.blocking(method, path, body))
                .join()
                .unwrap()
        })
    }

    fn blocking(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = reqwest::Client::new();
            let mut req = client
                .request(method.parse().unwrap(), format!("{}/v2/{path}", self.url))
                .bearer_auth(&self.token);
            if let Some(b) = body {
                req = req
                    .header("content-type", "application/scim+json")
                    .body(b.to_string());
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let text = resp.text().await.unwrap();
            (
                status,
                serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            )
        })
    }

    pub fn get(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.request("GET", path, None);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// All users as the server holds them.
    pub fn users(&self) -> Vec<serde_json::Value> {
        self.get("Users?count=1000")["Resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn user(&self, user_name: &str) -> serde_json::Value {
        self.users()
            .into_iter()
            .find(|u| u["userName"] == user_name)
            .unwrap_or_else(|| panic!("no SCIM user {user_name}"))
    }

    pub fn groups(&self) -> Vec<serde_json::Value> {
        self.get("Groups?count=1000")["Resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// A change made behind esnctl's back.
    pub fn patch(&self, path: &str, ops: serde_json::Value) -> u16 {
        let body = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": ops
        });
        self.request("PATCH", path, Some(body)).0
    }

    pub fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.request("POST", path, Some(body))
    }
}

impl Drop for ScimServer {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/scim-server.sh");
        let _ = Command::new(script).args(["stop", &self.name]).output();
    }
}
