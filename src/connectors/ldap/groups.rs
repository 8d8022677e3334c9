//! Group members: nested groups expanded to people (with cycle detection), and Active
//! Directory's ranged retrieval of big `member` attributes.

use crate::connectors::directory::{normalize_dn, DirEntry};
use crate::core::model::{DirectoryGroup, User};
use crate::error::{Error, Result};
use async_trait::async_trait;
use std::collections::{HashMap, HashSet};

/// AD's transitive-membership matching rule (LDAP_MATCHING_RULE_IN_CHAIN).
pub const IN_CHAIN: &str = "1.2.840.113556.1.4.1941";

/// Fills each group's `member_keys`: members that are active people (by DN, or by key for
/// `posixGroup` `memberUid`), with nested groups among `groups` expanded recursively. A
/// group reached twice (a cycle, or a diamond) is expanded once. Members that are neither
/// such a person nor a known group are counted in one warning per group.
pub fn resolve_members(
    groups: &mut [DirectoryGroup],
    key_by_dn: &HashMap<String, String>,
    users: &[User],
    warnings: &mut Vec<String>,
) {
    if groups.is_empty() {
        return; // A read of people only: no index of every user to build.
    }
    let active: HashSet<&str> = users
        .iter()
        .filter(|u| u.active)
        .map(|u| u.key.as_str())
        .collect();
    let by_lower_key: HashMap<String, &str> = users
        .iter()
        .map(|u| (u.key.to_lowercase(), u.key.as_str()))
        .collect();
    let group_index: HashMap<String, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (normalize_dn(&g.dn), i))
        .collect();

    let mut resolved = Vec::with_capacity(groups.len());
    for root in 0..groups.len() {
        let mut keys: Vec<String> = Vec::new();
        let mut seen_keys: HashSet<String> = HashSet::new();
        let mut unresolved: Vec<&str> = Vec::new();
        let mut visited: HashSet<usize> = HashSet::from([root]);
        let mut stack = vec![root];
        while let Some(g) = stack.pop() {
            for member in &groups[g].members {
                let key = if member.contains('=') {
                    let dn = normalize_dn(member);
                    if let Some(&sub) = group_index.get(&dn) {
                        if visited.insert(sub) {
                            stack.push(sub);
                        }
                        continue;
                    }
                    key_by_dn.get(&dn).map(String::as_str)
                } else {
                    by_lower_key.get(&member.to_lowercase()).copied()
                };
                match key {
                    Some(k) if active.contains(k) && seen_keys.insert(k.to_lowercase()) => {
                        keys.push(k.to_string());
                    }
                    // Inactive people are not made members; they are deactivated anyway.
                    Some(_) => {}
                    None if g == root => unresolved.push(member),
                    None => {}
                }
            }
        }
        if let Some(first) = unresolved.first() {
            warnings.push(format!(
                "group \"{}\": {} member(s) are not among the people read (missing, \
                 filtered out or skipped), e.g. \"{first}\"",
                groups[root].key,
                unresolved.len()
            ));
        }
        resolved.push(keys);
    }
    for (g, keys) in groups.iter_mut().zip(resolved) {
        g.member_keys = keys;
    }
}

/// `member;range=1500-2999` → `(1500, Some(2999))`; `member;range=3000-*` → `(3000, None)`.
/// `None` when `name` is not a range of `attr`.
pub fn parse_range(name: &str, attr: &str) -> Option<(u64, Option<u64>)> {
    let (base, option) = name.split_once(';')?;
    if !base.eq_ignore_ascii_case(attr) {
        return None;
    }
    let range = option
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("range="))
        .map(|_| &option[6..])?;
    let (low, high) = range.split_once('-')?;
    let low = low.parse().ok()?;
    let high = match high {
        "*" => None,
        h => Some(h.parse().ok()?),
    };
    Some((low, high))
}

