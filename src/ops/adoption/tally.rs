//! The streaming aggregator behind the adoption report: it keeps counters and key sets,
//! never the events themselves, so an export of any size is measured in bounded memory
//! (one entry per user, community, week and open question).

use super::question::is_question;
use super::{
    AdoptionOptions, AdoptionReport, CommunityActivity, Contributor, Question, Rates, UserCounts,
    WeekActivity, Window,
};
use crate::core::activity::{ActivityEvent, ActivityKind, ActivitySet, UserActivity};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Default)]
struct Account {
    active: bool,
    last_seen_at: Option<Timestamp>,
}

#[derive(Debug, Default)]
struct Counts {
    posts: u64,
    replies: u64,
    reactions: u64,
}

impl Counts {
    fn add(&mut self, kind: ActivityKind) {
        match kind {
            ActivityKind::Post => self.posts += 1,
            ActivityKind::Reply => self.replies += 1,
            ActivityKind::Reaction => self.reactions += 1,
        }
    }
}

#[derive(Debug, Default)]
struct Place {
    name: Option<String>,
    key: String,
    members: HashSet<String>,
    counts: Counts,
    contributors: HashSet<String>,
}

#[derive(Debug)]
struct OpenQuestion {
    community: Option<String>,
    author: String,
    asked_at: Timestamp,
    answered_at: Option<Timestamp>,
    excerpt: String,
}

/// Feed it accounts, communities, memberships and contributions in any order (replies
/// after the question they answer, as every reader delivers them), then `finish`.
#[derive(Debug)]
pub struct Tally {
    options: AdoptionOptions,
    logins_known: bool,
    /// Display keys by lowercase key.
    names: HashMap<String, String>,
    accounts: HashMap<String, Account>,
    /// Users who acted at any time the source shows (before the window too).
    acted: HashSet<String>,
    contributors: HashSet<String>,
    per_user: HashMap<String, Counts>,
    places: BTreeMap<String, Place>,
    weeks: BTreeMap<Date, (HashSet<String>, Counts)>,
    questions: HashMap<String, OpenQuestion>,
    warnings: Vec<String>,
}

