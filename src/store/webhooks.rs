//! Events for provisioning systems and their webhook deliveries: recorded when a sanction takes effect,
//! then attempted until delivered or given up, each attempt's answer kept.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::claims::Queue;
use super::{on_backend, Store, StoreError, Tx};

/// A recorded event and where its delivery stands.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WebhookRecord {
    pub webhook_delivery_id: i64,
    pub event: String,
    /// The JSON body sent, byte for byte on every attempt (the signature covers it).
    pub payload: String,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's status line or the connection error of the last attempt.
    pub last_response: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "webhook_delivery_id, event, payload, status, attempts, next_attempt_at, last_response, \
    created_at, updated_at";

/// Webhook deliveries as background work: due while pending and past their next attempt.
const DELIVERIES: Queue =
    Queue { table: "webhook_delivery", key: "webhook_delivery_id", due: "status = 'pending' and next_attempt_at <= $3", on_claim: "" };

impl Tx {
    /// Records an event, due at once, in the unit of the decision that causes it.
    pub async fn queue_webhook(&mut self, event: &str, payload: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into webhook_delivery (event, payload, next_attempt_at, created_at, updated_at) \
            values ($1, $2, $3, $3, $3) returning webhook_delivery_id";
        Ok(on_tx!(self, |conn| sqlx::query_scalar(SQL).bind(event).bind(payload).bind(now).fetch_one(&mut *conn).await?))
    }
}

impl Store {
    /// Records an event, due at once (a unit of its own).
    pub async fn queue_webhook(&self, event: &str, payload: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.queue_webhook(event, payload, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claims up to `limit` due deliveries for `token` until `until` and returns them, oldest first; rows
    /// another node holds are left to it until its claim runs out.
    pub async fn claim_due_webhooks(
        &self,
        token: &str,
        until: DateTime<Utc>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!("select {COLUMNS} from webhook_delivery where claim_token = $1 and status = 'pending' \
            order by webhook_delivery_id");
        self.claim_rows(&DELIVERIES, &sql, token, until, limit, now).await
    }

    /// Records an attempt made under the claim `token` and ends the claim; false when the claim was no
    /// longer held (it ran out and another node took the row).
    pub async fn settle_webhook_attempt(
        &self,
        id: i64,
        token: &str,
        status: &str,
        next_attempt_at: DateTime<Utc>,
        response: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "update webhook_delivery set status = $2, attempts = attempts + 1, next_attempt_at = $3, \
            last_response = $4, updated_at = $5, claim_token = null, claimed_until = null \
            where webhook_delivery_id = $1 and claim_token = $6";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(next_attempt_at)
            .bind(response)
            .bind(now)
            .bind(token)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    /// The newest events, for the admin.
    pub async fn list_webhooks(&self, limit: i64) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!("select {COLUMNS} from webhook_delivery order by webhook_delivery_id desc limit $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?))
    }
}
