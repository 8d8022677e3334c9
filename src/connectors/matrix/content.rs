//! Content write (`content copy --to matrix+…`).
//!
//! | canonical   | Matrix                                                                |
//! |-------------|-----------------------------------------------------------------------|
//! | user        | the account of its key (created like `users sync` when absent)         |
//! | community   | its space (created when absent) plus ONE child room, "<name>", where   |
//! |             | posts go, linked `m.space.child`/`m.space.parent`, recorded in the     |
//! |             | space's `org.esnctl.posts_room` state (spaces hold no messages)        |
//! | membership  | admin join to the space and its posts room                             |
//! | post        | `m.room.message` sent AS its author AT its time (application service   |
//! |             | `user_id` + `ts`); Markdown → `formatted_body`; mentions → pills +     |
//! |             | `m.mentions`; a reply → `m.thread` relation to its root's event        |
//! | reaction    | `m.reaction` annotation by its user                                    |
//! | attachment  | uploaded to the media repository as the post's author, then sent as    |
//! |             | `m.image`/`m.file` right after the post (same thread), pointing to the |
//! |             | post in `org.esnctl.attachment_of`, with the bytes' SHA-256 in         |
//! |             | `org.esnctl.sha256` (read back by [`super::content_read`])              |
//!
//! Transaction ids derive from the source record ids, and every event carries its own
//! (`org.esnctl.txn`): a send retried after a lost answer, even across a Synapse restart or
//! a killed run, finds the event it made instead of making a duplicate ([`super::send`]). A post's
//! ledger id is `"<event id> <room id>"` (no Matrix id holds a space) so reactions and
//! attachments of a resumed run find its room. `edited_at` is not carried (Matrix edits
//! are new events).
//!
//! A message's `body` is the post's Markdown source verbatim (`formatted_body` is the HTML
//! made from it): reading it back gives the same bytes, so no separate copy is stored.

use super::client::{seg, As};
use super::localpart::{localpart, user_id};
use super::markup::{html_of, txn_id};
use super::wire::RoomIdAnswer;
use super::MatrixConnector;
use crate::connectors::{IdLookup, Record, RecordKind, WriteOutcome};
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User};
use crate::core::plan::{Action, UserChange};
use crate::core::plan_communities::{CommunityAction, CommunityChange};
use crate::core::progress::NoProgress;
use crate::error::Result;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use tokio::sync::Mutex;

const POSTS_ROOM_STATE: &str = "org.esnctl.posts_room";

/// What content writes learn as they go.
#[derive(Default)]
pub(super) struct ContentCache {
    /// Space room id → posts room id.
    posts_rooms: Mutex<HashMap<String, String>>,
    /// (room, user) pairs known to be joined.
    joined: Mutex<HashSet<(String, String)>>,
    pub(super) sent_rooms: super::send::SentRooms,
}

impl MatrixConnector {
    pub(super) async fn write_record(
        &self,
        record: &Record,
        bytes: Option<Box<dyn Read + Send>>,
        ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        match record {
            Record::User(u) => self.write_user(u).await,
            Record::Community(c) => self.write_community(c).await,
            Record::Membership(m) => self.write_membership(m, ids).await,
            Record::Post(p) => self.write_post(p, ids).await,
            Record::Reaction(r) => self.write_reaction(r, ids).await,
            Record::Attachment(a) => self.write_attachment(a, bytes, ids).await,
        }
    }

    /// The user id of a user key: from the ledger, else as `users sync` maps it.
    async fn author_id(&self, key: &str, ids: &dyn IdLookup) -> Result<Option<String>> {
        if let Some(id) = ids.target_id(RecordKind::User, key)? {
            return Ok(Some(id));
        }
        let reg = self.registry().await?;
        if let Some(id) = reg.user_of_key(key) {
            return Ok(Some(id.to_string()));
        }
        let server = &self.ctx().await?.server;
        Ok(localpart(key).map(|lp| user_id(&lp, server)))
    }

