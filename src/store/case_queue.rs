//! The triage queue as stored data: cases matching a [`CaseFilter`], sorted and paged, with their recent
//! complaint counts and sending volumes; one case's counts, reports, campaigns and events; status and
//! assignee changes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::case_filter::{bind_args, Arg};
use super::queue_order::PageQuery;
use super::{on_backend, Store, StoreError};
use crate::domain::case::CaseFilter;

/// A case row as stored, before the recent counts are added.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRecord {
    pub abuse_case_id: i64,
    pub customer_id: Option<i64>,
    pub account_ref: Option<String>,
    pub customer_name: Option<String>,
    pub customer_status: Option<String>,
    pub source_ip: String,
    pub report_type: String,
    pub role: String,
    pub status: String,
    pub assignee: Option<String>,
    pub received: i64,
    pub stored_reports: i64,
    pub unique_complaints: i64,
    pub complainants: i64,
    pub reporters: i64,
    pub same_bytes: i64,
    pub mailbox_copies: i64,
    pub other_role: i64,
    pub re_reports: i64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopened_at: Option<DateTime<Utc>>,
    /// The count a recent-count sort ordered the row by (kept or counted: store::queue_order), for the
    /// page's cursor; `None` under the other sorts.
    #[sqlx(default)]
    pub sort_count: Option<i64>,
}

const CASE_SELECT: &str = "select c.abuse_case_id, c.customer_id, cu.account_ref, cu.name as customer_name, \
    cu.status as customer_status, c.source_ip, c.report_type, c.role, c.status, u.username as assignee, c.received, \
    c.stored_reports, c.unique_complaints, c.complainants, c.reporters, c.same_bytes, c.mailbox_copies, \
    c.other_role, c.re_reports, c.first_seen, c.last_seen, c.closed_at, c.reopened_at";
const CASE_FROM: &str = "from abuse_case c left join customer cu on cu.customer_id = c.customer_id \
    left join app_user u on u.user_id = c.assignee_id";

/// What a count of `filter`'s cases reads: [`CASE_FROM`] when a condition names the customer or the
/// assignee, else the cases alone. Both joins find at most one row a case, so the count is the same; without
/// them a count of the open queue ("new and unassigned" is most of it) is read from an index alone instead
/// of from every case row.
fn count_from(filter: &CaseFilter) -> &'static str {
    let named_assignee = filter.assignee.as_deref().is_some_and(|a| a != "none");
    if filter.customer.is_some() || filter.q.is_some() || named_assignee {
        CASE_FROM
    } else {
        "from abuse_case c"
    }
}

/// Unique complaints of a case in the last 24 hours, the last 7 days and the 7 days before (by incident time).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentCounts {
    pub last_24h: i64,
    pub last_7d: i64,
    pub previous_7d: i64,
}

/// Whose complaints a rate chart counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateScope {
    Case(i64),
    Customer(i64),
}

/// One report of a case, for the case page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseReportRecord {
    pub report_id: i64,
    pub inbound_message_id: i64,
    pub reporter: String,
    pub reporter_ref: Option<String>,
    pub incident_time: Option<DateTime<Utc>>,
    pub first_received_at: DateTime<Utc>,
    pub arrivals: i64,
    pub duplicate_of: Option<i64>,
    pub duplicate_reason: Option<String>,
    pub unique_in_case: bool,
}

/// The recent-count window ends: 24 hours, 7 days and 14 days before `now`.
fn windows(now: DateTime<Utc>) -> [DateTime<Utc>; 3] {
    [now - Duration::hours(24), now - Duration::days(7), now - Duration::days(14)]
}

/// Always true; mentions `$1`–`$3` so every queue query uses all of its parameters, whichever sort needs
/// them (SQLite refuses arguments a statement does not use).
const RESERVED: &str = "$2 <= $1 and $3 = $3";

