//! Checking the stored chain and recording that it was checked: the front page shows admins when the
//! chain was last verified and what was found, so a check that never runs, or one that failed, is seen.
//! The `audit verify` command and the Audit page both come here.

use crate::audit::Actor;
use crate::domain::home::AuditCheck;
use crate::store::{self, Store, StoreError};

/// Entries read per page when the whole log is walked.
const PAGE: i64 = 5_000;

/// The whole stored log in sequence order, read a page at a time.
///
/// # Errors
/// Database errors.
pub async fn stored_entries(store: &Store) -> Result<Vec<super::AuditEntry>, StoreError> {
    let mut entries = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_entries(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        entries.extend(page);
    }
    Ok(entries)
}

/// Verifies the whole stored chain and records the result, with its own audit entry
/// (`audit.verified`), in one unit. Returns the check and the last entry's hash (of the entries read).
///
/// # Errors
/// Database errors; a broken chain is a result, not an error.
pub async fn verify_and_record(store: &Store, by: &Actor) -> Result<(AuditCheck, String), StoreError> {
    let entries = stored_entries(store).await?;
    let head = entries.last().map_or_else(|| super::GENESIS.to_owned(), |e| e.hash.clone());
    let (intact, checked, broken_seq, detail) = match super::verify(&entries) {
        Ok(n) => (true, n, None, format!("intact: {n} entries")),
        Err(broken) => {
            let before = entries.iter().take_while(|e| e.seq != broken.seq).count();
            (false, before, Some(broken.seq), format!("broken at entry {}: {}", broken.seq, broken.reason))
        }
    };
    let check = AuditCheck {
        verified_at: store::now(),
        verified_by: by.name().to_owned(),
        intact,
        entries: i64::try_from(checked).unwrap_or(i64::MAX),
        detail,
    };
    let mut tx = store.begin().await?;
    tx.record_audit_verification(&check, broken_seq).await?;
    tx.audit(check.verified_at, by.name(), "audit.verified", "audit_log", &check.detail);
    tx.commit().await?;
    Ok((check, head))
}
