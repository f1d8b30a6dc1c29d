//! Failed sign-ins (and password changes), counted per throttle key (an account or a client address)
//! within a time window. An attempt takes its slot before it is evaluated: it is recorded as a failure at
//! once, under a lock per key, and forgotten only if it succeeds.

use chrono::{DateTime, Utc};

use super::tx::{on_tx, TxConn};
use super::{on_backend, Store, StoreError, Tx};

impl Store {
    /// How many failures were recorded under `key` at or after `since`.
    pub async fn count_signin_failures(&self, key: &str, since: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "select count(*) from signin_failure where throttle_key = $1 and failed_at >= $2";
        let n: i64 = on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(key).bind(since).fetch_one(pool).await?);
        Ok(n)
    }
}

impl Tx {
    /// Takes a slot for one attempt: if every key in `limits` has fewer failures than its limit at or after
    /// `since`, records one failure per key at `at` and returns their ids; otherwise records nothing and
    /// returns `None`. Failures older than `forget_before` are deleted so the table stays small.
    ///
    /// Count and insert are one step for every process on the database: on PostgreSQL each key is locked
    /// for the rest of the unit (a transaction-scoped advisory lock, taken in sorted order so two units never
    /// wait for each other; keys whose 64-bit hashes collide merely share a lock); SQLite's `BEGIN IMMEDIATE`
    /// already runs writing units one at a time. The caller commits before evaluating the attempt.
    pub async fn claim_signin_attempt(
        &mut self,
        limits: &[(&str, i64)],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        const LOCK_POSTGRES: &str = "select pg_advisory_xact_lock(hashtextextended($1, 0))";
        const COUNT: &str = "select count(*) from signin_failure where throttle_key = $1 and failed_at >= $2";
        const PRUNE: &str = "delete from signin_failure where failed_at < $1";
        const INSERT: &str = "insert into signin_failure (throttle_key, failed_at, created_at) values ($1, $2, $2) \
                              returning signin_failure_id";
        if let TxConn::Postgres(t) = &mut self.conn {
            let mut keys: Vec<&str> = limits.iter().map(|(key, _)| *key).collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                sqlx::query(LOCK_POSTGRES).bind(key).execute(&mut **t).await?;
            }
        }
        for (key, max) in limits {
            let n: i64 = on_tx!(self, |conn| sqlx::query_scalar(COUNT).bind(*key).bind(since).fetch_one(&mut *conn).await?);
            if n >= *max {
                return Ok(None);
            }
        }
        on_tx!(self, |conn| sqlx::query(PRUNE).bind(forget_before).execute(&mut *conn).await?.rows_affected());
        let mut ids = Vec::with_capacity(limits.len());
        for (key, _) in limits {
            let id: i64 = on_tx!(self, |conn| sqlx::query_scalar(INSERT).bind(*key).bind(at).fetch_one(&mut *conn).await?);
            ids.push(id);
        }
        Ok(Some(ids))
    }

    /// Forgets the failures with these ids (the slot of an attempt that turned out not to be a wrong guess).
    pub async fn forget_signin_failures(&mut self, ids: &[i64]) -> Result<(), StoreError> {
        const SQL: &str = "delete from signin_failure where signin_failure_id = $1";
        for id in ids {
            on_tx!(self, |conn| sqlx::query(SQL).bind(*id).execute(&mut *conn).await?.rows_affected());
        }
        Ok(())
    }

    /// Forgets every failure under `key` (after a successful sign-in to that account).
    pub async fn clear_signin_failures(&mut self, key: &str) -> Result<(), StoreError> {
        const SQL: &str = "delete from signin_failure where throttle_key = $1";
        on_tx!(self, |conn| sqlx::query(SQL).bind(key).execute(&mut *conn).await?.rows_affected());
        Ok(())
    }
}
