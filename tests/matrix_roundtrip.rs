//! `content copy --from matrix+…` against a real Synapse (`scripts/synapse.sh`, instance
//! `matrix-roundtrip`): bundle → Matrix → bundle gives back the same content, and
//! messages written by ordinary clients (edits, rich replies, uploaded files) are read as
//! people see them. Each test uses its own community and user keys.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::{esnctl, json_stdout, stderr};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use synapse::{enc, Synapse as Server};

const INSTANCE: &str = "matrix-roundtrip";

fn write_jsonl(dir: &Path, name: &str, rows: &[Value]) {
    let text: String = rows.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(dir.join(name), text).unwrap();
}

fn read_jsonl(dir: &Path, name: &str) -> Vec<Value> {
    std::fs::read_to_string(dir.join(name))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn copy(srv: &Server, dir: &Path, from: &str, to: &str, extra: &[&str]) -> Value {
    let out = esnctl(dir)
        .env("ESNCTL_MATRIX_TOKEN", &srv.admin_token)
        .env("ESNCTL_MATRIX_AS_TOKEN", &srv.as_token)
        .args(["--no-progress", "-o", "json", "content", "copy", "--yes"])
        .args(["--from", from, "--to", to])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    json_stdout(&out)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn ms(v: &Value) -> i64 {
    v.as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond()
}

/// A bundle with accented, CJK and emoji text, a nested thread, several reactions per
/// post and two attachments (one binary image), its keys prefixed with `p`.
fn source_bundle(dir: &Path, p: &str) -> Vec<(Vec<u8>, &'static str, &'static str)> {
    std::fs::create_dir_all(dir.join("attachments")).unwrap();
    let users = [
        (format!("{p}léa.müller"), "Léa Müller", "lea"),
        (format!("{p}山田"), "山田 太郎", "yamada"),
        (format!("{p}kim"), "김민준 🎉", "kim"),
    ];
    write_jsonl(
        dir,
        "users.jsonl",
        &users
            .iter()
            .map(|(k, n, e)| json!({"key": k, "display_name": n, "email": format!("{e}.{p}@durand-fils.fr")}))
            .collect::<Vec<_>>(),
    );
    let (lea, yamada, kim) = (&users[0].0, &users[1].0, &users[2].0);
    let (c1, c2) = (format!("{p}siège"), format!("{p}magasin"));
    write_jsonl(
        dir,
        "communities.jsonl",
        &[
            json!({"key": c1, "name": "Siège — Paris 🏢", "visibility": "public", "owners": [lea]}),
            json!({"key": c2, "name": "店舗 042", "visibility": "private", "parent": c1}),
        ],
    );
    write_jsonl(
        dir,
        "memberships.jsonl",
        &[
            json!({"community": c1, "user": lea}),
            json!({"community": c1, "user": yamada}),
            json!({"community": c1, "user": kim}),
            json!({"community": c2, "user": kim}),
        ],
    );
    let post = |id: &str, c: &str, a: &str, at: &str, body: &str| json!({"id": id, "community": c, "author": a, "created_at": at, "body": body});
    let reply = |id: &str, c: &str, a: &str, at: &str, body: &str, root: &str, parent: &str| {
        let mut v = post(id, c, a, at, body);
        v["thread_root"] = json!(root);
        v["parent"] = json!(parent);
        v
    };
    let posts = vec![
        post(
            "p1",
            &c1,
            lea,
            "2025-01-06T08:00:00.001Z",
            "**Bonjour** à tous — réunion à 9 h ☕\n\n- ordre du jour\n- café",
        ),
        reply(
            "p2",
            &c1,
            yamada,
            "2025-01-06T08:01:30.250Z",
            "はい、参加します 🙇",
            "p1",
            "p1",
        ),
        reply(
            "p3",
            &c1,
            kim,
            "2025-01-06T08:02:00.999Z",
            "저도요! `code` & <b>pas du HTML</b>",
            "p1",
            "p2",
        ),
        post(
            "p4",
            &c1,
            kim,
            "2025-01-06T09:00:00Z",
            "Deuxième fil : qui a les clés ? 🔑",
        ),
        post(
            "p5",
            &c2,
            kim,
            "2025-01-07T07:30:00.500Z",
            "Planning de la semaine en pièce jointe 📎",
        ),
        reply(
            "p6",
            &c1,
            lea,
            "2025-01-06T09:05:00.042Z",
            "Moi 🙋‍♀️ (ZWJ + emoji)",
            "p4",
            "p4",
        ),
    ];
    write_jsonl(dir, "posts.jsonl", &posts);
    write_jsonl(
        dir,
        "reactions.jsonl",
        &[
            json!({"post": "p1", "user": yamada, "emoji": "👍", "created_at": "2025-01-06T08:03:00Z"}),
            json!({"post": "p1", "user": kim, "emoji": "👍", "created_at": "2025-01-06T08:04:00Z"}),
            json!({"post": "p1", "user": kim, "emoji": "🎉", "created_at": "2025-01-06T08:04:01Z"}),
            json!({"post": "p3", "user": lea, "emoji": "❤️", "created_at": "2025-01-06T08:05:00Z"}),
        ],
    );
    // A small PNG-like binary (every byte value) and a UTF-8 text file.
    let binary: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let text = "Lundi : ouverture 8 h\n火曜日: 休み\n".as_bytes().to_vec();
    let files = vec![
        (binary, "plan-étage.png", "image/png"),
        (text, "planning-週.txt", "text/plain"),
    ];
    let mut rows = Vec::new();
    for (i, (bytes, name, mime)) in files.iter().enumerate() {
        std::fs::write(dir.join("attachments").join(sha(bytes)), bytes).unwrap();
        rows.push(json!({"id": format!("a{i}"), "post": "p5", "name": name,
            "media_type": mime, "size": bytes.len(), "sha256": sha(bytes)}));
    }
    write_jsonl(dir, "attachments.jsonl", &rows);
    files
}

#[test]
fn bundle_to_matrix_to_bundle_round_trips() {
    let srv = synapse::synapse(INSTANCE);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let p = "rt1-";
    let files = source_bundle(&dir.join("src"), p);
    let uri = srv.uri();
    let sent = copy(srv, dir, "bundle:src", &uri, &["--concurrency", "4"]);
    assert_eq!(sent["summary"]["failed"], 0, "{sent:#}");

    let back = copy(
        srv,
        dir,
        &uri,
        "bundle:back",
        &[
            "--community",
            &format!("{p}siège"),
            "--community",
            &format!("{p}magasin"),
        ],
    );
    let s = &back["summary"];
    assert_eq!(
        [
            &s["communities"],
            &s["memberships"],
            &s["posts"],
            &s["replies"],
            &s["reactions"],
            &s["attachments"],
            &s["failed"]
        ],
        [
            &json!(2),
            &json!(4),
            &json!(3),
            &json!(3),
            &json!(4),
            &json!(2),
            &json!(0)
        ],
        "{back:#}"
    );
    let (src, out) = (dir.join("src"), dir.join("back"));

    // Users: same keys (accents and CJK included), names and emails.
    let users = read_jsonl(&out, "users.jsonl");
    for u in read_jsonl(&src, "users.jsonl") {
        let got = users
            .iter()
            .find(|b| b["key"] == u["key"])
            .unwrap_or_else(|| panic!("{u} not read back"));
        assert_eq!(
            (&got["display_name"], &got["email"]),
            (&u["display_name"], &u["email"])
        );
    }
    let communities = read_jsonl(&out, "communities.jsonl");
    let magasin = communities
        .iter()
        .find(|c| c["key"] == format!("{p}magasin"))
        .unwrap();
    assert_eq!(
        (&magasin["name"], &magasin["visibility"], &magasin["parent"]),
        (
            &json!("店舗 042"),
            &json!("private"),
            &json!(format!("{p}siège"))
        )
    );
    let mut members: Vec<String> = read_jsonl(&out, "memberships.jsonl")
        .iter()
        .map(|m| format!("{}/{}", m["community"], m["user"]))
        .collect();
    let mut want: Vec<String> = read_jsonl(&src, "memberships.jsonl")
        .iter()
        .map(|m| format!("{}/{}", m["community"], m["user"]))
        .collect();
    members.sort();
    want.sort();
    assert_eq!(members, want);

    // Posts: same community, author, millisecond and body bytes; the source id of each
    // read post is found through that identity.
    let src_posts = read_jsonl(&src, "posts.jsonl");
    let out_posts = read_jsonl(&out, "posts.jsonl");
    assert_eq!(out_posts.len(), src_posts.len());
    let identity = |v: &Value| {
        format!(
            "{}|{}|{}|{}",
            v["community"],
            v["author"],
            ms(&v["created_at"]),
            v["body"].as_str().unwrap()
        )
    };
    let by_identity: HashMap<String, &Value> = src_posts.iter().map(|v| (identity(v), v)).collect();
    let source_id: HashMap<&str, &str> = out_posts
        .iter()
        .map(|v| {
            let s = by_identity
                .get(&identity(v))
                .unwrap_or_else(|| panic!("{v} matches no source post"));
            (v["id"].as_str().unwrap(), s["id"].as_str().unwrap())
        })
        .collect();
    let back_to_source = |v: &Value| v.as_str().map(|id| source_id[id]);
    for v in &out_posts {
        let s = by_identity[&identity(v)];
        // Thread structure: root and parent point to the same posts as in the source.
        assert_eq!(
            back_to_source(&v["thread_root"]),
            s["thread_root"].as_str(),
            "{v}"
        );
        assert_eq!(back_to_source(&v["parent"]), s["parent"].as_str(), "{v}");
    }
    // Within a community, posts come in source (time) order.
    let order: Vec<&str> = out_posts
        .iter()
        .map(|v| source_id[v["id"].as_str().unwrap()])
        .collect();
    let pos = |id: &str| order.iter().position(|x| *x == id).unwrap();
    assert!(
        pos("p1") < pos("p2") && pos("p2") < pos("p3") && pos("p4") < pos("p6"),
        "{order:?}"
    );

    // Reactions: the same count per post and emoji, by the same people.
    let count = |rows: Vec<Value>, map: &dyn Fn(&str) -> String| {
        let mut c: BTreeMap<String, u32> = BTreeMap::new();
        for r in rows {
            *c.entry(format!(
                "{} {} {}",
                map(r["post"].as_str().unwrap()),
                r["emoji"],
                r["user"]
            ))
            .or_default() += 1;
        }
        c
    };
    assert_eq!(
        count(read_jsonl(&out, "reactions.jsonl"), &|id| source_id[id]
            .to_string()),
        count(read_jsonl(&src, "reactions.jsonl"), &|id| id.to_string())
    );

    // Attachments: same post, name, type, size and checksum; bytes in the store.
    let atts = read_jsonl(&out, "attachments.jsonl");
    assert_eq!(atts.len(), files.len());
    for (bytes, name, mime) in &files {
        let a = atts
            .iter()
            .find(|a| a["name"] == *name)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(source_id[a["post"].as_str().unwrap()], "p5");
        assert_eq!(
            (&a["media_type"], &a["size"], &a["sha256"]),
            (&json!(mime), &json!(bytes.len()), &json!(sha(bytes)))
        );
        let stored = std::fs::read(out.join("attachments").join(sha(bytes))).unwrap();
        assert_eq!(&stored, bytes);
    }

    let validate = esnctl(dir)
        .args(["content", "validate", "bundle:back"])
        .output()
        .unwrap();
    assert!(validate.status.success(), "{}", stderr(&validate));
}

/// Uploads bytes as `user` through the application service; answers the mxc URI.
fn upload(srv: &Server, user: &str, name: &str, bytes: &[u8]) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = format!(
        "{}/_matrix/media/v3/upload?filename={}&user_id={}",
        srv.url,
        enc(name),
        enc(user)
    );
    let v: Value = rt.block_on(async {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(&srv.as_token)
            .header("Content-Type", "application/pdf")
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    v["content_uri"].as_str().unwrap().to_string()
}

#[test]
fn messages_from_clients_are_read_as_people_see_them() {
    let srv = synapse::synapse(INSTANCE);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let p = "rt2-";
    // Users and a community through esnctl, then messages sent as a client would.
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    write_jsonl(
        &src,
        "users.jsonl",
        &[
            json!({"key": format!("{p}ana")}),
            json!({"key": format!("{p}bo")}),
        ],
    );
    write_jsonl(
        &src,
        "communities.jsonl",
        &[json!({"key": format!("{p}club"), "name": "Club"})],
    );
    write_jsonl(
        &src,
        "memberships.jsonl",
        &[
            json!({"community": format!("{p}club"), "user": format!("{p}ana")}),
            json!({"community": format!("{p}club"), "user": format!("{p}bo")}),
        ],
    );
    let uri = srv.uri();
    copy(srv, dir, "bundle:src", &uri, &[]);
    let room = srv.posts_room(&format!("{p}club"));
    let (ana, bo) = (format!("@{p}ana:localhost"), format!("@{p}bo:localhost"));
    let mut n = 0;
    let mut send = |user: &str, kind: &str, content: Value| {
        n += 1;
        srv.call(
            "PUT",
            &format!(
                "/_matrix/client/v3/rooms/{}/send/{kind}/client-{n}",
                enc(&room)
            ),
            Some(content),
            Some(user),
        )["event_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let question = send(
        &ana,
        "m.room.message",
        json!({"msgtype": "m.text", "body": "Qui a la clé ?"}),
    );
    send(
        &ana,
        "m.room.message",
        json!({"msgtype": "m.text", "body": "* Qui a la clé du local ? 🔑",
        "m.new_content": {"msgtype": "m.text", "body": "Qui a la clé du local ? 🔑"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": question}}),
    );
    let answer = send(
        &bo,
        "m.room.message",
        json!({"msgtype": "m.text",
        "body": "> <@ana> Qui a la clé ?\n\nMoi, 明日 je la rapporte",
        "format": "org.matrix.custom.html",
        "formatted_body": "<mx-reply><blockquote>Qui a la clé ?</blockquote></mx-reply>Moi, 明日 je la rapporte",
        "m.relates_to": {"m.in_reply_to": {"event_id": question}}}),
    );
    let pdf = b"%PDF-1.4 fake but exact \xff\x00\x01".to_vec();
    let mxc = upload(srv, &bo, "reçu.pdf", &pdf);
    let file = send(
        &bo,
        "m.room.message",
        json!({"msgtype": "m.file", "body": "reçu.pdf", "url": mxc,
        "info": {"mimetype": "application/pdf"}}),
    );
    send(
        &ana,
        "m.reaction",
        json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": file, "key": "✅"}}),
    );

    // A later import into the same community, by a member (regression: Synapse refuses
    // to join someone already in the room, which stopped the copy).
    let later = dir.join("later");
    std::fs::create_dir_all(&later).unwrap();
    std::fs::copy(src.join("users.jsonl"), later.join("users.jsonl")).unwrap();
    std::fs::copy(
        src.join("communities.jsonl"),
        later.join("communities.jsonl"),
    )
    .unwrap();
    write_jsonl(
        &later,
        "posts.jsonl",
        &[json!({"id": "l1", "community": format!("{p}club"),
        "author": format!("{p}ana"), "created_at": "2025-02-01T10:00:00Z", "body": "Suite importée ✓"})],
    );
    copy(
        srv,
        dir,
        "bundle:later",
        &uri,
        &["--state", "ledgers/later.db"],
    );
    // A server destination's report goes beside the ledger given, private like it.
    for ext in ["md", "json"] {
        let report = dir.join(format!("ledgers/later.migration-report.{ext}"));
        let mode = std::fs::metadata(&report)
            .unwrap_or_else(|e| panic!("{}: {e}", report.display()))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{}", report.display());
    }

    copy(
        srv,
        dir,
        &uri,
        "bundle:back",
        &["--community", &format!("{p}club")],
    );
    let out = dir.join("back");
    let posts = read_jsonl(&out, "posts.jsonl");
    let post = |id: &str| {
        posts
            .iter()
            .find(|v| v["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {posts:#?}"))
    };
    assert_eq!(posts.len(), 4, "the edit is not a post: {posts:#?}");
    assert!(posts
        .iter()
        .any(|v| v["body"] == "Suite importée ✓" && v["author"] == format!("{p}ana")));
    // The edit is applied to its original, with its time.
    assert_eq!(post(&question)["body"], "Qui a la clé du local ? 🔑");
    assert!(post(&question)["edited_at"].is_string());
    // The rich reply joins the question's thread, without the quoted fallback.
    let a = post(&answer);
    assert_eq!(
        (&a["body"], &a["thread_root"], &a["parent"]),
        (
            &json!("Moi, 明日 je la rapporte"),
            &json!(question),
            &json!(question)
        )
    );
    assert_eq!(a["author"], format!("{p}bo"));
    // A file sent by a client is a post with its file as attachment, hashed on read.
    assert_eq!(post(&file)["body"], "reçu.pdf");
    let atts = read_jsonl(&out, "attachments.jsonl");
    assert_eq!(atts.len(), 1);
    assert_eq!(
        (&atts[0]["post"], &atts[0]["size"], &atts[0]["sha256"]),
        (&json!(file), &json!(pdf.len()), &json!(sha(&pdf)))
    );
    assert_eq!(
        std::fs::read(out.join("attachments").join(sha(&pdf))).unwrap(),
        pdf
    );
    let reactions = read_jsonl(&out, "reactions.jsonl");
    assert_eq!(
        reactions,
        vec![
            json!({"post": file, "user": format!("{p}ana"), "emoji": "✅", "created_at": reactions[0]["created_at"]})
        ]
    );
}
