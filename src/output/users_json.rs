//! `users sync -o json`: the plan document, rendered straight from the plan.
//!
//! The bytes are exactly those of serde_json's pretty printer for the contract's structure
//! (`{"dry_run", "summary", "changes": [{"action", "key", "fields": {NAME: [old, new]},
//! "status", "error"?}], "warnings", "communities"?}`; the tests compare the two), but a
//! change costs no map and no string: 100k creates through serde's derive took a quarter
//! of a dry run.

use super::plan_view::status;
use crate::connectors::ItemResult;
use crate::core::plan::{UserChange, UserPlan};
use serde::Serialize;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::mpsc;

/// Changes rendered in one piece: about 800 KiB of JSON for creates.
const BATCH: usize = 1024;

/// Writes the document (without the final newline).
pub(super) fn write(
    out: &mut dyn Write,
    dry_run: bool,
    summary: &impl Serialize,
    plan: &UserPlan,
    results: Option<&[ItemResult]>,
    communities: Option<&serde_json::Value>,
) -> io::Result<()> {
    let mut buf = Vec::with_capacity(64 * 1024);
    buf.extend_from_slice(b"{\n  \"dry_run\": ");
    buf.extend_from_slice(if dry_run { b"true" } else { b"false" });
    buf.extend_from_slice(b",\n  \"summary\": ");
    nested(&mut buf, summary)?;
    buf.extend_from_slice(b",\n  \"changes\": [");
    out.write_all(&buf)?;
    buf.clear();
    changes(out, plan, results)?;
    if !plan.changes.is_empty() {
        buf.extend_from_slice(b"\n  ");
    }
    buf.extend_from_slice(b"],\n  \"warnings\": ");
    nested(&mut buf, &plan.warnings)?;
    if let Some(communities) = communities {
        buf.extend_from_slice(b",\n  \"communities\": ");
        nested(&mut buf, communities)?;
    }
    buf.extend_from_slice(b"\n}");
    out.write_all(&buf)
}

/// The elements of the `changes` array. A large plan is rendered by one thread per core,
/// batch `b` by thread `b % threads`, and written in order as the batches come.
fn changes(out: &mut dyn Write, plan: &UserPlan, results: Option<&[ItemResult]>) -> io::Result<()> {
    let total = plan.changes.len();
    let batches = total.div_ceil(BATCH);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(batches);
    let range = |b: usize| b * BATCH..total.min((b + 1) * BATCH);
    if threads < 2 {
        let (mut buf, mut fields) = (Vec::new(), Vec::new());
        for b in 0..batches {
            buf.clear();
            render(&mut buf, plan, results, range(b), &mut fields)?;
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let mut rendered = Vec::with_capacity(threads);
        let mut spent = Vec::with_capacity(threads);
        for t in 0..threads {
            // At most two batches wait per thread; written buffers go back to be reused.
            let (done, ready) = mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
            let (give_back, reuse) = mpsc::channel::<Vec<u8>>();
            rendered.push(ready);
            spent.push(give_back);
            scope.spawn(move || {
                let mut fields = Vec::new();
                for b in (t..batches).step_by(threads) {
                    let mut buf = reuse.try_recv().unwrap_or_default();
                    buf.clear();
                    let piece = render(&mut buf, plan, results, range(b), &mut fields);
                    // The writer has stopped (write error): so does this thread.
                    if done.send(piece.map(|()| buf)).is_err() {
                        break;
                    }
                }
            });
        }
        for b in 0..batches {
            let buf = rendered[b % threads]
                .recv()
                .expect("each batch is rendered or its thread panicked")?;
            out.write_all(&buf)?;
            let _ = spent[b % threads].send(buf);
        }
        Ok(())
    })
}

/// The changes in `range`, each preceded by the separator the array needs.
fn render<'a>(
    buf: &mut Vec<u8>,
    plan: &'a UserPlan,
    results: Option<&[ItemResult]>,
    range: Range<usize>,
    fields: &mut Vec<Field<'a>>,
) -> io::Result<()> {
    for i in range {
        if i > 0 {
            buf.push(b',');
        }
        change(buf, plan, &plan.changes[i], status(results, i), fields)?;
    }
    Ok(())
}

/// A value of the top-level object: pretty-printed by serde_json, every line after the
/// first indented one level (JSON strings hold no raw newline, so each `\n` is layout).
fn nested(buf: &mut Vec<u8>, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value)?;
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            buf.extend_from_slice(b"\n  ");
        }
        buf.extend_from_slice(line);
    }
    Ok(())
}

/// One field of a change: its name is `prefix` + `name`, so that a create's
/// `extra.NAME` needs no string of its own.
struct Field<'a> {
    prefix: &'static str,
    name: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
}

