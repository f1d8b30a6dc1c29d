//! The IMAP collector's memory of each mailbox: its UIDVALIDITY, the highest UID stored, a problem that
//! stops collecting (a changed UIDVALIDITY), and the lease a `serve` node holds while it fetches.
//!
//! The cursor only moves inside the transaction that stores the messages (see
//! [`Store::record_arrivals_then`]), and only for the holder of the lease, so a message is stored once
//! whatever is killed when, and two nodes never both fetch one mailbox.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{on_backend, Store, StoreError};

/// One collected mailbox as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ImapMailbox {
    /// The collector's key: `user@host:port/MAILBOX`.
    pub mailbox: String,
    /// Unknown until the mailbox was first selected.
    pub uid_validity: Option<i64>,
    /// Every UID up to this one (under `uid_validity`) is stored or was refused; -1 after an accepted
    /// UIDVALIDITY change (take what is not marked done).
    pub last_uid: i64,
    /// UIDs stored but not yet marked done on the server (`5,6,7`): the last batch, when the collector was
    /// interrupted between its commit and the marking.
    pub unmarked_uids: Option<String>,
    /// Why collecting stopped, for staff (a changed UIDVALIDITY); `None` while all is well.
    pub problem: Option<String>,
}

/// Where a batch of stored messages leaves a mailbox: written with them, for the holder of the claim only.
#[derive(Clone, Copy, Debug)]
pub struct ImapCursor<'a> {
    pub mailbox: &'a str,
    pub token: &'a str,
    pub uid_validity: i64,
    pub last_uid: i64,
    /// The UIDs of the batch, to mark done after the commit (`5,6,7`; empty for none).
    pub unmarked_uids: &'a str,
}

/// Moves the cursor forward for the claim holder, under the UIDVALIDITY it was read with ($1 UID, $2 now,
/// $3 mailbox, $4 token, $5 UIDVALIDITY, $6 the UIDs to mark done). No row changed means the claim or the
/// mailbox changed.
pub(super) const ADVANCE_SQL: &str = "update imap_mailbox set last_uid = $1, updated_at = $2, unmarked_uids = $6 \
     where mailbox = $3 and claim_token = $4 and uid_validity = $5 and last_uid <= $1";

const COLUMNS: &str = "mailbox, uid_validity, last_uid, unmarked_uids, problem";

impl Store {
    /// Claims `mailbox` for `token` until `until` unless another node holds an unexpired claim; a holder
    /// renews its own claim the same way. Returns the mailbox when `token` holds it.
    pub async fn claim_imap_mailbox(
        &self,
        mailbox: &str,
        token: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ImapMailbox>, StoreError> {
        const INSERT: &str = "insert into imap_mailbox (mailbox, last_uid, created_at, updated_at) \
             values ($1, 0, $2, $2) on conflict (mailbox) do nothing";
        const CLAIM: &str = "update imap_mailbox set claim_token = $1, claimed_until = $2, updated_at = $3 \
             where mailbox = $4 and (claim_token = $1 or claimed_until is null or claimed_until <= $3)";
        let select = format!("select {COLUMNS} from imap_mailbox where mailbox = $1 and claim_token = $2");
        let row = on_backend!(self, |pool| {
            sqlx::query(INSERT).bind(mailbox).bind(now).execute(pool).await?;
            sqlx::query(CLAIM).bind(token).bind(until).bind(now).bind(mailbox).execute(pool).await?;
            sqlx::query_as(&select).bind(mailbox).bind(token).fetch_optional(pool).await?
        });
        Ok(row)
    }

    /// Gives up a claim (at the end of a one-shot pass), so another node need not wait for it to expire.
    pub async fn release_imap_mailbox(&self, mailbox: &str, token: &str) -> Result<(), StoreError> {
        const SQL: &str = "update imap_mailbox set claim_token = null, claimed_until = null \
             where mailbox = $1 and claim_token = $2";
        on_backend!(self, |pool| sqlx::query(SQL).bind(mailbox).bind(token).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Notes that the stored batch's UIDs are marked done on the server (the claim holder only).
    pub async fn clear_imap_unmarked(&self, mailbox: &str, token: &str) -> Result<(), StoreError> {
        const SQL: &str = "update imap_mailbox set unmarked_uids = null where mailbox = $1 and claim_token = $2";
        on_backend!(self, |pool| sqlx::query(SQL).bind(mailbox).bind(token).execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Remembers the UIDVALIDITY of a mailbox selected for the first time (the claim holder only).
    pub async fn set_imap_uid_validity(&self, mailbox: &str, token: &str, uid_validity: i64) -> Result<(), StoreError> {
        const SQL: &str = "update imap_mailbox set uid_validity = $1, updated_at = $2 \
             where mailbox = $3 and claim_token = $4 and uid_validity is null";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(uid_validity)
            .bind(super::now())
            .bind(mailbox)
            .bind(token)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// Records why collecting a mailbox stopped; staff see it until they accept the new state.
    pub async fn set_imap_problem(&self, mailbox: &str, problem: &str) -> Result<(), StoreError> {
        const SQL: &str = "update imap_mailbox set problem = $1, updated_at = $2 where mailbox = $3";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(problem)
            .bind(super::now())
            .bind(mailbox)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// Staff accept a mailbox's changed UIDVALIDITY: the next pass remembers the new one and takes the
    /// messages not yet marked done (cursor -1), and the problem is cleared. `NotFound` when no change was
    /// recorded for `mailbox`.
    pub async fn accept_imap_uid_validity(&self, mailbox: &str) -> Result<(), StoreError> {
        const SQL: &str = "update imap_mailbox set uid_validity = null, last_uid = -1, unmarked_uids = null, problem = null, \
             updated_at = $1 \
             where mailbox = $2 and problem is not null";
        let done = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(super::now())
            .bind(mailbox)
            .execute(pool)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// Every collected mailbox, by key.
    pub async fn list_imap_mailboxes(&self) -> Result<Vec<ImapMailbox>, StoreError> {
        let sql = format!("select {COLUMNS} from imap_mailbox order by mailbox");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?))
    }
}
