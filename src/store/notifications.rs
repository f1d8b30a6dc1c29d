//! Notifications to customers: every e-mail is written here first (the outbox) and marked sent or failed
//! once delivery was tried, so the desk can always show what it told a customer and when.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::claims::Queue;
use super::{on_backend, Store, StoreError, Tx};

/// A notification to record.
#[derive(Clone, Debug)]
pub struct NewNotification<'a> {
    /// The customer told; `None` for an answer to a reporter.
    pub customer_id: Option<i64>,
    pub case_id: Option<i64>,
    /// case_opened, staff_reply, decision or reporter_reply.
    pub kind: &'a str,
    /// Addresses separated by single spaces; empty when the customer has none on file.
    pub recipients: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// A recorded notification.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRecord {
    pub notification_id: i64,
    pub customer_id: Option<i64>,
    pub customer_name: Option<String>,
    pub abuse_case_id: Option<i64>,
    pub kind: String,
    pub recipients: String,
    pub subject: String,
    pub body: String,
    /// outbox, sent or failed.
    pub status: String,
    /// Why delivery failed, or the server's answer.
    pub detail: String,
    /// Delivery attempts made (claims taken).
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "select n.notification_id, n.customer_id, c.name as customer_name, n.abuse_case_id, n.kind, \
    n.recipients, n.subject, n.body, n.status, n.detail, n.attempts, n.created_at, n.updated_at \
    from notification n left join customer c on c.customer_id = n.customer_id";

/// The outbox as background work: a notification is due while it is in the outbox.
const OUTBOX: Queue = Queue { table: "notification", key: "notification_id", due: "status = 'outbox'", on_claim: ", attempts = attempts + 1" };

impl Tx {
    /// Writes a notification to the outbox, in the unit of the action that causes it.
    pub async fn queue_notification(&mut self, n: &NewNotification<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into notification (customer_id, abuse_case_id, kind, recipients, subject, body, \
            created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $7) returning notification_id";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(n.customer_id)
            .bind(n.case_id)
            .bind(n.kind)
            .bind(n.recipients)
            .bind(n.subject)
            .bind(n.body)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?))
    }
}

impl Store {
    /// Writes a notification to the outbox (a unit of its own).
    pub async fn queue_notification(&self, n: &NewNotification<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.queue_notification(n, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The newest notifications, optionally of one status (`outbox`, `sent`, `failed`).
    pub async fn list_notifications(&self, status: Option<&str>, limit: i64) -> Result<Vec<NotificationRecord>, StoreError> {
        let sql = format!("{SELECT} where ($1 = '' or n.status = $1) order by n.notification_id desc limit $2");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(status.unwrap_or("")).bind(limit).fetch_all(pool).await?))
    }

    /// The recipients of a case's notifications of one kind (to answer no one twice).
    pub async fn case_notification_recipients(&self, case_id: i64, kind: &str) -> Result<Vec<String>, StoreError> {
        const SQL: &str = "select recipients from notification where abuse_case_id = $1 and kind = $2";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(case_id).bind(kind).fetch_all(pool).await?))
    }

    /// Notifications waiting to be sent, oldest first (claimed or not).
    pub async fn outbox(&self, limit: i64) -> Result<Vec<NotificationRecord>, StoreError> {
        let sql = format!("{SELECT} where n.status = 'outbox' order by n.notification_id limit $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?))
    }

    /// Claims up to `limit` notifications of the outbox for `token` until `until`, oldest first, and
    /// returns them. A row claimed by another node is not taken until its claim has run out (the node
    /// died), so each notification is sent by one node, and again only after a crash.
    pub async fn claim_outbox(
        &self,
        token: &str,
        until: DateTime<Utc>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let sql = format!("{SELECT} where n.claim_token = $1 and n.status = 'outbox' order by n.notification_id");
        self.claim_rows(&OUTBOX, &sql, token, until, limit, now).await
    }

    /// Gives back the claims `token` still holds (a round that stopped early), so the next round may
    /// take them at once.
    pub async fn release_outbox(&self, token: &str) -> Result<(), StoreError> {
        const SQL: &str = "update notification set claim_token = null, claimed_until = null \
            where claim_token = $1 and status = 'outbox'";
        on_backend!(self, |pool| sqlx::query(SQL).bind(token).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Records the outcome of a delivery attempt made under the claim `token`, and ends the claim.
    /// Returns false when the claim was no longer held (it ran out and another node took the row).
    pub async fn settle_notification(
        &self,
        id: i64,
        token: &str,
        status: &str,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "update notification set status = $2, detail = $3, updated_at = $4, claim_token = null, \
            claimed_until = null where notification_id = $1 and claim_token = $5";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(detail)
            .bind(now)
            .bind(token)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    /// Records the outcome of a delivery attempt.
    pub async fn mark_notification(&self, id: i64, status: &str, detail: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update notification set status = $2, detail = $3, updated_at = $4 where notification_id = $1";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(detail)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }
}
