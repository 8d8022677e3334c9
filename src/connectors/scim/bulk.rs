//! `/Bulk` (RFC 7644 §3.7): creates, then PATCH updates, in batches within the server's
//! maxOperations and maxPayloadSize. Each operation carries a `bulkId` naming its item,
//! so results map back to items whatever order the server answers in.
//!
//! Items that a batch leaves undecided go back to the one-request path, which knows what
//! to do: a 409 (adopt the existing user), a 412 (re-read, retry once), a missing result
//! or a failed batch request (look the user up before creating it again). The POST of a
//! batch is never retried blindly. Without PATCH support only creates go in batches.

use super::users::{self, UpdateContext};
use super::wire::{self, BulkResponse, BulkResult};
use super::{fail, CallError, Done, Fail, Outcome, ScimConnector};
use crate::core::plan::{Action, UserChange};
use crate::core::progress::ProgressTask;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Room for the envelope of a Bulk request around its operations.
const ENVELOPE: usize = 256;

struct Op {
    item: usize,
    json: String,
    manager_pending: bool,
}

pub(super) async fn apply(
    conn: &ScimConnector,
    changes: &[UserChange],
    outcomes: &mut [Option<Outcome>],
    task: &dyn ProgressTask,
) {
    let d = conn.client.discovered().expect("discovered before writes");
    let mut creates = Vec::new();
    for (i, c) in changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action == Action::Create)
    {
        let manager_id = c.desired.manager.as_deref().and_then(|m| conn.id_of(m));
        let op = json!({
            "method": "POST",
            "path": format!("/{}", d.users),
            "bulkId": format!("i{i}"),
            "data": users::create_body(&c.desired, manager_id.as_deref(), d.enterprise),
        });
        creates.push(Op {
            item: i,
            json: op.to_string(),
            manager_pending: c.desired.manager.is_some() && manager_id.is_none(),
        });
    }
    run(conn, changes, creates, outcomes, task).await;

    // Managers created in the same batches as their reports: set in batches too.
    if conn.settings.patch && d.config.patch.supported {
        let mut fixups = Vec::new();
        for (i, c) in changes.iter().enumerate() {
            let Some(Ok(Done {
                id,
                manager_pending: true,
            })) = &outcomes[i]
            else {
                continue;
            };
            let Some(mid) = c.desired.manager.as_deref().and_then(|m| conn.id_of(m)) else {
                continue;
            };
            let ops = [wire::PatchOperation::replace(
                users::MANAGER,
                json!({ "value": mid }),
            )];
            let op = json!({
                "method": "PATCH",
                "path": format!("/{}/{id}", d.users),
                "bulkId": format!("i{i}"),
                "data": wire::patch_body(&ops),
            });
            fixups.push(Op {
                item: i,
                json: op.to_string(),
                manager_pending: false,
            });
        }
        run(conn, changes, fixups, outcomes, &NoTask).await;
    }

    if !(conn.settings.patch && d.config.patch.supported) {
        return;
    }
    let mut updates = Vec::new();
    for (i, c) in changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action != Action::Create)
    {
        let Some(current) = &c.current else { continue };
        let Some(id) = current.handle.clone().or_else(|| conn.id_of(&current.key)) else {
            continue;
        };
        let manager_id = if current.manager == c.desired.manager {
            None
        } else {
            match c.desired.manager.as_deref().map(|m| conn.id_of(m)) {
                None => Some(None),
                Some(Some(mid)) => Some(Some(mid)),
                // Maybe created later by the one-request path: decided there.
                Some(None) => continue,
            }
        };
        let cached = conn.lock().users.get(&id).cloned().unwrap_or_default();
        let ctx = UpdateContext {
            emails: &cached.emails,
            manager_id,
            enterprise: d.enterprise,
        };
        let ops = users::patch_ops(current, &c.desired, &ctx);
        if ops.is_empty() {
            // Nothing on the account changes (e.g. only esnctl's deactivation mark goes,
            // which is the ledger group's business): done without a request.
            outcomes[i] = Some(Ok(Done {
                id,
                manager_pending: false,
            }));
            task.inc(1);
            continue;
        }
        let mut op = json!({
            "method": "PATCH",
            "path": format!("/{}/{id}", d.users),
            "bulkId": format!("i{i}"),
            "data": wire::patch_body(&ops),
        });
        if let Some(v) = cached.etag.filter(|_| d.config.etag.supported) {
            op["version"] = json!(v);
        }
        updates.push(Op {
            item: i,
            json: op.to_string(),
            manager_pending: false,
        });
    }
    run(conn, changes, updates, outcomes, task).await;
}

