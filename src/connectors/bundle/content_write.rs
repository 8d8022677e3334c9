//! `content copy --to bundle:PATH`: records are appended to the bundle's current ones
//! through a [`BundleWriter`], made visible all at once by `finish`.

use super::writer::BundleWriter;
use super::BundleConnector;
use crate::connectors::{Durability, IdLookup, Record, WriteContent, WriteOutcome};
use crate::error::Result;
use async_trait::async_trait;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The writer of an ongoing copy, opened on the first record.
#[derive(Clone, Default)]
pub(super) struct ContentSink(Arc<Mutex<Option<BundleWriter>>>);

impl std::fmt::Debug for ContentSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContentSink")
    }
}

impl ContentSink {
    fn with<T>(&self, dir: &Path, f: impl FnOnce(&mut BundleWriter) -> Result<T>) -> Result<T> {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard.is_none() {
            *guard = Some(BundleWriter::append(dir)?);
        }
        f(guard.as_mut().expect("opened above"))
    }

    fn take(&self) -> Option<BundleWriter> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

#[async_trait]
impl WriteContent for BundleConnector {
    fn durability(&self) -> Durability {
        Durability::AtFinish
    }

    async fn write(
        &self,
        record: &Record,
        bytes: Option<Box<dyn Read + Send>>,
        _ids: &dyn IdLookup,
    ) -> Result<WriteOutcome> {
        let (_, id) = record.ledger_key();
        self.sink.with(self.dir(), |w| {
            if let (Record::Attachment(a), Some(bytes)) = (record, bytes) {
                let (sha, size) = w.put_attachment(bytes)?;
                if sha != a.sha256 || size != a.size {
                    return Ok(WriteOutcome::Failed(format!(
                        "attachment \"{}\" ({}): the source's bytes hash to {sha} ({size} bytes), \
                         not the recorded {} ({} bytes)",
                        a.id, a.name, a.sha256, a.size
                    )));
                }
            }
            w.write_record(record)?;
            Ok(WriteOutcome::Written(id))
        })
    }

    async fn finish(&self) -> Result<()> {
        match self.sink.take() {
            Some(writer) => writer.finish().map(|_| ()),
            None => Ok(()),
        }
    }
}
