//! The bad-input corpus (`tests/fixtures/bad/`, plus inputs too big to commit that are
//! generated here): every case must be refused with exit 3 and one error line naming the
//! file and line (and field where there is one), must leave the working folder exactly as
//! it was (no destination, no state file, nothing beside it or outside it), and must be
//! reported by `content validate` when it is content.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How a case is read.
#[derive(Clone, Copy, PartialEq)]
enum Via {
    /// `users sync --from SRC --to bundle:dest`, into a destination that already has users.
    UsersSync,
    /// `content copy --from SRC --to bundle:dest` (and `content validate SRC`).
    ContentCopy,
}

struct Case {
    /// The corpus entry (a name under tests/fixtures/bad/) or what was generated.
    name: String,
    from: String,
    via: Via,
    /// Pieces the error line must contain: the file and line, the field, the reason.
    expect: Vec<String>,
}

fn case(name: &str, scheme: &str, via: Via, expect: &[&str]) -> Case {
    Case {
        name: name.to_string(),
        from: format!("{scheme}:{}", fixture(&format!("bad/{name}")).display()),
        via,
        expect: expect.iter().map(|s| s.to_string()).collect(),
    }
}

fn committed_cases() -> Vec<Case> {
    use Via::*;
    vec![
        case(
            "slack-truncated.zip",
            "slack-export",
            ContentCopy,
            &["slack-truncated.zip", "not a readable zip"],
        ),
        case(
            "slack-zip-slip-parent.zip",
            "slack-export",
            ContentCopy,
            &[
                "slack-zip-slip-parent.zip",
                "general/../../esnctl-zip-slip.txt",
                "refusing",
            ],
        ),
        case(
            "slack-zip-slip-absolute.zip",
            "slack-export",
            ContentCopy,
            &[
                "slack-zip-slip-absolute.zip",
                "/tmp/esnctl-zip-slip.txt",
                "refusing",
            ],
        ),
        case(
            "invalid-utf8.csv",
            "csv",
            UsersSync,
            &["invalid-utf8.csv:3", "display_name", "UTF-8"],
        ),
        case(
            "invalid-utf8.ldif",
            "ldif",
            UsersSync,
            &["invalid-utf8.ldif:12", "cn", "UTF-8"],
        ),
        case(
            "slack-invalid-utf8",
            "slack-export",
            ContentCopy,
            &["slack-invalid-utf8/general/2024-03-01.json:6", "UTF-8"],
        ),
        case(
            "bundle-invalid-utf8",
            "bundle",
            ContentCopy,
            &["bundle-invalid-utf8/posts.jsonl:2", "\"body\"", "UTF-8"],
        ),
        case(
            "mattermost-invalid-utf8.jsonl",
            "mattermost-jsonl",
            ContentCopy,
            &["mattermost-invalid-utf8.jsonl:3", "UTF-8"],
        ),
        case(
            "unbalanced-quotes.csv",
            "csv",
            UsersSync,
            &["unbalanced-quotes.csv:2", "unbalanced quotes"],
        ),
        case(
            "wrong-columns.csv",
            "csv",
            UsersSync,
            &["wrong-columns.csv:3", "2 fields", "3 columns"],
        ),
        case(
            "bad-active.csv",
            "csv",
            UsersSync,
            &["bad-active.csv:3", "\"active\"", "maybe"],
        ),
        case(
            "invalid-base64.ldif",
            "ldif",
            UsersSync,
            &["invalid-base64.ldif:6", "\"cn\"", "base64"],
        ),
        case("no-dn.ldif", "ldif", UsersSync, &["no-dn.ldif:3", "dn"]),
        case(
            "bundle-wrong-type",
            "bundle",
            UsersSync,
            &["users.jsonl:2", "\"active\"", "invalid type"],
        ),
        case(
            "bundle-post-wrong-type",
            "bundle",
            ContentCopy,
            &[
                "bundle-post-wrong-type/posts.jsonl:2",
                "\"body\"",
                "invalid type",
            ],
        ),
        case(
            "mattermost-wrong-type.jsonl",
            "mattermost-jsonl",
            ContentCopy,
            &[
                "mattermost-wrong-type.jsonl:4",
                "\"user.username\"",
                "invalid type",
            ],
        ),
        case(
            "bundle-dangling-reply",
            "bundle",
            ContentCopy,
            &[
                "bundle-dangling-reply/posts.jsonl:2",
                "\"thread_root\"",
                "unknown post \"p0\"",
            ],
        ),
        case(
            "bundle-dangling-member-user",
            "bundle",
            ContentCopy,
            &[
                "bundle-dangling-member-user/memberships.jsonl:2",
                "\"user\"",
                "unknown user \"carol\"",
            ],
        ),
        case(
            "bundle-dangling-member-community",
            "bundle",
            ContentCopy,
            &[
                "bundle-dangling-member-community/memberships.jsonl:2",
                "\"community\"",
                "unknown community \"random\"",
            ],
        ),
        // Found by fuzzing (bundle_jsonl): a key holding an escaped line break was echoed
        // raw, splitting the error over two lines.
        case(
            "bundle-key-with-line-break",
            "bundle",
            ContentCopy,
            &[
                "bundle-key-with-line-break/memberships.jsonl:1",
                "unknown field `communi\\n 042 — N{`",
            ],
        ),
    ]
}

