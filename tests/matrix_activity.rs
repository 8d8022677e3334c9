//! Matrix activity read with an activity cache (profile `activity_cache`), against a real
//! Synapse (`scripts/synapse.sh`, instance `matrix-activity`): a second read fetches only
//! the events after the first one, sees new (also back-dated) messages, and the cache
//! file keeps each room's pagination token.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, stderr};
use esnctl::connectors::{open_with, OpenOptions};
use esnctl::core::activity::{ActivityEvent, ActivityKind};
use esnctl::core::progress::NoProgress;
use serde_json::json;
use std::path::Path;
use synapse::{enc, Synapse as Server};

/// Users `<p>ana` and `<p>bo`, members of community `<p>club`; answers its posts room.
fn setup(srv: &Server, dir: &Path, p: &str) -> String {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    let users = format!("{{\"key\":\"{p}ana\"}}\n{{\"key\":\"{p}bo\"}}\n");
    std::fs::write(src.join("users.jsonl"), users).unwrap();
    let club = format!("{{\"key\":\"{p}club\",\"name\":\"Club Île 山\"}}\n");
    std::fs::write(src.join("communities.jsonl"), club).unwrap();
    let members = format!(
        "{{\"community\":\"{p}club\",\"user\":\"{p}ana\"}}\n{{\"community\":\"{p}club\",\"user\":\"{p}bo\"}}\n"
    );
    std::fs::write(src.join("memberships.jsonl"), members).unwrap();
    let out = esnctl(dir)
        .env("ESNCTL_MATRIX_TOKEN", &srv.admin_token)
        .env("ESNCTL_MATRIX_AS_TOKEN", &srv.as_token)
        .args([
            "--no-progress",
            "content",
            "copy",
            "--yes",
            "--from",
            "bundle:src",
        ])
        .args(["--to", &srv.uri()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    srv.posts_room(&format!("{p}club"))
}

/// Sends a message as `user`, back-dated to `ts` (ms) when given.
fn send(srv: &Server, room: &str, user: &str, txn: &str, body: &str, ts: Option<i64>) -> String {
    let mut path = format!(
        "/_matrix/client/v3/rooms/{}/send/m.room.message/{txn}",
        enc(room)
    );
    if let Some(ts) = ts {
        path.push_str(&format!("?ts={ts}"));
    }
    let content = json!({"msgtype": "m.text", "body": body});
    srv.call("PUT", &path, Some(content), Some(user))["event_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The posts of `<p>ana` and `<p>bo` at or after `since` (ms), read with `cache`.
fn read(srv: &Server, cache: Option<&Path>, p: &str, since: i64) -> Vec<ActivityEvent> {
    let mut ep = srv.endpoint();
    if let Some(c) = cache {
        ep.settings
            .insert("activity_cache".into(), c.display().to_string().into());
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let set = rt.block_on(async {
        let conn = open_with(&ep, &OpenOptions { concurrency: 4 })
            .await
            .unwrap();
        let since = jiff::Timestamp::from_millisecond(since).unwrap();
        conn.as_read_activity()
            .unwrap()
            .read_activity(since, &NoProgress)
            .await
            .unwrap()
    });
    set.events
        .into_iter()
        .filter(|e| e.user.starts_with(p) && e.kind == ActivityKind::Post)
        .collect()
}

fn token(cache: &Path, room: &str) -> Option<String> {
    let db = rusqlite::Connection::open(cache).unwrap();
    db.query_row(
        "SELECT next_from FROM rooms WHERE room_id = ?1",
        [room],
        |r| r.get(0),
    )
    .ok()
}

#[test]
fn a_second_read_with_a_cache_fetches_only_new_events() {
    let srv = synapse::synapse("matrix-activity");
    let tmp = tempfile::tempdir().unwrap();
    let p = "ac1-";
    let room = setup(srv, tmp.path(), p);
    let cache = tmp.path().join("state/activity.db");
    let (ana, bo) = (format!("@{p}ana:localhost"), format!("@{p}bo:localhost"));

    let first = send(srv, &room, &ana, "t1", "Qui ferme ce soir ? 🔑", None);
    let read1 = read(srv, Some(&cache), p, 0);
    assert_eq!(read1.len(), 1, "{read1:#?}");
    assert_eq!(
        (read1[0].post_id.as_str(), read1[0].user.as_str()),
        (first.as_str(), format!("{p}ana").as_str())
    );
    assert_eq!(
        read1[0].community.as_deref(),
        Some(format!("{p}club").as_str())
    );
    let token1 = token(&cache, &room).expect("the cache holds the room's token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Proof that the first event is not fetched again: its cached copy is marked.
    rusqlite::Connection::open(&cache)
        .unwrap()
        .execute(
            "UPDATE events SET body = 'from the cache' WHERE event_id = ?1",
            [&first],
        )
        .unwrap();
    // A message imported after the first read, back-dated before it: arrival order.
    let old_ts = read1[0].at.as_millisecond() - 86_400_000;
    let imported = send(srv, &room, &bo, "t2", "Réponse importée 山田", Some(old_ts));

    let read2 = read(srv, Some(&cache), p, 0);
    let by_id = |id: &str| read2.iter().find(|e| e.post_id == id).cloned();
    assert_eq!(read2.len(), 2, "{read2:#?}");
    assert_eq!(
        by_id(&first).unwrap().body.as_deref(),
        Some("from the cache")
    );
    let new = by_id(&imported).expect("the imported message is read");
    assert_eq!(new.at.as_millisecond(), old_ts);
    assert_eq!(new.body.as_deref(), Some("Réponse importée 山田"));
    // Time order, whatever the arrival order.
    assert_eq!(read2[0].post_id, imported);
    let token2 = token(&cache, &room).unwrap();
    assert_ne!(token1, token2, "the token moved past the new event");

    // `since` filters on the message's own time, cached or not.
    let recent = read(srv, Some(&cache), p, old_ts + 1);
    assert_eq!(
        recent
            .iter()
            .map(|e| e.post_id.as_str())
            .collect::<Vec<_>>(),
        vec![first.as_str()]
    );
    // Without a cache, everything is read again: the real body.
    let uncached = read(srv, None, p, 0);
    let body = uncached.iter().find(|e| e.post_id == first).unwrap();
    assert_eq!(body.body.as_deref(), Some("Qui ferme ce soir ? 🔑"));
    assert_eq!(uncached.len(), 2);
}
