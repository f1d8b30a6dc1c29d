//! The front page, per role: what needs each person now. Every figure is a [`Tile`], a number together with
//! the URL of the list it counts (the filter in the query), so the page never shows a number that cannot be
//! followed and a test can fetch the list and compare.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::case::{CaseFilter, CaseStatus, RateLine};
use super::role::Role;

/// Days a case may await the customer before the front page calls it overdue.
pub const AWAITING_DAYS: i64 = 3;

/// Days of intake in the front page's chart.
pub const INTAKE_DAYS: i64 = 14;

/// One figure and the list it counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tile {
    /// A stable name, for tests and the page's `data-tile` attribute.
    pub key: String,
    pub label: String,
    pub count: i64,
    /// The list this number counts, with its filter in the query.
    pub href: String,
    /// A short line under the number (an age, a date), if any.
    pub note: Option<String>,
}

/// The case tiles of the front page, each a queue view: `(key, label, filter)`. The counts are
/// [`crate::store::Store::count_cases`] of the same filter, so they equal the queue's totals.
///
/// *Rising* is exactly the queue's trend column saying "rising": a case's unique complaints with an
/// incident time in the last 7 days outnumber those of the 7 days before by at least 2 and by more than a
/// fifth of the earlier week (`triage::rates::trend_of`). Why this rule: unique complaints, not arrivals,
/// so SpamCop's copies to abuse@ and postmaster@ or an MTA's retry are no rise; incident time, so a
/// backlog imported today is not a flood; two whole weeks, so the weekly rhythm of sending compares like
/// with like; at least 2 more, so 0 → 1 is not a trend; more than a fifth, so the daily noise of a large
/// case is not one either; and the queue's own rule, so every case counted shows "rising" in the list the
/// tile opens. *Over the warn / block rate* is the queue's flag: unique complaints of the last 7 days per
/// 1,000 messages sent (where sending volume is known) at or over the report type's threshold.
pub fn case_tiles(username: &str) -> Vec<(&'static str, &'static str, CaseFilter)> {
    let open = CaseFilter { open_only: true, ..CaseFilter::default() };
    vec![
        ("new_unassigned", "New and unassigned", CaseFilter {
            status: Some(CaseStatus::New),
            assignee: Some("none".into()),
            ..open.clone()
        }),
        ("mine", "Assigned to me", CaseFilter { assignee: Some(username.to_owned()), ..open.clone() }),
        ("reopened", "Reopened", CaseFilter { reopened: true, ..open.clone() }),
        ("awaiting", "Awaiting the customer over 3 days", CaseFilter { waiting_days: Some(AWAITING_DAYS), ..open.clone() }),
        ("disputed", "Disputes waiting for a reply", CaseFilter { disputed: true, ..open.clone() }),
        ("rising", "Rising: more complaints this week than last", CaseFilter { rising: true, ..open.clone() }),
        ("over_warn", "At or over the warn rate", CaseFilter { rate: Some(RateLine::Warn), ..open.clone() }),
        ("over_block", "At or over the block rate", CaseFilter { rate: Some(RateLine::Block), ..open }),
    ]
}

/// The manager's case tile: open cases at or over the block line that nobody has investigated yet, the
/// ones a sanction might soon be asked for without the record it needs.
pub fn manager_case_tile() -> (&'static str, &'static str, CaseFilter) {
    let filter =
        CaseFilter { open_only: true, rate: Some(RateLine::Block), uninvestigated: true, ..CaseFilter::default() };
    ("block_uninvestigated", "Over the block line without an investigation", filter)
}

/// The intake list of messages first received on `day` in parse status `status`.
pub fn messages_href(status: &str, day: NaiveDate) -> String {
    format!("/messages?status={}&day={day}", encode(status))
}

/// The queue URL of `filter`.
pub fn queue_href(filter: &CaseFilter) -> String {
    let pairs = filter.to_pairs(None);
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if query.is_empty() { "/cases".to_owned() } else { format!("/cases?{}", query.join("&")) }
}

/// The open queue sorted by first report, oldest first: the oldest open case is its first row.
pub fn oldest_first_href() -> String {
    queue_href(&CaseFilter {
        open_only: true,
        sort: Some(super::case::CaseSort::FirstSeen),
        descending: Some(false),
        ..CaseFilter::default()
    })
}

