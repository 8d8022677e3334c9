//! Ordered lanes with bounded concurrency: records are queued per lane key (a community
//! for its posts), and `workers` futures each take the next record of a lane nobody else
//! is writing. So records of one lane are written one at a time, in the order they were
//! queued (a reply after its thread's root), while different lanes are written in
//! parallel, lanes taking turns.
//!
//! Memory stays bounded whatever the source's order. Exports list a community's posts
//! together, so finding work for idle workers means reading ahead past a big community:
//! at most [`MEMORY_CAP`] records wait in memory; beyond that, while some worker has
//! nothing to do, records spill to a temporary SQLite file (mode 0600, deleted at the
//! end), up to [`SPILL_CAP`]; otherwise the reader waits for the writers. A lane's order
//! survives the spill: once one of its records is on disk, its later ones follow it there.
//!
//! Everything runs in the caller's task (the futures are joined, not spawned), so records
//! and the writer are borrowed, never `'static`.

use super::spill::Spill;
use crate::connectors::{Located, Record};
use crate::error::Result;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Mutex, MutexGuard};
use tokio::sync::Notify;

/// Records held in memory across all lanes.
pub(super) const MEMORY_CAP: usize = 1024;
/// Records on disk at most; past it the reader waits.
pub(super) const SPILL_CAP: u64 = 500_000;
/// Records read back from disk at once for one lane.
const RELOAD: usize = 256;

pub(super) struct Lanes {
    workers: usize,
    inner: Mutex<Inner>,
    changed: Notify,
}

#[derive(Default)]
struct Inner {
    queues: HashMap<String, Queue>,
    /// Lanes with records and no worker, in turn order.
    ready: VecDeque<String>,
    in_memory: usize,
    spill: Option<Spill>,
    on_disk: u64,
    /// Records that went through the disk, for the log.
    spilled: u64,
    busy: usize,
    /// No more records will be pushed.
    closed: bool,
    /// A write failed for good: everyone stops.
    failed: bool,
}

#[derive(Default)]
struct Queue {
    memory: VecDeque<Located<Record>>,
    on_disk: u64,
    busy: bool,
}

impl Queue {
    fn has_work(&self) -> bool {
        !self.memory.is_empty() || self.on_disk > 0
    }
}

impl Lanes {
    pub fn new(workers: usize) -> Self {
        Lanes {
            workers: workers.max(1),
            inner: Mutex::default(),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `f` returns `Some`, re-checking after every change of state.
    async fn when<T>(&self, mut f: impl FnMut(&mut Inner) -> Result<Option<T>>) -> Result<T> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(v) = f(&mut self.lock())? {
                self.changed.notify_waiters();
                return Ok(v);
            }
            notified.await;
        }
    }

    /// Queues a record on its lane; waits while memory is full and every worker has work.
    /// Answers false when the copy is stopping (a write failed).
    pub async fn push(&self, key: String, item: Located<Record>) -> Result<bool> {
        let mut item = Some(item);
        let workers = self.workers;
        self.when(|inner| {
            if inner.failed {
                return Ok(Some(false));
            }
            let queue_on_disk = inner.queues.get(&key).is_some_and(|q| q.on_disk > 0);
            let to_memory = !queue_on_disk && inner.in_memory < MEMORY_CAP;
            // Reading ahead helps only when some worker has nothing to do.
            let idle = workers > inner.busy + inner.ready.len();
            let to_disk = !to_memory && (queue_on_disk || idle) && inner.on_disk < SPILL_CAP;
            if !to_memory && !to_disk {
                return Ok(None);
            }
            let item = item.take().expect("pushed once");
            if to_memory {
                inner.in_memory += 1;
                inner
                    .queues
                    .entry(key.clone())
                    .or_default()
                    .memory
                    .push_back(item);
            } else {
                let spill = match inner.spill.as_mut() {
                    Some(s) => s,
                    None => inner.spill.insert(Spill::new()?),
                };
                spill.put(&key, item)?;
                inner.on_disk += 1;
                inner.spilled += 1;
                inner.queues.entry(key.clone()).or_default().on_disk += 1;
            }
            let queue = &inner.queues[&key];
            if !queue.busy && queue.memory.len() + queue.on_disk as usize == 1 {
                inner.ready.push_back(key.clone());
            }
            Ok(Some(true))
        })
        .await
    }

    /// No more records: workers finish what is queued, then return.
    pub fn close(&self) {
        let mut inner = self.lock();
        inner.closed = true;
        if inner.spilled > 0 {
            tracing::debug!(
                records = inner.spilled,
                "copy queue read ahead through disk"
            );
        }
        drop(inner);
        self.changed.notify_waiters();
    }

