//! Applying user changes to the file's records and writing the file back atomically.

use super::read::{strip_extra_prefix, FileFormat};
use super::CANONICAL_COLUMNS;
use crate::connectors::ItemResult;
use crate::core::model::User;
use crate::core::plan::{Action, UserChange};
use crate::error::{Error, Result};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's records in file order, indexed by lower-cased key.
pub(crate) struct Table {
    users: Vec<User>,
    index: HashMap<String, usize>,
}

impl Table {
    /// `users` come from [`super::read::parse`], so their keys are unique.
    pub fn new(users: Vec<User>) -> Self {
        let index = users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.key.to_lowercase(), i))
            .collect();
        Table { users, index }
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Applies one change in memory. Creating a key that exists replaces that record, so
    /// that applying the same plan twice gives the same file.
    pub fn apply(&mut self, change: &UserChange, file: &str) -> ItemResult {
        let what = format!("{} {}", change.action.as_str(), change.key);
        let desired = normalized(&change.desired);
        validate(&desired).map_err(|e| format!("{what}: {e}"))?;

        let target = match (change.action, &change.current) {
            (Action::Create, _) | (_, None) => &desired.key,
            (_, Some(current)) => &current.key,
        };
        let new_key = desired.key.to_lowercase();
        let Some(&i) = self.index.get(&target.to_lowercase()) else {
            if change.action != Action::Create {
                return Err(format!("{what}: no user with key \"{target}\" in {file}"));
            }
            self.index.insert(new_key, self.users.len());
            self.users.push(desired);
            return Ok(());
        };
        // A rename onto another record's key would make the file unreadable (duplicate keys).
        if self.index.get(&new_key).is_some_and(|&other| other != i) {
            return Err(format!(
                "{what}: key \"{}\" is already used by another user in {file}",
                desired.key
            ));
        }
        self.index.remove(&self.users[i].key.to_lowercase());
        self.index.insert(new_key, i);
        self.users[i] = desired;
        Ok(())
    }
}

/// What the file would hold after a write and a read: an empty cell reads back as absent.
fn normalized(user: &User) -> User {
    let mut u = user.clone();
    for slot in [
        &mut u.external_id,
        &mut u.email,
        &mut u.display_name,
        &mut u.given_name,
        &mut u.family_name,
        &mut u.title,
        &mut u.department,
        &mut u.manager,
        &mut u.deactivated_by,
        &mut u.source,
    ] {
        if slot.as_deref() == Some("") {
            *slot = None;
        }
    }
    u.extra.retain(|_, v| !v.is_empty());
    u.handle = None;
    u
}

/// The reader's rules, so that a write never produces a file that cannot be read back.
fn validate(user: &User) -> std::result::Result<(), String> {
    if user.key.trim().is_empty() {
        return Err("empty key".to_string());
    }
    if let Some(email) = user.email.as_deref().filter(|e| !e.contains('@')) {
        return Err(format!(
            "field \"email\": not an email address: \"{email}\""
        ));
    }
    Ok(())
}

/// The column an extra attribute is written under: its own name, unless the reader would
/// take that name for something else.
fn extra_column(name: &str) -> String {
    let ambiguous = name.is_empty()
        || name.starts_with(char::is_whitespace)
        || CANONICAL_COLUMNS
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
        || strip_extra_prefix(name).is_some();
    if ambiguous {
        format!("{}{name}", super::EXTRA_PREFIX)
    } else {
        name.to_string()
    }
}

