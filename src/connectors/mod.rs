//! Connectors: one module per endpoint kind, each implementing the capability traits it
//! claims. The capability set of a kind is static ([`crate::core::endpoint::EndpointKind`]),
//! so a missing capability is a usage error before any connection is made.
//!
//! Contract for every connector (tested by `tests/conformance/`):
//! - readers return canonical records; invalid source data is `Kind::InvalidData` naming
//!   the file, line/record and field; nothing is written by a reader;
//! - writers apply a list of changes and report one result per change; one failed item does
//!   not stop the others; applying the same change twice leaves the same state (idempotent);
//! - connectors never print: they log with `tracing` and report through [`Progress`].

use crate::core::endpoint::Endpoint;
use crate::core::model::{Attachment, Community, DirectoryGroup, Membership, Post, Reaction, User};
use crate::core::plan::UserChange;
use crate::core::plan_communities::CommunityChange;
use crate::core::progress::Progress;
use crate::error::Result;
use async_trait::async_trait;
use futures::stream::BoxStream;
use std::io::Read;

pub mod bundle;
pub mod csv;
pub mod directory;
pub mod export_archive;
pub mod ldap;
pub mod ldif;
pub mod line_limit;
pub mod matrix;
pub mod mattermost;
pub mod rocketchat;
pub mod scim;
pub mod slack_export;
pub mod viva_engage;

/// An opened endpoint. Capability accessors return `None` for what the kind does not do.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Checks that the endpoint is usable (reachable, credentials accepted, files readable)
    /// and returns a one-line description of what was found.
    async fn check(&self) -> Result<String>;

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        None
    }
    fn as_write_users(&self) -> Option<&dyn WriteUsers> {
        None
    }
    fn as_read_groups(&self) -> Option<&dyn ReadGroups> {
        None
    }
    fn as_read_content(&self) -> Option<&dyn ReadContent> {
        None
    }
    fn as_write_content(&self) -> Option<&dyn WriteContent> {
        None
    }
    fn as_read_communities(&self) -> Option<&dyn ReadCommunities> {
        None
    }
    fn as_write_communities(&self) -> Option<&dyn WriteCommunities> {
        None
    }
    fn as_read_activity(&self) -> Option<&dyn ReadActivity> {
        None
    }
}

/// Account and contribution activity of a platform (reports, rollout gates).
#[async_trait]
pub trait ReadActivity: Send + Sync {
    /// Every account, and the contributions made at or after `since`.
    async fn read_activity(
        &self,
        since: jiff::Timestamp,
        progress: &dyn Progress,
    ) -> Result<crate::core::activity::ActivitySet>;
}

/// Users read from an endpoint, with the problems that made some records unusable.
#[derive(Debug, Default)]
pub struct UserSet {
    pub users: Vec<User>,
    /// One line per skipped or doubtful record, naming it.
    pub warnings: Vec<String>,
    /// Skipped records (missing email, duplicates, conflicts) with whatever identifies them
    /// (key, email, external_id): the destination accounts they match are left untouched,
    /// never deactivated because the record was unusable.
    pub held: Vec<User>,
}

#[async_trait]
pub trait ReadUsers: Send + Sync {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet>;
}

/// Which fields a destination stores, so that the plan never proposes an update the
/// destination would silently drop (and then propose again on every run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredFields {
    /// Every canonical field and every extra attribute.
    All,
    /// Only these canonical field names (see [`crate::core::model::USER_FIELDS`]).
    Only(&'static [&'static str]),
}

impl StoredFields {
    pub fn stores(&self, field: &str) -> bool {
        match self {
            StoredFields::All => true,
            StoredFields::Only(list) => list.contains(&field),
        }
    }
}

/// The outcome of one change: `Err` carries a one-line reason naming the item.
pub type ItemResult = std::result::Result<(), String>;

#[async_trait]
pub trait WriteUsers: Send + Sync {
    fn stored_fields(&self) -> StoredFields;

