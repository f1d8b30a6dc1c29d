//! Customers' disputes of cases and appeals of decisions: the opening text, the thread of replies between
//! the customer and the desk, attachments, and the dispute's status.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx};

/// A dispute as stored, with who opened it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DisputeRecord {
    pub dispute_id: i64,
    pub abuse_case_id: i64,
    /// Set for an appeal: the decision appealed.
    pub decision_id: Option<i64>,
    pub opened_by: i64,
    pub opened_by_name: String,
    pub body: String,
    /// open, answered, accepted or rejected.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One reply in a dispute's thread.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DisputeMessageRecord {
    pub dispute_message_id: i64,
    pub dispute_id: i64,
    pub author_name: String,
    pub from_staff: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// An attachment's description, without its bytes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttachmentRecord {
    pub dispute_attachment_id: i64,
    pub dispute_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// An attachment to store; its type and size were checked by the caller.
#[derive(Clone, Debug)]
pub struct NewAttachment<'a> {
    pub dispute_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

const DISPUTE_SELECT: &str = "select d.dispute_id, d.abuse_case_id, d.decision_id, d.opened_by, \
    u.display_name as opened_by_name, d.body, d.status, d.created_at, d.updated_at \
    from dispute d join app_user u on u.user_id = d.opened_by";

const OPEN_DISPUTES: &str = "select count(*) from dispute where abuse_case_id = $1 and status = 'open'";

const ATTACHMENT_COLUMNS: &str = "dispute_attachment_id, dispute_id, file_name, content_type, size_bytes, created_at";

