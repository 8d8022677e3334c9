//! `slack-export:PATH`: a Slack workspace export, as the zip Slack produces or the folder
//! it unpacks to. Read-only: users, communities (channels, private channels, DMs, group
//! DMs) and content. The format and the decisions taken on it are described in
//! [`reader`].

mod archive;
mod day;
mod emoji;
mod meta;
pub mod mrkdwn;
mod reader;
mod wire;

use crate::connectors::{
    CommunitySet, Connector, Located, ReadCommunities, ReadContent, ReadUsers, Record, UserSet,
};
use crate::core::endpoint::Endpoint;
use crate::core::model::{Attachment, Membership};
use crate::core::progress::Progress;
use crate::error::Result;
use archive::Archive;
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use meta::Meta;
use reader::{Content, Export};
use serde::Deserialize;
use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A Slack export opened as an endpoint. Nothing is read until first use; the metadata
/// (users, conversations, file listing) is then read once and kept.
pub struct SlackExportConnector {
    path: PathBuf,
    export: OnceLock<Arc<Export>>,
}

/// A Slack export profile has no settings besides `url`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {}

impl SlackExportConnector {
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let _: Settings = endpoint.settings()?;
        Ok(Self::new(endpoint.path()))
    }

    pub fn new(path: impl Into<PathBuf>) -> Self {
        SlackExportConnector {
            path: path.into(),
            export: OnceLock::new(),
        }
    }

    fn export(&self) -> Result<Arc<Export>> {
        if let Some(e) = self.export.get() {
            return Ok(Arc::clone(e));
        }
        let mut archive = Archive::open(&self.path)?;
        let listing = archive.listing()?;
        let meta = Meta::load(&mut archive, &listing)?;
        let export = Arc::new(Export {
            archive,
            listing,
            meta,
        });
        Ok(Arc::clone(self.export.get_or_init(|| export)))
    }
}

#[async_trait]
impl Connector for SlackExportConnector {
    async fn check(&self) -> Result<String> {
        let export = self.export()?;
        // Counting the messages also proves every day file is readable JSON.
        let mut archive = export.archive.clone();
        let mut messages = 0u64;
        for (folder, days) in &export.listing.days {
            for d in days {
                let rel = day::day_path(folder, d);
                if let Some(bytes) = archive.read(&rel)? {
                    let list: Vec<serde::de::IgnoredAny> = serde_json::from_slice(&bytes)
                        .map_err(|e| meta::json_error(&archive, &rel, &e))?;
                    messages += list.len() as u64;
                }
            }
        }
        Ok(format!(
            "Slack export: {} users, {} channels, {} messages",
            export.meta.users.len(),
            export.meta.conversations.len(),
            messages
        ))
    }

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        Some(self)
    }

    fn as_read_communities(&self) -> Option<&dyn ReadCommunities> {
        Some(self)
    }

    fn as_read_content(&self) -> Option<&dyn ReadContent> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for SlackExportConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let export = self.export()?;
        let users = &export.meta.users;
        let task = progress.task("reading users", Some(users.len() as u64));
        let mut set = UserSet {
            warnings: export.meta.warnings.clone(),
            ..Default::default()
        };
        let mut seen = HashSet::new();
        for (origin, u) in users {
            let user = Meta::user(u);
            if seen.insert(user.key.to_lowercase()) {
                set.users.push(user);
            } else {
                set.warnings.push(format!(
                    "{origin}: user \"{}\" has the same name as an earlier one; skipped",
                    user.key
                ));
                set.held.push(user);
            }
            task.inc(1);
        }
        task.finish();
        Ok(set)
    }
}

#[async_trait]
impl ReadCommunities for SlackExportConnector {
    /// Communities and memberships from the metadata files alone (no day file is read,
    /// so memberships carry no `joined_at`; `content` readers get it from join messages).
    async fn read_communities(&self, progress: &dyn Progress) -> Result<CommunitySet> {
        let export = self.export()?;
        let meta = &export.meta;
        let task = progress.task("reading communities", Some(meta.conversations.len() as u64));
        let mut set = CommunitySet {
            warnings: meta.warnings.clone(),
            ..Default::default()
        };
        for c in &meta.conversations {
            set.communities.push(meta.community(c));
            let mut seen = HashSet::new();
            for id in c.raw.iter().flat_map(|r| r.members.iter()) {
                if seen.insert(id) {
                    set.memberships.push(Membership {
                        community: c.key.clone(),
                        user: meta.key_for(id),
                        joined_at: None,
                    });
                }
            }
            task.inc(1);
        }
        task.finish();
        Ok(set)
    }
}

impl ReadContent for SlackExportConnector {
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        let content = Content::new(self.export()?)?;
        Ok(futures::stream::iter(content).boxed())
    }

    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>> {
        let export = self.export()?;
        let Some(rel) =
            reader::file_id_of(attachment).and_then(|id| export.listing.uploads.get(id))
        else {
            return Ok(None);
        };
        export.archive.open_stream(rel).map(Some)
    }
}

#[cfg(test)]
mod tests;
