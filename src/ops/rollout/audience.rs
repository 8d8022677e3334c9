//! Audiences: who each phase adds, resolved against the directory's people.
//!
//! - `group`: the group's `member_keys` as the LDAP/LDIF readers resolve them (nested
//!   groups expanded, active people only);
//! - `filter`: on `ldap://` the server evaluates it, AND-ed with the profile's user filter
//!   (or any person); on `ldif:` it is evaluated here ([`super::filter`]);
//! - `csv`: keys or emails looked up among the directory's people.
//!
//! A phase's audience is the union of its own and every earlier phase's (cumulative).
//! People named but absent from the directory, or inactive there, are left out with a
//! warning: a rollout provisions only active directory people.

use super::audience_csv::{self, Named};
use super::filter::{self, Filter};
use super::is_kind;
use super::plan::{Audience, Phase, RolloutPlan};
use crate::connectors::directory::{normalize_dn, AttributeMap, AttributeOverrides, Flavor};
use crate::connectors::ldap::filter as ldap_filter;
use crate::connectors::{self, Connector, OpenOptions};
use crate::core::endpoint::{Capability, Endpoint, EndpointKind};
use crate::core::model::User;
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// Who a phase brings in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseAudience {
    /// Lowercase keys of the phase's own audience.
    pub own: BTreeSet<String>,
    /// Lowercase keys of this and every earlier phase's audience.
    pub cumulative: BTreeSet<String>,
    /// How many of `cumulative` no earlier phase had.
    pub new: usize,
}

/// The audiences of the first phases of a plan.
#[derive(Debug, Default)]
pub struct Audiences {
    /// Active directory people by lowercase key: the records provisioned.
    pub people: HashMap<String, User>,
    /// One per phase, from the first to the last one asked for.
    pub phases: Vec<PhaseAudience>,
    pub warnings: Vec<String>,
}

/// Who the plan's `directory` lists, for one resolution.
struct Directory {
    all: HashMap<String, User>,
    by_email: HashMap<String, String>,
}

/// Any person, for a filter audience on a profile without `user_filter`: OpenLDAP's and
/// Active Directory's default person filters (an unknown attribute is simply false).
const ANY_PERSON: &str =
    "(|(objectClass=inetOrgPerson)(&(objectCategory=person)(objectClass=user)))";

/// Checks, before any I/O, that the directory can resolve every audience of the phases.
pub fn require(plan: &RolloutPlan, directory: &Endpoint, upto: usize) -> Result<()> {
    directory.require(Capability::ReadUsers)?;
    for phase in &plan.phases[..=upto] {
        let usage = |what: String| -> anyhow::Error {
            Error::usage(format!(
                "{}:{}: field \"audience.{}\": {what}",
                plan.file,
                phase.audience_line,
                phase.audience.kind()
            ))
            .into()
        };
        match &phase.audience {
            Audience::Group(_) => directory
                .require(Capability::ReadGroups)
                .map_err(|e| usage(format!("{e:#}")))?,
            Audience::Filter(text) => match directory.kind {
                EndpointKind::Ldap => {}
                EndpointKind::Ldif => {
                    let f = filter::parse(text).map_err(usage)?;
                    f.check_local().map_err(usage)?;
                }
                other => {
                    return Err(usage(format!(
                        "directory \"{}\" ({}:) cannot evaluate LDAP filters; use an ldap:// \
                         or ldif: directory, or a group or csv audience",
                        directory.label,
                        other.scheme()
                    )))
                }
            },
            Audience::Csv(_) => {}
        }
    }
    Ok(())
}

