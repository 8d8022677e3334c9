//! The rollout plan file (TOML), as `esnctl rollout … --plan FILE` parses it.
#![no_main]

use esnctl::error::{exit_code_of, ExitCode};
use esnctl::ops::rollout::plan::RolloutPlan;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(e) = RolloutPlan::parse(text, Path::new("plan.toml")) {
        // A bad plan is the user's input: usage or invalid data, never a crash or exit 1.
        let code = exit_code_of(&e);
        assert!(
            matches!(code, ExitCode::Usage | ExitCode::InvalidData),
            "{code:?}: {e:#}"
        );
    }
});
