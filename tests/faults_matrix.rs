//! `content copy` to a real Synapse under faults: killed (SIGKILL) at 10 seeded points,
//! the homeserver restarted mid-copy, and a storm of 429s (low `rc_message`). Whatever
//! happens, once a run completes the destination holds every source post exactly once,
//! in source order within each room; after an interrupted run, what is there is a prefix
//! of that order with no duplicate.

mod common;
#[path = "common/synapse.rs"]
mod synapse;

use common::*;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use synapse::{enc, Synapse};

const COMMUNITIES: [&str; 2] = ["un", "deux"];

/// A bundle of 3 users and 2 communities of `per_room` posts each (every fourth a reply
/// to the post before the previous one); returns (bundle path, expected bodies per community key).
fn make_bundle(dir: &Path, tag: &str, per_room: usize) -> (PathBuf, Vec<(String, Vec<String>)>) {
    let b = dir.join(format!("bundle-{tag}"));
    std::fs::create_dir_all(&b).unwrap();
    let users: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|u| format!("{tag}-{u}"))
        .collect();
    let mut f = std::fs::File::create(b.join("users.jsonl")).unwrap();
    for u in &users {
        writeln!(
            f,
            "{{\"key\":\"{u}\",\"email\":\"{u}@example.com\",\"display_name\":\"Personne {u} é\"}}"
        )
        .unwrap();
    }
    let mut c = std::fs::File::create(b.join("communities.jsonl")).unwrap();
    let mut m = std::fs::File::create(b.join("memberships.jsonl")).unwrap();
    let mut p = std::io::BufWriter::new(std::fs::File::create(b.join("posts.jsonl")).unwrap());
    let mut expected = Vec::new();
    for name in COMMUNITIES {
        let key = format!("{tag}-{name}");
        writeln!(
            c,
            "{{\"key\":\"{key}\",\"name\":\"Salle {name} ✓\",\"visibility\":\"public\"}}"
        )
        .unwrap();
        for u in &users {
            writeln!(m, "{{\"community\":\"{key}\",\"user\":\"{u}\"}}").unwrap();
        }
        let mut bodies = Vec::new();
        let mut root = String::new();
        for i in 0..per_room {
            let id = format!("{key}-p{i}");
            let body = format!("{key} message n°{i} ✓");
            let at = jiff::Timestamp::from_second(1_700_000_000 + i as i64 * 60).unwrap();
            let thread = if i % 4 == 3 {
                format!(",\"thread_root\":\"{root}\",\"parent\":\"{root}\"")
            } else {
                root = id.clone();
                String::new()
            };
            writeln!(
                p,
                "{{\"id\":\"{id}\",\"community\":\"{key}\",\"author\":\"{}\",\"created_at\":\"{at}\",\"body\":\"{body}\"{thread}}}",
                users[i % 3]
            )
            .unwrap();
            bodies.push(body);
        }
        expected.push((key, bodies));
    }
    p.flush().unwrap();
    (b, expected)
}

fn copy_command(srv: &Synapse, dir: &Path, bundle: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("esnctl"));
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CONFIG_HOME", dir.join(".xdg"))
        .env("ESNCTL_MATRIX_TOKEN", &srv.admin_token)
        .env("ESNCTL_MATRIX_AS_TOKEN", &srv.as_token)
        .args([
            "--no-progress",
            "-o",
            "json",
            "content",
            "copy",
            "--yes",
            "--from",
        ])
        .arg(format!("bundle:{}", bundle.display()))
        .args(["--to", &srv.uri()]);
    cmd
}

fn spawn_copy(srv: &Synapse, dir: &Path, bundle: &Path) -> Child {
    copy_command(srv, dir, bundle)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn copy(srv: &Synapse, dir: &Path, bundle: &Path) -> Output {
    copy_command(srv, dir, bundle).output().unwrap()
}

/// A GET through the admin token; `None` when the server answers with an error (a room
/// that does not exist yet).
fn get(srv: &Synapse, path: &str) -> Option<Value> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .get(format!("{}{path}", srv.url))
            .bearer_auth(&srv.admin_token)
            .send()
            .await
            .ok()?;
        if !resp.status().is_success() {
            return None;
        }
        resp.json::<Value>().await.ok()
    })
}

/// `/health` answers 200 (its body is plain text).
fn healthy(srv: &Synapse) -> bool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .get(format!("{}/health", srv.url))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
}

