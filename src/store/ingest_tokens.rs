//! Bearer tokens of the HTTP API (scope `ingest` or `read`). Only a SHA-256 of each token is kept; the token itself is shown
//! once, when it is created.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx};
use crate::domain::ids::UserId;

/// A token as the admin page lists it (never the token itself).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct IngestTokenView {
    pub ingest_token_id: i64,
    pub name: String,
    pub scope: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The id of the live (not revoked) token of `scope` with this hash, marking it used at `now`.
    pub async fn use_ingest_token(&self, token_hash: &str, scope: &str, now: DateTime<Utc>) -> Result<Option<i64>, StoreError> {
        const SQL: &str = "update ingest_token set last_used_at = $2, updated_at = $2 \
                           where token_hash = $1 and scope = $3 and revoked_at is null returning ingest_token_id";
        let id = on_backend!(self, |pool| sqlx::query_scalar(SQL)
            .bind(token_hash)
            .bind(now)
            .bind(scope)
            .fetch_optional(pool)
            .await?);
        Ok(id)
    }

    /// Every token, newest first.
    pub async fn list_ingest_tokens(&self) -> Result<Vec<IngestTokenView>, StoreError> {
        const SQL: &str = "select t.ingest_token_id, t.name, t.scope, u.username as created_by, t.created_at, t.last_used_at, \
                           t.revoked_at from ingest_token t left join app_user u on u.user_id = t.created_by \
                           order by t.ingest_token_id desc";
        let rows = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows)
    }
}

/// Creating and revoking tokens happen inside a unit, so each carries its audit entry (`auth::ingest_token`).
impl Tx {
    /// Stores a new token's hash under a name people recognise ("postfix on mx1").
    pub async fn insert_ingest_token(
        &mut self,
        name: &str,
        scope: &str,
        token_hash: &str,
        created_by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "insert into ingest_token (name, token_hash, created_by, created_at, updated_at, scope) \
                           values ($1, $2, $3, $4, $4, $5) returning ingest_token_id";
        let id = on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(name)
            .bind(token_hash)
            .bind(created_by.map(|u| u.0))
            .bind(now)
            .bind(scope)
            .fetch_one(&mut *conn)
            .await?);
        Ok(id)
    }

    /// Revokes a token; it stops working at once. Revoking twice keeps the first instant.
    pub async fn revoke_ingest_token(&mut self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update ingest_token set revoked_at = coalesce(revoked_at, $2), updated_at = $2 \
                           where ingest_token_id = $1";
        let done = on_tx!(self, |conn| sqlx::query(SQL).bind(id).bind(now).execute(&mut *conn).await?.rows_affected());
        super::found(done)
    }
}
