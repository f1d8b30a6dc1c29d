//! Investigations of a case and their versions. An investigation a decision relied on is frozen: saving
//! it again writes a new version (a row that supersedes it) and the decision keeps pointing at the version
//! it relied on (`decision_investigation`); the database refuses to change a frozen one.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx};

/// An investigation as stored; `answers` is a JSON array of checklist answers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InvestigationRecord {
    pub investigation_id: i64,
    pub abuse_case_id: i64,
    pub opened_by: i64,
    pub opened_by_name: String,
    pub findings: String,
    pub answers: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a decision first relied on it; from then on it never changes.
    pub frozen_at: Option<DateTime<Utc>>,
    /// The earlier version this one replaces.
    pub supersedes_id: Option<i64>,
}

const SELECT: &str = "select i.investigation_id, i.abuse_case_id, i.opened_by, \
    u.username as opened_by_name, i.findings, i.answers, i.created_at, i.updated_at, i.frozen_at, i.supersedes_id \
    from investigation i join app_user u on u.user_id = i.opened_by";

/// The newest version of each investigation: no later version supersedes it.
const CURRENT: &str = "not exists (select 1 from investigation n where n.supersedes_id = i.investigation_id)";

impl Store {
    /// Opens an investigation of a case (a unit of its own).
    pub async fn open_investigation(&self, case_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.open_investigation(case_id, user_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One investigation (any version).
    pub async fn get_investigation(&self, id: i64) -> Result<InvestigationRecord, StoreError> {
        let sql = format!("{SELECT} where i.investigation_id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// Saves an investigation's findings and answers (a unit of its own); see [`Tx::save_investigation`].
    pub async fn save_investigation(&self, id: i64, findings: &str, answers: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let saved = tx.save_investigation(id, findings, answers, now).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// A case's investigations, newest versions only, oldest first.
    pub async fn case_investigations(&self, case_id: i64) -> Result<Vec<InvestigationRecord>, StoreError> {
        let sql = format!("{SELECT} where i.abuse_case_id = $1 and {CURRENT} order by i.investigation_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?))
    }

    /// The investigation versions a decision relied on, oldest first.
    pub async fn decision_investigations(&self, decision_id: i64) -> Result<Vec<InvestigationRecord>, StoreError> {
        let sql = format!(
            "{SELECT} join decision_investigation di on di.investigation_id = i.investigation_id \
             where di.decision_id = $1 order by i.investigation_id"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(decision_id).fetch_all(pool).await?))
    }
}

impl Tx {
    /// Opens an investigation of a case.
    pub async fn open_investigation(&mut self, case_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into investigation (abuse_case_id, opened_by, created_at, updated_at) \
            values ($1, $2, $3, $3) returning investigation_id";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL).bind(case_id).bind(user_id).bind(now).fetch_one(&mut *conn).await?))
    }

    /// One investigation (any version), read inside the unit.
    pub async fn get_investigation(&mut self, id: i64) -> Result<InvestigationRecord, StoreError> {
        let sql = format!("{SELECT} where i.investigation_id = $1");
        Ok(on_tx!(self, |conn| sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await?))
    }

    /// A case's investigations, newest versions only, read inside the unit.
    pub async fn case_investigations(&mut self, case_id: i64) -> Result<Vec<InvestigationRecord>, StoreError> {
        let sql = format!("{SELECT} where i.abuse_case_id = $1 and {CURRENT} order by i.investigation_id");
        Ok(on_tx!(self, |conn| sqlx::query_as(&sql).bind(case_id).fetch_all(&mut *conn).await?))
    }

    /// Saves findings and checklist answers (JSON). A frozen investigation is not changed: a new version
    /// superseding it is written instead. Returns the id of the version that holds the text now.
    /// `NotFound` for an unknown id; `Conflict` when a newer version exists (save that one).
    pub async fn save_investigation(&mut self, id: i64, findings: &str, answers: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const NEWER: &str = "select count(*) from investigation where supersedes_id = $1";
        const UPDATE: &str = "update investigation set findings = $2, answers = $3, updated_at = $4 where investigation_id = $1";
        const VERSION: &str = "insert into investigation (abuse_case_id, opened_by, findings, answers, supersedes_id, \
            created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) returning investigation_id";
        let current = self.get_investigation(id).await?;
        let newer: i64 = on_tx!(self, |conn| sqlx::query_scalar(NEWER).bind(id).fetch_one(&mut *conn).await?);
        if newer > 0 {
            return Err(StoreError::Conflict { constraint: "investigation_supersedes".to_owned() });
        }
        if current.frozen_at.is_none() {
            on_tx!(self, |conn| sqlx::query(UPDATE).bind(id).bind(findings).bind(answers).bind(now).execute(&mut *conn).await?.rows_affected());
            return Ok(id);
        }
        Ok(on_tx!(self, |conn| sqlx::query_scalar(VERSION)
            .bind(current.abuse_case_id)
            .bind(current.opened_by)
            .bind(findings)
            .bind(answers)
            .bind(id)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?))
    }

    /// Records that `decision_id` relied on these investigation versions, and freezes them.
    pub async fn rely_on(&mut self, decision_id: i64, investigation_ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
        const FREEZE: &str = "update investigation set frozen_at = $2 where investigation_id = $1 and frozen_at is null";
        const LINK: &str = "insert into decision_investigation (decision_id, investigation_id, created_at, updated_at) \
            values ($1, $2, $3, $3)";
        for &id in investigation_ids {
            on_tx!(self, |conn| {
                sqlx::query(FREEZE).bind(id).bind(now).execute(&mut *conn).await?;
                sqlx::query(LINK).bind(decision_id).bind(id).bind(now).execute(&mut *conn).await?;
            });
        }
        Ok(())
    }
}