/// Percent-encodes a query value (everything but unreserved characters), with no dependency the browser
/// build lacks.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Reports per day and reporter over the last [`INTAKE_DAYS`] days, oldest day first; drawn as an SVG
/// on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeChart {
    pub days: Vec<NaiveDate>,
    /// One series per reporter: its reports on each of `days`.
    pub series: Vec<(String, Vec<i64>)>,
    /// The chart, drawn by the server.
    pub svg: String,
}

/// The oldest open case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldestCase {
    pub case_id: i64,
    pub first_seen: DateTime<Utc>,
    pub age_days: i64,
}

/// What an analyst (and a manager, below their own tiles) works from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseWork {
    pub cases: Vec<Tile>,
    /// Unattributed reports and messages no parser recognised.
    pub intake: Vec<Tile>,
    pub oldest_open: Option<OldestCase>,
    pub chart: IntakeChart,
}

/// The desk's health, for admins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskHealth {
    pub database: String,
    pub schema_version: i64,
    pub accounts: Vec<(Role, i64)>,
    /// The newest arrival per channel (`None`: nothing ever came that way).
    pub channels: Vec<(String, Option<DateTime<Utc>>)>,
    /// Each reporter's last day with reports, quietest first, with the days since.
    pub reporters: Vec<ReporterFeed>,
    /// Messages by parse outcome, accounts, outbox and webhook backlogs.
    pub tiles: Vec<Tile>,
    /// Messages first received today (UTC) by parse outcome: parsed, not recognised, unreadable.
    pub today: Vec<Tile>,
    /// The last check of the audit chain; `None`: never checked.
    pub audit: Option<AuditCheck>,
}

/// The last check of the audit chain (`abusedesk audit verify` or the Audit page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheck {
    pub verified_at: DateTime<Utc>,
    pub verified_by: String,
    pub intact: bool,
    /// Entries checked: all of them when intact, those before the break otherwise.
    pub entries: i64,
    /// "intact: 42 entries" or where it broke.
    pub detail: String,
}

/// One reporter's feed as the admin watches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterFeed {
    pub reporter: String,
    pub last_day: NaiveDate,
    /// Whole days since `last_day` (0: reports today).
    pub quiet_days: i64,
    /// The queue of this reporter's cases.
    pub href: String,
}

/// A manager's month: cases decided this month by kind, and how long from first report to decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionMonth {
    /// The first day of the month.
    pub since: NaiveDate,
    /// Per decision kind: cases with such a decision this month, linked to that queue view.
    pub decided: Vec<Tile>,
    /// Hours from a case's first report to each decision this month: median and 90th percentile.
    pub median_hours: Option<i64>,
    pub p90_hours: Option<i64>,
    /// The queue of every case decided this month (what the times are measured over).
    pub href: String,
}

/// The nearest-rank percentile `p` (0–100) of `values`: the smallest value with at least `p` % of all
/// values at or below it; `None` for no values.
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let rank = (n * p.min(100) as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The front page for one signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub display_name: String,
    pub role: Role,
    pub demo: bool,
    /// Analysts and managers.
    pub work: Option<CaseWork>,
    /// Managers and admins: proposals and appeals waiting.
    pub reviews: Vec<Tile>,
    /// Managers: this month's decisions.
    pub month: Option<DecisionMonth>,
    /// Admins.
    pub health: Option<DeskHealth>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let hours = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
        assert_eq!(percentile(&hours, 50), Some(5));
        assert_eq!(percentile(&hours, 90), Some(9));
        assert_eq!(percentile(&[42], 90), Some(42));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn queue_links_carry_their_filter_and_parse_back_to_it() {
        for (_, _, filter) in case_tiles("alex o'neil").into_iter().chain([manager_case_tile()]) {
            let href = queue_href(&filter);
            let query = href.split_once('?').map(|(_, q)| q).unwrap_or_default();
            let pairs: Vec<(String, String)> = query
                .split('&')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.replace("%20", " ").replace("%27", "'")))
                .collect();
            let back = CaseFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            assert_eq!(back, filter, "{href}");
        }
    }
}
