//! `users sync` and groups against a real SCIM server (scim2-server, one per test).

mod common;
#[path = "scim/faults.rs"]
mod faults;
#[path = "scim/server.rs"]
mod server;

use common::*;
use esnctl::connectors::scim::ScimConnector;
use esnctl::connectors::Connector;
use esnctl::core::endpoint::Endpoint;
use esnctl::core::plan::diff_users;
use esnctl::core::plan_communities::{diff_communities, DesiredCommunity};
use esnctl::core::progress::NoProgress;
use serde_json::json;
use server::ScimServer;
use std::path::Path;

const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn sync(
    dir: &Path,
    srv: &ScimServer,
    to: &str,
    from: &str,
    extra: &[&str],
) -> (serde_json::Value, i32, String) {
    let out = esnctl(dir)
        .env("ESNCTL_SCIM_TOKEN", &srv.token)
        .args([
            "-v", "-o", "json", "users", "sync", "--from", from, "--to", to, "--yes",
        ])
        .args(extra)
        .output()
        .unwrap();
    let err = stderr(&out);
    (json_stdout(&out), out.status.code().unwrap(), err)
}

/// The `writes=` and `post=` counts of the `esnctl::stats` log line.
fn stat(stderr: &str, name: &str) -> u64 {
    let line = stderr
        .lines()
        .find(|l| l.contains("requests sent"))
        .unwrap_or_else(|| panic!("no stats line in:\n{stderr}"));
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name}= in {line}"))
}

fn ldif(name: &str) -> String {
    format!("ldif:{}", fixture(name).display())
}

fn profile(dir: &Path, srv: &ScimServer, settings: &str) -> String {
    std::fs::write(
        dir.join("esnctl.toml"),
        format!(
            "[endpoints.esn]\nurl = \"{}\"\n{settings}\n",
            srv.endpoint()
        ),
    )
    .unwrap();
    "esn".into()
}

