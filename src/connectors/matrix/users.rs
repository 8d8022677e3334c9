//! Users through the Synapse admin API. No password is ever set (SSO deployments are the
//! norm; Synapse ≥ 1.1xx reactivates accounts without one). Deactivation never erases.

use super::client::{seg, As};
use super::localpart::{localpart, user_id};
use super::registry::{self, Account, Registry};
use super::wire::{ListedUser, UserDetail, UsersPage};
use super::MatrixConnector;
use crate::connectors::{ItemResult, ReadUsers, StoredFields, UserSet, WriteUsers};
use crate::core::executor::run_bounded;
use crate::core::model::User;
use crate::core::plan::{Action, UserChange};
use crate::core::progress::Progress;
use crate::error::Result;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashMap;

impl MatrixConnector {
    /// Every local, non-guest account, deactivated ones included.
    pub(super) async fn list_users(&self) -> Result<Vec<ListedUser>> {
        let mut out = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let mut q = vec![
                ("limit", "1000"),
                ("deactivated", "true"),
                ("guests", "false"),
            ];
            if let Some(f) = &from {
                q.push(("from", f.as_str()));
            }
            let page: UsersPage = self
                .client
                .call(
                    Method::GET,
                    "/_synapse/admin/v2/users",
                    &q,
                    None,
                    (As::Admin, None),
                )
                .await?;
            out.extend(page.users);
            match super::wire::token_text(&page.next_token) {
                Some(t) => from = Some(t),
                None => return Ok(out),
            }
        }
    }

    /// The canonical key of an account: the registry's, else its localpart.
    pub(super) fn key_of(reg: &Registry, user_id: &str) -> String {
        reg.accounts
            .get(user_id)
            .map(|a| a.key.clone())
            .unwrap_or_else(|| super::localpart::of_user_id(user_id).to_string())
    }

    async fn email_of(&self, user_id: &str) -> Result<Option<String>> {
        let path = format!("/_synapse/admin/v2/users/{}", seg(user_id));
        let d: UserDetail = self
            .client
            .call(Method::GET, &path, &[], None, (As::Admin, None))
            .await?;
        Ok(d.threepids
            .into_iter()
            .find(|t| t.medium == "email")
            .map(|t| t.address))
    }

    async fn save_account(&self, user_id: &str, account: Account) -> Result<()> {
        let ctx = self.ctx().await?;
        // Under the lock: concurrent writes must not each create a registry room.
        let room = {
            let mut guard = self.registry.lock().await;
            let reg = guard.get_or_insert_with(Registry::default);
            match &reg.room_id {
                Some(r) => r.clone(),
                None => {
                    let r = registry::ensure_room(&self.client, &ctx.server).await?;
                    reg.room_id = Some(r.clone());
                    r
                }
            }
        };
        registry::put(&self.client, &room, user_id, &account).await?;
        let mut guard = self.registry.lock().await;
        let reg = guard.get_or_insert_with(Registry::default);
        reg.accounts.insert(user_id.to_string(), account);
        Ok(())
    }

    async fn put_user(&self, user_id: &str, body: &Value) -> Result<()> {
        let path = format!("/_synapse/admin/v2/users/{}", seg(user_id));
        let _: Value = self
            .client
            .call(Method::PUT, &path, &[], Some(body), (As::Admin, None))
            .await?;
        Ok(())
    }

    fn profile_body(u: &User) -> Value {
        let threepids: Vec<Value> = u
            .email
            .iter()
            .map(|e| json!({"medium": "email", "address": e}))
            .collect();
        let mut body = json!({ "threepids": threepids });
        // Synapse shows the localpart when there is no display name: leave it to it.
        if let Some(d) = &u.display_name {
            body["displayname"] = json!(d);
        }
        body
    }

    fn account_of(u: &User, deactivated_by: Option<String>) -> Account {
        Account {
            key: u.key.clone(),
            external_id: u.external_id.clone(),
            email: u.email.clone(),
            deactivated_by,
        }
    }

    async fn apply_one(&self, change: &UserChange, target: &str) -> Result<()> {
        let d = &change.desired;
        match change.action {
            Action::Create | Action::Update => {
                self.put_user(target, &Self::profile_body(d)).await?;
                self.save_account(target, Self::account_of(d, None)).await
            }
            Action::Deactivate => {
                // The mark first: if the deactivation then fails, the next sync finds an
                // active account with a stale mark, and deactivates it again or clears it.
                let mut account = Self::account_of(d, d.deactivated_by.clone());
                if account.email.is_none() {
                    account.email = change.current.as_ref().and_then(|c| c.email.clone());
                }
                self.save_account(target, account).await?;
                let path = format!("/_synapse/admin/v1/deactivate/{}", seg(target));
                let _: Value = self
                    .client
                    .call(
                        Method::POST,
                        &path,
                        &[],
                        Some(&json!({"erase": false})),
                        (As::Admin, None),
                    )
                    .await?;
                Ok(())
            }
            Action::Reactivate => {
                let mut body = Self::profile_body(d);
                body["deactivated"] = json!(false);
                self.put_user(target, &body).await?;
                self.save_account(target, Self::account_of(d, None)).await
            }
        }
    }
}

