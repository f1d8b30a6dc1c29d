//! The kept intake counter behind the front page's chart: reports per UTC day (of their message's first
//! arrival) and reporter, in `intake_day`.
//!
//! Invariant: `intake_day` equals a recount of `report` grouped the same way. Every write that adds or removes
//! reports (replacing a message's parsed reports, entering one by hand) tallies the reports it touches before
//! and after, in the same transaction, and applies the difference. Reading fourteen days of it costs at most
//! fourteen rows per reporter, whatever the number of reports.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{on_backend, Store, StoreError};

/// Changes to apply: `(day, reporter) → reports added (negative: removed)`.
pub(super) type IntakeDeltas = BTreeMap<(String, String), i64>;

/// `(first arrival, reporter, reports)` of the reports matching a condition; `$where` is a condition on
/// `r` (report) with `$1…` placeholders bound from `$binds`.
pub(super) const TALLY_SELECT: &str = "select m.first_received_at, r.reporter, count(*) from report r \
    join inbound_message m on m.inbound_message_id = r.inbound_message_id";

/// Adds `sign` × the tally of reports matching `$where` (bound with `$binds`) to `$deltas`, on `$tx`.
macro_rules! intake_tally {
    ($tx:expr, $deltas:expr, $sign:expr, $where:expr, $binds:expr) => {{
        let sql = format!("{} where {} group by m.first_received_at, r.reporter", $crate::store::intake_days::TALLY_SELECT, $where);
        let sign: i64 = $sign;
        let mut q = sqlx::query_as::<_, (DateTime<Utc>, String, i64)>(&sql);
        for b in $binds {
            q = q.bind(*b);
        }
        for (at, reporter, n) in q.fetch_all(&mut *$tx).await? {
            *$deltas.entry((at.date_naive().to_string(), reporter)).or_insert(0) += sign * n;
        }
    }};
}
pub(super) use intake_tally;

/// Applies `$deltas` to `intake_day` on `$tx`.
macro_rules! intake_apply {
    ($tx:expr, $deltas:expr, $now:expr) => {{
        const UPSERT: &str = "insert into intake_day (day, reporter, reports, created_at, updated_at) \
            values ($1, $2, $3, $4, $4) on conflict (day, reporter) \
            do update set reports = intake_day.reports + excluded.reports, updated_at = excluded.updated_at";
        for ((day, reporter), n) in $deltas.iter().filter(|(_, n)| **n != 0) {
            sqlx::query(UPSERT).bind(day).bind(reporter).bind(*n).bind($now).execute(&mut *$tx).await?;
        }
    }};
}
pub(super) use intake_apply;

impl Store {
    /// Reports per `(day, reporter)` for days from `since` on, in day order.
    pub async fn intake_by_day(&self, since: NaiveDate) -> Result<Vec<(NaiveDate, String, i64)>, StoreError> {
        const SQL: &str = "select day, reporter, reports from intake_day where day >= $1 and reports <> 0 \
            order by day, reporter";
        let rows: Vec<(String, String, i64)> =
            on_backend!(self, |pool| sqlx::query_as(SQL).bind(since.to_string()).fetch_all(pool).await?);
        Ok(rows.into_iter().filter_map(|(d, r, n)| Some((d.parse().ok()?, r, n))).collect())
    }

    /// Each reporter's last day with reports, quietest first (a feed gone quiet is an incident), at most
    /// `limit`; from the kept counter, whose rows are days × reporters, never the reports.
    pub async fn reporter_last_days(&self, limit: i64) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        const SQL: &str = "select reporter, max(day) from intake_day where reports <> 0 group by reporter \
            order by max(day), reporter limit $1";
        let rows: Vec<(String, String)> = on_backend!(self, |pool| sqlx::query_as(SQL).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().filter_map(|(r, d)| Some((r, d.parse().ok()?))).collect())
    }

    /// Recounts `intake_day` from the reports: for `abusedesk recount` and for fixtures written with plain SQL
    /// (the benchmark's), which bypass the store's writes.
    pub async fn rebuild_intake_days(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            sqlx::query("delete from intake_day").execute(&mut *tx).await?;
            let mut deltas = IntakeDeltas::new();
            let none: [i64; 0] = [];
            intake_tally!(tx, deltas, 1, "1 = 1", none.iter());
            intake_apply!(tx, deltas, now);
            tx.commit().await?;
            Ok(())
        })
    }
}
