//! Reports: what the parsers made of a message, and what staff entered by hand for a message no parser
//! understood. Parser reports are derived data: re-parsing a message replaces them in one transaction,
//! together with the message's parse status, so the two never disagree. Reports entered by hand record who
//! entered them and survive re-parsing (they take negative positions, parser reports 0, 1, 2, …).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::messages::ParseStatus;
use super::intake_days::{intake_apply, intake_tally, IntakeDeltas};
use super::{on_backend, rows, Store, StoreError};
use crate::domain::ids::UserId;
use crate::parse::{MessageShape, ParsedReport};

/// The outcome of parsing one message, ready to store.
#[derive(Clone, Debug)]
pub struct ParseOutcome {
    pub status: ParseStatus,
    /// The recognised format's name (`spamcop`, `arf`, …), when one was recognised.
    pub format: Option<String>,
    /// The parse error, or the parser's warnings, for people to read.
    pub detail: Option<String>,
    /// The reports, each with the keyed hash of its complainant (if it names one).
    pub reports: Vec<(ParsedReport, Option<String>)>,
    /// Who sent the message and its Subject's template, kept with every outcome so not-recognised mail
    /// can be grouped without reading raw messages; `None` stores no shape (counted as not computed).
    pub shape: Option<MessageShape>,
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
     r.content_fingerprint, r.complainant, r.complainant_hash, e.evidence, u.username as entered_by, \
     r.attribution, r.customer_id, c.account_ref as customer_ref, c.name as customer_name, r.attribution_via";
const REPORT_FROM: &str = "report r left join report_evidence e on e.report_id = r.report_id \
     left join app_user u on u.user_id = r.entered_by left join customer c on c.customer_id = r.customer_id";

/// One report to insert: its message and position there, the format that produced it, the report, its
/// complainant's keyed hash, and who entered it (manual reports).
struct ReportRow<'a> {
    message_id: i64,
    position: i32,
    format: &'a str,
    report: &'a ParsedReport,
    hash: Option<&'a str>,
    entered_by: Option<i64>,
}

/// Inserts `$rows` (a `&[ReportRow]`) on `$tx`, each with its evidence, and gives their new ids in order.
/// Both parser and manual reports go through here.
macro_rules! insert_reports {
    ($tx:expr, $rows:expr, $now:expr) => {{
        let new_rows: &[ReportRow] = $rows;
        let now: DateTime<Utc> = $now;
        let mut ids: Vec<i64> = Vec::with_capacity(new_rows.len());
        for chunk in new_rows.chunks(rows::per_statement(18)) {
            let sql = format!(
                "insert into report (inbound_message_id, position, format, report_type, role, source_ip, \
                 source_port, incident_time, reporter, reporter_ref, urls, original_message_id, \
                 content_fingerprint, complainant, complainant_hash, entered_by, created_at, updated_at) \
                 values {} returning report_id, inbound_message_id, position",
                rows::values(chunk.len(), 18)
            );
            let mut q = sqlx::query_as::<_, (i64, i64, i32)>(&sql);
            for row in chunk {
                let report = row.report;
                q = q
                    .bind(row.message_id)
                    .bind(row.position)
                    .bind(row.format)
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
                    .bind(row.hash)
                    .bind(row.entered_by)
                    .bind(now)
                    .bind(now);
            }
            // The order of `returning` rows is not promised: match them by (message, position).
            let returned: HashMap<(i64, i32), i64> =
                q.fetch_all(&mut *$tx).await?.into_iter().map(|(id, m, p)| ((m, p), id)).collect();
            for row in chunk {
                ids.push(returned.get(&(row.message_id, row.position)).copied().ok_or(StoreError::NotFound)?);
            }
        }
        let evidence: Vec<(i64, &str)> =
            new_rows.iter().zip(&ids).filter_map(|(r, &id)| r.report.evidence.as_deref().map(|e| (id, e))).collect();
        // Evidence can be large: a few per statement keep each statement's size modest.
        for chunk in evidence.chunks(50) {
            let sql = format!(
                "insert into report_evidence (report_id, created_at, updated_at, evidence) values {}",
                rows::values(chunk.len(), 4)
            );
            let mut q = sqlx::query(&sql);
            for &(id, text) in chunk {
                q = q.bind(id).bind(now).bind(now).bind(text);
            }
            q.execute(&mut *$tx).await?;
        }
        ids
    }};
}

/// Copies onto the reports of the messages `$1`, `$2`, … what a case recount reads of their message: how
/// many times it arrived and, for a report without an incident time, its first arrival.
pub(super) fn refresh_sql(messages: usize) -> String {
    format!(
        "update report set arrivals = (select m.arrival_count from inbound_message m \
         where m.inbound_message_id = report.inbound_message_id), \
         seen_at = coalesce(incident_time, (select m.first_received_at from inbound_message m \
         where m.inbound_message_id = report.inbound_message_id)) \
         where inbound_message_id in ({})",
        super::placeholders(1, messages)
    )
}

