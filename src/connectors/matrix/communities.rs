//! Communities as Matrix spaces.
//!
//! | canonical      | Matrix                                                            |
//! |----------------|-------------------------------------------------------------------|
//! | key            | canonical alias `#<key>:SERVER` of a room of type `m.space`       |
//! | name           | `m.room.name`                                                     |
//! | description    | `m.room.topic`                                                    |
//! | visibility     | public: join rule `public`, published in the room directory;      |
//! |                | private: join rule `knock`, published; secret: `invite`, unlisted |
//! | owners         | power level 100                                                   |
//! | parent         | `m.space.child` in the parent, `m.space.parent` (canonical) here  |
//! | archived       | `org.esnctl.archived` state + `events_default` 100 (owners only)  |
//! | members        | joined members (admin join API to add, kick to remove)            |

use super::client::{seg, As};
use super::localpart::{localpart, user_id};
use super::registry::{resolve_alias, Registry};
use super::wire::{ListedRoom, MembersAnswer, RoomIdAnswer, RoomsPage, StateAnswer};
use super::{Ctx, MatrixConnector};
use crate::connectors::{
    CommunitySet, ItemResult, ReadCommunities, StoredFields, WriteCommunities,
};
use crate::core::executor::run_bounded;
use crate::core::model::{Community, Membership, Visibility};
use crate::core::plan_communities::{CommunityAction, CommunityChange};
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

pub const ARCHIVED_TYPE: &str = "org.esnctl.archived";
const OWNER_LEVEL: i64 = 100;

/// A community space as read: its room id and its child rooms besides the record.
#[derive(Debug, Clone)]
pub struct SpaceInfo {
    pub room_id: String,
    pub community: Community,
    pub children: Vec<String>,
}

