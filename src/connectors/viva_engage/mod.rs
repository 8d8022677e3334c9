//! `viva-engage-export:PATH`: a Viva Engage (Yammer) network data export, as the zip
//! Microsoft produces or the folder it unpacks to. Read-only: users, communities (groups,
//! the All Company feed, private conversations) and content.
//!
//! Sources followed (the export has no formal specification):
//! - Microsoft, "Network Data Export API"
//!   (<https://learn.microsoft.com/en-us/rest/api/yammer/network-data-export>) and "Export
//!   data in the Viva Engage admin center"
//!   (<https://learn.microsoft.com/en-us/viva/engage/eac-as-manage-data>): a zip of one CSV
//!   per model (Users, Groups, Messages, Files, Topics…) plus, when attachments are
//!   included, the files folder;
//! - Discourse's importer, `discourse/discourse` `script/import_scripts/yammer.rb`: the
//!   columns used here (Users.csv `id, name, email, job_title, department, joined_at,
//!   state`; Groups.csv `id, name, description`; Files.csv `file_id, uploader_id, name,
//!   path, description`; Messages.csv `id, thread_id, replied_to_id, group_id, sender_id,
//!   participants, in_private_conversation, body, attachments, created_at, deleted_at`),
//!   `thread_id == id` for a thread starter, `participants` as `user:ID,user:ID`, mentions
//!   `[[user:ID]]`, attachments `uploadedfile:ID` / `opengraphobject:[ID : URL :
//!   title="…" : description="…"]`, files at Files.csv's `path` under the export root,
//!   and CSVs read as `bom|utf-8`.
//!
//! Columns are found by header name, case-insensitively; other columns are ignored. The
//! export has no group memberships and no reactions: neither is produced.

mod archive;
mod body;
mod meta;
mod reader;
mod stage;
mod table;

use crate::connectors::export_archive::glue::{self, NoSettings, Records};
use crate::connectors::export_archive::Archive;
use crate::connectors::{
    CommunitySet, Connector, Located, ReadCommunities, ReadContent, ReadUsers, Record, UserSet,
};
use crate::core::endpoint::Endpoint;
use crate::core::model::Attachment;
#[cfg(test)]
use crate::core::model::Post;
use crate::core::progress::Progress;
use crate::error::Result;
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use meta::Meta;
use stage::{Staged, Summary};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// An export opened as an endpoint. Nothing is read until first use; the export is then
/// validated and staged once (see [`stage`]) and kept for the endpoint's lifetime.
pub struct VivaEngageConnector {
    path: PathBuf,
    export: OnceLock<Arc<Export>>,
}

/// Everything read once: metadata, the staged messages, and the export's file names.
pub struct Export {
    archive: Mutex<Archive>,
    meta: Meta,
    staged: Staged,
    summary: Summary,
    files: u64,
    /// Every file of the export, and the files folder by file id.
    all_files: HashSet<String>,
    files_index: HashMap<String, String>,
    /// For attachment look-ups from `open_attachment`.
    db: Mutex<rusqlite::Connection>,
}

