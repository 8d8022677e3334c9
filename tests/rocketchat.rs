//! `--to rocketchat-csv:` through the binary: the zip's layout as Rocket.Chat's CSV
//! importer reads it (no header rows; users, channels, one folder per channel,
//! directmessages/), what is left out, and that a second run writes nothing twice.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

fn copy(dir: &Path, from: &str, zip: &Path) -> std::process::Output {
    let to = format!("rocketchat-csv:{}", zip.display());
    esnctl(dir)
        .args([
            "--yes", "-o", "json", "content", "copy", "--from", from, "--to", &to,
        ])
        .output()
        .unwrap()
}

/// Every entry of the zip, parsed as header-less CSV rows.
fn entries(zip: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut text = String::new();
        e.read_to_string(&mut text).unwrap();
        let rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        out.insert(name, rows);
    }
    out
}

#[test]
fn viva_engage_export_to_rocketchat_layout() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("rc.zip");
    let from = format!("viva-engage-export:{}", fixture("viva-engage").display());
    let out = copy(dir.path(), &from, &zip);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["summary"]["posts"], 7);
    assert_eq!(report["summary"]["replies"], 3);
    assert_eq!(report["summary"]["failed"], 0);
    // The file cannot travel: listed as left out, not as a failure.
    assert_eq!(report["summary"]["left_out"], 1);
    assert!(report["left_out"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("plan été 2024.txt"));
    assert!(stderr(&out).contains("3 thread replies written as plain messages"));

    let e = entries(&zip);
    let names: Vec<&str> = e.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "all-company/messages.csv",
            "channel-1209f248/messages.csv",
            "channels.csv",
            "directmessages/dm-marie.durand--yamada.csv",
            "equipe-ete/messages.csv",
            "users.csv",
        ]
    );
    // users.csv: username, email, name; no header row; names keep their Unicode.
    let users = &e["users.csv"];
    assert_eq!(users.len(), 6);
    assert!(users.iter().all(|r| r.len() == 3));
    assert!(users.contains(&vec![
        "yamada".into(),
        "yamada@corp.example".into(),
        "山田 太郎".into()
    ]));
    assert!(users.contains(&vec![
        "yammer-99".into(),
        "yammer-99@no-email.invalid".into(),
        "yammer-99".into()
    ]));
    // channels.csv: name, creator, private|public, members; the 2-person conversation
    // is not a channel (the importer creates it from directmessages/).
    let channels = &e["channels.csv"];
    assert_eq!(
        channels,
        &vec![
            vec![
                "equipe-ete".to_string(),
                "marie.durand".into(),
                "public".into(),
                "".into()
            ],
            vec![
                "channel-1209f248".into(),
                "yamada".into(),
                "private".into(),
                "".into()
            ],
            vec!["all-company".into(), "".into(), "public".into(), "".into()],
        ]
    );
    // Channel messages: username, ms timestamp, text; in time order; mentions renamed.
    let ete = &e["equipe-ete/messages.csv"];
    assert!(ete
        .iter()
        .all(|r| r.len() == 3 && r[1].parse::<i64>().is_ok()));
    let ts: Vec<i64> = ete.iter().map(|r| r[1].parse().unwrap()).collect();
    assert!(ts.windows(2).all(|w| w[0] <= w[1]), "{ts:?}");
    assert_eq!(
        ete[1],
        [
            "marie.durand",
            "1709283600000",
            "Bonjour @lea.muller ! Voici le plan d'été 📎"
        ]
    );
    assert_eq!(
        ete[2][2],
        "Merci @marie.durand, c'est \"parfait\"\nsur deux lignes"
    );
    // Direct messages: username, other username, ms timestamp, text.
    assert_eq!(
        e["directmessages/dm-marie.durand--yamada.csv"],
        vec![
            vec![
                "marie.durand".to_string(),
                "yamada".into(),
                "1709467200000".into(),
                "Salut 山田-san, un mot privé".into()
            ],
            vec![
                "yamada".into(),
                "marie.durand".into(),
                "1709467500000".into(),
                "はい！".into()
            ],
        ]
    );
}

#[test]
fn reactions_are_left_out_and_a_second_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("slack.zip");
    let from = format!("slack-export:{}", fixture("slack").display());
    let out = copy(dir.path(), &from, &zip);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = json_stdout(&out);
    assert_eq!(first["summary"]["failed"], 0);
    assert_eq!(first["summary"]["reactions"], 0);
    let left: Vec<&str> = first["left_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        left.iter().filter(|k| **k == "reaction").count(),
        7,
        "{left:?}"
    );
    let e = entries(&zip);
    let messages: usize = e
        .iter()
        .filter(|(k, _)| k.contains('/'))
        .map(|(_, rows)| rows.len())
        .sum();
    let copied =
        first["summary"]["posts"].as_u64().unwrap() + first["summary"]["replies"].as_u64().unwrap();
    assert_eq!(messages as u64, copied);
    assert!(e.keys().all(|k| !k.starts_with('/') && !k.contains("..")));

    let before = std::fs::read(&zip).unwrap();
    let out = copy(dir.path(), &from, &zip);
    assert!(out.status.success(), "{}", stderr(&out));
    let second = json_stdout(&out);
    assert_eq!(second["summary"]["posts"], 0);
    assert_eq!(
        second["summary"]["skipped"],
        first["summary"]["posts"].as_u64().unwrap()
            + first["summary"]["replies"].as_u64().unwrap()
            + first["summary"]["users"].as_u64().unwrap()
            + first["summary"]["communities"].as_u64().unwrap()
            + first["summary"]["memberships"].as_u64().unwrap()
    );
    assert_eq!(
        std::fs::read(&zip).unwrap(),
        before,
        "the zip was rewritten"
    );
}