impl MatrixConnector {
    pub(super) async fn list_rooms(&self) -> Result<Vec<ListedRoom>> {
        let mut out = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let mut q = vec![("limit", "500")];
            if let Some(f) = &from {
                q.push(("from", f.as_str()));
            }
            let page: RoomsPage = self
                .client
                .call(
                    Method::GET,
                    "/_synapse/admin/v1/rooms",
                    &q,
                    None,
                    (As::Admin, None),
                )
                .await?;
            out.extend(page.rooms);
            match super::wire::token_text(&page.next_batch) {
                Some(t) => from = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// Community spaces with their members (user keys).
    pub(super) async fn read_spaces(&self) -> Result<(Vec<SpaceInfo>, Vec<Membership>)> {
        let ctx = self.ctx().await?.clone();
        let reg = self.registry().await?;
        let suffix = format!(":{}", ctx.server);
        let spaces: Vec<(ListedRoom, String)> = self
            .list_rooms()
            .await?
            .into_iter()
            .filter(|r| r.room_type.as_deref() == Some("m.space"))
            .filter_map(|r| {
                let key = r
                    .canonical_alias
                    .as_deref()?
                    .strip_prefix('#')?
                    .strip_suffix(&suffix)?
                    .to_string();
                Some((r, key))
            })
            .collect();
        let read = run_bounded(&spaces, self.concurrency, |_, (room, _)| async {
            let id = seg(&room.room_id);
            let state: StateAnswer = self
                .client
                .call(
                    Method::GET,
                    &format!("/_synapse/admin/v1/rooms/{id}/state"),
                    &[],
                    None,
                    (As::Admin, None),
                )
                .await?;
            let members: MembersAnswer = self
                .client
                .call(
                    Method::GET,
                    &format!("/_synapse/admin/v1/rooms/{id}/members"),
                    &[],
                    None,
                    (As::Admin, None),
                )
                .await?;
            Ok::<_, anyhow::Error>((state, members))
        })
        .await;
        let key_by_room: HashMap<&str, &str> = spaces
            .iter()
            .map(|(r, k)| (r.room_id.as_str(), k.as_str()))
            .collect();
        let mut infos = Vec::new();
        let mut memberships = Vec::new();
        for ((room, key), r) in spaces.iter().zip(read) {
            let (state, members) = r?;
            let info = community_of(&ctx, &reg, room, key, &state, &key_by_room);
            for m in members.members {
                if !self.is_service_account(&ctx, &m) {
                    memberships.push(Membership {
                        community: key.clone(),
                        user: Self::key_of(&reg, &m),
                        joined_at: None,
                    });
                }
            }
            infos.push(info);
        }
        Ok((infos, memberships))
    }

    fn user_of(&self, ctx: &Ctx, reg: &Registry, key: &str) -> Result<String> {
        if let Some(id) = reg.user_of_key(key) {
            return Ok(id.to_string());
        }
        let lp = localpart(key).ok_or_else(|| Error::invalid_data("empty user key"))?;
        Ok(user_id(&lp, &ctx.server))
    }

    async fn room_of(&self, ctx: &Ctx, key: &str) -> Result<String> {
        resolve_alias(&self.client, &format!("#{key}:{}", ctx.server))
            .await?
            .ok_or_else(|| {
                Error::new(
                    crate::error::Kind::NotFound,
                    format!("community \"{key}\" has no space #{key}:{}", ctx.server),
                )
                .into()
            })
    }

    async fn put_state(&self, room: &str, kind: &str, state_key: &str, body: &Value) -> Result<()> {
        let path = format!(
            "/_matrix/client/v3/rooms/{}/state/{kind}/{}",
            seg(room),
            seg(state_key)
        );
        let _: Value = self
            .client
            .call(Method::PUT, &path, &[], Some(body), (As::Admin, None))
            .await?;
        Ok(())
    }

    async fn get_state(&self, room: &str, kind: &str) -> Result<Value> {
        let path = format!("/_matrix/client/v3/rooms/{}/state/{kind}/", seg(room));
        self.client
            .call(Method::GET, &path, &[], None, (As::Admin, None))
            .await
    }

    async fn create_space(&self, ctx: &Ctx, reg: &Registry, c: &Community) -> Result<String> {
        let mut owners = serde_json::Map::new();
        for o in &c.owners {
            let id = self.user_of(ctx, reg, o)?;
            if id != ctx.me {
                owners.insert(id, json!(OWNER_LEVEL));
            }
        }
        let (preset, listed) = match c.visibility {
            Visibility::Public => ("public_chat", "public"),
            Visibility::Private => ("private_chat", "public"),
            Visibility::Secret => ("private_chat", "private"),
        };
        let mut body = json!({
            "preset": preset,
            "visibility": listed,
            "room_alias_name": c.key,
            "name": c.name,
            "creation_content": {"type": "m.space"},
            "power_level_content_override": {"users": owners},
            "initial_state": [{"type": "m.room.join_rules", "state_key": "",
                               "content": {"join_rule": join_rule(c.visibility)}}],
        });
        if let Some(d) = &c.description {
            body["topic"] = json!(d);
        }
        let path = "/_matrix/client/v3/createRoom";
        match self
            .client
            .call_raw(Method::POST, path, &[], Some(&body), (As::Admin, None))
            .await?
        {
            Ok(v) => Ok(serde_json::from_value::<RoomIdAnswer>(v)?.room_id),
            Err(e) => Err(self.client.error_of(path, e).into()),
        }
    }

    async fn set_visibility(&self, room: &str, v: Visibility) -> Result<()> {
        self.put_state(
            room,
            "m.room.join_rules",
            "",
            &json!({"join_rule": join_rule(v)}),
        )
        .await?;
        let listed = if v == Visibility::Secret {
            "private"
        } else {
            "public"
        };
        let path = format!("/_matrix/client/v3/directory/list/room/{}", seg(room));
        let _: Value = self
            .client
            .call(
                Method::PUT,
                &path,
                &[],
                Some(&json!({"visibility": listed})),
                (As::Admin, None),
            )
            .await?;
        Ok(())
    }

    /// Owners at 100, former owners back to the default level; archived rooms take posts
    /// from owners only.
    async fn set_power(
        &self,
        ctx: &Ctx,
        reg: &Registry,
        room: &str,
        c: &Community,
        old_owners: &[String],
    ) -> Result<()> {
        let mut pl = self.get_state(room, "m.room.power_levels").await?;
        if !pl["users"].is_object() {
            pl["users"] = json!({});
        }
        for o in old_owners {
            let id = self.user_of(ctx, reg, o)?;
            if let Some(users) = pl["users"].as_object_mut() {
                users.remove(&id);
            }
        }
        for o in &c.owners {
            let id = self.user_of(ctx, reg, o)?;
            if id != ctx.me {
                pl["users"][id] = json!(OWNER_LEVEL);
            }
        }
        let archived = self.get_state(room, ARCHIVED_TYPE).await.ok();
        if c.archived {
            let before = archived
                .as_ref()
                .and_then(|a| a["events_default_before"].as_i64())
                .or_else(|| pl["events_default"].as_i64())
                .unwrap_or(0);
            self.put_state(
                room,
                ARCHIVED_TYPE,
                "",
                &json!({"archived": true, "events_default_before": before}),
            )
            .await?;
            pl["events_default"] = json!(OWNER_LEVEL);
        } else if let Some(a) = archived.filter(|a| a["archived"] == json!(true)) {
            pl["events_default"] = json!(a["events_default_before"].as_i64().unwrap_or(0));
            self.put_state(room, ARCHIVED_TYPE, "", &json!({})).await?;
        }
        self.put_state(room, "m.room.power_levels", "", &pl).await
    }

    async fn set_parent(
        &self,
        ctx: &Ctx,
        room: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        let via = json!([ctx.server]);
        if let Some(old) = old {
            if let Ok(old_room) = self.room_of(ctx, old).await {
                self.put_state(&old_room, "m.space.child", room, &json!({}))
                    .await?;
                self.put_state(room, "m.space.parent", &old_room, &json!({}))
                    .await?;
            }
        }
        if let Some(new) = new {
            let parent = self.room_of(ctx, new).await?;
            self.put_state(&parent, "m.space.child", room, &json!({"via": via}))
                .await?;
            self.put_state(
                room,
                "m.space.parent",
                &parent,
                &json!({"via": via, "canonical": true}),
            )
            .await?;
        }
        Ok(())
    }

    async fn apply_community(&self, ctx: &Ctx, reg: &Registry, ch: &CommunityChange) -> Result<()> {
        let d = &ch.desired;
        let cur = ch.current.clone().unwrap_or_default();
        let changed = |f: &str| ch.fields.iter().any(|x| x.field == f);
        let room = match ch.action {
            CommunityAction::Create => {
                let room = self.create_space(ctx, reg, d).await?;
                if d.parent.is_some() {
                    self.set_parent(ctx, &room, None, d.parent.as_deref())
                        .await?;
                }
                room
            }
            _ => {
                let room = self.room_of(ctx, &ch.key).await?;
                if changed("name") {
                    self.put_state(&room, "m.room.name", "", &json!({"name": d.name}))
                        .await?;
                }
                if changed("description") {
                    let topic = d.description.clone().unwrap_or_default();
                    self.put_state(&room, "m.room.topic", "", &json!({"topic": topic}))
                        .await?;
                }
                if changed("visibility") {
                    self.set_visibility(&room, d.visibility).await?;
                }
                if changed("parent") {
                    self.set_parent(ctx, &room, cur.parent.as_deref(), d.parent.as_deref())
                        .await?;
                }
                if changed("owners") || cur.archived != d.archived {
                    self.set_power(ctx, reg, &room, d, &cur.owners).await?;
                }
                room
            }
        };
        let mut failed = Vec::new();
        for key in &ch.add_members {
            let id = self.user_of(ctx, reg, key)?;
            let path = format!("/_synapse/admin/v1/join/{}", seg(&room));
            // For a non-public room Synapse invites the user as the admin, then joins.
            if let Err(e) = self
                .client
                .call::<Value>(
                    Method::POST,
                    &path,
                    &[],
                    Some(&json!({"user_id": id})),
                    (As::Admin, None),
                )
                .await
            {
                failed.push(format!("add {key}: {e}"));
            }
        }
        for key in &ch.remove_members {
            let id = self.user_of(ctx, reg, key)?;
            let path = format!("/_matrix/client/v3/rooms/{}/kick", seg(&room));
            let body = json!({"user_id": id, "reason": "removed by esnctl (membership sync)"});
            if let Err(e) = self
                .client
                .call::<Value>(Method::POST, &path, &[], Some(&body), (As::Admin, None))
                .await
            {
                failed.push(format!("remove {key}: {e}"));
            }
        }
        if failed.is_empty() {
            Ok(())
        } else {
            Err(Error::runtime(failed.join("; ")).into())
        }
    }
}

fn join_rule(v: Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Private => "knock",
        Visibility::Secret => "invite",
    }
}

fn community_of(
    ctx: &Ctx,
    reg: &Registry,
    room: &ListedRoom,
    key: &str,
    state: &StateAnswer,
    key_by_room: &HashMap<&str, &str>,
) -> SpaceInfo {
    let mut c = Community {
        key: key.to_string(),
        ..Default::default()
    };
    let mut join_rule = "invite";
    let mut children = Vec::new();
    for ev in &state.state {
        let content = &ev.content;
        match ev.kind.as_str() {
            "m.room.name" => c.name = content["name"].as_str().unwrap_or_default().to_string(),
            "m.room.topic" => {
                c.description = content["topic"]
                    .as_str()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
            }
            "m.room.join_rules" => join_rule = content["join_rule"].as_str().unwrap_or("invite"),
            "m.room.power_levels" => {
                if let Some(users) = content["users"].as_object() {
                    let mut owners: Vec<String> = users
                        .iter()
                        .filter(|(id, pl)| {
                            pl.as_i64().unwrap_or(0) >= OWNER_LEVEL
                                && **id != ctx.me
                                && ctx.bot.as_deref() != Some(id.as_str())
                        })
                        .map(|(id, _)| MatrixConnector::key_of(reg, id))
                        .collect();
                    owners.sort();
                    c.owners = owners;
                }
            }
            "m.space.parent" if content["canonical"] == json!(true) => {
                c.parent = key_by_room
                    .get(ev.state_key.as_str())
                    .map(|k| k.to_string());
            }
            "m.space.child" if content["via"].is_array() => children.push(ev.state_key.clone()),
            ARCHIVED_TYPE => c.archived = content["archived"] == json!(true),
            _ => {}
        }
    }
    c.visibility = match join_rule {
        "public" => Visibility::Public,
        "knock" | "knock_restricted" => Visibility::Private,
        _ if room.public => Visibility::Private,
        _ => Visibility::Secret,
    };
    SpaceInfo {
        room_id: room.room_id.clone(),
        community: c,
        children,
    }
}

#[async_trait::async_trait]
impl ReadCommunities for MatrixConnector {
    async fn read_communities(&self, _progress: &dyn Progress) -> Result<CommunitySet> {
        let (spaces, memberships) = self.read_spaces().await?;
        Ok(CommunitySet {
            communities: spaces.into_iter().map(|s| s.community).collect(),
            memberships,
            warnings: Vec::new(),
        })
    }
}

#[async_trait::async_trait]
impl WriteCommunities for MatrixConnector {
    fn stored_community_fields(&self) -> StoredFields {
        StoredFields::Only(&["name", "description", "visibility", "parent", "owners"])
    }

