//! The reader on the hand-written export in `tests/fixtures/slack`.

use super::*;
use crate::core::model::{Post, Visibility};
use futures::TryStreamExt;
use std::path::Path;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/slack")
}

async fn records(path: &Path) -> Vec<Located<Record>> {
    let conn = SlackExportConnector::new(path);
    conn.read_content().unwrap().try_collect().await.unwrap()
}

fn posts(records: &[Located<Record>]) -> Vec<&Post> {
    records
        .iter()
        .filter_map(|r| match &r.record {
            Record::Post(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn post<'a>(records: &'a [Located<Record>], id: &str) -> &'a Post {
    posts(records)
        .into_iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no post {id}"))
}

#[tokio::test]
async fn records_come_in_dependency_order() {
    let records = records(&fixture()).await;
    let rank = |r: &Record| match r {
        Record::User(_) => 0,
        Record::Community(_) => 1,
        Record::Membership(_) => 2,
        Record::Post(_) => 3,
        Record::Reaction(_) => 4,
        Record::Attachment(_) => 5,
    };
    let ranks: Vec<_> = records.iter().map(|r| rank(&r.record)).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // Within a community, posts are in time order even when the day file is not.
    let general: Vec<_> = posts(&records)
        .into_iter()
        .filter(|p| p.community == "général")
        .map(|p| p.created_at)
        .collect();
    assert!(general.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn threads_edits_and_exact_times() {
    let records = records(&fixture()).await;
    let reply = post(&records, "C01:1709283700.000300");
    assert_eq!(reply.thread_root.as_deref(), Some("C01:1709283600.000200"));
    assert_eq!(reply.parent, reply.thread_root);
    assert_eq!(reply.created_at.to_string(), "2024-03-01T09:01:40.0003Z");
    assert_eq!(
        reply.edited_at.map(|t| t.to_string()).as_deref(),
        Some("2024-03-01T09:03:20Z")
    );
    assert_eq!(reply.body, "はい、参加します @mdurand 🎉");
    assert_eq!(reply.mentions, ["mdurand"]);

    let broadcast = post(&records, "C01:1709283900.000400");
    assert!(broadcast.is_reply());
    assert_eq!(broadcast.extra["slack_subtype"], "thread_broadcast");

    // The root Slack replaced with a tombstone keeps its reply attached.
    let tomb = post(&records, "C02:1709380000.000100");
    assert_eq!(
        (tomb.author.as_str(), tomb.extra["deleted"].as_str()),
        ("slackbot", "true")
    );
    let orphan = post(&records, "C02:1709380100.000200");
    assert_eq!(orphan.thread_root.as_deref(), Some("C02:1709380000.000100"));

    // A reply whose root predates the export becomes a root that names its lost root.
    let cut = post(&records, "G01:1709630200.000300");
    assert!(!cut.is_reply());
    assert_eq!(cut.extra["thread_root_missing"], "G01:1709500000.000100");
}

#[tokio::test]
async fn bots_files_and_markup() {
    let records = records(&fixture()).await;
    let bot = post(&records, "C01:1709370100.000600");
    assert_eq!(bot.author, "deploybot");
    assert_eq!(
        bot.body,
        "Déploiement terminé :white_check_mark: [build 42](https://ci.example.com/build/42?x=1&y=2)"
    );
    let missing = post(&records, "C01:1709370200.000700");
    assert_eq!(
        missing.extra["missing_files"],
        r#"["https://files.slack.com/files-pri/T01-F02/budget.xlsx"]"#
    );
    assert_eq!(missing.body, "Budget & prévisions <draft>");
    let with_file = post(&records, "C01:1709370000.000500");
    assert_eq!(
        with_file.body,
        "Ordre du jour en pièce jointe, voir #random"
    );
    assert!(!with_file.extra.contains_key("missing_files"));

    let attachments: Vec<_> = records
        .iter()
        .filter_map(|r| match &r.record {
            Record::Attachment(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(attachments.len(), 1);
    let a = attachments[0];
    assert_eq!(
        (a.name.as_str(), a.media_type.as_str()),
        ("ordre-du-jour.txt", "text/plain")
    );
    let bytes = std::fs::read(fixture().join("__uploads/F01/ordre-du-jour.txt")).unwrap();
    assert_eq!(a.size, bytes.len() as u64);
    let conn = SlackExportConnector::new(fixture());
    let mut read = Vec::new();
    conn.open_attachment(a)
        .unwrap()
        .unwrap()
        .read_to_end(&mut read)
        .unwrap();
    assert_eq!(read, bytes);
}

#[tokio::test]
async fn reactions_become_unicode_or_shortcodes() {
    let records = records(&fixture()).await;
    let got: Vec<(String, String, String)> = records
        .iter()
        .filter_map(|r| match &r.record {
            Record::Reaction(x) => Some((x.post.clone(), x.user.clone(), x.emoji.clone())),
            _ => None,
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        got,
        [
            s("C01:1709283600.000200", "ayamada", "🎉"),
            s("C01:1709283600.000200", "kim", "🎉"),
            s("C01:1709283600.000200", "ayamada", "👍"),
            s("C02:1709290000.000100", "mdurand", ":party-parrot:"),
            s("G01:1709630100.000200", "mdurand", "👍🏼"),
            s("G02:1709802000.000100", "mdurand", ":pizza:"),
            s("G02:1709802000.000100", "ayamada", ":pizza:"),
        ]
    );
}

#[tokio::test]
async fn conversations_map_to_communities() {
    let conn = SlackExportConnector::new(fixture());
    let set = conn
        .read_communities(&crate::core::progress::NoProgress)
        .await
        .unwrap();
    let got: Vec<_> = set
        .communities
        .iter()
        .map(|c| {
            (
                c.key.as_str(),
                c.visibility,
                c.extra.get("kind").map(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("général", Visibility::Public, None),
            ("random", Visibility::Public, None),
            ("direction", Visibility::Private, None),
            ("D01", Visibility::Secret, Some("dm")),
            (
                "mpdm-mdurand--ayamada--kim-1",
                Visibility::Secret,
                Some("mpim")
            ),
        ]
    );
    assert!(set.communities[1].archived);
    assert_eq!(set.communities[0].owners, ["mdurand"]);
    assert_eq!(set.communities[3].name, "mdurand, ayamada");
    assert_eq!(set.memberships.len(), 14);
    // Join messages give the membership's date in content, not in the metadata view.
    let records = records(&fixture()).await;
    let kim = records.iter().find_map(|r| match &r.record {
        Record::Membership(m) if m.community == "général" && m.user == "kim" => Some(m),
        _ => None,
    });
    assert_eq!(
        kim.unwrap().joined_at.map(|t| t.to_string()).as_deref(),
        Some("2024-03-01T08:00:00.0001Z")
    );
}

#[tokio::test]
async fn zip_reads_exactly_like_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut stack = vec![fixture()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(fixture())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            zip.start_file(rel, options).unwrap();
            std::io::Write::write_all(&mut zip, &std::fs::read(&p).unwrap()).unwrap();
        }
    }
    zip.finish().unwrap();
    let from_zip = records(&zip_path).await;
    assert_eq!(from_zip, records(&fixture()).await);
    let conn = SlackExportConnector::new(&zip_path);
    let a = from_zip
        .iter()
        .find_map(|r| match &r.record {
            Record::Attachment(a) => Some(a),
            _ => None,
        })
        .unwrap();
    let mut read = Vec::new();
    conn.open_attachment(a)
        .unwrap()
        .unwrap()
        .read_to_end(&mut read)
        .unwrap();
    assert_eq!(
        read,
        std::fs::read(fixture().join("__uploads/F01/ordre-du-jour.txt")).unwrap()
    );
}

#[tokio::test]
async fn a_broken_day_file_fails_before_the_first_record() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    std::fs::create_dir_all(export.join("random")).unwrap();
    std::fs::copy(fixture().join("users.json"), export.join("users.json")).unwrap();
    std::fs::copy(
        fixture().join("channels.json"),
        export.join("channels.json"),
    )
    .unwrap();
    std::fs::write(
        export.join("random/2024-03-01.json"),
        r#"[{"ts": "1709290000.000100", "user": "U01", "text": "ok"},
            {"ts": "1709290001.000100", "user": "U01", "text": ["not", "text"]}]"#,
    )
    .unwrap();
    let conn = SlackExportConnector::new(&export);
    let err = conn.read_content().err().expect("refused up front");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("random/2024-03-01.json:2:") && msg.contains("message 2"),
        "{msg}"
    );
    assert_eq!(
        crate::error::exit_code_of(&err),
        crate::error::ExitCode::InvalidData
    );
}

/// Enterprise Grid (`org_users.json`), the legacy `file` + `upload`, slackdump's
/// `<folder>/attachments/<id>-<name>` layout, and a folder no metadata file lists.
#[tokio::test]
async fn grid_legacy_files_and_unlisted_folders() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path();
    std::fs::copy(fixture().join("users.json"), x.join("org_users.json")).unwrap();
    std::fs::write(
        x.join("channels.json"),
        r#"[{"id": "C9", "name": "ventes", "members": ["U01"]}]"#,
    )
    .unwrap();
    for d in ["ventes/attachments", "C77"] {
        std::fs::create_dir_all(x.join(d)).unwrap();
    }
    std::fs::write(
        x.join("ventes/2024-05-01.json"),
        r#"[{"ts": "1714550400.000001", "user": "U01", "text": "ancien partage",
             "file": {"id": "F7", "name": "chiffres.csv", "mimetype": "text/csv"}, "upload": true},
            {"ts": "1714550500.000001", "user": "U02", "text": "re-partage",
             "file": {"id": "F7", "name": "chiffres.csv"}, "upload": false}]"#,
    )
    .unwrap();
    std::fs::write(
        x.join("ventes/attachments/F7-chiffres.csv"),
        "mois;ventes\nmai;42\n",
    )
    .unwrap();
    std::fs::write(
        x.join("C77/2024-05-02.json"),
        r#"[{"ts": "1714636800.000001", "user": "U04", "text": "perdu ?"}]"#,
    )
    .unwrap();

    let conn = SlackExportConnector::new(x);
    let users = conn
        .read_users(&crate::core::progress::NoProgress)
        .await
        .unwrap();
    assert_eq!(users.users.len(), 5);
    let records = records(x).await;
    let attachments: Vec<_> = records
        .iter()
        .filter_map(|r| match &r.record {
            Record::Attachment(a) => Some(a),
            _ => None,
        })
        .collect();
    // Only the message that uploaded the file carries it.
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].post, "C9:1714550400.000001");
    assert_eq!(attachments[0].size, "mois;ventes\nmai;42\n".len() as u64);
    let unlisted = records.iter().find_map(|r| match &r.record {
        Record::Community(c) if c.key == "C77" => Some(c),
        _ => None,
    });
    let unlisted = unlisted.expect("unlisted folder kept as a community");
    assert_eq!(unlisted.visibility, Visibility::Private);
    assert_eq!(unlisted.extra["kind"], "unlisted");
    assert_eq!(post(&records, "C77:1714636800.000001").author, "kim");
}
