//! Reports: what the parsers made of a message, and what staff entered by hand for a message no parser
//! understood. Parser reports are derived data: re-parsing a message replaces them in one transaction,
//! together with the message's parse status, so the two never disagree. Reports entered by hand record who
//! entered them and survive re-parsing (they take negative positions, parser reports 0, 1, 2, …).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::messages::ParseStatus;
use super::{on_backend, Store, StoreError};
use crate::domain::ids::UserId;
use crate::ingest::ParsedReport;

/// The outcome of parsing one message, ready to store.
#[derive(Clone, Debug)]
pub struct ParseOutcome<'a> {
    pub status: ParseStatus,
    /// The recognised format's name (`spamcop`, `arf`, …), when one was recognised.
    pub format: Option<&'a str>,
    /// The parse error, or the parser's warnings, for people to read.
    pub detail: Option<String>,
    /// The reports, each with the keyed hash of its complainant (if it names one).
    pub reports: Vec<(ParsedReport, Option<String>)>,
}

/// One reporter report of a case: who, their reference, and the message it came in.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReporterReport {
    pub reporter: String,
    pub reporter_ref: Option<String>,
    pub inbound_message_id: i64,
}

/// A stored report, as staff see it (the complainant in plain text included: never send this to a customer).
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct StoredReport {
    pub report_id: i64,
    pub inbound_message_id: i64,
    pub position: i32,
    pub format: String,
    pub report_type: String,
    pub role: String,
    pub source_ip: String,
    pub source_port: Option<i32>,
    pub incident_time: Option<DateTime<Utc>>,
    pub reporter: String,
    pub reporter_ref: Option<String>,
    /// JSON array of URLs and domains.
    pub urls: String,
    pub original_message_id: Option<String>,
    pub content_fingerprint: Option<String>,
    pub complainant: Option<String>,
    pub complainant_hash: Option<String>,
    pub evidence: Option<String>,
    /// Who entered it by hand; `None` for parser reports.
    pub entered_by: Option<String>,
    /// `customer`, a reason it could not be attributed, or `None` until tried.
    pub attribution: Option<String>,
    pub customer_id: Option<i64>,
    pub customer_ref: Option<String>,
    pub customer_name: Option<String>,
    /// How the customer was matched: cgnat_port, lease or static.
    pub attribution_via: Option<String>,
}

const REPORT_COLUMNS: &str = "r.report_id, r.inbound_message_id, r.position, r.format, r.report_type, r.role, \
     r.source_ip, r.source_port, r.incident_time, r.reporter, r.reporter_ref, r.urls, r.original_message_id, \
     r.content_fingerprint, r.complainant, r.complainant_hash, r.evidence, u.username as entered_by, \
     r.attribution, r.customer_id, c.account_ref as customer_ref, c.name as customer_name, r.attribution_via";
const REPORT_FROM: &str = "report r left join app_user u on u.user_id = r.entered_by \
     left join customer c on c.customer_id = r.customer_id";

/// The insert both parser and manual reports go through.
const INSERT: &str = "insert into report (inbound_message_id, position, format, report_type, role, \
    source_ip, source_port, incident_time, reporter, reporter_ref, urls, original_message_id, \
    content_fingerprint, complainant, complainant_hash, evidence, entered_by, created_at, updated_at) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)";

/// Binds one report to [`INSERT`] and runs it on `$conn`.
macro_rules! insert_report {
    ($conn:expr, $message_id:expr, $position:expr, $format:expr, $report:expr, $hash:expr, $entered_by:expr, $now:expr) => {{
        let report: &ParsedReport = $report;
        sqlx::query(INSERT)
            .bind($message_id)
            .bind($position)
            .bind($format)
            .bind(enum_name(&report.report_type))
            .bind(enum_name(&report.role))
            .bind(report.source_ip.to_string())
            .bind(report.source_port.map(i32::from))
            .bind(report.incident_time)
            .bind(&report.reporter)
            .bind(&report.reporter_ref)
            .bind(serde_json::to_string(&report.urls).unwrap_or_else(|_| "[]".to_owned()))
            .bind(&report.original_message_id)
            .bind(&report.content_fingerprint)
            .bind(&report.complainant)
            .bind($hash)
            .bind(&report.evidence)
            .bind($entered_by)
            .bind($now)
            .execute($conn)
            .await?
    }};
}