#[test]
fn ldif_lifecycle_create_noop_update_deactivate_reactivate() {
    let srv = ScimServer::start("lifecycle");
    let dir = tempfile::tempdir().unwrap();
    let to = srv.endpoint();

    let (first, code, err) = sync(dir.path(), &srv, &to, &ldif("people.ldif"), &[]);
    assert_eq!(code, 0, "{first}\n{err}");
    assert_eq!(first["summary"]["create"], 9);
    let akiko = srv.user("ayamada");
    assert_eq!(akiko["name"]["familyName"], "山田");
    assert_eq!(akiko["displayName"], "Akiko 山田");
    assert_eq!(akiko["externalId"].as_str().unwrap().len(), 36);
    assert_eq!(akiko["emails"][0]["primary"], true);
    assert_eq!(srv.user("lnoel")["title"], "Technicien 🛠️ support");
    // The manager is the manager's SCIM id.
    let boss = srv.user("mdurand");
    assert_eq!(
        srv.user("jlefevre")[ENTERPRISE]["manager"]["value"],
        boss["id"]
    );
    assert_eq!(
        srv.user("jlefevre")[ENTERPRISE]["department"],
        "Informatique"
    );

    // No change in the source: nothing planned, zero write requests.
    let (again, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        &ldif("people.ldif"),
        &["--detailed-exitcode"],
    );
    assert_eq!(code, 0, "{again}\n{err}");
    assert_eq!(again["changes"], json!([]));
    assert_eq!(stat(&err, "writes"), 0, "{err}");

    // v2: a rename (same entryUUID), a title change, one departure, one arrival.
    let (v2, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        &ldif("people-v2.ldif"),
        &["--max-deactivations", "1"],
    );
    assert_eq!(code, 0, "{v2}\n{err}");
    let s = &v2["summary"];
    assert_eq!(
        (
            s["create"].clone(),
            s["update"].clone(),
            s["deactivate"].clone()
        ),
        (json!(1), json!(2), json!(1))
    );
    let renamed = srv.user("jlefevre-roux");
    assert_eq!(
        renamed["externalId"],
        "98a945e0-b2d5-5169-8e03-05ce334fcee2"
    );
    assert!(srv.users().iter().all(|u| u["userName"] != "jlefevre"));
    assert_eq!(srv.user("tdubois")["title"], "Responsable infrastructure");
    let paul = srv.user("pmartin");
    assert_eq!(paul["active"], false);
    // The deactivation is recorded on the server, in the ledger group.
    let ledger = srv
        .groups()
        .into_iter()
        .find(|g| g["displayName"] == "esnctl-deactivated")
        .expect("ledger group");
    assert_eq!(ledger["members"][0]["value"], paul["id"]);
    // The ledger is not a community.
    let out = esnctl(dir.path())
        .env("ESNCTL_SCIM_TOKEN", &srv.token)
        .args(["-o", "json", "users", "list", "--from", &to])
        .output()
        .unwrap();
    let listed = json_stdout(&out);
    assert_eq!(listed.as_array().unwrap().len(), 10, "{listed}");

    // Paul comes back: reactivated because esnctl deactivated him.
    let (back, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        &ldif("people.ldif"),
        &["--max-deactivations", "100%"],
    );
    assert_eq!(code, 0, "{back}\n{err}");
    assert_eq!(back["summary"]["reactivate"], 1, "{back}");
    assert_eq!(srv.user("pmartin")["active"], true);
    let ledger = srv
        .groups()
        .into_iter()
        .find(|g| g["displayName"] == "esnctl-deactivated")
        .unwrap();
    // Only snguyen (absent from v1) is recorded now: pmartin's mark went with him.
    let marked: Vec<_> = ledger["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].clone())
        .collect();
    assert_eq!(marked, vec![srv.user("snguyen")["id"].clone()], "{ledger}");
}

#[test]
fn inactive_users_deactivated_by_hand_are_not_reactivated() {
    let srv = ScimServer::start("byhand");
    let dir = tempfile::tempdir().unwrap();
    let to = srv.endpoint();
    assert_eq!(sync(dir.path(), &srv, &to, &ldif("people.ldif"), &[]).1, 0);
    let id = srv.user("cgarcon")["id"].as_str().unwrap().to_string();
    assert_eq!(
        srv.patch(
            &format!("Users/{id}"),
            json!([{"op": "replace", "path": "active", "value": false}])
        ),
        204
    );
    let (plan, code, err) = sync(dir.path(), &srv, &to, &ldif("people.ldif"), &[]);
    assert_eq!(code, 0, "{plan}\n{err}");
    assert_eq!(plan["summary"]["reactivate"], 0);
    assert!(
        err.contains("deactivated on the destination by someone else"),
        "{err}"
    );
    assert_eq!(srv.user("cgarcon")["active"], false);
}

#[test]
fn a_mark_left_by_a_reactivation_by_hand_is_cleared_so_a_later_deactivation_by_hand_stays() {
    let srv = ScimServer::start("stale-mark");
    let dir = tempfile::tempdir().unwrap();
    let to = srv.endpoint();
    let marked = |srv: &ScimServer| -> Vec<serde_json::Value> {
        srv.groups()
            .into_iter()
            .find(|g| g["displayName"] == "esnctl-deactivated")
            .map(|g| g["members"].as_array().cloned().unwrap_or_default())
            .unwrap_or_default()
            .iter()
            .map(|m| m["value"].clone())
            .collect()
    };
    let set_active = |srv: &ScimServer, id: &str, active: bool| {
        let ops = json!([{"op": "replace", "path": "active", "value": active}]);
        assert_eq!(srv.patch(&format!("Users/{id}"), ops), 204);
    };
    assert_eq!(sync(dir.path(), &srv, &to, &ldif("people.ldif"), &[]).1, 0);
    // pmartin leaves the directory: esnctl deactivates and marks him.
    let (_, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        &ldif("people-v2.ldif"),
        &["--max-deactivations", "1"],
    );
    assert_eq!(code, 0, "{err}");
    let paul = srv.user("pmartin")["id"].clone();
    assert!(marked(&srv).contains(&paul));

    // An admin reactivates him by hand, and he is back in the directory: the mark is stale.
    set_active(&srv, paul.as_str().unwrap(), true);
    let (plan, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        &ldif("people.ldif"),
        &["--max-deactivations", "100%"],
    );
    assert_eq!(code, 0, "{plan}\n{err}");
    let change = plan_change(&plan, "pmartin");
    assert_eq!(change["action"], "update", "{change}");
    assert_eq!(change["fields"]["deactivated_by"], json!(["esnctl", null]));
    assert!(!marked(&srv).contains(&paul), "{:?}", marked(&srv));

    // Deactivated by hand later: a sync leaves him so.
    set_active(&srv, paul.as_str().unwrap(), false);
    let (plan, code, err) = sync(dir.path(), &srv, &to, &ldif("people.ldif"), &[]);
    assert_eq!(code, 0, "{plan}\n{err}");
    assert_eq!(plan["summary"]["reactivate"], 0, "{plan}");
    assert_eq!(srv.user("pmartin")["active"], false);
}

#[test]
fn bulk_and_single_requests_give_the_same_users() {
    let srv_bulk = ScimServer::start("bulk");
    let srv_single = ScimServer::start("single");
    let dir = tempfile::tempdir().unwrap();
    let csv = format!("csv:{}", fixture("users.csv").display());

    let (out, code, err) = sync(dir.path(), &srv_bulk, &srv_bulk.endpoint(), &csv, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    // One Bulk request for the creates, nothing per user.
    assert_eq!(stat(&err, "post"), 1, "{err}");

    // bulk = false and patch = false: one POST per user, updates by PUT.
    let single = profile(dir.path(), &srv_single, "bulk = false\npatch = false");
    let (out, code, err) = sync(
        dir.path(),
        &srv_single,
        &single,
        &csv,
        &["--concurrency", "2"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(stat(&err, "post"), 4, "{err}");

    let strip = |mut users: Vec<serde_json::Value>| {
        for u in &mut users {
            let o = u.as_object_mut().unwrap();
            o.remove("id");
            o.remove("meta");
        }
        users.sort_by_key(|u| u["userName"].as_str().unwrap().to_string());
        users
    };
    let a = strip(srv_bulk.users());
    assert_eq!(a.len(), 4);
    assert_eq!(a, strip(srv_single.users()));

    // An update by PUT keeps what esnctl does not manage (phoneNumbers).
    let id = srv_single.user("mdurand")["id"]
        .as_str()
        .unwrap()
        .to_string();
    srv_single.patch(
        &format!("Users/{id}"),
        json!([{"op": "add", "path": "phoneNumbers", "value": [{"value": "+33 1 23"}]}]),
    );
    std::fs::write(
        dir.path().join("v2.csv"),
        std::fs::read_to_string(fixture("users.csv"))
            .unwrap()
            .replace("Directrice commerciale", "Directrice générale"),
    )
    .unwrap();
    let (out, code, err) = sync(dir.path(), &srv_single, &single, "csv:v2.csv", &[]);
    assert_eq!(
        (code, out["summary"]["update"].clone()),
        (0, json!(1)),
        "{out}\n{err}"
    );
    assert_eq!(stat(&err, "put"), 1, "{err}");
    let m = srv_single.user("mdurand");
    assert_eq!(m["title"], "Directrice générale");
    assert_eq!(m["phoneNumbers"][0]["value"], "+33 1 23");
}

#[test]
fn bad_token_is_one_clear_line_and_missing_token_a_usage_error() {
    let srv = ScimServer::start("badtoken");
    let dir = tempfile::tempdir().unwrap();
    let secret = "wrong-token-0123456789";
    let out = esnctl(dir.path())
        .env("ESNCTL_SCIM_TOKEN", secret)
        .args([
            "-vv",
            "users",
            "sync",
            "--from",
            &ldif("people.ldif"),
            "--to",
            &srv.endpoint(),
            "--yes",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("SCIM server rejected the token (401)"),
        "{err}"
    );
    assert!(!err.contains(secret), "the token leaked: {err}");
    let errors: Vec<_> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(srv.users().is_empty());

    let out = esnctl(dir.path())
        .env_remove("ESNCTL_SCIM_TOKEN")
        .args(["users", "list", "--from", &srv.endpoint()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("ESNCTL_SCIM_TOKEN"));
}

#[test]
fn refused_item_is_reported_with_its_key_and_the_others_applied() {
    let srv = ScimServer::start("refused");
    let dir = tempfile::tempdir().unwrap();
    // Someone else's account holds the username "ayamada2"; renaming ayamada to it is
    // refused by the server (409 uniqueness) while the other changes go through.
    std::fs::write(
        dir.path().join("a.csv"),
        "key,email,external_id,title\nayamada,a@x,id-a,Ingénieure\nbob,b@x,id-b,Dev\n",
    )
    .unwrap();
    let to = srv.endpoint();
    assert_eq!(sync(dir.path(), &srv, &to, "csv:a.csv", &[]).1, 0);
    srv.post("Users", json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ayamada2", "externalId": "other"}));
    std::fs::write(
        dir.path().join("b.csv"),
        "key,email,external_id,title\nayamada2,a@x,id-a,Ingénieure\nbob,b@x,id-b,Lead\n",
    )
    .unwrap();
    let (out, code, err) = sync(
        dir.path(),
        &srv,
        &to,
        "csv:b.csv",
        &["--max-deactivations", "100%"],
    );
    assert_eq!(code, 5, "{out}\n{err}");
    let msg = change_error(&out, "ayamada2");
    assert!(
        msg.starts_with("\"ayamada2\"") && msg.contains("409 uniqueness"),
        "{msg}"
    );
    assert_eq!(out["summary"]["failed"], 1);
    assert_eq!(srv.user("bob")["title"], "Lead");
    assert_eq!(srv.user("ayamada")["title"], "Ingénieure");
}

/// The `error` of the change for `key` in a `users sync -o json` result.
fn change_error(out: &serde_json::Value, key: &str) -> String {
    plan_change(out, key)["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error for {key}: {out}"))
        .to_string()
}

/// Opens the connector through the library, as `users sync` does.
fn connector(srv: &ScimServer, settings: &str) -> ScimConnector {
    let mut ep = Endpoint::parse_uri(&srv.endpoint()).unwrap().unwrap();
    ep.settings = toml::from_str(settings).unwrap();
    std::env::set_var("ESNCTL_SCIM_TOKEN", &srv.token);
    ScimConnector::open(&ep, 4).unwrap()
}

#[tokio::test]
async fn a_user_changed_between_read_and_write_is_reread_and_retried_once() {
    let srv = ScimServer::start("etag");
    let conn = connector(&srv, "bulk = false");
    let mut u = esnctl::core::model::User::new("o'brien");
    u.email = Some("ob@x".into());
    u.title = Some("Dev".into());
    let plan = diff_users(std::slice::from_ref(&u), &[], &[], &|_| true);
    let res = conn
        .as_write_users()
        .unwrap()
        .apply_users(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert_eq!(res, vec![Ok(())]);

    let actual = conn
        .as_read_users()
        .unwrap()
        .read_users(&NoProgress)
        .await
        .unwrap();
    // Behind esnctl's back: another attribute changes, so the ETag esnctl read is stale.
    let id = actual.users[0].handle.clone().unwrap();
    assert_eq!(
        srv.patch(
            &format!("Users/{id}"),
            json!([{"op": "replace", "path": "nickName", "value": "Obi"}])
        ),
        204
    );
    u.title = Some("Lead \"quoted\"".into());
    let plan = diff_users(&[u], &[], &actual.users, &|f| {
        conn.as_write_users().unwrap().stored_fields().stores(f)
    });
    let before = conn.stats();
    let res = conn
        .as_write_users()
        .unwrap()
        .apply_users(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert_eq!(res, vec![Ok(())]);
    let after = conn.stats();
    assert_eq!(after.patch - before.patch, 2, "one 412, one retry");
    assert_eq!(after.retries - before.retries, 1);
    let back = srv.user("o'brien");
    assert_eq!(back["title"], "Lead \"quoted\"");
    assert_eq!(back["nickName"], "Obi", "the other change is kept");
}

#[tokio::test]
async fn groups_create_rename_and_change_members_in_chunks() {
    let srv = ScimServer::start("groups");
    let conn = connector(&srv, "");
    let users: Vec<_> = (0..150)
        .map(|i| {
            let mut u = esnctl::core::model::User::new(format!("member-{i:03}"));
            u.email = Some(format!("m{i}@x"));
            u
        })
        .collect();
    let plan = diff_users(&users, &[], &[], &|_| true);
    let res = conn
        .as_write_users()
        .unwrap()
        .apply_users(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert!(res.iter().all(Result::is_ok));

    let keys: Vec<String> = users.iter().map(|u| u.key.clone()).collect();
    let want = |name: &str, members: &[String]| DesiredCommunity {
        community: esnctl::core::model::Community {
            key: "store-042".into(),
            name: name.into(),
            ..Default::default()
        },
        members: Some(members.to_vec()),
    };
    let writer = conn.as_write_communities().unwrap();
    let reader = conn.as_read_communities().unwrap();
    let stores = |f: &str| writer.stored_community_fields().stores(f);
    let current = reader.read_communities(&NoProgress).await.unwrap();
    let plan = diff_communities(
        &[want("Magasin 042 — Nancy", &keys[..120])],
        &current,
        false,
        &stores,
    );
    let before = conn.stats().patch;
    let res = writer
        .apply_communities(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert_eq!(res, vec![Ok(())]);
    assert_eq!(
        conn.stats().patch - before,
        2,
        "120 members: two PATCH requests of at most 100"
    );
    let group = srv
        .groups()
        .into_iter()
        .find(|g| g["externalId"] == "store-042")
        .unwrap();
    assert_eq!(group["displayName"], "Magasin 042 — Nancy");
    assert_eq!(group["members"].as_array().unwrap().len(), 120);

    // Rename, remove the first 10, add 30 more, and one unknown member.
    let conn = connector(&srv, "");
    let writer = conn.as_write_communities().unwrap();
    let current = conn
        .as_read_communities()
        .unwrap()
        .read_communities(&NoProgress)
        .await
        .unwrap();
    let mut members = keys[10..150].to_vec();
    members.push("ghost".into());
    let plan = diff_communities(&[want("Magasin 42", &members)], &current, false, &stores);
    let res = writer
        .apply_communities(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert!(res[0].as_ref().unwrap_err().contains("ghost"), "{res:?}");
    let group = srv
        .groups()
        .into_iter()
        .find(|g| g["externalId"] == "store-042")
        .unwrap();
    assert_eq!(group["displayName"], "Magasin 42");
    let ids: std::collections::HashSet<_> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_string())
        .collect();
    let by_name: std::collections::HashMap<_, _> = srv
        .users()
        .iter()
        .map(|u| {
            (
                u["userName"].as_str().unwrap().to_string(),
                u["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(ids.len(), 140);
    assert!(!ids.contains(&by_name["member-000"]) && ids.contains(&by_name["member-149"]));

    // Nothing left to do; archiving is refused, never a DELETE.
    let current = conn
        .as_read_communities()
        .unwrap()
        .read_communities(&NoProgress)
        .await
        .unwrap();
    let plan = diff_communities(
        &[want("Magasin 42", &keys[10..150])],
        &current,
        false,
        &stores,
    );
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    let plan = diff_communities(&[], &current, true, &stores);
    let res = writer
        .apply_communities(&plan.changes, &NoProgress)
        .await
        .unwrap();
    assert!(res[0].as_ref().unwrap_err().contains("cannot be archived"));
    assert_eq!(conn.stats().delete, 0);
}

#[test]
fn transient_failures_are_retried_and_a_refused_value_names_its_user() {
    let srv = ScimServer::start("faults");
    let invalid = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidValue","detail":"title is not allowed"}"#;
    let proxy = faults::start(
        &srv.url,
        vec![
            // Discovery is busy once, then the first create is rate-limited (HTTP date).
            faults::Rule {
                method: "GET",
                path: "/ServiceProviderConfig",
                body: "",
                times: 1,
                response: faults::status(503, "Retry-After: 0\r\n", ""),
            },
            faults::Rule {
                method: "POST",
                path: "/Users",
                body: "mdurand",
                times: 1,
                response: faults::status(429, "Retry-After: Thu, 01 Jan 1970 00:00:00 GMT\r\n", ""),
            },
            faults::Rule {
                method: "POST",
                path: "/Users",
                body: "jlefevre",
                times: 1,
                response: faults::status(400, "", invalid),
            },
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("esnctl.toml"),
        format!(
            "[endpoints.esn]\nurl = \"scim+{}/v2\"\nbulk = false\n",
            proxy.url
        ),
    )
    .unwrap();
    let csv = format!("csv:{}", fixture("users.csv").display());
    let (out, code, err) = sync(dir.path(), &srv, "esn", &csv, &[]);
    assert_eq!(code, 5, "{out}\n{err}");
    assert_eq!(*proxy.injected.lock().unwrap(), 3);
    assert_eq!(stat(&err, "retries"), 2, "{err}");
    let line = change_error(&out, "jlefevre");
    assert!(
        line.contains("400 invalidValue") && line.contains("title is not allowed"),
        "{line}"
    );
    // Everyone else was created exactly once; the 429 did not duplicate mdurand.
    let names: Vec<_> = srv
        .users()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"mdurand".to_string()) && !names.contains(&"jlefevre".to_string()));
}
