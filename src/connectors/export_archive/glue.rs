//! Connector glue the export readers share: the export read once on first use, the
//! record stream built from a reader that fills a queue in steps, and users kept once per
//! key.

use crate::connectors::{Located, Record, UserSet};
use crate::core::model::User;
use crate::core::progress::Progress;
use crate::error::Result;
use serde::Deserialize;
use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;

/// The settings of an export profile: none besides `url`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

/// The value of `cell`, loaded by `load` on first use. A failed load is not kept: the
/// next call tries again (and reports the same problem).
pub fn load_once<T: Clone>(cell: &OnceLock<T>, load: impl FnOnce() -> Result<T>) -> Result<T> {
    if let Some(v) = cell.get() {
        return Ok(v.clone());
    }
    let loaded = load()?;
    // Two first calls may race: both load, the first stored wins and both return it.
    Ok(cell.get_or_init(|| loaded).clone())
}

/// `Connector` methods of a read-only export: users, communities and content.
#[macro_export]
macro_rules! export_read_capabilities {
    () => {
        fn as_read_users(&self) -> Option<&dyn $crate::connectors::ReadUsers> {
            Some(self)
        }
        fn as_read_communities(&self) -> Option<&dyn $crate::connectors::ReadCommunities> {
            Some(self)
        }
        fn as_read_content(&self) -> Option<&dyn $crate::connectors::ReadContent> {
            Some(self)
        }
    };
}

/// A content reader that produces its records in steps (one stage, day file or page at a
/// time) into a queue; [`Records`] turns it into the record stream.
pub trait Steps {
    fn queue(&mut self) -> &mut VecDeque<Located<Record>>;
    /// Produces the next records into the queue; `Ok(false)` when the stream is over.
    fn advance(&mut self) -> Result<bool>;
    /// Ends the stream after an error.
    fn stop(&mut self);
}

/// The records of a [`Steps`] reader; the stream ends after the first error.
pub struct Records<S>(pub S);

impl<S: Steps> Iterator for Records<S> {
    type Item = Result<Located<Record>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.0.queue().pop_front() {
                return Some(Ok(r));
            }
            match self.0.advance() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.0.stop();
                    return Some(Err(e));
                }
            }
        }
    }
}

/// The users of an export, the first of each key (case-insensitive) kept and the others
/// held with the warning `duplicate(origin, key)`.
pub fn users_once<'a>(
    progress: &dyn Progress,
    users: impl ExactSizeIterator<Item = (&'a str, User)>,
    warnings: Vec<String>,
    duplicate: impl Fn(&str, &str) -> String,
) -> UserSet {
    let task = progress.task("reading users", Some(users.len() as u64));
    let mut set = UserSet {
        warnings,
        ..Default::default()
    };
    let mut seen = HashSet::new();
    for (origin, user) in users {
        if seen.insert(user.key.to_lowercase()) {
            set.users.push(user);
        } else {
            set.warnings.push(duplicate(origin, &user.key));
            set.held.push(user);
        }
        task.inc(1);
    }
    task.finish();
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    struct Countdown {
        queue: VecDeque<Located<Record>>,
        left: u32,
        fail_at: Option<u32>,
        stopped: bool,
    }

    impl Steps for Countdown {
        fn queue(&mut self) -> &mut VecDeque<Located<Record>> {
            &mut self.queue
        }
        fn advance(&mut self) -> Result<bool> {
            if self.stopped || self.left == 0 {
                return Ok(false);
            }
            if self.fail_at == Some(self.left) {
                anyhow::bail!("broken at {}", self.left);
            }
            let user = User {
                key: format!("u{}", self.left),
                ..Default::default()
            };
            self.queue.push_back(Located {
                origin: format!("step {}", self.left),
                record: Record::User(user),
            });
            self.left -= 1;
            Ok(true)
        }
        fn stop(&mut self) {
            self.stopped = true;
        }
    }

    fn run(fail_at: Option<u32>) -> Vec<std::result::Result<String, String>> {
        Records(Countdown {
            queue: VecDeque::new(),
            left: 3,
            fail_at,
            stopped: false,
        })
        .map(|r| r.map(|l| l.origin).map_err(|e| e.to_string()))
        .collect()
    }

    #[test]
    fn records_flow_in_order_and_stop_after_an_error() {
        assert_eq!(
            run(None),
            [
                Ok("step 3".into()),
                Ok("step 2".into()),
                Ok("step 1".into())
            ]
        );
        assert_eq!(
            run(Some(2)),
            [Ok("step 3".into()), Err("broken at 2".into())]
        );
    }

    #[test]
    fn a_failed_load_is_retried_and_a_loaded_value_kept() {
        let cell = OnceLock::new();
        let calls = Cell::new(0);
        let load = |ok: bool| {
            calls.set(calls.get() + 1);
            if ok {
                Ok(7)
            } else {
                Err(anyhow::anyhow!("no"))
            }
        };
        assert!(load_once(&cell, || load(false)).is_err());
        assert_eq!(load_once(&cell, || load(true)).unwrap(), 7);
        assert_eq!(load_once(&cell, || load(false)).unwrap(), 7);
        assert_eq!(calls.get(), 2);
    }
}
