//! Content read (`content copy --from matrix+…`): the homeserver's users, its community
//! spaces with their members, then the messages of the spaces' child rooms.
//!
//! | Matrix                                         | canonical                            |
//! |------------------------------------------------|--------------------------------------|
//! | account (admin users list + registry key)      | user                                 |
//! | member of a content room from another server   | inactive user, `extra.placeholder`,  |
//! |                                                | `extra.matrix_user_id`               |
//! | space with alias `#<key>:SERVER`               | community, memberships               |
//! | message in a child room of the space           | post of that community (id = event)  |
//! | `m.thread` / rich reply                        | reply (thread root, parent)          |
//! | `m.reaction` annotation                        | reaction                             |
//! | file event (`url`)                             | attachment (id = event); bytes from  |
//! |                                                | the media repository on open         |
//!
//! Event mapping rules: [`super::content_map`]. Order is the one [`ReadContent`]
//! promises: users, communities, memberships, every room's posts, then reactions, then
//! attachments. Rooms are paged through (1,000 events a page) three times rather than
//! held: posts; reactions (only rooms that have some); files (only rooms that have some).
//! Memory holds one page plus, for the room being read, the ids of its posts (thread and
//! reaction targets are checked against them). Posts come in timeline (arrival) order,
//! which keeps every root before its replies; for rooms esnctl wrote, arrival order is the
//! source order. Messages of esnctl's own accounts (the admin, the bridge bot) are left
//! out, as are end-to-end encrypted messages (counted in a warning).
//!
//! Attachment sizes and checksums come from the event when esnctl wrote it
//! (`org.esnctl.sha256` + `info.size`); other files are downloaded once and hashed while
//! streaming, since the canonical record carries the checksum.

use super::client::{seg, As};
use super::content_map::{body_of, file_of, kind_of, place, FileRef, Kind};
use super::timeline::next_from;
use super::wire::{Page, StateAnswer, TimelineEvent};
use super::{Ctx, MatrixConnector};
use crate::connectors::{Located, ReadContent, ReadUsers, Record};
use crate::core::executor::run_bounded;
use crate::core::model::{Attachment, Post, Reaction, User};
use crate::core::progress::NoProgress;
use crate::error::Result;
use futures::stream::{BoxStream, StreamExt};
use jiff::Timestamp;
use reqwest::Method;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Read;

const POST_TYPES: &[&str] = &["m.room.message", "m.reaction", "m.room.encrypted"];
const REACTION_TYPES: &[&str] = &["m.room.message", "m.reaction"];
const FILE_TYPES: &[&str] = &["m.room.message"];

/// A room whose messages are a community's posts, and what its first pass found.
struct ContentRoom {
    id: String,
    community: String,
    reactions: bool,
    files: bool,
    encrypted: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    Posts,
    Reactions,
    Attachments,
    Done,
}

struct Reader<'a> {
    m: &'a MatrixConnector,
    ctx: Option<Ctx>,
    reg: super::registry::Registry,
    queue: VecDeque<Located<Record>>,
    rooms: Vec<ContentRoom>,
    pass: Pass,
    room: usize,
    from: Option<String>,
    /// Posts of the current room read so far in this pass → their thread root.
    posts: HashMap<String, String>,
}

impl ReadContent for MatrixConnector {
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        let reader = Reader {
            m: self,
            ctx: None,
            reg: Default::default(),
            queue: VecDeque::new(),
            rooms: Vec::new(),
            pass: Pass::Posts,
            room: 0,
            from: None,
            posts: HashMap::new(),
        };
        Ok(futures::stream::try_unfold(reader, |mut r| async move {
            Ok(r.next().await?.map(|record| (record, r)))
        })
        .boxed())
    }

    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>> {
        self.client.open_media_event(&attachment.id)
    }
}

