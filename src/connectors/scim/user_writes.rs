//! One-request-per-user writes: create (look up first, adopt on 409), update by PATCH or
//! by PUT of the full current resource, If-Match with a single re-read after a 412.

use super::users::{self, UpdateContext};
use super::wire::{self, patch_body};
use super::{fail, CallError, Done, Fail, Outcome, ScimConnector};
use crate::core::model::User;
use crate::core::plan::{Action, UserChange};
use reqwest::Method;
use serde_json::Value;
use std::collections::HashSet;

/// A user resource as the server has it now.
pub(super) struct Fetched {
    pub raw: Value,
    pub etag: Option<String>,
}

impl ScimConnector {
    fn etag_for(&self, id: &str) -> Option<String> {
        let d = self.client.discovered()?;
        if !d.config.etag.supported {
            return None;
        }
        self.lock().users.get(id).and_then(|c| c.etag.clone())
    }

    /// The SCIM id of a user key, from the index.
    pub(super) fn id_of(&self, key: &str) -> Option<String> {
        self.lock().id_by_key.get(&key.to_lowercase()).cloned()
    }

    /// The user with this userName (servers compare case-insensitively), by filter.
    pub(super) async fn find_user(&self, key: &str) -> Result<Option<wire::User>, CallError> {
        let d = self.client.discovered().expect("discovered before writes");
        let query = [("filter", super::filter::eq("userName", key))];
        let answer = self
            .client
            .get(self.client.url(&d.users, None), &query)
            .await?;
        let list: wire::ListResponse<wire::User> = answer
            .body
            .and_then(|b| serde_json::from_value(b).ok())
            .unwrap_or(wire::ListResponse {
                total_results: 0,
                resources: Vec::new(),
            });
        let found = list
            .resources
            .into_iter()
            .find(|u| u.user_name.to_lowercase() == key.to_lowercase());
        if let Some(u) = &found {
            self.remember(u, None);
        }
        Ok(found)
    }

    pub(super) async fn fetch(&self, id: &str) -> Result<Fetched, CallError> {
        let d = self.client.discovered().expect("discovered before writes");
        let answer = self
            .client
            .get(self.client.url(&d.users, Some(id)), &[])
            .await?;
        let raw = answer.body.unwrap_or(Value::Null);
        let user: wire::User = serde_json::from_value(raw.clone()).map_err(|e| CallError {
            status: Some(answer.status.as_u16()),
            scim_type: None,
            detail: format!("user {id}: not a SCIM User: {e}"),
            sent: true,
        })?;
        self.remember(&user, answer.etag.clone());
        let etag = answer.etag.or_else(|| user.meta.version.clone());
        Ok(Fetched { raw, etag })
    }

    /// Creates the user, unless it exists already (found by userName before the POST, or
    /// after a 409 or an answer lost in transit): then it is adopted and updated.
    pub(super) async fn create_one(&self, change: &UserChange) -> Outcome {
        let d = self.client.discovered().expect("discovered before writes");
        let desired = &change.desired;
        let mut last = None;
        for _ in 0..2 {
            match self.find_user(&desired.key).await {
                Ok(Some(found)) => return self.adopt(change, &found).await,
                Ok(None) => {}
                Err(e) => return Err(fail(change, e)),
            }
            let manager_id = desired.manager.as_deref().and_then(|m| self.id_of(m));
            let body = users::create_body(desired, manager_id.as_deref(), d.enterprise);
            let url = self.client.url(&d.users, None);
            match self
                .client
                .call(Method::POST, url, &[], Some(&body), None)
                .await
            {
                Ok(answer) => {
                    let created: wire::User = answer
                        .body
                        .and_then(|b| serde_json::from_value(b).ok())
                        .unwrap_or_default();
                    if created.id.is_empty() {
                        // No usable body: find what was created.
                        last = None;
                        continue;
                    }
                    self.remember(&created, answer.etag);
                    return Ok(Done {
                        id: created.id,
                        manager_pending: desired.manager.is_some() && manager_id.is_none(),
                    });
                }
                // 409: it exists after all (created meanwhile, or invisible to the filter
                // until now); transient: the POST may have gone through. Look again.
                Err(e) if e.status == Some(409) || (e.is_transient() && !e.is_auth()) => {
                    last = Some(e)
                }
                Err(e) => return Err(fail(change, e)),
            }
        }
        Err(match last {
            Some(e) => fail(change, e),
            None => Fail::Item(format!(
                "\"{}\": create failed: the server neither created nor found the user",
                change.key
            )),
        })
    }

    /// Takes over an existing account for a create: it is updated to the desired record.
    async fn adopt(&self, change: &UserChange, found: &wire::User) -> Outcome {
        let keys = self.lock().key_by_id.clone();
        let current = users::to_canonical(found, &keys, &HashSet::new());
        tracing::info!(user = %change.key, id = %found.id, "SCIM user exists already; adopted");
        self.update_with(change, &current, &found.id).await
    }

    pub(super) async fn update_one(&self, change: &UserChange) -> Outcome {
        let Some(current) = &change.current else {
            return Err(Fail::Item(format!(
                "\"{}\": {} without the current record",
                change.key,
                change.action.as_str()
            )));
        };
        let id = match current.handle.clone().or_else(|| self.id_of(&current.key)) {
            Some(id) => id,
            None => match self.find_user(&current.key).await {
                Ok(Some(u)) => u.id,
                Ok(None) => {
                    return Err(Fail::Item(format!(
                        "\"{}\": not found on the SCIM server; cannot {}",
                        change.key,
                        change.action.as_str()
                    )))
                }
                Err(e) => return Err(fail(change, e)),
            },
        };
        self.update_with(change, current, &id).await
    }

