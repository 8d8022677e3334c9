//! SCIM 2.0 JSON types (RFC 7643 resources, RFC 7644 messages), only the attributes
//! esnctl reads or writes. Readers are lenient (every attribute optional, unknown ones
//! ignored); a PUT starts from the server's raw JSON so nothing unknown is dropped.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
pub const CONTENT_TYPE: &str = "application/scim+json";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceProviderConfig {
    pub patch: Supported,
    pub bulk: BulkConfig,
    pub filter: FilterConfig,
    pub etag: Supported,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct Supported {
    pub supported: bool,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BulkConfig {
    pub supported: bool,
    pub max_operations: usize,
    pub max_payload_size: usize,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FilterConfig {
    pub supported: bool,
    pub max_results: usize,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceType {
    pub name: String,
    pub endpoint: String,
    pub schema: String,
    pub schema_extensions: Vec<SchemaExtension>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SchemaExtension {
    pub schema: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SchemaDef {
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    bound(deserialize = "T: serde::de::DeserializeOwned")
)]
pub struct ListResponse<T> {
    #[serde(default)]
    pub total_results: usize,
    #[serde(default, rename = "Resources")]
    pub resources: Vec<T>,
}

/// An error response. `status` is a string in RFC 7644, a number on some servers.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ErrorBody {
    pub scim_type: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Name {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Email {
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Enterprise {
    pub employee_number: Option<String>,
    pub department: Option<String>,
    pub manager: Option<Reference>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Reference {
    pub value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    pub id: String,
    pub external_id: Option<String>,
    pub user_name: String,
    pub name: Option<Name>,
    pub display_name: Option<String>,
    pub title: Option<String>,
    /// Absent means active (RFC 7643 leaves it to the provider; most default to true).
    pub active: Option<bool>,
    pub emails: Vec<Email>,
    pub meta: Meta,
    #[serde(rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")]
    pub enterprise: Option<Enterprise>,
}

impl User {
    /// The primary email, else the first one.
    pub fn primary_email(&self) -> Option<&str> {
        self.emails
            .iter()
            .find(|e| e.primary == Some(true))
            .or_else(|| self.emails.first())
            .and_then(|e| e.value.as_deref())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Group {
    pub id: String,
    pub external_id: Option<String>,
    pub display_name: String,
    pub members: Vec<Member>,
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Member {
    pub value: String,
    pub r#type: Option<String>,
}

/// One PATCH operation; `path` and `value` as RFC 7644 §3.5.2.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchOperation {
    pub op: &'static str,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

impl PatchOperation {
    pub fn replace(path: impl Into<String>, value: Value) -> Self {
        PatchOperation {
            op: "replace",
            path: path.into(),
            value: Some(value),
        }
    }

    pub fn add(path: impl Into<String>, value: Value) -> Self {
        PatchOperation {
            op: "add",
            path: path.into(),
            value: Some(value),
        }
    }

    pub fn remove(path: impl Into<String>) -> Self {
        PatchOperation {
            op: "remove",
            path: path.into(),
            value: None,
        }
    }
}

pub fn patch_body(ops: &[PatchOperation]) -> Value {
    serde_json::json!({"schemas": [PATCH_OP], "Operations": ops})
}

#[derive(Debug, Deserialize)]
pub struct BulkResponse {
    #[serde(default, rename = "Operations")]
    pub operations: Vec<BulkResult>,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct BulkResult {
    #[serde(rename = "bulkId")]
    pub bulk_id: Option<String>,
    pub location: Option<String>,
    pub version: Option<String>,
    pub status: Value,
    pub response: Option<Value>,
}

impl Default for BulkResult {
    fn default() -> Self {
        BulkResult {
            bulk_id: None,
            location: None,
            version: None,
            status: Value::Null,
            response: None,
        }
    }
}

impl BulkResult {
    /// The HTTP status, written as a string (RFC 7644) or a number.
    pub fn status_code(&self) -> u16 {
        match &self.status {
            Value::Number(n) => n.as_u64().unwrap_or(0) as u16,
            Value::String(s) => s.trim().parse().unwrap_or(0),
            // Some servers nest it: {"code": "201"}.
            Value::Object(o) => o
                .get("code")
                .and_then(|c| {
                    c.as_str()
                        .map(str::to_string)
                        .or(c.as_u64().map(|n| n.to_string()))
                })
                .and_then(|c| c.parse().ok())
                .unwrap_or(0),
            _ => 0,
        }
    }

    /// The resource id from `location` (`…/Users/<id>`).
    pub fn id(&self) -> Option<&str> {
        let loc = self.location.as_deref()?.trim_end_matches('/');
        loc.rsplit('/').next().filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_users_leniently_with_enterprise_extension() {
        let u: User = serde_json::from_str(
            r#"{"id":"1","userName":"Léa","emails":[{"value":"a@x"},{"value":"b@x","primary":true}],
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"9"}},
                "phoneNumbers":[{"value":"1"}]}"#,
        )
        .unwrap();
        assert_eq!(u.primary_email(), Some("b@x"));
        assert_eq!(u.active, None);
        let mgr = u.enterprise.unwrap().manager.unwrap().value;
        assert_eq!(mgr.as_deref(), Some("9"));
    }

    #[test]
    fn bulk_status_as_string_number_or_object() {
        for status in [r#""201""#, "201", r#"{"code":"201"}"#] {
            let r: BulkResult = serde_json::from_str(&format!(
                r#"{{"status":{status},"location":"http://h/v2/Users/abc"}}"#
            ))
            .unwrap();
            assert_eq!((r.status_code(), r.id()), (201, Some("abc")));
        }
    }
}