    async fn apply_communities(
        &self,
        changes: &[CommunityChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        let ctx = self.ctx().await?.clone();
        let reg = self.registry().await?;
        let task = progress.task("writing Matrix communities", Some(changes.len() as u64));
        let mut results: Vec<Option<ItemResult>> = vec![None; changes.len()];
        // Waves: a community is written after the parent it is created with, since the
        // parent's space must exist to link to it.
        loop {
            let pending: HashSet<String> = changes
                .iter()
                .zip(&results)
                .filter(|(c, r)| r.is_none() && c.action == CommunityAction::Create)
                .map(|(c, _)| c.key.to_lowercase())
                .collect();
            let wave: Vec<usize> = (0..changes.len())
                .filter(|&i| results[i].is_none())
                .filter(|&i| {
                    let p = changes[i].desired.parent.as_deref().map(str::to_lowercase);
                    !p.is_some_and(|p| pending.contains(&p) && p != changes[i].key.to_lowercase())
                })
                .collect();
            if wave.is_empty() {
                for r in results.iter_mut().filter(|r| r.is_none()) {
                    *r = Some(Err("its parent community could not be created first".into()));
                }
                break;
            }
            let out = run_bounded(&wave, self.concurrency, |_, &i| {
                let (ctx, reg, task) = (&ctx, &reg, &task);
                async move {
                    let r = self
                        .apply_community(ctx, reg, &changes[i])
                        .await
                        .map_err(|e| format!("community \"{}\": {e:#}", changes[i].key));
                    task.inc(1);
                    r
                }
            })
            .await;
            for (i, r) in wave.into_iter().zip(out) {
                results[i] = Some(r);
            }
            if results.iter().all(Option::is_some) {
                break;
            }
        }
        task.finish();
        Ok(results
            .into_iter()
            .map(|r| r.expect("every change decided"))
            .collect())
    }
}