impl Store {
    /// The page of `limit` cases matching `filter` that starts at its cursor (else page `filter.page`),
    /// in the view's order, and how many match in all (store::queue_order).
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<(Vec<CaseRecord>, i64), StoreError> {
        let (conditions, args) = self.case_conditions(filter, now).await?;
        let (sort, descending) = filter.sort_or_default();
        let [day, week, _] = windows(now);
        let mut page_args = args.clone();
        let (sql, reversed) = PageQuery {
            select: CASE_SELECT,
            from: CASE_FROM,
            conditions: &format!("{conditions} and {RESERVED}"),
            sort,
            descending,
            limit,
            offset: filter.page.max(0).saturating_mul(limit),
            cursor: filter.cursor.as_ref(),
            now,
        }
        .sql(&mut page_args);
        let count_sql = format!("select count(*) {} where {conditions} and {RESERVED}", count_from(filter));
        let mut rows: Vec<CaseRecord> = on_backend!(self, |pool| {
            bind_args!(sqlx::query_as(&sql).bind(day).bind(week).bind(true), &page_args).fetch_all(pool).await?
        });
        if reversed {
            rows.reverse();
        }
        let total: i64 = on_backend!(self, |pool| {
            bind_args!(sqlx::query_scalar(&count_sql).bind(day).bind(week).bind(true), &args).fetch_one(pool).await?
        });
        Ok((rows, total))
    }

    /// How many cases match `filter`: the total [`Store::list_cases`] reports for it, from the same
    /// conditions, so a count on the front page equals the list it links to.
    pub async fn count_cases(&self, filter: &CaseFilter, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let (conditions, args) = self.case_conditions(filter, now).await?;
        let [day, week, _] = windows(now);
        let sql = format!("select count(*) {} where {conditions} and {RESERVED}", count_from(filter));
        Ok(on_backend!(self, |pool| {
            bind_args!(sqlx::query_scalar(&sql).bind(day).bind(week).bind(true), &args).fetch_one(pool).await?
        }))
    }

