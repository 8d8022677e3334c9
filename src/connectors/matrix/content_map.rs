//! Timeline events → canonical content, event by event (no I/O): what an event is, where
//! a post sits in its thread, its Markdown body, its file.
//!
//! - `m.room.message` → a post, unless it is an edit (`m.replace`: applied to its original
//!   through the bundled aggregation instead), redacted (no `body`), or a file esnctl sent
//!   for a post (`org.esnctl.attachment_of`: an attachment of that post). A file message
//!   sent by a client is a post (its body is the file name or caption) with the file as
//!   its attachment.
//! - Body: the event's `body`, which esnctl's writer fills with the source Markdown
//!   verbatim (and clients with what was typed), so no separate copy of the Markdown is
//!   stored; the latest edit's `m.new_content.body` when edited; a client's rich-reply
//!   fallback (`> <@user> …` quote, present when `formatted_body` starts with `<mx-reply>`)
//!   is removed.
//! - Threads: an `m.thread` relation makes a reply to its root; `m.in_reply_to` inside it
//!   is the parent unless `is_falling_back`. A rich reply outside a thread joins the thread
//!   of the post it answers. A reply whose root or parent is not a post of the room
//!   (redacted, or a file message esnctl sent) becomes a root post with
//!   `extra.thread_root_missing` / `extra.parent_missing` naming it, so no reply points
//!   nowhere.
//! - `m.reaction` with an `m.annotation` relation → a reaction, its `key` as the emoji.

use super::wire::TimelineEvent;
use serde_json::Value;
use std::collections::HashMap;

/// Set by esnctl's writer on the file event of an attachment: the post's event id.
pub(super) const ATTACHMENT_OF: &str = "org.esnctl.attachment_of";
/// Set by esnctl's writer on the file event of an attachment: SHA-256 of the bytes.
pub(super) const SHA256: &str = "org.esnctl.sha256";

/// What a timeline event is for content.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind<'e> {
    Post,
    /// A file sent by esnctl for the post with this event id.
    AttachmentOf(&'e str),
    /// An annotation: (event reacted to, emoji).
    Reaction(&'e str, &'e str),
    /// End-to-end encrypted: unreadable with an admin token.
    Encrypted,
    Other,
}

pub(super) fn kind_of(ev: &TimelineEvent) -> Kind<'_> {
    if ev.state_key.is_some() {
        return Kind::Other;
    }
    let c = &ev.content;
    let rel = &c["m.relates_to"];
    match ev.kind.as_str() {
        "m.reaction" => match (
            rel["rel_type"].as_str(),
            rel["event_id"].as_str(),
            rel["key"].as_str(),
        ) {
            (Some("m.annotation"), Some(target), Some(key)) => Kind::Reaction(target, key),
            _ => Kind::Other,
        },
        "m.room.encrypted" => Kind::Encrypted,
        "m.room.message" => {
            // Redacted (no body) or an edit: not a post of its own.
            let redacted = c["msgtype"].as_str().is_none() || c["body"].as_str().is_none();
            if redacted || rel["rel_type"] == "m.replace" {
                Kind::Other
            } else if let Some(post) = c[ATTACHMENT_OF].as_str() {
                Kind::AttachmentOf(post)
            } else {
                Kind::Post
            }
        }
        _ => Kind::Other,
    }
}

