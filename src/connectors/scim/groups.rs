//! SCIM Groups as communities, and the deactivation ledger group.
//!
//! A Group is a community: `displayName` = name; key = `externalId` when set, else
//! `displayName` (esnctl sets `externalId` = key on the groups it creates, so renaming
//! keeps the key). Members are users, matched by SCIM id and shown by userName. SCIM has
//! no archive and esnctl never sends DELETE: an archive change fails with a clear reason
//! and the group is left as is. Member changes go in PATCH requests of at most
//! [`MEMBER_OPS_PER_PATCH`] members.
//!
//! The ledger: SCIM has no standard attribute saying who deactivated an account, and
//! custom schema extensions are refused by many providers. esnctl therefore records its
//! deactivations as members of one group (`deactivated_group`, default
//! `esnctl-deactivated`) on the server itself, so every run, from any machine or CI job,
//! sees the same record. An inactive user outside that group was deactivated by someone
//! else and is never reactivated automatically.

use super::wire::{self, PatchOperation};
use super::{filter, CallError, Fail, Outcome, ScimConnector};
use crate::connectors::{ItemResult, ReadCommunities, StoredFields, WriteCommunities};
use crate::core::model::{Community, Membership};
use crate::core::plan::{Action, UserChange};
use crate::core::plan_communities::{CommunityAction, CommunityChange, CommunitySet};
use crate::core::progress::Progress;
use crate::error::Result;
use async_trait::async_trait;
use reqwest::Method;
use serde_json::json;
use std::collections::HashSet;

/// Member additions or removals per PATCH request.
pub const MEMBER_OPS_PER_PATCH: usize = 100;

/// The deactivation ledger group as last seen.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// `None` while the group does not exist.
    pub id: Option<String>,
    pub members: HashSet<String>,
}

impl ScimConnector {
    fn ledger_name(&self) -> Option<&str> {
        Some(self.settings.deactivated_group.as_str()).filter(|n| !n.is_empty())
    }

    async fn find_group(
        &self,
        attr: &str,
        value: &str,
    ) -> std::result::Result<Option<wire::Group>, CallError> {
        let d = self.client.discovered().expect("discovered first");
        let query = [("filter", filter::eq(attr, value))];
        let answer = self
            .client
            .get(self.client.url(&d.groups, None), &query)
            .await?;
        let list: Option<wire::ListResponse<wire::Group>> =
            answer.body.and_then(|b| serde_json::from_value(b).ok());
        Ok(list.and_then(|l| l.resources.into_iter().next()))
    }

    /// The ledger group, looked up once per run.
    pub(super) async fn ledger(&self) -> Result<Ledger> {
        let Some(name) = self.ledger_name() else {
            return Ok(Ledger::default());
        };
        if let Some(l) = &self.lock().ledger {
            return Ok(l.clone());
        }
        self.client.discovery().await?;
        let found = self
            .find_group("displayName", name)
            .await
            .map_err(|e| e.into_fatal(&format!("reading SCIM group \"{name}\"")))?;
        let ledger = Ledger {
            id: found.as_ref().map(|g| g.id.clone()),
            members: found
                .map(|g| g.members.into_iter().map(|m| m.value).collect())
                .unwrap_or_default(),
        };
        self.lock().ledger = Some(ledger.clone());
        Ok(ledger)
    }

    /// Adds and removes group members in PATCH requests of bounded size.
    pub(super) async fn patch_members(
        &self,
        group_id: &str,
        add: &[String],
        remove: &[String],
    ) -> std::result::Result<(), CallError> {
        let d = self.client.discovered().expect("discovered first");
        let url = self.client.url(&d.groups, Some(group_id));
        let max_payload = match d.config.bulk.max_payload_size {
            0 => 1 << 20,
            n => n,
        };
        let mut batches: Vec<Vec<PatchOperation>> = Vec::new();
        for chunk in add.chunks(MEMBER_OPS_PER_PATCH) {
            let values: Vec<_> = chunk.iter().map(|id| json!({ "value": id })).collect();
            batches.push(vec![PatchOperation::add("members", json!(values))]);
        }
        for chunk in remove.chunks(MEMBER_OPS_PER_PATCH) {
            batches.push(
                chunk
                    .iter()
                    .map(|id| PatchOperation::remove(filter::value_path("members", id)))
                    .collect(),
            );
        }
        for ops in batches {
            let body = wire::patch_body(&ops);
            // Halve a batch the server's payload limit would refuse.
            if body.to_string().len() > max_payload && ops.len() > 1 {
                let (a, b) = ops.split_at(ops.len() / 2);
                for half in [a, b] {
                    self.client
                        .call(
                            Method::PATCH,
                            url.clone(),
                            &[],
                            Some(&wire::patch_body(half)),
                            None,
                        )
                        .await?;
                }
                continue;
            }
            self.client
                .call(Method::PATCH, url.clone(), &[], Some(&body), None)
                .await?;
        }
        Ok(())
    }

