//! Kept case trends: each recount stores its case's trend (unique complaints of the last
//! [`TREND_DAYS`] days against the days before, the rule of [`trend_of`]) with the instant until which it
//! holds ([`trend_valid_until`]), and beside it that window's unique complaints (`week_unique`) with the
//! instant they were taken (`trend_from`), and the last 24 hours' unique complaints (`day_unique`) with
//! the instant until which that count holds (`day_until`; the queue's "last 24 h" sort reads it). The
//! queue's "rising" filter and the front page's rising tile read the trend from an index while it holds,
//! the rate filters and tiles read the week count between `trend_from` and `trend_until`, and both judge
//! a case from its reports otherwise, so a count is always what the queue rows show; `serve` refreshes
//! the lapsed ones now and then ([`Store::refresh_lapsed_trends`]) to keep that set small.

use chrono::{DateTime, Duration, Utc};

use super::{on_backend, Store, StoreError};
use crate::triage::rates::{trend_forever, trend_of, trend_valid_until, TREND_DAYS};

/// A case's unique complaints in the last window and the one before, and the first of each, then those of
/// the last 24 hours and the first of them: read from the `(abuse_case_id, unique_in_case, incident_time)`
/// index. `$1` case, `$2` start of the last window, `$3` true, `$4` start of the window before, `$5` start
/// of the last day.
pub(super) const WINDOWS: &str = "select \
    coalesce(sum(case when incident_time >= $2 then 1 else 0 end), 0), \
    coalesce(sum(case when incident_time < $2 then 1 else 0 end), 0), \
    min(case when incident_time >= $2 then incident_time end), \
    min(case when incident_time < $2 then incident_time end), \
    coalesce(sum(case when incident_time >= $5 then 1 else 0 end), 0), \
    min(case when incident_time >= $5 then incident_time end) \
    from report where abuse_case_id = $1 and unique_in_case = $3 and incident_time >= $4";

/// What [`WINDOWS`] reads.
pub(super) type WindowRow = (i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>, i64, Option<DateTime<Utc>>);

/// The length of the queue's "last 24 h" window.
pub(super) fn day() -> Duration {
    Duration::hours(24)
}

/// The starts of the last window, of the one before, and of the last day, at `now`.
pub(super) fn window_starts(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(TREND_DAYS), now - Duration::days(2 * TREND_DAYS), now - day())
}

/// What a recount keeps of a case's windows: its trend, its unique complaints of the last window (the rate
/// filters' numerator), and until when both hold; its unique complaints of the last day and until when
/// that count holds.
pub(super) struct Kept {
    pub trend: &'static str,
    pub week_unique: i64,
    pub until: DateTime<Utc>,
    pub day_unique: i64,
    pub day_until: DateTime<Utc>,
}

/// The trend and counts to keep and until when they hold: a count changes with no write only when its
/// earliest complaint leaves its window, which [`trend_valid_until`] already bounds for the week; the day's
/// count lapses when its earliest complaint is a day old (no complaint: it holds until one is written,
/// which lists the case for a recount).
pub(super) fn judge((recent, earlier, recent_first, earlier_first, today, today_first): WindowRow) -> Kept {
    let until = trend_valid_until(recent_first, earlier_first);
    let day_until = today_first.map_or_else(trend_forever, |t| t + day());
    Kept { trend: trend_of(earlier, recent), week_unique: recent, until, day_unique: today, day_until }
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
    /// Recomputes the kept trend and counts of at most `limit` cases whose trend or day count has lapsed at
    /// `now` (the longest lapsed first), each in its own unit under the case's row lock (so a recount
    /// running at the same time is not overwritten with an older view); returns how many.
    pub async fn refresh_lapsed_trends(&self, now: DateTime<Utc>, limit: i64) -> Result<usize, StoreError> {
        // Each half from its own index (trend_until, day_until).
        const LAPSED: &str = "select x.abuse_case_id from (\
            select abuse_case_id, trend_until as lapsed from abuse_case where trend_until <= $1 \
            union all select abuse_case_id, day_until as lapsed from abuse_case where day_until <= $1) x \
            group by x.abuse_case_id order by min(x.lapsed), x.abuse_case_id limit $2";
        const LOCK: &str = "update abuse_case set trend_until = trend_until where abuse_case_id = $1";
        const STORE: &str = "update abuse_case set trend = $2, trend_until = $3, week_unique = $4, \
            trend_from = $5, day_unique = $6, day_until = $7 where abuse_case_id = $1";
        let ids: Vec<i64> =
            on_backend!(self, |pool| sqlx::query_scalar(LAPSED).bind(now).bind(limit).fetch_all(pool).await?);
        let (week, fortnight, today) = window_starts(now);
        for id in &ids {
            on_backend!(self, |pool| {
                let mut tx = pool.begin_with(super::begin_write(pool)).await?;
                sqlx::query(LOCK).bind(id).execute(&mut *tx).await?;
                let windows = sqlx::query_as(WINDOWS).bind(id).bind(week).bind(true).bind(fortnight).bind(today);
                let kept = judge(windows.fetch_one(&mut *tx).await?);
                let store = sqlx::query(STORE).bind(id).bind(kept.trend).bind(kept.until).bind(kept.week_unique);
                let store = store.bind(now).bind(kept.day_unique).bind(kept.day_until);
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

    /// The kept unique complaints of one case's last 24 hours, when they were taken and until when they
    /// hold (what the queue's "last 24 h" sort reads between the two).
    pub async fn kept_day_count(&self, case_id: i64) -> Result<(i64, DateTime<Utc>, DateTime<Utc>), StoreError> {
        const SQL: &str = "select day_unique, trend_from, day_until from abuse_case where abuse_case_id = $1";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).fetch_one(pool).await?))
    }
}
