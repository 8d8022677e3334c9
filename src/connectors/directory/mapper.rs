//! [`DirectoryMapper`]: directory entries to canonical users and directory groups.

use super::dn::{normalized_dn, strip_unique_id};
use super::{
    id_value, is_disabled, is_guid_value, AttributeMap, AttributeOverrides, DirEntry, Flavor,
};
use crate::connectors::UserSet;
use crate::core::model::{lowercase, DirectoryGroup, User};
use foldhash::HashMapExt;
use std::borrow::Cow;
use std::collections::HashMap;

/// The values a person's record takes from its entry: each is moved out of an owned entry
/// when no other field wants it, else copied.
struct Values {
    wanted: Vec<(usize, usize)>,
}

impl Values {
    fn new() -> Self {
        Values {
            wanted: Vec::with_capacity(16),
        }
    }

    fn want(&mut self, at: Option<(usize, usize)>) -> Option<(usize, usize)> {
        self.wanted.extend(at);
        at
    }

    /// The (UTF-8, checked when located) text at `at`, which [`want`](Self::want) saw.
    fn take(&mut self, entry: &mut Cow<'_, DirEntry>, at: (usize, usize)) -> String {
        if let Some(n) = self.wanted.iter().position(|w| *w == at) {
            self.wanted.swap_remove(n);
        }
        let bytes = match entry {
            Cow::Owned(e) if !self.wanted.contains(&at) => {
                std::mem::take(&mut e.attrs[at.0].1[at.1])
            }
            e => e.attrs[at.0].1[at.1].clone(),
        };
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

fn is_person(entry: &DirEntry) -> bool {
    ["inetOrgPerson", "person", "organizationalPerson", "user"]
        .iter()
        .any(|c| entry.is_a(c))
        && !entry.is_a("computer")
}

fn is_group(entry: &DirEntry) -> bool {
    ["groupOfNames", "groupOfUniqueNames", "group", "posixGroup"]
        .iter()
        .any(|c| entry.is_a(c))
}

/// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("\"{s}\"")).collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.concat(),
    }
}

/// A mapped person waiting for conflict checks and manager resolution.
struct Person {
    dn: String,
    user: User,
    manager_dn: Option<String>,
}

/// What [`DirectoryMapper::finish`] returns.
#[derive(Debug, Default)]
pub struct MappedDirectory {
    pub users: UserSet,
    pub groups: Vec<DirectoryGroup>,
    /// Skipped or conflicting groups, one line each.
    pub group_warnings: Vec<String>,
    /// The defaults used: given, or detected from the first person entry.
    pub flavor: Option<Flavor>,
    /// Normalized DN ([`normalize_dn`]) → key of every person returned in `users`.
    pub person_keys: HashMap<String, String>,
}

/// Turns a stream of entries into users and groups. Memory holds the mapped records, not
/// the entries. Rules:
/// - people are `inetOrgPerson`, `person`, `organizationalPerson` or `user` entries, not
///   `computer`; groups are `groupOfNames`/AD `group` (`member`), `groupOfUniqueNames`
///   (`uniqueMember`) and `posixGroup` (`memberUid`: uids, kept as they are); group key = `cn`;
/// - a person without the key or email attribute is skipped with a warning and held;
/// - a key or email (case-insensitive) shared by several people is a conflict: none of them
///   is returned, all are held, one warning names their DNs; same for group keys;
/// - extra `mail` values go to `extra["other_emails"]`, space-separated;
/// - `manager` (a DN) becomes the manager's key when that person is returned, else `None`.
pub struct DirectoryMapper {
    flavor: Option<Flavor>,
    overrides: AttributeOverrides,
    map: Option<AttributeMap>,
    people: Vec<Person>,
    groups: Vec<DirectoryGroup>,
    warnings: Vec<String>,
    group_warnings: Vec<String>,
    held: Vec<User>,
}