/// The user id each change applies to, or why it cannot be applied: a create whose
/// localpart belongs to another account (transliteration collisions) or to an earlier
/// create of the same batch.
fn targets(
    changes: &[UserChange],
    reg: &Registry,
    existing: &HashMap<String, bool>,
    server: &str,
) -> Vec<std::result::Result<String, String>> {
    let mut claimed: HashMap<String, &str> = HashMap::new();
    changes
        .iter()
        .map(|c| {
            if let Some(h) = c.current.as_ref().and_then(|u| u.handle.clone()) {
                return Ok(h);
            }
            let Some(lp) = localpart(&c.desired.key) else {
                return Err(format!("\"{}\": empty username", c.desired.key));
            };
            let id = user_id(&lp, server);
            if let Some(other) = claimed.get(&id) {
                return Err(format!(
                    "\"{}\" maps to {id}, like \"{other}\" in the same run; not created",
                    c.desired.key
                ));
            }
            if existing.contains_key(&id) {
                let who = reg.accounts.get(&id).map(|a| a.key.as_str());
                return Err(format!(
                    "\"{}\" maps to {id}, which already belongs to {}; not created",
                    c.desired.key,
                    who.map_or("another account".to_string(), |k| format!("\"{k}\""))
                ));
            }
            claimed.insert(id.clone(), &c.desired.key);
            Ok(id)
        })
        .collect()
}

#[async_trait::async_trait]
impl ReadUsers for MatrixConnector {
    async fn read_users(&self, progress: &dyn Progress) -> Result<UserSet> {
        let ctx = self.ctx().await?.clone();
        let reg = self.registry().await?;
        let listed: Vec<ListedUser> = self
            .list_users()
            .await?
            .into_iter()
            .filter(|u| !self.is_service_account(&ctx, &u.name))
            // Server notices and support accounts are the server's, not people.
            .filter(|u| u.user_type.is_none())
            .collect();
        let task = progress.task("reading Matrix users", Some(listed.len() as u64));
        let emails = run_bounded(&listed, self.concurrency, |_, u| async {
            let r = if u.deactivated {
                // Synapse deletes the threepids of deactivated accounts.
                Ok(reg.accounts.get(&u.name).and_then(|a| a.email.clone()))
            } else {
                self.email_of(&u.name).await
            };
            task.inc(1);
            r
        })
        .await;
        task.finish();
        let mut set = UserSet::default();
        for (u, email) in listed.into_iter().zip(emails) {
            let account = reg.accounts.get(&u.name);
            let mut user = User::new(Self::key_of(&reg, &u.name));
            user.email = email?;
            user.display_name = u.displayname.filter(|d| !d.is_empty());
            user.external_id = account.and_then(|a| a.external_id.clone());
            user.active = !u.deactivated;
            // Also on an active account (reactivated by hand, or a deactivation that
            // failed after its mark): the plan then clears the stale mark.
            user.deactivated_by = account.and_then(|a| a.deactivated_by.clone());
            user.handle = Some(u.name);
            set.users.push(user);
        }
        Ok(set)
    }
}

#[async_trait::async_trait]
impl WriteUsers for MatrixConnector {
    fn stored_fields(&self) -> StoredFields {
        StoredFields::Only(&["key", "external_id", "email", "display_name"])
    }

    async fn apply_users(
        &self,
        changes: &[UserChange],
        progress: &dyn Progress,
    ) -> Result<Vec<ItemResult>> {
        let ctx = self.ctx().await?.clone();
        let reg = self.registry().await?;
        let existing: HashMap<String, bool> = if changes.iter().any(|c| c.current.is_none()) {
            self.list_users()
                .await?
                .into_iter()
                .map(|u| (u.name, u.deactivated))
                .collect()
        } else {
            HashMap::new()
        };
        let targets = targets(changes, &reg, &existing, &ctx.server);
        let task = progress.task("writing Matrix users", Some(changes.len() as u64));
        let work: Vec<(&UserChange, &std::result::Result<String, String>)> =
            changes.iter().zip(&targets).collect();
        let results = run_bounded(&work, self.concurrency, |_, (change, target)| {
            let task = &task;
            async move {
                let r = match target {
                    Err(why) => Err(why.clone()),
                    Ok(id) => self
                        .apply_one(change, id)
                        .await
                        .map_err(|e| format!("\"{}\" ({id}): {e:#}", change.key)),
                };
                task.inc(1);
                r
            }
        })
        .await;
        task.finish();
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(key: &str) -> UserChange {
        UserChange {
            action: Action::Create,
            key: key.into(),
            current: None,
            desired: User::new(key),
            fields: vec![],
        }
    }

    #[test]
    fn transliteration_collisions_are_refused_not_merged() {
        let mut reg = Registry::default();
        reg.accounts.insert(
            "@lea:localhost".into(),
            Account {
                key: "lea".into(),
                ..Default::default()
            },
        );
        let existing = HashMap::from([("@lea:localhost".to_string(), false)]);
        let t = targets(
            &[create("léa"), create("zoé"), create("zoe"), create("bob")],
            &reg,
            &existing,
            "localhost",
        );
        assert!(t[0].as_ref().unwrap_err().contains("\"lea\""), "{t:?}");
        assert_eq!(t[1].as_deref(), Ok("@zoe:localhost"));
        assert!(t[2].as_ref().unwrap_err().contains("\"zoé\""), "{t:?}");
        assert_eq!(t[3].as_deref(), Ok("@bob:localhost"));
    }
}
