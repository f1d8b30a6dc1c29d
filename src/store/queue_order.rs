//! The triage queue's order and pages: the expression each sort orders by (ties broken by case id), and
//! a page read from its place in that order — just after (or before) a [`PageCursor`] — instead of by
//! skipping rows with OFFSET, whose cost grows with the page's depth.
//!
//! The "last 24 h" and "last 7 days" sorts read the counts kept per case (`day_unique`, `week_unique`:
//! store::trends) from their indexes while they hold, and count the reports of the few cases whose kept
//! count has lapsed (or was taken after the page's instant), so the order is always that of the counts at
//! the page's instant, never of a stale kept value. `serve` keeps that lapsed set small.
//!
//! Which index serves which sort (each `(value, abuse_case_id)`, so a page starts inside it): unique
//! complaints `abuse_case_unique`, received `abuse_case_received`, reporters `abuse_case_reporters`, first
//! seen `abuse_case_first_seen` (the open queue: `abuse_case_open_first_seen`), last seen
//! `abuse_case_last_seen`, last 24 h `abuse_case_day` (lapsed: `abuse_case_day_until`, `abuse_case_trend_from`),
//! last 7 days `abuse_case_week` (lapsed: `abuse_case_trend_until`, `abuse_case_trend_from`), address
//! `abuse_case_ip`, type `abuse_case_type`, status `abuse_case_status`. Customer and assignee sort the
//! matching rows (their values are in other tables).

use chrono::{DateTime, SecondsFormat, Utc};

use super::case_filter::Arg;
use super::case_queue::CaseRecord;
use crate::domain::case::{CaseSort, PageCursor};

/// How a sort's value is bound and written in a cursor.
#[derive(Clone, Copy)]
enum Key {
    Count,
    Instant,
    Text,
}

/// A recent-count sort: the column until which its kept count (the sort's [`expression`]) holds, and the
/// count from the reports (the queue's `$1` is the start of the last day, `$2` of the last week, `$3` true).
struct Kept {
    until: &'static str,
    live: &'static str,
}

/// The expression `sort` orders by and the kind of its value.
fn expression(sort: CaseSort) -> (&'static str, Key) {
    match sort {
        CaseSort::Unique => ("c.unique_complaints", Key::Count),
        CaseSort::Received => ("c.received", Key::Count),
        CaseSort::Reporters => ("c.reporters", Key::Count),
        CaseSort::FirstSeen => ("c.first_seen", Key::Instant),
        CaseSort::LastSeen => ("c.last_seen", Key::Instant),
        CaseSort::Last24h => ("c.day_unique", Key::Count),
        CaseSort::Last7d => ("c.week_unique", Key::Count),
        CaseSort::Customer => ("coalesce(cu.account_ref, '')", Key::Text),
        CaseSort::Ip => ("c.source_ip", Key::Text),
        CaseSort::Type => ("c.report_type", Key::Text),
        CaseSort::Status => ("c.status", Key::Text),
        CaseSort::Assignee => ("coalesce(u.username, '')", Key::Text),
    }
}

/// The kept count a sort reads, for the two recent-count sorts.
fn kept(sort: CaseSort) -> Option<Kept> {
    match sort {
        CaseSort::Last24h => Some(Kept {
            until: "c.day_until",
            live: "(select count(*) from report r where r.abuse_case_id = c.abuse_case_id \
                and r.unique_in_case = $3 and r.incident_time >= $1)",
        }),
        CaseSort::Last7d => Some(Kept {
            until: "c.trend_until",
            live: "(select count(*) from report r where r.abuse_case_id = c.abuse_case_id \
                and r.unique_in_case = $3 and r.incident_time >= $2)",
        }),
        _ => None,
    }
}

/// The cursor just after (`backward`: just before) `record` under `sort`; `None` when its value is
/// unknown (an instant not yet counted), and the page after it is then found by its number.
pub fn cursor_of(sort: CaseSort, record: &CaseRecord, backward: bool) -> Option<PageCursor> {
    let instant = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    let key = match sort {
        CaseSort::Unique => Some(record.unique_complaints.to_string()),
        CaseSort::Received => Some(record.received.to_string()),
        CaseSort::Reporters => Some(record.reporters.to_string()),
        CaseSort::FirstSeen => instant(record.first_seen),
        CaseSort::LastSeen => instant(record.last_seen),
        CaseSort::Last24h | CaseSort::Last7d => record.sort_count.map(|n| n.to_string()),
        CaseSort::Customer => Some(record.account_ref.clone().unwrap_or_default()),
        CaseSort::Ip => Some(record.source_ip.clone()),
        CaseSort::Type => Some(record.report_type.clone()),
        CaseSort::Status => Some(record.status.clone()),
        CaseSort::Assignee => Some(record.assignee.clone().unwrap_or_default()),
    };
    key.map(|key| PageCursor { id: record.abuse_case_id, key, backward })
}

