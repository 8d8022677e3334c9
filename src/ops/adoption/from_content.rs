//! Activity derived from a content source (bundle, Slack, Viva Engage, Mattermost exports):
//! accounts, communities and memberships as listed, and every post, reply and reaction as
//! a contribution. Exports do not record sign-ins, so activation and readers stay unknown.

use super::Tally;
use crate::connectors::{ReadContent, Record};
use crate::core::activity::{ActivityEvent, ActivityKind, UserActivity};
use crate::core::progress::Progress;
use crate::error::Result;
use futures::StreamExt;

pub(super) async fn read(
    source: &dyn ReadContent,
    tally: &mut Tally,
    progress: &dyn Progress,
) -> Result<()> {
    tally.logins_known(false);
    let task = progress.task("reading content", None);
    let mut stream = source.read_content()?;
    let mut undated_reactions = 0u64;
    while let Some(item) = stream.next().await {
        match item?.record {
            Record::User(u) => tally.user(UserActivity {
                key: u.key,
                active: u.active,
                created_at: None,
                last_seen_at: None,
            }),
            Record::Community(c) => tally.community(&c.key, &c.name),
            Record::Membership(m) => tally.membership(&m.community, &m.user),
            Record::Post(p) => {
                let kind = if p.is_reply() {
                    ActivityKind::Reply
                } else {
                    ActivityKind::Post
                };
                tally.event(&ActivityEvent {
                    thread_root: p.thread_root.or(p.parent),
                    user: p.author,
                    community: Some(p.community),
                    kind,
                    at: p.created_at,
                    post_id: p.id,
                    body: (kind == ActivityKind::Post).then_some(p.body),
                });
            }
            Record::Reaction(r) => match r.created_at {
                Some(at) => tally.event(&ActivityEvent {
                    user: r.user,
                    community: None,
                    kind: ActivityKind::Reaction,
                    at,
                    post_id: r.post,
                    thread_root: None,
                    body: None,
                }),
                None => {
                    undated_reactions += 1;
                    tally.acted_at_unknown_time(&r.user);
                }
            },
            Record::Attachment(_) => {}
        }
        task.inc(1);
    }
    task.finish();
    if undated_reactions > 0 {
        tally.warning(format!(
            "{undated_reactions} reaction(s) have no date: they prove activation but count in no window"
        ));
    }
    Ok(())
}
