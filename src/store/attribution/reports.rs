//! What each report was attributed to: set when the report is parsed, changed when later imports say
//! otherwise (every such change is recorded with its reason), and the queue of reports nobody could be
//! named for.

use chrono::{DateTime, Utc};

use crate::store::{on_backend, rows, Store, StoreError};
use crate::domain::attribution::AttributionChangeView;

/// A report as attribution needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportToAttribute {
    pub report_id: i64,
    pub inbound_message_id: i64,
    pub source_ip: String,
    pub source_port: Option<i32>,
    pub incident_time: Option<DateTime<Utc>>,
    /// The message's first arrival: the moment used when the report gives no incident time.
    pub first_received_at: DateTime<Utc>,
    /// The current attribution (`None` until tried).
    pub attribution: Option<String>,
    pub customer_id: Option<i64>,
    pub assignment_id: Option<i64>,
}

/// The outcome to record for one report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributionRecord {
    /// `customer` or the reason code of an unattributed report.
    pub attribution: String,
    pub customer_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub via: Option<String>,
    /// Candidate customer ids, when several could have held the address.
    pub candidates: Vec<i64>,
    /// `incident` or `arrival`.
    pub basis: &'static str,
}

/// One row of the unattributed queue.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UnattributedRow {
    pub report_id: i64,
    pub inbound_message_id: i64,
    pub report_type: String,
    pub reporter: String,
    pub source_ip: String,
    pub source_port: Option<i32>,
    pub incident_time: Option<DateTime<Utc>>,
    pub first_received_at: DateTime<Utc>,
    pub attribution: String,
    /// JSON array of candidate customer ids.
    pub attribution_candidates: Option<String>,
}

const TO_ATTRIBUTE: &str =
    "select r.report_id, r.inbound_message_id, r.source_ip, r.source_port, r.incident_time, m.first_received_at, \
    r.attribution, r.customer_id, r.assignment_id from report r \
    join inbound_message m on m.inbound_message_id = r.inbound_message_id";

impl Store {
    /// The reports of some messages, to attribute after parsing, by id.
    pub async fn reports_to_attribute(&self, message_ids: &[i64]) -> Result<Vec<ReportToAttribute>, StoreError> {
        let select = format!("{TO_ATTRIBUTE} where r.inbound_message_id in");
        self.fetch_for_ids(&select, message_ids, "order by r.report_id").await
    }

