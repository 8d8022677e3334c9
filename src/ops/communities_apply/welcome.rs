//! Welcome posts: the first post of a community created by `communities apply`.
//!
//! There is no content-writing capability yet, so only bundle destinations get them,
//! appended to `posts.jsonl` through the bundle's JSONL writer (atomic replace).

use crate::connectors::bundle::layout::{self, EntityFile, ManifestCounts};
use crate::connectors::bundle::{jsonl, JsonlReader, JsonlWriter};
use crate::core::model::Post;
use crate::error::Result;
use std::collections::HashSet;
use std::path::Path;

/// The post id of a community's welcome post: deterministic, so a re-run never posts twice.
pub fn post_id(community: &str) -> String {
    format!("welcome-{community}")
}

/// Appends `posts` to the bundle at `dir`, skipping ids it already has; returns how many
/// were written.
pub fn append_to_bundle(dir: &Path, posts: &[Post]) -> Result<u64> {
    if posts.is_empty() {
        return Ok(0);
    }
    let path = dir.join(EntityFile::Posts.file_name());
    let mut existing = HashSet::new();
    for post in JsonlReader::<Post>::open(&path)? {
        existing.insert(post?.record.id);
    }
    let mut out = JsonlWriter::<Post>::create(&path)?;
    out.copy_existing()?;
    let mut written = 0;
    for post in posts {
        if existing.insert(post.id.clone()) {
            out.write(post)?;
            written += 1;
        }
    }
    let total = out.commit()?;
    let mut counts = match layout::read_manifest(dir)? {
        Some(m) => m.counts,
        None => {
            let mut c = ManifestCounts::default();
            for file in EntityFile::ALL {
                c.set(file, jsonl::count_records(&dir.join(file.file_name()))?);
            }
            c
        }
    };
    counts.set(EntityFile::Posts, total);
    layout::write_manifest(dir, counts)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str) -> Post {
        Post {
            id: id.into(),
            community: "c".into(),
            author: "a".into(),
            created_at: "2024-04-05T19:34:38Z".parse().unwrap(),
            edited_at: None,
            body: "Bienvenue 🎉".into(),
            thread_root: None,
            parent: None,
            mentions: vec![],
            extra: Default::default(),
        }
    }

    #[test]
    fn appends_after_existing_posts_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("posts.jsonl"),
            "{\"id\":\"p1\",\"community\":\"c\",\"author\":\"a\",\"created_at\":\"2024-01-01T00:00:00Z\",\"body\":\"x\"}\n",
        )
        .unwrap();
        assert_eq!(
            append_to_bundle(dir.path(), &[post("welcome-c")]).unwrap(),
            1
        );
        assert_eq!(
            append_to_bundle(dir.path(), &[post("welcome-c")]).unwrap(),
            0
        );
        let text = std::fs::read_to_string(dir.path().join("posts.jsonl")).unwrap();
        let ids: Vec<_> = text
            .lines()
            .map(|l| serde_json::from_str::<Post>(l).unwrap().id)
            .collect();
        assert_eq!(ids, ["p1", "welcome-c"]);
        assert!(text.contains("Bienvenue 🎉"));
        let manifest = layout::read_manifest(dir.path()).unwrap().unwrap();
        assert_eq!(manifest.counts.posts, 2);
    }
}
