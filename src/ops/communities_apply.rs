//! `communities apply`: make the destination's communities match a manifest.
//!
//! Order of work: capabilities, the manifest, the destination's communities and users,
//! the directory's users and groups; then every check (all problems at once, exit 3);
//! then the plan. Nothing is written before [`apply`].

mod groups;
pub mod welcome;

use crate::connectors::{
    self, CommunitySet, Connector, ItemResult, NoIds, OpenOptions, Record, UserSet, WriteOutcome,
};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::model::{Community, Post};
use crate::core::plan::FieldChange;
use crate::core::plan_communities::{
    diff_communities, CommunityAction, CommunityChange, CommunityPlan, DesiredCommunity,
};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use crate::ops::manifest::validate::{check_structure, People};
use crate::ops::manifest::{self, Entry, Manifest, Problems, TAGS_EXTRA};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// What to apply, and where.
pub struct ApplyRequest<'a> {
    pub manifest: &'a Path,
    pub dest: &'a Endpoint,
    /// Resolves `group` references and names people not yet on the destination.
    pub directory: Option<&'a Endpoint>,
    /// Archive destination communities the manifest does not list.
    pub prune: bool,
    pub options: OpenOptions,
}

/// A computed plan, the opened destination, and the welcome posts to write.
pub struct PlannedApply {
    pub plan: CommunityPlan,
    pub dest: Box<dyn Connector>,
    /// Welcome posts by lowercase community key, for the communities the plan creates.
    pub welcome: HashMap<String, Post>,
}

impl PlannedApply {
    /// The id of the welcome post planned for a change, if any.
    pub fn welcome_for(&self, change: &CommunityChange) -> Option<&str> {
        (change.action == CommunityAction::Create)
            .then(|| self.welcome.get(&change.key.to_lowercase()))
            .flatten()
            .map(|p| p.id.as_str())
    }
}

pub async fn plan(req: &ApplyRequest<'_>, progress: &dyn Progress) -> Result<PlannedApply> {
    req.dest.require(Capability::WriteCommunities)?;
    req.dest.require(Capability::ReadCommunities)?;
    if let Some(dir) = req.directory {
        dir.require(Capability::ReadUsers)?;
    }
    let (manifest, mut problems) = manifest::load(req.manifest)?;
    if let Some(e) = manifest.entries.iter().find(|e| e.group.is_some()) {
        let Some(dir) = req.directory else {
            return Err(Error::usage(format!(
                "{}:{}: field \"group\": resolving directory groups needs --directory EP \
                 (an LDAP or LDIF endpoint)",
                manifest.file,
                e.line_of("group")
            ))
            .into());
        };
        dir.require(Capability::ReadGroups)?;
    }

    let dest_conn = connectors::open_with(req.dest, &req.options).await?;
    let actual = read_or_empty(
        dest_conn
            .as_read_communities()
            .expect("capability checked")
            .read_communities(progress)
            .await,
    )?;
    let dest_users = match dest_conn.as_read_users() {
        Some(r) => read_or_empty(r.read_users(progress).await)?,
        None => UserSet::default(),
    };
    let mut people = People::default();
    people.add(&dest_users.users, true);
    people.add(&dest_users.held, true);
    let mut warnings = actual.warnings.clone();

    let mut group_members = HashMap::new();
    if let Some(dir) = req.directory {
        let dir_conn = connectors::open_with(dir, &req.options).await?;
        let dir_users = dir_conn
            .as_read_users()
            .expect("capability checked")
            .read_users(progress)
            .await?;
        warnings.extend(
            dir_users
                .warnings
                .iter()
                .map(|w| format!("{}: {w}", dir.label)),
        );
        people.add(&dir_users.users, false);
        if let Some(reader) = dir_conn.as_read_groups() {
            group_members =
                groups::resolve(&manifest, reader, &people, &mut problems, &mut warnings).await?;
        }
    }

    let existing: BTreeSet<String> = actual
        .communities
        .iter()
        .map(|c| c.key.to_lowercase())
        .collect();
    check_structure(
        &manifest,
        &|k| existing.contains(&k.to_lowercase()),
        &mut problems,
    );
    let desired = desired_communities(
        &manifest,
        &people,
        &group_members,
        &mut problems,
        &mut warnings,
    );
    problems.into_result()?;

    let writer = dest_conn
        .as_write_communities()
        .expect("capability checked");
    let stored = writer.stored_community_fields();
    let wanted: Vec<DesiredCommunity> = desired
        .iter()
        .filter(|(e, _)| !e.archived)
        .map(|(_, d)| d.clone())
        .collect();
    let mut plan = diff_communities(&wanted, &actual, req.prune, &|f| stored.stores(f));
    keep_archived(&manifest, &actual, req.prune, &mut plan, &mut warnings);
    warnings.append(&mut plan.warnings);
    plan.warnings = warnings;

    let welcome = welcome_posts(&plan, &desired);
    let can_post = dest_conn.as_write_content().is_some();
    if !can_post && !welcome.is_empty() {
        plan.warnings.push(format!(
            "{} welcome post(s) not planned: {} endpoints cannot take posts",
            welcome.len(),
            req.dest.kind.scheme()
        ));
    }
    Ok(PlannedApply {
        welcome: if can_post { welcome } else { HashMap::new() },
        plan,
        dest: dest_conn,
    })
}

