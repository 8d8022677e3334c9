//! `rocketchat-csv:PATH`: writes the zip that Rocket.Chat's CSV importer reads
//! (Administration → Import → CSV).
//!
//! Layout, from `RocketChat/Rocket.Chat` `apps/meteor/app/importer-csv/server/CsvImporter.ts`
//! (every file is parsed by `csv-parse` with default options: comma, `"` quoting, and no
//! header row — the first row is data):
//! ```text
//! users.csv                      username, email, name
//! channels.csv                   name, creator username, "private"|"public", members joined by ";"
//! <channel name>/messages.csv    username, timestamp (ms since the epoch), text
//! directmessages/<any>.csv       username, other username, timestamp (ms), text
//! ```
//! Any entry with a `/` is a message file of the folder's channel; `directmessages/`
//! rows create one two-person direct conversation per pair.
//!
//! What the format cannot carry, and the rule applied (listed by `content copy`):
//! - thread replies become plain messages, in time order (counted in a warning);
//! - reactions and attachments are left out as `Unsupported` (not failures);
//! - conversations of more or fewer than two people become private channels;
//! - a user without email gets `<username>@no-email.invalid` (the importer matches users
//!   by email first, so empty emails would merge accounts);
//! - names are folded to Rocket.Chat's default `[0-9a-zA-Z-_.]` (see [`names`]);
//! - inactive accounts are written like active ones (the importer has no such column).
//!
//! Durability is `AtFinish`: records are spooled to temporary files beside the
//! destination (memory holds names and members, not messages) and the zip is renamed
//! into place by `finish`. The zip is written whole: adding to an existing one is
//! refused, since the importer would create its messages again.

pub mod names;
mod spool;

use crate::connectors::{Connector, Durability, IdLookup, Record, WriteContent, WriteOutcome};
use crate::core::endpoint::Endpoint;
use crate::error::{Error, Kind, Result};
use async_trait::async_trait;
use serde::Deserialize;
use spool::Spool;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;

pub struct RocketChatCsvConnector {
    path: PathBuf,
    spool: Mutex<Option<Spool>>,
}

/// A Rocket.Chat CSV profile has no settings besides `url`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {}

impl RocketChatCsvConnector {
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let _: Settings = endpoint.settings()?;
        Ok(Self::new(endpoint.path()))
    }

    pub fn new(path: impl Into<PathBuf>) -> Self {
        RocketChatCsvConnector {
            path: path.into(),
            spool: Mutex::new(None),
        }
    }
}

#[async_trait]
impl Connector for RocketChatCsvConnector {
    async fn check(&self) -> Result<String> {
        let parent = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if !parent.is_dir() {
            return Err(Error::new(
                Kind::NotFound,
                format!("folder {} does not exist", parent.display()),
            )
            .into());
        }
        Ok(format!(
            "Rocket.Chat CSV importer zip {} ({})",
            self.path.display(),
            if self.path.exists() {
                "exists"
            } else {
                "will be created"
            }
        ))
    }

    fn as_write_content(&self) -> Option<&dyn WriteContent> {
        Some(self)
    }
}

#[async_trait]
impl WriteContent for RocketChatCsvConnector {
    fn durability(&self) -> Durability {
        Durability::AtFinish
    }

    async fn write(
        &self,
        record: &Record,
        _bytes: Option<Box<dyn Read + Send>>,
        _ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        // What the format cannot carry is answered before anything is spooled, so that
        // a re-run that only meets those again leaves the finished zip alone.
        match record {
            Record::Reaction(r) => {
                return Ok(WriteOutcome::Unsupported(format!(
                    "reaction {} by {} on post {}: Rocket.Chat's CSV importer has no reactions",
                    r.emoji, r.user, r.post
                )))
            }
            Record::Attachment(a) => {
                return Ok(WriteOutcome::Unsupported(format!(
                    "file \"{}\" ({} bytes) of post {}: Rocket.Chat's CSV importer has no files",
                    a.name, a.size, a.post
                )))
            }
            _ => {}
        }
        let mut guard = self.spool.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            if self.path.exists() {
                return Err(Error::new(
                    Kind::Conflict,
                    format!(
                        "{} exists and this copy has new records for it; Rocket.Chat's CSV \
                         importer zip is written whole: write to a new file (with a new \
                         --state) or remove the old one",
                        self.path.display()
                    ),
                )
                .into());
            }
            *guard = Some(Spool::new(&self.path)?);
        }
        let spool = guard.as_mut().expect("created above");
        match record {
            Record::User(u) => spool.user(u),
            Record::Community(c) => spool.community(c),
            Record::Membership(m) => spool.membership(m),
            Record::Post(p) => spool.post(p),
            Record::Reaction(_) | Record::Attachment(_) => unreachable!("answered above"),
        }
    }

    async fn finish(&self) -> Result<()> {
        let spool = self.spool.lock().unwrap_or_else(|p| p.into_inner()).take();
        let Some(spool) = spool else {
            return Ok(()); // nothing new: an existing zip stays as it is
        };
        if spool.flattened_replies > 0 {
            tracing::warn!(
                "{} thread replies written as plain messages (the CSV importer has no threads)",
                spool.flattened_replies
            );
        }
        if spool.synthetic_emails > 0 {
            tracing::warn!(
                "{} users without email were given <username>@no-email.invalid",
                spool.synthetic_emails
            );
        }
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || spool.finish(&path))
            .await
            .map_err(|e| Error::runtime(format!("zip writer stopped: {e}")))?
    }
}
