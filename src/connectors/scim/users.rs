//! SCIM User ↔ canonical user, and the PATCH operations (or the PUT body) that turn one
//! into the other.
//!
//! Mapping: `userName` = key, `externalId` = external_id, the primary email = email,
//! `name.givenName`/`name.familyName`, `displayName`, `title`, `active`, and from the
//! enterprise extension `department`, `manager.value` (the manager's SCIM id, resolved to
//! and from the manager's key) and `employeeNumber` (read into `extra.employee_number`,
//! never written).

use super::wire::{self, Email, PatchOperation};
use crate::core::model::User;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

/// Canonical fields SCIM stores, with and without the enterprise extension.
pub const STORED: &[&str] = &[
    "key",
    "external_id",
    "email",
    "display_name",
    "given_name",
    "family_name",
    "title",
    "department",
    "manager",
];
pub const STORED_CORE: &[&str] = &[
    "key",
    "external_id",
    "email",
    "display_name",
    "given_name",
    "family_name",
    "title",
];

const DEPARTMENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";
pub const MANAGER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";

/// The canonical user for a SCIM User. `keys_by_id` resolves the manager; `marked` holds
/// the ids esnctl deactivated (see the deactivation ledger group in `groups.rs`).
pub fn to_canonical(
    u: &wire::User,
    keys_by_id: &HashMap<String, String>,
    marked: &HashSet<String>,
) -> User {
    let name = u.name.clone().unwrap_or_default();
    let ent = u.enterprise.clone().unwrap_or_default();
    let mut user = User {
        key: u.user_name.clone(),
        external_id: u.external_id.clone().filter(|s| !s.is_empty()),
        email: u.primary_email().map(str::to_string),
        display_name: u.display_name.clone(),
        given_name: name.given_name,
        family_name: name.family_name,
        title: u.title.clone(),
        department: ent.department,
        manager: ent
            .manager
            .and_then(|m| m.value)
            .map(|id| keys_by_id.get(&id).cloned().unwrap_or(id)),
        active: u.active.unwrap_or(true),
        handle: Some(u.id.clone()),
        ..Default::default()
    };
    if let Some(n) = ent.employee_number {
        user.extra.insert("employee_number".into(), n);
    }
    // Also on an active account (reactivated by hand): the plan then clears the stale mark.
    if marked.contains(&u.id) {
        user.deactivated_by = Some(crate::core::plan::DEACTIVATED_BY_ESNCTL.to_string());
    }
    user
}

/// The email list with `new` as the primary address: the old primary is replaced, other
/// addresses (home, other) are kept.
pub fn emails_with_primary(current: &[Email], new: Option<&str>) -> Vec<Email> {
    let primary_at = current
        .iter()
        .position(|e| e.primary == Some(true))
        .or(if current.is_empty() { None } else { Some(0) });
    let mut out: Vec<Email> = current
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != primary_at)
        .map(|(_, e)| Email {
            primary: None,
            ..e.clone()
        })
        .collect();
    if let Some(v) = new {
        out.retain(|e| e.value.as_deref() != Some(v));
        let r#type = primary_at
            .and_then(|i| current[i].r#type.clone())
            .or(Some("work".into()));
        out.insert(
            0,
            Email {
                value: Some(v.to_string()),
                r#type,
                primary: Some(true),
            },
        );
    }
    out
}

