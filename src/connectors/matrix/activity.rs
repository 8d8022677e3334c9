//! Activity: account creation and last-seen times from the admin users list, and posts,
//! replies (`m.thread` relations or rich replies) and reactions (`m.reaction`) from every
//! room's timeline through the admin messages API.
//!
//! Timelines are read whole, oldest first, and filtered on `origin_server_ts`: imported
//! (back-dated) messages are ordered by arrival, not by timestamp, so stopping at the
//! first old event would miss some. Remembering where a previous read stopped needs a
//! state store (left for the rollout work).

use super::client::{seg, As};
use super::wire::{ClientEvent, MessagesAnswer};
use super::MatrixConnector;
use crate::connectors::ReadActivity;
use crate::core::activity::{ActivityEvent, ActivityKind, ActivitySet, UserActivity};
use crate::core::executor::run_bounded;
use crate::core::progress::Progress;
use crate::error::Result;
use jiff::Timestamp;
use reqwest::Method;
use std::collections::HashMap;

impl MatrixConnector {
    /// Every event of a room's timeline, oldest first.
    async fn timeline(&self, room_id: &str) -> Result<Vec<ClientEvent>> {
        let path = format!("/_synapse/admin/v1/rooms/{}/messages", seg(room_id));
        let mut out = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let mut q = vec![("dir", "f"), ("limit", "1000")];
            if let Some(f) = &from {
                q.push(("from", f.as_str()));
            }
            let page: MessagesAnswer = self
                .client
                .call(Method::GET, &path, &q, None, (As::Admin, None))
                .await?;
            let n = page.chunk.len();
            out.extend(page.chunk);
            match page.end {
                Some(end) if n > 0 && from.as_deref() != Some(end.as_str()) => from = Some(end),
                _ => return Ok(out),
            }
        }
    }
}

fn ts(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// The contribution an event is, if any.
fn classify(ev: &ClientEvent) -> Option<(ActivityKind, String, Option<String>, Option<String>)> {
    if ev.state_key.is_some() {
        return None;
    }
    let rel = &ev.content["m.relates_to"];
    match ev.kind.as_str() {
        "m.reaction" if rel["rel_type"] == "m.annotation" => Some((
            ActivityKind::Reaction,
            rel["event_id"].as_str()?.to_string(),
            None,
            None,
        )),
        "m.room.message" | "m.room.encrypted" => {
            // An edit (`m.replace`) is not a new contribution.
            if rel["rel_type"] == "m.replace" {
                return None;
            }
            let body = ev.content["body"].as_str().map(str::to_string);
            if rel["rel_type"] == "m.thread" {
                let root = rel["event_id"].as_str().map(str::to_string);
                Some((ActivityKind::Reply, ev.event_id.clone(), root, body))
            } else if rel["m.in_reply_to"]["event_id"].is_string() {
                Some((ActivityKind::Reply, ev.event_id.clone(), None, body))
            } else {
                Some((ActivityKind::Post, ev.event_id.clone(), None, body))
            }
        }
        _ => None,
    }
}

#[async_trait::async_trait]
impl ReadActivity for MatrixConnector {
    async fn read_activity(
        &self,
        since: Timestamp,
        progress: &dyn Progress,
    ) -> Result<ActivitySet> {
        let ctx = self.ctx().await?.clone();
        let reg = self.registry().await?;
        let mut set = ActivitySet {
            logins_known: true,
            ..Default::default()
        };
        for u in self.list_users().await? {
            if self.is_service_account(&ctx, &u.name) || u.user_type.is_some() {
                continue;
            }
            set.users.push(UserActivity {
                key: Self::key_of(&reg, &u.name),
                active: !u.deactivated,
                created_at: u.creation_ts.and_then(ts),
                last_seen_at: u.last_seen_ts.and_then(ts),
            });
        }

        // Which community each room belongs to: the space itself or its children.
        let (spaces, _) = self.read_spaces().await?;
        let mut community_of: HashMap<String, String> = HashMap::new();
        for s in &spaces {
            for child in &s.children {
                community_of.insert(child.clone(), s.community.key.clone());
            }
        }
        for s in &spaces {
            community_of.insert(s.room_id.clone(), s.community.key.clone());
        }
        let registry_room = reg.room_id.clone();
        let rooms: Vec<String> = self
            .list_rooms()
            .await?
            .into_iter()
            .map(|r| r.room_id)
            .filter(|id| Some(id) != registry_room.as_ref())
            .collect();
        let task = progress.task("reading Matrix timelines", Some(rooms.len() as u64));
        let timelines = run_bounded(&rooms, self.concurrency, |_, room| {
            let task = &task;
            async move {
                let t = self.timeline(room).await;
                task.inc(1);
                t
            }
        })
        .await;
        task.finish();
        let since_ms = since.as_millisecond();
        for (room, timeline) in rooms.iter().zip(timelines) {
            for ev in timeline? {
                if ev.origin_server_ts < since_ms || self.is_service_account(&ctx, &ev.sender) {
                    continue;
                }
                let (Some((kind, post_id, thread_root, body)), Some(at)) =
                    (classify(&ev), ts(ev.origin_server_ts))
                else {
                    continue;
                };
                set.events.push(ActivityEvent {
                    user: Self::key_of(&reg, &ev.sender),
                    community: community_of.get(room).cloned(),
                    kind,
                    at,
                    post_id,
                    thread_root,
                    body,
                });
            }
        }
        set.events.sort_by_key(|e| e.at);
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(kind: &str, content: serde_json::Value) -> ClientEvent {
        ClientEvent {
            event_id: "$e".into(),
            kind: kind.into(),
            sender: "@a:x".into(),
            origin_server_ts: 0,
            content,
            state_key: None,
        }
    }

    #[test]
    fn classifies_posts_thread_replies_reactions_and_skips_edits() {
        let post = classify(&ev("m.room.message", json!({"body": "hi?"}))).unwrap();
        assert_eq!(
            (post.0, post.3.as_deref()),
            (ActivityKind::Post, Some("hi?"))
        );
        let reply = classify(&ev(
            "m.room.message",
            json!({"body": "yes", "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}}),
        ))
        .unwrap();
        assert_eq!(
            (reply.0, reply.2.as_deref()),
            (ActivityKind::Reply, Some("$root"))
        );
        let react = classify(&ev(
            "m.reaction",
            json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": "$p", "key": "👍"}}),
        ))
        .unwrap();
        assert_eq!((react.0, react.1.as_str()), (ActivityKind::Reaction, "$p"));
        let edit = ev(
            "m.room.message",
            json!({"body": "* x", "m.relates_to": {"rel_type": "m.replace", "event_id": "$p"}}),
        );
        assert!(classify(&edit).is_none());
    }
}
