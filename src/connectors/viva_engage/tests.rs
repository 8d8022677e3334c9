//! Reader tests on the fixture export (tests/fixtures/viva-engage).

use super::*;
use crate::connectors::Record;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/viva-engage")
}

fn records() -> Vec<Record> {
    let c = VivaEngageConnector::new(fixture());
    Records(reader::Content::new(c.export().unwrap()).unwrap())
        .map(|r| r.unwrap().record)
        .collect()
}

#[test]
fn posts_come_in_time_order_per_community_after_metadata() {
    let recs = records();
    let first_post = recs
        .iter()
        .position(|r| matches!(r, Record::Post(_)))
        .unwrap();
    assert!(recs[..first_post].iter().all(|r| matches!(
        r,
        Record::User(_) | Record::Community(_) | Record::Membership(_)
    )));
    let posts: Vec<&Post> = recs
        .iter()
        .filter_map(|r| match r {
            Record::Post(p) => Some(p),
            _ => None,
        })
        .collect();
    for w in posts.windows(2) {
        if w[0].community == w[1].community {
            assert!(
                w[0].created_at <= w[1].created_at,
                "{} before {}",
                w[0].id,
                w[1].id
            );
        }
    }
    // Each community's posts are contiguous.
    let mut seen = Vec::new();
    for p in &posts {
        if seen.last() != Some(&p.community) {
            assert!(!seen.contains(&p.community), "{} comes back", p.community);
            seen.push(p.community.clone());
        }
    }
}
