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

use crate::connectors::export_archive::glue::{self, NoSettings, Records};
use crate::connectors::{
    CommunitySet, Connector, Located, ReadCommunities, ReadContent, ReadUsers, Record, UserSet,
};
use crate::core::endpoint::Endpoint;
use crate::core::model::{Attachment, Membership};
use crate::core::progress::Progress;
use crate::error::Result;
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use meta::Meta;
use reader::{Content, Export};
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

impl SlackExportConnector {
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let _: NoSettings = endpoint.settings()?;
        Ok(Self::new(endpoint.path()))
    }

    pub fn new(path: impl Into<PathBuf>) -> Self {
        SlackExportConnector {
            path: path.into(),
            export: OnceLock::new(),
        }
    }

    fn export(&self) -> Result<Arc<Export>> {
        glue::load_once(&self.export, || {
            let mut archive = archive::open(&self.path)?;
            let listing = archive::listing(&archive)?;
            let meta = Meta::load(&mut archive, &listing)?;
            Ok(Arc::new(Export {
                archive,
                listing,
                meta,
            }))
        })
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

    crate::export_read_capabilities!();
}

#[async_trait]
impl ReadUsers for SlackExportConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let export = self.export()?;
        let users = export.meta.users.iter();
        Ok(glue::users_once(
            progress,
            users.map(|(origin, u)| (origin.as_str(), Meta::user(u))),
            export.meta.warnings.clone(),
            |origin, key| {
                format!("{origin}: user \"{key}\" has the same name as an earlier one; skipped")
            },
        ))
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
        Ok(futures::stream::iter(Records(content)).boxed())
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
