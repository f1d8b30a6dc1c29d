//! The audit log as stored: appended one entry at a time, each chained to the one before (the rules are
//! in `crate::audit::chain`), read back in order for verification, pages and exports.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};
use crate::audit::chain::AuditEntry;

pub(super) type EntryRow = (i64, DateTime<Utc>, String, String, String, String, String, String);

pub(super) fn entry((seq, at, actor, action, subject, detail, prev_hash, hash): EntryRow) -> AuditEntry {
    AuditEntry { seq, at, actor, action, subject, detail, prev_hash, hash }
}

pub(super) const COLUMNS: &str = "seq, at, actor, action, subject, detail, prev_hash, hash";

impl Store {
    /// Appends one entry after the current last one, in a unit of its own. Actions that change something
    /// append their entries in the change's own unit instead ([`super::Tx::audit`]); appends are ordered
    /// (see `store::tx`), so two writers never race for one sequence number.
    pub async fn append_audit(
        &self,
        at: DateTime<Utc>,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<AuditEntry, StoreError> {
        let mut tx = self.begin().await?;
        tx.audit(at, actor, action, subject, detail);
        tx.commit().await?.pop().ok_or_else(|| StoreError::Corrupt("the audit entry was not written".to_owned()))
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

impl super::Tx {
    /// Records one check of the audit chain (its own audit entry goes in the same unit).
    pub async fn record_audit_verification(
        &mut self,
        check: &crate::domain::home::AuditCheck,
        broken_seq: Option<i64>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "insert into audit_verification (verified_at, verified_by, intact, entries, broken_seq, \
            detail, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $1, $1)";
        super::tx::on_tx!(self, |conn| sqlx::query(SQL)
            .bind(check.verified_at)
            .bind(&check.verified_by)
            .bind(check.intact)
            .bind(check.entries)
            .bind(broken_seq)
            .bind(&check.detail)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        Ok(())
    }
}

impl Store {
    /// The latest check of the audit chain, if it was ever checked.
    pub async fn last_audit_verification(&self) -> Result<Option<crate::domain::home::AuditCheck>, StoreError> {
        const SQL: &str = "select verified_at, verified_by, intact, entries, detail from audit_verification \
            order by audit_verification_id desc limit 1";
        let row: Option<(DateTime<Utc>, String, bool, i64, String)> =
            on_backend!(self, |pool| sqlx::query_as(SQL).fetch_optional(pool).await?);
        Ok(row.map(|(verified_at, verified_by, intact, entries, detail)| crate::domain::home::AuditCheck {
            verified_at,
            verified_by,
            intact,
            entries,
            detail,
        }))
    }
}
