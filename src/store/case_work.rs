//! What staff do to cases in the queue: change a status, assign cases (one or many at once), and the record
//! of each such change with who made it.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx, UserAccount};
use crate::domain::case::{CaseEventView, CaseStatus};

impl Store {
    /// Sets a case's status, recording the change (a unit of its own); see [`Tx::set_case_status`].
    pub async fn set_case_status(&self, case_id: i64, status: CaseStatus, actor: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let changed = tx.set_case_status(case_id, status, actor, now).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// A case's recorded changes, newest first.
    pub async fn case_event_log(&self, case_id: i64, limit: i64) -> Result<Vec<CaseEventView>, StoreError> {
        const SQL: &str = "select kind, detail, actor, created_at from case_event where abuse_case_id = $1 \
            order by case_event_id desc limit $2";
        let rows: Vec<(String, String, String, DateTime<Utc>)> =
            on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(|(kind, detail, actor, at)| CaseEventView { kind, detail, actor, at }).collect())
    }
}

impl Tx {
    /// Assigns cases to an account (or to nobody), recording each change in the case's history. Returns how
    /// many cases changed; unknown case ids are skipped. Who may be an assignee is the caller's rule
    /// (`casework::assign_cases`).
    pub async fn assign_cases(
        &mut self,
        case_ids: &[i64],
        assignee: Option<&UserAccount>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        const SQL: &str = "update abuse_case set assignee_id = $2, updated_at = $3 where abuse_case_id = $1 \
            and (assignee_id is null or $2 is null or assignee_id <> $2) \
            and not (assignee_id is null and $2 is null)";
        const EVENT: &str = "insert into case_event (abuse_case_id, kind, detail, actor, created_at, updated_at) \
            values ($1, 'assignee', $2, $3, $4, $4)";
        let detail = assignee.map_or_else(|| "unassigned".to_owned(), |a| format!("assigned to {}", a.username));
        let assignee_id = assignee.map(|a| a.user_id.0);
        let mut changed = 0;
        for &case_id in case_ids {
            let done = on_tx!(self, |conn| sqlx::query(SQL)
                .bind(case_id)
                .bind(assignee_id)
                .bind(now)
                .execute(&mut *conn)
                .await?
                .rows_affected());
            if done > 0 {
                on_tx!(self, |conn| sqlx::query(EVENT)
                    .bind(case_id)
                    .bind(&detail)
                    .bind(actor)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected());
                changed += done;
            }
        }
        Ok(changed)
    }

    /// Sets a case's status, recording the change in the case's history; closing stamps `closed_at`.
    /// Returns false when the case already had that status (nothing recorded).
    pub async fn set_case_status(&mut self, case_id: i64, status: CaseStatus, actor: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        const CURRENT: &str = "select status from abuse_case where abuse_case_id = $1";
        const SQL: &str = "update abuse_case set status = $2, \
            closed_at = case when $2 = 'closed' then $3 else null end, updated_at = $3 where abuse_case_id = $1";
        const EVENT: &str = "insert into case_event (abuse_case_id, kind, detail, actor, created_at, updated_at) \
            values ($1, 'status', $2, $3, $4, $4)";
        on_tx!(self, |conn| {
            let current: String = sqlx::query_scalar(CURRENT).bind(case_id).fetch_one(&mut *conn).await?;
            if current == status.code() {
                return Ok(false);
            }
            sqlx::query(SQL).bind(case_id).bind(status.code()).bind(now).execute(&mut *conn).await?;
            let detail = format!("{} → {}", current.replace('_', " "), status.label());
            sqlx::query(EVENT).bind(case_id).bind(&detail).bind(actor).bind(now).execute(&mut *conn).await?;
            Ok(true)
        })
    }

    /// The case's current status, read inside the unit.
    pub async fn case_status(&mut self, case_id: i64) -> Result<String, StoreError> {
        const SQL: &str = "select status from abuse_case where abuse_case_id = $1";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL).bind(case_id).fetch_one(&mut *conn).await?))
    }
}
