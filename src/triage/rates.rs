//! Complaint rates over time: buckets of complaints per hour, day or week, complaints per thousand
//! messages sent, the warn/block levels, and the trend the dashboard shows.
//!
//! All time is UTC. Buckets are fixed lengths of seconds (an hour is always 3,600 s), so daylight saving
//! time never makes a day 23 or 25 hours long and every chart lines up with every other.

use chrono::{DateTime, TimeDelta, Utc};

/// The most buckets one call returns. A longer range (a year of hours is 8,760) gets the most recent
/// 2,000: more bars than that cannot be drawn or read, and the cap bounds the memory a request can ask for.
pub const MAX_BUCKETS: usize = 2_000;

/// How long one bucket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// On the hour, UTC.
    Hour,
    /// Midnight to midnight, UTC.
    Day,
    /// Monday 00:00 UTC to the next Monday (ISO 8601 weeks).
    Week,
}

impl Granularity {
    /// Parses "hour", "day" or "week" (any case, surrounding white space ignored).
    pub fn parse(s: &str) -> Option<Granularity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hour" => Some(Granularity::Hour),
            "day" => Some(Granularity::Day),
            "week" => Some(Granularity::Week),
            _ => None,
        }
    }

    /// The wire and query-string name (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Week => "week",
        }
    }

    /// The length of one bucket in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            Granularity::Hour => 3_600,
            Granularity::Day => 86_400,
            Granularity::Week => 7 * 86_400,
        }
    }

    /// The start of the bucket that holds `t`.
    pub fn bucket_start(self, t: DateTime<Utc>) -> DateTime<Utc> {
        DateTime::from_timestamp(self.floor(t.timestamp()), 0).unwrap_or(t)
    }

    fn floor(self, timestamp: i64) -> i64 {
        // The Unix epoch was a Thursday; weeks count from Monday 1970-01-05, four days later.
        let origin = if self == Granularity::Week { 4 * 86_400 } else { 0 };
        let step = self.seconds();
        (timestamp - origin).div_euclid(step) * step + origin
    }
}

/// Complaints in one bucket.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bucket {
    /// The first instant of the bucket, aligned to the granularity.
    pub start: DateTime<Utc>,
    /// Arrivals of reports in the bucket (every copy).
    pub received: i64,
    /// Unique complaints in the bucket.
    pub unique: i64,
}

/// Buckets `[from, to)` by granularity (UTC; weeks start Monday 00:00), every bucket present even when
/// empty, oldest first. Bucket starts are aligned, so the first bucket may start before `from`; only events
/// in `[from, to)` count. `events` are `(time, received_count, is_unique)`: each adds its count to
/// `received`, and one to `unique` when it is a unique complaint. At most [`MAX_BUCKETS`], the most recent.
pub fn buckets(
    events: &[(DateTime<Utc>, i64, bool)],
    granularity: Granularity,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Bucket> {
    if from >= to {
        return Vec::new();
    }
    let step = granularity.seconds();
    let last_instant = to.checked_sub_signed(TimeDelta::nanoseconds(1)).unwrap_or(from);
    let last = granularity.floor(last_instant.timestamp());
    let cap = i64::try_from(MAX_BUCKETS).unwrap_or(i64::MAX);
    let first = granularity.floor(from.timestamp()).max(last - (cap - 1) * step);
    let mut out: Vec<Bucket> = (0..=(last - first) / step)
        .filter_map(|i| DateTime::from_timestamp(first + i * step, 0))
        .map(|start| Bucket { start, received: 0, unique: 0 })
        .collect();
    for &(time, received, is_unique) in events {
        if time < from || time >= to {
            continue;
        }
        let index = usize::try_from((granularity.floor(time.timestamp()) - first) / step);
        // A negative index is an event before the most recent MAX_BUCKETS: cut off with its bucket.
        if let Some(bucket) = index.ok().and_then(|i| out.get_mut(i)) {
            bucket.received = bucket.received.saturating_add(received);
            bucket.unique += i64::from(is_unique);
        }
    }
    out
}

/// Days in each window of a case's trend in the queue: the last 7 days against the 7 before. A week,
/// because complaint volume follows the weekly rhythm of sending (newsletters, weekends): two whole weeks
/// compare like with like, where two days would call every Monday a rise.
pub const TREND_DAYS: i64 = 7;

/// When a trend taken at some instant from its case's reports may first change with no new report: the
/// first moment one of those complaints leaves its window, the earliest complaint of the last
/// [`TREND_DAYS`] (`recent_first`) passing into the week before, or the earliest of the week before
/// (`earlier_first`) passing out of both. With neither, nothing but a new report (which recounts the case)
/// changes it, and it holds for ever ([`trend_forever`]). The front page counts rising cases from trends
/// kept this way, so it reads an index rather than every case's reports.
pub fn trend_valid_until(recent_first: Option<DateTime<Utc>>, earlier_first: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let recent = recent_first.map(|t| t + TimeDelta::days(TREND_DAYS));
    let earlier = earlier_first.map(|t| t + TimeDelta::days(2 * TREND_DAYS));
    recent.into_iter().chain(earlier).min().unwrap_or_else(trend_forever)
}

/// "Holds until something is written": 9999-12-31, which both databases store and every clock is before.
pub fn trend_forever() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_214_400, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Complaints per 1,000 messages sent, when the volume is known and non-zero.
pub fn per_thousand(complaints: i64, messages_sent: i64) -> Option<f64> {
    (messages_sent > 0 && complaints >= 0).then(|| complaints as f64 * 1_000.0 / messages_sent as f64)
}

/// Complaint rates, per thousand messages sent, at which the desk warns and at which it proposes a block.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Threshold {
    /// At or above this rate the dashboard warns.
    pub warn_per_thousand: f64,
    /// At or above this rate the desk proposes a block.
    pub block_per_thousand: f64,
}

