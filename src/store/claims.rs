//! Claims on background work, so that several `serve` processes on one database never deliver the same
//! row twice. A node claims due rows under a token of its own until a lease runs out; only the holder of
//! the claim records the outcome, and a row whose node died is claimable again once the lease has passed.
//!
//! PostgreSQL: the rows are picked with `for update skip locked`, so nodes claiming at the same moment
//! take different rows instead of waiting for each other. SQLite has one writer at a time, so the same
//! update without row locks is already atomic (and there is one node per SQLite file anyway).

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use super::{Backend, Store, StoreError};

/// A table of background work: its key, and what makes a row due.
pub(super) struct Queue {
    pub table: &'static str,
    pub key: &'static str,
    /// A condition on the row, with `$3` the current instant.
    pub due: &'static str,
    /// More assignments made by taking a claim (`, attempts = attempts + 1`), or empty.
    pub on_claim: &'static str,
}

fn claim_sql(q: &Queue, skip_locked: bool) -> String {
    let lock = if skip_locked { " for update skip locked" } else { "" };
    format!(
        "update {t} set claim_token = $1, claimed_until = $2, updated_at = $3{also} where {k} in \
         (select {k} from {t} where {due} and (claimed_until is null or claimed_until <= $3) order by {k} limit $4{lock})",
        t = q.table,
        k = q.key,
        due = q.due,
        also = q.on_claim,
    )
}

impl Store {
    /// Claims up to `limit` due rows of `queue` for `token` until `until`, and returns the rows `token`
    /// holds, read with `select` (which takes the token as `$1`).
    pub(super) async fn claim_rows<R>(
        &self,
        queue: &Queue,
        select: &str,
        token: &str,
        until: DateTime<Utc>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<R>, StoreError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(match self.backend() {
            Backend::Sqlite(pool) => {
                sqlx::query(&claim_sql(queue, false)).bind(token).bind(until).bind(now).bind(limit).execute(pool).await?;
                sqlx::query_as(select).bind(token).fetch_all(pool).await?
            }
            Backend::Postgres(pool) => {
                sqlx::query(&claim_sql(queue, true)).bind(token).bind(until).bind(now).bind(limit).execute(pool).await?;
                sqlx::query_as(select).bind(token).fetch_all(pool).await?
            }
        })
    }
}
