//! `content copy --to matrix+…` against a real Synapse (`scripts/synapse.sh`, instance
//! `matrix-content`), read back through the Synapse admin API.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, fixture, json_stdout, stderr};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;
use synapse::{enc, Synapse as Server};

trait ContentChecks {
    fn copy(&self, dir: &Path) -> Value;
    fn events(&self, room: &str) -> Vec<Value>;
}

impl ContentChecks for Server {
    fn copy(&self, dir: &Path) -> Value {
        let out = esnctl(dir)
            .env("ESNCTL_MATRIX_TOKEN", &self.admin_token)
            .env("ESNCTL_MATRIX_AS_TOKEN", &self.as_token)
            .args(["content", "copy", "--from"])
            .arg(format!("bundle:{}", fixture("content-bundle").display()))
            .args([
                "--to",
                &format!("matrix+{}", self.url),
                "--yes",
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        json_stdout(&out)
    }

    /// Non-state events of a room, oldest first.
    fn events(&self, room: &str) -> Vec<Value> {
        let v = self.call(
            "GET",
            &format!(
                "/_synapse/admin/v1/rooms/{}/messages?dir=f&limit=1000",
                enc(room)
            ),
            None,
            None,
        );
        v["chunk"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.get("state_key").is_none())
            .cloned()
            .collect()
    }
}

fn ms(t: &str) -> i64 {
    t.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

#[test]
fn bundle_content_is_sent_as_its_authors_at_its_times() {
    let srv = synapse::synapse("matrix-content");
    let tmp = tempfile::tempdir().unwrap();
    let report = srv.copy(tmp.path());
    let s = &report["summary"];
    assert_eq!(
        (
            s["posts"].as_u64(),
            s["replies"].as_u64(),
            s["reactions"].as_u64(),
            s["attachments"].as_u64(),
            s["failed"].as_u64()
        ),
        (Some(2), Some(1), Some(1), Some(1), Some(0)),
        "{report:#}"
    );

    let region = srv.events(&srv.posts_room("region-est"));
    let msgs: Vec<&Value> = region
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .collect();
    assert_eq!(msgs.len(), 2, "{region:#?}");
    let (p1, p2) = (msgs[0], msgs[1]);
    assert_eq!(p1["sender"], "@mdurand:localhost");
    assert_eq!(p1["origin_server_ts"], ms("2026-03-02T09:15:00.123Z"));
    assert_eq!(
        p1["content"]["body"],
        "Bienvenue à tous ! Qui vient à la réunion ? 🎉"
    );
    assert_eq!(p2["sender"], "@ayamada:localhost");
    assert_eq!(p2["origin_server_ts"], ms("2026-03-02T09:20:00Z"));
    assert_eq!(p2["content"]["m.relates_to"]["rel_type"], "m.thread");
    assert_eq!(p2["content"]["m.relates_to"]["event_id"], p1["event_id"]);
    // The mention is a pill and an m.mentions entry.
    assert_eq!(
        p2["content"]["m.mentions"]["user_ids"],
        json!(["@mdurand:localhost"])
    );
    assert!(p2["content"]["formatted_body"]
        .as_str()
        .unwrap()
        .contains("<a href=\"https://matrix.to/#/@mdurand:localhost\">@mdurand</a>"));
    let reactions: Vec<&Value> = region
        .iter()
        .filter(|e| e["type"] == "m.reaction")
        .collect();
    assert_eq!(reactions.len(), 1);
    assert_eq!(reactions[0]["sender"], "@lnoel:localhost");
    assert_eq!(reactions[0]["origin_server_ts"], ms("2026-03-02T09:30:00Z"));
    assert_eq!(
        reactions[0]["content"]["m.relates_to"],
        json!({"rel_type": "m.annotation", "event_id": p1["event_id"], "key": "👍"})
    );

    let store = srv.events(&srv.posts_room("store-042"));
    let msgs: Vec<&Value> = store
        .iter()
        .filter(|e| e["type"] == "m.room.message")
        .collect();
    assert_eq!(msgs.len(), 2, "{store:#?}");
    assert_eq!(
        msgs[0]["content"]["formatted_body"],
        "<p><strong>Ordre du jour</strong> en pièce jointe</p>"
    );
    let file = &msgs[1]["content"];
    assert_eq!(
        (file["msgtype"].as_str(), file["body"].as_str()),
        (Some("m.file"), Some("ordre-du-jour.txt"))
    );
    assert!(file["url"]
        .as_str()
        .unwrap()
        .starts_with("mxc://localhost/"));
    assert_eq!(msgs[1]["sender"], "@lnoel:localhost");
    assert_eq!(msgs[1]["origin_server_ts"], msgs[0]["origin_server_ts"]);
    assert_eq!(file["org.esnctl.attachment_of"], msgs[0]["event_id"]);
    // The media repository holds the file byte for byte.
    let media = file["url"].as_str().unwrap().trim_start_matches("mxc://");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bytes = rt.block_on(async {
        reqwest::Client::new()
            .get(format!(
                "{}/_matrix/client/v1/media/download/{media}",
                srv.url
            ))
            .bearer_auth(&srv.admin_token)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        "529284976ca0af635e52e4b7e0ae828ee456ea3a92d5686a966182d8b2b16389"
    );

    // A re-run copies nothing: the ledger knows every record.
    let again = srv.copy(tmp.path());
    // (Users now exist on the destination: they are matched, not copied again.)
    assert_eq!(again["summary"]["posts"], 0, "{again:#}");
    assert_eq!(again["summary"]["skipped"], 10, "{again:#}");
    let room = srv.posts_room("region-est");
    assert_eq!(srv.events(&room).len(), region.len());

    // A send retried with the same transaction id (a lost answer) gets the same event.
    let txn = format!("esnctl-post-{}", hex::encode(&Sha256::digest(b"p1")[..16]));
    let retried = srv.call(
        "PUT",
        &format!(
            "/_matrix/client/v3/rooms/{}/send/m.room.message/{txn}",
            enc(&room)
        ),
        Some(p1["content"].clone()),
        Some("@mdurand:localhost"),
    );
    assert_eq!(retried["event_id"], p1["event_id"]);
    assert_eq!(srv.events(&room).len(), region.len());
}