/// A destination that does not exist yet (a new bundle) holds nothing.
fn read_or_empty<T: Default>(read: Result<T>) -> Result<T> {
    match read {
        Err(err)
            if err.chain().any(|e| {
                e.downcast_ref::<Error>()
                    .is_some_and(|e| e.kind == Kind::NotFound)
            }) =>
        {
            Ok(T::default())
        }
        other => other,
    }
}

/// Builds each entry's wanted community and member list, resolving people. Unknown
/// owners and members are problems; people the destination does not have yet (only the
/// directory knows them) are a warning.
fn desired_communities<'m>(
    manifest: &'m Manifest,
    people: &People,
    group_members: &HashMap<String, Vec<String>>,
    problems: &mut Problems,
    warnings: &mut Vec<String>,
) -> Vec<(&'m Entry, DesiredCommunity)> {
    let keys: HashMap<String, &str> = manifest
        .entries
        .iter()
        .map(|e| (e.key.to_lowercase(), e.key.as_str()))
        .collect();
    let mut not_on_dest = BTreeSet::new();
    let mut inactive = BTreeSet::new();
    let mut resolve_all =
        |names: &[String], field: &'static str, e: &Entry, problems: &mut Problems| {
            let mut out: Vec<String> = Vec::new();
            for name in names {
                match people.resolve(name) {
                    Ok(r) => {
                        if !r.on_destination {
                            not_on_dest.insert(r.key.clone());
                        }
                        if !r.active {
                            inactive.insert(r.key.clone());
                        }
                        if !out.iter().any(|k| k.eq_ignore_ascii_case(&r.key)) {
                            out.push(r.key);
                        }
                    }
                    Err(why) => problems.add(e.line_of(field), Some(field), why),
                }
            }
            out
        };

    let mut out = Vec::with_capacity(manifest.entries.len());
    for e in &manifest.entries {
        let owners = resolve_all(&e.owners, "owners", e, problems);
        let members = e.manages_members().then(|| {
            // Owners are members too, so that they can post where they moderate.
            let mut list = owners.clone();
            let named = resolve_all(
                e.members.as_deref().unwrap_or_default(),
                "members",
                e,
                problems,
            );
            let from_group = e
                .group
                .as_ref()
                .and_then(|g| group_members.get(g))
                .cloned()
                .unwrap_or_default();
            for key in named.into_iter().chain(from_group) {
                if !list.iter().any(|k| k.eq_ignore_ascii_case(&key)) {
                    list.push(key);
                }
            }
            list
        });
        let mut extra = e.extra.clone();
        if !e.tags.is_empty() {
            extra.insert(TAGS_EXTRA.to_string(), e.tags.join(" "));
        }
        let community = Community {
            key: e.key.clone(),
            name: e.name.clone(),
            description: e.description.clone(),
            visibility: e.visibility.unwrap_or_default(),
            // The parent as the manifest spells its key, whatever case the row used.
            parent: e.parent.as_ref().map(|p| {
                keys.get(&p.to_lowercase())
                    .map_or_else(|| p.clone(), |k| k.to_string())
            }),
            owners,
            archived: false,
            extra,
        };
        out.push((e, DesiredCommunity { community, members }));
    }
    if !not_on_dest.is_empty() {
        warnings.push(format!(
            "{} owner(s)/member(s) are only in the directory, not yet users of the destination \
             (run users sync first if it refuses them): {}",
            not_on_dest.len(),
            preview(&not_on_dest)
        ));
    }
    if !inactive.is_empty() {
        warnings.push(format!(
            "{} owner(s)/member(s) named in the manifest are deactivated: {}",
            inactive.len(),
            preview(&inactive)
        ));
    }
    out
}

/// The first few items of a set, for one-line warnings.
fn preview(items: &BTreeSet<String>) -> String {
    let mut text = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        text.push_str(&format!(", … ({} more)", items.len() - 5));
    }
    text
}

