//! Kept case trends: each recount stores its case's trend (unique complaints of the last
//! [`TREND_DAYS`] days against the days before, the rule of [`trend_of`]) with the instant until which it
//! holds ([`trend_valid_until`]), and beside it that window's unique complaints (`week_unique`) with the
//! instant they were taken (`trend_from`). The queue's "rising" filter and the front page's rising tile
//! read the trend from an index while it holds, the rate filters and tiles read the week count between
//! `trend_from` and `trend_until`, and both judge a case from its reports otherwise, so a count is always
//! what the queue rows show; `serve` refreshes the lapsed ones now and then
//! ([`Store::refresh_lapsed_trends`]) to keep that set small.

use chrono::{DateTime, Duration, Utc};

use super::{on_backend, Store, StoreError};
use crate::triage::rates::{trend_of, trend_valid_until, TREND_DAYS};

/// A case's unique complaints in the last window and the one before, and the first of each: read from the
/// `(abuse_case_id, unique_in_case, incident_time)` index. `$1` case, `$2` start of the last window, `$3`
/// true, `$4` start of the window before.
pub(super) const WINDOWS: &str = "select \
    coalesce(sum(case when incident_time >= $2 then 1 else 0 end), 0), \
    coalesce(sum(case when incident_time < $2 then 1 else 0 end), 0), \
    min(case when incident_time >= $2 then incident_time end), \
    min(case when incident_time < $2 then incident_time end) \
    from report where abuse_case_id = $1 and unique_in_case = $3 and incident_time >= $4";

/// What [`WINDOWS`] reads.
pub(super) type WindowRow = (i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The starts of the last window and of the one before, at `now`.
pub(super) fn window_starts(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(TREND_DAYS), now - Duration::days(2 * TREND_DAYS))
}

/// What a recount keeps of a case's windows: its trend, its unique complaints of the last window (the rate
/// filters' numerator), and until when both hold.
pub(super) struct Kept {
    pub trend: &'static str,
    pub week_unique: i64,
    pub until: DateTime<Utc>,
}

/// The trend and week count to keep and until when they hold: the count changes with no write only when
/// its earliest complaint leaves the window, which [`trend_valid_until`] already bounds.
pub(super) fn judge((recent, earlier, recent_first, earlier_first): WindowRow) -> Kept {
    let until = trend_valid_until(recent_first, earlier_first);
    Kept { trend: trend_of(earlier, recent), week_unique: recent, until }
}

/// The live rule of a rising case in SQL, for a case `c` whose kept trend has lapsed: the same counts as
/// [`WINDOWS`] and the same rule as [`trend_of`] (a rise of at least `TREND_MIN_CHANGE` complaints and of
/// more than a fifth of the window before). `$2` is the start of the last window, `$3` true; `fortnight`
/// is the placeholder of the start of the window before.
pub(super) fn rising_now(fortnight: &str) -> String {
    let recent = "(select count(*) from report r where r.abuse_case_id = c.abuse_case_id \
        and r.unique_in_case = $3 and r.incident_time >= $2)";
    let earlier = format!(
        "(select count(*) from report r where r.abuse_case_id = c.abuse_case_id \
         and r.unique_in_case = $3 and r.incident_time >= {fortnight} and r.incident_time < $2)"
    );
    let min = crate::triage::rates::TREND_MIN_CHANGE;
    format!("({recent} - {earlier} >= {min} and ({recent} - {earlier}) * 5 > {earlier})")
}

impl Store {
    /// Recomputes the kept trend of at most `limit` cases whose trend has lapsed at `now`, each in its own
    /// unit under the case's row lock (so a recount running at the same time is not overwritten with an
    /// older view); returns how many.
    pub async fn refresh_lapsed_trends(&self, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError> {
        const LAPSED: &str = "select abuse_case_id from abuse_case where trend_until <= $1 \
            order by trend_until limit $2";
        const LOCK: &str = "update abuse_case set trend_until = trend_until where abuse_case_id = $1";
        const STORE: &str = "update abuse_case set trend = $2, trend_until = $3, week_unique = $4, \
            trend_from = $5 where abuse_case_id = $1";
        let ids: Vec<i64> =
            on_backend!(self, |pool| sqlx::query_scalar(LAPSED).bind(now).bind(limit).fetch_all(pool).await?);
        let (week, fortnight) = window_starts(now);
        for id in &ids {
            on_backend!(self, |pool| {
                let mut tx = pool.begin_with(super::begin_write(pool)).await?;
                sqlx::query(LOCK).bind(id).execute(&mut *tx).await?;
                let row: WindowRow =
                    sqlx::query_as(WINDOWS).bind(id).bind(week).bind(true).bind(fortnight).fetch_one(&mut *tx).await?;
                let kept = judge(row);
                let store =
                    sqlx::query(STORE).bind(id).bind(kept.trend).bind(kept.until).bind(kept.week_unique).bind(now);
                store.execute(&mut *tx).await?;
                tx.commit().await?;
            });
        }
        Ok(ids.len())
    }

    /// The kept trend of one case and until when it holds (what the rising filter reads while it holds).
    pub async fn kept_trend(&self, case_id: i64) -> Result<(String, DateTime<Utc>), StoreError> {
        const SQL: &str = "select trend, trend_until from abuse_case where abuse_case_id = $1";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).fetch_one(pool).await?))
    }
}
