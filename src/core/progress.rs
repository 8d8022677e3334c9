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
