//! `content copy`: stream every record from any content reader to any content writer,
//! with filters, a user map, and a ledger that makes the copy resumable.

mod report;
mod user_map;

pub use report::write_report_files;

pub use user_map::UnmappedPolicy;

use crate::connectors::{
    self, Connector, Durability, IdLookup, Located, NoIds, OpenOptions, Record, RecordKind,
    WriteContent, WriteOutcome,
};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::ledger::Ledger;
use crate::core::model::{Community, User};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use futures::StreamExt;
use jiff::Timestamp;
use serde::Serialize;
use std::collections::HashSet;
use std::path::PathBuf;
use user_map::{Target, UserMapper};

#[derive(Debug, Clone)]
pub struct CopyOptions {
    /// Only these communities (keys or names, case-insensitive); all when empty.
    pub communities: Vec<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub user_map: Option<PathBuf>,
    /// Defaults to `placeholder` with a user map, `create` without one.
    pub unmapped: Option<UnmappedPolicy>,
    pub placeholder: String,
    /// The ledger file; default beside the destination.
    pub state: Option<PathBuf>,
    pub dry_run: bool,
}

/// Counts per the contract (`skipped` = copied by an earlier run, per the ledger).
#[derive(Debug, Default, Clone, Serialize)]
pub struct CopySummary {
    pub users: u64,
    pub communities: u64,
    pub memberships: u64,
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
    pub attachments: u64,
    pub skipped: u64,
    pub failed: u64,
    /// Records left out on purpose (filters, unmapped authors, missing files).
    pub left_out: u64,
}

/// One record that was not copied, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Omission {
    pub kind: &'static str,
    pub id: String,
    pub origin: String,
    pub reason: String,
}

/// Counts for one community of the destination.
#[derive(Debug, Default, Clone, Serialize)]
pub struct CommunityCounts {
    pub memberships: u64,
    pub posts: u64,
    pub replies: u64,
}

#[derive(Debug, Default, Serialize)]
pub struct CopyReport {
    pub source: String,
    pub destination: String,
    pub dry_run: bool,
    pub summary: CopySummary,
    /// Per community key: what was copied into it.
    pub communities: std::collections::BTreeMap<String, CommunityCounts>,
    /// Records the destination refused (exit 5).
    pub failures: Vec<Omission>,
    /// Records left out by a rule (not counted as failures).
    pub left_out: Vec<Omission>,
    pub state_file: Option<String>,
}

/// Reported records are capped so a report stays readable; counts stay exact.
const MAX_LISTED: usize = 10_000;

pub async fn copy(
    source: &Endpoint,
    dest: &Endpoint,
    options: &CopyOptions,
    progress: &dyn Progress,
) -> Result<CopyReport> {
    source.require(Capability::ReadContent)?;
    dest.require(Capability::WriteContent)?;
    let map = match &options.user_map {
        Some(path) => Some(user_map::load_map_file(path)?),
        None => None,
    };
    let policy = options.unmapped.unwrap_or(if map.is_some() {
        UnmappedPolicy::Placeholder
    } else {
        UnmappedPolicy::Create
    });
    let open = OpenOptions::default();
    let src = connectors::open_with(source, &open).await?;
    let dst = connectors::open_with(dest, &open).await?;
    let dest_users = destination_users(dst.as_ref(), progress).await?;
    let mapper = UserMapper::new(map.unwrap_or_default(), &dest_users, policy);

    let state_path = options
        .state
        .clone()
        .unwrap_or_else(|| default_state_path(dest));
    let ledger = if options.dry_run && !state_path.exists() {
        None
    } else {
        Some(Ledger::open(
            &state_path,
            &identity(source),
            &identity(dest),
        )?)
    };
    let writer = dst.as_write_content().expect("capability checked");
    let mut run = Run {
        options,
        mapper,
        ledger: ledger.as_ref(),
        resuming: match &ledger {
            Some(l) => !l.is_empty()?,
            None => false,
        },
        writer,
        source: src.as_ref(),
        report: CopyReport {
            source: source.label.clone(),
            destination: dest.label.clone(),
            dry_run: options.dry_run,
            state_file: ledger.as_ref().map(|l| l.path().display().to_string()),
            ..Default::default()
        },
        kept_communities: HashSet::new(),
        copied_posts: HashSet::new(),
        posts_left_out: false,
        placeholder_written: false,
    };
    if let (Some(l), Durability::AtFinish, false) =
        (run.ledger, writer.durability(), options.dry_run)
    {
        l.begin()?;
    }
    run.stream(progress).await?;
    if !options.dry_run {
        writer.finish().await?;
        if let (Some(l), Durability::AtFinish) = (run.ledger, writer.durability()) {
            l.commit()?;
        }
    }
    Ok(run.report)
}

