//! `mattermost-jsonl:` through the binary: writing the bulk import file (`.jsonl` and
//! `.zip`), Mattermost's validation rules applied before writing, reading an export back,
//! and the Slack → bundle → Mattermost chain.

mod common;

use common::*;
use std::io::Read;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    esnctl(dir).args(args).output().unwrap()
}

fn copy(dir: &Path, from: &str, to: &str) -> std::process::Output {
    let out = run(
        dir,
        &["content", "copy", "--from", from, "--to", to, "--yes"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

fn lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_type<'a>(lines: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    lines
        .iter()
        .filter(|l| l["type"] == kind)
        .map(|l| &l[kind])
        .collect()
}

fn stats(dir: &Path, ep: &str) -> serde_json::Value {
    let out = run(dir, &["-o", "json", "content", "stats", ep]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = json_stdout(&out)["summary"].clone();
    assert!(summary["posts"].as_u64().unwrap() > 0, "{summary}");
    summary
}

#[test]
fn bundle_to_jsonl_nests_threads_and_keeps_unicode() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = format!("bundle:{}", fixture("content-bundle").display());
    copy(dir.path(), &bundle, "mattermost-jsonl:out.jsonl");
    let text = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let all = lines(&text);
    assert_eq!(all[0], serde_json::json!({"type": "version", "version": 1}));
    let kinds: Vec<&str> = all.iter().map(|l| l["type"].as_str().unwrap()).collect();
    let order = [
        "version",
        "team",
        "channel",
        "user",
        "post",
        "direct_channel",
        "direct_post",
    ];
    let ranks: Vec<usize> = kinds
        .iter()
        .map(|k| order.iter().position(|o| o == k).unwrap())
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "line order: {kinds:?}"
    );
    assert_eq!(
        of_type(&all, "team")[0]["name"],
        "out",
        "team from the file name"
    );

    let posts = of_type(&all, "post");
    assert_eq!(posts.len(), 2, "the reply is nested, not a line of its own");
    let p1 = posts
        .iter()
        .find(|p| p["props"]["esnctl_source_id"] == "p1")
        .unwrap();
    assert_eq!(
        p1["message"],
        "Bienvenue à tous ! Qui vient à la réunion ? 🎉"
    );
    assert!(
        text.contains("Bienvenue à tous ! Qui vient à la réunion ? 🎉"),
        "UTF-8 written as is"
    );
    assert_eq!(p1["create_at"], 1772442900123i64);
    assert_eq!(p1["replies"][0]["message"], "はい、参加します @mdurand");
    assert_eq!(p1["replies"][0]["user"], "ayamada");
    assert_eq!(p1["reactions"][0]["emoji_name"], "+1");
    assert_eq!(p1["reactions"][0]["user"], "lnoel");
    let users = of_type(&all, "user");
    let ayamada = users.iter().find(|u| u["username"] == "ayamada").unwrap();
    assert_eq!(ayamada["nickname"], "山田 明子");
    assert_eq!(ayamada["teams"][0]["channels"][0]["name"], "region-est");

    let p3 = posts
        .iter()
        .find(|p| p["props"]["esnctl_source_id"] == "p3")
        .unwrap();
    let path = p3["attachments"][0]["path"].as_str().unwrap();
    let stored = std::fs::read(dir.path().join("data").join(path)).unwrap();
    let original = std::fs::read(
        fixture("content-bundle/attachments/529284976ca0af635e52e4b7e0ae828ee456ea3a92d5686a966182d8b2b16389"),
    )
    .unwrap();
    assert_eq!(stored, original);
}

#[test]
fn zip_output_has_jsonl_at_root_and_files_under_data() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = format!("bundle:{}", fixture("content-bundle").display());
    copy(dir.path(), &bundle, "mattermost-jsonl:import.zip");
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(dir.path().join("import.zip")).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert!(names.contains(&"import.jsonl".to_string()), "{names:?}");
    let mut text = String::new();
    zip.by_name("import.jsonl")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let all = lines(&text);
    let post = of_type(&all, "post")
        .into_iter()
        .find(|p| p["attachments"].is_array())
        .unwrap();
    // Mattermost joins the path to data/ itself (ValidateAttachmentPathForImport).
    let path = post["attachments"][0]["path"].as_str().unwrap();
    assert!(!path.starts_with("data/"), "{path}");
    let mut bytes = Vec::new();
    zip.by_name(&format!("data/{path}"))
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes.len(), 44);
    assert!(
        !dir.path().join("data").exists(),
        "a zip destination writes nothing beside it"
    );
}

