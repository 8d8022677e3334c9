//! Writing a whole bundle in one pass (`content copy --to bundle:PATH`).

use super::attachments::AttachmentStore;
use super::jsonl::JsonlWriter;
use super::layout::{self, EntityFile, ManifestCounts};
use crate::connectors::Record;
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User};
use crate::error::Result;
use anyhow::Context;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Creates or overwrites a bundle, streaming records into temporary files.
///
/// Nothing visible changes until [`BundleWriter::finish`]: it commits every entity file
/// (each one atomically), then the manifest. Dropped or interrupted before that, the
/// folder keeps its previous entity files and manifest. Attachment bytes go straight into
/// the content-addressed store, where adding files never alters existing ones.
pub struct BundleWriter {
    dir: PathBuf,
    users: JsonlWriter<User>,
    communities: JsonlWriter<Community>,
    memberships: JsonlWriter<Membership>,
    posts: JsonlWriter<Post>,
    reactions: JsonlWriter<Reaction>,
    attachments: JsonlWriter<Attachment>,
    store: AttachmentStore,
}

impl BundleWriter {
    /// Starts writing the bundle at `dir`, creating the folder if needed. Refuses to
    /// overwrite a folder whose manifest is of another format or a newer version.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create bundle folder {}", dir.display()))?;
        layout::read_manifest(&dir)?;
        let file = |f: EntityFile| dir.join(f.file_name());
        Ok(BundleWriter {
            users: JsonlWriter::create(file(EntityFile::Users))?,
            communities: JsonlWriter::create(file(EntityFile::Communities))?,
            memberships: JsonlWriter::create(file(EntityFile::Memberships))?,
            posts: JsonlWriter::create(file(EntityFile::Posts))?,
            reactions: JsonlWriter::create(file(EntityFile::Reactions))?,
            attachments: JsonlWriter::create(file(EntityFile::Attachments))?,
            store: AttachmentStore::new(&dir),
            dir,
        })
    }

    /// Like [`Self::create`], but keeps the bundle's current records: new ones are
    /// appended to them (resumed or incremental `content copy`).
    pub fn append(dir: impl Into<PathBuf>) -> Result<Self> {
        let mut writer = Self::create(dir)?;
        writer.users.copy_existing()?;
        writer.communities.copy_existing()?;
        writer.memberships.copy_existing()?;
        writer.posts.copy_existing()?;
        writer.reactions.copy_existing()?;
        writer.attachments.copy_existing()?;
        Ok(writer)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write_user(&mut self, user: &User) -> Result<()> {
        self.users.write(user)
    }

    pub fn write_community(&mut self, community: &Community) -> Result<()> {
        self.communities.write(community)
    }

    pub fn write_membership(&mut self, membership: &Membership) -> Result<()> {
        self.memberships.write(membership)
    }

    /// Posts should be written in time order within each community.
    pub fn write_post(&mut self, post: &Post) -> Result<()> {
        self.posts.write(post)
    }

    pub fn write_reaction(&mut self, reaction: &Reaction) -> Result<()> {
        self.reactions.write(reaction)
    }

    /// Writes an attachment's metadata; store its bytes with [`Self::put_attachment`].
    pub fn write_attachment(&mut self, attachment: &Attachment) -> Result<()> {
        self.attachments.write(attachment)
    }

    pub fn write_record(&mut self, record: &Record) -> Result<()> {
        match record {
            Record::User(r) => self.write_user(r),
            Record::Community(r) => self.write_community(r),
            Record::Membership(r) => self.write_membership(r),
            Record::Post(r) => self.write_post(r),
            Record::Reaction(r) => self.write_reaction(r),
            Record::Attachment(r) => self.write_attachment(r),
        }
    }

    /// Stores attachment bytes under `attachments/<sha256>`; returns (sha256, size).
    pub fn put_attachment(&self, reader: impl Read) -> Result<(String, u64)> {
        self.store.put(reader)
    }

    /// Records written so far.
    pub fn counts(&self) -> ManifestCounts {
        ManifestCounts {
            users: self.users.count(),
            communities: self.communities.count(),
            memberships: self.memberships.count(),
            posts: self.posts.count(),
            reactions: self.reactions.count(),
            attachments: self.attachments.count(),
        }
    }

    /// Commits every entity file, then the manifest with the counts.
    pub fn finish(self) -> Result<ManifestCounts> {
        let counts = self.counts();
        self.users.commit()?;
        self.communities.commit()?;
        self.memberships.commit()?;
        self.posts.commit()?;
        self.reactions.commit()?;
        self.attachments.commit()?;
        layout::write_manifest(&self.dir, counts)?;
        Ok(counts)
    }
}
