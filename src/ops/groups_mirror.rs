//! `users sync --groups [FILTER]`: directory groups mirrored into the destination's
//! communities, with their memberships.
//!
//! Each group of each source (LDAP or LDIF, ReadGroups) becomes a community: key from the
//! source profile's `group_map` (group DN or cn → key), else the group's cn; name and
//! description from the group. Members are the group's people, nested groups expanded
//! (resolved by the reader into `member_keys`). Only name, description and members are
//! managed: visibility, parent and owners set on the destination are left alone, and a
//! community whose group left the directory is not archived.

use crate::connectors::ldap::group_map_key;
use crate::connectors::{self, Connector, ItemResult, OpenOptions};
use crate::core::endpoint::{Capability, Endpoint};
use crate::core::model::{Community, DirectoryGroup};
use crate::core::plan_communities::{
    diff_communities, CommunityAction, CommunityPlan, DesiredCommunity,
};
use crate::core::progress::Progress;
use crate::error::{Error, Kind, Result};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Community fields a directory group decides.
const MANAGED_FIELDS: &[&str] = &["name", "description"];

/// Refuses, before any work, endpoints that cannot take part (usage error, exit 2).
pub fn require(sources: &[Endpoint], dest: &Endpoint) -> Result<()> {
    for src in sources {
        src.require(Capability::ReadGroups)?;
    }
    dest.require(Capability::ReadCommunities)?;
    dest.require(Capability::WriteCommunities)
}

/// A community plan and the opened destination it applies to.
pub struct PlannedMirror {
    pub plan: CommunityPlan,
    dest: Box<dyn Connector>,
}

/// `group_map` of a source profile: normalized DN or lowercase cn → community key.
fn group_map(src: &Endpoint) -> Result<HashMap<String, String>> {
    let Some(table) = src.settings.get("group_map") else {
        return Ok(HashMap::new());
    };
    let at = src.profile.as_deref().unwrap_or(&src.label);
    let table = table.as_table().ok_or_else(|| {
        Error::usage(format!(
            "profile \"{at}\": group_map must be a table (group = \"key\")"
        ))
    })?;
    table
        .iter()
        .map(|(k, v)| match v.as_str().map(str::trim) {
            Some(key) if !key.is_empty() => Ok((group_map_key(k), key.to_string())),
            _ => Err(Error::usage(format!(
                "profile \"{at}\": group_map.\"{k}\" must be a community key (a string)"
            ))
            .into()),
        })
        .collect()
}

fn desired(group: DirectoryGroup, map: &HashMap<String, String>) -> DesiredCommunity {
    let key = map
        .get(&group_map_key(&group.dn))
        .or_else(|| map.get(&group_map_key(&group.key)))
        .cloned()
        .unwrap_or_else(|| group.key.clone());
    DesiredCommunity {
        community: Community {
            key,
            name: group.name,
            description: group.description,
            ..Community::default()
        },
        members: Some(group.member_keys),
    }
}

/// Reads the groups `filter` selects from every source and the destination's
/// communities, and diffs them. `filter` empty: every group.
pub async fn plan(
    sources: &[Endpoint],
    dest: &Endpoint,
    filter: &str,
    options: &OpenOptions,
    progress: &dyn Progress,
) -> Result<PlannedMirror> {
    require(sources, dest)?;
    let filter = filter.trim();
    let mut wanted = Vec::new();
    for src in sources {
        let map = group_map(src)?;
        let conn = connectors::open_with(src, options).await?;
        let reader = conn.as_read_groups().expect("capability checked");
        let groups = reader
            .read_groups((!filter.is_empty()).then_some(filter))
            .await?;
        wanted.extend(groups.into_iter().map(|g| desired(g, &map)));
    }
    let dest_conn = connectors::open_with(dest, options).await?;
    let actual = match dest_conn
        .as_read_communities()
        .expect("capability checked")
        .read_communities(progress)
        .await
    {
        // A destination not created yet holds no communities.
        Err(err)
            if err.chain().any(|e| {
                e.downcast_ref::<Error>()
                    .is_some_and(|e| e.kind == Kind::NotFound)
            }) =>
        {
            Default::default()
        }
        other => other?,
    };
    let stored = dest_conn
        .as_write_communities()
        .expect("capability checked")
        .stored_community_fields();
    let stores = |f: &str| MANAGED_FIELDS.contains(&f) && stored.stores(f);
    let plan = diff_communities(&wanted, &actual, false, &stores);
    Ok(PlannedMirror {
        plan,
        dest: dest_conn,
    })
}