/// Fix-ups count nothing: their items were counted when created.
struct NoTask;
impl ProgressTask for NoTask {
    fn inc(&self, _: u64) {}
}

/// Sends `ops` in batches and records the decided outcomes.
async fn run(
    conn: &ScimConnector,
    changes: &[UserChange],
    ops: Vec<Op>,
    outcomes: &mut [Option<Outcome>],
    task: &dyn ProgressTask,
) {
    let d = conn.client.discovered().expect("discovered before writes");
    let max_ops = d.config.bulk.max_operations.max(1);
    let max_payload = match d.config.bulk.max_payload_size {
        0 => usize::MAX,
        n => n,
    };
    let mut batch: Vec<&Op> = Vec::new();
    let mut size = ENVELOPE;
    let mut batches: Vec<Vec<&Op>> = Vec::new();
    for op in &ops {
        if op.json.len() + ENVELOPE > max_payload {
            continue; // too big for any batch: left to the one-request path
        }
        if batch.len() == max_ops || size + op.json.len() + 1 > max_payload {
            batches.push(std::mem::take(&mut batch));
            size = ENVELOPE;
        }
        size += op.json.len() + 1;
        batch.push(op);
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    for batch in batches {
        let body = format!(
            "{{\"schemas\":[\"{}\"],\"Operations\":[{}]}}",
            wire::BULK_REQUEST,
            batch
                .iter()
                .map(|o| o.json.as_str())
                .collect::<Vec<_>>()
                .join(",")
        );
        let body: Value =
            serde_json::from_str(&body).expect("valid JSON assembled from valid JSON");
        let answer = conn
            .client
            .call(
                Method::POST,
                conn.client.url("Bulk", None),
                &[],
                Some(&body),
                None,
            )
            .await;
        let results: HashMap<String, BulkResult> = match answer {
            Ok(a) => a
                .body
                .and_then(|b| serde_json::from_value::<BulkResponse>(b).ok())
                .map(|r| r.operations)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| r.bulk_id.clone().map(|id| (id, r)))
                .collect(),
            Err(e) if e.is_auth() => {
                for op in &batch {
                    outcomes[op.item] = Some(Err(Fail::Fatal(e.auth_error())));
                }
                continue;
            }
            Err(e) => {
                tracing::warn!(
                    "SCIM bulk request of {} operations failed ({e}); sending them one by one",
                    batch.len()
                );
                continue;
            }
        };
        for op in batch {
            let Some(r) = results.get(&format!("i{}", op.item)) else {
                continue;
            };
            let change = &changes[op.item];
            let status = r.status_code();
            if (200..300).contains(&status) {
                outcomes[op.item] = Some(record_success(conn, change, r, op.manager_pending));
                task.inc(1);
            } else if !matches!(status, 409 | 412 | 429 | 500..=599) {
                let body: wire::ErrorBody = r
                    .response
                    .clone()
                    .and_then(|b| serde_json::from_value(b).ok())
                    .unwrap_or_default();
                let e = CallError {
                    status: Some(status),
                    scim_type: body.scim_type,
                    detail: body.detail.unwrap_or_else(|| "refused".into()),
                    sent: true,
                };
                outcomes[op.item] = Some(Err(fail(change, e)));
                task.inc(1);
            }
        }
    }
}

fn record_success(
    conn: &ScimConnector,
    change: &UserChange,
    r: &BulkResult,
    manager_pending: bool,
) -> Outcome {
    let id = r
        .id()
        .map(str::to_string)
        .or_else(|| change.current.as_ref().and_then(|c| c.handle.clone()))
        .ok_or_else(|| {
            Fail::Item(format!(
                "\"{}\": the bulk answer has no location",
                change.key
            ))
        })?;
    // The answer has no resource: remember what was sent.
    let emails = match conn.lock().users.get(&id) {
        Some(c) if change.current.as_ref().map(|c| &c.email) == Some(&change.desired.email) => {
            c.emails.clone()
        }
        Some(c) => users::emails_with_primary(&c.emails, change.desired.email.as_deref()),
        None => users::emails_with_primary(&[], change.desired.email.as_deref()),
    };
    let seen = wire::User {
        id: id.clone(),
        user_name: change.desired.key.clone(),
        emails,
        ..Default::default()
    };
    conn.remember(&seen, r.version.clone());
    Ok(Done {
        id,
        manager_pending,
    })
}