impl Field<'_> {
    fn name_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.prefix.bytes().chain(self.name.bytes())
    }
}

/// The change's fields in the contract's order (by name, as a `BTreeMap` keeps them),
/// borrowed from the plan; a create's come from its record (see [`UserPlan::fields`]).
fn fields_of<'a>(plan: &UserPlan, c: &'a UserChange, out: &mut Vec<Field<'a>>) {
    out.clear();
    if c.action == crate::core::plan::Action::Create && c.fields.is_empty() {
        for &name in &plan.stored_fields {
            if let Some(v) = c.desired.field(name) {
                out.push(Field {
                    prefix: "",
                    name,
                    old: None,
                    new: Some(v),
                });
            }
        }
        if plan.stores_extra {
            out.extend(c.desired.extra.iter().map(|(k, v)| Field {
                prefix: "extra.",
                name: k,
                old: None,
                new: Some(v),
            }));
        }
    } else {
        out.extend(c.fields.iter().map(|f| Field {
            prefix: "",
            name: &f.field,
            old: f.old.as_deref(),
            new: f.new.as_deref(),
        }));
    }
    // Stable, so that of equal names the last one stays, as in a map built in order.
    out.sort_by(|a, b| a.name_bytes().cmp(b.name_bytes()));
    let mut i = 0;
    while i + 1 < out.len() {
        if out[i].name_bytes().eq(out[i + 1].name_bytes()) {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}

fn change<'a>(
    buf: &mut Vec<u8>,
    plan: &UserPlan,
    c: &'a UserChange,
    (status, error): (&str, Option<&str>),
    fields: &mut Vec<Field<'a>>,
) -> io::Result<()> {
    buf.extend_from_slice(b"\n    {\n      \"action\": ");
    string(buf, c.action.as_str())?;
    buf.extend_from_slice(b",\n      \"key\": ");
    string(buf, &c.key)?;
    buf.extend_from_slice(b",\n      \"fields\": {");
    fields_of(plan, c, fields);
    for (i, f) in fields.iter().enumerate() {
        buf.extend_from_slice(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        });
        if f.prefix.is_empty() {
            string(buf, f.name)?;
        } else {
            // `"extra.` + the escaped name: the prefix needs no escaping.
            buf.push(b'"');
            buf.extend_from_slice(f.prefix.as_bytes());
            let at = buf.len();
            string(buf, f.name)?;
            buf.copy_within(at + 1.., at);
            buf.pop();
        }
        buf.extend_from_slice(b": [\n          ");
        optional(buf, f.old)?;
        buf.extend_from_slice(b",\n          ");
        optional(buf, f.new)?;
        buf.extend_from_slice(b"\n        ]");
    }
    if !fields.is_empty() {
        buf.extend_from_slice(b"\n      ");
    }
    buf.extend_from_slice(b"},\n      \"status\": ");
    string(buf, status)?;
    if let Some(error) = error {
        buf.extend_from_slice(b",\n      \"error\": ");
        string(buf, error)?;
    }
    buf.extend_from_slice(b"\n    }");
    Ok(())
}

/// A JSON string, escaped by serde_json.
fn string(buf: &mut Vec<u8>, s: &str) -> io::Result<()> {
    serde_json::to_writer(buf, s).map_err(io::Error::from)
}

