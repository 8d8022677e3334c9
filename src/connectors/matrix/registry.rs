//! The account registry: what esnctl knows about the accounts it manages and Synapse has no
//! field for — the canonical key (the localpart is a lossy mapping of it), the source's
//! immutable id, the email at deactivation (Synapse deletes threepids on deactivation)
//! and whether esnctl deactivated the account (only those are reactivated).
//!
//! It lives on the homeserver, so every esnctl run (any machine, any admin) sees the same:
//! one private room, `#esnctl-registry:SERVER`, holding one `org.esnctl.account` state
//! event per account (state key `user:` + user id). State survives restarts, is read in one
//! request, and a state event replaces the previous one atomically. An account deactivated
//! by hand after esnctl reactivated it is not mistaken for esnctl's: the reactivation
//! clears the mark. A registry room deleted by hand loses the marks (nothing is then
//! reactivated automatically) and the keys (accounts fall back to their localpart).

use super::client::{seg, As, Client};
use super::wire::{RoomIdAnswer, StateAnswer};
use crate::error::Result;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

pub const ALIAS_LOCALPART: &str = "esnctl-registry";
pub const EVENT_TYPE: &str = "org.esnctl.account";
/// State keys starting with `@` may only be set by that user: the user id is prefixed.
const STATE_KEY_PREFIX: &str = "user:";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The email as esnctl last set it (read back for deactivated accounts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivated_by: Option<String>,
}

/// The registry as read, by user id.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    pub room_id: Option<String>,
    pub accounts: HashMap<String, Account>,
}

impl Registry {
    /// The user id registered for a key (case-insensitive).
    pub fn user_of_key(&self, key: &str) -> Option<&str> {
        let lower = key.to_lowercase();
        self.accounts
            .iter()
            .find(|(_, a)| a.key.to_lowercase() == lower)
            .map(|(id, _)| id.as_str())
    }
}

pub async fn resolve_alias(client: &Client, alias: &str) -> Result<Option<String>> {
    let path = format!("/_matrix/client/v3/directory/room/{}", seg(alias));
    match client
        .call_raw(Method::GET, &path, &[], None, (As::Admin, None))
        .await?
    {
        Ok(v) => Ok(v["room_id"].as_str().map(str::to_string)),
        Err(e) if e.status == 404 || e.errcode == "M_NOT_FOUND" => Ok(None),
        Err(e) => Err(client.error_of(&path, e).into()),
    }
}

/// Reads the registry; an absent registry room is an empty registry.
pub async fn load(client: &Client, server: &str) -> Result<Registry> {
    let alias = format!("#{ALIAS_LOCALPART}:{server}");
    let Some(room_id) = resolve_alias(client, &alias).await? else {
        return Ok(Registry::default());
    };
    let path = format!("/_synapse/admin/v1/rooms/{}/state", seg(&room_id));
    let state: StateAnswer = client
        .call(Method::GET, &path, &[], None, (As::Admin, None))
        .await?;
    let mut accounts = HashMap::new();
    for ev in state.state.into_iter().filter(|e| e.kind == EVENT_TYPE) {
        // An emptied event (`{}`) is a removed entry.
        let Some(user_id) = ev.state_key.strip_prefix(STATE_KEY_PREFIX) else {
            continue;
        };
        if let Ok(a) = serde_json::from_value::<Account>(ev.content) {
            if !a.key.is_empty() {
                accounts.insert(user_id.to_string(), a);
            }
        }
    }
    Ok(Registry {
        room_id: Some(room_id),
        accounts,
    })
}

/// The registry room's id, creating the room when it does not exist yet (a concurrent
/// run that created it first wins: its alias is resolved).
pub async fn ensure_room(client: &Client, server: &str) -> Result<String> {
    let alias = format!("#{ALIAS_LOCALPART}:{server}");
    if let Some(id) = resolve_alias(client, &alias).await? {
        return Ok(id);
    }
    let body = json!({
        "preset": "private_chat",
        "visibility": "private",
        "room_alias_name": ALIAS_LOCALPART,
        "name": "esnctl account registry",
        "topic": "Written by esnctl: canonical keys and esnctl's own deactivations of the \
                  accounts it manages. Do not delete.",
    });
    let path = "/_matrix/client/v3/createRoom";
    match client
        .call_raw(Method::POST, path, &[], Some(&body), (As::Admin, None))
        .await?
    {
        Ok(v) => Ok(serde_json::from_value::<RoomIdAnswer>(v)?.room_id),
        // Created meanwhile by another run (Synapse answers 409 M_UNKNOWN for a taken alias).
        Err(e) if e.errcode == "M_ROOM_IN_USE" || e.status == 409 => resolve_alias(client, &alias)
            .await?
            .ok_or_else(|| client.error_of(path, e).into()),
        Err(e) => Err(client.error_of(path, e).into()),
    }
}

/// Writes one account's entry.
pub async fn put(client: &Client, room_id: &str, user_id: &str, account: &Account) -> Result<()> {
    let path = format!(
        "/_matrix/client/v3/rooms/{}/state/{}/{}",
        seg(room_id),
        EVENT_TYPE,
        seg(&format!("{STATE_KEY_PREFIX}{user_id}"))
    );
    let body = serde_json::to_value(account)?;
    let mut tries = 0;
    loop {
        match client
            .call_raw(Method::PUT, &path, &[], Some(&body), (As::Admin, None))
            .await?
        {
            Ok(_) => return Ok(()),
            // A room another run is still creating (its alias resolves before its creator
            // has joined), or one created by another admin: wait, then take it over.
            Err(e) if e.status == 403 && tries < 20 => {
                tries += 1;
                if tries == 20 {
                    let admin =
                        format!("/_synapse/admin/v1/rooms/{}/make_room_admin", seg(room_id));
                    let me = client
                        .call::<Value>(
                            Method::GET,
                            "/_matrix/client/v3/account/whoami",
                            &[],
                            None,
                            (As::Admin, None),
                        )
                        .await?;
                    let _: Value = client
                        .call(Method::POST, &admin, &[], Some(&me), (As::Admin, None))
                        .await?;
                } else {
                    tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                }
            }
            Err(e) => return Err(client.error_of(&path, e).into()),
        }
    }
}