/// The cursor's value as bound to a query, when it is one `sort` can have.
fn key_arg(cursor: &PageCursor, key: Key) -> Option<Arg> {
    match key {
        Key::Count => cursor.key.parse::<i64>().ok().map(Arg::Int),
        Key::Instant => DateTime::parse_from_rfc3339(&cursor.key).ok().map(|t| Arg::Time(t.with_timezone(&Utc))),
        Key::Text => Some(Arg::Text(cursor.key.clone())),
    }
}

/// Pushes `arg` to the queue query's arguments (bound after `$1`–`$3`) and returns its placeholder.
fn push(args: &mut Vec<Arg>, arg: Arg) -> String {
    args.push(arg);
    format!("${}", args.len() + 3)
}

/// One page of a queue query: what to select and from where, the `where` clause (with `$1`–`$3` and
/// `args` bound), the sort and direction, the page's size, and where it starts.
pub(super) struct PageQuery<'a> {
    pub select: &'a str,
    pub from: &'a str,
    pub conditions: &'a str,
    pub sort: CaseSort,
    pub descending: bool,
    pub limit: i64,
    /// Rows to skip when no usable cursor is given (a link by page number).
    pub offset: i64,
    pub cursor: Option<&'a PageCursor>,
    pub now: DateTime<Utc>,
}

impl PageQuery<'_> {
    /// The SQL of the page, its extra arguments pushed to `args`; and whether the rows come in reverse
    /// order (a page before a cursor is read backwards from it).
    pub(super) fn sql(&self, args: &mut Vec<Arg>) -> (String, bool) {
        let (column, key) = expression(self.sort);
        let start = self.cursor.and_then(|c| key_arg(c, key).map(|arg| (c, arg)));
        let backward = start.as_ref().is_some_and(|(c, _)| c.backward);
        let descending = self.descending != backward;
        let dir = if descending { "desc" } else { "asc" };
        let op = if descending { "<" } else { ">" };
        // A cursor replaces the offset; a row value comparison is a range of the sort's index.
        let (after, offset) = match start {
            Some((c, arg)) => {
                let value = push(args, arg);
                let id = push(args, Arg::Int(c.id));
                (Some(move |expr: &str, case: &str| format!("({expr}, {case}) {op} ({value}, {id})")), 0)
            }
            None => (None, self.offset.max(0)),
        };
        let (select, from, conditions, limit) = (self.select, self.from, self.conditions, self.limit);
        let Some(kept) = kept(self.sort) else {
            let after = after.map(|f| format!(" and {}", f(column, "c.abuse_case_id"))).unwrap_or_default();
            let sql = format!(
                "{select} {from} where {conditions}{after} \
                 order by {column} {dir}, c.abuse_case_id {dir} limit {limit} offset {offset}"
            );
            return (sql, backward);
        };
        // The cases whose kept count holds at `now`, in the order of its index, and those counted from
        // their reports; merged, the first rows are the page.
        let now = push(args, Arg::Time(self.now));
        let Kept { until, live } = kept;
        let holds = format!("{until} > {now} and c.trend_from <= {now}");
        // The lapsed cases from their own indexes, whatever the other conditions would have the planner scan.
        let lapsed = format!(
            "c.abuse_case_id in (select l.abuse_case_id from abuse_case l where l.{until} <= {now} \
             union all select l.abuse_case_id from abuse_case l where l.trend_from > {now})",
            until = until.trim_start_matches("c.")
        );
        let kept_after = after.as_ref().map(|f| format!(" and {}", f(column, "c.abuse_case_id"))).unwrap_or_default();
        let live_after = after.as_ref().map(|f| format!(" where {}", f("x.k", "x.abuse_case_id")));
        let sql = format!(
            "{select}, p.k as sort_count {from} join (\
             select * from (select c.abuse_case_id, {column} as k {from} where {conditions} and {holds}{kept_after} \
               order by {column} {dir}, c.abuse_case_id {dir} limit {kept_limit}) kept \
             union all select * from (select c.abuse_case_id, {live} as k {from} \
               where {conditions} and {lapsed}) x{x_after}\
             ) p on p.abuse_case_id = c.abuse_case_id \
             order by p.k {dir}, c.abuse_case_id {dir} limit {limit} offset {offset}",
            kept_limit = limit.saturating_add(offset),
            x_after = live_after.unwrap_or_default(),
        );
        (sql, backward)
    }
}