/// Resolves the audiences of phases `0..=upto`.
pub async fn resolve(
    plan: &RolloutPlan,
    directory: &Endpoint,
    upto: usize,
    options: &OpenOptions,
    progress: &dyn Progress,
) -> Result<Audiences> {
    require(plan, directory, upto)?;
    let conn = connectors::open_with(directory, options).await?;
    let set = conn
        .as_read_users()
        .expect("capability checked")
        .read_users(progress)
        .await?;
    let mut out = Audiences::default();
    out.warnings.extend(
        set.warnings
            .iter()
            .map(|w| format!("{}: {w}", directory.label)),
    );
    let mut dir = Directory {
        all: HashMap::new(),
        by_email: HashMap::new(),
    };
    for u in set.users {
        let key = u.key.to_lowercase();
        if let Some(e) = &u.email {
            dir.by_email.insert(e.to_lowercase(), key.clone());
        }
        dir.all.insert(key, u);
    }

    let phases = &plan.phases[..=upto];
    let mut ldif_matches = match directory.kind {
        EndpointKind::Ldif
            if phases
                .iter()
                .any(|p| matches!(p.audience, Audience::Filter(_))) =>
        {
            ldif_filter_keys(directory, phases).await?
        }
        _ => HashMap::new(),
    };

    let mut cumulative = BTreeSet::new();
    for (i, phase) in phases.iter().enumerate() {
        let at = || {
            format!(
                "{}:{}: field \"audience.{}\"",
                plan.file,
                phase.audience_line,
                phase.audience.kind()
            )
        };
        let mut named: Vec<Named> = match &phase.audience {
            Audience::Group(dn) => group_members(&*conn, directory, dn)
                .await
                .with_context(at)?
                .into_iter()
                .map(Named::Key)
                .collect(),
            Audience::Filter(f) => match directory.kind {
                EndpointKind::Ldap => {
                    ldap_filter_keys(directory, f, options, progress, &mut out.warnings, phase)
                        .await
                        .with_context(at)?
                }
                _ => ldif_matches.remove(&i).unwrap_or_default(),
            }
            .into_iter()
            .map(Named::Key)
            .collect(),
            Audience::Csv(path) => audience_csv::read(path).with_context(at)?,
        };
        let own = admit(&dir, &mut named, phase, &mut out.warnings);
        let before = cumulative.len();
        cumulative.extend(own.iter().cloned());
        if own.is_empty() {
            out.warnings
                .push(format!("phase \"{}\": its audience is empty", phase.name));
        }
        out.phases.push(PhaseAudience {
            own,
            new: cumulative.len() - before,
            cumulative: cumulative.clone(),
        });
    }
    // The records provisioned: moved, not copied (a directory can hold 100k people).
    out.people = dir.all.into_iter().filter(|(_, u)| u.active).collect();
    Ok(out)
}

/// The lowercase keys of the active directory people among `named`; warns about the
/// others.
fn admit(
    dir: &Directory,
    named: &mut [Named],
    phase: &Phase,
    warnings: &mut Vec<String>,
) -> BTreeSet<String> {
    let mut own = BTreeSet::new();
    let (mut missing, mut inactive) = (Vec::new(), Vec::new());
    for n in named.iter() {
        let key = match n {
            Named::Key(k) => Some(k.to_lowercase()).filter(|k| dir.all.contains_key(k)),
            Named::Email(e) => dir.by_email.get(&e.to_lowercase()).cloned(),
        };
        match key.and_then(|k| dir.all.get(&k).map(|u| (k, u))) {
            Some((k, u)) if u.active => {
                own.insert(k);
            }
            Some((_, u)) => inactive.push(u.key.clone()),
            None => missing.push(match n {
                Named::Key(k) | Named::Email(k) => k.clone(),
            }),
        }
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "phase \"{}\": {} of its audience are not among the directory's people \
             (missing or skipped), left out: {}",
            phase.name,
            missing.len(),
            preview(&missing)
        ));
    }
    if !inactive.is_empty() {
        warnings.push(format!(
            "phase \"{}\": {} of its audience are inactive in the directory, left out: {}",
            phase.name,
            inactive.len(),
            preview(&inactive)
        ));
    }
    own
}

fn preview(items: &[String]) -> String {
    let mut text = items.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > 5 {
        text.push_str(&format!(", … ({} more)", items.len() - 5));
    }
    text
}

/// The member keys of the group `dn`; a DN naming no group is invalid plan data.
async fn group_members(
    conn: &dyn Connector,
    directory: &Endpoint,
    dn: &str,
) -> Result<Vec<String>> {
    let reader = conn.as_read_groups().expect("capability checked");
    let want = normalize_dn(dn);
    let groups = match reader.read_groups(Some(dn)).await {
        Err(e) if is_kind(&e, Kind::NotFound) => Vec::new(),
        other => other?,
    };
    let group = groups.into_iter().find(|g| normalize_dn(&g.dn) == want);
    match group {
        Some(g) => Ok(g.member_keys),
        None => Err(Error::invalid_data(format!(
            "no group \"{dn}\" in directory \"{}\"",
            directory.label
        ))
        .into()),
    }
}

