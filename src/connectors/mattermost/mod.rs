//! `mattermost-jsonl:PATH`: a Mattermost bulk import file, written for `mmctl import`
//! (`.jsonl`, or `.zip` with the attachments under `data/`) and read back from a
//! Mattermost bulk export, so teams can arrive on Mattermost and leave it.
//!
//! Format and rules: [`wire`] (line types) and [`validate`] (Mattermost's validation,
//! applied before writing). Profile settings: `team` and `team_display_name` (default: the
//! file name), `default_email_domain` (derive `username@domain` for accounts without an
//! email address, as Mattermost's own `mmetl --default-email-domain` does).

mod assemble;
mod emoji;
mod entries;
mod json_error;
mod post_index;
mod reader;
mod source;
pub mod validate;
pub mod wire;
mod writer;
mod zip;

use crate::connectors::export_archive::glue::{self, Records};
use crate::connectors::{
    CommunitySet, Connector, Durability, IdLookup, Located, ReadCommunities, ReadContent,
    ReadUsers, Record, UserSet, WriteContent, WriteOutcome,
};
use crate::core::endpoint::Endpoint;
use crate::core::model::Attachment;
use crate::core::progress::Progress;
use crate::error::{Error, Result};
use anyhow::Context;
use async_trait::async_trait;
use futures::stream::{BoxStream, StreamExt};
use reader::{Content, Meta};
use serde::Deserialize;
use source::Source;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use validate::NameKind;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The Mattermost team everything is imported into.
    pub team: Option<String>,
    pub team_display_name: Option<String>,
    pub default_email_domain: Option<String>,
}

pub struct MattermostConnector {
    path: PathBuf,
    settings: Settings,
    opened: OnceLock<(Arc<Source>, Arc<Meta>)>,
    sink: Mutex<Option<writer::Spill>>,
}

impl MattermostConnector {
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let settings: Settings = endpoint.settings()?;
        if let Some(domain) = &settings.default_email_domain {
            if domain.is_empty() || domain.contains(['@', ' ', '/']) {
                return Err(Error::usage(format!(
                    "endpoint \"{}\": default_email_domain \"{domain}\" is not a domain name",
                    endpoint.label
                ))
                .into());
            }
        }
        Ok(Self::new(endpoint.path(), settings))
    }

    pub fn new(path: impl Into<PathBuf>, settings: Settings) -> Self {
        MattermostConnector {
            path: path.into(),
            settings,
            opened: OnceLock::new(),
            sink: Mutex::new(None),
        }
    }

    /// The source and its metadata, read once (the first pass over the file).
    fn opened(&self) -> Result<(Arc<Source>, Arc<Meta>)> {
        glue::load_once(&self.opened, || {
            let source = Arc::new(Source::open(&self.path)?);
            let meta = Arc::new(Meta::load(&source)?);
            Ok((source, meta))
        })
    }

    /// The team line: from the profile, else from the file name (`acme-chat.zip` → `acme-chat`).
    fn team(&self) -> wire::Team {
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "imported".into());
        let wanted = self.settings.team.clone().unwrap_or_else(|| stem.clone());
        let name = validate::normalize(NameKind::Team, &wanted)
            .unwrap_or_else(|| format!("team-{}", validate::short_hash(&wanted)));
        let display = self
            .settings
            .team_display_name
            .clone()
            .unwrap_or_else(|| wanted.clone());
        wire::Team {
            display_name: validate::truncate_runes(&display, validate::MAX_DISPLAY_NAME_RUNES)
                .unwrap_or(display),
            name,
            kind: "I".into(),
            description: None,
            allow_open_invite: Some(false),
        }
    }

    fn with_sink<T>(&self, f: impl FnOnce(&mut writer::Spill) -> Result<T>) -> Result<T> {
        let mut guard = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(writer::Spill::create(
                &self.path,
                &notes_path(&self.path),
                self.settings.clone(),
            )?);
        }
        f(guard.as_mut().expect("created above"))
    }

    fn finish_spill(&self, mut spill: writer::Spill) -> Result<()> {
        let team = self.team();
        let jsonl = spill.dir.path().join("import.jsonl");
        let mut out = BufWriter::with_capacity(
            256 << 10,
            std::fs::File::create(&jsonl).context("temporary file")?,
        );
        let (lines, files) = assemble::write_lines(&mut spill, &team, &mut out)?;
        out.flush().context("temporary file")?;
        drop(out);
        zip::publish(&self.path, &jsonl, &files)?;
        let notes_file = notes_path(&self.path);
        let notes = spill.publish_notes(&notes_file)?;
        tracing::info!(
            "{}: {lines} lines, {} files, {notes} transformations (listed in {})",
            self.path.display(),
            files.len(),
            notes_file.display()
        );
        Ok(())
    }
}

/// `<output>.esnctl-notes.jsonl`: what was changed to satisfy Mattermost's rules.
fn notes_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!("{name}.esnctl-notes.jsonl"))
}

#[async_trait]
impl Connector for MattermostConnector {
    async fn check(&self) -> Result<String> {
        let (_, meta) = self.opened()?;
        Ok(format!(
            "Mattermost bulk file: {} users, {} channels, {} posts",
            meta.users.len(),
            meta.communities.len(),
            meta.posts
        ))
    }

    crate::export_read_capabilities!();
    fn as_write_content(&self) -> Option<&dyn WriteContent> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for MattermostConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let (_, meta) = self.opened()?;
        Ok(glue::users_once(
            progress,
            meta.users.iter().map(|(o, u)| (o.as_str(), Meta::user(u))),
            Vec::new(),
            |origin, key| format!("{origin}: user \"{key}\" appears twice; skipped"),
        ))
    }
}

#[async_trait]
impl ReadCommunities for MattermostConnector {
    async fn read_communities(&self, _progress: &dyn Progress) -> Result<CommunitySet> {
        let (_, meta) = self.opened()?;
        Ok(CommunitySet {
            communities: meta.communities.iter().map(|(_, c)| c.clone()).collect(),
            memberships: meta.memberships.iter().map(|(_, m)| m.clone()).collect(),
            warnings: Vec::new(),
        })
    }
}

impl ReadContent for MattermostConnector {
    fn read_content(&self) -> Result<BoxStream<'_, Result<Located<Record>>>> {
        let (source, meta) = self.opened()?;
        Ok(futures::stream::iter(Records(Content::new(source, meta)?)).boxed())
    }

    fn open_attachment(&self, attachment: &Attachment) -> Result<Option<Box<dyn Read + Send>>> {
        let (source, _) = self.opened()?;
        let Some((_, rel)) = attachment.id.split_once("#data/") else {
            return Ok(None);
        };
        match source.locate(rel) {
            Ok(Some(rel)) => source.open_file(&rel).map(Some),
            _ => Ok(None),
        }
    }
}

#[async_trait]
impl WriteContent for MattermostConnector {
    fn durability(&self) -> Durability {
        Durability::AtFinish
    }

    async fn write(
        &self,
        record: &Record,
        bytes: Option<Box<dyn Read + Send>>,
        _ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        self.with_sink(|spill| spill.write(record, bytes))
    }

    /// Assembles and publishes the file. A copy that wrote nothing (everything was copied
    /// by an earlier run) leaves the existing file as it is.
    async fn finish(&self) -> Result<()> {
        let spill = self.sink.lock().unwrap_or_else(|p| p.into_inner()).take();
        match spill {
            Some(spill) => self.finish_spill(spill),
            None => Ok(()),
        }
    }
}
