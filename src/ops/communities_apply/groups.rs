//! Directory groups named by a manifest's `group` field, resolved to user keys.
//!
//! A reference is a group DN or a cn, passed to the directory's group filter (LDIF and
//! LDAP read both). Members are resolved as follows:
//! - a value without `=` (posixGroup `memberUid`) is a username;
//! - a DN whose first RDN value is a directory username (`uid=mdurand,ou=people,…`) is
//!   that user;
//! - any other DN is looked up as a group and expanded (nested groups), once, even when
//!   groups nest in a cycle.
//!
//! Members that are no directory user (an entry outside the user filter, a deactivated
//! account) are left out with one warning per group: a directory group is what it is,
//! not a manifest error.

use crate::connectors::directory::normalize_dn;
use crate::connectors::ReadGroups;
use crate::core::model::DirectoryGroup;
use crate::error::{Error, Kind, Result};
use crate::ops::manifest::validate::People;
use crate::ops::manifest::{Manifest, Problems};
use std::collections::{HashMap, HashSet};

/// Member keys of every group the manifest names, keyed by the reference as written.
pub(super) async fn resolve(
    manifest: &Manifest,
    reader: &dyn ReadGroups,
    people: &People,
    problems: &mut Problems,
    warnings: &mut Vec<String>,
) -> Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    let mut cache: HashMap<String, Option<DirectoryGroup>> = HashMap::new();
    for e in &manifest.entries {
        let Some(reference) = e.group.as_deref() else {
            continue;
        };
        if out.contains_key(reference) {
            continue;
        }
        let line = e.line_of("group");
        let group = match lookup(reader, reference, &mut cache).await? {
            Lookup::Found(g) => g,
            Lookup::Missing => {
                problems.add(
                    line,
                    Some("group"),
                    format!("no directory group \"{reference}\""),
                );
                continue;
            }
            Lookup::Ambiguous(n) => {
                problems.add(
                    line,
                    Some("group"),
                    format!("\"{reference}\" names {n} directory groups; give its DN"),
                );
                continue;
            }
        };
        let mut keys = Vec::new();
        let mut skipped = Vec::new();
        let mut seen_groups = HashSet::from([normalize_dn(&group.dn)]);
        let mut queue = vec![group];
        while let Some(g) = queue.pop() {
            for member in &g.members {
                match member_user(member, people) {
                    Some(Ok(key)) => {
                        if !keys.iter().any(|k: &String| k.eq_ignore_ascii_case(&key)) {
                            keys.push(key);
                        }
                    }
                    Some(Err(())) => skipped.push(member.clone()),
                    None => {
                        if !seen_groups.insert(normalize_dn(member)) {
                            continue;
                        }
                        match lookup(reader, member, &mut cache).await? {
                            Lookup::Found(nested) => queue.push(nested),
                            _ => skipped.push(member.clone()),
                        }
                    }
                }
            }
        }
        if !skipped.is_empty() {
            warnings.push(format!(
                "{}:{line}: group \"{reference}\": {} member(s) are not active directory users and \
                 are left out: {}",
                manifest.file,
                skipped.len(),
                skipped.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
            ));
        }
        out.insert(reference.to_string(), keys);
    }
    Ok(out)
}

/// What a group reference names.
enum Lookup {
    Found(DirectoryGroup),
    Missing,
    Ambiguous(usize),
}

/// One group by DN or cn. A directory that fails is an error, never "no such group".
async fn lookup(
    reader: &dyn ReadGroups,
    reference: &str,
    cache: &mut HashMap<String, Option<DirectoryGroup>>,
) -> Result<Lookup> {
    let id = if reference.contains('=') {
        normalize_dn(reference)
    } else {
        reference.to_lowercase()
    };
    if let Some(hit) = cache.get(&id) {
        return Ok(hit.clone().map_or(Lookup::Missing, Lookup::Found));
    }
    let found = match reader.read_groups(Some(reference)).await {
        Ok(groups) => groups,
        Err(e) if is_not_found(&e) => Vec::new(),
        Err(e) => return Err(e.context(format!("reading directory group \"{reference}\""))),
    };
    let hit = match found.len() {
        0 => None,
        1 => found.into_iter().next(),
        n => return Ok(Lookup::Ambiguous(n)),
    };
    cache.insert(id, hit.clone());
    Ok(hit.map_or(Lookup::Missing, Lookup::Found))
}

fn is_not_found(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<Error>()
            .is_some_and(|e| e.kind == Kind::NotFound)
    })
}

/// `Some(Ok(key))` for an active directory user, `Some(Err(()))` for a user value that
/// names nobody usable, `None` for a DN that may be a group.
fn member_user(member: &str, people: &People) -> Option<Result<String, ()>> {
    let usable = |key: &str| people.by_key(key).filter(|r| r.active).map(|r| r.key);
    if !member.contains('=') {
        return Some(usable(member.trim()).ok_or(()));
    }
    let first_rdn = member.split(',').next().unwrap_or_default();
    let value = first_rdn
        .split_once('=')
        .map(|(_, v)| v.trim())
        .unwrap_or_default();
    match people.by_key(value) {
        Some(r) if r.active => Some(Ok(r.key)),
        Some(_) => Some(Err(())),
        None => None,
    }
}