/// Applies the plan; one result per change, in plan order.
pub async fn apply(planned: &PlannedMirror, progress: &dyn Progress) -> Result<Vec<ItemResult>> {
    if planned.plan.changes.is_empty() {
        return Ok(Vec::new());
    }
    let writer = planned
        .dest
        .as_write_communities()
        .expect("capability checked");
    let results = writer
        .apply_communities(&planned.plan.changes, progress)
        .await?;
    if results.len() != planned.plan.changes.len() {
        return Err(Error::runtime(format!(
            "connector returned {} results for {} community changes",
            results.len(),
            planned.plan.changes.len()
        ))
        .into());
    }
    Ok(results)
}

/// The `"communities"` object of `users sync --groups -o json`: the same summary keys as
/// `communities apply` (archives count as deactivate) and one entry per change.
pub fn json(plan: &CommunityPlan, results: Option<&[ItemResult]>) -> Value {
    let failed = results.map_or(0, |r| r.iter().filter(|r| r.is_err()).count());
    let changes: Vec<Value> = plan
        .changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (status, error) = match results.map(|r| &r[i]) {
                None => ("planned", None),
                Some(Ok(())) => ("applied", None),
                Some(Err(e)) => ("failed", Some(e.as_str())),
            };
            let fields: serde_json::Map<String, Value> = c
                .fields
                .iter()
                .map(|f| (f.field.clone(), json!([f.old, f.new])))
                .collect();
            let mut v = json!({
                "action": c.action.as_str(),
                "key": c.key,
                "fields": fields,
                "members": {"add": c.add_members, "remove": c.remove_members},
                "status": status,
            });
            if let Some(e) = error {
                v["error"] = json!(e);
            }
            v
        })
        .collect();
    json!({
        "summary": {
            "create": plan.count(CommunityAction::Create),
            "update": plan.count(CommunityAction::Update),
            "deactivate": plan.count(CommunityAction::Archive),
            "reactivate": plan.count(CommunityAction::Unarchive),
            "unchanged": plan.unchanged,
            "failed": failed,
        },
        "changes": changes,
        "warnings": plan.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_map_picks_the_key_by_dn_then_cn() {
        let mut ep = Endpoint::parse_uri("ldap://h/dc=x").unwrap().unwrap();
        ep.settings = toml::from_str(
            "[group_map]\n\"CN=Pilot,OU=Groups, DC=x\" = \"esn-pilot\"\nStaff = \"all-staff\"",
        )
        .unwrap();
        let map = group_map(&ep).unwrap();
        let g = |dn: &str, cn: &str| DirectoryGroup {
            dn: dn.into(),
            key: cn.into(),
            name: cn.into(),
            member_keys: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(
            desired(g("cn=pilot,ou=groups,dc=x", "pilot"), &map)
                .community
                .key,
            "esn-pilot"
        );
        assert_eq!(
            desired(g("cn=staff,dc=x", "staff"), &map).community.key,
            "all-staff"
        );
        let other = desired(g("cn=other,dc=x", "other"), &map);
        assert_eq!(other.community.key, "other");
        assert_eq!(other.members.as_deref(), Some(&["a".to_string()][..]));

        ep.settings = toml::from_str("[group_map]\nx = 1").unwrap();
        assert!(group_map(&ep)
            .unwrap_err()
            .to_string()
            .contains("group_map.\"x\""));
    }
}
