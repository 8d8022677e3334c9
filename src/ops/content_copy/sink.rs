//! Writing one record that passed the filters: the ledger check, the dependency check,
//! the attachment's bytes, the write and its outcome. Shared by every lane of a copy, so
//! it takes `&self` and keeps its counts behind a lock.
//!
//! Dependency checks happen here, at write time, not when the record is read: a reply is
//! checked once its lane has written its thread's root (same community, same lane, earlier
//! in it), and reactions and attachments after every post was written (phases).

use super::{CommunityCounts, CopyReport, Omission, MAX_LISTED};
use crate::connectors::{
    IdLookup, Located, NoIds, ReadContent, Record, RecordKind, WriteContent, WriteOutcome,
};
use crate::core::ledger::Ledger;
use crate::error::Result;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

pub(super) struct Sink<'a> {
    pub ledger: Option<&'a Ledger>,
    /// The ledger had records when the run started: every record must be looked up.
    pub resuming: bool,
    pub dry_run: bool,
    pub writer: &'a dyn WriteContent,
    pub source: &'a dyn ReadContent,
    /// Some post was left out: replies, reactions and attachments must check their post.
    pub posts_left_out: AtomicBool,
    state: Mutex<State>,
}

struct State {
    report: CopyReport,
    /// Counts per community, moved into the report at the end (a hash map: this is
    /// updated per record).
    communities: foldhash::HashMap<String, CommunityCounts>,
    /// Posts copied in a dry run (a real run asks the ledger).
    copied_posts: HashSet<String>,
}

impl<'a> Sink<'a> {
    pub fn new(
        ledger: Option<&'a Ledger>,
        resuming: bool,
        dry_run: bool,
        writer: &'a dyn WriteContent,
        source: &'a dyn ReadContent,
        report: CopyReport,
    ) -> Self {
        Sink {
            ledger,
            resuming,
            dry_run,
            writer,
            source,
            posts_left_out: AtomicBool::new(false),
            state: Mutex::new(State {
                report,
                communities: Default::default(),
                copied_posts: HashSet::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn into_report(self) -> CopyReport {
        let mut state = self.state.into_inner().unwrap_or_else(|p| p.into_inner());
        state.report.communities.extend(state.communities);
        state.report
    }

    /// Must `post` have been copied for a record that depends on it to be written?
    fn must_check(&self) -> bool {
        self.resuming || self.posts_left_out.load(Ordering::Relaxed)
    }

    /// Was this post copied (now or by an earlier run)?
    fn post_copied(&self, id: &str) -> Result<bool> {
        if self.state().copied_posts.contains(id) {
            return Ok(true);
        }
        match self.ledger {
            Some(l) if !self.dry_run || self.resuming => {
                Ok(l.lookup(RecordKind::Post, id)?.is_some())
            }
            _ => Ok(false),
        }
    }

    /// Writes one record (or counts it, in a dry run). The error stops the copy.
    pub async fn apply(&self, item: Located<Record>) -> Result<()> {
        let Located { origin, record } = item;
        let (kind, id) = record.ledger_key();
        let depends_on = match &record {
            Record::Post(p) => p.thread_root.as_deref(),
            Record::Reaction(r) => Some(r.post.as_str()),
            Record::Attachment(a) => Some(a.post.as_str()),
            _ => None,
        };
        if let Some(post) = depends_on {
            if self.must_check() && !self.post_copied(post)? {
                if let Record::Post(_) = record {
                    self.posts_left_out.store(true, Ordering::Relaxed);
                    let why = format!("its thread's first post \"{post}\" was not copied");
                    self.leave_out(kind, &id, &origin, why);
                }
                return Ok(());
            }
        }
        if self.resuming {
            if let Some(l) = self.ledger {
                if l.lookup(kind, &id)?.is_some() {
                    self.state().report.summary.skipped += 1;
                    return Ok(());
                }
            }
        }
        let bytes = match &record {
            Record::Attachment(a) => match self.source.open_attachment(a)? {
                Some(b) => Some(b),
                None => {
                    let why = format!("file \"{}\" is not in the source export", a.name);
                    self.leave_out(kind, &id, &origin, why);
                    return Ok(());
                }
            },
            _ => None,
        };
        if self.dry_run {
            if let Record::Post(p) = &record {
                self.state().copied_posts.insert(p.id.clone());
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
                // Only now: a record is done once the destination accepted it.
                if let Some(l) = self.ledger {
                    l.record(kind, id, target)?;
                }
                self.count(&record);
            }
            WriteOutcome::Unsupported(reason) => self.leave_out(kind, &id, &origin, reason),
            WriteOutcome::Failed(reason) => {
                let mut state = self.state();
                state.report.summary.failed += 1;
                if state.report.failures.len() < MAX_LISTED {
                    state.report.failures.push(Omission {
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

    fn count(&self, record: &Record) {
        let mut state = self.state();
        let state = &mut *state;
        let community = match record {
            Record::Membership(m) => Some(&m.community),
            Record::Post(p) => Some(&p.community),
            _ => None,
        };
        if let Some(key) = community {
            let bump = |c: &mut CommunityCounts| match record {
                Record::Membership(_) => c.memberships += 1,
                Record::Post(p) if p.is_reply() => c.replies += 1,
                _ => c.posts += 1,
            };
            // The key is copied only the first time (this runs per record).
            match state.communities.get_mut(key) {
                Some(c) => bump(c),
                None => {
                    let mut c = CommunityCounts::default();
                    bump(&mut c);
                    state.communities.insert(key.clone(), c);
                }
            }
        }
        let report = &mut state.report;
        let s = &mut report.summary;
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

    pub fn leave_out(&self, kind: RecordKind, id: &str, origin: &str, reason: String) {
        let mut state = self.state();
        state.report.summary.left_out += 1;
        if state.report.left_out.len() < MAX_LISTED {
            state.report.left_out.push(Omission {
                kind: kind.as_str(),
                id: id.to_string(),
                origin: origin.to_string(),
                reason,
            });
        }
    }
}