/// Keeps a message's report count equal to its reports, whoever made them.
const RECOUNT: &str = "update inbound_message set report_count = \
    (select count(*) from report where inbound_message_id = $1), updated_at = $2 where inbound_message_id = $1";

/// The snake_case name serde gives a unit enum variant (the names the API and database use).
fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl Store {
    /// Replaces the reports of a message with `outcome`'s and records its parse status, in one transaction.
    #[tracing::instrument(skip_all, fields(message.id = message_id, reports = outcome.reports.len()))]
    pub async fn store_parse_outcome(
        &self,
        message_id: i64,
        outcome: &ParseOutcome<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const DELETE: &str = "delete from report where inbound_message_id = $1 and entered_by is null";
        const STATUS: &str = "update inbound_message set parse_status = $2, parse_format = $3, parse_detail = $4, \
            parsed_at = $5, updated_at = $5 where inbound_message_id = $1";
        let format = outcome.format.unwrap_or("unknown");
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let done = sqlx::query(STATUS)
                .bind(message_id)
                .bind(outcome.status.as_str())
                .bind(outcome.format)
                .bind(&outcome.detail)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            sqlx::query(DELETE).bind(message_id).execute(&mut *tx).await?;
            for (position, (report, hash)) in outcome.reports.iter().enumerate() {
                let position = i32::try_from(position).unwrap_or(i32::MAX);
                insert_report!(&mut *tx, message_id, position, format, report, hash, None::<i64>, now);
            }
            sqlx::query(RECOUNT).bind(message_id).bind(now).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Adds a report a person entered for a message (typically one no parser understood), recording who.
    #[tracing::instrument(skip_all, fields(message.id = message_id, by = %entered_by))]
    pub async fn add_manual_report(
        &self,
        message_id: i64,
        report: &ParsedReport,
        entered_by: UserId,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        const EXISTS: &str = "select count(*) from inbound_message where inbound_message_id = $1";
        const NEXT: &str = "select coalesce(min(position), 0) - 1 from report where inbound_message_id = $1 \
                            and position < 0";
        const LAST: &str = "select report_id from report where inbound_message_id = $1 and position = $2";
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let exists: i64 = sqlx::query_scalar(EXISTS).bind(message_id).fetch_one(&mut *tx).await?;
            if exists == 0 {
                return Err(StoreError::NotFound);
            }
            let position: i32 = sqlx::query_scalar(NEXT).bind(message_id).fetch_one(&mut *tx).await?;
            insert_report!(&mut *tx, message_id, position, "manual", report, None::<String>, Some(entered_by.0), now);
            sqlx::query(RECOUNT).bind(message_id).bind(now).execute(&mut *tx).await?;
            let id: i64 = sqlx::query_scalar(LAST).bind(message_id).bind(position).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The reports parsed from one message, in the order the message gave them.
    pub async fn list_message_reports(&self, message_id: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!(
            "select {REPORT_COLUMNS} from {REPORT_FROM} where r.inbound_message_id = $1 order by r.position"
        );
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(message_id).fetch_all(pool).await?);
        Ok(rows)
    }

    /// A case's reporter reports, one per reporter and reference (copies and re-reports left out), oldest
    /// first: whom to answer after a decision.
    pub async fn case_reporter_reports(&self, case_id: i64, limit: i64) -> Result<Vec<ReporterReport>, StoreError> {
        const SQL: &str = "select reporter, reporter_ref, min(inbound_message_id) as inbound_message_id from report \
            where abuse_case_id = $1 and duplicate_of is null group by reporter, reporter_ref \
            order by min(inbound_message_id) limit $2";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(case_id).bind(limit).fetch_all(pool).await?))
    }

    /// The newest reports about one IP address (its canonical text form).
    pub async fn list_reports_for_ip(&self, source_ip: &str, limit: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!(
            "select {REPORT_COLUMNS} from {REPORT_FROM} where r.source_ip = $1 order by r.report_id desc limit $2"
        );
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(source_ip).bind(limit).fetch_all(pool).await?);
        Ok(rows)
    }

    /// The newest reports attributed to one customer.
    pub async fn list_customer_reports(&self, customer_id: i64, limit: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!(
            "select {REPORT_COLUMNS} from {REPORT_FROM} where r.customer_id = $1 \
             order by r.incident_time desc, r.report_id desc limit $2"
        );
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(customer_id).bind(limit).fetch_all(pool).await?);
        Ok(rows)
    }
}
