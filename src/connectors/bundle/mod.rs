//! `bundle:PATH`: esnctl's own on-disk format, a folder of JSON Lines files plus a
//! content-addressed attachment store (reference: `docs/bundle-format.md`).
//!
//! Everything is streamed: readers hold one line at a time, writers go through temporary
//! files renamed into place, so a bundle is never left half-written.

pub(crate) mod atomic;
pub mod attachments;
mod check;
mod communities;
mod content_write;
pub mod jsonl;
pub mod layout;
mod users;
mod writer;

pub use attachments::AttachmentStore;
pub use jsonl::{JsonlReader, JsonlWriter};
pub use layout::{Contents, EntityFile, Manifest, ManifestCounts};
pub use writer::BundleWriter;

use crate::connectors::{
    CommunitySet, Connector, ItemResult, Located, ReadCommunities, ReadContent, ReadUsers, Record,
    StoredFields, UserSet, WriteCommunities, WriteUsers,
};
use crate::core::endpoint::Endpoint;
use crate::core::model::{Attachment, User};
use crate::core::model::{Community, Membership};
use crate::core::plan::UserChange;
use crate::core::plan_communities::CommunityChange;
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A bundle folder opened as an endpoint.
///
/// Reading a folder that does not exist (or holds neither a manifest nor any `.jsonl`
/// file) fails with `Kind::NotFound` (exit 1) naming it; a `users sync` destination can
/// take that as "no users yet", and [`WriteUsers::apply_users`] creates the folder.
///
/// File I/O is synchronous: it is local, sequential and buffered.
#[derive(Debug, Clone)]
pub struct BundleConnector {
    dir: PathBuf,
    sink: content_write::ContentSink,
}

/// A bundle profile has no settings besides `url`; anything else is a typo worth reporting.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {}