impl DirectoryMapper {
    /// `flavor: None` picks the defaults from the first person entry ([`Flavor::detect`]).
    pub fn new(flavor: Option<Flavor>, overrides: AttributeOverrides) -> Self {
        DirectoryMapper {
            map: flavor.map(|f| AttributeMap::for_flavor(f).with(&overrides)),
            flavor,
            overrides,
            people: Vec::new(),
            groups: Vec::new(),
            warnings: Vec::new(),
            group_warnings: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Uses exactly this map.
    pub fn with_map(map: AttributeMap) -> Self {
        let mut mapper = Self::new(None, AttributeOverrides::default());
        mapper.map = Some(map);
        mapper
    }

    pub fn push(&mut self, entry: &DirEntry) {
        if is_person(entry) {
            self.push_person(Cow::Borrowed(entry));
        } else if is_group(entry) {
            self.push_group(entry);
        }
    }

    /// [`push`](Self::push) taking the entry: the values a person's record keeps move
    /// into it instead of being copied (a 100k-people read then copies no value).
    pub fn push_owned(&mut self, entry: DirEntry) {
        if is_person(&entry) {
            self.push_person(Cow::Owned(entry));
        } else if is_group(&entry) {
            self.push_group(&entry);
        }
    }

    fn push_person(&mut self, entry: Cow<'_, DirEntry>) {
        let (flavor, overrides) = (&mut self.flavor, &self.overrides);
        let map = self.map.get_or_insert_with(|| {
            let detected = Flavor::detect(&entry);
            *flavor = Some(detected);
            AttributeMap::for_flavor(detected).with(overrides)
        });
        // Where each value is, found on the borrowed entry; the values move afterwards.
        let e: &DirEntry = &entry;
        let mut values = Values::new();
        let key = values.want(map.locate_text(e, "key"));
        let active = !is_disabled(e);
        let mut external_id = None;
        let mut external_id_at = None;
        if let Some((attr, i)) = map.attributes("external_id").iter().find_map(|a| {
            let i = e.position(a)?;
            e.attrs[i].1.first().filter(|v| !v.is_empty())?;
            Some((a, i))
        }) {
            let value = &e.attrs[i].1[0];
            if std::str::from_utf8(value).is_ok() && !is_guid_value(attr, value) {
                external_id_at = values.want(Some((i, 0)));
            } else {
                external_id = Some(id_value(attr, value));
            }
        }
        let email_values: Vec<(usize, usize)> = map
            .attributes("email")
            .iter()
            .filter_map(|a| e.position(a))
            .find(|&i| !e.attrs[i].1.is_empty())
            .map(|i| {
                (0..e.attrs[i].1.len())
                    .filter(|&j| std::str::from_utf8(&e.attrs[i].1[j]).is_ok_and(|s| !s.is_empty()))
                    .map(|j| (i, j))
                    .collect()
            })
            .unwrap_or_default();
        let other_emails = (email_values.len() > 1).then(|| {
            let others: Vec<&str> = email_values[1..]
                .iter()
                .map(|&(i, j)| e.text_at((i, j)))
                .collect();
            others.join(" ")
        });
        let email = values.want(email_values.first().copied());
        const TEXT_FIELDS: [&str; 5] = [
            "display_name",
            "given_name",
            "family_name",
            "title",
            "department",
        ];
        let texts = TEXT_FIELDS.map(|field| values.want(map.locate_text(e, field)));
        let extras: Vec<(&str, Option<(usize, usize)>)> = map
            .extras()
            .map(|(name, attrs)| {
                let at = attrs.iter().find_map(|a| {
                    let i = e.position(a)?;
                    std::str::from_utf8(e.attrs[i].1.first()?).ok()?;
                    Some((i, 0))
                });
                (name, values.want(at))
            })
            .collect();
        let manager = values.want(map.locate_text(e, "manager"));

        let mut entry = entry;
        let mut user = User::new(
            key.map(|at| values.take(&mut entry, at))
                .unwrap_or_default(),
        );
        user.active = active;
        user.external_id =
            external_id.or_else(|| external_id_at.map(|at| values.take(&mut entry, at)));
        if let Some(at) = email {
            user.email = Some(values.take(&mut entry, at));
            if let Some(others) = other_emails {
                user.extra.insert("other_emails".into(), others);
            }
        }
        for (field, at) in TEXT_FIELDS.into_iter().zip(texts) {
            user.set_field(field, at.map(|at| values.take(&mut entry, at)));
        }
        for (name, at) in extras {
            if let Some(at) = at {
                user.extra
                    .insert(name.to_string(), values.take(&mut entry, at));
            }
        }
        let manager_dn = manager.map(|at| values.take(&mut entry, at));

        let missing = if user.key.is_empty() {
            map.attributes("key").first()
        } else if user.email.is_none() {
            map.attributes("email").first()
        } else {
            None
        };
        if let Some(attr) = missing {
            self.warnings
                .push(format!("skipped \"{}\": no {attr} attribute", entry.dn));
            // Whatever identifies the record protects its destination account.
            if !user.key.is_empty() || user.email.is_some() || user.external_id.is_some() {
                self.held.push(user);
            }
            return;
        }
        self.people.push(Person {
            dn: match entry {
                Cow::Owned(e) => e.dn,
                Cow::Borrowed(e) => e.dn.clone(),
            },
            user,
            manager_dn,
        });
    }

    fn push_group(&mut self, entry: &DirEntry) {
        let Some(cn) = entry.first_str("cn").filter(|c| !c.is_empty()) else {
            self.group_warnings
                .push(format!("skipped group \"{}\": no cn attribute", entry.dn));
            return;
        };
        let texts = |attr| {
            entry
                .get(attr)
                .iter()
                .filter_map(|v| std::str::from_utf8(v).ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let members = texts("member")
            .chain(texts("uniqueMember").map(strip_unique_id))
            .chain(texts("memberUid"))
            .map(str::to_string)
            .collect();
        self.groups.push(DirectoryGroup {
            dn: entry.dn.clone(),
            key: cn.to_string(),
            name: entry.first_str("displayName").unwrap_or(cn).to_string(),
            description: entry.first_str("description").map(str::to_string),
            members,
            member_keys: Vec::new(),
        });
    }

    pub fn finish(mut self) -> MappedDirectory {
        let (users, key_by_dn) = self.resolve_people(true);
        let mut groups_out = vec![false; self.groups.len()];
        for idxs in duplicates(&self.groups, |g| Some(g.key.as_str())) {
            self.group_warnings.push(format!(
                "conflict: group key \"{}\" is shared by {}; none of them is used",
                self.groups[idxs[0]].key,
                quoted_list(idxs.iter().map(|&i| self.groups[i].dn.as_str()))
            ));
            idxs.iter().for_each(|&i| groups_out[i] = true);
        }
        let mut groups: Vec<DirectoryGroup> = self
            .groups
            .into_iter()
            .zip(groups_out)
            .filter_map(|(g, out)| (!out).then_some(g))
            .collect();
        crate::connectors::ldap::groups::resolve_members(
            &mut groups,
            &key_by_dn,
            &users,
            &mut self.group_warnings,
        );

        MappedDirectory {
            users: UserSet {
                users,
                warnings: self.warnings,
                held: self.held,
            },
            groups,
            group_warnings: self.group_warnings,
            flavor: self.flavor,
            person_keys: key_by_dn,
        }
    }

    /// The users of [`finish`](Self::finish) alone: groups and the DN → key map are
    /// neither resolved nor built.
    pub fn finish_users(mut self) -> UserSet {
        let (users, _) = self.resolve_people(false);
        UserSet {
            users,
            warnings: self.warnings,
            held: self.held,
        }
    }

    /// Drops conflicting people (held, with a warning), resolves managers, and returns
    /// the users with, when `keys` is set, the normalized DN → key map of those users.
    fn resolve_people(&mut self, keys: bool) -> (Vec<User>, HashMap<String, String>) {
        let people = std::mem::take(&mut self.people);
        let everyone = vec![false; people.len()];
        // Nothing else runs once a read is over: for a large one, the conflicts of keys,
        // those of emails and the DN index are found on three threads.
        let ((key_dups, email_dups), mut index) = if people.len() >= 4096 {
            std::thread::scope(|scope| {
                let keys = scope.spawn(|| duplicates(&people, |p| key_of(&p.user)));
                let emails = scope.spawn(|| duplicates(&people, |p| email_of(&p.user)));
                let index = index_people(&people, &everyone);
                let join = |t: std::thread::ScopedJoinHandle<'_, Vec<Vec<usize>>>| {
                    t.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
                };
                ((join(keys), join(emails)), index)
            })
        } else {
            let dups = (
                duplicates(&people, |p| key_of(&p.user)),
                duplicates(&people, |p| email_of(&p.user)),
            );
            (dups, index_people(&people, &everyone))
        };
        let mut excluded = everyone;
        for (what, value, dups) in [
            ("key", key_of as fn(&User) -> Option<&str>, key_dups),
            ("email", email_of, email_dups),
        ] {
            for idxs in dups {
                let first = &people[idxs[0]].user;
                self.warnings.push(format!(
                    "conflict: {what} \"{}\" is shared by {}; none of them is used",
                    value(first).unwrap_or_default(),
                    quoted_list(idxs.iter().map(|&i| people[i].dn.as_str()))
                ));
                idxs.iter().for_each(|&i| excluded[i] = true);
            }
        }
        if excluded.contains(&true) {
            // Managers are found among the people returned only.
            index = index_people(&people, &excluded);
        }
        let (by_dn, manager_of) = index;
        let key_by_dn = if keys {
            by_dn
                .into_iter()
                .map(|(dn, i)| (dn.into_owned(), people[i].user.key.clone()))
                .collect()
        } else {
            HashMap::new()
        };

        // Position of each returned person among the users.
        let mut position = vec![0usize; people.len()];
        let mut returned = 0;
        for (i, out) in excluded.iter().enumerate() {
            position[i] = returned;
            returned += usize::from(!out);
        }
        let held = &mut self.held;
        // Collected in place: the users reuse the people's buffer.
        let mut users: Vec<User> = people
            .into_iter()
            .enumerate()
            .filter_map(|(i, p)| {
                if excluded[i] {
                    held.push(p.user);
                    None
                } else {
                    Some(p.user)
                }
            })
            .collect();
        for (i, manager) in manager_of.into_iter().enumerate() {
            if !excluded[i] {
                let key = manager.map(|m| users[position[m]].key.clone());
                users[position[i]].manager = key;
            }
        }
        (users, key_by_dn)
    }
}

/// Normalized DN → index of the people `skip` does not leave out (the last one, for a DN
/// given twice), and the index of each such person's manager among them.
#[allow(clippy::type_complexity)]
fn index_people<'p>(
    people: &'p [Person],
    skip: &[bool],
) -> (foldhash::HashMap<Cow<'p, str>, usize>, Vec<Option<usize>>) {
    let mut by_dn = foldhash::HashMap::with_capacity(people.len());
    for (i, p) in people.iter().enumerate() {
        if !skip[i] {
            by_dn.insert(normalized_dn(&p.dn), i);
        }
    }
    // Many people share a manager: the DN as written is looked up once (a bounded cache).
    let mut seen: foldhash::HashMap<&str, Option<usize>> = foldhash::HashMap::new();
    let mut manager_of = vec![None; people.len()];
    for (i, p) in people.iter().enumerate() {
        let Some(dn) = p.manager_dn.as_deref().filter(|_| !skip[i]) else {
            continue;
        };
        if seen.len() >= 4096 {
            seen.clear();
        }
        manager_of[i] = *seen
            .entry(dn)
            .or_insert_with(|| by_dn.get(normalized_dn(dn).as_ref()).copied());
    }
    (by_dn, manager_of)
}

fn key_of(u: &User) -> Option<&str> {
    Some(&u.key)
}

fn email_of(u: &User) -> Option<&str> {
    u.email.as_deref()
}

/// Index lists of items sharing a case-insensitive value, in order of first appearance.
fn duplicates<T>(items: &[T], value: impl Fn(&T) -> Option<&str>) -> Vec<Vec<usize>> {
    // Value → its first item, or (as !list) the list it has once it is shared: no list
    // is made for the values seen once, which are nearly all of them.
    let mut by_value: foldhash::HashMap<Cow<str>, usize> =
        foldhash::HashMap::with_capacity(items.len());
    let mut lists: Vec<Vec<usize>> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = value(item) {
            match by_value.entry(lowercase(v)) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let at = *e.get();
                    if at < items.len() {
                        e.insert(!lists.len());
                        lists.push(vec![at, i]);
                    } else {
                        lists[!at].push(i);
                    }
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
    }
    lists.sort_unstable_by_key(|l| l[0]);
    lists
}