/// The range part of an entry: `(name, low, high)` of its first `attr;range=…` attribute.
fn range_in<'e>(entry: &'e DirEntry, attr: &str) -> Option<(&'e str, u64, Option<u64>)> {
    entry
        .attributes()
        .find_map(|(n, _)| parse_range(n, attr).map(|(lo, hi)| (n, lo, hi)))
}

/// Reads single entries; the LDAP session in production, a fake server in the tests of
/// the range loop.
#[async_trait]
pub trait EntryReader: Send {
    async fn read_entry(&mut self, dn: &str, attrs: &[String]) -> Result<Option<DirEntry>>;
}

/// Completes `attr` on `entry` when the server returned only a range of it (Active
/// Directory does past MaxValRange, 1,500 values): asks for `attr;range=N-*` until the
/// server answers with a final `…-*` range, then stores every value under `attr`.
/// Returns the number of extra requests.
pub async fn complete_ranged(
    reader: &mut dyn EntryReader,
    entry: &mut DirEntry,
    attr: &str,
) -> Result<usize> {
    let Some((name, low, mut high)) = range_in(entry, attr) else {
        return Ok(0);
    };
    if low != 0 {
        return Err(Error::runtime(format!(
            "{}: the server returned {name} without the first values",
            entry.dn
        ))
        .into());
    }
    let mut values: Vec<Vec<u8>> = entry.get(name).to_vec();
    let mut requests = 0;
    while let Some(end) = high {
        let next = end + 1;
        let want = format!("{attr};range={next}-*");
        requests += 1;
        let part = reader
            .read_entry(&entry.dn, std::slice::from_ref(&want))
            .await?
            .ok_or_else(|| {
                Error::runtime(format!(
                    "{}: the group vanished while reading its {attr} values",
                    entry.dn
                ))
            })?;
        let Some((name, lo, hi)) = range_in(&part, attr) else {
            return Err(Error::runtime(format!(
                "{}: the server returned no {attr} range for {want}",
                entry.dn
            ))
            .into());
        };
        // Each answer must continue where the last one stopped, or we would loop forever.
        if lo != next || hi.is_some_and(|h| h < lo) {
            return Err(
                Error::runtime(format!("{}: asked for {want}, got {name}", entry.dn)).into(),
            );
        }
        values.extend(part.get(name).iter().cloned());
        high = hi;
    }
    let mut rebuilt = DirEntry::new(entry.dn.clone());
    for (n, vals) in entry.attributes() {
        if parse_range(n, attr).is_none() && !n.eq_ignore_ascii_case(attr) {
            for v in vals {
                rebuilt.add_value(n, v.clone());
            }
        }
    }
    for v in values {
        rebuilt.add_value(attr, v);
    }
    *entry = rebuilt;
    Ok(requests)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        assert_eq!(
            parse_range("member;range=0-1499", "member"),
            Some((0, Some(1499)))
        );
        assert_eq!(
            parse_range("Member;Range=1500-*", "member"),
            Some((1500, None))
        );
        assert_eq!(parse_range("member", "member"), None);
        assert_eq!(parse_range("member;range=a-b", "member"), None);
        assert_eq!(parse_range("uniqueMember;range=0-1", "member"), None);
    }

    /// Active Directory's behaviour: at most `max` values per answer, the last range
    /// ends with `*`.
    struct FakeAd {
        members: Vec<String>,
        max: usize,
        requests: Vec<String>,
    }

    #[async_trait]
    impl EntryReader for FakeAd {
        async fn read_entry(&mut self, dn: &str, attrs: &[String]) -> Result<Option<DirEntry>> {
            self.requests.push(attrs[0].clone());
            let (_, lo, _) = parse_range(&attrs[0], "member")
                .map(|(lo, hi)| ("", lo, hi))
                .expect("range request");
            Ok(Some(self.answer(dn, lo as usize)))
        }
    }

    impl FakeAd {
        fn answer(&self, dn: &str, lo: usize) -> DirEntry {
            let hi = (lo + self.max).min(self.members.len());
            let name = if hi == self.members.len() {
                format!("member;range={lo}-*")
            } else {
                format!("member;range={lo}-{}", hi - 1)
            };
            let mut e = DirEntry::new(dn);
            e.add_value("cn", b"big".to_vec());
            for m in &self.members[lo..hi] {
                e.add_value(&name, m.clone().into_bytes());
            }
            e
        }
    }

    #[tokio::test]
    async fn ranged_retrieval_collects_every_value_in_order() {
        let members: Vec<String> = (0..3200).map(|i| format!("CN=u{i},DC=corp")).collect();
        let mut ad = FakeAd {
            members: members.clone(),
            max: 1500,
            requests: Vec::new(),
        };
        let mut entry = ad.answer("CN=big,DC=corp", 0);
        let n = complete_ranged(&mut ad, &mut entry, "member")
            .await
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(ad.requests, ["member;range=1500-*", "member;range=3000-*"]);
        let got: Vec<&[u8]> = entry.get("member").iter().map(Vec::as_slice).collect();
        let want: Vec<&[u8]> = members.iter().map(|m| m.as_bytes()).collect();
        assert_eq!(got, want);
        assert_eq!(entry.first_str("cn"), Some("big"));
        assert!(entry.attributes().all(|(n, _)| !n.contains(';')));
    }

    #[tokio::test]
    async fn small_groups_need_no_range_request_and_bad_ranges_fail() {
        let mut ad = FakeAd {
            members: vec!["CN=a".into()],
            max: 1500,
            requests: Vec::new(),
        };
        let mut plain = DirEntry::from_pairs("CN=g", [("member", ["CN=a"])]);
        assert_eq!(
            complete_ranged(&mut ad, &mut plain, "member")
                .await
                .unwrap(),
            0
        );
        assert_eq!(plain.get("member").len(), 1);

        // A server that repeats the same range must not loop forever.
        struct Stuck;
        #[async_trait]
        impl EntryReader for Stuck {
            async fn read_entry(&mut self, dn: &str, _: &[String]) -> Result<Option<DirEntry>> {
                Ok(Some(DirEntry::from_pairs(
                    dn,
                    [("member;range=0-1", ["x", "y"])],
                )))
            }
        }
        let mut e = DirEntry::from_pairs("CN=g", [("member;range=0-1", ["x", "y"])]);
        let err = complete_ranged(&mut Stuck, &mut e, "member")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("asked for member;range=2-*"),
            "{err}"
        );
    }

    fn group(dn: &str, members: &[&str]) -> DirectoryGroup {
        DirectoryGroup {
            dn: dn.into(),
            key: dn[3..dn.find(',').unwrap()].into(),
            members: members.iter().map(|m| m.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn nested_groups_expand_and_cycles_terminate() {
        let mut groups = vec![
            group("cn=a,dc=x", &["cn=b,dc=x", "uid=p1,dc=x"]),
            group("cn=b,dc=x", &["CN=A, DC=x", "uid=p2,dc=x", "uid=gone,dc=x"]),
            group("cn=posix,dc=x", &["P3", "p4"]),
        ];
        let mut users: Vec<User> = ["p1", "p2", "p3", "p4"].map(User::new).to_vec();
        users[3].active = false;
        let key_by_dn: HashMap<String, String> = ["p1", "p2", "p3", "p4"]
            .iter()
            .map(|k| (format!("uid={k},dc=x"), k.to_string()))
            .collect();
        let mut warnings = Vec::new();
        resolve_members(&mut groups, &key_by_dn, &users, &mut warnings);
        assert_eq!(groups[0].member_keys, ["p1", "p2"]);
        assert_eq!(groups[1].member_keys, ["p2", "p1"]);
        assert_eq!(groups[2].member_keys, ["p3"]);
        // The dangling member is reported once, for the group that lists it.
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("group \"b\": 1 member(s)"),
            "{warnings:?}"
        );
    }
}
