//! Casework records: the desk's checklist, investigations and notes on a case, decisions and their reviews,
//! and the customer status a sanction sets. Decisions and reviews are insert-only (database triggers refuse
//! any update or delete); a reversal is another decision naming the one it reverses.

use chrono::{DateTime, Utc};

use crate::domain::decision::{self, ProposalStatus};

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx};

/// One item of the investigation checklist.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ChecklistRow {
    pub code: String,
    pub label: String,
    pub required: bool,
}

/// A note on a case.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoteRecord {
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A decision to record.
#[derive(Clone, Debug)]
pub struct NewDecision<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub reason: &'a str,
    pub evidence: &'a str,
    /// The policy clause relied on (may be empty).
    pub policy: &'a str,
    pub decided_by: i64,
    pub needs_approval: bool,
    pub reverses: Option<i64>,
}

/// A decision with its review, if any.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DecisionRecord {
    pub decision_id: i64,
    pub abuse_case_id: i64,
    pub kind: String,
    pub reason: String,
    pub evidence: String,
    pub policy: String,
    pub decided_by: i64,
    pub decided_by_name: String,
    pub needs_approval: bool,
    pub reverses_decision_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub approved: Option<bool>,
    pub reviewed_by: Option<i64>,
    pub reviewed_by_name: Option<String>,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl DecisionRecord {
    /// Where the decision stands ([`ProposalStatus::of`]).
    pub fn status(&self) -> ProposalStatus {
        ProposalStatus::of(self.needs_approval, self.approved)
    }

    /// When it took effect, if it did ([`decision::in_force_at`]).
    pub fn in_force_at(&self) -> Option<DateTime<Utc>> {
        decision::in_force_at(self.needs_approval, self.approved, self.created_at, self.reviewed_at)
    }
}

const DECISION_SELECT: &str = "select d.decision_id, d.abuse_case_id, d.kind, d.reason, d.evidence, d.policy, d.decided_by, \
    u.username as decided_by_name, d.needs_approval, d.reverses_decision_id, d.created_at, v.approved, v.reviewed_by, \
    ru.username as reviewed_by_name, v.reason as review_reason, v.created_at as reviewed_at \
    from decision d join app_user u on u.user_id = d.decided_by \
    left join decision_review v on v.decision_id = d.decision_id \
    left join app_user ru on ru.user_id = v.reviewed_by";

