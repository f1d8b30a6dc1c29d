//! Reports: what the parsers made of a message. They are derived data: re-parsing a message replaces its
//! reports in one transaction, together with the message's parse status, so the two never disagree.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::messages::ParseStatus;
use super::{on_backend, Store, StoreError};
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
}

const REPORT_COLUMNS: &str = "report_id, inbound_message_id, position, format, report_type, role, source_ip, \
     source_port, incident_time, reporter, reporter_ref, urls, original_message_id, content_fingerprint, \
     complainant, complainant_hash, evidence";

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
        const DELETE: &str = "delete from report where inbound_message_id = $1";
        const INSERT: &str = "insert into report (inbound_message_id, position, format, report_type, role, \
            source_ip, source_port, incident_time, reporter, reporter_ref, urls, original_message_id, \
            content_fingerprint, complainant, complainant_hash, evidence, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)";
        const STATUS: &str = "update inbound_message set parse_status = $2, parse_format = $3, parse_detail = $4, \
            parsed_at = $5, report_count = $6, updated_at = $5 where inbound_message_id = $1";
        let format = outcome.format.unwrap_or("unknown");
        let count = i64::try_from(outcome.reports.len()).unwrap_or(i64::MAX);
        on_backend!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(DELETE).bind(message_id).execute(&mut *tx).await?;
            for (position, (report, complainant_hash)) in outcome.reports.iter().enumerate() {
                let urls = serde_json::to_string(&report.urls).unwrap_or_else(|_| "[]".to_owned());
                sqlx::query(INSERT)
                    .bind(message_id)
                    .bind(i32::try_from(position).unwrap_or(i32::MAX))
                    .bind(format)
                    .bind(enum_name(&report.report_type))
                    .bind(enum_name(&report.role))
                    .bind(report.source_ip.to_string())
                    .bind(report.source_port.map(i32::from))
                    .bind(report.incident_time)
                    .bind(&report.reporter)
                    .bind(&report.reporter_ref)
                    .bind(urls)
                    .bind(&report.original_message_id)
                    .bind(&report.content_fingerprint)
                    .bind(&report.complainant)
                    .bind(complainant_hash)
                    .bind(&report.evidence)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            let done = sqlx::query(STATUS)
                .bind(message_id)
                .bind(outcome.status.as_str())
                .bind(outcome.format)
                .bind(&outcome.detail)
                .bind(now)
                .bind(count)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound);
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The reports parsed from one message, in the order the message gave them.
    pub async fn list_message_reports(&self, message_id: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!("select {REPORT_COLUMNS} from report where inbound_message_id = $1 order by position");
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(message_id).fetch_all(pool).await?);
        Ok(rows)
    }

    /// The newest reports about one IP address (its canonical text form).
    pub async fn list_reports_for_ip(&self, source_ip: &str, limit: i64) -> Result<Vec<StoredReport>, StoreError> {
        let sql = format!(
            "select {REPORT_COLUMNS} from report where source_ip = $1 order by report_id desc limit $2"
        );
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql).bind(source_ip).bind(limit).fetch_all(pool).await?);
        Ok(rows)
    }
}
