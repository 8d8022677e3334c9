//! Who writes as whom on the destination: `--user-map FILE`, then the destination's own
//! users matched by email or username, then the policy for everyone else.

use crate::core::model::{lowercase, User};
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// What happens to content of a source user nobody maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnmappedPolicy {
    /// Attribute it to one placeholder account ("former employee").
    Placeholder,
    /// Create the user on the destination as it is in the source.
    Create,
    /// Leave their posts, reactions and memberships out (listed in the report).
    Skip,
}

/// The destination identity of one source user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An account the destination has (or the map names): nothing to create.
    Existing(String),
    /// The source user is copied under its own key.
    Create(String),
    Placeholder,
    Skip,
}

/// `--user-map FILE`: CSV with a header `source,target`; `source` is a source user's id,
/// username or email, `target` the destination username.
pub fn load_map_file(path: &Path) -> Result<HashMap<String, String>> {
    let file = path.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::usage(format!("cannot read user map {file}: {e}")))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::invalid_at(&file, 1, None, e))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::invalid_at(
                    &file,
                    1,
                    Some(name),
                    "missing column (header must be source,target)",
                )
            })
    };
    let (src, dst) = (col("source")?, col("target")?);
    let mut map = HashMap::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::invalid_at(&file, line, None, e)
        })?;
        let line = row.position().map_or(0, |p| p.line());
        let (Some(s), Some(t)) = (row.get(src), row.get(dst)) else {
            return Err(Error::invalid_at(&file, line, None, "expected 2 columns").into());
        };
        if s.is_empty() || t.is_empty() {
            let field = if s.is_empty() { "source" } else { "target" };
            return Err(Error::invalid_at(&file, line, Some(field), "empty value").into());
        }
        if map.insert(s.to_lowercase(), t.to_string()).is_some() {
            return Err(Error::invalid_at(
                &file,
                line,
                Some("source"),
                format!("\"{s}\" is mapped twice"),
            )
            .into());
        }
    }
    Ok(map)
}

/// Resolves source users to destination identities.
pub struct UserMapper {
    map: HashMap<String, String>,
    dest_by_email: HashMap<String, String>,
    dest_by_key: HashMap<String, String>,
    policy: UnmappedPolicy,
    /// Looked up for every post, mention and reaction: a fast hash.
    resolved: foldhash::HashMap<String, Target>,
}

impl UserMapper {
    pub fn new(map: HashMap<String, String>, dest_users: &[User], policy: UnmappedPolicy) -> Self {
        let mut dest_by_email = HashMap::new();
        let mut dest_by_key = HashMap::new();
        for u in dest_users {
            dest_by_key.insert(u.key.to_lowercase(), u.key.clone());
            if let Some(e) = &u.email {
                dest_by_email.insert(e.to_lowercase(), u.key.clone());
            }
        }
        UserMapper {
            map,
            dest_by_email,
            dest_by_key,
            policy,
            resolved: Default::default(),
        }
    }

    /// Decides a source user's target once; later look-ups use [`Self::target_of`].
    pub fn resolve(&mut self, user: &User) -> Target {
        let candidates = [
            Some(&user.key),
            user.external_id.as_ref(),
            user.email.as_ref(),
        ];
        let mapped = candidates
            .iter()
            .flatten()
            .find_map(|c| self.map.get(&c.to_lowercase()));
        let target = if let Some(t) = mapped {
            Target::Existing(t.clone())
        } else if let Some(t) = user
            .email
            .as_ref()
            .and_then(|e| self.dest_by_email.get(&e.to_lowercase()))
            .or_else(|| self.dest_by_key.get(&user.key.to_lowercase()))
        {
            Target::Existing(t.clone())
        } else {
            match self.policy {
                UnmappedPolicy::Create => Target::Create(user.key.clone()),
                UnmappedPolicy::Placeholder => Target::Placeholder,
                UnmappedPolicy::Skip => Target::Skip,
            }
        };
        self.resolved
            .insert(user.key.to_lowercase(), target.clone());
        target
    }

    /// The destination key for a source user key; `None` when their content is skipped.
    /// A key the source never listed as a user follows the unmapped policy.
    pub fn target_of(&self, source_key: &str, placeholder: &str) -> Option<String> {
        match self.resolved.get(lowercase(source_key).as_ref()) {
            Some(Target::Existing(k) | Target::Create(k)) => Some(k.clone()),
            Some(Target::Placeholder) => Some(placeholder.to_string()),
            Some(Target::Skip) => None,
            None => match self.policy {
                UnmappedPolicy::Create => Some(source_key.to_string()),
                UnmappedPolicy::Placeholder => Some(placeholder.to_string()),
                UnmappedPolicy::Skip => None,
            },
        }
    }

    /// True when the destination already has an account with this key.
    pub fn destination_has(&self, key: &str) -> bool {
        self.dest_by_key.contains_key(&key.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(key: &str, email: &str) -> User {
        let mut u = User::new(key);
        u.email = Some(email.into());
        u
    }

    #[test]
    fn map_then_destination_email_then_policy() {
        let map = HashMap::from([("u123".to_string(), "marie.durand".to_string())]);
        let dest = vec![user("jlefevre", "Jerome.Lefevre@x.fr")];
        let mut m = UserMapper::new(map, &dest, UnmappedPolicy::Placeholder);
        let mut marie = user("marie", "m@x");
        marie.external_id = Some("U123".into());
        assert_eq!(m.resolve(&marie), Target::Existing("marie.durand".into()));
        assert_eq!(
            m.resolve(&user("jerome", "jerome.lefevre@x.fr")),
            Target::Existing("jlefevre".into())
        );
        assert_eq!(m.resolve(&user("zoe", "z@x")), Target::Placeholder);
        assert_eq!(
            m.target_of("ZOE", "former-employee").as_deref(),
            Some("former-employee")
        );
        assert_eq!(m.target_of("jerome", "p").as_deref(), Some("jlefevre"));
    }

    #[test]
    fn map_file_errors_name_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.csv");
        std::fs::write(&path, "source,target\na,b\nc,\n").unwrap();
        let err = load_map_file(&path).unwrap_err().to_string();
        assert!(err.contains("map.csv:3") && err.contains("target"), "{err}");
        std::fs::write(&path, "src,dst\n").unwrap();
        let err = load_map_file(&path).unwrap_err().to_string();
        assert!(err.contains("map.csv:1"), "{err}");
    }
}