/// A hand-made bundle that breaks Mattermost's rules.
fn awkward_bundle(dir: &Path) -> std::path::PathBuf {
    let b = dir.join("awkward");
    std::fs::create_dir_all(&b).unwrap();
    let long = "Ceci est un très long message — 長いメッセージ 🎉. ".repeat(900);
    std::fs::write(
        b.join("users.jsonl"),
        "{\"key\": \"Léa.Müller\", \"email\": \"lea@example.com\"}\n\
         {\"key\": \"lea.muller\", \"email\": \"lea2@example.com\"}\n\
         {\"key\": \"bot\"}\n",
    )
    .unwrap();
    std::fs::write(
        b.join("communities.jsonl"),
        "{\"key\": \"Général Café!\", \"name\": \"Général Café!\"}\n\
         {\"key\": \"general-cafe\", \"name\": \"general cafe\"}\n",
    )
    .unwrap();
    let posts = [
        serde_json::json!({"id": "long", "community": "Général Café!", "author": "Léa.Müller",
            "created_at": "2024-01-01T10:00:00Z", "body": long}),
        serde_json::json!({"id": "r1", "community": "Général Café!", "author": "lea.muller",
            "created_at": "2024-01-01T10:05:00Z", "body": "merci @Léa.Müller", "thread_root": "long",
            "parent": "long", "mentions": ["Léa.Müller"]}),
        serde_json::json!({"id": "b1", "community": "general-cafe", "author": "bot",
            "created_at": "2024-01-01T11:00:00Z", "body": "beep"}),
    ];
    let text: String = posts.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(b.join("posts.jsonl"), text).unwrap();
    std::fs::write(b.join("memberships.jsonl"), "").unwrap();
    std::fs::write(b.join("reactions.jsonl"), "").unwrap();
    std::fs::write(b.join("attachments.jsonl"), "").unwrap();
    b
}

#[test]
fn names_are_normalised_collisions_suffixed_and_long_messages_split() {
    let dir = tempfile::tempdir().unwrap();
    let b = awkward_bundle(dir.path());
    let out = run(
        dir.path(),
        &[
            "content",
            "copy",
            "--from",
            &format!("bundle:{}", b.display()),
            "--to",
            "mattermost-jsonl:mm.jsonl",
            "--yes",
        ],
    );
    // The user without an email address (and its post) cannot be imported: reported, exit 5.
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("mm.jsonl")).unwrap();
    let all = lines(&text);
    let users: Vec<&str> = of_type(&all, "user")
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["lea.muller", "lea.muller-2"]);
    let channels: Vec<&str> = of_type(&all, "channel")
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(channels, ["general-cafe", "general-cafe-2"]);
    let channel = &of_type(&all, "channel")[0];
    assert_eq!(
        channel["display_name"], "Général Café!",
        "display names keep their Unicode"
    );

    let posts = of_type(&all, "post");
    assert_eq!(
        posts.len(),
        3,
        "the long message becomes three posts: {}",
        posts.len()
    );
    assert!(posts
        .iter()
        .all(|p| p["message"].as_str().unwrap().chars().count() <= 16383));
    assert_eq!(
        posts[0]["replies"][0]["message"], "merci @lea.muller",
        "mention follows the rename"
    );
    assert!(posts[1]["message"]
        .as_str()
        .unwrap()
        .starts_with("(continued) "));
    let rebuilt: String = posts
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .map(|m| m.strip_prefix("(continued) ").unwrap_or(m))
        .collect();
    assert_eq!(
        rebuilt,
        "Ceci est un très long message — 長いメッセージ 🎉. ".repeat(900)
    );
    assert!(
        !text.contains("beep"),
        "the post of a user that cannot be imported is left out"
    );

    let notes = std::fs::read_to_string(dir.path().join("mm.jsonl.esnctl-notes.jsonl")).unwrap();
    assert!(notes.contains("split into 3 posts"), "{notes}");
    assert!(notes.contains("written \\\"general-cafe-2\\\""), "{notes}");

    // With a profile that derives missing addresses, everything goes through.
    std::fs::write(
        dir.path().join("esnctl.toml"),
        "[endpoints.mm]\nurl = \"mattermost-jsonl:mm2.jsonl\"\nteam = \"Durand & Fils\"\ndefault_email_domain = \"example.com\"\n",
    )
    .unwrap();
    copy(dir.path(), &format!("bundle:{}", b.display()), "mm");
    let all = lines(&std::fs::read_to_string(dir.path().join("mm2.jsonl")).unwrap());
    let team = &of_type(&all, "team")[0];
    assert_eq!(team["name"], "durand-fils");
    assert_eq!(team["display_name"], "Durand & Fils");
    let bot = of_type(&all, "user")
        .into_iter()
        .find(|u| u["username"] == "bot")
        .unwrap();
    assert_eq!(bot["email"], "bot@example.com");
}

