//! `csv:PATH`: users in a CSV file with a header row, read and written.
//!
//! Columns are the canonical field names (`key`, `external_id`, `email`, `display_name`,
//! `given_name`, `family_name`, `title`, `department`, `manager`, `active`), plus
//! `deactivated_by` and `source` when a record has them. Header names are matched
//! case-insensitively after trimming. Any other column is an extra attribute; a column
//! named `extra.X` is the extra attribute `X` (the writer uses that spelling for names that
//! would otherwise be read as a canonical column).
//!
//! Reading is all-or-nothing: the whole file is validated before any record is returned,
//! and errors name the file, the physical line and the column. Writing rewrites the whole
//! file atomically (temporary file in the same folder, then rename), keeping row order.
//! Values are never altered, not even to defuse spreadsheet formulas: esnctl reads this
//! file back, and round-trip exactness matters more.
//!
//! Profile settings: `delimiter = ";"` (one ASCII character, default `,`).

mod read;
pub(crate) use read::unterminated_quote_line;
mod write;

use crate::connectors::{Connector, ItemResult, ReadUsers, StoredFields, UserSet, WriteUsers};
use crate::core::endpoint::Endpoint;
use crate::core::model::User;
use crate::core::plan::UserChange;
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use async_trait::async_trait;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Canonical columns in the order they are written; the first nine are
/// [`crate::core::model::USER_FIELDS`]. `deactivated_by` and `source` are written only when
/// some record has them.
const CANONICAL_COLUMNS: [&str; 12] = [
    "key",
    "external_id",
    "email",
    "display_name",
    "given_name",
    "family_name",
    "title",
    "department",
    "manager",
    "active",
    "deactivated_by",
    "source",
];

/// The prefix that marks a column as an extra attribute whatever its name.
const EXTRA_PREFIX: &str = "extra.";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    delimiter: Option<char>,
}

/// A `csv:PATH` endpoint.
#[derive(Debug, Clone)]
pub struct CsvConnector {
    path: PathBuf,
    /// The path as the user wrote it, for messages (`users.csv:12: …`).
    label: String,
    delimiter: u8,
    /// Serializes this process's read-modify-write cycles (an executor may call
    /// `apply_users` concurrently); other processes are not excluded.
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

impl CsvConnector {
    /// Validates the profile settings; touches no file.
    pub fn open(endpoint: &Endpoint) -> Result<Self> {
        let settings: Settings = endpoint.settings()?;
        let delimiter = match settings.delimiter {
            None => b',',
            // The csv crate works on bytes; quotes and line ends would make the file ambiguous.
            Some(c) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => c as u8,
            Some(c) => {
                let at = endpoint.profile.as_deref().unwrap_or(&endpoint.label);
                return Err(Error::usage(format!(
                    "profile \"{at}\": delimiter {c:?} is not usable: \
                     expected one ASCII character other than a quote or a line end"
                ))
                .into());
            }
        };
        Ok(CsvConnector {
            path: endpoint.path(),
            label: endpoint.location.clone(),
            delimiter,
            write_lock: Arc::default(),
        })
    }

    /// Reads and validates the whole file; a missing file is an error (`Kind::NotFound`).
    async fn load(&self) -> Result<Vec<User>> {
        let this = self.clone();
        let parsed = blocking(move || {
            let bytes = read::read_file(&this.path, &this.label)?.ok_or_else(|| {
                Error::new(Kind::NotFound, format!("{}: file not found", this.label))
            })?;
            read::parse(&bytes, &this.label, this.delimiter, false)
        })
        .await?;
        Ok(parsed.users)
    }
}

/// Runs file I/O and parsing off the async worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::runtime(format!("CSV worker failed: {e}")))?
}

#[async_trait]
impl Connector for CsvConnector {
    async fn check(&self) -> Result<String> {
        let users = self.load().await?;
        let inactive = users.iter().filter(|u| !u.active).count();
        let noun = if users.len() == 1 { "user" } else { "users" };
        Ok(format!(
            "CSV file, {} {noun} ({inactive} inactive)",
            users.len()
        ))
    }

    fn as_read_users(&self) -> Option<&dyn ReadUsers> {
        Some(self)
    }

    fn as_write_users(&self) -> Option<&dyn WriteUsers> {
        Some(self)
    }
}

#[async_trait]
impl ReadUsers for CsvConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let task = progress.task(&format!("reading {}", self.label), None);
        let users = self.load().await?;
        task.inc(users.len() as u64);
        task.finish();
        Ok(UserSet {
            users,
            ..UserSet::default()
        })
    }
}

#[async_trait]
impl WriteUsers for CsvConnector {
    fn stored_fields(&self) -> StoredFields {
        StoredFields::All
    }

