//! The source read on a thread of its own, for a copy whose records are written one at a
//! time in order (a file destination): parsing the export on one core while the other
//! maps, writes and records, instead of both in turn on one.
//!
//! Records travel in batches (one hand-over per batch, not per record) through a bounded
//! queue, so at most [`BATCH`] × ([`BATCHES_QUEUED`] + 2) records are in memory whatever
//! the size of the export. The first error ends the reading, as it ends the copy.

use crate::connectors::{Located, Record};
use crate::error::Result;
use anyhow::Context;
use futures::stream::{BoxStream, StreamExt};
use std::sync::mpsc::{sync_channel, Receiver};
use tokio::runtime::{Handle, RuntimeFlavor};

/// Records handed over at once.
const BATCH: usize = 512;
/// Batches read ahead of the writer.
const BATCHES_QUEUED: usize = 4;

type Item = Result<Located<Record>>;

/// The reading thread needs the runtime's worker threads to drive its I/O (a server
/// source) while this one waits: a single-threaded runtime cannot.
pub(super) fn available() -> bool {
    Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread)
}

/// Runs the future `consume` makes over the records of `source`, which another thread
/// reads. Only on a multi-threaded runtime (see [`available`]): this thread leaves the
/// runtime's worker duties to another (`block_in_place`) and drives `consume` with the
/// runtime's `block_on`, so its timers and I/O (a server destination) work as in a task.
pub(super) fn consume_on_thread<'s, T, F>(
    source: BoxStream<'s, Item>,
    consume: impl FnOnce(Queue) -> F,
) -> Result<T>
where
    F: std::future::Future<Output = Result<T>>,
{
    let handle = Handle::current();
    let reader_handle = handle.clone();
    tokio::task::block_in_place(|| {
        std::thread::scope(|scope| {
            let (queue, batches) = sync_channel::<Vec<Item>>(BATCHES_QUEUED);
            std::thread::Builder::new()
                .name("copy-reader".into())
                .spawn_scoped(scope, move || {
                    let mut source = source;
                    // One runtime entry for the whole reading, not one per record.
                    reader_handle.block_on(async move {
                        loop {
                            let mut batch = Vec::with_capacity(BATCH);
                            let mut ended = false;
                            while batch.len() < BATCH {
                                match source.next().await {
                                    Some(Ok(item)) => batch.push(Ok(item)),
                                    Some(Err(e)) => {
                                        batch.push(Err(e));
                                        ended = true;
                                        break;
                                    }
                                    None => {
                                        ended = true;
                                        break;
                                    }
                                }
                            }
                            // A closed queue: the copy stopped (an error), nobody wants more.
                            // Blocking here is fine: this thread runs nothing else.
                            if queue.send(batch).is_err() || ended {
                                return;
                            }
                        }
                    })
                })
                .context("cannot start the copy's reading thread")?;
            let records = Queue {
                batches: Some(batches),
                current: Vec::new().into_iter(),
            };
            // `consume` drops the queue when it returns, early or not: the reader then stops.
            handle.block_on(consume(records))
        })
    })
}

/// The records of the queued batches, in order.
pub(super) struct Queue {
    batches: Option<Receiver<Vec<Item>>>,
    current: std::vec::IntoIter<Item>,
}

impl Iterator for Queue {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            // A closed queue after the last batch: the source is done.
            let batch = self.batches.as_ref()?.recv().ok();
            match batch {
                Some(b) => self.current = b.into_iter(),
                None => {
                    self.batches = None;
                    return None;
                }
            }
        }
    }
}