#[test]
fn export_round_trips_through_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let source = format!(
        "mattermost-jsonl:{}",
        fixture("mattermost/export.jsonl").display()
    );
    let before = stats(dir.path(), &source);
    assert_eq!(before["reactions"], 3);
    assert_eq!(before["attachments"], 1);
    copy(dir.path(), &source, "bundle:b");
    assert_eq!(stats(dir.path(), "bundle:b"), before);
    let posts = std::fs::read_to_string(dir.path().join("b/posts.jsonl")).unwrap();
    assert!(posts.contains("はい、参加します @mdurand"));
    assert!(
        posts.contains("\"thread_root\":\"town-square/1709283600000/mdurand\""),
        "{posts}"
    );
    let reactions = std::fs::read_to_string(dir.path().join("b/reactions.jsonl")).unwrap();
    assert!(
        reactions.contains("🎉") && reactions.contains(":party-parrot:"),
        "{reactions}"
    );
    // And back to Mattermost as a zip: the same counts again.
    copy(dir.path(), "bundle:b", "mattermost-jsonl:again.zip");
    assert_eq!(stats(dir.path(), "mattermost-jsonl:again.zip"), before);
    let out = run(
        dir.path(),
        &["content", "validate", "mattermost-jsonl:again.zip"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_bad_line_stops_with_exit_3_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let source = format!(
        "mattermost-jsonl:{}",
        fixture("mattermost/bad-line.jsonl").display()
    );
    let out = run(
        dir.path(),
        &[
            "content", "copy", "--from", &source, "--to", "bundle:b", "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad-line.jsonl:3:"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("b/posts.jsonl").exists(),
        "nothing written"
    );
}

#[test]
fn zip_with_escaping_entry_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("export.jsonl", options).unwrap();
    std::io::Write::write_all(&mut zip, b"{\"type\":\"version\",\"version\":1}\n").unwrap();
    zip.start_file("../escape.txt", options).unwrap();
    zip.finish().unwrap();
    let out = run(
        dir.path(),
        &[
            "content",
            "stats",
            &format!("mattermost-jsonl:{}", path.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("../escape.txt"), "{}", stderr(&out));
}

#[test]
fn slack_to_bundle_to_mattermost_preserves_every_count() {
    let dir = tempfile::tempdir().unwrap();
    let slack = format!("slack-export:{}", fixture("slack").display());
    let from_slack = stats(dir.path(), &slack);
    copy(dir.path(), &slack, "bundle:b");
    assert_eq!(stats(dir.path(), "bundle:b"), from_slack);
    // Slack bots have no email address: the profile derives one, as mmetl does.
    std::fs::write(
        dir.path().join("esnctl.toml"),
        "[endpoints.mm]\nurl = \"mattermost-jsonl:chain.zip\"\ndefault_email_domain = \"example.com\"\n",
    )
    .unwrap();
    copy(dir.path(), "bundle:b", "mm");
    assert_eq!(stats(dir.path(), "mattermost-jsonl:chain.zip"), from_slack);
}