    async fn apply_users(
        &self,
        changes: &[UserChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let _guard = self.write_lock.lock().await;
        let this = self.clone();
        let current = blocking(move || {
            // A missing destination is an empty one: the file is created on write.
            match read::read_file(&this.path, &this.label)? {
                Some(bytes) => read::parse(&bytes, &this.label, this.delimiter, true),
                None => Ok(read::Parsed::default()),
            }
        })
        .await?;

        let task = progress.task(
            &format!("writing {}", self.label),
            Some(changes.len() as u64),
        );
        let mut table = write::Table::new(current.users);
        let results: Vec<ItemResult> = changes
            .iter()
            .map(|change| {
                let r = table.apply(change, &self.label);
                task.inc(1);
                r
            })
            .collect();
        task.finish();

        if results.iter().any(Result::is_ok) {
            let bytes = write::render(table.users(), self.delimiter, current.format)?;
            let this = self.clone();
            blocking(move || write::write_atomically(&this.path, &this.label, &bytes)).await?;
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::USER_FIELDS;
    use crate::core::plan::{Action, UserChange};
    use crate::core::progress::NoProgress;
    use crate::error::{exit_code_of, ExitCode};
    use std::path::Path;

    fn endpoint(path: &Path) -> Endpoint {
        Endpoint::parse_uri(&format!("csv:{}", path.display()))
            .unwrap()
            .unwrap()
    }

    fn connector(path: &Path) -> CsvConnector {
        CsvConnector::open(&endpoint(path)).unwrap()
    }

    fn change(action: Action, current: Option<User>, desired: User) -> UserChange {
        UserChange {
            action,
            key: desired.key.clone(),
            current: current.map(Box::new),
            desired,
            fields: Vec::new(),
        }
    }

    fn sample_users() -> Vec<User> {
        let mut a = User::new("mdurand");
        a.external_id = Some("7f3c-01".into());
        a.email = Some("marie.durand@durand-fils.fr".into());
        a.display_name = Some("Marie Durand".into());
        a.given_name = Some("Marie".into());
        a.family_name = Some("Durand".into());
        a.title = Some("Directrice, \"Ventes\"".into());
        a.department = Some("Ventes".into());
        a.extra.insert("site".into(), "Lyon".into());
        a.extra
            .insert("email".into(), "collides with a canonical name".into());
        a.extra
            .insert("extra.nested".into(), "keeps its prefix".into());
        a.extra.insert("Note".into(), "line one\nline two".into());

        let mut b = User::new("lzhang");
        b.display_name = Some("张丽 🚀".into());
        b.given_name = Some("  leading and trailing spaces  ".into());
        b.title = Some("=HYPERLINK(\"x\")".into());
        b.manager = Some("mdurand".into());
        b.active = false;
        b.deactivated_by = Some("esnctl".into());
        b.source = Some("corp-ldap".into());

        let mut c = User::new("Élodie.Bénard");
        c.email = Some("élodie@durand-fils.fr".into());
        c.department = Some("Ressources humaines".into());
        vec![a, b, c]
    }

    #[test]
    fn canonical_columns_start_with_the_model_fields() {
        assert_eq!(&CANONICAL_COLUMNS[..USER_FIELDS.len()], USER_FIELDS);
    }

    #[tokio::test]
    async fn write_then_read_round_trips_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        let csv = connector(&path);
        let users = sample_users();
        let changes: Vec<_> = users
            .iter()
            .map(|u| change(Action::Create, None, u.clone()))
            .collect();
        let results = csv.apply_users(&changes, &NoProgress).await.unwrap();
        assert!(results.iter().all(Result::is_ok), "{results:?}");

        let read = csv.read_users(&NoProgress).await.unwrap();
        assert_eq!(read.users, users);
        assert!(read.warnings.is_empty());

        let text = std::fs::read_to_string(&path).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            "key,external_id,email,display_name,given_name,family_name,title,department,\
             manager,active,deactivated_by,source,Note,extra.email,extra.extra.nested,site"
        );
        assert!(
            text.contains("=HYPERLINK"),
            "values are not altered: {text}"
        );
    }

    #[tokio::test]
    async fn optional_model_columns_appear_only_when_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        let csv = connector(&path);
        let results = csv
            .apply_users(&[change(Action::Create, None, User::new("a"))], &NoProgress)
            .await
            .unwrap();
        assert_eq!(results, vec![Ok(())]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "key,external_id,email,display_name,given_name,family_name,title,department,manager,active\n\
             a,,,,,,,,,true\n"
        );
    }

    #[tokio::test]
    async fn apply_creates_updates_deactivates_and_reactivates_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(
            &path,
            "key,email,active\nalice,alice@x.fr,true\nBob,bob@x.fr,yes\ncarol,carol@x.fr,false\n",
        )
        .unwrap();
        let csv = connector(&path);
        let current = csv.read_users(&NoProgress).await.unwrap().users;
        let (alice, bob, carol) = (current[0].clone(), current[1].clone(), current[2].clone());

        let mut alice2 = alice.clone();
        alice2.email = Some("alice.martin@x.fr".into());
        let mut bob2 = bob.clone();
        bob2.key = "bob".into(); // the source spells it differently; matched case-insensitively
        bob2.active = false;
        bob2.deactivated_by = Some("esnctl".into());
        let mut carol2 = carol.clone();
        carol2.active = true;
        let mut dave = User::new("dave");
        dave.email = Some("dave@x.fr".into());
        let mut ghost = User::new("ghost");
        ghost.email = Some("ghost@x.fr".into());

