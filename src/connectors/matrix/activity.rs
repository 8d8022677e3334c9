//! Activity: account creation and last-seen times from the admin users list, and posts,
//! replies (`m.thread` relations or rich replies) and reactions (`m.reaction`) from every
//! room's timeline through the admin messages API.
//!
//! Timelines are read oldest first and filtered on `origin_server_ts`: imported
//! (back-dated) messages are ordered by arrival, not by timestamp, so stopping at the
//! first old event would miss some. With an activity cache (profile `activity_cache`),
//! only the events after the previous read are fetched ([`super::activity_cache`]).

use super::activity_cache::ActivityCache;
use super::wire::ClientEvent;
use super::MatrixConnector;
use crate::connectors::ReadActivity;
use crate::core::activity::{ActivityEvent, ActivityKind, ActivitySet, UserActivity};
use crate::core::executor::run_bounded;
use crate::core::progress::Progress;
use crate::error::Result;
use jiff::Timestamp;
use std::collections::{HashMap, HashSet};

fn ts(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// The contribution an event is, if any.
pub(super) fn classify(
    ev: &ClientEvent,
) -> Option<(ActivityKind, String, Option<String>, Option<String>)> {
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
        let cache = match &self.activity_cache {
            Some(path) => Some(ActivityCache::open(path, &ctx.server)?),
            None => None,
        };
        let since_ms = since.as_millisecond();
        let task = progress.task("reading Matrix timelines", Some(rooms.len() as u64));
        let read = run_bounded(&rooms, self.concurrency, |_, room| {
            let (task, cache) = (&task, cache.as_ref());
            async move {
                let r = self.room_contributions(room, since_ms, cache).await;
                task.inc(1);
                r
            }
        })
        .await;
        task.finish();
        let mut contributions = Vec::new();
        for r in read {
            contributions.extend(r?);
        }
        if let Some(cache) = &cache {
            // Rooms deleted since an earlier read are not counted, as without a cache.
            let listed: HashSet<&str> = rooms.iter().map(String::as_str).collect();
            contributions = cache.since(since_ms)?;
            contributions.retain(|c| listed.contains(c.room_id.as_str()));
        }
        for c in contributions {
            let Some(at) = ts(c.ts) else { continue };
            if self.is_service_account(&ctx, &c.sender) {
                continue;
            }
            set.events.push(ActivityEvent {
                user: Self::key_of(&reg, &c.sender),
                community: community_of.get(&c.room_id).cloned(),
                kind: c.kind,
                at,
                post_id: c.post_id,
                thread_root: c.thread_root,
                body: c.body,
            });
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