/// Serializes `users` with a header row; see the module docs for the column order.
pub(crate) fn render(users: &[User], delimiter: u8, format: FileFormat) -> Result<Vec<u8>> {
    let has = |f: fn(&User) -> &Option<String>| {
        users
            .iter()
            .any(|u| f(u).as_deref().is_some_and(|v| !v.is_empty()))
    };
    let with_deactivated_by = has(|u| &u.deactivated_by);
    let with_source = has(|u| &u.source);
    let extras: BTreeSet<&str> = users
        .iter()
        .flat_map(|u| u.extra.iter())
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| k.as_str())
        .collect();

    let mut header: Vec<String> = CANONICAL_COLUMNS
        .iter()
        .filter(|c| match **c {
            "deactivated_by" => with_deactivated_by,
            "source" => with_source,
            _ => true,
        })
        .map(|c| c.to_string())
        .collect();
    header.extend(extras.iter().map(|x| extra_column(x)));

    let mut out = Vec::new();
    if format.bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(if format.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(out);
    let failed = |e: &dyn std::fmt::Display| Error::runtime(format!("cannot encode CSV: {e}"));
    writer.write_record(&header).map_err(|e| failed(&e))?;
    for u in users {
        let mut row: Vec<&str> = Vec::with_capacity(header.len());
        for c in &CANONICAL_COLUMNS[..9] {
            row.push(u.field(c).unwrap_or_default());
        }
        row.push(if u.active { "true" } else { "false" });
        if with_deactivated_by {
            row.push(u.deactivated_by.as_deref().unwrap_or_default());
        }
        if with_source {
            row.push(u.source.as_deref().unwrap_or_default());
        }
        for x in &extras {
            row.push(u.extra.get(*x).map_or("", String::as_str));
        }
        writer.write_record(&row).map_err(|e| failed(&e))?;
    }
    writer.into_inner().map_err(|e| failed(&e).into())
}

/// Replaces the file with `bytes` in one rename, so a reader never sees half a file and a
/// crash leaves the old one. An existing file keeps its permissions; a new one is
/// private to its owner (it holds personal data).
pub(crate) fn write_atomically(path: &Path, label: &str, bytes: &[u8]) -> Result<()> {
    let failed = |e: &dyn std::fmt::Display| Error::runtime(format!("cannot write {label}: {e}"));
    // Write through a symlink instead of replacing it.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| failed(&e))?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| failed(&e))?;
    }
    tmp.write_all(bytes).map_err(|e| failed(&e))?;
    tmp.as_file().sync_all().map_err(|e| failed(&e))?;
    tmp.persist(&target).map_err(|e| failed(&e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connectors::csv::read::parse;

    #[test]
    fn tricky_values_round_trip() {
        let mut u = User::new("k,1");
        u.title = Some("a \"quoted\", value".into());
        u.department = Some("line\r\nbreak".into());
        u.given_name = Some(" spaced ".into());
        u.family_name = Some("=1+1".into());
        u.extra.insert(String::new(), "unnamed".into());
        u.extra.insert(" lead".into(), "x".into());
        u.extra.insert("EXTRA.Y".into(), "y".into());
        u.extra.insert("Site".into(), "Paris".into());
        u.extra.insert("site".into(), "Nantes".into());
        u.extra.insert("Active".into(), "maybe".into());
        let users = vec![u, User::new("second")];
        for format in [
            FileFormat::default(),
            FileFormat {
                bom: true,
                crlf: true,
            },
        ] {
            for delimiter in [b',', b';', b'\t'] {
                let bytes = render(&users, delimiter, format).unwrap();
                let back = parse(&bytes, "u.csv", delimiter, false).unwrap();
                assert_eq!(back.users, users);
                assert_eq!(back.format, format);
            }
        }
    }

    #[test]
    fn empty_values_are_normalized_and_invalid_records_refused() {
        let mut table = Table::new(Vec::new());
        let mut u = User::new("a");
        u.email = Some(String::new());
        u.extra.insert("site".into(), String::new());
        u.handle = Some("@a:server".into());
        let create = |u: User| UserChange {
            action: Action::Create,
            key: u.key.clone(),
            current: None,
            desired: u,
            fields: Vec::new(),
        };
        assert_eq!(table.apply(&create(u), "u.csv"), Ok(()));
        assert_eq!(table.users(), &[User::new("a")]);

        let mut bad = User::new("b");
        bad.email = Some("nobody".into());
        let err = table.apply(&create(bad), "u.csv").unwrap_err();
        assert!(err.contains("create b") && err.contains("email"), "{err}");
        let err = table.apply(&create(User::new(" ")), "u.csv").unwrap_err();
        assert!(err.contains("empty key"), "{err}");
        assert_eq!(table.users().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn rewriting_keeps_permissions_and_symlinks() {
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "key\n").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.csv");
        symlink(&real, &link).unwrap();
        write_atomically(&link, "link.csv", b"key\na\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"key\na\n");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn missing_folder_is_a_runtime_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/users.csv");
        let err = write_atomically(&path, "no/such/users.csv", b"key\n").unwrap_err();
        assert_eq!(
            crate::error::exit_code_of(&err),
            crate::error::ExitCode::Failure
        );
        assert!(err.to_string().contains("no/such/users.csv"), "{err}");
    }
}
