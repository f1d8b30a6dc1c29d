//! Bulk import: many messages received in batches, and the cases they touch recounted now and then
//! instead of after every batch.
//!
//! A recount reads every report of a case. An import that feeds the same large cases batch after batch
//! would read them again each time (quadratic in the import's size), so the touched cases are collected
//! and recounted every [`RECOUNT_EVERY`] messages and when the import finishes. Until then a running
//! import's newest reports are in their cases but not yet in the counters; an import that is killed leaves
//! them so until `abusedesk recount`.

use std::collections::BTreeSet;

use super::cases::{self, Recount};
use super::{receive_batch, Incoming, IntakeError, Receipt};
use crate::store::{Channel, Store, StoreError};

/// How many messages a bulk import receives at most before it recounts the cases it touched.
pub const RECOUNT_EVERY: usize = 10_000;

/// One bulk import under way.
pub struct Bulk<'s> {
    store: &'s Store,
    channel: Channel,
    max_bytes: usize,
    stale: BTreeSet<i64>,
    since_recount: usize,
}

impl<'s> Bulk<'s> {
    pub fn new(store: &'s Store, channel: Channel, max_bytes: usize) -> Self {
        Bulk { store, channel, max_bytes, stale: BTreeSet::new(), since_recount: 0 }
    }

    /// Receives one batch, as [`receive_batch`] does.
    ///
    /// # Errors
    /// As [`receive_batch`]: none of the batch's messages was stored.
    pub async fn receive(
        &mut self,
        messages: &[Incoming<'_>],
    ) -> Result<Vec<Result<Receipt, IntakeError>>, StoreError> {
        let receipts =
            receive_batch(self.store, messages, self.channel, self.max_bytes, Recount::Later(&mut self.stale)).await?;
        self.since_recount += messages.len();
        if self.since_recount >= RECOUNT_EVERY {
            self.recount().await;
        }
        Ok(receipts)
    }

    /// Recounts the cases touched since the last recount; returns how many.
    pub async fn finish(mut self) -> usize {
        self.recount().await
    }

    async fn recount(&mut self) -> usize {
        self.since_recount = 0;
        let stale = std::mem::take(&mut self.stale);
        let n = stale.len();
        if let Err(e) = cases::recount_cases(self.store, stale).await {
            // The reports are stored and placed; only counters wait, and `abusedesk recount` settles them.
            tracing::error!(cases = n, error = %e, "cases could not be recounted; run `abusedesk recount`");
        }
        n
    }
}
