//! The Matrix connector against a real Synapse started by `scripts/synapse.sh`.
//!
//! Instances (each started once per test binary): `matrix-users` for the users-sync
//! sequence (a sync deactivates every account absent from its source, so it owns its
//! server), `matrix` for communities and activity (library API, unique keys per test),
//! `matrix-lowrc` with a low `rc_message` for the 429 test.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, fixture, json_stdout, plan_change, stderr};
use esnctl::connectors::Connector;
use esnctl::core::activity::ActivityKind;
use esnctl::core::model::{Community, User, Visibility};
use esnctl::core::plan::diff_users;
use esnctl::core::plan_communities::{diff_communities, CommunityAction, DesiredCommunity};
use esnctl::core::progress::NoProgress;
use serde_json::{json, Value};
use std::path::Path;
use synapse::{synapse as server, Synapse as Server};

fn sync(srv: &Server, dir: &Path, from: &[&str], extra: &[&str]) -> std::process::Output {
    let mut cmd = esnctl(dir);
    cmd.env("ESNCTL_MATRIX_TOKEN", &srv.admin_token).args([
        "users",
        "sync",
        "--to",
        &srv.uri(),
        "--yes",
        "-o",
        "json",
    ]);
    for f in from {
        cmd.args(["--from", f]);
    }
    cmd.args(extra).output().unwrap()
}

fn matrix_users(srv: &Server, dir: &Path) -> Vec<Value> {
    let out = esnctl(dir)
        .env("ESNCTL_MATRIX_TOKEN", &srv.admin_token)
        .args(["users", "list", "--from", &srv.uri(), "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json_stdout(&out).as_array().unwrap().clone()
}

/// An admin deactivates `localpart` through Synapse's admin API, not through esnctl.
fn deactivate_by_hand(srv: &Server, localpart: &str) {
    srv.call(
        "POST",
        &format!("/_synapse/admin/v1/deactivate/@{localpart}:localhost"),
        Some(json!({"erase": false})),
        None,
    );
}

fn user<'a>(users: &'a [Value], key: &str) -> &'a Value {
    users
        .iter()
        .find(|u| u["key"] == key)
        .unwrap_or_else(|| panic!("{key} not in {users:#?}"))
}

