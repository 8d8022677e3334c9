//! `content validate`: checks any content source for broken references, duplicates,
//! thread and community-tree inconsistencies, and attachment bytes that are missing or
//! do not match their checksum.
//!
//! Streaming: records arrive in dependency order (users, communities, memberships, posts,
//! reactions, attachments), so most references are checked as they arrive against the ids
//! seen so far. Only ids are kept, never whole records; the few checks that need the whole
//! picture (community parents, forward references between posts) run at the end.

use crate::connectors::bundle::attachments::{is_sha256_hex, sha256_of};
use crate::connectors::{Located, ReadContent, Record};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use futures::StreamExt;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Problems kept in the report; the rest are only counted.
pub const MAX_PROBLEMS: usize = 1000;

#[derive(Debug, Clone, Default, Serialize)]
pub struct ValidationReport {
    /// The first [`MAX_PROBLEMS`] problems, in the order found.
    pub problems: Vec<Problem>,
    /// Every problem found, including those not kept in `problems`.
    pub problems_total: usize,
    pub counts: Counts,
}

impl ValidationReport {
    pub fn total_problems(&self) -> usize {
        self.problems_total
    }

    pub fn is_clean(&self) -> bool {
        self.problems_total == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where the record is: `posts.jsonl:12`.
    pub origin: String,
    /// The record's field at fault; empty when the whole line is unreadable.
    pub field: String,
    pub message: String,
}

/// Records read. `posts` counts every post, replies included; `replies` counts those that
/// answer another post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub users: u64,
    pub communities: u64,
    pub memberships: u64,
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
    pub attachments: u64,
}

/// Reads the whole of `source` and reports every problem found. An `Err` means the source
/// could not be read at all (I/O, unreachable); bad data is reported, not returned.
pub async fn validate(
    source: &dyn ReadContent,
    progress: &dyn Progress,
) -> Result<ValidationReport> {
    let mut v = Validator::new(source);
    let task = progress.task("validating content", None);
    let mut stream = source.read_content()?;
    while let Some(item) = stream.next().await {
        match item {
            Ok(located) => v.record(located),
            Err(e) => v.unreadable(e)?,
        }
        task.inc(1);
    }
    drop(stream);
    v.finish();
    task.finish();
    Ok(v.report)
}

const KIND_NAMES: [&str; 6] = [
    "user",
    "community",
    "membership",
    "post",
    "reaction",
    "attachment",
];

/// What is remembered of a post: enough to check replies against it.
#[derive(Clone, Copy)]
struct PostInfo {
    /// Index into `Validator::community_keys`; `None` when the community is unknown.
    community: Option<u32>,
    is_root: bool,
}

/// A reference to a post not seen yet; checked at the end.
struct PendingPostRef {
    origin: String,
    field: &'static str,
    target: String,
    community: Option<u32>,
    must_be_root: bool,
}

/// The result of hashing an attachment's bytes, shared by attachments with the same digest.
#[derive(Clone)]
enum Bytes {
    Missing,
    Unreadable(String),
    Found { sha256: String, size: u64 },
}

struct Validator<'a> {
    source: &'a dyn ReadContent,
    report: ValidationReport,
    /// The latest kind seen (index into KIND_NAMES), to catch records out of order.
    latest_kind: usize,
    out_of_order_reported: [bool; 6],
    users: HashSet<String>,
    communities: HashMap<String, u32>,
    community_keys: Vec<String>,
    /// (origin, community index, parent key) for the end-of-stream tree check.
    community_parents: Vec<(String, u32, String)>,
    posts: HashMap<String, PostInfo>,
    pending: Vec<PendingPostRef>,
    attachment_ids: HashSet<String>,
    hashed: HashMap<String, Bytes>,
}

impl<'a> Validator<'a> {
    fn new(source: &'a dyn ReadContent) -> Self {
        Validator {
            source,
            report: ValidationReport::default(),
            latest_kind: 0,
            out_of_order_reported: [false; 6],
            users: HashSet::new(),
            communities: HashMap::new(),
            community_keys: Vec::new(),
            community_parents: Vec::new(),
            posts: HashMap::new(),
            pending: Vec::new(),
            attachment_ids: HashSet::new(),
            hashed: HashMap::new(),
        }
    }

