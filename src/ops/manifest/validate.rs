//! Checks a manifest before anything is written: keys, parents, and the people it names.

use super::{Manifest, Problems};
use crate::core::model::User;
use std::collections::HashMap;

/// Structural checks: empty or duplicate keys (case-insensitive), missing names, a parent
/// that is neither in the manifest nor on the destination, parent cycles, a welcome post
/// without an owner to write it. `existing` says whether the destination has a community
/// with that key.
pub fn check_structure(
    manifest: &Manifest,
    existing: &dyn Fn(&str) -> bool,
    problems: &mut Problems,
) {
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for e in &manifest.entries {
        if e.key.is_empty() {
            problems.add(e.line, Some("key"), "empty; every community needs a key");
            continue;
        }
        if e.key.contains(char::is_whitespace) {
            problems.add(
                e.line,
                Some("key"),
                format!("\"{}\" contains spaces", e.key),
            );
        }
        if e.name.trim().is_empty() {
            problems.add(
                e.line_of("name"),
                Some("name"),
                "missing or empty; every community needs a name",
            );
        }
        match first_line.get(&e.key.to_lowercase()) {
            Some(first) => problems.add(
                e.line,
                Some("key"),
                format!(
                    "duplicate key \"{}\", already on line {first} (keys are case-insensitive)",
                    e.key
                ),
            ),
            None => {
                first_line.insert(e.key.to_lowercase(), e.line);
            }
        }
        if e.welcome.is_some() && e.owners.is_empty() {
            problems.add(
                e.line_of("welcome"),
                Some("welcome"),
                "a welcome post needs an owner to write it; add owners",
            );
        }
    }

    let parent_of: HashMap<String, &str> = manifest
        .entries
        .iter()
        .filter_map(|e| Some((e.key.to_lowercase(), e.parent.as_deref()?)))
        .collect();
    for e in &manifest.entries {
        let Some(parent) = e.parent.as_deref() else {
            continue;
        };
        let line = e.line_of("parent");
        if !first_line.contains_key(&parent.to_lowercase()) && !existing(parent) {
            problems.add(
                line,
                Some("parent"),
                format!("unknown parent \"{parent}\": no community with that key in the manifest or on the destination"),
            );
            continue;
        }
        // Walk up from this community; coming back to it is a cycle. Each cycle is
        // reported on every line that takes part in it.
        let start = e.key.to_lowercase();
        let mut path = vec![e.key.clone()];
        let mut at = parent.to_lowercase();
        let mut steps = 0;
        while let Some(&next) = parent_of.get(&at) {
            path.push(at.clone());
            if at == start || steps > parent_of.len() {
                break;
            }
            at = next.to_lowercase();
            steps += 1;
        }
        if at == start {
            if path.len() == 2 {
                problems.add(
                    line,
                    Some("parent"),
                    format!("\"{}\" is its own parent", e.key),
                );
            } else {
                problems.add(
                    line,
                    Some("parent"),
                    format!("parent cycle: {}", path.join(" → ")),
                );
            }
        }
    }
}

/// The people owners and members may name: the destination's users first, then the
/// directory's. Names match a user key or an email, case-insensitively.
#[derive(Debug, Default)]
pub struct People {
    by_key: HashMap<String, Person>,
    /// `None` when several users share the email.
    by_email: HashMap<String, Option<String>>,
}

#[derive(Debug, Clone)]
struct Person {
    key: String,
    /// Known to the destination, not only to the directory.
    on_destination: bool,
    active: bool,
}

/// A resolved name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub key: String,
    pub on_destination: bool,
    pub active: bool,
}