/// Rows marked `archived` (as `communities list` writes archived communities) keep the
/// community archived: an active one is archived, an archived one is left alone.
fn keep_archived(
    manifest: &Manifest,
    actual: &CommunitySet,
    prune: bool,
    plan: &mut CommunityPlan,
    warnings: &mut Vec<String>,
) {
    for e in manifest.entries.iter().filter(|e| e.archived) {
        let Some(have) = actual
            .communities
            .iter()
            .find(|c| c.key.eq_ignore_ascii_case(&e.key))
        else {
            warnings.push(format!(
                "{}:{}: \"{}\" is marked archived but the destination does not have it; skipped",
                manifest.file, e.line, e.key
            ));
            continue;
        };
        // With --prune the diff already archives what the wanted list lacks.
        if have.archived || prune {
            continue;
        }
        plan.unchanged = plan.unchanged.saturating_sub(1);
        let mut archived = have.clone();
        archived.archived = true;
        plan.changes.push(CommunityChange {
            action: CommunityAction::Archive,
            key: have.key.clone(),
            current: Some(have.clone()),
            desired: archived,
            fields: vec![FieldChange {
                field: "archived".into(),
                old: Some("false".into()),
                new: Some("true".into()),
            }],
            add_members: Vec::new(),
            remove_members: Vec::new(),
        });
    }
}

/// Welcome posts for the communities the plan creates, written by their first owner.
fn welcome_posts(
    plan: &CommunityPlan,
    desired: &[(&Entry, DesiredCommunity)],
) -> HashMap<String, Post> {
    let by_key: HashMap<String, &(&Entry, DesiredCommunity)> = desired
        .iter()
        .map(|d| (d.1.community.key.to_lowercase(), d))
        .collect();
    let now = jiff::Timestamp::now();
    plan.changes
        .iter()
        .filter(|c| c.action == CommunityAction::Create)
        .filter_map(|c| {
            let (entry, want) = by_key.get(&c.key.to_lowercase())?;
            let body = entry.welcome.clone()?;
            let author = want.community.owners.first()?.clone();
            Some((
                c.key.to_lowercase(),
                Post {
                    id: welcome::post_id(&c.key),
                    community: c.key.clone(),
                    author,
                    created_at: now,
                    edited_at: None,
                    body,
                    thread_root: None,
                    parent: None,
                    mentions: Vec::new(),
                    extra: Default::default(),
                },
            ))
        })
        .collect()
}

/// Applies the plan, then writes the welcome posts of the communities created; one
/// result per change, in plan order.
pub async fn apply(planned: &PlannedApply, progress: &dyn Progress) -> Result<Vec<ItemResult>> {
    let changes = &planned.plan.changes;
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let writer = planned
        .dest
        .as_write_communities()
        .expect("capability checked");
    let mut results = writer.apply_communities(changes, progress).await?;
    if results.len() != changes.len() {
        return Err(Error::runtime(format!(
            "connector returned {} results for {} changes",
            results.len(),
            changes.len()
        ))
        .into());
    }
    let Some(content) = planned.dest.as_write_content() else {
        return Ok(results);
    };
    let mut posted_by = Vec::new();
    let mut written: Result<()> = Ok(());
    for (i, change) in changes.iter().enumerate() {
        let post = planned.welcome.get(&change.key.to_lowercase());
        let (Ok(()), Some(post), CommunityAction::Create) = (&results[i], post, change.action)
        else {
            continue;
        };
        posted_by.push(i);
        match content
            .write(&Record::Post(post.clone()), None, &NoIds)
            .await
        {
            Ok(WriteOutcome::Written(_)) => {}
            Ok(WriteOutcome::Failed(why) | WriteOutcome::Unsupported(why)) => {
                results[i] = Err(format!(
                    "\"{}\" was created, but its welcome post was not written: {why}",
                    change.key
                ));
                posted_by.pop();
            }
            Err(e) => {
                written = Err(e);
                break;
            }
        }
    }
    if written.is_ok() {
        written = content.finish().await;
    }
    if let Err(e) = written {
        // The communities exist; only their first post is missing.
        for i in posted_by {
            results[i] = Err(format!(
                "\"{}\" was created, but its welcome post was not written: {e:#}",
                changes[i].key
            ));
        }
    }
    Ok(results)
}

/// `communities list`: every community of an endpoint with its memberships.
pub async fn list(ep: &Endpoint, progress: &dyn Progress) -> Result<CommunitySet> {
    ep.require(Capability::ReadCommunities)?;
    let conn = connectors::open(ep).await?;
    conn.as_read_communities()
        .expect("capability checked")
        .read_communities(progress)
        .await
}
