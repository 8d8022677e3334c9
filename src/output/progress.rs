//! Progress bars on stderr (indicatif), hidden when stderr is not a terminal, with
//! `--no-progress` or `--quiet`.

use crate::core::progress::{Progress, ProgressTask};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct BarProgress {
    bars: MultiProgress,
}

impl BarProgress {
    /// Bars are drawn only when `enabled` and stderr is a terminal.
    pub fn new(enabled: bool) -> Self {
        let target = if enabled && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        BarProgress {
            bars: MultiProgress::with_draw_target(target),
        }
    }
}

impl Progress for BarProgress {
    fn task(&self, label: &str, total: Option<u64>) -> Box<dyn ProgressTask> {
        let bar = match total {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template("{msg:20} [{bar:30}] {pos}/{len} {per_sec} eta {eta}")
                    .expect("static template")
                    .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{spinner} {msg:20} {pos} {per_sec}")
                    .expect("static template"),
            ),
        };
        let bar = self.bars.add(bar);
        bar.set_message(label.to_string());
        Box::new(Bar(bar))
    }
}

struct Bar(ProgressBar);

impl ProgressTask for Bar {
    fn inc(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