/// An LDAP filter audience: the server evaluates it, AND-ed with the profile's user
/// filter, in a read of its own.
async fn ldap_filter_keys(
    directory: &Endpoint,
    phase_filter: &str,
    options: &OpenOptions,
    progress: &dyn Progress,
    warnings: &mut Vec<String>,
    phase: &Phase,
) -> Result<Vec<String>> {
    let mut ep = directory.clone();
    let base = ep
        .settings
        .get("user_filter")
        .and_then(|v| v.as_str())
        .unwrap_or(ANY_PERSON)
        .to_string();
    let combined = ldap_filter::and([base.as_str(), phase_filter]);
    ep.settings.insert("user_filter".into(), combined.into());
    let conn = connectors::open_with(&ep, options).await?;
    let read = conn
        .as_read_users()
        .expect("capability checked")
        .read_users(progress)
        .await;
    let set = match read {
        // The connector refuses an empty read (it would empty a sync); here it is only an
        // audience that selects nobody.
        Err(e)
            if is_kind(&e, Kind::Unavailable) && format!("{e:#}").contains("no people found") =>
        {
            warnings.push(format!(
                "phase \"{}\": the filter {phase_filter} selects nobody in {}",
                phase.name, directory.label
            ));
            return Ok(Vec::new());
        }
        other => other?,
    };
    Ok(set.users.into_iter().map(|u| u.key).collect())
}

/// The settings an `ldif:` profile may have (as the LDIF connector reads them): the same
/// mapping must turn matched entries into the same keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LdifSettings {
    #[serde(default)]
    flavor: Option<Flavor>,
    #[serde(default)]
    attributes: AttributeOverrides,
}

/// Evaluates the filter audiences of `phases` on the LDIF file in one pass: phase index →
/// keys of the people matched. Only keys are kept (not entries): 100k people cost little.
async fn ldif_filter_keys(
    directory: &Endpoint,
    phases: &[Phase],
) -> Result<HashMap<usize, Vec<String>>> {
    let settings: LdifSettings = directory.settings()?;
    let filters: Vec<(usize, Filter)> = phases
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.audience {
            Audience::Filter(f) => Some((i, filter::parse(f).expect("checked by require"))),
            _ => None,
        })
        .collect();
    let path = directory.path();
    let label = directory.location.clone();
    tokio::task::spawn_blocking(move || -> Result<HashMap<usize, Vec<String>>> {
        let file = std::fs::File::open(&path).with_context(|| format!("cannot open {label}"))?;
        let reader =
            crate::connectors::ldif::LdifReader::new(std::io::BufReader::new(file), label.as_str());
        // The key as the LDIF reader maps it: the profile's flavor, else the one detected
        // from the first person, with the profile's attribute overrides.
        let mut map: Option<AttributeMap> = settings
            .flavor
            .map(|f| AttributeMap::for_flavor(f).with(&settings.attributes));
        let mut matched: Vec<Vec<String>> = vec![Vec::new(); filters.len()];
        for entry in reader {
            let entry = entry?;
            if !is_person(&entry) {
                continue;
            }
            let map = map.get_or_insert_with(|| {
                AttributeMap::for_flavor(Flavor::detect(&entry)).with(&settings.attributes)
            });
            let key = map
                .attributes("key")
                .iter()
                .find_map(|a| entry.first_str(a).filter(|v| !v.is_empty()));
            let Some(key) = key else { continue };
            for (slot, (_, f)) in filters.iter().enumerate() {
                if f.matches(&entry) {
                    matched[slot].push(key.to_string());
                }
            }
        }
        Ok(filters
            .iter()
            .zip(matched)
            .map(|((i, _), keys)| (*i, keys))
            .collect())
    })
    .await
    .map_err(|e| Error::runtime(format!("reading {}: {e}", directory.location)))?
}

/// A person entry, as the directory mapper recognises them.
fn is_person(entry: &crate::connectors::directory::DirEntry) -> bool {
    ["inetOrgPerson", "person", "organizationalPerson", "user"]
        .iter()
        .any(|c| entry.is_a(c))
        && !entry.is_a("computer")
}