    /// One page of all reports by id, for re-attributing everything after an import.
    pub async fn reports_to_attribute_page(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ReportToAttribute>, StoreError> {
        let sql = format!("{TO_ATTRIBUTE} where r.report_id > $1 order by r.report_id limit $2");
        Ok(on_backend!(self, |pool| sqlx::query_as(&sql).bind(after_id).bind(limit).fetch_all(pool).await?))
    }

    /// Records a report's attribution. When `change_reason` is given and the report had been attributed
    /// before to something else, the change is recorded too, in the same transaction.
    pub async fn set_attribution(
        &self,
        report: &ReportToAttribute,
        record: &AttributionRecord,
        change_reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.set_attributions(&[(report, record)], change_reason, now).await
    }

    /// [`Store::set_attribution`] for several reports (each once), in one transaction.
    pub async fn set_attributions(
        &self,
        changes: &[(&ReportToAttribute, &AttributionRecord)],
        change_reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let update = |n: usize| {
            format!(
                "update report set attribution = v.column2, customer_id = v.column3, assignment_id = v.column4, \
                 attribution_via = v.column5, attribution_candidates = v.column6, attribution_basis = v.column7, \
                 attributed_at = v.column8, updated_at = v.column8, \
                 abuse_case_id = case when report.customer_id is distinct from v.column3 then null \
                 else report.abuse_case_id end \
                 from (values {}) as v where report_id = v.column1",
                rows::values(n, 8)
            )
        };
        let change = |n: usize| {
            format!(
                "insert into attribution_change (report_id, from_attribution, from_customer_id, to_attribution, \
                 to_customer_id, reason, changed_at, created_at, updated_at) values {}",
                rows::values(n, 9)
            )
        };
        // A change is recorded only for a report attributed before, to something else.
        let recorded: Vec<(&ReportToAttribute, &AttributionRecord, &str)> = match change_reason {
            None => Vec::new(),
            Some(reason) => changes
                .iter()
                .filter(|(report, record)| {
                    report.attribution.is_some()
                        && (report.attribution.as_deref() != Some(record.attribution.as_str())
                            || report.customer_id != record.customer_id)
                })
                .map(|&(report, record)| (report, record, reason))
                .collect(),
        };
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(crate::store::begin_write(pool)).await?;
            // A report whose customer changes leaves its case here (the case key holds the customer) and is
            // placed again by whoever attributed it; should that never happen, it is a report without a case,
            // which the next intake run places. Its old case is listed for a recount in this same unit.
            for chunk in changes.chunks(crate::store::IDS_PER_QUERY) {
                let sql = crate::store::recount::mark_reports_sql(chunk.len());
                let mut q = sqlx::query(&sql).bind(now);
                for (report, _) in chunk {
                    q = q.bind(report.report_id);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in changes.chunks(rows::per_statement(8)) {
                let sql = update(chunk.len());
                let mut q = sqlx::query(&sql);
                for &(report, record) in chunk {
                    let candidates = serde_json::to_string(&record.candidates).unwrap_or_else(|_| "[]".to_owned());
                    q = q
                        .bind(report.report_id)
                        .bind(&record.attribution)
                        .bind(record.customer_id)
                        .bind(record.assignment_id)
                        .bind(&record.via)
                        .bind(candidates)
                        .bind(record.basis)
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
            for chunk in recorded.chunks(rows::per_statement(9)) {
                let sql = change(chunk.len());
                let mut q = sqlx::query(&sql);
                for &(report, record, reason) in chunk {
                    q = q
                        .bind(report.report_id)
                        .bind(&report.attribution)
                        .bind(report.customer_id)
                        .bind(&record.attribution)
                        .bind(record.customer_id)
                        .bind(reason)
                        .bind(now)
                        .bind(now)
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Reports attributed to nobody, newest incident first, and how many there are in all.
    pub async fn list_unattributed(&self, limit: i64, offset: i64) -> Result<(Vec<UnattributedRow>, i64), StoreError> {
        const COUNT: &str = "select count(*) from report where attribution is not null and attribution <> 'customer'";
        const SQL: &str = "select r.report_id, r.inbound_message_id, r.report_type, r.reporter, r.source_ip, \
            r.source_port, r.incident_time, m.first_received_at, r.attribution, r.attribution_candidates \
            from report r join inbound_message m on m.inbound_message_id = r.inbound_message_id \
            where r.attribution is not null and r.attribution <> 'customer' \
            order by coalesce(r.incident_time, m.first_received_at) desc, r.report_id desc limit $1 offset $2";
        on_backend!(self, |pool| {
            let total: i64 = sqlx::query_scalar(COUNT).fetch_one(pool).await?;
            let rows = sqlx::query_as(SQL).bind(limit).bind(offset).fetch_all(pool).await?;
            Ok((rows, total))
        })
    }

    /// The recorded changes of attribution, newest first (of one report, or of all with `None`).
    pub async fn list_attribution_changes(
        &self,
        report_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AttributionChangeView>, StoreError> {
        const SQL: &str = "select x.report_id, x.from_attribution, fc.account_ref, x.to_attribution, tc.account_ref, \
            x.reason, x.changed_at from attribution_change x \
            left join customer fc on fc.customer_id = x.from_customer_id \
            left join customer tc on tc.customer_id = x.to_customer_id \
            where $1 is null or x.report_id = $1 order by x.attribution_change_id desc limit $2";
        type Row = (i64, Option<String>, Option<String>, String, Option<String>, String, DateTime<Utc>);
        let rows: Vec<Row> =
            on_backend!(self, |pool| sqlx::query_as(SQL).bind(report_id).bind(limit).fetch_all(pool).await?);
        let side = |state: Option<String>, customer: Option<String>| match (state.as_deref(), customer) {
            (Some("customer"), Some(account)) => format!("customer {account}"),
            (Some(reason), _) => reason.replace('_', " "),
            (None, _) => "not attributed".to_owned(),
        };
        Ok(rows
            .into_iter()
            .map(|(report_id, from, from_c, to, to_c, reason, changed_at)| AttributionChangeView {
                report_id,
                from: side(from, from_c),
                to: side(Some(to), to_c),
                reason,
                changed_at,
            })
            .collect())
    }
}