    async fn create_group(
        &self,
        name: &str,
        external_id: Option<&str>,
    ) -> std::result::Result<String, CallError> {
        let d = self.client.discovered().expect("discovered first");
        let mut body = json!({"schemas": [wire::GROUP_SCHEMA], "displayName": name});
        if let Some(x) = external_id {
            body["externalId"] = json!(x);
        }
        let answer = self
            .client
            .call(
                Method::POST,
                self.client.url(&d.groups, None),
                &[],
                Some(&body),
                None,
            )
            .await?;
        let g: wire::Group = answer
            .body
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or_default();
        if g.id.is_empty() {
            // Created, but the answer did not say as what: find it.
            return match self.find_group("displayName", name).await? {
                Some(g) => Ok(g.id),
                None => Err(CallError {
                    status: Some(answer.status.as_u16()),
                    scim_type: None,
                    detail: format!("group \"{name}\" was not found after its creation"),
                    sent: true,
                }),
            };
        }
        Ok(g.id)
    }

    /// Records successful deactivations in the ledger group, and removes reactivated users
    /// from it. A failure is reported on the items concerned.
    pub(super) async fn record_ledger(
        &self,
        changes: &[UserChange],
        outcomes: &mut [Option<Outcome>],
    ) {
        let Some(name) = self.ledger_name().map(str::to_string) else {
            return;
        };
        let ids = |wanted: fn(&UserChange) -> bool,
                   outcomes: &[Option<Outcome>]|
         -> Vec<(usize, String)> {
            (0..changes.len())
                .filter(|&i| wanted(&changes[i]))
                .filter_map(|i| match &outcomes[i] {
                    Some(Ok(done)) => Some((i, done.id.clone())),
                    _ => None,
                })
                .collect()
        };
        // A reactivation, or an update that clears a stale mark (an account reactivated
        // by hand), takes the account out of the group.
        let clears_mark = |c: &UserChange| {
            c.action == Action::Reactivate
                || (c
                    .current
                    .as_ref()
                    .is_some_and(|u| u.deactivated_by.is_some())
                    && c.desired.deactivated_by.is_none())
        };
        let (adds, removes) = (
            ids(|c| c.action == Action::Deactivate, outcomes),
            ids(clears_mark, outcomes),
        );
        if adds.is_empty() && removes.is_empty() {
            return;
        }
        let result = async {
            let ledger = self.ledger().await.map_err(|e| e.to_string())?;
            let id = match ledger.id {
                Some(id) => id,
                None if adds.is_empty() => return Ok(()),
                None => self
                    .create_group(&name, None)
                    .await
                    .map_err(|e| e.to_string())?,
            };
            let add: Vec<String> = adds
                .iter()
                .map(|(_, id)| id.clone())
                .filter(|m| !ledger.members.contains(m))
                .collect();
            let remove: Vec<String> = removes
                .iter()
                .map(|(_, id)| id.clone())
                .filter(|m| ledger.members.contains(m))
                .collect();
            self.patch_members(&id, &add, &remove)
                .await
                .map_err(|e| e.to_string())?;
            let mut idx = self.lock();
            let l = idx.ledger.get_or_insert_with(Ledger::default);
            l.id = Some(id);
            l.members.extend(add);
            for r in &remove {
                l.members.remove(r);
            }
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = result {
            let consequence = |added: bool| {
                if added {
                    "the next sync will not reactivate this user automatically"
                } else {
                    "the account still carries the mark; the next sync removes it"
                }
            };
            let listed = adds.iter().map(|a| (a, true));
            for ((i, _), added) in listed.chain(removes.iter().map(|r| (r, false))) {
                outcomes[*i] = Some(Err(Fail::Item(format!(
                    "\"{}\": {}d, but updating the SCIM group \"{name}\" that records esnctl's deactivations failed ({e}); {}",
                    changes[*i].key,
                    changes[*i].action.as_str(),
                    consequence(added)
                ))));
            }
        }
    }

    /// Every group (except the ledger), indexed by community key.
    async fn load_groups(&self) -> Result<Vec<wire::Group>> {
        let d = self.client.discovery().await?;
        let groups: Vec<wire::Group> = self
            .client
            .list_all(&d.groups, None, None)
            .await
            .map_err(|e| e.into_fatal(&format!("listing groups of {}", self.label)))?;
        let ledger = self.ledger_name();
        let mut idx = self.lock();
        let mut kept = Vec::with_capacity(groups.len());
        for g in groups {
            if Some(g.display_name.as_str()) == ledger {
                idx.ledger = Some(Ledger {
                    id: Some(g.id.clone()),
                    members: g.members.iter().map(|m| m.value.clone()).collect(),
                });
                continue;
            }
            idx.groups.insert(
                community_key(&g).to_lowercase(),
                (g.id.clone(), g.meta.version.clone()),
            );
            kept.push(g);
        }
        idx.groups_loaded = true;
        Ok(kept)
    }

    async fn apply_community(&self, change: &CommunityChange) -> std::result::Result<(), Fail> {
        let key = &change.key;
        let err = |what: &str, e: CallError| {
            if e.is_auth() {
                Fail::Fatal(e.auth_error())
            } else {
                Fail::Item(format!("community \"{key}\": {what} failed: {e}"))
            }
        };
        if change.action == CommunityAction::Archive {
            return Err(Fail::Item(format!(
                "community \"{key}\": SCIM groups cannot be archived; left as is"
            )));
        }
        let known = self
            .lock()
            .groups
            .get(&key.to_lowercase())
            .map(|(id, _)| id.clone());
        let name = &change.desired.name;
        let (id, renamed) = match known {
            Some(id) => (id, change.fields.iter().any(|f| f.field == "name")),
            None => {
                let found = match self
                    .find_group("externalId", key)
                    .await
                    .map_err(|e| err("lookup", e))?
                {
                    Some(g) => Some(g),
                    None => self
                        .find_group("displayName", name)
                        .await
                        .map_err(|e| err("lookup", e))?,
                };
                match found {
                    Some(g) => {
                        let rename = g.display_name != *name;
                        (g.id, rename)
                    }
                    None => (
                        self.create_group(name, Some(key))
                            .await
                            .map_err(|e| err("create", e))?,
                        false,
                    ),
                }
            }
        };
        self.lock()
            .groups
            .insert(key.to_lowercase(), (id.clone(), None));
        if renamed {
            let d = self.client.discovered().expect("discovered first");
            let ops = [PatchOperation::replace("displayName", json!(name))];
            self.client
                .call(
                    Method::PATCH,
                    self.client.url(&d.groups, Some(&id)),
                    &[],
                    Some(&wire::patch_body(&ops)),
                    None,
                )
                .await
                .map_err(|e| err("rename", e))?;
        }
        let (add, missing_add) = self.ids_of(&change.add_members);
        let (remove, _) = self.ids_of(&change.remove_members);
        self.patch_members(&id, &add, &remove)
            .await
            .map_err(|e| err("membership update", e))?;
        if !missing_add.is_empty() {
            return Err(Fail::Item(format!(
                "community \"{key}\": members not found on the SCIM server: {}; the other changes were applied",
                missing_add.join(", ")
            )));
        }
        Ok(())
    }

    /// SCIM ids of user keys, and the keys with no user.
    fn ids_of(&self, keys: &[String]) -> (Vec<String>, Vec<String>) {
        let idx = self.lock();
        let mut ids = Vec::new();
        let mut missing = Vec::new();
        for k in keys {
            match idx.id_by_key.get(&k.to_lowercase()) {
                Some(id) => ids.push(id.clone()),
                None => missing.push(k.clone()),
            }
        }
        (ids, missing)
    }
}

fn community_key(g: &wire::Group) -> String {
    g.external_id
        .clone()
        .filter(|x| !x.is_empty())
        .unwrap_or_else(|| g.display_name.clone())
}

#[async_trait]
impl ReadCommunities for ScimConnector {
    async fn read_communities(&self, progress: &dyn Progress) -> Result<CommunitySet> {
        self.ensure_users(progress).await?;
        let groups = self.load_groups().await?;
        let keys = self.lock().key_by_id.clone();
        let mut set = CommunitySet::default();
        for g in groups {
            let key = community_key(&g);
            for m in &g.members {
                match keys.get(&m.value) {
                    Some(user) if m.r#type.as_deref().is_none_or(|t| t == "User") => {
                        set.memberships.push(Membership {
                            community: key.clone(),
                            user: user.clone(),
                            joined_at: None,
                        })
                    }
                    _ => set.warnings.push(format!(
                        "group \"{}\": member {} is not a user of the server; ignored",
                        g.display_name, m.value
                    )),
                }
            }
            set.communities.push(Community {
                key,
                name: g.display_name,
                ..Default::default()
            });
        }
        Ok(set)
    }
}

#[async_trait]
impl WriteCommunities for ScimConnector {
    fn stored_community_fields(&self) -> StoredFields {
        StoredFields::Only(&["name"])
    }

    async fn apply_communities(
        &self,
        changes: &[CommunityChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        self.client.discovery().await?;
        self.ensure_users(progress).await?;
        if !self.lock().groups_loaded {
            self.load_groups().await?;
        }
        let task = progress.task("writing SCIM groups", Some(changes.len() as u64));
        let outcomes =
            crate::core::executor::run_bounded(changes, self.concurrency, |_, change| {
                let task = &task;
                async move {
                    let out = self.apply_community(change).await;
                    task.inc(1);
                    out
                }
            })
            .await;
        task.finish();
        let mut results = Vec::with_capacity(outcomes.len());
        for out in outcomes {
            match out {
                Ok(()) => results.push(Ok(())),
                Err(Fail::Item(m)) => results.push(Err(m)),
                Err(Fail::Fatal(e)) => return Err(e),
            }
        }
        Ok(results)
    }
}