        let changes = vec![
            change(Action::Update, Some(alice.clone()), alice2.clone()),
            change(Action::Create, None, dave.clone()),
            change(Action::Deactivate, Some(bob.clone()), bob2.clone()),
            change(Action::Update, Some(ghost.clone()), ghost.clone()),
            change(Action::Reactivate, Some(carol.clone()), carol2.clone()),
        ];
        let results = csv.apply_users(&changes, &NoProgress).await.unwrap();
        assert!(results[0].is_ok() && results[1].is_ok() && results[2].is_ok());
        let err = results[3].as_ref().unwrap_err();
        assert!(err.contains("ghost") && err.contains("users.csv"), "{err}");
        assert!(results[4].is_ok());

        let after = csv.read_users(&NoProgress).await.unwrap().users;
        assert_eq!(after, vec![alice2, bob2, carol2, dave]);

        // Applying the same changes again leaves the same file (creates do not duplicate).
        let before = std::fs::read(&path).unwrap();
        csv.apply_users(&changes, &NoProgress).await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[tokio::test]
    async fn a_rename_onto_another_users_key_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(&path, "key\na\nb\n").unwrap();
        let csv = connector(&path);
        let mut renamed = User::new("B");
        renamed.title = Some("x".into());
        let results = csv
            .apply_users(
                &[change(Action::Update, Some(User::new("a")), renamed)],
                &NoProgress,
            )
            .await
            .unwrap();
        let err = results[0].as_ref().unwrap_err();
        assert!(err.contains("already"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "key\na\nb\n");
    }

    #[tokio::test]
    async fn apply_refuses_an_invalid_existing_file_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(&path, "key,active\na,maybe\n").unwrap();
        let csv = connector(&path);
        let err = csv
            .apply_users(&[change(Action::Create, None, User::new("b"))], &NoProgress)
            .await
            .unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::InvalidData);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "key,active\na,maybe\n"
        );
    }

    #[tokio::test]
    async fn rewriting_keeps_bom_line_ends_and_delimiter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(&path, "\u{feff}key;site\r\na;Lyon\r\n").unwrap();
        let mut ep = endpoint(&path);
        ep.settings
            .insert("delimiter".into(), toml::Value::String(";".into()));
        let csv = CsvConnector::open(&ep).unwrap();
        let results = csv
            .apply_users(&[change(Action::Create, None, User::new("b"))], &NoProgress)
            .await
            .unwrap();
        assert_eq!(results, vec![Ok(())]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("\u{feff}key;external_id;"), "{text}");
        assert!(
            text.ends_with("a;;;;;;;;;true;Lyon\r\nb;;;;;;;;;true;\r\n"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn concurrent_applies_do_not_lose_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        let csv = connector(&path);
        let applies = (0..8).map(|i| {
            let csv = csv.clone();
            async move {
                let c = change(Action::Create, None, User::new(format!("u{i}")));
                csv.apply_users(&[c], &NoProgress).await.unwrap()
            }
        });
        futures::future::join_all(applies).await;
        assert_eq!(csv.read_users(&NoProgress).await.unwrap().users.len(), 8);
    }

    #[tokio::test]
    async fn missing_file_is_an_error_naming_it_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.csv");
        let csv = connector(&path);
        let err = csv.read_users(&NoProgress).await.unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Failure);
        assert!(err.to_string().contains("nope.csv"), "{err}");
        let err = csv.check().await.unwrap_err();
        assert!(err.to_string().contains("nope.csv"), "{err}");
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn check_counts_users() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.csv");
        std::fs::write(&path, "key,active\na,\nb,no\nc,1\n").unwrap();
        assert_eq!(
            connector(&path).check().await.unwrap(),
            "CSV file, 3 users (1 inactive)"
        );
    }

    #[test]
    fn bad_settings_are_usage_errors() {
        let mut ep = endpoint(Path::new("users.csv"));
        ep.settings
            .insert("delimiter".into(), toml::Value::String(";;".into()));
        let err = CsvConnector::open(&ep).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Usage);

        let mut ep = endpoint(Path::new("users.csv"));
        ep.settings
            .insert("delimiter".into(), toml::Value::String("\"".into()));
        let err = CsvConnector::open(&ep).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Usage);

        let mut ep = endpoint(Path::new("users.csv"));
        ep.settings
            .insert("separator".into(), toml::Value::String(";".into()));
        let err = CsvConnector::open(&ep).unwrap_err();
        assert_eq!(exit_code_of(&err), ExitCode::Usage);
        assert!(err.to_string().contains("separator"), "{err}");
    }

    #[test]
    fn the_example_file_is_valid() {
        let bytes = include_bytes!("../../../examples/users.csv");
        let parsed = read::parse(bytes, "examples/users.csv", b',', false).unwrap();
        assert!(parsed.users.len() >= 12, "{}", parsed.users.len());
        assert_eq!(parsed.users.iter().filter(|u| !u.active).count(), 1);
        assert!(parsed.users.iter().all(|u| u.extra.contains_key("site")
            && u.email
                .as_deref()
                .is_some_and(|e| e.ends_with("@durand-fils.fr"))));
    }
}
