//! Writes to the state file: welcome posts as they are written, and each transition in
//! one transaction guarded by the revision number.

use super::{State, Status, Transition};
use crate::error::{Error, Kind, Result};
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::params;
use std::path::Path;

impl State {
    /// Records a welcome post as soon as it is written (its own transaction), so that a
    /// re-run after a failure never posts it twice.
    pub fn record_welcome(
        &self,
        phase: &str,
        community: &str,
        post_id: &str,
        target_id: &str,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO welcome_posts \
                 (phase, community, post_id, target_id, posted_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    phase,
                    community.to_lowercase(),
                    post_id,
                    target_id,
                    Timestamp::now().to_string()
                ],
            )
            .with_context(|| format!("cannot write state file {}", self.path.display()))?;
        Ok(())
    }

    /// Enters `to` at `at`: records the users it provisioned (those already recorded keep
    /// their first phase) and the transition, in one transaction, if the ledger is still
    /// at `revision`.
    pub fn record_advance(
        &mut self,
        revision: i64,
        to: &str,
        at: Timestamp,
        users: &[(String, String)],
        transition: &Transition,
    ) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction()?;
        let moved = tx.execute(
            "UPDATE rollout SET phase = ?1, phase_started_at = ?2, revision = revision + 1 \
             WHERE id = 1 AND revision = ?3",
            params![to, at.to_string(), revision],
        )?;
        if moved != 1 {
            return Err(changed_meanwhile(&path).into());
        }
        {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO users (key, display_key, phase, action, provisioned_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let at = at.to_string();
            for (key, action) in users {
                insert.execute(params![key.to_lowercase(), key, to, action, at])?;
            }
        }
        insert_transition(&tx, transition)?;
        tx.commit()
            .with_context(|| format!("cannot write state file {}", path.display()))?;
        Ok(())
    }

    /// Sets the status (pause, resume, abort) and records the transition, if the ledger
    /// is still at `revision`.
    pub fn record_status(
        &mut self,
        revision: i64,
        status: Status,
        transition: &Transition,
    ) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction()?;
        let moved = tx.execute(
            "UPDATE rollout SET status = ?1, revision = revision + 1 \
             WHERE id = 1 AND revision = ?2",
            params![status.as_str(), revision],
        )?;
        if moved != 1 {
            return Err(changed_meanwhile(&path).into());
        }
        insert_transition(&tx, transition)?;
        tx.commit()
            .with_context(|| format!("cannot write state file {}", path.display()))?;
        Ok(())
    }
}

fn changed_meanwhile(path: &Path) -> Error {
    Error::new(
        Kind::Conflict,
        format!(
            "state file {} changed while this command ran (another esnctl rollout command?); \
             nothing was recorded: check `rollout status` and re-run",
            path.display()
        ),
    )
}

fn insert_transition(tx: &rusqlite::Transaction, t: &Transition) -> Result<()> {
    tx.execute(
        "INSERT INTO transitions (kind, from_phase, to_phase, at, forced, reason, actor, gate) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            t.kind,
            t.from,
            t.to,
            t.at.to_string(),
            t.forced,
            t.reason,
            t.actor,
            t.gate.as_ref().map(|g| g.to_string())
        ],
    )?;
    Ok(())
}