impl Export {
    fn load(path: &std::path::Path) -> Result<Export> {
        let mut archive = archive::open(path)?;
        let files = archive.files()?;
        let need = |name: &str| {
            archive::find_top(&files, name).ok_or_else(|| stage::missing_file(path, name))
        };
        let users_csv = need("Users.csv")?;
        let messages_csv = need("Messages.csv")?;
        let groups_csv = archive::find_top(&files, "Groups.csv");
        let files_csv = archive::find_top(&files, "Files.csv");

        let (users, mut warnings) =
            archive.with_reader(&users_csv, |r| meta::read_users(&users_csv, r))?;
        let user_keys: HashMap<String, String> = users
            .iter()
            .filter_map(|(_, u)| Some((u.external_id.clone()?, u.key.clone())))
            .collect();
        let groups = match &groups_csv {
            Some(g) => archive.with_reader(g, |r| meta::read_groups(g, r, &user_keys))?,
            None => {
                warnings
                    .push("Groups.csv is missing: group messages get placeholder groups".into());
                Vec::new()
            }
        };
        let group_keys = groups
            .iter()
            .filter_map(|(_, c)| Some((c.extra.get("yammer_id")?.clone(), c.key.clone())))
            .collect();
        let meta = Meta {
            users,
            user_keys,
            groups,
            group_keys,
            warnings,
        };
        let (staged, mut db) = Staged::create()?;
        let n_files = match &files_csv {
            Some(f) => archive.with_reader(f, |r| stage::stage_files(&db, f, r))?,
            None => 0,
        };
        let summary = archive.with_reader(&messages_csv, |r| {
            stage::stage_messages(&mut db, &meta, &messages_csv, r)
        })?;
        drop(db);
        let files_index = stage::index_files_folder(&files);
        Ok(Export {
            db: Mutex::new(staged.open_read()?),
            archive: Mutex::new(archive),
            meta,
            staged,
            summary,
            files: n_files,
            all_files: files.into_iter().collect(),
            files_index,
        })
    }

    fn lock_archive(&self) -> MutexGuard<'_, Archive> {
        self.archive.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl VivaEngageConnector {
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let _: NoSettings = endpoint.settings()?;
        Ok(Self::new(endpoint.path()))
    }

    pub fn new(path: impl Into<PathBuf>) -> Self {
        VivaEngageConnector {
            path: path.into(),
            export: OnceLock::new(),
        }
    }

    fn export(&self) -> Result<Arc<Export>> {
        glue::load_once(&self.export, || Ok(Arc::new(Export::load(&self.path)?)))
    }
}

#[async_trait]
impl Connector for VivaEngageConnector {
    async fn check(&self) -> Result<String> {
        let e = self.export()?;
        Ok(format!(
            "Viva Engage export: {} users, {} groups, {} messages ({} deleted, left out), {} files listed",
            e.meta.users.len(),
            e.meta.groups.len(),
            e.summary.messages,
            e.summary.deleted,
            e.files
        ))
    }

    crate::export_read_capabilities!();
}

#[async_trait]
impl ReadUsers for VivaEngageConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let export = self.export()?;
        let task = progress.task("reading users", Some(export.meta.users.len() as u64));
        let set = UserSet {
            users: export.meta.users.iter().map(|(_, u)| u.clone()).collect(),
            warnings: export.meta.warnings.clone(),
            held: Vec::new(),
        };
        task.inc(set.users.len() as u64);
        task.finish();
        Ok(set)
    }
}

#[async_trait]
impl ReadCommunities for VivaEngageConnector {
    /// The communities and memberships of the content stream (groups have no member list
    /// in the export; private conversations list their participants).
    async fn read_communities(&self, progress: &dyn Progress) -> Result<CommunitySet> {
        let export = self.export()?;
        let task = progress.task("reading communities", None);
        let mut set = CommunitySet {
            warnings: export.meta.warnings.clone(),
            ..Default::default()
        };
        for item in Records(reader::Content::new(export)?) {
            match item?.record {
                Record::Community(c) => set.communities.push(c),
                Record::Membership(m) => set.memberships.push(m),
                Record::User(_) => {}
                _ => break,
            }
            task.inc(1);
        }
        task.finish();
        Ok(set)
    }
}

impl ReadContent for VivaEngageConnector {
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        let content = reader::Content::new(self.export()?)?;
        Ok(futures::stream::iter(Records(content)).boxed())
    }

    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>> {
        let export = self.export()?;
        let fid = reader::file_id_of(attachment);
        let path = {
            let db = export.db.lock().unwrap_or_else(|p| p.into_inner());
            stage::file_row(&db, fid)?.map(|r| r.1).unwrap_or_default()
        };
        let Some(rel) = stage::locate(&export.files_index, &export.all_files, fid, &path) else {
            return Ok(None);
        };
        let stream = export.lock_archive().open_stream(&rel)?;
        Ok(Some(stream))
    }
}

#[cfg(test)]
mod tests;