/// The message bodies of a community's posts room, oldest first (every page).
fn bodies(srv: &Synapse, key: &str) -> Vec<String> {
    let alias = enc(&format!("#{key}:localhost"));
    let Some(space) = get(srv, &format!("/_matrix/client/v3/directory/room/{alias}")) else {
        return Vec::new();
    };
    let space = space["room_id"].as_str().unwrap().to_string();
    let state = format!(
        "/_matrix/client/v3/rooms/{}/state/org.esnctl.posts_room/",
        enc(&space)
    );
    let Some(room) = get(srv, &state) else {
        return Vec::new();
    };
    let room = room["room_id"].as_str().unwrap().to_string();
    let mut out = Vec::new();
    let mut from = String::new();
    loop {
        let page = get(
            srv,
            &format!(
                "/_synapse/admin/v1/rooms/{}/messages?dir=f&limit=500{from}",
                enc(&room)
            ),
        )
        .expect("room messages");
        let chunk = page["chunk"].as_array().cloned().unwrap_or_default();
        if chunk.is_empty() {
            return out;
        }
        out.extend(
            chunk
                .iter()
                .filter(|e| e["type"] == "m.room.message")
                .map(|e| {
                    e["content"]["body"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                }),
        );
        match page["end"].as_str() {
            Some(end) => from = format!("&from={}", enc(end)),
            None => return out,
        }
    }
}

/// What an interrupted copy may leave: per room, a prefix of the source order.
fn assert_prefixes(srv: &Synapse, expected: &[(String, Vec<String>)], when: &str) -> usize {
    let mut total = 0;
    for (key, want) in expected {
        let have = bodies(srv, key);
        assert!(
            have.len() <= want.len() && have[..] == want[..have.len()],
            "{when}: room {key} is not a prefix of the source order (duplicate or reordered post):\n{have:#?}"
        );
        total += have.len();
    }
    total
}

/// What a completed copy must leave: every post once, in order.
fn assert_complete(srv: &Synapse, expected: &[(String, Vec<String>)], when: &str) {
    for (key, want) in expected {
        assert_eq!(&bodies(srv, key), want, "{when}: room {key}");
    }
}

/// A small deterministic generator, so a failing kill schedule can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn killed_at_ten_seeded_points_every_post_lands_once_in_order() {
    let srv = synapse::synapse("faults-kill");
    let dir = tempfile::tempdir().unwrap();
    let (bundle, expected) = make_bundle(dir.path(), "kill", 120);
    let total: u64 = expected.iter().map(|(_, b)| b.len() as u64).sum();
    // Kill points are progress, not time, so that they land mid-copy on a fast machine
    // as on a slow one: the first during setup (users, rooms), then once so many posts
    // are in place (seeded, increasing).
    let mut rng = Lcg(0x5eed_e5c7_1c0f);
    let mut points: Vec<u64> = (0..9).map(|_| 1 + rng.next() % (total - 20)).collect();
    points.sort();
    let first = Duration::from_millis(200 + rng.next() % 800);
    let mut schedule = Vec::new();
    for point in 0..10 {
        let mut child = spawn_copy(srv, dir.path(), &bundle);
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut finished = false;
        if point == 0 {
            std::thread::sleep(first);
        } else {
            while assert_prefixes(srv, &expected, "while copying") < points[point - 1] as usize {
                if child.try_wait().unwrap().is_some() {
                    finished = true;
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "no progress towards kill point {point}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            !finished,
            "run {point} ended before its kill point: the schedule tests nothing"
        );
        let copied = assert_prefixes(srv, &expected, &format!("after kill {point}"));
        schedule.push(copied);
        eprintln!("kill {point}: {copied} posts in place");
    }
    let out = copy(srv, dir.path(), &bundle);
    assert!(
        out.status.success(),
        "kills with {schedule:?} posts in place; final run: {}",
        stderr(&out)
    );
    assert_complete(
        srv,
        &expected,
        &format!("kills with {schedule:?} posts in place"),
    );
    // And a run after completion copies nothing.
    let out = copy(srv, dir.path(), &bundle);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = &json_stdout(&out)["summary"];
    assert_eq!(summary["posts"], 0, "{summary}");
    assert_complete(srv, &expected, "after a re-run");
}

/// Stops the homeserver (SIGTERM, as `synapse.sh stop` does) and starts it again on the
/// same data and port, with the script's launch line (`synapse.sh start` would wipe it).
// The new server outlives this function on purpose: the script stops it (pid file).
#[allow(clippy::zombie_processes)]
fn restart(srv: &Synapse) {
    let pid = std::fs::read_to_string(srv.dir.join("pid")).unwrap();
    let pid = pid.trim();
    Command::new("kill").args(["-TERM", pid]).status().unwrap();
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while proc.exists() && Instant::now() < deadline {
        // A zombie until reaped by init: its state is Z.
        let stat = std::fs::read_to_string(proc.join("stat")).unwrap_or_default();
        if stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = std::env::var_os("ESNCTL_SYNAPSE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/venv-synapse"));
    let log = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(srv.dir.join("server.log"))
        .unwrap();
    let child = Command::new("setsid")
        .arg(venv.join("bin/python"))
        .args(["-m", "synapse.app.homeserver", "-c"])
        .arg(srv.dir.join("homeserver.yaml"))
        .arg("-c")
        .arg(srv.dir.join("overrides.yaml"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    std::fs::write(srv.dir.join("pid"), child.id().to_string()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    while !healthy(srv) {
        assert!(Instant::now() < deadline, "Synapse did not come back");
        std::thread::sleep(Duration::from_millis(200));
    }
}

// A post whose PUT Synapse stored just before it stopped must not land twice: Synapse's
// transaction-id dedup for appservice senders lives in memory, so esnctl looks for the
// event (it carries its transaction id) before sending again.
#[test]
fn synapse_restarted_mid_copy_the_copy_finishes_or_a_rerun_does() {
    let srv = synapse::synapse("faults-restart");
    let dir = tempfile::tempdir().unwrap();
    let (bundle, expected) = make_bundle(dir.path(), "rst", 100);
    let child = spawn_copy(srv, dir.path(), &bundle);
    // Wait until posts are flowing, then take the server away under the copy.
    let deadline = Instant::now() + Duration::from_secs(120);
    while assert_prefixes(srv, &expected, "before the restart") < 10 {
        assert!(Instant::now() < deadline, "the copy never started posting");
        std::thread::sleep(Duration::from_millis(200));
    }
    restart(srv);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    match out.status.code() {
        // Retried through the restart.
        Some(0) => {}
        // Gave up: one clear line, and a re-run completes.
        Some(1 | 5) => {
            let errors: Vec<_> = err.lines().filter(|l| l.starts_with("error")).collect();
            assert_eq!(errors.len(), 1, "{err}");
            assert_prefixes(srv, &expected, "after the failed run");
            let out = copy(srv, dir.path(), &bundle);
            assert!(out.status.success(), "re-run: {}", stderr(&out));
        }
        other => panic!("exit {other:?}: {err}"),
    }
    assert_complete(srv, &expected, "after the restart");
}

#[test]
fn a_429_storm_is_waited_out_and_nothing_is_duplicated() {
    let srv = synapse::synapse("faults-lowrc");
    let dir = tempfile::tempdir().unwrap();
    let (bundle, expected) = make_bundle(dir.path(), "storm", 20);
    let out = copy(srv, dir.path(), &bundle);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_complete(srv, &expected, "under rate limiting");
    let log = std::fs::read_to_string(srv.dir.join("homeserver.log")).unwrap_or_default();
    assert!(
        log.contains("M_LIMIT_EXCEEDED") || log.contains(" 429 "),
        "the server never rate-limited: the test proves nothing"
    );
}

// A run killed after Synapse stored a post but before the ledger recorded it, and a
// Synapse restarted since (its transaction-id memory gone): the next run must find the
// post in the room, not send it again. Made deterministic by removing the last post of
// each room from a finished run's ledger.
#[test]
fn a_post_the_ledger_missed_is_found_in_its_room_after_a_restart() {
    let srv = synapse::synapse("faults-unrecorded");
    let dir = tempfile::tempdir().unwrap();
    let (bundle, expected) = make_bundle(dir.path(), "unrec", 8);
    let out = copy(srv, dir.path(), &bundle);
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "db"))
        .expect("the copy left no ledger");
    let db = rusqlite::Connection::open(&ledger).unwrap();
    let mut forgotten = 0;
    for (key, _) in &expected {
        forgotten += db
            .execute(
                "DELETE FROM copied WHERE kind = 'post' AND source_id = ?1",
                [format!("{key}-p7")],
            )
            .unwrap();
    }
    drop(db);
    assert_eq!(forgotten, expected.len(), "no post row to forget");
    restart(srv);
    let out = copy(srv, dir.path(), &bundle);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_complete(srv, &expected, "after the re-run");
}