/// Keeps the report counts of the messages `$2`, `$3`, … equal to their reports, whoever made them.
fn recount_sql(messages: usize) -> String {
    format!(
        "update inbound_message set report_count = (select count(*) from report r \
         where r.inbound_message_id = inbound_message.inbound_message_id), updated_at = $1 \
         where inbound_message_id in ({})",
        super::placeholders(2, messages)
    )
}

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
        outcome: &ParseOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.store_parse_outcomes(&[(message_id, outcome)], now).await
    }

    /// [`Store::store_parse_outcome`] for several messages (each once) in one transaction: all are stored,
    /// or (on an error) none.
    #[tracing::instrument(skip_all, fields(messages = outcomes.len()))]
    pub async fn store_parse_outcomes(
        &self,
        outcomes: &[(i64, &ParseOutcome)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let status = |n: usize| {
            format!(
                "update inbound_message set parse_status = v.column2, parse_format = v.column3, \
                 parse_detail = v.column4, parsed_at = v.column5, updated_at = v.column5, \
                 sender_domain = v.column6, subject_shape = v.column7 \
                 from (values {}) as v where inbound_message_id = v.column1",
                rows::values(n, 7)
            )
        };
        let delete = |n: usize| {
            format!(
                "delete from report where entered_by is null and inbound_message_id in ({})",
                super::placeholders(1, n)
            )
        };
        let reports: Vec<ReportRow> = outcomes
            .iter()
            .flat_map(|&(message_id, outcome)| {
                let format = outcome.format.as_deref().unwrap_or("unknown");
                outcome.reports.iter().enumerate().map(move |(position, (report, hash))| ReportRow {
                    message_id,
                    position: i32::try_from(position).unwrap_or(i32::MAX),
                    format,
                    report,
                    hash: hash.as_deref(),
                    entered_by: None,
                })
            })
            .collect();
        let ids: Vec<i64> = outcomes.iter().map(|&(id, _)| id).collect();
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            for chunk in outcomes.chunks(rows::per_statement(7)) {
                let sql = status(chunk.len());
                let mut q = sqlx::query(&sql);
                for &(message_id, outcome) in chunk {
                    q = q
                        .bind(message_id)
                        .bind(outcome.status.as_str())
                        .bind(&outcome.format)
                        .bind(&outcome.detail)
                        .bind(now)
                        .bind(outcome.shape.as_ref().map(|s| &s.sender_domain))
                        .bind(outcome.shape.as_ref().map(|s| &s.subject_shape));
                }
                let done = q.execute(&mut *tx).await?.rows_affected();
                if usize::try_from(done).ok() != Some(chunk.len()) {
                    return Err(StoreError::NotFound);
                }
            }
            // The intake counter moves by what this replacement changes (see store::intake_days).
            let mut deltas = IntakeDeltas::new();
            let parsed_of = |n: usize| {
                format!("r.entered_by is null and r.inbound_message_id in ({})", super::placeholders(1, n))
            };
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                intake_tally!(tx, deltas, -1, parsed_of(chunk.len()), chunk.iter());
            }
            // The cases losing these reports are listed for a recount before the reports go.
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                let sql = super::recount::mark_messages_sql(chunk.len());
                let mut q = sqlx::query(&sql).bind(now);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                let sql = delete(chunk.len());
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            insert_reports!(tx, &reports, now);
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                intake_tally!(tx, deltas, 1, parsed_of(chunk.len()), chunk.iter());
            }
            intake_apply!(tx, deltas, now);
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                let sql = refresh_sql(chunk.len());
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in ids.chunks(super::IDS_PER_QUERY) {
                let sql = recount_sql(chunk.len());
                let mut q = sqlx::query(&sql).bind(now);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Copies onto every report what a case recount reads of its message (see [`refresh_sql`]), for
    /// `abusedesk recount`: the copies are kept in step as messages arrive, and this settles any that a
    /// race between two processes left behind. Returns how many reports were looked at.
    pub async fn refresh_report_facts(&self) -> Result<u64, StoreError> {
        const SQL: &str = "update report set arrivals = (select m.arrival_count from inbound_message m \
            where m.inbound_message_id = report.inbound_message_id), \
            seen_at = coalesce(incident_time, (select m.first_received_at from inbound_message m \
            where m.inbound_message_id = report.inbound_message_id))";
        Ok(on_backend!(self, |pool| sqlx::query(SQL).execute(pool).await?.rows_affected()))
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
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let exists: i64 = sqlx::query_scalar(EXISTS).bind(message_id).fetch_one(&mut *tx).await?;
            if exists == 0 {
                return Err(StoreError::NotFound);
            }
            let position: i32 = sqlx::query_scalar(NEXT).bind(message_id).fetch_one(&mut *tx).await?;
            let row = ReportRow {
                message_id,
                position,
                format: "manual",
                report,
                hash: None,
                entered_by: Some(entered_by.0),
            };
            let id =
                insert_reports!(tx, std::slice::from_ref(&row), now).first().copied().ok_or(StoreError::NotFound)?;
            let mut deltas = IntakeDeltas::new();
            intake_tally!(tx, deltas, 1, "r.report_id = $1", [id].iter());
            intake_apply!(tx, deltas, now);
            sqlx::query(&refresh_sql(1)).bind(message_id).execute(&mut *tx).await?;
            sqlx::query(&recount_sql(1)).bind(now).bind(message_id).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The reports parsed from one message, in the order the message gave them.
    pub async fn list_message_reports(&self, message_id: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql =
            format!("select {REPORT_COLUMNS} from {REPORT_FROM} where r.inbound_message_id = $1 order by r.position");
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

    /// The first `limit` reports of a case, oldest first, with their evidence (the portal builds what a
    /// customer reads from each report's own evidence, never from the whole message).
    pub async fn list_case_reports(&self, case_id: i64, limit: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!(
            "select {REPORT_COLUMNS} from {REPORT_FROM} where r.abuse_case_id = $1 order by r.report_id limit $2"
        );
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(case_id).bind(limit).fetch_all(pool).await?);
        Ok(rows)
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