    async fn write_user(&self, u: &User) -> Result<WriteOutcome> {
        if let Some(id) = self.registry().await?.user_of_key(&u.key) {
            return Ok(WriteOutcome::Written(id.to_string()));
        }
        let server = self.ctx().await?.server.clone();
        let Some(lp) = localpart(&u.key) else {
            return Ok(WriteOutcome::Failed(format!(
                "\"{}\": empty username",
                u.key
            )));
        };
        let id = user_id(&lp, &server);
        let path = format!("/_synapse/admin/v2/users/{}", seg(&id));
        if self
            .client
            .call_raw(Method::GET, &path, &[], None, (As::Admin, None))
            .await?
            .is_ok()
        {
            // The person already has this account (matched by key): keep it as it is.
            return Ok(WriteOutcome::Written(id));
        }
        let mut desired = u.clone();
        desired.active = true; // messages can only be sent as an active account
        let change = UserChange {
            action: Action::Create,
            key: u.key.clone(),
            current: None,
            desired,
            fields: vec![],
        };
        let r = crate::connectors::WriteUsers::apply_users(self, &[change], &NoProgress).await?;
        Ok(match r.into_iter().next() {
            Some(Ok(())) => WriteOutcome::Written(id),
            Some(Err(why)) => WriteOutcome::Failed(why),
            None => WriteOutcome::Failed("no result".into()),
        })
    }

    async fn write_community(&self, c: &Community) -> Result<WriteOutcome> {
        let server = self.ctx().await?.server.clone();
        let alias = format!("#{}:{server}", c.key);
        let space = match super::registry::resolve_alias(&self.client, &alias).await? {
            Some(room) => room,
            None => {
                let change = CommunityChange {
                    action: CommunityAction::Create,
                    key: c.key.clone(),
                    current: None,
                    desired: c.clone(),
                    fields: vec![],
                    add_members: vec![],
                    remove_members: vec![],
                };
                let r = crate::connectors::WriteCommunities::apply_communities(
                    self,
                    &[change],
                    &NoProgress,
                )
                .await?;
                if let Some(Err(why)) = r.into_iter().next() {
                    return Ok(WriteOutcome::Failed(why));
                }
                super::registry::resolve_alias(&self.client, &alias)
                    .await?
                    .ok_or_else(|| crate::error::Error::runtime(format!("{alias} not created")))?
            }
        };
        self.posts_room(&space, Some(c)).await?;
        Ok(WriteOutcome::Written(space))
    }

    /// The posts room of a space, created (with `c`) when absent.
    async fn posts_room(&self, space: &str, c: Option<&Community>) -> Result<String> {
        let mut rooms = self.content.posts_rooms.lock().await;
        if let Some(r) = rooms.get(space) {
            return Ok(r.clone());
        }
        let path = format!(
            "/_matrix/client/v3/rooms/{}/state/{POSTS_ROOM_STATE}/",
            seg(space)
        );
        let known = self
            .client
            .call_raw(Method::GET, &path, &[], None, (As::Admin, None))
            .await?;
        let room = match known
            .ok()
            .and_then(|v| v["room_id"].as_str().map(String::from))
        {
            Some(r) => r,
            None => {
                let name = c.map(|c| c.name.clone()).unwrap_or_default();
                let server = self.ctx().await?.server.clone();
                // Joinable by the space's members (restricted join rule), never listed.
                let body = json!({
                    "preset": "private_chat",
                    "visibility": "private",
                    "name": name,
                    "initial_state": [
                        {"type": "m.room.join_rules", "state_key": "",
                         "content": {"join_rule": "restricted",
                                     "allow": [{"type": "m.room_membership", "room_id": space}]}},
                        {"type": "m.space.parent", "state_key": space,
                         "content": {"via": [server], "canonical": true}},
                    ],
                });
                let created: RoomIdAnswer = self
                    .client
                    .call(
                        Method::POST,
                        "/_matrix/client/v3/createRoom",
                        &[],
                        Some(&body),
                        (As::Admin, None),
                    )
                    .await?;
                let child = format!(
                    "/_matrix/client/v3/rooms/{}/state/m.space.child/{}",
                    seg(space),
                    seg(&created.room_id)
                );
                let _: Value = self
                    .client
                    .call(
                        Method::PUT,
                        &child,
                        &[],
                        Some(&json!({"via": [server]})),
                        (As::Admin, None),
                    )
                    .await?;
                let _: Value = self
                    .client
                    .call(
                        Method::PUT,
                        &path,
                        &[],
                        Some(&json!({"room_id": created.room_id})),
                        (As::Admin, None),
                    )
                    .await?;
                created.room_id
            }
        };
        rooms.insert(space.to_string(), room.clone());
        Ok(room)
    }

