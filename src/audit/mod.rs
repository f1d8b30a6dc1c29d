//! The audit log: who did what to which case, customer or account, kept so that any later edit or
//! deletion of a record shows.
//!
//! This module owns the pure part, the hash chain ([`chain`]), the one way an action records its entry
//! ([`record`]), and the check of the stored chain that
//! records when it ran and what it found ([`check`]); storing and listing entries is the store's job.
//! The chain proves that nothing inside it was changed, removed or reordered. It cannot prove that
//! entries were not cut off the end, so keep the latest hash somewhere else as well (in a daily report,
//! say) and compare.

pub mod actor;
pub mod chain;
pub mod check;
pub mod export;

pub use actor::Actor;
pub use chain::{entry_hash, next, verify, AuditEntry, BreakReason, ChainBreak, GENESIS};

use crate::store::{self, Store, StoreError};

/// Appends one state change to the hash-chained audit log. A failure is logged and returned: callers
/// whose change is already stored report it rather than pretend the change did not happen.
///
/// # Errors
/// Database errors.
pub async fn record(store: &Store, actor: &str, action: &str, subject: &str, detail: &str) -> Result<(), StoreError> {
    match store.append_audit(store::now(), actor, action, subject, detail).await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, action, subject, "audit entry could not be written");
            Err(e)
        }
    }
}