/// Body of a POST creating `user`. `manager_id` is the manager's SCIM id when known.
pub fn create_body(user: &User, manager_id: Option<&str>, enterprise: bool) -> Value {
    let mut body = Map::new();
    let mut schemas = vec![json!(wire::USER_SCHEMA)];
    body.insert("userName".into(), json!(user.key));
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            body.insert(k.into(), json!(v));
        }
    };
    put("externalId", &user.external_id);
    put("displayName", &user.display_name);
    put("title", &user.title);
    let mut name = Map::new();
    if let Some(g) = &user.given_name {
        name.insert("givenName".into(), json!(g));
    }
    if let Some(f) = &user.family_name {
        name.insert("familyName".into(), json!(f));
    }
    if !name.is_empty() {
        body.insert("name".into(), Value::Object(name));
    }
    if user.email.is_some() {
        body.insert(
            "emails".into(),
            json!(emails_with_primary(&[], user.email.as_deref())),
        );
    }
    body.insert("active".into(), json!(user.active));
    if enterprise {
        let mut ent = Map::new();
        if let Some(d) = &user.department {
            ent.insert("department".into(), json!(d));
        }
        if let Some(m) = manager_id {
            ent.insert("manager".into(), json!({ "value": m }));
        }
        if !ent.is_empty() {
            schemas.push(json!(wire::ENTERPRISE));
            body.insert(wire::ENTERPRISE.into(), Value::Object(ent));
        }
    }
    body.insert("schemas".into(), Value::Array(schemas));
    Value::Object(body)
}

/// What an update needs to know besides the two canonical records.
pub struct UpdateContext<'a> {
    /// The resource's current emails (to keep non-primary addresses).
    pub emails: &'a [Email],
    /// The desired manager's SCIM id: `Some(None)` to clear, `None` when unchanged.
    pub manager_id: Option<Option<String>>,
    pub enterprise: bool,
}

/// PATCH operations turning `current` into `desired` (only the fields that differ).
pub fn patch_ops(current: &User, desired: &User, ctx: &UpdateContext) -> Vec<PatchOperation> {
    let mut ops = Vec::new();
    let mut set = |path: &str, old: Option<&str>, new: Option<&str>| {
        if old != new {
            ops.push(match new {
                Some(v) => PatchOperation::replace(path, json!(v)),
                None => PatchOperation::remove(path),
            });
        }
    };
    set("userName", Some(&current.key), Some(&desired.key));
    if desired.external_id.is_some() {
        set(
            "externalId",
            current.external_id.as_deref(),
            desired.external_id.as_deref(),
        );
    }
    set(
        "displayName",
        current.display_name.as_deref(),
        desired.display_name.as_deref(),
    );
    set(
        "name.givenName",
        current.given_name.as_deref(),
        desired.given_name.as_deref(),
    );
    set(
        "name.familyName",
        current.family_name.as_deref(),
        desired.family_name.as_deref(),
    );
    set("title", current.title.as_deref(), desired.title.as_deref());
    if ctx.enterprise {
        set(
            DEPARTMENT,
            current.department.as_deref(),
            desired.department.as_deref(),
        );
    }
    if current.email != desired.email {
        let list = emails_with_primary(ctx.emails, desired.email.as_deref());
        ops.push(if list.is_empty() {
            PatchOperation::remove("emails")
        } else {
            PatchOperation::replace("emails", json!(list))
        });
    }
    if ctx.enterprise {
        if let Some(m) = &ctx.manager_id {
            ops.push(match m {
                Some(id) => PatchOperation::replace(MANAGER, json!({ "value": id })),
                None => PatchOperation::remove(MANAGER),
            });
        }
    }
    if current.active != desired.active {
        ops.push(PatchOperation::replace("active", json!(desired.active)));
    }
    ops
}

