//! Paging through a room's timeline with the Synapse admin messages API
//! (`/_synapse/admin/v1/rooms/{room}/messages`), oldest first, one page at a time.
//!
//! Pages come in topological order, which for events sent by esnctl (and by clients) is
//! arrival order, not `origin_server_ts` order: imported, back-dated messages arrive after
//! newer ones. A page may be empty while `end` is still given (events dropped by the
//! filter after the limit was applied): only a missing `end`, or an `end` equal to the
//! `from` token, means the end of the timeline.

use super::client::{seg, As};
use super::wire::Page;
use super::MatrixConnector;
use crate::error::Result;
use reqwest::Method;
use serde::de::DeserializeOwned;

/// Events per page: Synapse's own cap for `/messages`.
pub(super) const PAGE: u32 = 1000;

impl MatrixConnector {
    /// One page of `room`'s timeline from `from` (the start when `None`), only the event
    /// types of `types`.
    pub(super) async fn messages_page<T: DeserializeOwned>(
        &self,
        room: &str,
        from: Option<&str>,
        types: &[&str],
    ) -> Result<Page<T>> {
        let path = format!("/_synapse/admin/v1/rooms/{}/messages", seg(room));
        let filter = serde_json::json!({ "types": types }).to_string();
        let limit = PAGE.to_string();
        let mut q = vec![("dir", "f"), ("limit", limit.as_str()), ("filter", &filter)];
        if let Some(f) = from {
            q.push(("from", f));
        }
        self.client
            .call(Method::GET, &path, &q, None, (As::Admin, None))
            .await
    }
}

/// Where the next page starts, `None` at the end of the timeline.
pub(super) fn next_from(from: Option<&str>, end: Option<String>) -> Option<String> {
    end.filter(|e| Some(e.as_str()) != from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_stops_without_end_or_on_a_repeated_token() {
        assert_eq!(next_from(None, Some("t2".into())), Some("t2".into()));
        assert_eq!(next_from(Some("t2"), Some("t2".into())), None);
        assert_eq!(next_from(Some("t2"), None), None);
        // An empty filtered page still gives a new token: keep going.
        assert_eq!(next_from(Some("t2"), Some("t3".into())), Some("t3".into()));
    }
}
