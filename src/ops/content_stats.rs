//! `content stats`: counts what a content source holds, streaming (nothing is kept but
//! the counters), so it also measures how fast a reader goes.

use crate::connectors::{ReadContent, Record};
use crate::core::progress::Progress;
use crate::error::Result;
use futures::StreamExt;
use serde::Serialize;

/// The counts of `content copy`'s summary, without the copy-only ones (`skipped`,
/// `failed`). `posts` counts every post, replies included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ContentCounts {
    pub users: u64,
    pub communities: u64,
    pub memberships: u64,
    pub posts: u64,
    pub replies: u64,
    pub reactions: u64,
    pub attachments: u64,
}

/// `content stats -o json`: `{"summary": {...}}`, the shape of `content copy -o json`.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ContentStats {
    pub summary: ContentCounts,
}

/// Reads the whole source once. The first unreadable record stops the count with its
/// error (exit 3 for invalid data): a count of a broken source would mislead.
pub async fn stats(source: &dyn ReadContent, progress: &dyn Progress) -> Result<ContentStats> {
    let task = progress.task("counting content", None);
    let mut c = ContentCounts::default();
    let mut stream = source.read_content()?;
    while let Some(item) = stream.next().await {
        match item?.record {
            Record::User(_) => c.users += 1,
            Record::Community(_) => c.communities += 1,
            Record::Membership(_) => c.memberships += 1,
            Record::Post(p) => {
                c.posts += 1;
                if p.is_reply() {
                    c.replies += 1;
                }
            }
            Record::Reaction(_) => c.reactions += 1,
            Record::Attachment(_) => c.attachments += 1,
        }
        task.inc(1);
    }
    task.finish();
    Ok(ContentStats { summary: c })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::bundle::BundleConnector;
    use crate::core::progress::NoProgress;

    #[tokio::test]
    async fn counts_the_fixture_bundle() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content-bundle");
        let s = stats(&BundleConnector::new(dir), &NoProgress)
            .await
            .unwrap();
        assert_eq!(
            (s.summary.posts, s.summary.replies, s.summary.attachments),
            (3, 1, 1)
        );
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(
            json["summary"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<std::collections::BTreeSet<_>>(),
            [
                "attachments",
                "communities",
                "memberships",
                "posts",
                "reactions",
                "replies",
                "users"
            ]
            .iter()
            .map(|k| k.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .iter()
            .collect()
        );
    }
}
