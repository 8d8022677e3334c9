//! `report adoption --html`: the page renders in a real browser. Headless Chromium (Debian's
//! `chromium`, installed by scripts/chromium.sh when missing) loads the file offline,
//! takes a screenshot, prints it, and dumps the DOM it built, in which the charts must
//! exist and the hostile names of tests/fixtures/adoption must be text, not markup.

mod common;

use common::{esnctl, fixture, json_stdout, stderr};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HOSTILE: &str = "<script>alert(1)</script>";

/// The browser, installed once per test binary.
fn chromium() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/chromium.sh");
        let out = Command::new("bash").arg(&script).output().unwrap();
        assert!(
            out.status.success(),
            "scripts/chromium.sh failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        PathBuf::from(
            stdout
                .lines()
                .last()
                .expect("chromium.sh printed no path")
                .trim(),
        )
    })
}

/// A report of the fixture: its page, and the same figures as JSON from the same run.
struct Report {
    dir: tempfile::TempDir,
    html: PathBuf,
    json: Value,
}

fn report() -> Report {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("adoption report.html");
    let from = format!("bundle:{}", fixture("adoption").display());
    let out = esnctl(dir.path())
        .args(["-o", "json", "report", "adoption", "--from", &from])
        .args(["--since", "2026-10-01", "--until", "2026-11-09"])
        .args(["--sla", "48", "--html"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json = json_stdout(&out);
    Report { dir, html, json }
}

/// Runs headless Chromium on `page` with `args`, offline (every host name fails to
/// resolve), stdout into `stdout`; fails the test after 3 minutes.
fn browse(work: &Path, page: &Path, args: &[String], stdout: &Path) {
    let profile = tempfile::tempdir_in(work).unwrap();
    let log = work.join("chromium.log");
    let url = url::Url::from_file_path(page).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url.as_str())
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(stdout).unwrap())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in 180 s:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "chromium {args:?} failed ({status}):\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}

/// The DOM Chromium built from `page`, serialised.
fn dom(work: &Path, page: &Path) -> String {
    let out = work.join("dom.html");
    browse(work, page, &["--dump-dom".into()], &out);
    std::fs::read_to_string(out).unwrap()
}

/// The element `<TAG … id="ID" …>…</TAG>` of a serialised DOM (no TAG nested inside).
fn element<'a>(dom: &'a str, tag: &str, id: &str) -> &'a str {
    let at = dom
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in the DOM:\n{dom}"));
    let start = dom[..=at]
        .rfind(&format!("<{tag} "))
        .unwrap_or_else(|| panic!("#{id} is not a <{tag}>"));
    assert!(!dom[start..at].contains('>'), "#{id} is not a <{tag}>");
    let end = start + dom[start..].find(&format!("</{tag}>")).unwrap();
    &dom[start..end]
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&png[16..20]), be(&png[20..24]))
}

fn screenshot(work: &Path, page: &Path, name: &str) -> Vec<u8> {
    let png = work.join(name);
    let args = [
        format!("--screenshot={}", png.display()),
        "--window-size=1280,2000".into(),
    ];
    browse(work, page, &args, &work.join("screenshot.out"));
    std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot {}: {e}", png.display()))
}

#[test]
fn screenshot_shows_the_charts() {
    let r = report();
    let png = screenshot(r.dir.path(), &r.html, "report.png");
    assert_eq!(png_size(&png), (1280, 2000));
    // A blank page of the same size compresses to a few KiB; charts, tables and text
    // take far more. Measured against a real blank page, not a guessed constant.
    let blank = r.dir.path().join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><title>blank</title>").unwrap();
    let empty = screenshot(r.dir.path(), &blank, "blank.png");
    assert!(
        png.len() > 5 * empty.len() && png.len() > 40_000,
        "report screenshot {} bytes, blank page {} bytes",
        png.len(),
        empty.len()
    );
}

#[test]
fn dom_holds_the_charts_with_the_reported_figures() {
    let r = report();
    let dom = dom(r.dir.path(), &r.html);
    let users = &r.json["users"];
    // The fixture: 7 active accounts, 6 of them contributed; a bundle knows no sign-ins.
    assert_eq!(users["provisioned"], 7);
    assert_eq!(users["contributors"], 6);
    assert_eq!(users["activated"], Value::Null);

    let funnel = element(&dom, "svg", "funnel");
    assert!(funnel.contains("role=\"img\""));
    assert!(funnel.contains("<title id=\"funnel-title\">"));
    assert!(funnel.contains(">6 · 85.7%</text>"), "{funnel}");
    assert_eq!(
        funnel
            .matches("n/a: this source does not record sign-ins")
            .count(),
        2
    );
    assert_eq!(funnel.matches("class=\"bar ").count(), 2);

    let weekly = element(&dom, "svg", "weekly");
    let weeks = r.json["weekly"].as_array().unwrap().len();
    assert_eq!(weeks, 7, "Sep 28 to Nov 9");
    assert_eq!(weekly.matches("class=\"bar contributors\"").count(), weeks);
    assert!(weekly.contains("class=\"bar posts\""));
    assert!(weekly.contains("class=\"bar replies\""));
    assert!(weekly.contains("class=\"bar reactions\""));

    let communities = element(&dom, "svg", "communities");
    assert_eq!(communities.matches("<g class=\"community\">").count(), 3);
    assert!(communities.contains("東京オフィス 🗼"));

    let unanswered = element(&dom, "table", "unanswered");
    let late = r.json["unanswered_questions"].as_array().unwrap().len();
    assert_eq!(late, 2);
    assert_eq!(unanswered.matches("<tr>").count(), 1 + late);
    assert!(unanswered.contains("still open"));
    assert!(unanswered.contains("answered late"));

    let top = element(&dom, "table", "top-contributors");
    for user in ["mdurand", "loïc.noël", "山田花子", "김민준", "🦄licorne"] {
        assert!(top.contains(user), "{user} missing from {top}");
    }
}

#[test]
fn hostile_names_stay_text() {
    let r = report();
    let dom = dom(r.dir.path(), &r.html);
    // The browser parsed no script element and no event handler: the names are text.
    assert!(!dom.contains("<script"), "a script element was created");
    assert!(!dom.contains("onload=\""), "an attribute was injected");
    assert!(!dom.contains("<b>co</b>"));
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(element(&dom, "table", "top-contributors").contains(escaped));
    assert!(element(&dom, "table", "unanswered").contains(escaped));
    // The community name is shown exactly as stored, `&amp;` included.
    assert!(dom.contains("R&amp;D \"onload=alert(2) &amp;amp; &lt;b&gt;co&lt;/b&gt;"));
    assert!(r.json["top_contributors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["user"] == HOSTILE));
}

#[test]
fn prints_to_pdf() {
    let r = report();
    let pdf = r.dir.path().join("report.pdf");
    let args = [
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".into(),
    ];
    browse(r.dir.path(), &r.html, &args, &r.dir.path().join("pdf.out"));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    // The charts are vector paths: a page with them is well over a text-only page.
    assert!(bytes.len() > 20_000, "PDF of {} bytes", bytes.len());
}