impl Default for Threshold {
    /// 0.1 % and 0.3 %: the complaint rates large mailbox providers publish as the line senders should stay
    /// under and the rate at which they start rejecting mail.
    fn default() -> Self {
        Threshold { warn_per_thousand: 1.0, block_per_thousand: 3.0 }
    }
}

/// How a complaint rate compares with the thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLevel {
    /// Below the warning threshold.
    Normal,
    /// At or above the warning threshold, below the block threshold.
    Warn,
    /// At or above the block threshold.
    Block,
}

/// The level of a rate: at or above `block_per_thousand` is Block, at or above `warn_per_thousand` is
/// Warn. A rate that is not a number (no volume to divide by) is Normal: there is nothing to act on.
pub fn level(rate_per_thousand: f64, t: &Threshold) -> RateLevel {
    if rate_per_thousand >= t.block_per_thousand {
        RateLevel::Block
    } else if rate_per_thousand >= t.warn_per_thousand {
        RateLevel::Warn
    } else {
        RateLevel::Normal
    }
}

/// A change smaller than this many unique complaints is noise, whatever the percentage (0 → 1 is not a
/// trend).
pub const TREND_MIN_CHANGE: i64 = 2;

/// Trend of the unique complaints in the last `n` buckets against the `n` before: "rising" or "falling"
/// when they differ by at least [`TREND_MIN_CHANGE`] complaints *and* by more than 20 % of the earlier
/// period, "steady" otherwise, and also when there are fewer than `2 n` buckets (or `n` is 0). Unique
/// complaints, not arrivals, so a burst of copies of one report is not a trend.
pub fn trend(buckets: &[Bucket], n: usize) -> &'static str {
    let Some(start) = buckets.len().checked_sub(n.saturating_mul(2)).filter(|_| n > 0) else {
        return "steady";
    };
    let sum = |part: &[Bucket]| part.iter().fold(0_i64, |sum, b| sum.saturating_add(b.unique));
    trend_of(sum(&buckets[start..start + n]), sum(&buckets[start + n..]))
}

