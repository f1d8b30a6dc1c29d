//! Events for provisioning systems and their webhook deliveries: recorded when a sanction takes effect,
//! then attempted until delivered or given up, each attempt's answer kept.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};

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

impl Store {
    /// Records an event, due at once.
    pub async fn queue_webhook(&self, event: &str, payload: &str, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into webhook_delivery (event, payload, next_attempt_at, created_at, updated_at) \
            values ($1, $2, $3, $3, $3) returning webhook_delivery_id";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(event).bind(payload).bind(now).fetch_one(pool).await?))
    }

    /// Pending deliveries due at `now`, oldest first.
    pub async fn due_webhooks(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!(
            "select {COLUMNS} from webhook_delivery where status = 'pending' and next_attempt_at <= $1 \
             order by webhook_delivery_id limit $2"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(pool).await?))
    }

    /// Records an attempt: the new status, the attempt count, when to try next and what the receiver said.
    pub async fn record_webhook_attempt(
        &self,
        id: i64,
        status: &str,
        next_attempt_at: DateTime<Utc>,
        response: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "update webhook_delivery set status = $2, attempts = attempts + 1, next_attempt_at = $3, \
            last_response = $4, updated_at = $5 where webhook_delivery_id = $1";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(status)
            .bind(next_attempt_at)
            .bind(response)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// The newest events, for the admin.
    pub async fn list_webhooks(&self, limit: i64) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!("select {COLUMNS} from webhook_delivery order by webhook_delivery_id desc limit $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?))
    }
}