    /// Sends the operations turning `current` into `change.desired`; after a 412 the
    /// resource is re-read and the same operations are sent once more.
    pub(super) async fn update_with(
        &self,
        change: &UserChange,
        current: &User,
        id: &str,
    ) -> Outcome {
        let d = self.client.discovered().expect("discovered before writes");
        let desired = &change.desired;
        let manager_id = if current.manager == desired.manager {
            None
        } else {
            match desired.manager.as_deref() {
                None => Some(None),
                Some(m) => match self.id_of(m) {
                    Some(mid) => Some(Some(mid)),
                    None => {
                        return Err(Fail::Item(format!(
                        "\"{}\": manager \"{m}\" is not a user of the SCIM server; {} not applied",
                        change.key,
                        change.action.as_str()
                    )))
                    }
                },
            }
        };
        let use_patch = self.settings.patch && d.config.patch.supported;
        let needs_emails = current.email != desired.email;
        let mut fresh: Option<Fetched> = None;
        for attempt in 0..2 {
            if fresh.is_none()
                && (!use_patch
                    || attempt > 0
                    || (needs_emails && !self.lock().users.contains_key(id)))
            {
                fresh = Some(self.fetch(id).await.map_err(|e| fail(change, e))?);
            }
            let emails = self
                .lock()
                .users
                .get(id)
                .map(|c| c.emails.clone())
                .unwrap_or_default();
            let ctx = UpdateContext {
                emails: &emails,
                manager_id: manager_id.clone(),
                enterprise: d.enterprise,
            };
            let ops = users::patch_ops(current, desired, &ctx);
            if ops.is_empty() {
                return Ok(Done {
                    id: id.to_string(),
                    manager_pending: false,
                });
            }
            let url = self.client.url(&d.users, Some(id));
            let etag = if d.config.etag.supported {
                fresh
                    .as_ref()
                    .and_then(|f| f.etag.clone())
                    .or_else(|| self.etag_for(id))
            } else {
                None
            };
            let result = if use_patch {
                self.client
                    .call(
                        Method::PATCH,
                        url,
                        &[],
                        Some(&patch_body(&ops)),
                        etag.as_deref(),
                    )
                    .await
            } else {
                let mut resource = fresh.as_ref().map(|f| f.raw.clone()).unwrap_or_default();
                users::apply_locally(&mut resource, &ops);
                self.client
                    .call(Method::PUT, url, &[], Some(&resource), etag.as_deref())
                    .await
            };
            match result {
                Ok(answer) => {
                    self.after_write(id, desired, &ops, answer);
                    return Ok(Done {
                        id: id.to_string(),
                        manager_pending: false,
                    });
                }
                Err(e) if e.status == Some(412) && attempt == 0 => {
                    tracing::info!(user = %change.key, "changed on the server meanwhile (412); re-reading");
                    self.client.stats.record_retry();
                    fresh = None;
                }
                Err(e) => return Err(fail(change, e)),
            }
        }
        unreachable!("the loop returns on its second attempt")
    }

    /// Updates the index after a successful PATCH/PUT.
    fn after_write(
        &self,
        id: &str,
        desired: &User,
        ops: &[wire::PatchOperation],
        answer: super::client::Answer,
    ) {
        if let Some(u) = answer
            .body
            .and_then(|b| serde_json::from_value::<wire::User>(b).ok())
        {
            if !u.id.is_empty() {
                self.remember(&u, answer.etag);
                return;
            }
        }
        let mut idx = self.lock();
        let key_lower = desired.key.to_lowercase();
        if let Some(old) = idx.key_by_id.insert(id.to_string(), desired.key.clone()) {
            if old.to_lowercase() != key_lower {
                idx.id_by_key.remove(&old.to_lowercase());
            }
        }
        idx.id_by_key.insert(key_lower, id.to_string());
        let cached = idx.users.entry(id.to_string()).or_default();
        cached.etag = answer.etag;
        if let Some(op) = ops.iter().find(|o| o.path == "emails") {
            cached.emails = op
                .value
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
        }
    }

    /// Sets the manager of users created before their manager existed.
    pub(super) async fn set_pending_managers(
        &self,
        changes: &[UserChange],
        outcomes: &mut [Option<Outcome>],
    ) {
        let todo: Vec<(usize, String)> = outcomes
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match o {
                Some(Ok(Done {
                    id,
                    manager_pending: true,
                })) => Some((i, id.clone())),
                _ => None,
            })
            .collect();
        let done =
            crate::core::executor::run_bounded(&todo, self.concurrency, |_, (i, id)| async move {
                let change = &changes[*i];
                let mut current = change.desired.clone();
                current.manager = None;
                let fix = UserChange {
                    action: Action::Update,
                    ..change.clone()
                };
                self.update_with(&fix, &current, id)
                    .await
                    .map_err(|e| match e {
                        Fail::Item(msg) => {
                            Fail::Item(format!("{msg} (the user was created without a manager)"))
                        }
                        fatal => fatal,
                    })
            })
            .await;
        let todo: Vec<usize> = todo.into_iter().map(|(i, _)| i).collect();
        for (i, out) in todo.into_iter().zip(done) {
            outcomes[i] = Some(out);
        }
    }
}
