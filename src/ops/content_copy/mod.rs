//! `content copy`: stream every record from any content reader to any content writer,
//! with filters, a user map, and a ledger that makes the copy resumable.
//!
//! Records go through in phases, in the reader's order: users, communities, memberships,
//! posts, reactions, attachments; a phase starts when the previous one is written. A
//! writer that stores each record at once (a server: [`Durability::PerRecord`]) gets
//! `--concurrency` lanes ([`lanes`]): one ordered lane per community for memberships and
//! posts (a reply is written after its thread's root, which is in the same community),
//! per post for reactions and attachments, per user for users, and a single lane for
//! communities (a parent before its children). Other writers (files) get the records one
//! at a time, in order. Either way a record is in the ledger only once the destination
//! accepted it.

mod lanes;
mod read_ahead;
mod report;
mod sink;
mod spill;
mod user_map;

pub use report::write_report_files;

pub use user_map::UnmappedPolicy;

use crate::connectors::{self, Connector, Durability, Located, OpenOptions, Record, RecordKind};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::ledger::Ledger;
use crate::core::model::{lowercase, Community, User};
use crate::core::progress::{Progress, ProgressTask, StepCounter};
use crate::error::{Error, Kind, Result};
use futures::stream::BoxStream;
use futures::StreamExt;
use jiff::Timestamp;
use lanes::Lanes;
use serde::Serialize;
use sink::Sink;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
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
    /// Records written at once to a destination that stores each at once (a server);
    /// also the connectors' requests in flight.
    pub concurrency: usize,
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
    let open = OpenOptions {
        concurrency: options.concurrency.max(1),
    };
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
    let reader = src.as_read_content().expect("capability checked");
    let resuming = match &ledger {
        Some(l) => !l.is_empty()?,
        None => false,
    };
    let report = CopyReport {
        source: source.label.clone(),
        destination: dest.label.clone(),
        dry_run: options.dry_run,
        state_file: ledger.as_ref().map(|l| l.path().display().to_string()),
        ..Default::default()
    };
    let sink = Sink::new(
        ledger.as_ref(),
        resuming,
        options.dry_run,
        writer,
        reader,
        report,
    );
    let parallel = writer.durability() == Durability::PerRecord && !options.dry_run;
    let mut run = Run {
        options,
        mapper,
        sink: &sink,
        workers: if parallel {
            options.concurrency.max(1)
        } else {
            1
        },
        kept_communities: Default::default(),
        placeholder_written: false,
    };
    if let (Some(l), Durability::AtFinish, false) =
        (ledger.as_ref(), writer.durability(), options.dry_run)
    {
        l.begin()?;
    }
    run.stream(progress).await?;
    if !options.dry_run {
        writer.finish().await?;
        if let (Some(l), Durability::AtFinish) = (ledger.as_ref(), writer.durability()) {
            l.commit()?;
        }
    }
    drop(run);
    Ok(sink.into_report())
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
    sink: &'a Sink<'a>,
    /// Lanes written at once (1: records written in order, one at a time).
    workers: usize,
    /// Lowercased keys, looked up per post: a fast hash.
    kept_communities: foldhash::HashSet<String>,
    placeholder_written: bool,
}

/// Records still to come: the metadata read ahead, then the reader's.
struct Source<'s> {
    metadata: VecDeque<Located<Record>>,
    records: Records<'s>,
}

/// The reader's records: its stream, or the queue of the thread that reads it.
enum Records<'s> {
    Stream(BoxStream<'s, Result<Located<Record>>>),
    Queue(read_ahead::Queue),
}

impl Records<'_> {
    async fn next(&mut self) -> Option<Result<Located<Record>>> {
        match self {
            Records::Stream(s) => s.next().await,
            Records::Queue(q) => q.next(),
        }
    }
}

impl<'s> Source<'s> {
    /// Reads the source's metadata (users, communities, memberships) in full before the
    /// first write, so a broken users or channels file never leaves a half-copied
    /// destination.
    async fn start(mut records: Records<'s>) -> Result<Source<'s>> {
        let mut metadata = VecDeque::new();
        while let Some(item) = records.next().await {
            let item = item?;
            let is_metadata = matches!(
                item.record,
                Record::User(_) | Record::Community(_) | Record::Membership(_)
            );
            metadata.push_back(item);
            if !is_metadata {
                break;
            }
        }
        Ok(Source { metadata, records })
    }

    async fn next(&mut self) -> Result<Option<Located<Record>>> {
        if let Some(item) = self.metadata.pop_front() {
            return Ok(Some(item));
        }
        self.records.next().await.transpose()
    }
}

/// The record kinds, in the order they are written; each phase is written completely
/// before the next one starts (a reaction needs its post's id on the destination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Users,
    Communities,
    Memberships,
    Posts,
    Reactions,
    Attachments,
}

impl Phase {
    fn of(record: &Record) -> Phase {
        match record {
            Record::User(_) => Phase::Users,
            Record::Community(_) => Phase::Communities,
            Record::Membership(_) => Phase::Memberships,
            Record::Post(_) => Phase::Posts,
            Record::Reaction(_) => Phase::Reactions,
            Record::Attachment(_) => Phase::Attachments,
        }
    }
}

