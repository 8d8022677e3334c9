//! Pieces shared by the renderers of plans (users, communities).

use crate::connectors::ItemResult;
use crate::core::plan::FieldChange;
use std::collections::BTreeMap;

/// A change's status: `planned` before applying, then `applied` or `failed` with its error.
pub fn status(results: Option<&[ItemResult]>, i: usize) -> (&'static str, Option<&str>) {
    match results.map(|r| &r[i]) {
        None => ("planned", None),
        Some(Ok(())) => ("applied", None),
        Some(Err(e)) => ("failed", Some(e.as_str())),
    }
}

/// The contract's `fields` object: `{"email": [old, new]}`.
pub fn fields_json(fields: &[FieldChange]) -> BTreeMap<&str, [Option<&str>; 2]> {
    fields
        .iter()
        .map(|f| (f.field.as_str(), [f.old.as_deref(), f.new.as_deref()]))
        .collect()
}

/// The head of a summary line: what the numbers that follow describe.
pub fn summary_head(dry_run: bool, applied: bool, no_changes: bool) -> &'static str {
    match (dry_run, applied) {
        (_, true) => "Applied:",
        (false, false) if no_changes => "No changes:",
        _ => "Plan:",
    }
}