    /// The next record of a lane nobody is writing; `None` when everything is done (or
    /// the copy is stopping).
    async fn take(&self) -> Result<Option<(String, Located<Record>)>> {
        self.when(|inner| {
            if inner.failed {
                return Ok(Some(None));
            }
            let Some(key) = inner.ready.pop_front() else {
                return Ok((inner.closed && inner.busy == 0).then_some(None));
            };
            let Inner {
                queues,
                spill,
                in_memory,
                on_disk,
                busy,
                ..
            } = inner;
            let queue = queues.get_mut(&key).expect("ready lanes exist");
            if queue.memory.is_empty() {
                let spill = spill.as_mut().expect("records on disk");
                let loaded = spill.take(&key, RELOAD)?;
                queue.on_disk -= loaded.len() as u64;
                *on_disk -= loaded.len() as u64;
                *in_memory += loaded.len();
                queue.memory.extend(loaded);
            }
            let item = queue.memory.pop_front().expect("a ready lane has work");
            *in_memory -= 1;
            queue.busy = true;
            *busy += 1;
            Ok(Some(Some((key, item))))
        })
        .await
    }

    fn done(&self, key: &str, failed: bool) {
        let mut inner = self.lock();
        inner.busy -= 1;
        inner.failed |= failed;
        let queue = inner.queues.get_mut(key).expect("busy lanes exist");
        queue.busy = false;
        if queue.has_work() {
            inner.ready.push_back(key.to_string());
        } else {
            inner.queues.remove(key);
        }
        drop(inner);
        self.changed.notify_waiters();
    }

    /// Runs the workers until the lanes are closed and empty; the first error stops them
    /// all (each finishes the record it is writing) and is returned.
    pub async fn work<'f, F, Fut>(&'f self, apply: F) -> Result<()>
    where
        F: Fn(Located<Record>) -> Fut + 'f,
        Fut: Future<Output = Result<()>> + 'f,
    {
        let apply = &apply;
        let worker = || async move {
            while let Some((key, item)) = self.take().await? {
                let r = apply(item).await;
                self.done(&key, r.is_err());
                r?;
            }
            Ok::<(), anyhow::Error>(())
        };
        let results = futures::future::join_all((0..self.workers).map(|_| worker())).await;
        results.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Post;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn post(community: &str, n: usize) -> Located<Record> {
        Located {
            origin: format!("{community}:{n}"),
            record: Record::Post(Post {
                id: format!("{community}-{n}"),
                community: community.into(),
                author: "léa".into(),
                created_at: jiff::Timestamp::from_second(n as i64).unwrap(),
                edited_at: None,
                body: format!("message {n} — 山田 🎉"),
                thread_root: None,
                parent: None,
                mentions: vec![],
                extra: Default::default(),
            }),
        }
    }

    /// Lanes of very different sizes, queued one community after the other (as exports
    /// list them), far more than fit in memory: every record is written once, each lane
    /// in order, never two records of one lane at once, and lanes overlap.
    #[tokio::test]
    async fn lanes_keep_order_bound_parallelism_and_spill_past_memory() {
        let sizes = [3000usize, 5, 700, 1, 1500];
        let lanes = Lanes::new(3);
        let written: Mutex<HashMap<String, Vec<usize>>> = Mutex::default();
        let (in_flight, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let feed = async {
            let fed = async {
                for (c, &n) in sizes.iter().enumerate() {
                    for i in 0..n {
                        assert!(
                            lanes
                                .push(format!("c{c}"), post(&format!("c{c}"), i))
                                .await?
                        );
                    }
                }
                Ok::<_, anyhow::Error>(())
            }
            .await;
            lanes.close();
            fed
        };
        let work = lanes.work(|item| {
            let (written, in_flight, peak) = (&written, &in_flight, &peak);
            async move {
                let Record::Post(p) = item.record else {
                    panic!()
                };
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
                let n: usize = item.origin.split(':').nth(1).unwrap().parse().unwrap();
                assert_eq!(p.body, format!("message {n} — 山田 🎉"));
                written
                    .lock()
                    .unwrap()
                    .entry(p.community)
                    .or_default()
                    .push(n);
                Ok(())
            }
        });
        let (fed, worked) = futures::join!(feed, work);
        fed.unwrap();
        worked.unwrap();
        let written = written.into_inner().unwrap();
        for (c, &n) in sizes.iter().enumerate() {
            assert_eq!(
                written[&format!("c{c}")],
                (0..n).collect::<Vec<_>>(),
                "lane c{c}"
            );
        }
        assert_eq!(
            peak.load(Ordering::SeqCst),
            3,
            "lanes were written in parallel"
        );
        let inner = lanes.lock();
        assert!(inner.spilled > 0 && inner.on_disk == 0 && inner.in_memory == 0);
    }

    #[tokio::test]
    async fn a_failed_write_stops_every_lane_and_is_returned() {
        let lanes = Lanes::new(2);
        let count = AtomicUsize::new(0);
        let feed = async {
            for i in 0..100 {
                if !lanes
                    .push(format!("c{}", i % 4), post("c", i))
                    .await
                    .unwrap()
                {
                    break;
                }
            }
            lanes.close();
        };
        let work = lanes.work(|_| {
            let count = &count;
            async move {
                if count.fetch_add(1, Ordering::SeqCst) == 10 {
                    anyhow::bail!("destination unreachable");
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok(())
            }
        });
        let ((), worked) = futures::join!(feed, work);
        assert_eq!(worked.unwrap_err().to_string(), "destination unreachable");
        assert!(count.load(Ordering::SeqCst) < 15);
    }
}
