//! The audit log: who did what to which case, customer or account, kept so that any later edit or
//! deletion of a record shows.
//!
//! This module owns the pure part, the hash chain ([`chain`]), and the check of the stored chain that
//! records when it ran and what it found ([`check`]); storing and listing entries is the store's job.
//! The chain proves that nothing inside it was changed, removed or reordered. It cannot prove that
//! entries were not cut off the end, so keep the latest hash somewhere else as well (in a daily report,
//! say) and compare.

pub mod chain;
pub mod check;
pub mod export;

pub use chain::{entry_hash, next, verify, AuditEntry, BreakReason, ChainBreak, GENESIS};
