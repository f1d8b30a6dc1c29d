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