/// The destination's users, so that people who already have an account there keep it.
async fn destination_users(dst: &dyn Connector, progress: &dyn Progress) -> Result<Vec<User>> {
    let Some(reader) = dst.as_read_users() else {
        return Ok(Vec::new());
    };
    match reader.read_users(progress).await {
        Ok(set) => Ok(set.users),
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<Error>()
                    .is_some_and(|e| e.kind == Kind::NotFound)
            }) =>
        {
            Ok(Vec::new())
        }
        Err(e) => Err(e),
    }
}

/// What identifies an endpoint in the ledger, whatever profile name reached it.
fn identity(ep: &Endpoint) -> String {
    if ep.kind.is_file() {
        let path = std::path::absolute(ep.path()).unwrap_or_else(|_| ep.path());
        format!("{}:{}", ep.kind.scheme(), path.display())
    } else {
        ep.location.clone()
    }
}

/// `<destination>.esnctl-state.db` beside a file destination; in the current folder for
/// a server.
pub fn default_state_path(dest: &Endpoint) -> PathBuf {
    if dest.kind.is_file() {
        let path = dest.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "destination".into());
        path.with_file_name(format!("{name}.esnctl-state.db"))
    } else {
        let host: String = dest
            .location
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        PathBuf::from(format!("esnctl-state-{host}.db"))
    }
}

struct Run<'a> {
    options: &'a CopyOptions,
    mapper: UserMapper,
    ledger: Option<&'a Ledger>,
    /// The ledger had records when the run started: every record must be looked up.
    resuming: bool,
    writer: &'a dyn WriteContent,
    source: &'a dyn Connector,
    report: CopyReport,
    kept_communities: HashSet<String>,
    /// Posts copied in a dry run (a real run asks the ledger).
    copied_posts: HashSet<String>,
    /// Some post was left out: replies, reactions and attachments must check their post.
    posts_left_out: bool,
    placeholder_written: bool,
}

