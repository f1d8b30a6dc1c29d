//! Cases as people and API clients see them, built from the store and the pure triage rules: queue rows
//! with recent counts, trend and rate flag, and the case page with its arithmetic and chart. Shared by the
//! server functions, the JSON API and the CSV export, so all three say the same thing.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::case::{
    CampaignView, CaseCounts, CaseDetail, CaseEventView, CasePage, CaseFilter, CaseReportView, CaseRow, CaseStatus,
};
use crate::domain::customer::CustomerBrief;
use crate::store::{CaseRecord, RateScope, RecentCounts, Store, StoreError};
use crate::triage::chart::svg_chart;
use crate::triage::counts::{explain, ComplaintCounts};
use crate::triage::duplicates::DuplicateReason;
use crate::triage::rates::{buckets, level, per_thousand, trend, Bucket, Granularity, RateLevel, Threshold};

/// Reports listed on a case page.
const CASE_PAGE_REPORTS: i64 = 200;

/// The queue view for `filter`: the page of `limit` rows at its cursor (else page `filter.page`), with the
/// cursors of the pages after and before it.
///
/// # Errors
/// Database errors.
pub async fn case_page(
    store: &Store,
    filter: &CaseFilter,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<CasePage, StoreError> {
    let limit = limit.max(1);
    let (records, total) = store.list_cases(filter, limit, now).await?;
    let (sort, _) = filter.sort_or_default();
    let full = i64::try_from(records.len()).is_ok_and(|n| n == limit);
    let next = records.last().filter(|_| full).and_then(|r| crate::store::cursor_of(sort, r, false));
    let previous = records.first().and_then(|r| crate::store::cursor_of(sort, r, true));
    Ok(CasePage { total, rows: case_rows(store, records, now).await?, next, previous })
}

/// The threshold for each report type.
async fn thresholds(store: &Store) -> Result<HashMap<String, Threshold>, StoreError> {
    Ok(store.rate_thresholds().await?.into_iter().collect())
}

/// Queue rows for stored cases: recent counts, trend, and the 7-day rate where sending volume is known.
///
/// # Errors
/// Database errors.
pub async fn case_rows(store: &Store, records: Vec<CaseRecord>, now: DateTime<Utc>) -> Result<Vec<CaseRow>, StoreError> {
    let ids: Vec<i64> = records.iter().map(|r| r.abuse_case_id).collect();
    let recent = store.recent_counts(&ids, now).await?;
    let mut ips: Vec<String> = records.iter().map(|r| r.source_ip.clone()).collect();
    ips.sort();
    ips.dedup();
    let since = (now - Duration::days(7)).date_naive();
    let volumes = store.volumes_since(&ips, since).await?;
    let thresholds = thresholds(store).await?;
    let disputes = store.open_dispute_counts(&ids).await?;
    Ok(records
        .into_iter()
        .map(|r| {
            let counts = recent.get(&r.abuse_case_id).copied().unwrap_or_default();
            let threshold = thresholds.get(&r.report_type).copied().unwrap_or_default();
            let messages = volumes.get(&r.source_ip).copied();
            let open_disputes = disputes.get(&r.abuse_case_id).copied().unwrap_or_default();
            CaseRow { open_disputes, ..row(r, counts, messages, &threshold) }
        })
        .collect())
}

fn row(r: CaseRecord, recent: RecentCounts, messages: Option<i64>, threshold: &Threshold) -> CaseRow {
    let weeks = [
        Bucket { start: DateTime::<Utc>::MIN_UTC, received: 0, unique: recent.previous_7d },
        Bucket { start: DateTime::<Utc>::MIN_UTC, received: 0, unique: recent.last_7d },
    ];
    let rate = messages.and_then(|m| per_thousand(recent.last_7d, m));
    let flag = rate.and_then(|rate| match level(rate, threshold) {
        RateLevel::Normal => None,
        RateLevel::Warn => Some("warn".to_owned()),
        RateLevel::Block => Some("block".to_owned()),
    });
    CaseRow {
        case_id: r.abuse_case_id,
        customer: r.customer_id.map(|customer_id| CustomerBrief {
            customer_id,
            account_ref: r.account_ref.clone().unwrap_or_default(),
            name: r.customer_name.clone().unwrap_or_default(),
            status: r.customer_status.clone().unwrap_or_default(),
        }),
        status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::New),
        source_ip: r.source_ip,
        report_type: r.report_type,
        role: r.role,
        assignee: r.assignee,
        unique_complaints: r.unique_complaints,
        received: r.received,
        reporters: r.reporters,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        last_24h: recent.last_24h,
        last_7d: recent.last_7d,
        trend: trend(&weeks, 1).to_owned(),
        rate_per_thousand: rate,
        flag,
        open_disputes: 0,
    }
}

pub(crate) fn counts(r: &CaseRecord) -> CaseCounts {
    CaseCounts {
        received: r.received,
        stored_reports: r.stored_reports,
        unique_complaints: r.unique_complaints,
        complainants: r.complainants,
        reporters: r.reporters,
        same_bytes: r.same_bytes,
        mailbox_copies: r.mailbox_copies,
        other_role: r.other_role,
        re_reports: r.re_reports,
    }
}

