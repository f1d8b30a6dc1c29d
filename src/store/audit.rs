//! The audit log as stored: appended one entry at a time, each chained to the one before (the rules are
//! in `crate::audit::chain`), read back in order for verification, pages and exports.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};
use crate::audit::chain::{next, AuditEntry};

/// How often an append is retried when another writer took the same sequence number.
const APPEND_ATTEMPTS: usize = 8;

type EntryRow = (i64, DateTime<Utc>, String, String, String, String, String, String);

fn entry((seq, at, actor, action, subject, detail, prev_hash, hash): EntryRow) -> AuditEntry {
    AuditEntry { seq, at, actor, action, subject, detail, prev_hash, hash }
}

const COLUMNS: &str = "seq, at, actor, action, subject, detail, prev_hash, hash";

impl Store {
    /// Appends an entry after the current last one. The sequence number is the primary key, so two writers
    /// can never both extend the same entry: the loser reads the new last entry and tries again.
    pub async fn append_audit(
        &self,
        at: DateTime<Utc>,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<AuditEntry, StoreError> {
        let last_sql = format!("select {COLUMNS} from audit_log order by seq desc limit 1");
        let insert_sql = format!("insert into audit_log ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)");
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last: Option<EntryRow> = on_backend!(self, |pool| sqlx::query_as(&last_sql).fetch_optional(pool).await?);
            let new = next(last.map(entry).as_ref(), at, actor, action, subject, detail);
            let inserted = on_backend!(self, |pool| sqlx::query(&insert_sql)
                .bind(new.seq)
                .bind(new.at)
                .bind(&new.actor)
                .bind(&new.action)
                .bind(&new.subject)
                .bind(&new.detail)
                .bind(&new.prev_hash)
                .bind(&new.hash)
                .execute(pool)
                .await
                .map(|_| ()));
            match inserted.map_err(StoreError::from) {
                Ok(()) => return Ok(new),
                Err(StoreError::Conflict { .. }) if attempt < APPEND_ATTEMPTS => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Entries after `after_seq`, in order, at most `limit`.
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!("select {COLUMNS} from audit_log where seq > $1 order by seq limit $2");
        let rows: Vec<EntryRow> =
            on_backend!(self, |pool| sqlx::query_as(&sql).bind(after_seq).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(entry).collect())
    }

    /// The newest entries first, optionally only one action (`decision.approved`) or one actor.
    pub async fn audit_page(
        &self,
        action: Option<&str>,
        actor: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "select {COLUMNS} from audit_log where ($1 = '' or action = $1) and ($2 = '' or actor = $2) \
             order by seq desc limit $3 offset $4"
        );
        let rows: Vec<EntryRow> = on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(action.unwrap_or_default())
            .bind(actor.unwrap_or_default())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(entry).collect())
    }
}