    fn problem(&mut self, origin: &str, field: &str, message: impl Into<String>) {
        self.report.problems_total += 1;
        if self.report.problems.len() < MAX_PROBLEMS {
            self.report.problems.push(Problem {
                origin: origin.to_string(),
                field: field.to_string(),
                message: message.into(),
            });
        }
    }

    /// A record the source could not parse becomes a problem; anything else (I/O, network)
    /// stops the validation.
    fn unreadable(&mut self, err: anyhow::Error) -> Result<()> {
        let Some(e) = err
            .downcast_ref::<Error>()
            .filter(|e| e.kind == Kind::InvalidData)
        else {
            return Err(err);
        };
        let (origin, field, message) = split_located_message(&e.message);
        self.problem(&origin, &field, message);
        Ok(())
    }

    fn record(&mut self, located: Located<Record>) {
        let Located { origin, record } = located;
        let kind = match &record {
            Record::User(_) => 0,
            Record::Community(_) => 1,
            Record::Membership(_) => 2,
            Record::Post(_) => 3,
            Record::Reaction(_) => 4,
            Record::Attachment(_) => 5,
        };
        if kind < self.latest_kind {
            if !self.out_of_order_reported[kind] {
                self.out_of_order_reported[kind] = true;
                let msg = format!(
                    "{} after a {}: records must come in dependency order (users, communities, \
                     memberships, posts, reactions, attachments); references to it may be \
                     reported as unknown",
                    KIND_NAMES[kind], KIND_NAMES[self.latest_kind]
                );
                self.problem(&origin, "", msg);
            }
        } else {
            self.latest_kind = kind;
        }
        match record {
            Record::User(u) => self.user(&origin, u),
            Record::Community(c) => self.community(origin, c),
            Record::Membership(m) => self.membership(&origin, m),
            Record::Post(p) => self.post(&origin, p),
            Record::Reaction(r) => self.reaction(&origin, r),
            Record::Attachment(a) => self.attachment(&origin, a),
        }
    }

    fn check_user(&mut self, origin: &str, field: &str, key: &str) {
        if !self.users.contains(&key.to_lowercase()) {
            self.problem(origin, field, format!("unknown user \"{key}\""));
        }
    }

    fn check_community(&mut self, origin: &str, field: &str, key: &str) -> Option<u32> {
        let found = self.communities.get(key).copied();
        if found.is_none() {
            self.problem(origin, field, format!("unknown community \"{key}\""));
        }
        found
    }

    fn user(&mut self, origin: &str, u: User) {
        self.report.counts.users += 1;
        if u.key.trim().is_empty() {
            self.problem(origin, "key", "empty user key");
        } else if !self.users.insert(u.key.to_lowercase()) {
            self.problem(
                origin,
                "key",
                format!(
                    "duplicate user key \"{}\" (keys are compared case-insensitively)",
                    u.key
                ),
            );
        }
    }

    fn community(&mut self, origin: String, c: Community) {
        self.report.counts.communities += 1;
        if c.key.trim().is_empty() {
            self.problem(&origin, "key", "empty community key");
        }
        let index = match self.communities.get(&c.key) {
            Some(&i) => {
                self.problem(
                    &origin,
                    "key",
                    format!("duplicate community key \"{}\"", c.key),
                );
                i
            }
            None => {
                let i = self.community_keys.len() as u32;
                self.communities.insert(c.key.clone(), i);
                self.community_keys.push(c.key.clone());
                i
            }
        };
        for owner in &c.owners {
            self.check_user(&origin, "owners", owner);
        }
        if let Some(parent) = c.parent {
            // Parents may come later in the file: checked once all communities are known.
            self.community_parents.push((origin, index, parent));
        }
    }

    fn membership(&mut self, origin: &str, m: Membership) {
        self.report.counts.memberships += 1;
        self.check_community(origin, "community", &m.community);
        self.check_user(origin, "user", &m.user);
    }