impl Tally {
    pub fn new(options: AdoptionOptions) -> Self {
        Tally {
            options,
            logins_known: false,
            names: HashMap::new(),
            accounts: HashMap::new(),
            acted: HashSet::new(),
            contributors: HashSet::new(),
            per_user: HashMap::new(),
            places: BTreeMap::new(),
            weeks: BTreeMap::new(),
            questions: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    fn counted(&self, lower_key: &str) -> bool {
        self.options
            .population
            .as_ref()
            .is_none_or(|p| p.contains(lower_key))
    }

    /// Whether the source records sign-ins.
    pub fn logins_known(&mut self, known: bool) {
        self.logins_known = known;
    }

    pub fn user(&mut self, user: UserActivity) {
        let lower = user.key.to_lowercase();
        self.names.entry(lower.clone()).or_insert(user.key);
        self.accounts.insert(
            lower,
            Account {
                active: user.active,
                last_seen_at: user.last_seen_at,
            },
        );
    }

    pub fn community(&mut self, key: &str, name: &str) {
        let place = self.place(key);
        place.name = Some(name.to_string());
    }

    pub fn membership(&mut self, community: &str, user: &str) {
        let user = user.to_lowercase();
        self.place(community).members.insert(user);
    }

    fn place(&mut self, key: &str) -> &mut Place {
        self.places
            .entry(key.to_lowercase())
            .or_insert_with(|| Place {
                key: key.to_string(),
                ..Default::default()
            })
    }

    pub fn warning(&mut self, line: String) {
        self.warnings.push(line);
    }

    /// Everything a platform's activity API returned.
    pub fn activity_set(&mut self, set: ActivitySet) {
        self.logins_known(set.logins_known);
        for u in set.users {
            self.user(u);
        }
        for e in &set.events {
            self.event(e);
        }
        self.warnings.extend(set.warnings);
    }

    /// A contribution whose time is unknown: proves the account was activated, and
    /// counts nowhere else.
    pub fn acted_at_unknown_time(&mut self, user: &str) {
        self.acted.insert(user.to_lowercase());
    }

    pub fn event(&mut self, e: &ActivityEvent) {
        let lower = e.user.to_lowercase();
        self.acted.insert(lower.clone());
        if e.kind == ActivityKind::Reply {
            if let Some(q) = e
                .thread_root
                .as_ref()
                .and_then(|r| self.questions.get_mut(r))
            {
                if q.answered_at.is_none() && !q.author.eq_ignore_ascii_case(&e.user) {
                    q.answered_at = Some(e.at);
                }
            }
        }
        let in_window = e.at >= self.options.since && e.at <= self.options.until;
        if !in_window || !self.counted(&lower) {
            return;
        }
        self.names.entry(lower.clone()).or_insert(e.user.clone());
        self.contributors.insert(lower.clone());
        self.per_user.entry(lower.clone()).or_default().add(e.kind);
        if let Some(c) = &e.community {
            let place = self.place(c);
            place.counts.add(e.kind);
            place.contributors.insert(lower.clone());
        }
        let week = week_of(e.at);
        let slot = self.weeks.entry(week).or_default();
        slot.0.insert(lower);
        slot.1.add(e.kind);
        if e.kind == ActivityKind::Post && e.body.as_deref().is_some_and(is_question) {
            self.questions.insert(
                e.post_id.clone(),
                OpenQuestion {
                    community: e.community.clone(),
                    author: e.user.clone(),
                    asked_at: e.at,
                    answered_at: None,
                    excerpt: excerpt(e.body.as_deref().unwrap_or_default()),
                },
            );
        }
    }

    pub fn finish(mut self, source: &str) -> AdoptionReport {
        let o = &self.options;
        let population: Vec<(&String, &Account)> = self
            .accounts
            .iter()
            .filter(|(k, a)| a.active && self.counted(k))
            .collect();
        let provisioned = population.len() as u64;
        let activated = population
            .iter()
            .filter(|(k, a)| a.last_seen_at.is_some() || self.acted.contains(*k))
            .count() as u64;
        let readers = population
            .iter()
            .filter(|(k, a)| {
                a.last_seen_at.is_some_and(|t| t >= o.since) || self.contributors.contains(*k)
            })
            .count() as u64;
        let contributors = population
            .iter()
            .filter(|(k, _)| self.contributors.contains(*k))
            .count() as u64;
        let known = |n: u64| self.logins_known.then_some(n);
        let users = UserCounts {
            provisioned,
            activated: known(activated),
            readers: known(readers),
            contributors: Some(contributors),
        };
        let rate = |n: Option<u64>| n.filter(|_| provisioned > 0).map(|n| ratio(n, provisioned));
        let rates = Rates {
            activation: rate(users.activated),
            readers: rate(users.readers),
            contributors: rate(users.contributors),
        };

        let sla = o.sla_hours;
        let mut longest: Option<f64> = None;
        let mut unanswered = Vec::new();
        for (id, q) in &self.questions {
            let waited = hours(q.asked_at, q.answered_at.unwrap_or(o.until).min(o.until));
            longest = Some(longest.map_or(waited, |l: f64| l.max(waited)));
            if waited > sla {
                unanswered.push(Question {
                    id: id.clone(),
                    community: q.community.clone(),
                    author: q.author.clone(),
                    asked_at: q.asked_at,
                    age_hours: round1(waited),
                    answered_at: q.answered_at.filter(|t| *t <= o.until),
                    excerpt: q.excerpt.clone(),
                });
            }
        }
        unanswered.sort_by(|a, b| b.age_hours.total_cmp(&a.age_hours).then(a.id.cmp(&b.id)));

        let mut top: Vec<Contributor> = self
            .per_user
            .iter()
            .map(|(k, c)| Contributor {
                user: self.names.get(k).cloned().unwrap_or_else(|| k.clone()),
                posts: c.posts,
                replies: c.replies,
                reactions: c.reactions,
            })
            .collect();
        top.sort_by(|a, b| {
            (b.posts + b.replies, b.reactions, &a.user).cmp(&(
                a.posts + a.replies,
                a.reactions,
                &b.user,
            ))
        });
        top.truncate(o.top);

        let mut communities: Vec<CommunityActivity> = std::mem::take(&mut self.places)
            .into_values()
            .map(|p| CommunityActivity {
                name: p.name.unwrap_or_else(|| p.key.clone()),
                key: p.key,
                members: Some(p.members.len() as u64).filter(|n| *n > 0),
                posts: p.counts.posts,
                replies: p.counts.replies,
                reactions: p.counts.reactions,
                contributors: p.contributors.len() as u64,
            })
            .collect();
        communities.sort_by(|a, b| {
            (b.posts + b.replies, b.reactions, &a.key).cmp(&(
                a.posts + a.replies,
                a.reactions,
                &b.key,
            ))
        });

        let mut weekly = Vec::new();
        let mut week = week_of(o.since);
        let last = week_of(o.until);
        while week <= last {
            let (people, counts) = self.weeks.remove(&week).unwrap_or_default();
            weekly.push(WeekActivity {
                week,
                contributors: people.len() as u64,
                posts: counts.posts,
                replies: counts.replies,
                reactions: counts.reactions,
            });
            week = week.saturating_add(7.days());
        }

        AdoptionReport {
            source: source.to_string(),
            window: Window {
                since: o.since,
                until: o.until,
            },
            sla_hours: sla,
            users,
            rates,
            questions: self.questions.len() as u64,
            longest_wait_hours: longest.map(round1),
            unanswered_questions: unanswered,
            top_contributors: top,
            communities,
            weekly,
            warnings: self.warnings,
        }
    }
}

/// The Monday (UTC) of the week holding `t`.
fn week_of(t: Timestamp) -> Date {
    let date = jiff::tz::Offset::UTC.to_datetime(t).date();
    let back = date.weekday().to_monday_zero_offset() as i64;
    date.saturating_sub(back.days())
}

fn hours(from: Timestamp, to: Timestamp) -> f64 {
    (to.as_millisecond() - from.as_millisecond()).max(0) as f64 / 3_600_000.0
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Rates with three decimals: enough for a gate at 0.9, stable in JSON.
fn ratio(n: u64, of: u64) -> f64 {
    (n as f64 / of as f64 * 1000.0).round() / 1000.0
}

/// The first 80 characters of the first line.
fn excerpt(body: &str) -> String {
    let line = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim();
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}