fn optional(buf: &mut Vec<u8>, v: Option<&str>) -> io::Result<()> {
    match v {
        Some(v) => string(buf, v),
        None => {
            buf.extend_from_slice(b"null");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::User;
    use crate::core::plan::{diff_users, Action, DEACTIVATED_BY_ESNCTL};
    use std::collections::BTreeMap;

    /// The contract's structure as serde renders it: what `write` must match byte for byte.
    #[derive(Serialize)]
    struct ChangeJson<'a> {
        action: Action,
        key: &'a str,
        fields: BTreeMap<&'a str, [Option<&'a str>; 2]>,
        status: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
    }

    #[derive(Serialize)]
    struct PlanJson<'a, S> {
        dry_run: bool,
        summary: S,
        changes: Vec<ChangeJson<'a>>,
        warnings: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        communities: Option<&'a serde_json::Value>,
    }

    fn by_serde(
        plan: &UserPlan,
        dry_run: bool,
        results: Option<&[ItemResult]>,
        communities: Option<&serde_json::Value>,
    ) -> String {
        let fields: Vec<_> = plan.changes.iter().map(|c| plan.fields(c)).collect();
        let changes = plan
            .changes
            .iter()
            .zip(&fields)
            .enumerate()
            .map(|(i, (c, f))| {
                let (status, error) = status(results, i);
                ChangeJson {
                    action: c.action,
                    key: &c.key,
                    fields: super::super::plan_view::fields_json(f),
                    status,
                    error,
                }
            })
            .collect();
        serde_json::to_string_pretty(&PlanJson {
            dry_run,
            summary: serde_json::json!({"create": 1, "failed": 0}),
            changes,
            warnings: &plan.warnings,
            communities,
        })
        .unwrap()
    }

    fn by_hand(
        plan: &UserPlan,
        dry_run: bool,
        results: Option<&[ItemResult]>,
        communities: Option<&serde_json::Value>,
    ) -> String {
        let mut out = Vec::new();
        let summary = serde_json::json!({"create": 1, "failed": 0});
        write(&mut out, dry_run, &summary, plan, results, communities).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn user(key: &str, email: &str) -> User {
        let mut u = User::new(key);
        u.email = Some(email.to_string());
        u
    }

    #[test]
    fn hand_written_plan_is_byte_for_byte_serde_pretty() {
        let mut lea = user("léa.müller", "Léa.Müller@ex.fr");
        lea.display_name = Some("Léa \"Lili\" Müller 山田 🎉\\\n\t\u{1}\u{7f}".into());
        lea.extra.insert("costCenter".into(), "42".into());
        lea.extra.insert("é\"x".into(), "line\nbreak".into());
        lea.extra.insert("a".into(), String::new());
        let mut bob_new = user("bob", "bob@new.example");
        bob_new.title = Some("CTO".into());
        bob_new.extra.insert("site".into(), "Lyon".into());
        let mut off = user("off", "off@x");
        off.active = false;
        off.deactivated_by = Some(DEACTIVATED_BY_ESNCTL.into());
        let desired = vec![lea, bob_new, user("off", "off@x"), user("plain", "p@x")];
        let actual = vec![user("bob", "bob@example.com"), off, user("gone", "gone@x")];
        let mut plan = diff_users(&desired, &[], &actual, &|_| true);
        assert_eq!(plan.changes.len(), 5, "{:?}", plan.changes);
        plan.warnings = vec!["\"x\" is odd\u{2028}".into(), "two".into()];
        let results: Vec<ItemResult> = vec![
            Ok(()),
            Err("refused: \"bob\"\nby the server".into()),
            Ok(()),
            Ok(()),
            Err(String::new()),
        ];
        let communities = serde_json::json!({"summary": {"create": 1}, "changes": [], "x": "é"});
        for (dry_run, results, communities) in [
            (true, None, None),
            (false, Some(&results[..]), Some(&communities)),
        ] {
            assert_eq!(
                by_hand(&plan, dry_run, results, communities),
                by_serde(&plan, dry_run, results, communities)
            );
        }
        // Only some fields stored: a create lists those alone.
        let plan = diff_users(&desired, &[], &[], &|f| f == "key" || f == "title");
        assert_eq!(
            by_hand(&plan, true, None, None),
            by_serde(&plan, true, None, None)
        );
    }

    #[test]
    fn large_plans_rendered_by_several_threads_keep_their_order() {
        let desired: Vec<User> = (0..3 * BATCH + 7)
            .map(|i| user(&format!("u{i:05}"), &format!("u{i}@x")))
            .collect();
        let plan = diff_users(&desired, &[], &[], &|_| true);
        let results: Vec<ItemResult> = (0..plan.changes.len())
            .map(|i| {
                if i % 7 == 0 {
                    Err(format!("e{i}"))
                } else {
                    Ok(())
                }
            })
            .collect();
        assert_eq!(
            by_hand(&plan, false, Some(&results), None),
            by_serde(&plan, false, Some(&results), None)
        );
    }

    /// Fails after `left` bytes, as a closed pipe would.
    struct Broken {
        left: usize,
    }

    impl Write for Broken {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.left < buf.len() {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.left -= buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_stops_the_rendering_threads() {
        let desired: Vec<User> = (0..20 * BATCH)
            .map(|i| user(&format!("u{i}"), &format!("u{i}@x")))
            .collect();
        let plan = diff_users(&desired, &[], &[], &|_| true);
        let summary = serde_json::json!({});
        let err = write(
            &mut Broken { left: 2_000_000 },
            true,
            &summary,
            &plan,
            None,
            None,
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }

    #[test]
    fn empty_plans_and_fieldless_changes_match_too() {
        let plan = UserPlan::default();
        assert_eq!(
            by_hand(&plan, true, None, None),
            by_serde(&plan, true, None, None)
        );
        // A change without fields (a create of a destination that stores nothing).
        let plan = diff_users(&[user("a", "a@x")], &[], &[], &|_| false);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(
            by_hand(&plan, true, None, None),
            by_serde(&plan, true, None, None)
        );
    }
}