fn ts(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

impl Reader<'_> {
    async fn next(&mut self) -> Result<Option<Located<Record>>> {
        loop {
            if let Some(r) = self.queue.pop_front() {
                return Ok(Some(r));
            }
            if self.ctx.is_none() {
                self.start().await?;
                continue;
            }
            if self.pass == Pass::Done {
                return Ok(None);
            }
            self.advance().await?;
        }
    }

    fn push(&mut self, origin: String, record: Record) {
        self.queue.push_back(Located { origin, record });
    }

    /// Users, communities and memberships (metadata: held whole, as every reader does),
    /// and the list of content rooms.
    async fn start(&mut self) -> Result<()> {
        let m = self.m;
        let ctx = m.ctx().await?.clone();
        self.reg = m.registry().await?;
        let users = ReadUsers::read_users(m, &NoProgress).await?;
        let (spaces, memberships) = m.read_spaces().await?;
        let known: HashSet<String> = m
            .list_rooms()
            .await?
            .into_iter()
            .map(|r| r.room_id)
            .collect();
        let space_ids: HashSet<&str> = spaces.iter().map(|s| s.room_id.as_str()).collect();
        let mut seen = HashSet::new();
        for s in &spaces {
            for child in &s.children {
                // Sub-spaces are communities of their own; unknown rooms are elsewhere.
                if space_ids.contains(child.as_str())
                    || !known.contains(child)
                    || self.reg.room_id.as_ref() == Some(child)
                    || !seen.insert(child.clone())
                {
                    continue;
                }
                self.rooms.push(ContentRoom {
                    id: child.clone(),
                    community: s.community.key.clone(),
                    reactions: false,
                    files: false,
                    encrypted: 0,
                });
            }
        }

        let mut taken: HashSet<String> = users.users.iter().map(|u| u.key.to_lowercase()).collect();
        for u in users.users {
            let origin = format!("user {}", u.handle.as_deref().unwrap_or(&u.key));
            self.push(origin, Record::User(u));
        }
        for (id, name) in self.remote_members(&ctx).await? {
            let key = MatrixConnector::key_of(&self.reg, &id);
            if !taken.insert(key.to_lowercase()) {
                tracing::warn!("{id}: another account already has the key \"{key}\"; their messages are attributed to it");
                continue;
            }
            let mut u = User::new(key);
            u.display_name = name;
            u.active = false;
            u.extra.insert("placeholder".into(), "true".into());
            u.extra.insert("matrix_user_id".into(), id.clone());
            self.push(format!("member {id}"), Record::User(u));
        }
        for s in spaces {
            self.push(
                format!("space {}", s.room_id),
                Record::Community(s.community),
            );
        }
        for ms in memberships {
            let origin = format!("members of #{}", ms.community);
            self.push(origin, Record::Membership(ms));
        }
        self.ctx = Some(ctx);
        Ok(())
    }

    /// Members of content rooms from other homeservers (federation): they have no account
    /// here, but may have written messages. Read from each room's member state, which
    /// keeps everyone who ever joined.
    async fn remote_members(&self, ctx: &Ctx) -> Result<Vec<(String, Option<String>)>> {
        let suffix = format!(":{}", ctx.server);
        let states = run_bounded(&self.rooms, self.m.concurrency, |_, room| async move {
            let path = format!("/_synapse/admin/v1/rooms/{}/state", seg(&room.id));
            self.m
                .client
                .call::<StateAnswer>(Method::GET, &path, &[], None, (As::Admin, None))
                .await
        })
        .await;
        let mut out: BTreeMap<String, Option<String>> = BTreeMap::new();
        for state in states {
            for ev in state?
                .state
                .into_iter()
                .filter(|e| e.kind == "m.room.member")
            {
                if !ev.state_key.ends_with(&suffix) && ev.state_key.starts_with('@') {
                    let name = ev.content["displayname"].as_str().map(str::to_string);
                    out.entry(ev.state_key).or_insert(name);
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    fn wanted(&self, room: &ContentRoom) -> bool {
        match self.pass {
            Pass::Posts => true,
            Pass::Reactions => room.reactions,
            Pass::Attachments => room.files,
            Pass::Done => false,
        }
    }

    /// Reads the next page of the current pass, moving to the next room or pass as needed.
    async fn advance(&mut self) -> Result<()> {
        while self.room < self.rooms.len() && !self.wanted(&self.rooms[self.room]) {
            self.room += 1;
        }
        if self.room == self.rooms.len() {
            if self.pass == Pass::Posts {
                for r in self.rooms.iter().filter(|r| r.encrypted > 0) {
                    tracing::warn!(
                        "room {} (community \"{}\"): {} end-to-end encrypted message(s) cannot \
                         be read with an admin token; left out",
                        r.id,
                        r.community,
                        r.encrypted
                    );
                }
            }
            self.pass = match self.pass {
                Pass::Posts => Pass::Reactions,
                Pass::Reactions => Pass::Attachments,
                Pass::Attachments | Pass::Done => Pass::Done,
            };
            (self.room, self.from) = (0, None);
            self.posts.clear();
            return Ok(());
        }
        let types = match self.pass {
            Pass::Posts => POST_TYPES,
            Pass::Reactions => REACTION_TYPES,
            _ => FILE_TYPES,
        };
        let room_id = self.rooms[self.room].id.clone();
        let page: Page<TimelineEvent> = self
            .m
            .messages_page(&room_id, self.from.as_deref(), types)
            .await?;
        let ctx = self.ctx.clone().expect("started");
        for ev in page.chunk {
            if self.m.is_service_account(&ctx, &ev.sender) {
                continue;
            }
            match self.pass {
                Pass::Posts => self.on_post_pass(ev),
                Pass::Reactions => self.on_reaction_pass(ev),
                _ => self.on_file_pass(ev).await?,
            }
        }
        match next_from(self.from.as_deref(), page.end) {
            Some(t) => self.from = Some(t),
            None => {
                (self.room, self.from) = (self.room + 1, None);
                self.posts.clear();
            }
        }
        Ok(())
    }

    fn origin(&self, ev: &TimelineEvent) -> String {
        format!("{}/{}", self.rooms[self.room].id, ev.event_id)
    }

    fn on_post_pass(&mut self, ev: TimelineEvent) {
        let room = &mut self.rooms[self.room];
        match kind_of(&ev) {
            Kind::Reaction(..) => room.reactions = true,
            Kind::Encrypted => room.encrypted += 1,
            Kind::AttachmentOf(_) => room.files = true,
            Kind::Post => {
                room.files |= file_of(&ev.content).is_some();
                let community = room.community.clone();
                if let Some(post) = self.post_of(&ev, community) {
                    let origin = self.origin(&ev);
                    self.push(origin, Record::Post(post));
                }
            }
            Kind::Other => {}
        }
    }

    fn post_of(&mut self, ev: &TimelineEvent, community: String) -> Option<Post> {
        let created_at = ts(ev.origin_server_ts)?;
        let (body, edited) = body_of(ev);
        let (thread_root, parent, missing) = place(&ev.content, &self.posts);
        let mut extra = BTreeMap::new();
        if let Some((key, id)) = missing {
            extra.insert(key.to_string(), id);
        }
        match ev.content["msgtype"].as_str() {
            Some("m.text") | None => {}
            Some(other) => {
                extra.insert("msgtype".into(), other.to_string());
            }
        }
        let mut mentions: Vec<String> = Vec::new();
        for id in ev.content["m.mentions"]["user_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
        {
            let key = MatrixConnector::key_of(&self.reg, id);
            if !mentions.contains(&key) {
                mentions.push(key);
            }
        }
        let root = thread_root.clone().unwrap_or_else(|| ev.event_id.clone());
        self.posts.insert(ev.event_id.clone(), root);
        Some(Post {
            id: ev.event_id.clone(),
            community,
            author: MatrixConnector::key_of(&self.reg, &ev.sender),
            created_at,
            edited_at: edited.and_then(ts),
            body,
            thread_root,
            parent,
            mentions,
            extra,
        })
    }

    fn on_reaction_pass(&mut self, ev: TimelineEvent) {
        match kind_of(&ev) {
            // Same rule as the posts pass: which events are posts.
            Kind::Post if ts(ev.origin_server_ts).is_some() => {
                self.posts.insert(ev.event_id.clone(), String::new());
            }
            Kind::Reaction(target, emoji) if self.posts.contains_key(target) => {
                let r = Reaction {
                    post: target.to_string(),
                    user: MatrixConnector::key_of(&self.reg, &ev.sender),
                    emoji: emoji.to_string(),
                    created_at: ts(ev.origin_server_ts),
                };
                let origin = self.origin(&ev);
                self.push(origin, Record::Reaction(r));
            }
            _ => {}
        }
    }

    async fn on_file_pass(&mut self, ev: TimelineEvent) -> Result<()> {
        let post = match kind_of(&ev) {
            Kind::Post if ts(ev.origin_server_ts).is_some() => {
                self.posts.insert(ev.event_id.clone(), String::new());
                ev.event_id.clone()
            }
            Kind::AttachmentOf(p) if self.posts.contains_key(p) => p.to_string(),
            _ => return Ok(()),
        };
        let Some(file) = file_of(&ev.content) else {
            return Ok(());
        };
        let origin = self.origin(&ev);
        let FileRef {
            url,
            name,
            media_type,
            digest,
        } = file;
        let digest = match digest {
            Some(d) => Some(d),
            None => self.m.client.media_digest(&url).await?,
        };
        let Some((sha256, size)) = digest else {
            tracing::warn!(
                "{origin}: file \"{name}\" ({url}) is no longer in the media repository; left out"
            );
            return Ok(());
        };
        let a = Attachment {
            id: ev.event_id,
            post,
            name,
            media_type,
            size,
            sha256,
        };
        self.push(origin, Record::Attachment(a));
        Ok(())
    }
}
