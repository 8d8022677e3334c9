//! The JSON shapes of the Matrix client-server and Synapse admin APIs that esnctl reads.
//! Unknown fields are ignored: servers add fields over time.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Whoami {
    pub user_id: String,
}

/// `GET /_synapse/admin/v2/users`.
#[derive(Debug, Deserialize)]
pub struct UsersPage {
    pub users: Vec<ListedUser>,
    /// A string in current Synapse, a number in old ones.
    #[serde(default)]
    pub next_token: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListedUser {
    pub name: String,
    #[serde(default)]
    pub deactivated: bool,
    #[serde(default)]
    pub displayname: Option<String>,
    #[serde(default)]
    pub user_type: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub creation_ts: Option<i64>,
    #[serde(default)]
    pub last_seen_ts: Option<i64>,
}

/// `GET /_synapse/admin/v2/users/{user_id}`.
#[derive(Debug, Deserialize)]
pub struct UserDetail {
    #[serde(default)]
    pub threepids: Vec<Threepid>,
}

#[derive(Debug, Deserialize)]
pub struct Threepid {
    pub medium: String,
    pub address: String,
}

/// `GET /_synapse/admin/v1/rooms`.
#[derive(Debug, Deserialize)]
pub struct RoomsPage {
    pub rooms: Vec<ListedRoom>,
    #[serde(default)]
    pub next_batch: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListedRoom {
    pub room_id: String,
    #[serde(default)]
    pub canonical_alias: Option<String>,
    #[serde(default)]
    pub room_type: Option<String>,
    /// Published in the room directory.
    #[serde(default)]
    pub public: bool,
}

/// `GET /_synapse/admin/v1/rooms/{room_id}/state`.
#[derive(Debug, Deserialize)]
pub struct StateAnswer {
    pub state: Vec<StateEvent>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StateEvent {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub state_key: String,
    #[serde(default)]
    pub content: Value,
}

/// `GET /_synapse/admin/v1/rooms/{room_id}/members`.
#[derive(Debug, Deserialize)]
pub struct MembersAnswer {
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct RoomIdAnswer {
    pub room_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClientEvent {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sender: String,
    pub origin_server_ts: i64,
    #[serde(default)]
    pub content: Value,
    #[serde(default)]
    pub state_key: Option<String>,
}

/// A pagination token that may come as a string or a number.
pub fn token_text(v: &Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// An event as the content reader needs it: [`ClientEvent`] plus `unsigned`, which holds
/// the bundled relations (`m.relations.m.replace`: the latest edit).
#[derive(Debug, Clone, Deserialize)]
pub struct TimelineEvent {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sender: String,
    pub origin_server_ts: i64,
    #[serde(default)]
    pub content: Value,
    #[serde(default)]
    pub state_key: Option<String>,
    #[serde(default)]
    pub unsigned: Value,
}

/// One page of `GET /_synapse/admin/v1/rooms/{room_id}/messages`, whatever the event shape.
#[derive(Debug, Deserialize)]
#[serde(bound = "T: serde::de::DeserializeOwned")]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub chunk: Vec<T>,
    /// Absent once the end of the timeline is reached.
    #[serde(default)]
    pub end: Option<String>,
}
