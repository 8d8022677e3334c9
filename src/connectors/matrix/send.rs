//! Sending an event exactly once.
//!
//! Synapse answers a repeated `PUT …/send/{type}/{txn}` with the event it already made,
//! but for an application service it keeps those transaction ids in memory only: after a
//! restart the same PUT makes a second event. So every event esnctl sends carries its
//! transaction id in its content ([`TXN`]), and whenever whether a send took effect is
//! unknown, the room's latest events are searched for it before sending again:
//! - the answer was lost (connection reset, timeout, 5xx while the server went down), or
//!   Synapse refused a reaction as a duplicate (`M_DUPLICATE_ANNOTATION`);
//! - a run killed between sends and their ledger records left at most one unrecorded
//!   event per lane, the latest in their rooms: the first send into each room in a run
//!   reads the room's latest events once, and every send into it first looks there.

use super::client::{seg, As};
use super::markup::ms;
use super::MatrixConnector;
use crate::core::http;
use crate::error::{Error, Kind, Result};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// The content key holding the transaction id an event was sent with.
pub(super) const TXN: &str = "org.esnctl.txn";

/// How many of a room's latest events are searched: more than the sends a run has in
/// flight in one room (at most `--concurrency`, 64) plus their authors' joins.
const TAIL: &str = "200";

/// Per room, what its latest events held when this run first sent into it:
/// transaction id → (sender, event id).
type Found = Mutex<HashMap<String, (String, String)>>;

#[derive(Default)]
pub(super) struct SentRooms(Mutex<HashMap<String, Arc<OnceCell<Found>>>>);

impl MatrixConnector {
    /// Sends one event as `user` at `ts`, once; answers its event id.
    pub(super) async fn send_as(
        &self,
        room: &str,
        kind: &str,
        txn: &str,
        user: &str,
        ts: jiff::Timestamp,
        content: &Value,
    ) -> Result<String> {
        if let Some(id) = self.sent_by_an_earlier_run(room, user, txn).await? {
            tracing::debug!(room, txn, "already in the room from an earlier run");
            return Ok(id);
        }
        let mut content = content.clone();
        content[TXN] = Value::String(txn.to_string());
        let path = format!("/_matrix/client/v3/rooms/{}/send/{kind}/{txn}", seg(room));
        let at = ms(ts);
        let mut delays = http::backoff(self.client.policy());
        loop {
            let answer = self
                .client
                .call_once_sent(
                    Method::PUT,
                    &path,
                    &[("ts", &at)],
                    Some(&content),
                    (As::User, Some(user)),
                )
                .await;
            let doubt: anyhow::Error = match answer {
                Ok(Ok(v)) => return Ok(v["event_id"].as_str().unwrap_or_default().to_string()),
                Ok(Err(m)) if m.errcode == "M_DUPLICATE_ANNOTATION" => {
                    let refused = self.client.error_of(&path, m);
                    return self
                        .find_sent(room, user, txn)
                        .await?
                        .ok_or_else(|| refused.into());
                }
                Ok(Err(m)) if m.status.is_server_error() => self.client.error_of(&path, m).into(),
                Ok(Err(m)) => return Err(self.client.error_of(&path, m).into()),
                Err(e) if is_unavailable(&e) => e,
                Err(e) => return Err(e),
            };
            let Some(delay) = delays.next() else {
                return Err(doubt);
            };
            tracing::debug!(room, txn, error = %doubt, ?delay, "send in doubt; retrying");
            self.client.stats.record_retry();
            tokio::time::sleep(delay).await;
            if let Some(id) = self.find_sent(room, user, txn).await? {
                return Ok(id);
            }
        }
    }

    /// The event `user` sent with `txn` among the latest of `room` when this run first
    /// sent into it.
    async fn sent_by_an_earlier_run(
        &self,
        room: &str,
        user: &str,
        txn: &str,
    ) -> Result<Option<String>> {
        let cell = {
            let mut rooms = self
                .content
                .sent_rooms
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            Arc::clone(rooms.entry(room.to_string()).or_default())
        };
        let found = cell
            .get_or_try_init(|| async {
                Ok::<_, anyhow::Error>(Mutex::new(self.latest(room).await?))
            })
            .await?;
        let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
        Ok(match found.remove(txn) {
            Some((sender, id)) if sender == user => Some(id),
            _ => None,
        })
    }

    /// The event `user` sent into `room` with `txn`, among the room's latest.
    async fn find_sent(&self, room: &str, user: &str, txn: &str) -> Result<Option<String>> {
        Ok(match self.latest(room).await?.remove(txn) {
            Some((sender, id)) if sender == user => Some(id),
            _ => None,
        })
    }

    /// The transaction ids of `room`'s latest events that carry one.
    async fn latest(&self, room: &str) -> Result<HashMap<String, (String, String)>> {
        let path = format!("/_synapse/admin/v1/rooms/{}/messages", seg(room));
        let page: Value = self
            .client
            .call(
                Method::GET,
                &path,
                &[("dir", "b"), ("limit", TAIL)],
                None,
                (As::Admin, None),
            )
            .await?;
        Ok(sent_with_txn(&page))
    }
}

fn sent_with_txn(page: &Value) -> HashMap<String, (String, String)> {
    let events = page["chunk"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    events
        .iter()
        .filter_map(|e| {
            let txn = e["content"][TXN].as_str()?;
            let sender = e["sender"].as_str()?;
            let id = e["event_id"].as_str()?;
            Some((txn.to_string(), (sender.to_string(), id.to_string())))
        })
        .collect()
}

fn is_unavailable(e: &anyhow::Error) -> bool {
    e.downcast_ref::<Error>()
        .is_some_and(|e| e.kind == Kind::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_are_indexed_by_the_transaction_id_they_carry() {
        let page = json!({"chunk": [
            {"event_id": "$join", "sender": "@a:x", "content": {"membership": "join"}},
            {"event_id": "$mine", "sender": "@a:x", "content": {TXN: "t1"}},
            {"event_id": "$other", "sender": "@b:x", "content": {TXN: "t2"}},
        ]});
        let found = sent_with_txn(&page);
        assert_eq!(found.len(), 2);
        assert_eq!(found["t1"], ("@a:x".to_string(), "$mine".to_string()));
        assert!(sent_with_txn(&json!({})).is_empty());
    }
}