impl Store {
    /// The checklist, in order.
    pub async fn checklist_items(&self) -> Result<Vec<ChecklistRow>, StoreError> {
        const SQL: &str = "select code, label, required from checklist_item order by position, code";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?))
    }

    /// Adds a checklist item or changes one (label, whether it is required, its place in the list).
    pub async fn set_checklist_item(
        &self,
        code: &str,
        label: &str,
        required: bool,
        position: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "insert into checklist_item (code, label, required, position, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $5) on conflict (code) do update \
            set label = $2, required = $3, position = $4, updated_at = $5";
        on_backend!(self, |pool| sqlx::query(SQL).bind(code).bind(label).bind(required).bind(position).bind(now).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Removes a checklist item; answers already recorded for it stay in their investigations. Returns
    /// whether there was one.
    pub async fn remove_checklist_item(&self, code: &str) -> Result<bool, StoreError> {
        const SQL: &str = "delete from checklist_item where code = $1";
        Ok(on_backend!(self, |pool| sqlx::query(SQL).bind(code).execute(pool).await?.rows_affected()) > 0)
    }

    /// A case's notes, oldest first.
    pub async fn case_notes(&self, case_id: i64) -> Result<Vec<NoteRecord>, StoreError> {
        const SQL: &str = "select u.username as author, n.body, n.created_at from case_note n \
            join app_user u on u.user_id = n.author_id where n.abuse_case_id = $1 order by n.case_note_id";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).fetch_all(pool).await?))
    }

    /// Records a decision (a unit of its own; casework records it in the unit of the whole action).
    pub async fn record_decision(&self, d: &NewDecision<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.record_decision(d, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a manager's review (a unit of its own). A second review of one proposal is a conflict.
    pub async fn review_decision(&self, decision_id: i64, reviewer: i64, approved: bool, reason: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.review_decision(decision_id, reviewer, approved, reason, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a customer's account status (a unit of its own).
    pub async fn set_customer_status(&self, customer_id: i64, status: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_customer_status(customer_id, status, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a note to a case (a unit of its own).
    pub async fn add_case_note(&self, case_id: i64, author_id: i64, body: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.add_case_note(case_id, author_id, body, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One decision with its review.
    pub async fn get_decision(&self, id: i64) -> Result<DecisionRecord, StoreError> {
        let sql = format!("{DECISION_SELECT} where d.decision_id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// A case's decisions, oldest first.
    pub async fn case_decisions(&self, case_id: i64) -> Result<Vec<DecisionRecord>, StoreError> {
        let sql = format!("{DECISION_SELECT} where d.abuse_case_id = $1 order by d.decision_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?))
    }

    /// Proposals waiting for a manager, oldest first.
    pub async fn pending_proposals(&self) -> Result<Vec<DecisionRecord>, StoreError> {
        let sql = format!("{DECISION_SELECT} where d.needs_approval = $1 and v.decision_id is null order by d.decision_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(true).fetch_all(pool).await?))
    }
}

impl Tx {
    /// Adds a note to a case.
    pub async fn add_case_note(&mut self, case_id: i64, author_id: i64, body: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "insert into case_note (abuse_case_id, author_id, body, created_at, updated_at) \
            values ($1, $2, $3, $4, $4)";
        on_tx!(self, |conn| sqlx::query(SQL).bind(case_id).bind(author_id).bind(body).bind(now).execute(&mut *conn).await.map(|_| ())?);
        Ok(())
    }

    /// Records a decision (or a proposal, when it needs approval).
    pub async fn record_decision(&mut self, d: &NewDecision<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into decision (abuse_case_id, kind, reason, evidence, decided_by, needs_approval, \
            reverses_decision_id, created_at, updated_at, policy) values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
            returning decision_id";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(d.case_id)
            .bind(d.kind)
            .bind(d.reason)
            .bind(d.evidence)
            .bind(d.decided_by)
            .bind(d.needs_approval)
            .bind(d.reverses)
            .bind(now)
            .bind(d.policy)
            .fetch_one(&mut *conn)
            .await?))
    }

    /// Records a manager's review of a proposal. A second review of the same proposal is a conflict.
    pub async fn review_decision(
        &mut self,
        decision_id: i64,
        reviewer: i64,
        approved: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "insert into decision_review (decision_id, reviewed_by, approved, reason, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $5)";
        on_tx!(self, |conn| sqlx::query(SQL)
            .bind(decision_id)
            .bind(reviewer)
            .bind(approved)
            .bind(reason)
            .bind(now)
            .execute(&mut *conn)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Sets a customer's account status (active, suspended, terminated) when a sanction is applied.
    pub async fn set_customer_status(&mut self, customer_id: i64, status: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update customer set status = $2, updated_at = $3 where customer_id = $1";
        let done =
            on_tx!(self, |conn| sqlx::query(SQL).bind(customer_id).bind(status).bind(now).execute(&mut *conn).await?.rows_affected());
        super::found(done)
    }

    /// One decision with its review, read inside the unit.
    pub async fn get_decision(&mut self, id: i64) -> Result<DecisionRecord, StoreError> {
        let sql = format!("{DECISION_SELECT} where d.decision_id = $1");
        Ok(on_tx!(self, |conn| sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await?))
    }

    /// A case's decisions, oldest first, read inside the unit.
    pub async fn case_decisions(&mut self, case_id: i64) -> Result<Vec<DecisionRecord>, StoreError> {
        let sql = format!("{DECISION_SELECT} where d.abuse_case_id = $1 order by d.decision_id");
        Ok(on_tx!(self, |conn| sqlx::query_as(&sql).bind(case_id).fetch_all(&mut *conn).await?))
    }
}
