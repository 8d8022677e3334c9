//! Validation of a phase's `audience` and `[phase.gate]` sections.

use super::{Audience, Gate, Locator, RawAudience, RawGate};
use crate::error::Result;
use crate::ops::rollout::filter;
use std::path::Path;
use toml::Spanned;

pub(super) fn audience(loc: &Locator, a: &Spanned<RawAudience>, dir: &Path) -> Result<Audience> {
    let raw = a.get_ref();
    let given: Vec<&str> = [
        raw.group.as_ref().map(|_| "group"),
        raw.filter.as_ref().map(|_| "filter"),
        raw.csv.as_ref().map(|_| "csv"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        let what = if given.is_empty() {
            "needs one of group = \"DN\", filter = \"(…)\" or csv = \"FILE\"".to_string()
        } else {
            format!("has {}: give exactly one", given.join(" and "))
        };
        return Err(loc.error(a, "audience", what).into());
    }
    let non_empty = |s: &Spanned<String>, field: &str| -> Result<String> {
        let v = s.get_ref().trim();
        if v.is_empty() {
            return Err(loc.error(s, field, "must not be empty").into());
        }
        Ok(v.to_string())
    };
    if let Some(g) = &raw.group {
        let dn = non_empty(g, "audience.group")?;
        if !dn.contains('=') {
            return Err(loc
                .error(
                    g,
                    "audience.group",
                    format!("\"{dn}\" is not a DN such as cn=esn-pilot,ou=groups,dc=example"),
                )
                .into());
        }
        return Ok(Audience::Group(dn));
    }
    if let Some(f) = &raw.filter {
        let text = non_empty(f, "audience.filter")?;
        filter::parse(&text).map_err(|e| {
            loc.error(
                f,
                "audience.filter",
                format!("\"{text}\" is not a valid LDAP filter: {e}"),
            )
        })?;
        return Ok(Audience::Filter(text));
    }
    let c = raw.csv.as_ref().expect("exactly one audience key");
    let path = non_empty(c, "audience.csv")?;
    Ok(Audience::Csv(dir.join(path)))
}

pub(super) fn gate(loc: &Locator, g: &RawGate) -> Result<Gate> {
    let rate = |v: &Option<Spanned<f64>>, field: &str| -> Result<Option<f64>> {
        let Some(s) = v else { return Ok(None) };
        let x = *s.get_ref();
        if !(0.0..=1.0).contains(&x) {
            return Err(loc
                .error(
                    s,
                    &format!("gate.{field}"),
                    format!("{x} is not a fraction between 0 and 1 (write 0.9 for 90%)"),
                )
                .into());
        }
        Ok(Some(x))
    };
    let amount = |v: &Option<Spanned<f64>>, field: &str| -> Result<Option<f64>> {
        let Some(s) = v else { return Ok(None) };
        let x = *s.get_ref();
        if !x.is_finite() || x < 0.0 {
            return Err(loc
                .error(
                    s,
                    &format!("gate.{field}"),
                    format!("{x} must be a number of 0 or more"),
                )
                .into());
        }
        Ok(Some(x))
    };
    Ok(Gate {
        min_days: amount(&g.min_days, "min_days")?,
        min_activation: rate(&g.min_activation, "min_activation")?,
        min_readers: rate(&g.min_readers, "min_readers")?,
        min_contributors: rate(&g.min_contributors, "min_contributors")?,
        max_unanswered_hours: amount(&g.max_unanswered_hours, "max_unanswered_hours")?,
    })
}
