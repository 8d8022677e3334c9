//! The pass a bundle gets before its content is served to a copy: every line parsed, every
//! reference resolved. A copy streams records to a destination that may not be
//! transactional (a Matrix homeserver), so a bad line or a reply to a missing post found
//! half-way would leave half a copy behind; found here, it is refused (exit 3) before
//! anything is written. Only ids are kept in memory.
//!
//! `content validate` reads the unchecked stream instead, to report every problem.

use super::{EntityFile, JsonlReader};
use crate::connectors::Located;
use crate::core::model::{Attachment, Community, Membership, Post, Reaction, User};
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::path::Path;

/// Reads the whole bundle in `dir`; the first invalid line or dangling reference is an
/// `InvalidData` error naming the file, line and field.
pub fn check(dir: &Path) -> Result<()> {
    let mut ids = Ids::default();
    each::<User>(dir, EntityFile::Users, |_, u| {
        ids.users.insert(u.key.to_lowercase());
        Ok(())
    })?;
    let mut parents = Vec::new();
    each::<Community>(dir, EntityFile::Communities, |origin, c| {
        for owner in &c.owners {
            ids.user(origin, "owners", owner)?;
        }
        if let Some(parent) = c.parent {
            // A parent may come later in the file.
            parents.push((origin.to_string(), parent));
        }
        ids.communities.insert(c.key);
        Ok(())
    })?;
    for (origin, parent) in &parents {
        ids.community(origin, "parent", parent)?;
    }
    each::<Membership>(dir, EntityFile::Memberships, |origin, m| {
        ids.community(origin, "community", &m.community)?;
        ids.user(origin, "user", &m.user)
    })?;
    let mut forward = Vec::new();
    each::<Post>(dir, EntityFile::Posts, |origin, p| {
        ids.community(origin, "community", &p.community)?;
        ids.user(origin, "author", &p.author)?;
        for m in &p.mentions {
            ids.user(origin, "mentions", m)?;
        }
        for (field, target) in [("thread_root", &p.thread_root), ("parent", &p.parent)] {
            match target {
                Some(t) if !ids.posts.contains(t) => {
                    forward.push((origin.to_string(), field, t.clone()))
                }
                _ => {}
            }
        }
        ids.posts.insert(p.id);
        Ok(())
    })?;
    for (origin, field, target) in &forward {
        ids.post(origin, field, target)?;
    }
    each::<Reaction>(dir, EntityFile::Reactions, |origin, r| {
        ids.post(origin, "post", &r.post)?;
        ids.user(origin, "user", &r.user)
    })?;
    each::<Attachment>(dir, EntityFile::Attachments, |origin, a| {
        ids.post(origin, "post", &a.post)
    })
}

#[derive(Default)]
struct Ids {
    /// Lower-cased: user keys are compared case-insensitively.
    users: HashSet<String>,
    communities: HashSet<String>,
    posts: HashSet<String>,
}

impl Ids {
    fn user(&self, origin: &str, field: &str, key: &str) -> Result<()> {
        match self.users.contains(&key.to_lowercase()) {
            true => Ok(()),
            false => Err(dangling(origin, field, format!("unknown user \"{key}\""))),
        }
    }

    fn community(&self, origin: &str, field: &str, key: &str) -> Result<()> {
        match self.communities.contains(key) {
            true => Ok(()),
            false => Err(dangling(
                origin,
                field,
                format!("unknown community \"{key}\""),
            )),
        }
    }

    fn post(&self, origin: &str, field: &str, id: &str) -> Result<()> {
        match self.posts.contains(id) {
            true => Ok(()),
            false => Err(dangling(origin, field, format!("unknown post \"{id}\""))),
        }
    }
}

/// `origin` is the record's full `PATH:LINE`.
fn dangling(origin: &str, field: &str, what: String) -> anyhow::Error {
    Error::invalid_data(format!(
        "{origin}: field \"{field}\": {what} (run `esnctl content validate` for every problem)"
    ))
    .into()
}