/// The rule of [`trend`] for two totals: `recent` unique complaints against `earlier`.
pub fn trend_of(earlier: i64, recent: i64) -> &'static str {
    let change = recent.saturating_sub(earlier);
    if change.abs() < TREND_MIN_CHANGE || change.abs().saturating_mul(5) <= earlier {
        "steady"
    } else if change > 0 {
        "rising"
    } else {
        "falling"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Weekday};

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn totals(buckets: &[Bucket]) -> Vec<(i64, i64)> {
        buckets.iter().map(|b| (b.received, b.unique)).collect()
    }

    #[test]
    fn granularity_names_round_trip() {
        for g in [Granularity::Hour, Granularity::Day, Granularity::Week] {
            assert_eq!(Granularity::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_string(&g).unwrap(), format!("\"{}\"", g.as_str()));
        }
        assert_eq!(Granularity::parse(" Week "), Some(Granularity::Week));
        assert_eq!(Granularity::parse("month"), None);
    }

    #[test]
    fn every_day_is_present_even_without_complaints() {
        let events = [
            (at(2026, 11, 23, 8, 0, 0), 3, true),
            (at(2026, 11, 23, 23, 59, 59), 1, false),
            (at(2026, 11, 25, 0, 0, 0), 2, true),
            (at(2026, 11, 22, 23, 0, 0), 5, true), // before the range
            (at(2026, 11, 27, 0, 0, 0), 5, true),  // `to` itself is outside
        ];
        let days = buckets(&events, Granularity::Day, at(2026, 11, 23, 0, 0, 0), at(2026, 11, 27, 0, 0, 0));
        let starts: Vec<_> = days.iter().map(|b| b.start).collect();
        assert_eq!(starts, (23..=26).map(|d| at(2026, 11, d, 0, 0, 0)).collect::<Vec<_>>());
        assert_eq!(totals(&days), [(4, 1), (0, 0), (2, 1), (0, 0)]);
    }

    #[test]
    fn hours_split_on_the_hour_and_a_partial_first_bucket_counts_only_from_from() {
        let events = [
            (at(2026, 11, 24, 9, 10, 0), 1, true), // before `from`, in the first bucket
            (at(2026, 11, 24, 9, 59, 59), 1, true),
            (at(2026, 11, 24, 10, 0, 0), 1, true),
        ];
        let hours = buckets(&events, Granularity::Hour, at(2026, 11, 24, 9, 30, 0), at(2026, 11, 24, 10, 30, 0));
        assert_eq!(hours[0].start, at(2026, 11, 24, 9, 0, 0));
        assert_eq!(totals(&hours), [(1, 1), (1, 1)]);
    }

    #[test]
    fn weeks_start_on_monday_at_midnight_utc() {
        // Tuesday 24 November to Tuesday 8 December 2026: the weeks of Monday 23 and 30 November and of 7 December.
        let events = [
            (at(2026, 11, 29, 23, 59, 59), 1, true), // Sunday: still the week of the 23rd
            (at(2026, 11, 30, 0, 0, 0), 1, true),    // Monday: a new week
        ];
        let weeks = buckets(&events, Granularity::Week, at(2026, 11, 24, 0, 0, 0), at(2026, 12, 8, 0, 0, 0));
        let starts: Vec<_> = weeks.iter().map(|b| b.start).collect();
        assert_eq!(starts, [at(2026, 11, 23, 0, 0, 0), at(2026, 11, 30, 0, 0, 0), at(2026, 12, 7, 0, 0, 0)]);
        assert!(starts.iter().all(|s| s.weekday() == Weekday::Mon));
        assert_eq!(totals(&weeks), [(1, 1), (1, 1), (0, 0)]);
        assert_eq!(Granularity::Week.bucket_start(at(1970, 1, 1, 12, 0, 0)), at(1969, 12, 29, 0, 0, 0));
    }

    #[test]
    fn daylight_saving_time_does_not_change_bucket_lengths() {
        // Europe leaves summer time at 01:00 UTC on 25 October 2026, the US on 1 November.
        let hours = buckets(&[], Granularity::Hour, at(2026, 10, 24, 22, 0, 0), at(2026, 10, 25, 4, 0, 0));
        let days = buckets(&[], Granularity::Day, at(2026, 10, 20, 0, 0, 0), at(2026, 11, 5, 0, 0, 0));
        assert_eq!((hours.len(), days.len()), (6, 16));
        assert!(hours.windows(2).all(|w| (w[1].start - w[0].start).num_seconds() == 3_600));
        assert!(days.windows(2).all(|w| (w[1].start - w[0].start).num_seconds() == 86_400));
    }

    #[test]
    fn a_huge_range_keeps_the_most_recent_buckets() {
        let (from, to) = (at(2025, 1, 1, 0, 0, 0), at(2026, 1, 1, 0, 0, 0));
        let events = [(at(2025, 1, 1, 5, 0, 0), 1, true), (at(2025, 12, 31, 23, 30, 0), 7, true)];
        let hours = buckets(&events, Granularity::Hour, from, to);
        assert_eq!(hours.len(), MAX_BUCKETS);
        assert_eq!(hours[MAX_BUCKETS - 1].start, at(2025, 12, 31, 23, 0, 0));
        assert_eq!(hours[0].start, to - TimeDelta::hours(2_000));
        assert_eq!(hours.iter().map(|b| b.received).sum::<i64>(), 7);
    }

    #[test]
    fn an_empty_or_reversed_range_has_no_buckets() {
        let t = at(2026, 11, 24, 0, 0, 0);
        assert!(buckets(&[(t, 1, true)], Granularity::Day, t, t).is_empty());
        assert!(buckets(&[], Granularity::Day, t, t - TimeDelta::days(1)).is_empty());
        assert_eq!(buckets(&[], Granularity::Day, t, t + TimeDelta::seconds(1)).len(), 1);
    }

    #[test]
    fn rates_are_per_thousand_messages_when_the_volume_is_known() {
        assert_eq!(per_thousand(3, 1_000), Some(3.0));
        assert_eq!(per_thousand(1, 4_000), Some(0.25));
        assert_eq!(per_thousand(3, 0), None);
        assert_eq!(per_thousand(3, -5), None);
        assert_eq!(per_thousand(-1, 1_000), None);
    }

    #[test]
    fn levels_switch_at_the_thresholds() {
        let t = Threshold::default();
        assert_eq!((t.warn_per_thousand, t.block_per_thousand), (1.0, 3.0));
        assert_eq!(level(0.0, &t), RateLevel::Normal);
        assert_eq!(level(0.999, &t), RateLevel::Normal);
        assert_eq!(level(1.0, &t), RateLevel::Warn);
        assert_eq!(level(2.999, &t), RateLevel::Warn);
        assert_eq!(level(3.0, &t), RateLevel::Block);
        assert_eq!(level(f64::NAN, &t), RateLevel::Normal);
        assert_eq!(level(f64::INFINITY, &t), RateLevel::Block);
    }

    fn series(unique: &[i64]) -> Vec<Bucket> {
        let start = at(2026, 11, 1, 0, 0, 0);
        (0_i64..)
            .zip(unique)
            .map(|(i, &u)| Bucket { start: start + TimeDelta::days(i), received: u, unique: u })
            .collect()
    }

    #[test]
    fn a_kept_trend_holds_until_a_complaint_leaves_its_window() {
        let now = at(2026, 12, 7, 12, 0, 0);
        let recent = now - TimeDelta::days(2);
        let earlier = now - TimeDelta::days(10);
        assert_eq!(trend_valid_until(Some(recent), None), now + TimeDelta::days(5));
        assert_eq!(trend_valid_until(None, Some(earlier)), now + TimeDelta::days(4));
        assert_eq!(trend_valid_until(Some(recent), Some(earlier)), now + TimeDelta::days(4));
        assert_eq!(trend_valid_until(None, None), trend_forever());
        assert_eq!(trend_forever(), at(9999, 12, 31, 0, 0, 0));
        assert_eq!((trend_of(4, 9), trend_of(10, 7), trend_of(0, 1)), ("rising", "falling", "steady"));
    }

    #[test]
    fn trend_compares_the_last_n_buckets_with_the_n_before() {
        assert_eq!(trend(&series(&[9, 1, 2, 2, 5, 4]), 2), "rising"); // 4 → 9
        assert_eq!(trend(&series(&[10, 0, 7]), 1), "rising"); // 0 → 7; the older 10 is outside
        assert_eq!(trend(&series(&[10, 10, 7]), 1), "falling"); // 10 → 7: −30 %
        assert_eq!(trend(&series(&[100, 80]), 1), "steady"); // −20 % is within the band
        assert_eq!(trend(&series(&[100, 79]), 1), "falling");
        assert_eq!(trend(&series(&[0, 1]), 1), "steady"); // one complaint is not a trend
        assert_eq!(trend(&series(&[0, 2]), 1), "rising");
        assert_eq!(trend(&series(&[1, 2, 3]), 2), "steady"); // not enough buckets
        assert_eq!(trend(&series(&[1, 9]), 0), "steady");
    }
}
