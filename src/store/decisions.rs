//! Casework records: the desk's checklist, investigations and notes on a case, decisions and their reviews,
//! and the customer status a sanction sets. Decisions and reviews are insert-only (database triggers refuse
//! any update or delete); a reversal is another decision naming the one it reverses.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};

/// One item of the investigation checklist.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ChecklistRow {
    pub code: String,
    pub label: String,
    pub required: bool,
}

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

const DECISION_SELECT: &str = "select d.decision_id, d.abuse_case_id, d.kind, d.reason, d.evidence, d.policy, d.decided_by, \
    u.username as decided_by_name, d.needs_approval, d.reverses_decision_id, d.created_at, v.approved, v.reviewed_by, \
    ru.username as reviewed_by_name, v.reason as review_reason, v.created_at as reviewed_at \
    from decision d join app_user u on u.user_id = d.decided_by \
    left join decision_review v on v.decision_id = d.decision_id \
    left join app_user ru on ru.user_id = v.reviewed_by";

const INVESTIGATION_SELECT: &str = "select i.investigation_id, i.abuse_case_id, i.opened_by, \
    u.username as opened_by_name, i.findings, i.answers, i.created_at, i.updated_at \
    from investigation i join app_user u on u.user_id = i.opened_by";

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

    /// Opens an investigation of a case.
    pub async fn open_investigation(&self, case_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into investigation (abuse_case_id, opened_by, created_at, updated_at) \
            values ($1, $2, $3, $3) returning investigation_id";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(case_id).bind(user_id).bind(now).fetch_one(pool).await?))
    }

    /// One investigation.
    pub async fn get_investigation(&self, id: i64) -> Result<InvestigationRecord, StoreError> {
        let sql = format!("{INVESTIGATION_SELECT} where i.investigation_id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_one(pool).await?))
    }

    /// Saves an investigation's findings and checklist answers (JSON).
    pub async fn save_investigation(&self, id: i64, findings: &str, answers: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update investigation set findings = $2, answers = $3, updated_at = $4 where investigation_id = $1";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(findings)
            .bind(answers)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// A case's investigations, oldest first.
    pub async fn case_investigations(&self, case_id: i64) -> Result<Vec<InvestigationRecord>, StoreError> {
        let sql = format!("{INVESTIGATION_SELECT} where i.abuse_case_id = $1 order by i.investigation_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?))
    }

    /// Adds a note to a case.
    pub async fn add_case_note(&self, case_id: i64, author_id: i64, body: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "insert into case_note (abuse_case_id, author_id, body, created_at, updated_at) \
            values ($1, $2, $3, $4, $4)";
        on_backend!(self, |pool| sqlx::query(SQL).bind(case_id).bind(author_id).bind(body).bind(now).execute(pool).await.map(|_| ())?);
        Ok(())
    }

    /// A case's notes, oldest first.
    pub async fn case_notes(&self, case_id: i64) -> Result<Vec<NoteRecord>, StoreError> {
        const SQL: &str = "select u.username as author, n.body, n.created_at from case_note n \
            join app_user u on u.user_id = n.author_id where n.abuse_case_id = $1 order by n.case_note_id";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).fetch_all(pool).await?))
    }

    /// Records a decision (or a proposal, when it needs approval).
    pub async fn record_decision(&self, d: &NewDecision<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into decision (abuse_case_id, kind, reason, evidence, decided_by, needs_approval, \
            reverses_decision_id, created_at, updated_at, policy) values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
            returning decision_id";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL)
            .bind(d.case_id)
            .bind(d.kind)
            .bind(d.reason)
            .bind(d.evidence)
            .bind(d.decided_by)
            .bind(d.needs_approval)
            .bind(d.reverses)
            .bind(now)
            .bind(d.policy)
            .fetch_one(pool)
            .await?))
    }

    /// Records a manager's review of a proposal. A second review of the same proposal is a conflict.
    pub async fn review_decision(
        &self,
        decision_id: i64,
        reviewer: i64,
        approved: bool,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "insert into decision_review (decision_id, reviewed_by, approved, reason, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $5)";
        on_backend!(self, |pool| sqlx::query(SQL)
            .bind(decision_id)
            .bind(reviewer)
            .bind(approved)
            .bind(reason)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())?);
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

    /// Sets a customer's account status (active, suspended, terminated) when a sanction is applied.
    pub async fn set_customer_status(&self, customer_id: i64, status: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update customer set status = $2, updated_at = $3 where customer_id = $1";
        let done =
            on_backend!(self, |pool| sqlx::query(SQL).bind(customer_id).bind(status).bind(now).execute(pool).await?.rows_affected());
        super::found(done)
    }
}