/// The sentence of [`explain`] for stored counters.
pub fn explanation(c: &CaseCounts) -> String {
    explain(&ComplaintCounts {
        received: c.received,
        stored_reports: c.stored_reports,
        same_bytes: c.same_bytes,
        mailbox_copies: c.mailbox_copies,
        other_role: c.other_role,
        re_reports: c.re_reports,
        unique: c.unique_complaints,
        complainants: c.complainants,
        campaigns: Vec::new(),
    })
}

/// How far back the chart reaches for each granularity.
fn span(granularity: Granularity) -> Duration {
    match granularity {
        Granularity::Hour => Duration::hours(72),
        Granularity::Day => Duration::days(45),
        Granularity::Week => Duration::weeks(26),
    }
}

/// Everything the case page shows; the chart ends at the case's last report (or now), so a quiet case
/// still shows its history, and starts just before its first report (within the granularity's span).
///
/// # Errors
/// `StoreError::NotFound` for an unknown case; database errors.
pub async fn case_detail(
    store: &Store,
    case_id: i64,
    granularity: Granularity,
    now: DateTime<Utc>,
) -> Result<CaseDetail, StoreError> {
    let record = store.get_case(case_id).await?;
    let counts = counts(&record);
    let chart_svg = case_chart(store, &record, granularity, now).await?;
    let campaigns = store
        .case_campaigns(case_id, 10)
        .await?
        .into_iter()
        .map(|(key, complaints, complainants)| CampaignView { key, complaints, complainants })
        .collect();
    let reports = store
        .case_reports(case_id, CASE_PAGE_REPORTS, 0)
        .await?
        .into_iter()
        .map(|r| CaseReportView {
            report_id: r.report_id,
            message_id: r.inbound_message_id,
            reporter: r.reporter,
            reporter_ref: r.reporter_ref,
            at: r.incident_time.unwrap_or(r.first_received_at),
            arrivals: r.arrivals,
            unique: r.unique_in_case,
            duplicate_of: r.duplicate_of,
            duplicate_reason: reason_label(r.duplicate_reason.as_deref(), r.unique_in_case),
        })
        .collect();
    let events: Vec<CaseEventView> = store.case_event_log(case_id, 50).await?;
    let threshold = thresholds(store).await?.get(&record.report_type).copied().unwrap_or_default();
    let row = case_rows(store, vec![record], now).await?.into_iter().next().ok_or(StoreError::NotFound)?;
    Ok(CaseDetail {
        explanation: explanation(&counts),
        row,
        counts,
        campaigns,
        granularity: granularity.as_str().to_owned(),
        chart_svg,
        reports,
        events,
        warn_per_thousand: threshold.warn_per_thousand,
        block_per_thousand: threshold.block_per_thousand,
    })
}

/// A case's chart: it ends at the case's last report (or now) and starts a little before its first report
/// (at least 14 buckets shown), never further back than the granularity's span.
///
/// # Errors
/// Database errors.
pub async fn case_chart(
    store: &Store,
    record: &CaseRecord,
    granularity: Granularity,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let step = Duration::seconds(granularity.seconds());
    let end = record.last_seen.map_or(now, |last| last.min(now)) + step;
    let first = record.first_seen.unwrap_or(end).min(end - step * 14);
    let start = (first - step * 2).max(end - span(granularity));
    let title = format!("Complaints per {} about {}", granularity.as_str(), record.source_ip);
    chart(store, RateScope::Case(record.abuse_case_id), granularity, (start, end), &title).await
}

/// The SVG chart of unique complaints and received reports in `[from, to)`.
///
/// # Errors
/// Database errors.
pub async fn chart(
    store: &Store,
    scope: RateScope,
    granularity: Granularity,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    title: &str,
) -> Result<String, StoreError> {
    let events = store.rate_events(scope, from).await?;
    Ok(svg_chart(&buckets(&events, granularity, from, to), granularity, title, 720, 220))
}

/// A customer's complaints over the last 30 days, per day, across all their cases (each report counted
/// in its own case's terms, so roles are never merged into one complaint).
///
/// # Errors
/// Database errors.
pub async fn customer_chart(store: &Store, customer_id: i64, name: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
    let to = now + Duration::days(1);
    let title = format!("Complaints per day about {name}'s addresses");
    chart(store, RateScope::Customer(customer_id), Granularity::Day, (to - Duration::days(30), to), &title).await
}

/// Why a report is not a new complaint here, in words; `None` when it is one.
pub(crate) fn reason_label(code: Option<&str>, unique: bool) -> Option<String> {
    if unique {
        return code.filter(|c| *c == DuplicateReason::OtherRole.code()).map(|_| {
            "one complaint with a report about another address (counted once here)".to_owned()
        });
    }
    let reason = [DuplicateReason::SameReporterReport, DuplicateReason::OtherRole, DuplicateReason::ReReport]
        .into_iter()
        .find(|r| Some(r.code()) == code)?;
    Some(reason.label().to_owned())
}
