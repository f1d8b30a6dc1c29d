//! Failed sign-ins, counted per throttle key (an account or a client address) within a time window.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};

impl Store {
    /// Records one failed sign-in under each key, and forgets failures older than `forget_before`
    /// so the table stays small.
    pub async fn record_signin_failure(
        &self,
        keys: &[String],
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const INSERT: &str = "insert into signin_failure (throttle_key, failed_at, created_at) values ($1, $2, $2)";
        const PRUNE: &str = "delete from signin_failure where failed_at < $1";
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            for key in keys {
                sqlx::query(INSERT).bind(key).bind(at).execute(&mut *tx).await?;
            }
            sqlx::query(PRUNE).bind(forget_before).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// How many failures were recorded under `key` at or after `since`.
    pub async fn count_signin_failures(&self, key: &str, since: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "select count(*) from signin_failure where throttle_key = $1 and failed_at >= $2";
        let n: i64 = on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(key).bind(since).fetch_one(pool).await?);
        Ok(n)
    }

    /// Forgets every failure under `key` (after a successful sign-in to that account).
    pub async fn clear_signin_failures(&self, key: &str) -> Result<(), StoreError> {
        const SQL: &str = "delete from signin_failure where throttle_key = $1";
        on_backend!(self, |pool| sqlx::query(SQL).bind(key).execute(pool).await?.rows_affected());
        Ok(())
    }
}