/// Runs one case in a fresh folder; returns what went wrong, if anything.
fn run_case(c: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    if c.via == Via::UsersSync {
        // An existing destination must come out of a refused sync unchanged.
        let users = fixture("users.csv");
        let out = esnctl(&work)
            .args(["users", "sync", "--yes", "--to", "bundle:dest", "--from"])
            .arg(format!("csv:{}", users.display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let before = snapshot(dir.path());
    let args: &[&str] = match c.via {
        Via::UsersSync => &["users", "sync", "--yes", "--to", "bundle:dest", "--from"],
        Via::ContentCopy => &["content", "copy", "--yes", "--to", "bundle:dest", "--from"],
    };
    let out = esnctl(&work).args(args).arg(&c.from).output().unwrap();
    let err = stderr(&out);
    let problems = check_refusal(&out, &err, &c.expect);
    if !problems.is_empty() {
        return Err(format!("{}: {problems}\nstderr: {err}", c.name));
    }
    let after = snapshot(dir.path());
    if after != before {
        let changed: Vec<_> = after
            .keys()
            .chain(before.keys())
            .filter(|k| after.get(*k) != before.get(*k))
            .collect();
        return Err(format!(
            "{}: files changed by a refused run: {changed:?}",
            c.name
        ));
    }
    for escaped in [
        dir.path().join("esnctl-zip-slip.txt"),
        "/tmp/esnctl-zip-slip.txt".into(),
    ] {
        if escaped.exists() {
            return Err(format!("{}: {} was written", c.name, escaped.display()));
        }
    }
    if c.via == Via::ContentCopy {
        let out = esnctl(&work)
            .args(["content", "validate"])
            .arg(&c.from)
            .output()
            .unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        if out.status.code() != Some(3) || !all.contains(c.expect[0].rsplit('/').next().unwrap()) {
            return Err(format!(
                "{}: content validate did not report it:\n{all}",
                c.name
            ));
        }
        if snapshot(dir.path()) != before {
            return Err(format!("{}: content validate wrote something", c.name));
        }
    }
    Ok(())
}

/// Exit 3, one error line (logs aside) holding every expected piece.
fn check_refusal(out: &std::process::Output, err: &str, expect: &[String]) -> String {
    let mut problems = Vec::new();
    if out.status.code() != Some(3) {
        problems.push(format!("exit {:?}, not 3", out.status.code()));
    }
    let errors: Vec<&str> = err.lines().filter(|l| !l.contains(" WARN ")).collect();
    if errors.len() != 1 || !errors[0].starts_with("error: ") {
        problems.push(format!("expected one error line, got {errors:?}"));
    }
    for piece in expect {
        if !err.contains(piece.as_str()) {
            problems.push(format!("no {piece:?} in the message"));
        }
    }
    problems.join("; ")
}

/// Every file under `root` with its bytes (folders as empty entries).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.insert(p.clone(), None);
                stack.push(p);
            } else {
                out.insert(p.clone(), Some(std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

/// Writes `head`, then `size` bytes of `x` without a newline, then `tail`.
fn write_long(path: &Path, head: &[u8], size: usize, tail: &[u8]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head).unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        f.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    f.write_all(tail).unwrap();
    f.flush().unwrap();
}

const HUNDRED_MB: usize = 100 << 20;

/// Inputs generated into `inputs`: a 100 MB single line for every line-oriented reader
/// (not committed), and cases that need a whole export around the bad bytes.
fn generated_cases(inputs: &Path) -> Vec<(Case, Box<dyn Fn()>)> {
    let mut cases: Vec<(Case, Box<dyn Fn()>)> = Vec::new();
    let mut add = |name: &str, from: String, via: Via, expect: &[&str], make: Box<dyn Fn()>| {
        let c = Case {
            name: name.to_string(),
            from,
            via,
            expect: expect.iter().map(|s| s.to_string()).collect(),
        };
        cases.push((c, make));
    };
    let p = |rel: &str| inputs.join(rel);

    let csv = p("long-line.csv");
    add(
        "100 MB line in a users CSV",
        format!("csv:{}", csv.display()),
        Via::UsersSync,
        &["long-line.csv:2", "longer than 64 MiB"],
        Box::new(move || {
            write_long(
                &csv,
                b"key,email,display_name\nalice,alice@x,",
                HUNDRED_MB,
                b"\n",
            )
        }),
    );
    let ldif = p("long-line.ldif");
    add(
        "100 MB line in an LDIF file",
        format!("ldif:{}", ldif.display()),
        Via::UsersSync,
        &["long-line.ldif:5", "longer than 64 MiB"],
        Box::new(move || {
            write_long(
                &ldif,
                b"version: 1\n\ndn: uid=a,dc=x\nuid: a\ncn: ",
                HUNDRED_MB,
                b"\n",
            )
        }),
    );
    let bundle = p("long-line-bundle");
    let b2 = bundle.clone();
    add(
        "100 MB line in a bundle's posts.jsonl",
        format!("bundle:{}", bundle.display()),
        Via::ContentCopy,
        &["long-line-bundle/posts.jsonl:4", "longer than 64 MiB"],
        Box::new(move || {
            copy_tree(&fixture("content-bundle"), &b2);
            append_long(
                &b2.join("posts.jsonl"),
                b"{\"id\": \"p9\", \"body\": \"",
                b"\"}\n",
            );
        }),
    );
    let mm = p("long-line.jsonl");
    add(
        "100 MB line in a Mattermost JSONL file",
        format!("mattermost-jsonl:{}", mm.display()),
        Via::ContentCopy,
        &["long-line.jsonl:13", "longer than 64 MiB"],
        Box::new(move || {
            std::fs::copy(fixture("mattermost/export.jsonl"), &mm).unwrap();
            append_long(
                &mm,
                b"{\"type\":\"user\",\"user\":{\"username\":\"",
                b"\"}}\n",
            );
        }),
    );
    let slack = p("long-line-slack");
    let s2 = slack.clone();
    add(
        "100 MB line in a Slack day file",
        format!("slack-export:{}", slack.display()),
        Via::ContentCopy,
        &[
            "long-line-slack/random/2024-03-03.json:1",
            "longer than 64 MiB",
        ],
        Box::new(move || {
            copy_tree(&fixture("slack"), &s2);
            write_long(
                &s2.join("random/2024-03-03.json"),
                b"[{\"type\":\"message\",\"user\":\"U01\",\"ts\":\"1709460000.000100\",\"text\":\"",
                HUNDRED_MB,
                b"\"}]",
            );
        }),
    );
    let viva = p("long-line-viva");
    let v2 = viva.clone();
    add(
        "100 MB line in a Viva Engage Users.csv",
        format!("viva-engage-export:{}", viva.display()),
        Via::ContentCopy,
        &["Users.csv:7", "longer than 64 MiB"],
        Box::new(move || {
            copy_tree(&fixture("viva-engage"), &v2);
            append_long(
                &v2.join("Users.csv"),
                b"99,",
                b",x@corp.example,,,,,,,,,g99,active\n",
            );
        }),
    );
    let viva = p("invalid-utf8-viva");
    let v2 = viva.clone();
    add(
        "invalid UTF-8 in a Viva Engage Users.csv",
        format!("viva-engage-export:{}", viva.display()),
        Via::ContentCopy,
        &["Users.csv:7", "\"name\"", "UTF-8"],
        Box::new(move || {
            copy_tree(&fixture("viva-engage"), &v2);
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(v2.join("Users.csv"))
                .unwrap();
            f.write_all(
                b"99,Ren\xe9 Roux,rene@corp.example,,,,,2019-05-02 08:00:00 UTC,,,,g99,active\n",
            )
            .unwrap();
        }),
    );
    cases
}

fn append_long(path: &Path, head: &[u8], tail: &[u8]) {
    let tmp = path.with_extension("long");
    write_long(&tmp, head, HUNDRED_MB, tail);
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    std::io::copy(&mut std::fs::File::open(&tmp).unwrap(), &mut f).unwrap();
    std::fs::remove_file(tmp).unwrap();
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

#[test]
fn every_corpus_case_is_refused_whole() {
    let mut failures = Vec::new();
    let committed = committed_cases();
    for c in &committed {
        if let Err(e) = run_case(c) {
            failures.push(e);
        }
    }
    // Big inputs are made one at a time and removed after use (100 MB each).
    let inputs = tempfile::tempdir().unwrap();
    for (c, make) in generated_cases(inputs.path()) {
        make();
        if let Err(e) = run_case(&c) {
            failures.push(e);
        }
        for e in std::fs::read_dir(inputs.path()).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                std::fs::remove_dir_all(p).unwrap();
            } else {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    // A file added to the corpus without a case here would silently test nothing.
    for e in std::fs::read_dir(fixture("bad")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name != "README.md" && !committed.iter().any(|c| c.name == name) {
            failures.push(format!(
                "tests/fixtures/bad/{name} has no case in this test"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