/// Applies PATCH operations to a full resource locally, for servers without PATCH: the
/// result is PUT back whole, so every attribute esnctl does not manage is kept.
pub fn apply_locally(resource: &mut Value, ops: &[PatchOperation]) {
    let Some(obj) = resource.as_object_mut() else {
        return;
    };
    // Read-only attributes the server computes; sending them back is at best ignored.
    obj.remove("meta");
    for op in ops {
        let (container, attr) = match op.path.rsplit_once(':') {
            Some((urn, attr)) if op.path.starts_with("urn:") => {
                let schemas = obj.entry("schemas").or_insert_with(|| json!([]));
                if let Some(list) = schemas.as_array_mut() {
                    if op.value.is_some() && !list.iter().any(|s| s == urn) {
                        list.push(json!(urn));
                    }
                }
                let ext = obj.entry(urn.to_string()).or_insert_with(|| json!({}));
                (ext, attr.to_string())
            }
            _ => match op.path.split_once('.') {
                Some((parent, sub)) => (
                    obj.entry(parent.to_string()).or_insert_with(|| json!({})),
                    sub.to_string(),
                ),
                None => {
                    match &op.value {
                        Some(v) => obj.insert(op.path.clone(), v.clone()),
                        None => obj.remove(&op.path),
                    };
                    continue;
                }
            },
        };
        if let Some(map) = container.as_object_mut() {
            match &op.value {
                Some(v) => map.insert(attr, v.clone()),
                None => map.remove(&attr),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(key: &str) -> User {
        let mut u = User::new(key);
        u.email = Some(format!("{key}@x"));
        u
    }

    #[test]
    fn patch_only_changes_and_keeps_other_emails() {
        let current = user("léa");
        let mut desired = current.clone();
        desired.email = Some("new@x".into());
        desired.title = Some("Chef d'équipe \"B\"".into());
        desired.active = false;
        let emails = vec![
            Email {
                value: Some("home@x".into()),
                r#type: Some("home".into()),
                primary: None,
            },
            Email {
                value: Some("léa@x".into()),
                r#type: Some("work".into()),
                primary: Some(true),
            },
        ];
        let ops = patch_ops(
            &current,
            &desired,
            &UpdateContext {
                emails: &emails,
                manager_id: None,
                enterprise: true,
            },
        );
        let paths: Vec<_> = ops.iter().map(|o| (o.op, o.path.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("replace", "title"),
                ("replace", "emails"),
                ("replace", "active")
            ]
        );
        let list = ops[1].value.as_ref().unwrap().as_array().unwrap();
        assert_eq!(list[0]["value"], "new@x");
        assert_eq!(list[0]["primary"], true);
        assert_eq!(list[1]["value"], "home@x");
        assert!(patch_ops(
            &current,
            &current,
            &UpdateContext {
                emails: &emails,
                manager_id: None,
                enterprise: true
            }
        )
        .is_empty());
    }

    #[test]
    fn local_application_matches_patch_semantics() {
        let mut res = json!({"id": "1", "userName": "a", "name": {"givenName": "A", "familyName": "B"},
                              "meta": {"version": "W/\"1\""}, "phoneNumbers": [{"value": "1"}],
                              "schemas": [wire::USER_SCHEMA]});
        let ops = vec![
            PatchOperation::remove("name.givenName"),
            PatchOperation::replace(DEPARTMENT, json!("IT")),
            PatchOperation::replace("active", json!(false)),
        ];
        apply_locally(&mut res, &ops);
        assert_eq!(res["name"], json!({"familyName": "B"}));
        assert_eq!(res[wire::ENTERPRISE]["department"], "IT");
        assert_eq!(res["schemas"][1], wire::ENTERPRISE);
        assert_eq!(res["phoneNumbers"][0]["value"], "1");
        assert!(res.get("meta").is_none());
    }

    #[test]
    fn round_trip_through_create_body() {
        let mut u = user("山田");
        u.given_name = Some("明子".into());
        u.department = Some("IT".into());
        let body = create_body(&u, Some("m-1"), true);
        let wire_user: wire::User = serde_json::from_value(json!({
            "id": "x", "userName": body["userName"], "name": body["name"], "emails": body["emails"],
            "active": body["active"], (wire::ENTERPRISE): body[wire::ENTERPRISE]
        }))
        .unwrap();
        let keys = HashMap::from([("m-1".to_string(), "boss".to_string())]);
        let back = to_canonical(&wire_user, &keys, &HashSet::new());
        assert_eq!(back.manager.as_deref(), Some("boss"));
        assert_eq!(
            (back.key.as_str(), back.given_name.as_deref()),
            ("山田", Some("明子"))
        );
        assert_eq!(back.email, u.email);
    }
}