impl Store {
    /// Opens a customer's dispute of a case (a unit of its own); see [`Tx::open_dispute`].
    pub async fn open_dispute(&self, case_id: i64, user_id: i64, body: &str, decision_id: Option<i64>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.open_dispute(case_id, user_id, body, decision_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Sets a dispute's status (a unit of its own).
    pub async fn set_dispute_status(&self, dispute_id: i64, status: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_dispute_status(dispute_id, status, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a reply to a dispute's thread (a unit of its own).
    pub async fn add_dispute_message(&self, dispute_id: i64, author_id: i64, from_staff: bool, body: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.add_dispute_message(dispute_id, author_id, from_staff, body, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stores an attachment of a dispute (a unit of its own).
    pub async fn add_dispute_attachment(&self, a: &NewAttachment<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.add_dispute_attachment(a, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// How many disputes of a case are open.
    pub async fn open_disputes(&self, case_id: i64) -> Result<i64, StoreError> {
        Ok(on_backend!(self, |pool| sqlx::query_scalar(OPEN_DISPUTES).bind(case_id).fetch_one(pool).await?))
    }

    /// Open disputes per case, for the given cases (cases without any are absent).
    pub async fn open_dispute_counts(&self, case_ids: &[i64]) -> Result<std::collections::HashMap<i64, i64>, StoreError> {
        if case_ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let sql = format!(
            "select abuse_case_id, count(*) from dispute where status = 'open' and abuse_case_id in ({}) \
             group by abuse_case_id",
            super::placeholders(1, case_ids.len())
        );
        let rows: Vec<(i64, i64)> = on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in case_ids {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// One dispute, or `NotFound`.
    pub async fn get_dispute(&self, dispute_id: i64) -> Result<DisputeRecord, StoreError> {
        let sql = format!("{DISPUTE_SELECT} where d.dispute_id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(dispute_id).fetch_one(pool).await?))
    }

    /// A case's disputes and appeals, oldest first.
    pub async fn case_disputes(&self, case_id: i64) -> Result<Vec<DisputeRecord>, StoreError> {
        let sql = format!("{DISPUTE_SELECT} where d.abuse_case_id = $1 order by d.dispute_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).fetch_all(pool).await?))
    }

    /// Open appeals (disputes of a decision), oldest first: the managers' queue.
    pub async fn open_appeals(&self) -> Result<Vec<DisputeRecord>, StoreError> {
        let sql = format!("{DISPUTE_SELECT} where d.decision_id is not null and d.status = 'open' order by d.dispute_id");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?))
    }

    /// The replies of the given disputes, oldest first.
    pub async fn dispute_messages(&self, dispute_ids: &[i64]) -> Result<Vec<DisputeMessageRecord>, StoreError> {
        if dispute_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "select m.dispute_message_id, m.dispute_id, u.display_name as author_name, m.from_staff, m.body, m.created_at \
             from dispute_message m join app_user u on u.user_id = m.author_id \
             where m.dispute_id in ({}) order by m.dispute_message_id",
            super::placeholders(1, dispute_ids.len())
        );
        Ok(on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in dispute_ids {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        }))
    }

    /// The attachments of the given disputes, without their bytes.
    pub async fn dispute_attachments(&self, dispute_ids: &[i64]) -> Result<Vec<AttachmentRecord>, StoreError> {
        if dispute_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "select {ATTACHMENT_COLUMNS} from dispute_attachment where dispute_id in ({}) order by dispute_attachment_id",
            super::placeholders(1, dispute_ids.len())
        );
        Ok(on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in dispute_ids {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        }))
    }

    /// One attachment with its bytes, or `NotFound`.
    pub async fn get_dispute_attachment(&self, id: i64) -> Result<(AttachmentRecord, Vec<u8>), StoreError> {
        let meta_sql = format!("select {ATTACHMENT_COLUMNS} from dispute_attachment where dispute_attachment_id = $1");
        const BYTES: &str = "select content from dispute_attachment where dispute_attachment_id = $1";
        Ok(on_backend!(self, |pool| {
            let meta: AttachmentRecord = sqlx::query_as(&meta_sql).bind(id).fetch_one(pool).await?;
            let bytes: Vec<u8> = sqlx::query_scalar(BYTES).bind(id).fetch_one(pool).await?;
            (meta, bytes)
        }))
    }
}

impl Tx {
    /// Opens a customer's dispute of a case, or with `decision_id` an appeal of one decision.
    pub async fn open_dispute(
        &mut self,
        case_id: i64,
        user_id: i64,
        body: &str,
        decision_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "insert into dispute (abuse_case_id, opened_by, body, decision_id, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $5) returning dispute_id";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(case_id)
            .bind(user_id)
            .bind(body)
            .bind(decision_id)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?))
    }

    /// Sets a dispute's status (open, answered, accepted, rejected).
    pub async fn set_dispute_status(&mut self, dispute_id: i64, status: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update dispute set status = $2, updated_at = $3 where dispute_id = $1";
        let done =
            on_tx!(self, |conn| sqlx::query(SQL).bind(dispute_id).bind(status).bind(now).execute(&mut *conn).await?.rows_affected());
        super::found(done)
    }

    /// Adds a reply to a dispute's thread and touches the dispute.
    pub async fn add_dispute_message(
        &mut self,
        dispute_id: i64,
        author_id: i64,
        from_staff: bool,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "insert into dispute_message (dispute_id, author_id, from_staff, body, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $5) returning dispute_message_id";
        const TOUCH: &str = "update dispute set updated_at = $2 where dispute_id = $1";
        Ok(on_tx!(self, |conn| {
            let id = sqlx::query_scalar(SQL).bind(dispute_id).bind(author_id).bind(from_staff).bind(body).bind(now).fetch_one(&mut *conn).await?;
            sqlx::query(TOUCH).bind(dispute_id).bind(now).execute(&mut *conn).await?;
            id
        }))
    }

    /// Stores an attachment of a dispute.
    pub async fn add_dispute_attachment(&mut self, a: &NewAttachment<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into dispute_attachment (dispute_id, file_name, content_type, size_bytes, content, \
            created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) returning dispute_attachment_id";
        let size = i64::try_from(a.content.len()).unwrap_or(i64::MAX);
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(a.dispute_id)
            .bind(a.file_name)
            .bind(a.content_type)
            .bind(size)
            .bind(a.content)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?))
    }

    /// How many disputes of a case are open, read inside the unit (after the case's lock, so a dispute
    /// being opened is either counted or opened after this unit ends).
    pub async fn open_disputes(&mut self, case_id: i64) -> Result<i64, StoreError> {
        Ok(on_tx!(self, |conn| sqlx::query_scalar(OPEN_DISPUTES).bind(case_id).fetch_one(&mut *conn).await?))
    }
}