    async fn join(&self, room: &str, user: &str) -> Result<()> {
        let pair = (room.to_string(), user.to_string());
        if self.content.joined.lock().await.contains(&pair) {
            return Ok(());
        }
        let path = format!("/_synapse/admin/v1/join/{}", seg(room));
        let answer = self
            .client
            .call_raw(
                Method::POST,
                &path,
                &[],
                Some(&json!({"user_id": user})),
                (As::Admin, None),
            )
            .await?;
        if let Err(e) = answer {
            // Synapse refuses to join someone already in the room (403): an earlier copy
            // or a resumed one did. Anything else, or no membership to show, is an error.
            if e.status != reqwest::StatusCode::FORBIDDEN || !self.is_joined(room, user).await? {
                return Err(self.client.error_of(&path, e).into());
            }
        }
        self.content.joined.lock().await.insert(pair);
        Ok(())
    }

    async fn is_joined(&self, room: &str, user: &str) -> Result<bool> {
        let path = format!(
            "/_matrix/client/v3/rooms/{}/state/m.room.member/{}",
            seg(room),
            seg(user)
        );
        let member = self
            .client
            .call_raw(Method::GET, &path, &[], None, (As::Admin, None))
            .await?;
        Ok(member.is_ok_and(|m| m["membership"] == "join"))
    }

    async fn space_of(&self, community: &str, ids: &dyn IdLookup) -> Result<Option<String>> {
        if let Some(s) = ids.target_id(RecordKind::Community, community)? {
            return Ok(Some(s));
        }
        let server = self.ctx().await?.server.clone();
        super::registry::resolve_alias(&self.client, &format!("#{community}:{server}")).await
    }