    fn post(&mut self, origin: &str, p: Post) {
        self.report.counts.posts += 1;
        if p.is_reply() {
            self.report.counts.replies += 1;
        }
        let community = self.check_community(origin, "community", &p.community);
        self.check_user(origin, "author", &p.author);
        for m in &p.mentions {
            self.check_user(origin, "mentions", m);
        }
        if p.id.trim().is_empty() {
            self.problem(origin, "id", "empty post id");
        } else if self.posts.contains_key(&p.id) {
            self.problem(origin, "id", format!("duplicate post id \"{}\"", p.id));
        } else {
            self.posts.insert(
                p.id.clone(),
                PostInfo {
                    community,
                    is_root: p.thread_root.is_none(),
                },
            );
        }

        match (&p.thread_root, &p.parent) {
            (None, Some(parent)) => self.problem(
                origin,
                "thread_root",
                format!("a reply (parent \"{parent}\") must name its thread root"),
            ),
            (Some(root), _) if *root == p.id => self.problem(
                origin,
                "thread_root",
                "a post cannot be its own thread root",
            ),
            (Some(root), _) => self.post_ref(origin, "thread_root", root, community, true),
            (None, None) => {}
        }
        match &p.parent {
            Some(parent) if *parent == p.id => {
                self.problem(origin, "parent", "a post cannot answer itself")
            }
            // Answering the root itself: the thread_root check above already covers it.
            Some(parent) if p.thread_root.as_ref() == Some(parent) => {}
            Some(parent) => self.post_ref(origin, "parent", parent, community, false),
            None => {}
        }
    }

    /// Checks a reference from a post to another post now, or at the end if the target
    /// has not been seen yet.
    fn post_ref(
        &mut self,
        origin: &str,
        field: &'static str,
        target: &str,
        community: Option<u32>,
        must_be_root: bool,
    ) {
        match self.posts.get(target).copied() {
            Some(info) => self.check_post_ref(origin, field, target, info, community, must_be_root),
            None => self.pending.push(PendingPostRef {
                origin: origin.to_string(),
                field,
                target: target.to_string(),
                community,
                must_be_root,
            }),
        }
    }

    fn check_post_ref(
        &mut self,
        origin: &str,
        field: &str,
        target: &str,
        info: PostInfo,
        community: Option<u32>,
        must_be_root: bool,
    ) {
        if must_be_root && !info.is_root {
            self.problem(
                origin,
                field,
                format!("thread root \"{target}\" is itself a reply, not a root post"),
            );
        }
        if let (Some(theirs), Some(ours)) = (info.community, community) {
            if theirs != ours {
                let msg = format!(
                    "post \"{target}\" is in community \"{}\", not \"{}\"",
                    self.community_keys[theirs as usize], self.community_keys[ours as usize]
                );
                self.problem(origin, field, msg);
            }
        }
    }

    fn reaction(&mut self, origin: &str, r: Reaction) {
        self.report.counts.reactions += 1;
        if !self.posts.contains_key(&r.post) {
            self.problem(origin, "post", format!("unknown post \"{}\"", r.post));
        }
        self.check_user(origin, "user", &r.user);
        if r.emoji.trim().is_empty() {
            self.problem(origin, "emoji", "empty emoji");
        }
    }

    fn attachment(&mut self, origin: &str, a: Attachment) {
        self.report.counts.attachments += 1;
        if a.id.trim().is_empty() {
            self.problem(origin, "id", "empty attachment id");
        } else if !self.attachment_ids.insert(a.id.clone()) {
            self.problem(
                origin,
                "id",
                format!("duplicate attachment id \"{}\"", a.id),
            );
        }
        if !self.posts.contains_key(&a.post) {
            self.problem(origin, "post", format!("unknown post \"{}\"", a.post));
        }
        if !is_sha256_hex(&a.sha256) {
            self.problem(
                origin,
                "sha256",
                format!(
                    "\"{}\" is not a SHA-256 digest (64 lowercase hexadecimal digits)",
                    a.sha256
                ),
            );
            return;
        }
        let bytes = match self.hashed.get(&a.sha256) {
            Some(b) => b.clone(),
            None => {
                let b = self.hash_bytes(&a);
                self.hashed.insert(a.sha256.clone(), b.clone());
                b
            }
        };
        match bytes {
            Bytes::Missing => self.problem(
                origin,
                "sha256",
                format!(
                    "file missing: no bytes for attachment \"{}\" ({})",
                    a.name, a.sha256
                ),
            ),
            Bytes::Unreadable(e) => self.problem(
                origin,
                "sha256",
                format!("cannot read the bytes of attachment \"{}\": {e}", a.name),
            ),
            Bytes::Found { sha256, size } => {
                if size != a.size {
                    self.problem(
                        origin,
                        "size",
                        format!("says {} bytes, but the file has {size}", a.size),
                    );
                }
                if sha256 != a.sha256 {
                    self.problem(
                        origin,
                        "sha256",
                        format!("checksum mismatch: the file's content hashes to {sha256}"),
                    );
                }
            }
        }
    }