impl People {
    /// Adds users; the first record of a key wins (add the destination's first).
    pub fn add(&mut self, users: &[User], on_destination: bool) {
        for u in users {
            let lower = u.key.to_lowercase();
            if self.by_key.contains_key(&lower) {
                continue;
            }
            self.by_key.insert(
                lower.clone(),
                Person {
                    key: u.key.clone(),
                    on_destination,
                    active: u.active,
                },
            );
            if let Some(email) = &u.email {
                self.by_email
                    .entry(email.to_lowercase())
                    .and_modify(|k| {
                        if k.as_deref() != Some(lower.as_str()) {
                            *k = None;
                        }
                    })
                    .or_insert(Some(lower));
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The user a name (key or email) denotes; `Err` says why there is none.
    pub fn resolve(&self, name: &str) -> Result<Resolved, String> {
        let lower = name.to_lowercase();
        let person = match self.by_key.get(&lower) {
            Some(p) => p,
            None => match self.by_email.get(&lower) {
                Some(Some(key)) => &self.by_key[key],
                Some(None) => return Err(format!("\"{name}\" is the email of several users")),
                None => return Err(format!("unknown user \"{name}\"")),
            },
        };
        Ok(Resolved {
            key: person.key.clone(),
            on_destination: person.on_destination,
            active: person.active,
        })
    }

    /// Looks a user up by key only (directory `memberUid` values, DN first RDNs).
    pub fn by_key(&self, key: &str) -> Option<Resolved> {
        self.by_key.get(&key.to_lowercase()).map(|p| Resolved {
            key: p.key.clone(),
            on_destination: p.on_destination,
            active: p.active,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::manifest::Entry;

    fn entry(line: u64, key: &str, parent: Option<&str>) -> Entry {
        Entry {
            line,
            key: key.into(),
            name: key.to_uppercase(),
            parent: parent.map(str::to_string),
            ..Default::default()
        }
    }

    fn check(entries: Vec<Entry>) -> String {
        let m = Manifest {
            file: "m.csv".into(),
            entries,
        };
        let mut p = Problems::new("m.csv");
        check_structure(&m, &|k| k == "on-dest", &mut p);
        p.to_string()
    }

    #[test]
    fn reports_duplicates_unknown_parents_and_cycles_together() {
        let text = check(vec![
            entry(2, "hq", None),
            entry(3, "HQ", None),
            entry(4, "store", Some("region")),
            entry(5, "a", Some("b")),
            entry(6, "b", Some("a")),
            entry(7, "self", Some("self")),
            entry(8, "ok", Some("on-dest")),
            entry(9, "under-cycle", Some("a")),
        ]);
        assert!(
            text.contains("m.csv:3: field \"key\": duplicate key \"HQ\", already on line 2"),
            "{text}"
        );
        assert!(
            text.contains("m.csv:4: field \"parent\": unknown parent \"region\""),
            "{text}"
        );
        assert!(
            text.contains("m.csv:5: field \"parent\": parent cycle: a → b → a"),
            "{text}"
        );
        assert!(
            text.contains("m.csv:6: field \"parent\": parent cycle: b → a → b"),
            "{text}"
        );
        assert!(
            text.contains("m.csv:7: field \"parent\": \"self\" is its own parent"),
            "{text}"
        );
        assert!(
            !text.contains("m.csv:8") && !text.contains("m.csv:9"),
            "{text}"
        );
    }

    #[test]
    fn people_resolve_by_key_then_email_preferring_the_destination() {
        let mut dest = User::new("MDurand");
        dest.email = Some("marie@x.example".into());
        let mut dir = User::new("mdurand");
        dir.email = Some("other@x.example".into());
        let mut lea = User::new("lea");
        lea.email = Some("lea@x.example".into());
        let mut people = People::default();
        people.add(&[dest], true);
        people.add(&[dir, lea], false);
        let r = people.resolve("mdurand").unwrap();
        assert_eq!((r.key.as_str(), r.on_destination), ("MDurand", true));
        assert_eq!(people.resolve("LEA@x.example").unwrap().key, "lea");
        assert!(people
            .resolve("ghost")
            .unwrap_err()
            .contains("unknown user"));
    }
}