impl Run<'_> {
    async fn stream(&mut self, progress: &dyn Progress) -> Result<()> {
        let reader = self.source.as_read_content().expect("capability checked");
        let mut records = reader.read_content()?;
        let task = progress.task("copying", None);
        // Source metadata is read and checked in full before the first write, so a broken
        // users or channels file never leaves a half-copied destination.
        let mut metadata = Vec::new();
        let mut rest = None;
        while let Some(item) = records.next().await {
            let item = item?;
            if matches!(
                item.record,
                Record::User(_) | Record::Community(_) | Record::Membership(_)
            ) {
                metadata.push(item);
            } else {
                rest = Some(item);
                break;
            }
        }
        for item in metadata.into_iter().chain(rest) {
            self.one(item).await?;
            task.inc(1);
        }
        while let Some(item) = records.next().await {
            self.one(item?).await?;
            task.inc(1);
        }
        task.finish();
        Ok(())
    }

    async fn one(&mut self, item: Located<Record>) -> Result<()> {
        let Located { origin, record } = item;
        let Some(record) = self.transform(record, &origin) else {
            return Ok(());
        };
        let (kind, id) = record.ledger_key();
        if self.resuming {
            if let Some(l) = self.ledger {
                if l.lookup(kind, &id)?.is_some() {
                    self.report.summary.skipped += 1;
                    return Ok(());
                }
            }
        }
        let bytes = match &record {
            Record::Attachment(a) => match self
                .source
                .as_read_content()
                .expect("checked")
                .open_attachment(a)?
            {
                Some(b) => Some(b),
                None => {
                    self.leave_out(
                        kind,
                        &id,
                        &origin,
                        format!("file \"{}\" is not in the source export", a.name),
                    );
                    return Ok(());
                }
            },
            _ => None,
        };
        if self.options.dry_run {
            if let Record::Post(p) = &record {
                self.copied_posts.insert(p.id.clone());
            }
            self.count(&record);
            return Ok(());
        }
        let ids: &dyn IdLookup = match self.ledger {
            Some(l) => l,
            None => &NoIds,
        };
        match self.writer.write(&record, bytes, ids).await? {
            WriteOutcome::Written(target) => {
                if let Some(l) = self.ledger {
                    l.record(kind, &id, &target)?;
                }
                self.count(&record);
            }
            WriteOutcome::Unsupported(reason) => self.leave_out(kind, &id, &origin, reason),
            WriteOutcome::Failed(reason) => {
                self.report.summary.failed += 1;
                if self.report.failures.len() < MAX_LISTED {
                    self.report.failures.push(Omission {
                        kind: kind.as_str(),
                        id,
                        origin,
                        reason,
                    });
                }
            }
        }
        Ok(())
    }

    fn count(&mut self, record: &Record) {
        let communities = &mut self.report.communities;
        match record {
            Record::Membership(m) => {
                communities
                    .entry(m.community.clone())
                    .or_default()
                    .memberships += 1
            }
            Record::Post(p) if p.is_reply() => {
                communities.entry(p.community.clone()).or_default().replies += 1
            }
            Record::Post(p) => communities.entry(p.community.clone()).or_default().posts += 1,
            _ => {}
        }
        let s = &mut self.report.summary;
        match record {
            Record::User(_) => s.users += 1,
            Record::Community(_) => s.communities += 1,
            Record::Membership(_) => s.memberships += 1,
            Record::Post(p) if p.is_reply() => s.replies += 1,
            Record::Post(_) => s.posts += 1,
            Record::Reaction(_) => s.reactions += 1,
            Record::Attachment(_) => s.attachments += 1,
        }
    }

    fn leave_out(&mut self, kind: RecordKind, id: &str, origin: &str, reason: String) {
        self.report.summary.left_out += 1;
        if self.report.left_out.len() < MAX_LISTED {
            self.report.left_out.push(Omission {
                kind: kind.as_str(),
                id: id.to_string(),
                origin: origin.to_string(),
                reason,
            });
        }
    }

    fn wanted_community(&self, c: &Community) -> bool {
        self.options.communities.is_empty()
            || self.options.communities.iter().any(|w| {
                w.eq_ignore_ascii_case(&c.key) || w.to_lowercase() == c.name.to_lowercase()
            })
    }

    /// Was this post copied (now or by an earlier run)?
    fn post_copied(&self, id: &str) -> Result<bool> {
        if self.copied_posts.contains(id) {
            return Ok(true);
        }
        match self.ledger {
            Some(l) if !self.options.dry_run || self.resuming => {
                Ok(l.lookup(RecordKind::Post, id)?.is_some())
            }
            _ => Ok(false),
        }
    }

    /// Applies filters and the user map; `None` leaves the record out.
    fn transform(&mut self, record: Record, origin: &str) -> Option<Record> {
        let options = self.options;
        let placeholder = options.placeholder.as_str();
        match record {
            Record::User(u) => match self.mapper.resolve(&u) {
                Target::Create(_) => Some(Record::User(u)),
                Target::Placeholder
                    if !self.placeholder_written && !self.mapper.destination_has(placeholder) =>
                {
                    self.placeholder_written = true;
                    let mut p = User::new(placeholder);
                    p.display_name = Some("Former employee".into());
                    p.active = false;
                    Some(Record::User(p))
                }
                _ => None,
            },
            Record::Community(mut c) => {
                if !self.wanted_community(&c) {
                    return None;
                }
                self.kept_communities.insert(c.key.to_lowercase());
                c.owners = c
                    .owners
                    .iter()
                    .filter_map(|o| self.mapper.target_of(o, placeholder))
                    .collect();
                c.owners.dedup();
                Some(Record::Community(c))
            }
            Record::Membership(mut m) => {
                if !self.kept_communities.contains(&m.community.to_lowercase()) {
                    return None;
                }
                match self.mapper.target_of(&m.user, placeholder) {
                    Some(t) if t != placeholder => {
                        m.user = t;
                        Some(Record::Membership(m))
                    }
                    _ => None,
                }
            }
            Record::Post(mut p) => {
                if !self.kept_communities.contains(&p.community.to_lowercase()) {
                    self.posts_left_out = true;
                    return None;
                }
                let in_window = self.options.since.is_none_or(|s| p.created_at >= s)
                    && self.options.until.is_none_or(|u| p.created_at < u);
                if !in_window {
                    self.posts_left_out = true;
                    return None;
                }
                let Some(author) = self.mapper.target_of(&p.author, placeholder) else {
                    self.posts_left_out = true;
                    let why = format!("author \"{}\" is not mapped (--unmapped skip)", p.author);
                    self.leave_out(RecordKind::Post, &p.id, origin, why);
                    return None;
                };
                if let Some(root) = &p.thread_root {
                    if (self.posts_left_out || self.resuming)
                        && !self.post_copied(root).unwrap_or(false)
                    {
                        self.posts_left_out = true;
                        let why = format!("its thread's first post \"{root}\" was not copied");
                        self.leave_out(RecordKind::Post, &p.id, origin, why);
                        return None;
                    }
                }
                p.author = author;
                p.mentions = p
                    .mentions
                    .iter()
                    .filter_map(|m| self.mapper.target_of(m, placeholder))
                    .collect();
                Some(Record::Post(p))
            }
            Record::Reaction(mut r) => {
                if (self.posts_left_out || self.resuming)
                    && !self.post_copied(&r.post).unwrap_or(false)
                {
                    return None;
                }
                r.user = self.mapper.target_of(&r.user, placeholder)?;
                Some(Record::Reaction(r))
            }
            Record::Attachment(a) => {
                if (self.posts_left_out || self.resuming)
                    && !self.post_copied(&a.post).unwrap_or(false)
                {
                    return None;
                }
                Some(Record::Attachment(a))
            }
        }
    }
}