#[test]
fn users_sync_lifecycle_against_synapse() {
    let srv = server("matrix-users");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let people = format!("ldif:{}", fixture("people.ldif").display());
    let people_v2 = format!("ldif:{}", fixture("people-v2.ldif").display());
    // Accented and CJK usernames next to the directory.
    std::fs::write(
        dir.join("extra.csv"),
        "key,email,display_name\n\
         léa.müller,lea.muller@durand-fils.fr,Léa Müller\n\
         山田,yamada.taro@durand-fils.fr,山田 太郎\n",
    )
    .unwrap();
    let sources = [people.as_str(), "csv:extra.csv"];

    let out = sync(srv, dir, &sources, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let users = matrix_users(srv, dir);
    assert_eq!(users.len(), 11, "{users:#?}");
    let j = user(&users, "jlefevre");
    assert_eq!(j["display_name"], "Jérôme Lefèvre");
    assert_eq!(j["email"], "jerome.lefevre@durand-fils.fr");
    assert_eq!(j["external_id"], "98a945e0-b2d5-5169-8e03-05ce334fcee2");
    // Keys survive byte for byte; localparts are the valid mapping.
    assert_eq!(user(&users, "léa.müller")["display_name"], "Léa Müller");
    assert_eq!(user(&users, "山田")["display_name"], "山田 太郎");
    srv.call(
        "GET",
        "/_synapse/admin/v2/users/@lea.muller:localhost",
        None,
        None,
    );
    let cjk = srv.call(
        "GET",
        "/_synapse/admin/v2/users/%40%3De5%3Db1%3Db1%3De7%3D94%3Db0%3Alocalhost",
        None,
        None,
    );
    assert_eq!(cjk["displayname"], "山田 太郎");

    // Re-sync: nothing to do.
    let out = sync(srv, dir, &sources, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json_stdout(&out);
    assert_eq!(plan["summary"]["unchanged"], 11, "{plan:#}");
    assert!(plan["changes"].as_array().unwrap().is_empty(), "{plan:#}");

    // v2: a rename (same entryUUID), a new user, a departure.
    let out = sync(
        srv,
        dir,
        &[people_v2.as_str(), "csv:extra.csv"],
        &["--max-deactivations", "5"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let users = matrix_users(srv, dir);
    assert_eq!(
        user(&users, "jlefevre-roux")["email"],
        "jerome.lefevre@durand-fils.fr"
    );
    assert_eq!(user(&users, "pmartin")["active"], false);
    assert_eq!(user(&users, "snguyen")["active"], true);
    let pm = srv.call(
        "GET",
        "/_synapse/admin/v2/users/@pmartin:localhost",
        None,
        None,
    );
    assert_eq!(pm["deactivated"], true);
    assert_eq!(pm["erased"], false);

    // Someone deactivates mdurand by hand: a sync must not reactivate that one.
    deactivate_by_hand(srv, "mdurand");
    // Back to v1: pmartin (esnctl's own deactivation) comes back, with his email.
    let out = sync(srv, dir, &sources, &["--max-deactivations", "5"]);
    assert!(
        out.status.success(),
        "{}\n{}",
        stderr(&out),
        String::from_utf8_lossy(&out.stdout)
    );
    let users = matrix_users(srv, dir);
    let pm = user(&users, "pmartin");
    assert_eq!(pm["active"], true);
    assert_eq!(pm["email"], "paul.martin@durand-fils.fr");
    assert_eq!(user(&users, "mdurand")["active"], false);
    assert!(stderr(&out).contains("mdurand"), "{}", stderr(&out));

    // esnctl deactivates pmartin again, then an admin reactivates him by hand: the mark in
    // the registry is stale, and the next sync clears it…
    let out = sync(
        srv,
        dir,
        &[people_v2.as_str(), "csv:extra.csv"],
        &["--max-deactivations", "5"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    srv.call(
        "PUT",
        "/_synapse/admin/v2/users/@pmartin:localhost",
        Some(json!({"deactivated": false})),
        None,
    );
    let out = sync(srv, dir, &sources, &["--max-deactivations", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json_stdout(&out);
    let change = plan_change(&plan, "pmartin");
    assert_eq!(change["action"], "update", "{change}");
    assert_eq!(change["fields"]["deactivated_by"], json!(["esnctl", null]));
    // …so that when he is deactivated by hand later, a sync leaves him so.
    deactivate_by_hand(srv, "pmartin");
    let out = sync(srv, dir, &sources, &["--max-deactivations", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_stdout(&out)["summary"]["reactivate"], 0);
    assert_eq!(user(&matrix_users(srv, dir), "pmartin")["active"], false);
}

#[test]
fn transliteration_collision_is_reported_not_merged() {
    let srv = server("matrix");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let conn = srv.open().await;
        let mut a = User::new("zoë.kollision");
        a.email = Some("zoe1@x.example".into());
        let mut b = User::new("zoe.kollision");
        b.email = Some("zoe2@x.example".into());
        let plan = diff_users(&[a, b], &[], &[], &|_| true);
        let r = conn
            .as_write_users()
            .unwrap()
            .apply_users(&plan.changes, &NoProgress)
            .await
            .unwrap();
        assert!(r[0].is_ok(), "{r:?}");
        let err = r[1].as_ref().unwrap_err();
        assert!(
            err.contains("@zoe.kollision:localhost") && err.contains("zoë"),
            "{err}"
        );
    });
}

#[test]
fn bad_token_is_one_line_exit_1_without_the_token() {
    let srv = server("matrix");
    let tmp = tempfile::tempdir().unwrap();
    let secret = "syt_not_a_real_token_0123456789";
    let out = esnctl(tmp.path())
        .env("ESNCTL_MATRIX_TOKEN", secret)
        .args(["users", "list", "--from", &srv.uri()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("token was refused"), "{err}");
    assert!(!err.contains(secret) && !String::from_utf8_lossy(&out.stdout).contains(secret));
}

async fn create_users(conn: &dyn Connector, keys: &[&str]) {
    let users: Vec<User> = keys
        .iter()
        .map(|k| {
            let mut u = User::new(*k);
            u.email = Some(format!("{k}@test.example"));
            u
        })
        .collect();
    let plan = diff_users(&users, &[], &[], &|_| true);
    let r = conn
        .as_write_users()
        .unwrap()
        .apply_users(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert!(r.iter().all(Result::is_ok), "{r:?}");
}

fn desired(key: &str, name: &str, vis: Visibility, members: &[&str]) -> DesiredCommunity {
    DesiredCommunity {
        community: Community {
            key: key.into(),
            name: name.into(),
            visibility: vis,
            ..Default::default()
        },
        members: Some(members.iter().map(|m| m.to_string()).collect()),
    }
}

#[test]
fn communities_create_update_members_archive() {
    let srv = server("matrix");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let conn = srv.open().await;
        create_users(&*conn, &["cm-ana", "cm-bo", "cm-cy"]).await;
        let reader = conn.as_read_communities().unwrap();
        let writer = conn.as_write_communities().unwrap();
        let stored = writer.stored_community_fields();
        let stores = |f: &str| stored.stores(f);

        let mut region = desired("cm-region", "Région Est", Visibility::Public, &["cm-ana"]);
        region.community.description = Some("Magasins de l'Est — 東".into());
        let mut store = desired(
            "cm-store-42",
            "Magasin 42",
            Visibility::Private,
            &["cm-ana", "cm-bo"],
        );
        store.community.parent = Some("cm-region".into());
        store.community.owners = vec!["cm-ana".into()];
        let secret = desired("cm-board", "Board", Visibility::Secret, &["cm-cy"]);
        let want = vec![store.clone(), region.clone(), secret.clone()];

        let actual = reader.read_communities(&NoProgress).await.unwrap();
        let plan = diff_communities(&want, &actual, false, &stores);
        assert_eq!(plan.count(CommunityAction::Create), 3);
        let r = writer
            .apply_communities(&plan.changes, &NoProgress)
            .await
            .unwrap();
        assert!(r.iter().all(Result::is_ok), "{r:?}");

        let actual = reader.read_communities(&NoProgress).await.unwrap();
        let get = |k: &str| {
            actual
                .communities
                .iter()
                .find(|c| c.key == k)
                .unwrap()
                .clone()
        };
        assert_eq!(
            get("cm-region").description.as_deref(),
            Some("Magasins de l'Est — 東")
        );
        assert_eq!(get("cm-region").visibility, Visibility::Public);
        assert_eq!(get("cm-store-42").visibility, Visibility::Private);
        assert_eq!(get("cm-store-42").parent.as_deref(), Some("cm-region"));
        assert_eq!(get("cm-store-42").owners, ["cm-ana"]);
        assert_eq!(get("cm-board").visibility, Visibility::Secret);
        let mut members: Vec<(String, String)> = actual
            .memberships
            .iter()
            .filter(|m| m.community.starts_with("cm-"))
            .map(|m| (m.community.clone(), m.user.clone()))
            .collect();
        members.sort();
        assert_eq!(
            members,
            [
                ("cm-board", "cm-cy"),
                ("cm-region", "cm-ana"),
                ("cm-store-42", "cm-ana"),
                ("cm-store-42", "cm-bo")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // Same wish again: nothing to do.
        let plan = diff_communities(&want, &actual, false, &stores);
        assert!(plan.changes.is_empty(), "{:?}", plan.changes);

        // Update: rename, secret → public, owners and members change.
        let mut store2 = store.clone();
        store2.community.name = "Magasin 42 — Nancy".into();
        store2.community.visibility = Visibility::Public;
        store2.community.owners = vec!["cm-bo".into()];
        store2.members = Some(vec!["cm-bo".into(), "cm-cy".into()]);
        let want2 = vec![store2, region.clone(), secret.clone()];
        let plan = diff_communities(&want2, &actual, false, &stores);
        let r = writer
            .apply_communities(&plan.changes, &NoProgress)
            .await
            .unwrap();
        assert!(r.iter().all(Result::is_ok), "{r:?}");
        let actual = reader.read_communities(&NoProgress).await.unwrap();
        let s = actual
            .communities
            .iter()
            .find(|c| c.key == "cm-store-42")
            .unwrap();
        assert_eq!(
            (s.name.as_str(), s.visibility),
            ("Magasin 42 — Nancy", Visibility::Public)
        );
        assert_eq!(s.owners, ["cm-bo"]);
        let mut m: Vec<&str> = actual
            .memberships
            .iter()
            .filter(|m| m.community == "cm-store-42")
            .map(|m| m.user.as_str())
            .collect();
        m.sort();
        assert_eq!(m, ["cm-bo", "cm-cy"]);

        // Archive with --prune semantics: board left the wish list.
        let plan = diff_communities(&want2[..2], &actual, true, &stores);
        let archive: Vec<_> = plan
            .changes
            .iter()
            .filter(|c| c.key == "cm-board")
            .cloned()
            .collect();
        assert_eq!(archive[0].action, CommunityAction::Archive);
        let r = writer
            .apply_communities(&archive, &NoProgress)
            .await
            .unwrap();
        assert!(r.iter().all(Result::is_ok), "{r:?}");
        let actual = reader.read_communities(&NoProgress).await.unwrap();
        assert!(
            actual
                .communities
                .iter()
                .find(|c| c.key == "cm-board")
                .unwrap()
                .archived
        );
    });
}

#[test]
fn activity_reports_posts_replies_and_reactions() {
    let srv = server("matrix");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let since = jiff::Timestamp::now();
    rt.block_on(async {
        let conn = srv.open().await;
        create_users(&*conn, &["act-una", "act-vic"]).await;
        let writer = conn.as_write_communities().unwrap();
        let want = [desired(
            "act-club",
            "Club",
            Visibility::Public,
            &["act-una", "act-vic"],
        )];
        let plan = diff_communities(&want, &Default::default(), false, &|_| true);
        let r = writer
            .apply_communities(&plan.changes, &NoProgress)
            .await
            .unwrap();
        assert!(r.iter().all(Result::is_ok), "{r:?}");
    });
    let room = srv.call(
        "GET",
        "/_matrix/client/v3/directory/room/%23act-club%3Alocalhost",
        None,
        None,
    )["room_id"]
        .as_str()
        .unwrap()
        .to_string();
    let send = |user: &str, kind: &str, txn: &str, content: Value| -> String {
        let path = format!(
            "/_matrix/client/v3/rooms/{}/send/{kind}/{txn}",
            url::form_urlencoded::byte_serialize(room.as_bytes()).collect::<String>()
        );
        srv.call("PUT", &path, Some(content), Some(user))["event_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let root = send(
        "@act-una:localhost",
        "m.room.message",
        "t1",
        json!({"msgtype": "m.text", "body": "Qui vient jeudi ?"}),
    );
    send(
        "@act-vic:localhost",
        "m.room.message",
        "t2",
        json!({"msgtype": "m.text", "body": "Moi !",
               "m.relates_to": {"rel_type": "m.thread", "event_id": root}}),
    );
    send(
        "@act-vic:localhost",
        "m.reaction",
        "t3",
        json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": root, "key": "👍"}}),
    );
    rt.block_on(async {
        let conn = srv.open().await;
        let set = conn
            .as_read_activity()
            .unwrap()
            .read_activity(since, &NoProgress)
            .await
            .unwrap();
        let mine: Vec<_> = set
            .events
            .iter()
            .filter(|e| e.community.as_deref() == Some("act-club"))
            .map(|e| {
                (
                    e.user.as_str(),
                    e.kind,
                    e.thread_root.clone(),
                    e.body.clone(),
                )
            })
            .collect();
        assert_eq!(
            mine,
            [
                (
                    "act-una",
                    ActivityKind::Post,
                    None,
                    Some("Qui vient jeudi ?".to_string())
                ),
                (
                    "act-vic",
                    ActivityKind::Reply,
                    Some(root.clone()),
                    Some("Moi !".to_string())
                ),
                ("act-vic", ActivityKind::Reaction, None, None),
            ]
        );
        let una = set.users.iter().find(|u| u.key == "act-una").unwrap();
        assert!(una.active && una.created_at.is_some());
        assert!(set.users.iter().all(|u| u.key != "esnctl-admin"));
    });
}

#[test]
fn rate_limit_answers_are_waited_out() {
    let srv = server("matrix-lowrc");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let conn = srv.open().await;
        // Each account is a registry state event sent as the admin: 12 of them at
        // rc_message 1/s with a burst of 3 must meet 429s, all waited out.
        let keys: Vec<String> = (0..12).map(|i| format!("rl-{i:02}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        create_users(&*conn, &refs).await;
        let set = conn
            .as_read_users()
            .unwrap()
            .read_users(&NoProgress)
            .await
            .unwrap();
        assert_eq!(
            set.users
                .iter()
                .filter(|u| u.key.starts_with("rl-"))
                .count(),
            12
        );
    });
    let log = std::fs::read_to_string(srv.dir.join("homeserver.log")).unwrap_or_default();
    assert!(
        log.contains("M_LIMIT_EXCEEDED") || log.contains(" 429 "),
        "the server never rate-limited: the test proves nothing"
    );
}