/// The lane a record is written in: records of one lane are written in order.
fn lane_key(record: &Record) -> String {
    match record {
        Record::User(u) => u.key.to_lowercase(),
        Record::Community(_) => String::new(),
        Record::Membership(m) => m.community.to_lowercase(),
        Record::Post(p) => p.community.to_lowercase(),
        Record::Reaction(r) => r.post.clone(),
        Record::Attachment(a) => a.post.clone(),
    }
}

impl Run<'_> {
    async fn stream(&mut self, progress: &dyn Progress) -> Result<()> {
        let records = self.sink.source.read_content()?;
        let task = progress.task("copying", None);
        if self.workers == 1 && read_ahead::available() {
            // The source is parsed on a thread of its own; records are written here, in order.
            read_ahead::consume_on_thread(records, |records| async {
                let mut source = Source::start(Records::Queue(records)).await?;
                self.copy_in_order(&mut source, &*task).await
            })?;
        } else {
            let mut source = Source::start(Records::Stream(records)).await?;
            if self.workers == 1 {
                self.copy_in_order(&mut source, &*task).await?;
            } else {
                self.stream_in_lanes(&mut source, &*task).await?;
            }
        }
        task.finish();
        Ok(())
    }

    /// Every record written in the reader's order, one at a time.
    async fn copy_in_order(
        &mut self,
        source: &mut Source<'_>,
        task: &dyn ProgressTask,
    ) -> Result<()> {
        let mut counted = StepCounter::default();
        while let Some(item) = source.next().await? {
            if let Some(item) = self.prepare(item) {
                self.sink.apply(item).await?;
            }
            counted.tick(task);
        }
        counted.flush(task);
        Ok(())
    }

    /// One phase at a time: this task reads, filters and queues the phase's records while
    /// the lanes write them.
    async fn stream_in_lanes(
        &mut self,
        source: &mut Source<'_>,
        task: &dyn ProgressTask,
    ) -> Result<()> {
        let sink = self.sink;
        let mut next = source.next().await?;
        while let Some(first) = next.take() {
            let phase = Phase::of(&first.record);
            let workers = if phase == Phase::Communities {
                1 // a parent community must exist before its children link to it
            } else {
                self.workers
            };
            let lanes = Lanes::new(workers);
            let feed = async {
                let fed = self.feed(first, phase, source, &lanes, task).await;
                lanes.close();
                fed
            };
            let work = lanes.work(|item| async move {
                let r = sink.apply(item).await;
                task.inc(1);
                r
            });
            let (fed, worked) = futures::join!(feed, work);
            worked?;
            next = fed?;
        }
        Ok(())
    }

    /// Queues the records of `phase`; answers the first record of the next phase.
    async fn feed(
        &mut self,
        first: Located<Record>,
        phase: Phase,
        source: &mut Source<'_>,
        lanes: &Lanes,
        task: &dyn ProgressTask,
    ) -> Result<Option<Located<Record>>> {
        let mut item = Some(first);
        while let Some(it) = item.take() {
            if Phase::of(&it.record) != phase {
                return Ok(Some(it));
            }
            match self.prepare(it) {
                Some(ready) => {
                    if !lanes.push(lane_key(&ready.record), ready).await? {
                        return Ok(None); // a write failed: the lanes report it
                    }
                }
                None => task.inc(1),
            }
            item = source.next().await?;
        }
        Ok(None)
    }

    fn prepare(&mut self, item: Located<Record>) -> Option<Located<Record>> {
        let Located { origin, record } = item;
        let record = self.transform(record, &origin)?;
        Some(Located { origin, record })
    }

    fn posts_left_out(&self) {
        self.sink.posts_left_out.store(true, Ordering::Relaxed);
    }

    fn wanted_community(&self, c: &Community) -> bool {
        self.options.communities.is_empty()
            || self.options.communities.iter().any(|w| {
                w.eq_ignore_ascii_case(&c.key) || w.to_lowercase() == c.name.to_lowercase()
            })
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
                if !self.kept_communities.contains(&*lowercase(&m.community)) {
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
                if !self.kept_communities.contains(&*lowercase(&p.community)) {
                    self.posts_left_out();
                    return None;
                }
                let in_window = self.options.since.is_none_or(|s| p.created_at >= s)
                    && self.options.until.is_none_or(|u| p.created_at < u);
                if !in_window {
                    self.posts_left_out();
                    return None;
                }
                let Some(author) = self.mapper.target_of(&p.author, placeholder) else {
                    self.posts_left_out();
                    let why = format!("author \"{}\" is not mapped (--unmapped skip)", p.author);
                    self.sink.leave_out(RecordKind::Post, &p.id, origin, why);
                    return None;
                };
                // Whether its thread's root was copied is checked when it is written.
                p.author = author;
                p.mentions = p
                    .mentions
                    .iter()
                    .filter_map(|m| self.mapper.target_of(m, placeholder))
                    .collect();
                Some(Record::Post(p))
            }
            Record::Reaction(mut r) => {
                r.user = self.mapper.target_of(&r.user, placeholder)?;
                Some(Record::Reaction(r))
            }
            Record::Attachment(a) => Some(Record::Attachment(a)),
        }
    }
}