    /// One case.
    pub async fn get_case(&self, case_id: i64) -> Result<CaseRecord, StoreError> {
        let sql = format!("{CASE_SELECT} {CASE_FROM} where c.abuse_case_id = $1");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).fetch_one(pool).await?))
    }

    /// The cases of one customer, most unique complaints first.
    pub async fn customer_cases(&self, customer_id: i64, limit: i64) -> Result<Vec<CaseRecord>, StoreError> {
        let sql = format!(
            "{CASE_SELECT} {CASE_FROM} where c.customer_id = $1 order by c.unique_complaints desc, c.abuse_case_id desc limit $2"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(customer_id).bind(limit).fetch_all(pool).await?))
    }

    /// Unique complaints in the recent windows for each of `case_ids`: three counts, each read from the
    /// `(abuse_case_id, unique_in_case, incident_time)` index alone over just its own window.
    pub async fn recent_counts(
        &self,
        case_ids: &[i64],
        now: DateTime<Utc>,
    ) -> Result<HashMap<i64, RecentCounts>, StoreError> {
        let mut out: HashMap<i64, RecentCounts> = HashMap::new();
        if case_ids.is_empty() {
            return Ok(out);
        }
        let [day, week, fortnight] = windows(now);
        let sql = format!(
            "select abuse_case_id, count(*) from report where abuse_case_id in ({}) and unique_in_case = $1 \
             and incident_time >= $2 and incident_time < $3 group by abuse_case_id",
            super::placeholders(4, case_ids.len())
        );
        let far = now + Duration::days(36_500);
        for (window, from, to) in [(0, day, far), (1, week, far), (2, fortnight, week)] {
            let rows: Vec<(i64, i64)> = on_backend!(self, |pool| {
                let mut q = sqlx::query_as(&sql).bind(true).bind(from).bind(to);
                for id in case_ids {
                    q = q.bind(*id);
                }
                q.fetch_all(pool).await?
            });
            for (id, n) in rows {
                let counts = out.entry(id).or_default();
                match window {
                    0 => counts.last_24h = n,
                    1 => counts.last_7d = n,
                    _ => counts.previous_7d = n,
                }
            }
        }
        Ok(out)
    }

    /// A page of a case's reports by id. The page's ids are chosen first (from the index), so a case of
    /// many thousands of reports costs the details of one page only.
    pub async fn case_reports(
        &self,
        case_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CaseReportRecord>, StoreError> {
        const SQL: &str = "select r.report_id, r.inbound_message_id, r.reporter, r.reporter_ref, r.incident_time, \
            m.first_received_at, m.arrival_count as arrivals, r.duplicate_of, r.duplicate_reason, r.unique_in_case \
            from (select report_id from report where abuse_case_id = $1 order by report_id limit $2 offset $3) p \
            join report r on r.report_id = p.report_id \
            join inbound_message m on m.inbound_message_id = r.inbound_message_id order by r.report_id";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).bind(limit).bind(offset).fetch_all(pool).await?))
    }

    /// `(moment, arrivals, unique)` of the reports of a case, or of all a customer's cases, seen since
    /// `from`, for the rate chart.
    pub async fn rate_events(
        &self,
        scope: RateScope,
        from: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, i64, bool)>, StoreError> {
        let (column, id) = match scope {
            RateScope::Case(id) => ("abuse_case_id", id),
            RateScope::Customer(id) => ("customer_id", id),
        };
        let sql = format!(
            "select x.seen, x.arrivals, x.unique_in_case from (select coalesce(r.incident_time, m.first_received_at) \
             as seen, r.unique_in_case, m.arrival_count as arrivals \
             from report r join inbound_message m on m.inbound_message_id = r.inbound_message_id \
             where r.{column} = $1 and r.abuse_case_id is not null) x where x.seen >= $2"
        );
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).bind(from).fetch_all(pool).await?))
    }

    /// Originals reported by at least two complainants in a case: `(key, complaints, complainants)`, the key
    /// being the Message-ID without angle brackets (or the content fingerprint).
    pub async fn case_campaigns(&self, case_id: i64, limit: i64) -> Result<Vec<(String, i64, i64)>, StoreError> {
        const SQL: &str = "select x.k, count(*), count(distinct x.complainant_hash) \
            + sum(case when x.complainant_hash is null then 1 else 0 end) as complainants \
            from (select coalesce(nullif(r.original_message_id, ''), r.content_fingerprint) as k, r.complainant_hash \
                  from report r where r.abuse_case_id = $1 \
                  and (r.unique_in_case = $2 or r.duplicate_reason = 're_report')) x \
            where x.k is not null group by x.k \
            having count(distinct x.complainant_hash) + sum(case when x.complainant_hash is null then 1 else 0 end) >= 2 \
            order by complainants desc, x.k limit $3";
        let rows: Vec<(String, i64, i64)> =
            on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).bind(true).bind(limit).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(k, n, c)| (k.trim().trim_start_matches('<').trim_end_matches('>').to_owned(), n, c))
            .collect())
    }

    /// The first stored original message (evidence) of a case and when it arrived.
    pub async fn case_evidence(&self, case_id: i64) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
        const SQL: &str = "select e.evidence, m.first_received_at from report r \
            join report_evidence e on e.report_id = r.report_id \
            join inbound_message m on m.inbound_message_id = r.inbound_message_id \
            where r.abuse_case_id = $1 order by r.report_id limit 1";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).fetch_optional(pool).await?))
    }

    /// Messages sent from each address of `ips` on days since `since`.
    pub async fn volumes_since(&self, ips: &[String], since: NaiveDate) -> Result<HashMap<String, i64>, StoreError> {
        if ips.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "select source_ip, cast(sum(messages) as bigint) from sending_volume where day >= $1 and source_ip in ({}) \
             group by source_ip",
            super::placeholders(2, ips.len())
        );
        let rows: Vec<(String, i64)> = on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql).bind(since);
            for ip in ips {
                q = q.bind(ip);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }
}
