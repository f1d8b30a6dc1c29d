//! Healing after an interruption: what a killed process left half-settled is settled by the next one.
//!
//! Every write that can leave a case's counters behind lists the case in the recount journal in the same
//! transaction (see `store::recount`), and a report that lost its case (its customer changed) or never got
//! one is a report without a case. A message stored and never parsed (LMTP answers before parsing) stays
//! pending. Each intake run (`ingest`, `import`, `reparse`) and each `serve` start calls [`heal`] first,
//! and `serve` again now and then: it parses pending messages older than [`PENDING_GRACE`], places reports
//! without a case and recounts the listed cases, so counters come back to the truth without anyone running
//! `abusedesk recount`.

use std::collections::BTreeSet;

use crate::attribution::attribute;
use crate::cases::placement::{self, Recount};
use crate::store::{self, Store, StoreError};

/// A pending message younger than this may still be in another live process's hands (LMTP parses right
/// after it answers); older, its parse was lost and healing does it.
pub const PENDING_GRACE: chrono::Duration = chrono::Duration::minutes(2);

/// How much one call does at most: an MTA pipe's `ingest` must stay quick even after a large crash, so it
/// heals a slice and leaves the rest to the next run; `serve` and `import` pass [`Budget::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Messages whose reports have no case, placed per call.
    pub messages: usize,
    /// Cases recounted per call.
    pub cases: usize,
    /// Pending messages younger than this are left alone (see [`PENDING_GRACE`]).
    pub pending_grace: chrono::Duration,
}

impl Budget {
    /// Everything waiting.
    pub const ALL: Budget = Budget { messages: usize::MAX, cases: usize::MAX, pending_grace: PENDING_GRACE };
    /// A slice small enough for one MTA delivery (a few hundred milliseconds at most).
    pub const SLICE: Budget = Budget { messages: 50, cases: 200, pending_grace: PENDING_GRACE };
}

/// What one call settled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Healed {
    /// Pending messages parsed.
    pub parsed: usize,
    /// Messages whose reports were placed into cases.
    pub messages: usize,
    /// Cases recounted.
    pub cases: usize,
}

/// Places reports without a case, then recounts the cases in the journal, within `budget`.
///
/// # Errors
/// Database errors; what was not settled stays listed for the next call.
pub async fn heal(store: &Store, budget: Budget) -> Result<Healed, StoreError> {
    let mut healed = Healed::default();
    let before = store::now() - budget.pending_grace;
    let mut tried = BTreeSet::new();
    while healed.parsed < budget.messages {
        let want = budget.messages.saturating_sub(healed.parsed).min(super::BATCH_MESSAGES);
        let pending = store.pending_messages_before(before, i64::try_from(want).unwrap_or(500)).await?;
        // Every message comes out parsed, not recognised or failed; one still listed is not tried twice.
        let pending: Vec<i64> = pending.into_iter().filter(|m| tried.insert(*m)).collect();
        if pending.is_empty() {
            break;
        }
        super::reparse(store, &pending).await?;
        healed.parsed += pending.len();
    }
    let mut seen = BTreeSet::new();
    while healed.messages < budget.messages {
        let want = budget.messages.saturating_sub(healed.messages).min(500);
        let messages = store.messages_without_cases(i64::try_from(want).unwrap_or(500)).await?;
        // A message placed once and still listed has reports that cannot be placed: stop rather than loop.
        let fresh: Vec<i64> = messages.into_iter().filter(|m| seen.insert(*m)).collect();
        if fresh.is_empty() {
            break;
        }
        // Attributing again is idempotent; a report stored just before a crash was never attributed.
        attribute::attribute_messages(store, &fresh).await?;
        placement::place_messages(store, &fresh, Recount::Later).await?;
        healed.messages += fresh.len();
    }
    healed.cases = placement::recount_listed(store, budget.cases).await?;
    Ok(healed)
}

