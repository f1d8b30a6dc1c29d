//! Sending volumes (messages per address per day, from SNDS or our own mail logs) and the complaint-rate
//! thresholds per report type.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};
use crate::triage::rates::Threshold;
use crate::triage::volume::VolumeRow;

impl Store {
    /// Stores volumes under `source` ("snds" or "maillog"); a later import of the same address, day and source
    /// replaces the earlier figure. Returns how many rows were written.
    pub async fn upsert_volumes(&self, rows: &[VolumeRow], source: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        const SQL: &str = "insert into sending_volume (source_ip, day, messages, trap_hits, source, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $6, $6) on conflict (source_ip, day, source) do update set \
            messages = excluded.messages, trap_hits = excluded.trap_hits, updated_at = excluded.updated_at";
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let mut written = 0;
            for row in rows {
                written += sqlx::query(SQL)
                    .bind(row.ip.to_canonical().to_string())
                    .bind(row.day)
                    .bind(row.messages)
                    .bind(row.trap_hits)
                    .bind(source)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            Ok(written)
        })
    }

    /// The configured thresholds by report type (types without one use [`Threshold::default`]).
    pub async fn rate_thresholds(&self) -> Result<Vec<(String, Threshold)>, StoreError> {
        const SQL: &str = "select report_type, warn_per_thousand, block_per_thousand from rate_threshold order by report_type";
        let rows: Vec<(String, f64, f64)> = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(t, warn, block)| (t, Threshold { warn_per_thousand: warn, block_per_thousand: block }))
            .collect())
    }

    /// Sets the threshold of one report type.
    pub async fn set_rate_threshold(
        &self,
        report_type: &str,
        threshold: Threshold,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "insert into rate_threshold (report_type, warn_per_thousand, block_per_thousand, updated_by, \
            created_at, updated_at) values ($1, $2, $3, $4, $5, $5) on conflict (report_type) do update set \
            warn_per_thousand = excluded.warn_per_thousand, block_per_thousand = excluded.block_per_thousand, \
            updated_by = excluded.updated_by, updated_at = excluded.updated_at";
        on_backend!(self, |pool| sqlx::query(SQL)
            .bind(report_type)
            .bind(threshold.warn_per_thousand)
            .bind(threshold.block_per_thousand)
            .bind(by)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }
}