impl BundleConnector {
    /// Opens the endpoint without touching the disk.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let _: Settings = endpoint.settings()?;
        Ok(Self::new(endpoint.path()))
    }

    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BundleConnector {
            dir: dir.into(),
            sink: Default::default(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn attachments(&self) -> AttachmentStore {
        AttachmentStore::new(&self.dir)
    }

    /// Checks the folder is a bundle this esnctl can read; `Some(manifest)` if it has one.
    fn readable(&self) -> Result<Option<Manifest>> {
        match layout::inspect(&self.dir)? {
            Contents::Manifest(m) => Ok(Some(m)),
            Contents::HandMade => Ok(None),
            Contents::Empty => Err(Error::new(
                Kind::NotFound,
                format!(
                    "{} is not an esnctl bundle: it has no {} and no .jsonl files",
                    self.dir.display(),
                    layout::MANIFEST
                ),
            )
            .into()),
        }
    }

    fn reader<T: DeserializeOwned>(&self, file: EntityFile) -> Result<JsonlReader<T>> {
        JsonlReader::open(self.dir.join(file.file_name()))
    }

    /// Counts per file: from the manifest when there is one, else by counting lines.
    fn stored_counts(&self, manifest: Option<&Manifest>) -> Result<ManifestCounts> {
        if let Some(m) = manifest {
            return Ok(m.counts);
        }
        let mut counts = ManifestCounts::default();
        for file in EntityFile::ALL {
            counts.set(
                file,
                jsonl::count_records(&self.dir.join(file.file_name()))?,
            );
        }
        Ok(counts)
    }

    /// Before a write: the manifest if any; a missing folder is created (a new bundle).
    fn prepare_write(&self) -> Result<Option<Manifest>> {
        match layout::inspect(&self.dir) {
            Ok(Contents::Manifest(m)) => Ok(Some(m)),
            Ok(Contents::HandMade | Contents::Empty) => Ok(None),
            Err(e)
                if e.downcast_ref::<Error>()
                    .is_some_and(|e| e.kind == Kind::NotFound) =>
            {
                std::fs::create_dir_all(&self.dir).with_context(|| {
                    format!("cannot create bundle folder {}", self.dir.display())
                })?;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads a whole entity file, refusing it at its first unreadable line.
    fn load_all<T: DeserializeOwned>(&self, file: EntityFile) -> Result<Vec<T>> {
        self.reader::<T>(file)?
            .map(|item| item.map(|l| l.record))
            .collect()
    }

    /// Reads every user, refusing the file at its first unreadable line.
    fn load_users(&self, progress: &dyn Progress, total: Option<u64>) -> Result<Vec<User>> {
        let task = progress.task("reading users", total);
        let mut users = Vec::with_capacity(total.unwrap_or(0).min(1 << 20) as usize);
        for item in self.reader::<User>(EntityFile::Users)? {
            users.push(item?.record);
            task.inc(1);
        }
        task.finish();
        Ok(users)
    }
}

#[async_trait]
impl Connector for BundleConnector {
    async fn check(&self) -> Result<String> {
        let manifest = self.readable()?;
        // Count the lines rather than trust the manifest: this also proves the files
        // are readable.
        let mut counts = ManifestCounts::default();
        for file in EntityFile::ALL {
            let path = self.dir.join(file.file_name());
            counts.set(file, jsonl::count_records(&path)?);
        }
        let version = match &manifest {
            Some(m) => {
                if m.counts != counts {
                    tracing::warn!(
                        "{}: counts differ from the files (edited by hand?)",
                        self.dir.join(layout::MANIFEST).display()
                    );
                }
                format!("bundle v{}", m.version)
            }
            None => "bundle without manifest".to_string(),
        };
        Ok(format!(
            "{version}: {} users, {} communities, {} posts",
            counts.users, counts.communities, counts.posts
        ))
    }

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        Some(self)
    }

    fn as_write_users(&self) -> Option<&dyn WriteUsers> {
        Some(self)
    }

    fn as_read_content(&self) -> Option<&dyn ReadContent> {
        Some(self)
    }

    fn as_write_content(&self) -> Option<&dyn crate::connectors::WriteContent> {
        Some(self)
    }

    fn as_read_communities(&self) -> Option<&dyn ReadCommunities> {
        Some(self)
    }

    fn as_write_communities(&self) -> Option<&dyn WriteCommunities> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for BundleConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let manifest = self.readable()?;
        let total = manifest.as_ref().map(|m| m.counts.users);
        let task = progress.task("reading users", total);
        let mut set = UserSet::default();
        let mut seen: HashMap<String, String> = HashMap::new();
        for item in self.reader::<User>(EntityFile::Users)? {
            let Located { origin, record } = item?;
            task.inc(1);
            match seen.get(&record.key.to_lowercase()) {
                Some(first) => {
                    set.warnings.push(format!(
                        "{origin}: user \"{}\" has the same key as {first}; skipped",
                        record.key
                    ));
                    // Held, so a sync leaves the account it matches alone.
                    set.held.push(record);
                }
                None => {
                    seen.insert(record.key.to_lowercase(), origin);
                    set.users.push(record);
                }
            }
        }
        task.finish();
        Ok(set)
    }
}

#[async_trait]
impl WriteUsers for BundleConnector {
    fn stored_fields(&self) -> StoredFields {
        StoredFields::All
    }

    async fn apply_users(
        &self,
        changes: &[UserChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let manifest = self.prepare_write()?;
        let mut counts = self.stored_counts(manifest.as_ref())?;
        let mut users = self.load_users(progress, manifest.as_ref().map(|m| m.counts.users))?;

        let task = progress.task("writing users", Some(changes.len() as u64));
        let results = users::apply_changes(&mut users, changes);
        let mut out = JsonlWriter::create(self.dir.join(EntityFile::Users.file_name()))?;
        for user in &users {
            out.write(user)?;
        }
        counts.users = out.commit()?;
        layout::write_manifest(&self.dir, counts)?;
        task.inc(changes.len() as u64);
        task.finish();
        Ok(results)
    }
}

#[async_trait]
impl ReadCommunities for BundleConnector {
    async fn read_communities(&self, progress: &dyn Progress) -> Result<CommunitySet> {
        self.readable()?;
        let task = progress.task("reading communities", None);
        let set = CommunitySet {
            communities: self.load_all(EntityFile::Communities)?,
            memberships: self.load_all(EntityFile::Memberships)?,
            warnings: Vec::new(),
        };
        task.inc((set.communities.len() + set.memberships.len()) as u64);
        task.finish();
        Ok(set)
    }
}

#[async_trait]
impl WriteCommunities for BundleConnector {
    fn stored_community_fields(&self) -> StoredFields {
        StoredFields::All
    }

    async fn apply_communities(
        &self,
        changes: &[CommunityChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let manifest = self.prepare_write()?;
        let mut counts = self.stored_counts(manifest.as_ref())?;
        let mut all: Vec<Community> = self.load_all(EntityFile::Communities)?;
        let mut members: Vec<Membership> = self.load_all(EntityFile::Memberships)?;
        let task = progress.task("writing communities", Some(changes.len() as u64));
        let results = communities::apply_changes(&mut all, &mut members, changes);
        let mut out = JsonlWriter::create(self.dir.join(EntityFile::Communities.file_name()))?;
        for c in &all {
            out.write(c)?;
        }
        let mut out_members =
            JsonlWriter::create(self.dir.join(EntityFile::Memberships.file_name()))?;
        for m in &members {
            out_members.write(m)?;
        }
        counts.communities = out.commit()?;
        counts.memberships = out_members.commit()?;
        layout::write_manifest(&self.dir, counts)?;
        task.inc(changes.len() as u64);
        task.finish();
        Ok(results)
    }
}

fn located<T, I>(items: I, wrap: fn(T) -> Record) -> impl Iterator<Item = Result<Located<Record>>>
where
    I: Iterator<Item = Result<Located<T>>>,
{
    items.map(move |item| {
        item.map(|l| Located {
            origin: l.origin,
            record: wrap(l.record),
        })
    })
}

impl ReadContent for BundleConnector {
    /// Checked first ([`check::check`]): a bad line or a dangling reference fails here,
    /// before a copy has written anything.
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        self.readable()?;
        check::check(&self.dir)?;
        self.read_content_unchecked()
    }

    fn read_content_unchecked(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        self.readable()?;
        // Each file is opened now (so unreadable files fail early) but read lazily, one
        // line at a time, as the stream is polled.
        let records = located(self.reader(EntityFile::Users)?, Record::User)
            .chain(located(
                self.reader(EntityFile::Communities)?,
                Record::Community,
            ))
            .chain(located(
                self.reader(EntityFile::Memberships)?,
                Record::Membership,
            ))
            .chain(located(self.reader(EntityFile::Posts)?, Record::Post))
            .chain(located(
                self.reader(EntityFile::Reactions)?,
                Record::Reaction,
            ))
            .chain(located(
                self.reader(EntityFile::Attachments)?,
                Record::Attachment,
            ));
        Ok(futures::stream::iter(records).boxed())
    }

    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>> {
        let file = self
            .attachments()
            .open(&attachment.sha256)
            .with_context(|| {
                format!(
                    "attachment \"{}\" of post \"{}\"",
                    attachment.id, attachment.post
                )
            })?;
        Ok(file.map(|f| Box::new(f) as Box<dyn Read + Send>))
    }
}

#[cfg(test)]
mod tests;
