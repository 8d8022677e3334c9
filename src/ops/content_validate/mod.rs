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
    let mut stream = source.read_content_unchecked()?;
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
mod tests;
