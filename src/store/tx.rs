//! One unit of work: a writing transaction on either backend, so that an action's change, its audit
//! entries and the outbox rows it causes (notifications, webhook events) commit together or not at all.
//!
//! Audit entries are buffered and appended at [`Tx::commit`], after every other write of the unit. On
//! PostgreSQL the append takes a transaction-scoped advisory lock that orders appends one after another
//! (SQLite's `BEGIN IMMEDIATE` already orders every writer); taking it last means a unit never holds the
//! audit lock while it waits for a row another unit holds, so the two cannot deadlock. A unit whose audit
//! entry cannot be written is rolled back whole: no change is ever without its entry.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, Sqlite, Transaction};

use super::audit::{entry, EntryRow, COLUMNS};
use super::{Backend, Store, StoreError};
use crate::audit::chain::{next, AuditEntry};

/// The advisory lock key that orders audit appends on PostgreSQL ("abusedsk" in ASCII).
const AUDIT_LOCK: i64 = 0x6162_7573_6564_736b;

/// An open writing transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(crate) conn: TxConn,
    audit: Vec<PendingEntry>,
}

/// The backend's transaction.
pub(crate) enum TxConn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

struct PendingEntry {
    at: DateTime<Utc>,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

/// Runs the same body on the transaction's connection; `$conn` is `&mut` the backend's connection.
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match &mut $tx.conn {
            $crate::store::tx::TxConn::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            $crate::store::tx::TxConn::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;


impl Store {
    /// Opens a writing transaction (SQLite: `BEGIN IMMEDIATE`, so concurrent writers queue).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let conn = match self.backend() {
            Backend::Sqlite(pool) => TxConn::Sqlite(pool.begin_with(super::begin_write(pool)).await?),
            Backend::Postgres(pool) => TxConn::Postgres(pool.begin_with(super::begin_write(pool)).await?),
        };
        Ok(Tx { conn, audit: Vec::new() })
    }
}

impl Tx {
    /// Adds an entry to the audit log when the unit commits.
    pub fn audit(&mut self, at: DateTime<Utc>, actor: &str, action: &str, subject: &str, detail: &str) {
        self.audit.push(PendingEntry {
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: subject.to_owned(),
            detail: detail.to_owned(),
        });
    }

    /// Appends the buffered audit entries and commits everything; on any error nothing is kept.
    pub async fn commit(mut self) -> Result<Vec<AuditEntry>, StoreError> {
        let pending = std::mem::take(&mut self.audit);
        let mut written = Vec::with_capacity(pending.len());
        if !pending.is_empty() {
            if let TxConn::Postgres(t) = &mut self.conn {
                lock_audit(t).await?;
            }
            let mut last = self.last_audit_entry().await?;
            for e in pending {
                let new = next(last.as_ref(), e.at, &e.actor, &e.action, &e.subject, &e.detail);
                self.insert_audit_entry(&new).await?;
                written.push(new.clone());
                last = Some(new);
            }
        }
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        Ok(written)
    }

    async fn last_audit_entry(&mut self) -> Result<Option<AuditEntry>, StoreError> {
        let sql = format!("select {COLUMNS} from audit_log order by seq desc limit 1");
        let row: Option<EntryRow> = on_tx!(self, |conn| sqlx::query_as(&sql).fetch_optional(&mut *conn).await?);
        Ok(row.map(entry))
    }

    async fn insert_audit_entry(&mut self, e: &AuditEntry) -> Result<(), StoreError> {
        let sql = format!("insert into audit_log ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)");
        on_tx!(self, |conn| sqlx::query(&sql)
            .bind(e.seq)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.subject)
            .bind(&e.detail)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Takes the case's row lock until the unit ends, so that two units deciding about one case (an
    /// approval and a dispute opened meanwhile, two edits of its investigation) run one after the other and
    /// each sees what the other committed. One SQL text for both databases: an update that changes nothing
    /// locks the row on PostgreSQL; SQLite's writers are serialised already. `NotFound` for an unknown case.
    pub async fn lock_case(&mut self, case_id: i64) -> Result<(), StoreError> {
        const SQL: &str = "update abuse_case set updated_at = updated_at where abuse_case_id = $1";
        let done = on_tx!(self, |conn| sqlx::query(SQL).bind(case_id).execute(&mut *conn).await?.rows_affected());
        super::found(done)
    }
}

async fn lock_audit(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query("select pg_advisory_xact_lock($1)").bind(AUDIT_LOCK).execute(conn).await?;
    Ok(())
}