/// Runs `f` over every record of one file with the record's `PATH:LINE`; the first error
/// (from the file or from `f`) stops the pass.
fn each<T: DeserializeOwned>(
    dir: &Path,
    file: EntityFile,
    mut f: impl FnMut(&str, T) -> Result<()>,
) -> Result<()> {
    let path = dir.join(file.file_name());
    for item in JsonlReader::<T>::open(&path)? {
        let Located { origin, record } = item?;
        // `origin` is `NAME:LINE`; messages name the whole path, as parse errors do.
        let full = match origin.rsplit_once(':') {
            Some((_, line)) => format!("{}:{line}", path.display()),
            None => origin,
        };
        f(&full, record)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{exit_code_of, ExitCode};

    fn bundle(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const USERS: &str = "{\"key\":\"Alice\"}\n{\"key\":\"bob\"}\n";
    const COMMUNITIES: &str = "{\"key\":\"c\",\"name\":\"C\",\"visibility\":\"public\"}\n";
    const POST: &str =
        "{\"id\":\"p1\",\"community\":\"c\",\"author\":\"alice\",\"created_at\":\"2026-01-01T00:00:00Z\",\"body\":\"x\"}\n";

    fn err(files: &[(&str, &str)]) -> String {
        let dir = bundle(files);
        let e = check(dir.path()).unwrap_err();
        assert_eq!(exit_code_of(&e), ExitCode::InvalidData, "{e}");
        e.to_string()
    }

    #[test]
    fn a_consistent_bundle_passes() {
        let reply = POST.replace("\"p1\"", "\"p2\"").replace(
            "\"body\"",
            "\"thread_root\":\"p1\",\"parent\":\"p1\",\"body\"",
        );
        let dir = bundle(&[
            ("users.jsonl", USERS),
            ("communities.jsonl", COMMUNITIES),
            (
                "memberships.jsonl",
                "{\"community\":\"c\",\"user\":\"BOB\"}\n",
            ),
            ("posts.jsonl", &format!("{POST}{reply}")),
            (
                "reactions.jsonl",
                "{\"post\":\"p2\",\"user\":\"bob\",\"emoji\":\"👍\"}\n",
            ),
        ]);
        check(dir.path()).unwrap();
    }

    #[test]
    fn dangling_references_name_file_line_and_field() {
        let e = err(&[
            ("users.jsonl", USERS),
            ("communities.jsonl", COMMUNITIES),
            ("memberships.jsonl", "{\"community\":\"c\",\"user\":\"bob\"}\n{\"community\":\"c\",\"user\":\"ghost\"}\n"),
        ]);
        assert!(
            e.contains("memberships.jsonl:2: field \"user\": unknown user \"ghost\""),
            "{e}"
        );
        let reply = POST.replace(
            "\"body\"",
            "\"thread_root\":\"nope\",\"parent\":\"nope\",\"body\"",
        );
        let e = err(&[
            ("users.jsonl", USERS),
            ("communities.jsonl", COMMUNITIES),
            ("posts.jsonl", &reply),
        ]);
        assert!(
            e.contains("posts.jsonl:1: field \"thread_root\": unknown post \"nope\""),
            "{e}"
        );
        let e = err(&[
            ("users.jsonl", USERS),
            ("communities.jsonl", COMMUNITIES),
            ("posts.jsonl", &POST.replace("\"c\"", "\"d\"")),
        ]);
        assert!(
            e.contains("field \"community\": unknown community \"d\""),
            "{e}"
        );
    }

    #[test]
    fn a_bad_line_anywhere_fails_the_pass() {
        let e = err(&[
            ("users.jsonl", USERS),
            (
                "reactions.jsonl",
                "{\"post\":1,\"user\":\"bob\",\"emoji\":\"x\"}\n",
            ),
        ]);
        assert!(e.contains("reactions.jsonl:1: field \"post\""), "{e}");
    }
}
