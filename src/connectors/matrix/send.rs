//! Sending an event exactly once.
//!
//! Synapse answers a repeated `PUT …/send/{type}/{txn}` with the event it already made,
//! but for an application service it keeps those transaction ids in memory only: after a
//! restart the same PUT makes a second event. So every event esnctl sends carries its
//! transaction id in its content ([`TXN`]), and whenever whether a send took effect is
//! unknown, the room's latest events are searched for it before sending again:
//! - the answer was lost (connection reset, timeout, 5xx while the server went down);
//! - the first send into a room in this process: a run killed between a send and its
//!   ledger record left at most that one event unrecorded, since a room's records go one
//!   at a time in order.

use super::client::{seg, As};
use super::markup::ms;
use super::MatrixConnector;
use crate::core::http;
use crate::error::{Error, Kind, Result};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;
use tokio::sync::Mutex;

/// The content key holding the transaction id an event was sent with.
pub(super) const TXN: &str = "org.esnctl.txn";

/// How many of a room's latest events are searched: the one event in doubt is the last
/// esnctl sent there, followed at most by a few joins.
const TAIL: &str = "50";

/// Rooms sent into by this process.
#[derive(Default)]
pub(super) struct SentRooms(Mutex<HashSet<String>>);

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
        if self
            .content
            .sent_rooms
            .0
            .lock()
            .await
            .insert(room.to_string())
        {
            if let Some(id) = self.find_sent(room, user, txn).await? {
                tracing::debug!(room, txn, "already in the room from an earlier run");
                return Ok(id);
            }
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
            let doubt = match answer {
                Ok(Ok(v)) => return Ok(v["event_id"].as_str().unwrap_or_default().to_string()),
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

    /// The event `user` sent into `room` with `txn`, among the room's latest.
    async fn find_sent(&self, room: &str, user: &str, txn: &str) -> Result<Option<String>> {
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
        Ok(sent_with(&page, user, txn))
    }
}

fn sent_with(page: &Value, user: &str, txn: &str) -> Option<String> {
    page["chunk"].as_array()?.iter().find_map(|e| {
        (e["sender"] == user && e["content"][TXN] == txn)
            .then(|| e["event_id"].as_str().map(str::to_string))
            .flatten()
    })
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
    fn an_event_is_found_by_sender_and_transaction_id() {
        let page = json!({"chunk": [
            {"event_id": "$join", "sender": "@a:x", "content": {"membership": "join"}},
            {"event_id": "$other", "sender": "@b:x", "content": {TXN: "t1"}},
            {"event_id": "$mine", "sender": "@a:x", "content": {TXN: "t1"}},
        ]});
        assert_eq!(sent_with(&page, "@a:x", "t1").as_deref(), Some("$mine"));
        assert_eq!(sent_with(&page, "@a:x", "t2"), None);
        assert_eq!(sent_with(&json!({}), "@a:x", "t1"), None);
    }
}