    fn hash_bytes(&self, a: &Attachment) -> Bytes {
        match self.source.open_attachment(a) {
            Ok(None) => Bytes::Missing,
            Ok(Some(reader)) => match sha256_of(reader) {
                Ok((sha256, size)) => Bytes::Found { sha256, size },
                Err(e) => Bytes::Unreadable(e.to_string()),
            },
            Err(e) => Bytes::Unreadable(format!("{e:#}")),
        }
    }

    fn finish(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            match self.posts.get(&p.target).copied() {
                Some(info) => self.check_post_ref(
                    &p.origin,
                    p.field,
                    &p.target,
                    info,
                    p.community,
                    p.must_be_root,
                ),
                None => self.problem(&p.origin, p.field, format!("unknown post \"{}\"", p.target)),
            }
        }
        self.check_community_tree();
    }

    /// Every parent exists, and following parents never comes back to where it started.
    fn check_community_tree(&mut self) {
        let parents = std::mem::take(&mut self.community_parents);
        let n = self.community_keys.len();
        let mut parent_of: Vec<Option<u32>> = vec![None; n];
        let mut origin_of: Vec<Option<&str>> = vec![None; n];
        for (origin, child, parent) in &parents {
            match self.communities.get(parent).copied() {
                Some(p) => {
                    // With duplicate keys, the first record's parent is the one used.
                    if origin_of[*child as usize].is_none() {
                        parent_of[*child as usize] = Some(p);
                        origin_of[*child as usize] = Some(origin);
                    }
                }
                None => {
                    let msg = format!("unknown community \"{parent}\"");
                    self.problem(origin, "parent", msg);
                }
            }
        }

        // Iterative walk with three states, so deep trees cannot overflow the stack.
        const NEW: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![NEW; n];
        let mut cycles = Vec::new();
        for start in 0..n {
            let mut path = Vec::new();
            let mut at = Some(start);
            while let Some(i) = at {
                match state[i] {
                    NEW => {
                        state[i] = ON_PATH;
                        path.push(i);
                        at = parent_of[i].map(|p| p as usize);
                    }
                    ON_PATH => {
                        let from = path.iter().position(|&p| p == i).unwrap_or(0);
                        cycles.push(path[from..].to_vec());
                        break;
                    }
                    _ => break,
                }
            }
            for i in path {
                state[i] = DONE;
            }
        }
        for cycle in cycles {
            let mut names: Vec<&str> = cycle
                .iter()
                .map(|&i| self.community_keys[i].as_str())
                .collect();
            names.push(names[0]);
            let msg = format!("communities form a parent cycle: {}", names.join(" → "));
            let origin = origin_of[cycle[0]].unwrap_or_default().to_string();
            self.problem(&origin, "parent", msg);
        }
    }
}

