//! Users.csv and Groups.csv: the export's metadata, read in full and kept (one record per
//! person or group, not per message).

use super::body::{is_true, parse_time};
use super::table::Table;
use crate::core::model::{Community, User, Visibility};
use crate::error::Result;
use std::collections::{HashMap, HashSet};
use std::io::Read;

pub struct Meta {
    /// Users.csv in file order, with their origin (`Users.csv:3`).
    pub users: Vec<(String, User)>,
    /// Yammer user id → user key.
    pub user_keys: HashMap<String, String>,
    pub groups: Vec<(String, Community)>,
    /// Yammer group id → community key.
    pub group_keys: HashMap<String, String>,
    pub warnings: Vec<String>,
}

impl Meta {
    pub fn key_of(&self, user_id: &str) -> String {
        self.user_keys
            .get(user_id)
            .cloned()
            .unwrap_or_else(|| placeholder_key(user_id))
    }
}

/// The key given to an id that Users.csv does not list (deleted or external users).
pub fn placeholder_key(user_id: &str) -> String {
    format!("yammer-{user_id}")
}

pub fn placeholder_user(user_id: &str) -> User {
    let mut u = User::new(placeholder_key(user_id));
    u.external_id = Some(user_id.to_string());
    u.active = false;
    u.extra.insert("placeholder".into(), "true".into());
    u
}

/// Users.csv: `id, name, email, job_title, location, department, joined_at, deleted_at,
/// suspended_at, state, …`. The key is the email's local part (Yammer has no user
/// names), else `yammer-<id>`; a key taken twice gets `-<id>` appended.
/// Users with their origins, and warnings.
pub type UsersRead = (Vec<(String, User)>, Vec<String>);

pub fn read_users(file: &str, input: &mut dyn Read) -> Result<UsersRead> {
    let mut t = Table::open(file, input, &["id"])?;
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut taken = HashSet::new();
    let mut ids = HashSet::new();
    while let Some(row) = t.next_row()? {
        let id = row.required("id")?.to_string();
        if !ids.insert(id.clone()) {
            return Err(row.error("id", format!("user id {id} appears twice")));
        }
        let email = Some(row.get("email").to_string()).filter(|e| !e.is_empty());
        if let Some(e) = &email {
            if !e.contains('@') {
                return Err(row.error("email", format!("\"{e}\" is not an email address")));
            }
        }
        let base = email
            .as_deref()
            .and_then(|e| e.split('@').next())
            .filter(|l| !l.is_empty())
            .map(str::to_lowercase)
            .unwrap_or_else(|| placeholder_key(&id));
        let key = if taken.insert(base.clone()) {
            base
        } else {
            let k = format!("{base}-{id}");
            warnings.push(format!(
                "{}: user key \"{base}\" is taken by an earlier row; this user is \"{k}\"",
                row.origin()
            ));
            taken.insert(k.clone());
            k
        };
        let mut u = User::new(key);
        u.external_id = Some(id);
        u.email = email;
        let opt = |c: &str| Some(row.get(c).to_string()).filter(|v| !v.is_empty());
        u.display_name = opt("name");
        u.title = opt("job_title");
        u.department = opt("department");
        let state = row.get("state");
        u.active = (state.is_empty() || state.eq_ignore_ascii_case("active"))
            && row.get("deleted_at").is_empty()
            && row.get("suspended_at").is_empty();
        for (col, extra) in [("location", "location"), ("state", "state")] {
            if let Some(v) = opt(col) {
                u.extra.insert(extra.into(), v);
            }
        }
        if let Some(j) = opt("joined_at") {
            let t = parse_time(&j)
                .ok_or_else(|| row.error("joined_at", format!("\"{j}\" is not a date")))?;
            u.extra.insert("joined_at".into(), t.to_string());
        }
        out.push((row.origin(), u));
    }
    Ok((out, warnings))
}

/// Groups.csv: `id, name, description, private, deleted, creator_id, …`. The key is the
/// name in lowercase with runs of other characters than letters and digits turned into
/// `-` (letters of any script are kept); a key taken twice gets `-<id>` appended.
pub fn read_groups(
    file: &str,
    input: &mut dyn Read,
    user_keys: &HashMap<String, String>,
) -> Result<Vec<(String, Community)>> {
    let mut t = Table::open(file, input, &["id", "name"])?;
    let mut out = Vec::new();
    let mut taken: HashSet<String> = [ALL_COMPANY_KEY.to_string()].into();
    let mut ids = HashSet::new();
    while let Some(row) = t.next_row()? {
        let id = row.required("id")?.to_string();
        if !ids.insert(id.clone()) {
            return Err(row.error("id", format!("group id {id} appears twice")));
        }
        let name = row.required("name")?.to_string();
        let mut key = slug(&name);
        if key.is_empty() || !taken.insert(key.clone()) {
            key = if key.is_empty() {
                format!("group-{id}")
            } else {
                format!("{key}-{id}")
            };
            taken.insert(key.clone());
        }
        let mut c = Community {
            key,
            name,
            ..Default::default()
        };
        c.description = Some(row.get("description").to_string()).filter(|d| !d.is_empty());
        c.visibility = if is_true(row.get("private")) {
            Visibility::Private
        } else {
            Visibility::Public
        };
        c.archived = is_true(row.get("deleted"));
        if let Some(k) = user_keys.get(row.get("creator_id")) {
            c.owners.push(k.clone());
        }
        c.extra.insert("yammer_id".into(), id);
        out.push((row.origin(), c));
    }
    Ok(out)
}

/// Messages without a group were posted to the network's "All Company" feed.
pub const ALL_COMPANY_KEY: &str = "all-company";

pub fn all_company() -> Community {
    let mut c = Community {
        key: ALL_COMPANY_KEY.into(),
        name: "All Company".into(),
        ..Default::default()
    };
    c.extra.insert("kind".into(), "network_feed".into());
    c
}

/// Lowercase; every run of characters that are not letters or digits becomes one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A private conversation's community: its participants, in id order.
pub fn dm_community(key: &str, member_keys: &[String], names: &[String]) -> Community {
    let mut c = Community {
        key: key.to_string(),
        name: names.join(", "),
        visibility: Visibility::Secret,
        ..Default::default()
    };
    c.extra.insert("kind".into(), "dm".into());
    c.extra.insert("members".into(), member_keys.join(","));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_any_script() {
        assert_eq!(slug("Équipe Été — Lyon!"), "équipe-été-lyon");
        assert_eq!(slug("東京 オフィス"), "東京-オフィス");
        assert_eq!(slug("🎉"), "");
    }

    #[test]
    fn user_keys_from_email_with_collisions() {
        let csv = "\u{feff}id,name,email,state\n1,Léa,Lea@x.io,active\n2,Lea B,lea@y.io,soft_delete\n3,山田,,active\n";
        let (users, warnings) = read_users("Users.csv", &mut csv.as_bytes()).unwrap();
        let keys: Vec<_> = users.iter().map(|(_, u)| u.key.as_str()).collect();
        assert_eq!(keys, ["lea", "lea-2", "yammer-3"]);
        assert!(!users[1].1.active && users[0].1.active);
        assert_eq!(warnings.len(), 1);
    }
}