    async fn write_membership(&self, m: &Membership, ids: &dyn IdLookup) -> Result<WriteOutcome> {
        let Some(space) = self.space_of(&m.community, ids).await? else {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" was not copied",
                m.community
            )));
        };
        let Some(user) = self.author_id(&m.user, ids).await? else {
            return Ok(WriteOutcome::Failed(format!(
                "\"{}\": empty username",
                m.user
            )));
        };
        let room = self.posts_room(&space, None).await?;
        self.join(&space, &user).await?;
        self.join(&room, &user).await?;
        Ok(WriteOutcome::Written(user))
    }

    /// A post's `(event id, room id)` from the ledger.
    fn post_target(ids: &dyn IdLookup, post: &str) -> Result<Option<(String, String)>> {
        Ok(ids.target_id(RecordKind::Post, post)?.and_then(|t| {
            t.split_once(' ')
                .map(|(e, r)| (e.to_string(), r.to_string()))
        }))
    }

    async fn write_post(&self, p: &Post, ids: &dyn IdLookup) -> Result<WriteOutcome> {
        let Some(space) = self.space_of(&p.community, ids).await? else {
            return Ok(WriteOutcome::Failed(format!(
                "community \"{}\" was not copied",
                p.community
            )));
        };
        let Some(author) = self.author_id(&p.author, ids).await? else {
            return Ok(WriteOutcome::Failed(format!(
                "\"{}\": empty username",
                p.author
            )));
        };
        let room = self.posts_room(&space, None).await?;
        self.join(&room, &author).await?;
        let mut mentions = Vec::new();
        for key in &p.mentions {
            if let Some(id) = self.author_id(key, ids).await? {
                mentions.push((key.clone(), id));
            }
        }
        let mut content = json!({
            "msgtype": "m.text",
            "body": p.body,
            "format": "org.matrix.custom.html",
            "formatted_body": html_of(&p.body, &mentions),
            "m.mentions": {"user_ids": mentions.iter().map(|(_, id)| id).collect::<Vec<_>>()},
        });
        if let Some(root) = &p.thread_root {
            let Some((root_event, _)) = Self::post_target(ids, root)? else {
                return Ok(WriteOutcome::Failed(format!(
                    "thread root \"{root}\" was not copied"
                )));
            };
            let parent = match p.parent.as_deref().filter(|x| x != root) {
                Some(x) => Self::post_target(ids, x)?.map(|(e, _)| e),
                None => None,
            };
            content["m.relates_to"] = json!({
                "rel_type": "m.thread",
                "event_id": root_event,
                // Clients without threads show it as a reply to its parent.
                "is_falling_back": parent.is_none(),
                "m.in_reply_to": {"event_id": parent.unwrap_or(root_event.clone())},
            });
        }
        let txn = txn_id("post", &p.id);
        let event = self
            .send_as(
                &room,
                "m.room.message",
                &txn,
                &author,
                p.created_at,
                &content,
            )
            .await?;
        Ok(WriteOutcome::Written(format!("{event} {room}")))
    }

    async fn write_reaction(&self, r: &Reaction, ids: &dyn IdLookup) -> Result<WriteOutcome> {
        let Some((event, room)) = Self::post_target(ids, &r.post)? else {
            return Ok(WriteOutcome::Failed(format!(
                "post \"{}\" was not copied",
                r.post
            )));
        };
        let Some(user) = self.author_id(&r.user, ids).await? else {
            return Ok(WriteOutcome::Failed(format!(
                "\"{}\": empty username",
                r.user
            )));
        };
        self.join(&room, &user).await?;
        let content = json!({"m.relates_to": {
            "rel_type": "m.annotation", "event_id": event, "key": r.emoji}});
        let txn = txn_id(
            "reaction",
            &format!("{}\u{1f}{}\u{1f}{}", r.post, r.user, r.emoji),
        );
        let ts = r.created_at.unwrap_or_else(jiff::Timestamp::now);
        let id = self
            .send_as(&room, "m.reaction", &txn, &user, ts, &content)
            .await?;
        Ok(WriteOutcome::Written(id))
    }

    async fn write_attachment(
        &self,
        a: &Attachment,
        bytes: Option<Box<dyn Read + Send>>,
        ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        let Some((event, room)) = Self::post_target(ids, &a.post)? else {
            return Ok(WriteOutcome::Failed(format!(
                "post \"{}\" was not copied",
                a.post
            )));
        };
        let Some(mut reader) = bytes else {
            return Ok(WriteOutcome::Failed(format!(
                "no content for \"{}\"",
                a.name
            )));
        };
        // The declared size is a hint, not a promise: bounded preallocation.
        let mut data = Vec::with_capacity(a.size.min(64 << 20) as usize);
        reader.read_to_end(&mut data)?;
        // The post as sent: its author, time and thread carry over to its file.
        let path = format!(
            "/_matrix/client/v3/rooms/{}/event/{}",
            seg(&room),
            seg(&event)
        );
        let post: Value = self
            .client
            .call(Method::GET, &path, &[], None, (As::Admin, None))
            .await?;
        let author = post["sender"].as_str().unwrap_or_default().to_string();
        // What is uploaded, stated on the event, so a reader needs no download to know it.
        let (sha256, size) = (hex::encode(Sha256::digest(&data)), data.len());
        let ts = jiff::Timestamp::from_millisecond(post["origin_server_ts"].as_i64().unwrap_or(0))
            .unwrap_or_else(|_| jiff::Timestamp::now());
        let uri = self
            .client
            .upload(&author, &a.name, &a.media_type, data)
            .await?;
        let msgtype = if a.media_type.starts_with("image/") {
            "m.image"
        } else {
            "m.file"
        };
        let mut content = json!({
            "msgtype": msgtype,
            "body": a.name,
            "filename": a.name,
            "url": uri,
            "info": {"mimetype": a.media_type, "size": size},
            super::content_map::ATTACHMENT_OF: event,
            super::content_map::SHA256: sha256,
        });
        let rel = &post["content"]["m.relates_to"];
        if rel["rel_type"] == "m.thread" {
            content["m.relates_to"] = json!({"rel_type": "m.thread", "event_id": rel["event_id"],
                "is_falling_back": true, "m.in_reply_to": {"event_id": event}});
        }
        let txn = txn_id("attachment", &a.id);
        let id = self
            .send_as(&room, "m.room.message", &txn, &author, ts, &content)
            .await?;
        Ok(WriteOutcome::Written(id))
    }
}
