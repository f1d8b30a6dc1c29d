//! Bulk import: many messages received in batches, and the cases they touch recounted now and then
//! instead of after every batch.
//!
//! A recount reads every report of a case. An import that feeds the same large cases batch after batch
//! would read them again each time (quadratic in the import's size), so the touched cases wait in the
//! recount journal (`store::recount`, written with the placements) and are recounted every
//! [`RECOUNT_EVERY`] messages and when the import finishes. Until then a running import's newest reports
//! are in their cases but not yet in the counters; an import that is killed leaves them listed, and the
//! next intake run or `serve` start recounts them (`intake::heal`).

use crate::cases::placement::{self, Recount};
use super::{receive_batch, Incoming, IntakeError, Receipt};
use crate::store::{Channel, Store, StoreError};

/// How many messages a bulk import receives at most before it recounts the cases it touched.
pub const RECOUNT_EVERY: usize = 10_000;

/// One bulk import under way.
pub struct Bulk<'s> {
    store: &'s Store,
    channel: Channel,
    max_bytes: usize,
    since_recount: usize,
}

impl<'s> Bulk<'s> {
    pub fn new(store: &'s Store, channel: Channel, max_bytes: usize) -> Self {
        Bulk { store, channel, max_bytes, since_recount: 0 }
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
            receive_batch(self.store, messages, self.channel, self.max_bytes, Recount::Later).await?;
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
        // The journal lists every case this import touched (and any another process left behind).
        match placement::recount_listed(self.store, usize::MAX).await {
            Ok(n) => n,
            Err(e) => {
                // The reports are stored and placed; the cases stay listed for the next run to recount.
                tracing::error!(error = %e, "cases could not be recounted now; the next intake run will");
                0
            }
        }
    }
}
