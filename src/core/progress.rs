//! Progress reporting: the library defines the trait, only the binary draws bars.

/// Receives progress of long operations. Implementations must be cheap to call per item.
pub trait Progress: Send + Sync {
    /// Starts a task; `total` is the number of items when known.
    fn task(&self, label: &str, total: Option<u64>) -> Box<dyn ProgressTask>;
}

pub trait ProgressTask: Send + Sync {
    fn inc(&self, n: u64);
    /// Also called on drop by implementations that draw something.
    fn finish(&self) {}
}

/// Counts the items of a hot loop on a task in steps of [`StepCounter::STEP`]: there, a
/// bar update per item cost more than the item (5 % of an LDAP read, bar drawn or not).
/// [`flush`](Self::flush) reports the rest.
#[derive(Debug, Default)]
pub struct StepCounter(u64);

impl StepCounter {
    pub const STEP: u64 = 256;

    pub fn tick(&mut self, task: &dyn ProgressTask) {
        self.0 += 1;
        if self.0 == Self::STEP {
            self.flush(task);
        }
    }

    pub fn flush(&mut self, task: &dyn ProgressTask) {
        task.inc(std::mem::take(&mut self.0));
    }
}

/// Reports nothing: for tests, `--no-progress` and non-terminal stderr.
pub struct NoProgress;

impl Progress for NoProgress {
    fn task(&self, _label: &str, _total: Option<u64>) -> Box<dyn ProgressTask> {
        Box::new(NoProgress)
    }
}

impl ProgressTask for NoProgress {
    fn inc(&self, _n: u64) {}
}