/// A post's place: `(thread_root, parent, extra key and id of a missing target)`.
/// `posts` maps the room's posts read so far to their thread root (themselves for roots).
pub(super) type Place = (
    Option<String>,
    Option<String>,
    Option<(&'static str, String)>,
);

pub(super) fn place(content: &Value, posts: &HashMap<String, String>) -> Place {
    let rel = &content["m.relates_to"];
    let reply_to = rel["m.in_reply_to"]["event_id"].as_str();
    if rel["rel_type"] == "m.thread" {
        let Some(target) = rel["event_id"].as_str() else {
            return (None, None, None);
        };
        // Threads hang off root events; a thread off a reply joins that reply's thread.
        let Some(root) = posts.get(target) else {
            return (
                None,
                None,
                Some(("thread_root_missing", target.to_string())),
            );
        };
        let parent = match reply_to {
            Some(p) if rel["is_falling_back"] != true && posts.get(p) == Some(root) => p,
            _ => target,
        };
        return (Some(root.clone()), Some(parent.to_string()), None);
    }
    match reply_to {
        Some(p) => match posts.get(p) {
            Some(root) => (Some(root.clone()), Some(p.to_string()), None),
            None => (None, None, Some(("parent_missing", p.to_string()))),
        },
        None => (None, None, None),
    }
}

/// The Markdown body and, when edited, the time of the latest edit (milliseconds).
pub(super) fn body_of(ev: &TimelineEvent) -> (String, Option<i64>) {
    let edit = &ev.unsigned["m.relations"]["m.replace"];
    if let Some(body) = edit["content"]["m.new_content"]["body"].as_str() {
        return (body.to_string(), edit["origin_server_ts"].as_i64());
    }
    let body = ev.content["body"].as_str().unwrap_or_default();
    (strip_reply_fallback(&ev.content, body), None)
}

/// Removes the `> <@user> quoted text` lines and the blank line after them that clients
/// put before a rich reply's own text.
fn strip_reply_fallback(content: &Value, body: &str) -> String {
    let html = content["formatted_body"].as_str().unwrap_or_default();
    if !content["m.relates_to"]["m.in_reply_to"].is_object() || !html.starts_with("<mx-reply>") {
        return body.to_string();
    }
    let mut lines = body.split_inclusive('\n').peekable();
    while lines.next_if(|l| l.starts_with('>')).is_some() {}
    lines.next_if(|l| l.trim().is_empty());
    lines.collect()
}

/// A file message's file.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct FileRef {
    pub url: String,
    pub name: String,
    pub media_type: String,
    /// Size and checksum, when the event states both (esnctl's writer does).
    pub digest: Option<(String, u64)>,
}