    /// Applies the changes and returns one result per change, in order. An `Err` from the
    /// whole call means nothing could be applied (e.g. the destination is unreachable).
    async fn apply_users(
        &self,
        changes: &[UserChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>>;
}

pub use crate::core::plan_communities::CommunitySet;

#[async_trait]
pub trait ReadCommunities: Send + Sync {
    async fn read_communities(&self, progress: &dyn Progress) -> Result<CommunitySet>;
}

#[async_trait]
pub trait WriteCommunities: Send + Sync {
    /// Community fields this destination keeps (`name`, `description`, `visibility`,
    /// `parent`, `owners`, `archived`); others are never diffed.
    fn stored_community_fields(&self) -> StoredFields;

    /// Applies the changes (including member additions and removals) and returns one
    /// result per change, in order. Members are user keys; a connector that cannot find
    /// a member reports it in that change's result.
    async fn apply_communities(
        &self,
        changes: &[CommunityChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>>;
}

#[async_trait]
pub trait ReadGroups: Send + Sync {
    /// Directory groups, optionally restricted by a source-specific filter.
    async fn read_groups(&self, filter: Option<&str>) -> Result<Vec<DirectoryGroup>>;
}

/// A canonical record and where it came from (`posts.jsonl:12`), for error messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub origin: String,
    pub record: T,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    User(User),
    Community(Community),
    Membership(Membership),
    Post(Post),
    Reaction(Reaction),
    Attachment(Attachment),
}

/// Streams content in dependency order: users, communities, memberships, posts (in time
/// order within each community), reactions, attachments.
pub trait ReadContent: Send + Sync {
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>>;

    /// The records as they are, without the up-front check a reader may run so that a
    /// copy fails before writing anything: for `content validate`, which reports every
    /// problem rather than the first.
    fn read_content_unchecked(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        self.read_content()
    }

    /// The bytes of an attachment, or `None` when the source does not have them.
    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>>;
}

/// Run-time settings shared by connectors that talk to servers.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Requests in flight at once (`--concurrency`).
    pub concurrency: usize,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions { concurrency: 4 }
    }
}

impl Record {
    /// The record's kind and its id within that kind, as the copy ledger keys it.
    pub fn ledger_key(&self) -> (RecordKind, String) {
        match self {
            Record::User(u) => (RecordKind::User, u.key.clone()),
            Record::Community(c) => (RecordKind::Community, c.key.clone()),
            Record::Membership(m) => (
                RecordKind::Membership,
                format!("{}\u{1f}{}", m.community, m.user),
            ),
            Record::Post(p) => (RecordKind::Post, p.id.clone()),
            Record::Reaction(r) => (
                RecordKind::Reaction,
                format!("{}\u{1f}{}\u{1f}{}", r.post, r.user, r.emoji),
            ),
            Record::Attachment(a) => (RecordKind::Attachment, a.id.clone()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    User,
    Community,
    Membership,
    Post,
    Reaction,
    Attachment,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::User => "user",
            RecordKind::Community => "community",
            RecordKind::Membership => "membership",
            RecordKind::Post => "post",
            RecordKind::Reaction => "reaction",
            RecordKind::Attachment => "attachment",
        }
    }
}

/// Target ids of records copied earlier (this run or a previous one), for writers whose
/// ids differ from the source's (a Matrix event id for a post).
pub trait IdLookup: Send + Sync {
    fn target_id(&self, kind: RecordKind, source_id: &str) -> Result<Option<String>>;
}

/// Knows no ids: for writes outside a ledgered copy (welcome posts, dry runs).
pub struct NoIds;

impl IdLookup for NoIds {
    fn target_id(&self, _: RecordKind, _: &str) -> Result<Option<String>> {
        Ok(None)
    }
}

/// What became of one record handed to a [`WriteContent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Stored; the record's id on the destination (recorded in the ledger).
    Written(String),
    /// The destination refused this record; the copy goes on and exits 5 (re-run retries).
    Failed(String),
    /// The destination format cannot carry this record (e.g. reactions in a CSV importer):
    /// left out on purpose and listed in the report, not retried.
    Unsupported(String),
}

/// When a writer's records become durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Each accepted record is stored at once (servers): the ledger records it at once.
    PerRecord,
    /// Nothing is visible before [`WriteContent::finish`] (files written atomically): the
    /// ledger is committed after it.
    AtFinish,
}

/// Receives content in the order [`ReadContent`] produces it.
///
/// Writers must tolerate a record they already have (a crash between the write and the
/// ledger update makes the copy at-least-once): they either recognise it (deterministic
/// transaction ids) or replace it.
#[async_trait]
pub trait WriteContent: Send + Sync {
    fn durability(&self) -> Durability;

    /// Writes one record. `bytes` carries an attachment's content when the source has it.
    /// The outer error stops the copy (destination unreachable, disk full).
    async fn write(
        &self,
        record: &Record,
        bytes: Option<Box<dyn Read + Send>>,
        ids: &dyn IdLookup,
    ) -> Result<WriteOutcome>;

    /// Makes everything written durable and visible.
    async fn finish(&self) -> Result<()>;
}

/// Opens the connector for an endpoint whose capabilities were already checked.
pub async fn open(endpoint: &Endpoint) -> Result<Box<dyn Connector>> {
    open_with(endpoint, &OpenOptions::default()).await
}

/// [`open`] with run-time settings.
pub async fn open_with(endpoint: &Endpoint, options: &OpenOptions) -> Result<Box<dyn Connector>> {
    let _ = options;
    use crate::core::endpoint::EndpointKind as K;
    Ok(match endpoint.kind {
        K::Bundle => Box::new(bundle::BundleConnector::open(endpoint)?),
        K::Ldif => Box::new(ldif::LdifConnector::open(endpoint)?),
        K::Csv => Box::new(csv::CsvConnector::open(endpoint)?),
        K::Ldap => Box::new(ldap::LdapConnector::open(endpoint)?),
        K::Scim => Box::new(scim::ScimConnector::open(endpoint, options.concurrency)?),
        K::SlackExport => Box::new(slack_export::SlackExportConnector::open(endpoint)?),
        K::MattermostJsonl => Box::new(mattermost::MattermostConnector::open(endpoint)?),
        K::VivaEngageExport => Box::new(viva_engage::VivaEngageConnector::open(endpoint)?),
        K::RocketChatCsv => Box::new(rocketchat::RocketChatCsvConnector::open(endpoint)?),
        K::Matrix => Box::new(matrix::MatrixConnector::open(endpoint, options)?),
    })
}