/// Splits `PATH:LINE: field "F": what` (the form of [`Error::invalid_at`]) into its parts;
/// a message of another form is kept whole.
fn split_located_message(msg: &str) -> (String, String, String) {
    for (i, _) in msg.match_indices(": ") {
        let head = &msg[..i];
        let Some(colon) = head.rfind(':') else {
            continue;
        };
        let line = &head[colon + 1..];
        if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let rest = &msg[i + 2..];
        if let Some(after) = rest.strip_prefix("field \"") {
            if let Some(end) = after.find("\": ") {
                return (
                    head.to_string(),
                    after[..end].to_string(),
                    after[end + 3..].to_string(),
                );
            }
        }
        return (head.to_string(), String::new(), rest.to_string());
    }
    (String::new(), String::new(), msg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::bundle::{BundleConnector, BundleWriter, EntityFile};
    use crate::core::model::Visibility;
    use crate::core::progress::NoProgress;
    use futures::TryStreamExt;
    use std::path::Path;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    fn user(key: &str, name: &str) -> User {
        let mut u = User::new(key);
        u.display_name = Some(name.into());
        u
    }

    fn community(key: &str, parent: Option<&str>) -> Community {
        Community {
            key: key.into(),
            name: key.to_uppercase(),
            parent: parent.map(Into::into),
            ..Default::default()
        }
    }

    fn post(id: &str, community: &str, author: &str, root: Option<&str>, body: &str) -> Post {
        Post {
            id: id.into(),
            community: community.into(),
            author: author.into(),
            created_at: ts("2024-03-01T09:30:00Z"),
            edited_at: None,
            body: body.into(),
            thread_root: root.map(Into::into),
            parent: root.map(Into::into),
            mentions: vec![],
            extra: Default::default(),
        }
    }

    /// A small, valid bundle with text in several scripts; returns the attachment bytes'
    /// digest.
    fn clean_bundle(dir: &Path) -> String {
        let mut w = BundleWriter::create(dir).unwrap();
        let mut zoe = user("zoé.lefèvre", "Zoé Lefèvre");
        zoe.department = Some("Ressources humaines".into());
        zoe.extra.insert("site".into(), "Besançon".into());
        w.write_user(&zoe).unwrap();
        w.write_user(&user("yamada", "山田 太郎")).unwrap();
        w.write_user(&user("kim", "김민준 🚀")).unwrap();
        w.write_community(&community("région-est", None)).unwrap();
        let mut store = community("magasin-042", Some("région-est"));
        store.visibility = Visibility::Private;
        store.owners = vec!["Zoé.Lefèvre".into()];
        store.description = Some("Équipe du magasin — 東京 🏬".into());
        w.write_community(&store).unwrap();
        w.write_membership(&Membership {
            community: "magasin-042".into(),
            user: "yamada".into(),
            joined_at: Some(ts("2024-01-02T03:04:05Z")),
        })
        .unwrap();
        let mut root = post(
            "p1",
            "magasin-042",
            "zoé.lefèvre",
            None,
            "Où est le café ? ☕",
        );
        root.mentions = vec!["kim".into()];
        w.write_post(&root).unwrap();
        w.write_post(&post(
            "p2",
            "magasin-042",
            "yamada",
            Some("p1"),
            "こんにちは 👋 \"quoted\"\n2nd line",
        ))
        .unwrap();
        let mut nested = post("p3", "magasin-042", "kim", Some("p1"), "감사합니다");
        nested.parent = Some("p2".into());
        w.write_post(&nested).unwrap();
        w.write_reaction(&Reaction {
            post: "p1".into(),
            user: "kim".into(),
            emoji: "👍🏽".into(),
            created_at: None,
        })
        .unwrap();
        let bytes = "Compte rendu — réunion 会議 🗒️".as_bytes();
        let (sha256, size) = w.put_attachment(bytes).unwrap();
        w.write_attachment(&Attachment {
            id: "a1".into(),
            post: "p1".into(),
            name: "compte-rendu-été.txt".into(),
            media_type: "text/plain; charset=utf-8".into(),
            size,
            sha256: sha256.clone(),
        })
        .unwrap();
        w.finish().unwrap();
        sha256
    }

    async fn validate_dir(dir: &Path) -> ValidationReport {
        validate(&BundleConnector::new(dir), &NoProgress)
            .await
            .unwrap()
    }

    fn append_line(dir: &Path, file: EntityFile, line: &str) {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join(file.file_name()))
            .unwrap();
        writeln!(f, "{line}").unwrap();
    }

    fn only_problem(report: &ValidationReport) -> &Problem {
        assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
        &report.problems[0]
    }

    #[tokio::test]
    async fn clean_unicode_bundle_validates_and_round_trips_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        clean_bundle(dir.path());
        let report = validate_dir(dir.path()).await;
        assert!(report.is_clean(), "{:#?}", report.problems);
        assert_eq!(
            report.counts,
            Counts {
                users: 3,
                communities: 2,
                memberships: 1,
                posts: 3,
                replies: 2,
                reactions: 1,
                attachments: 1
            }
        );

        // Non-ASCII text is stored as UTF-8, not as \u escapes.
        let users = std::fs::read_to_string(dir.path().join("users.jsonl")).unwrap();
        assert!(
            users.contains("\"Zoé Lefèvre\"") && users.contains("山田 太郎"),
            "{users}"
        );
        assert!(!users.contains("\\u"), "{users}");

        // Reading everything back and writing it again gives identical files.
        let source = BundleConnector::new(dir.path());
        let records: Vec<_> = source.read_content().unwrap().try_collect().await.unwrap();
        let copy = tempfile::tempdir().unwrap();
        let mut w = BundleWriter::create(copy.path()).unwrap();
        for r in &records {
            w.write_record(&r.record).unwrap();
            if let Record::Attachment(a) = &r.record {
                let bytes = source.open_attachment(a).unwrap().unwrap();
                assert_eq!(w.put_attachment(bytes).unwrap(), (a.sha256.clone(), a.size));
            }
        }
        w.finish().unwrap();
        for file in EntityFile::ALL {
            let name = file.file_name();
            assert_eq!(
                std::fs::read(dir.path().join(name)).unwrap(),
                std::fs::read(copy.path().join(name)).unwrap(),
                "{name} differs"
            );
        }
        assert!(validate_dir(copy.path()).await.is_clean());
    }

    #[tokio::test]
    async fn dangling_author_is_reported_with_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        clean_bundle(dir.path());
        append_line(
            dir.path(),
            EntityFile::Posts,
            r#"{"id":"p9","community":"magasin-042","author":"nobody","created_at":"2024-03-02T00:00:00Z","body":"?"}"#,
        );
        let report = validate_dir(dir.path()).await;
        let p = only_problem(&report);
        assert_eq!(
            (p.origin.as_str(), p.field.as_str(), p.message.as_str()),
            ("posts.jsonl:4", "author", "unknown user \"nobody\"")
        );
    }

    #[tokio::test]
    async fn altered_attachment_bytes_are_a_checksum_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let sha = clean_bundle(dir.path());
        let path = dir.path().join("attachments").join(&sha);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 0x20;
        std::fs::write(&path, bytes).unwrap();
        let report = validate_dir(dir.path()).await;
        let p = only_problem(&report);
        assert_eq!(
            (p.origin.as_str(), p.field.as_str()),
            ("attachments.jsonl:1", "sha256")
        );
        assert!(p.message.contains("checksum mismatch"), "{}", p.message);

        std::fs::write(&path, b"short").unwrap();
        let report = validate_dir(dir.path()).await;
        let fields: Vec<_> = report.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["size", "sha256"]);
    }

    #[tokio::test]
    async fn missing_attachment_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let sha = clean_bundle(dir.path());
        std::fs::remove_file(dir.path().join("attachments").join(&sha)).unwrap();
        let report = validate_dir(dir.path()).await;
        let p = only_problem(&report);
        assert_eq!(p.field, "sha256");
        assert!(p.message.starts_with("file missing"), "{}", p.message);
    }

    #[tokio::test]
    async fn community_parent_cycle_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = BundleWriter::create(dir.path()).unwrap();
        w.write_community(&community("a", Some("c"))).unwrap();
        w.write_community(&community("b", Some("a"))).unwrap();
        w.write_community(&community("c", Some("b"))).unwrap();
        w.write_community(&community("leaf", Some("a"))).unwrap();
        w.write_community(&community("self", Some("self"))).unwrap();
        w.write_community(&community("orphan", Some("gone")))
            .unwrap();
        w.finish().unwrap();
        let report = validate_dir(dir.path()).await;
        let got: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.origin.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("communities.jsonl:6", "unknown community \"gone\""),
                (
                    "communities.jsonl:1",
                    "communities form a parent cycle: a → c → b → a"
                ),
                (
                    "communities.jsonl:5",
                    "communities form a parent cycle: self → self"
                ),
            ]
        );
    }

    #[tokio::test]
    async fn duplicates_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        clean_bundle(dir.path());
        append_line(dir.path(), EntityFile::Users, r#"{"key":"YAMADA"}"#);
        append_line(
            dir.path(),
            EntityFile::Posts,
            r#"{"id":"p2","community":"magasin-042","author":"kim","created_at":"2024-03-02T00:00:00Z","body":"again"}"#,
        );
        let report = validate_dir(dir.path()).await;
        let got: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.origin.as_str(), p.field.as_str()))
            .collect();
        assert_eq!(got, [("users.jsonl:4", "key"), ("posts.jsonl:4", "id")]);
        assert!(report.problems[1]
            .message
            .contains("duplicate post id \"p2\""));
    }

    #[tokio::test]
    async fn thread_problems_and_forward_references() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = BundleWriter::create(dir.path()).unwrap();
        w.write_user(&User::new("u")).unwrap();
        w.write_community(&community("c1", None)).unwrap();
        w.write_community(&community("c2", None)).unwrap();
        // A reply listed before its root is fine; one whose root is a reply, one in another
        // community and ones pointing nowhere are not.
        w.write_post(&post("r1", "c1", "u", Some("root"), "early reply"))
            .unwrap();
        w.write_post(&post("root", "c1", "u", None, "root"))
            .unwrap();
        w.write_post(&post("r2", "c1", "u", Some("r1"), "root is a reply"))
            .unwrap();
        w.write_post(&post("r3", "c2", "u", Some("root"), "wrong community"))
            .unwrap();
        w.write_post(&post("r4", "c1", "u", Some("nowhere"), "dangling"))
            .unwrap();
        let mut r5 = post("r5", "c1", "u", Some("root"), "answers a lost reply");
        r5.parent = Some("lost".into());
        w.write_post(&r5).unwrap();
        let mut r6 = post("r6", "c1", "u", Some("root"), "answers r1");
        r6.parent = Some("r1".into());
        w.write_post(&r6).unwrap();
        w.finish().unwrap();
        let report = validate_dir(dir.path()).await;
        let got: Vec<_> = report
            .problems
            .iter()
            .map(|p| (p.origin.as_str(), p.field.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "posts.jsonl:3",
                    "thread_root",
                    "thread root \"r1\" is itself a reply, not a root post"
                ),
                (
                    "posts.jsonl:4",
                    "thread_root",
                    "post \"root\" is in community \"c1\", not \"c2\""
                ),
                ("posts.jsonl:5", "thread_root", "unknown post \"nowhere\""),
                ("posts.jsonl:6", "parent", "unknown post \"lost\""),
            ]
        );
        assert_eq!(report.counts.replies, 6);
    }

    #[tokio::test]
    async fn unreadable_lines_become_problems_and_validation_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        clean_bundle(dir.path());
        append_line(dir.path(), EntityFile::Users, r#"{"key":"x","mail":"x@y"}"#);
        append_line(
            dir.path(),
            EntityFile::Reactions,
            r#"{"post":"p1","user":"ghost","emoji":"🎉"}"#,
        );
        let report = validate_dir(dir.path()).await;
        assert_eq!(report.problems.len(), 2, "{:#?}", report.problems);
        let p = &report.problems[0];
        assert!(p.origin.ends_with("users.jsonl:4"), "{}", p.origin);
        assert_eq!(p.field, "mail");
        assert!(
            p.message.starts_with("unknown field `mail`"),
            "{}",
            p.message
        );
        assert_eq!(report.problems[1].origin, "reactions.jsonl:2");
        assert_eq!(report.problems[1].field, "user");
    }

    #[tokio::test]
    async fn missing_bundle_is_an_error_not_a_report() {
        let dir = tempfile::tempdir().unwrap();
        let source = BundleConnector::new(dir.path().join("absent"));
        assert!(validate(&source, &NoProgress).await.is_err());
    }

    #[test]
    fn problems_beyond_the_cap_are_counted() {
        let source = BundleConnector::new("unused");
        let mut v = Validator::new(&source);
        for i in 0..MAX_PROBLEMS + 5 {
            v.problem("x:1", "f", format!("p{i}"));
        }
        assert_eq!(v.report.problems.len(), MAX_PROBLEMS);
        assert_eq!(v.report.total_problems(), MAX_PROBLEMS + 5);
    }

    #[test]
    fn splits_located_messages() {
        assert_eq!(
            split_located_message("/a b/posts.jsonl:12: field \"x\": bad: really"),
            (
                "/a b/posts.jsonl:12".into(),
                "x".into(),
                "bad: really".into()
            )
        );
        assert_eq!(
            split_located_message("C:\\w\\u.jsonl:3: not valid JSON"),
            (
                "C:\\w\\u.jsonl:3".into(),
                String::new(),
                "not valid JSON".into()
            )
        );
        assert_eq!(
            split_located_message("something else"),
            (String::new(), String::new(), "something else".into())
        );
    }
}