pub(super) fn file_of(content: &Value) -> Option<FileRef> {
    let msgtype = content["msgtype"].as_str()?;
    if !matches!(msgtype, "m.image" | "m.file" | "m.video" | "m.audio") {
        return None;
    }
    // Encrypted files carry `file` instead of `url`: unreadable here.
    let url = content["url"].as_str()?.to_string();
    let name = content["filename"]
        .as_str()
        .or(content["body"].as_str())
        .unwrap_or("file")
        .to_string();
    let info = &content["info"];
    let sha = content[SHA256]
        .as_str()
        .filter(|s| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    Some(FileRef {
        url,
        name,
        media_type: info["mimetype"]
            .as_str()
            .unwrap_or("application/octet-stream")
            .to_string(),
        digest: sha
            .zip(info["size"].as_u64())
            .map(|(s, n)| (s.to_string(), n)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(kind: &str, content: Value) -> TimelineEvent {
        TimelineEvent {
            event_id: "$e".into(),
            kind: kind.into(),
            sender: "@a:x".into(),
            origin_server_ts: 1,
            content,
            state_key: None,
            unsigned: Value::Null,
        }
    }

    #[test]
    fn kinds_of_events() {
        let m = |c| ev("m.room.message", c);
        assert_eq!(
            kind_of(&m(json!({"msgtype": "m.text", "body": "x"}))),
            Kind::Post
        );
        assert_eq!(kind_of(&m(json!({}))), Kind::Other, "redacted");
        let edit = json!({"msgtype": "m.text", "body": "* y",
                          "m.relates_to": {"rel_type": "m.replace", "event_id": "$p"}});
        assert_eq!(kind_of(&m(edit)), Kind::Other);
        let file = json!({"msgtype": "m.file", "body": "a.pdf", ATTACHMENT_OF: "$p"});
        assert_eq!(kind_of(&m(file)), Kind::AttachmentOf("$p"));
        let r =
            json!({"m.relates_to": {"rel_type": "m.annotation", "event_id": "$p", "key": "👍"}});
        assert_eq!(kind_of(&ev("m.reaction", r)), Kind::Reaction("$p", "👍"));
        assert_eq!(kind_of(&ev("m.reaction", json!({}))), Kind::Other);
    }

    #[test]
    fn threads_replies_and_missing_targets() {
        let mut posts = HashMap::new();
        posts.insert("$root".to_string(), "$root".to_string());
        posts.insert("$r1".to_string(), "$root".to_string());
        let thread = |falling_back: bool, to: &str| {
            json!({"m.relates_to": {"rel_type": "m.thread", "event_id": "$root",
                   "is_falling_back": falling_back, "m.in_reply_to": {"event_id": to}}})
        };
        assert_eq!(
            place(&thread(true, "$r1"), &posts),
            (Some("$root".into()), Some("$root".into()), None)
        );
        assert_eq!(
            place(&thread(false, "$r1"), &posts),
            (Some("$root".into()), Some("$r1".into()), None)
        );
        let rich = json!({"m.relates_to": {"m.in_reply_to": {"event_id": "$r1"}}});
        assert_eq!(
            place(&rich, &posts),
            (Some("$root".into()), Some("$r1".into()), None)
        );
        let gone = json!({"m.relates_to": {"rel_type": "m.thread", "event_id": "$gone"}});
        assert_eq!(
            place(&gone, &posts),
            (None, None, Some(("thread_root_missing", "$gone".into())))
        );
        assert_eq!(place(&json!({"body": "x"}), &posts), (None, None, None));
    }

    #[test]
    fn bodies_keep_markdown_take_edits_and_drop_reply_fallbacks() {
        let md = "**Ordre** du jour — 山田 🎉\n\n> citation\n";
        assert_eq!(
            body_of(&ev("m.room.message", json!({"body": md}))),
            (md.to_string(), None)
        );
        let mut edited = ev("m.room.message", json!({"body": "old"}));
        edited.unsigned = json!({"m.relations": {"m.replace": {"origin_server_ts": 42,
            "content": {"body": "* new", "m.new_content": {"body": "new"}}}}});
        assert_eq!(body_of(&edited), ("new".to_string(), Some(42)));
        let reply = json!({"body": "> <@b:x> question ?\n> suite\n\nréponse\nligne 2",
            "formatted_body": "<mx-reply><blockquote>…</blockquote></mx-reply>réponse",
            "m.relates_to": {"m.in_reply_to": {"event_id": "$q"}}});
        assert_eq!(body_of(&ev("m.room.message", reply)).0, "réponse\nligne 2");
        // A quote written by the author (no <mx-reply>) is text, not a fallback.
        let quote =
            json!({"body": "> cité\n\nmoi", "m.relates_to": {"m.in_reply_to": {"event_id": "$q"}}});
        assert_eq!(body_of(&ev("m.room.message", quote)).0, "> cité\n\nmoi");
    }

    #[test]
    fn files_with_and_without_a_stated_digest() {
        let sha = "a".repeat(64);
        let f = file_of(
            &json!({"msgtype": "m.image", "body": "x", "filename": "été.png",
            "url": "mxc://s/m", "info": {"mimetype": "image/png", "size": 3}, SHA256: sha}),
        )
        .unwrap();
        assert_eq!(f.name, "été.png");
        assert_eq!(f.digest, Some((sha, 3)));
        let native =
            file_of(&json!({"msgtype": "m.file", "body": "r.pdf", "url": "mxc://s/n"})).unwrap();
        assert_eq!((native.name.as_str(), native.digest), ("r.pdf", None));
        assert_eq!(native.media_type, "application/octet-stream");
        assert!(file_of(&json!({"msgtype": "m.text", "body": "x", "url": "mxc://s/m"})).is_none());
        assert!(file_of(&json!({"msgtype": "m.file", "body": "x", "file": {}})).is_none());
    }
}
