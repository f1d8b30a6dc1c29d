//! The recount journal (`case_recount`): which cases' counters wait for a recount.
//!
//! Every write that changes what a case's counters read (a report placed, moved or re-linked, a copy of a
//! message arriving, a message's reports replaced) lists the case here in the same transaction. A recount
//! ([`Store::recount_case`]) removes the case only when its generation is still the one the recount read
//! under the case's row lock; a change committed meanwhile raised the generation (the upsert waits for,
//! or is waited on by, the recount's delete), so the case stays listed. Whatever is interrupted, the
//! journal still names every case whose counters may be wrong, and the next intake run or `serve` start
//! recounts them: counters heal without a manual `abusedesk recount`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::tx::{on_tx, Tx};
use super::{on_backend, placeholders, Store, StoreError, IDS_PER_QUERY};

/// Raises a listed case's generation, or lists it. `excluded` is the row the insert proposed.
const UPSERT: &str = "on conflict (abuse_case_id) do update \
    set generation = case_recount.generation + 1, updated_at = excluded.updated_at";

/// Lists the cases `$2`, `$3`, … (at `$1`).
fn mark_cases_sql(cases: usize) -> String {
    let rows: Vec<String> = (0..cases).map(|i| format!("(${}, 1, $1, $1)", i + 2)).collect();
    format!(
        "insert into case_recount (abuse_case_id, generation, created_at, updated_at) values {} {UPSERT}",
        rows.join(", ")
    )
}

/// Lists the cases holding reports of the messages `$2`, `$3`, … (at `$1`).
pub(super) fn mark_messages_sql(messages: usize) -> String {
    mark_holding_sql("inbound_message_id", messages)
}

/// Lists the cases holding the reports `$2`, `$3`, … (at `$1`).
pub(super) fn mark_reports_sql(reports: usize) -> String {
    mark_holding_sql("report_id", reports)
}

/// Lists the cases of the reports whose `column` is one of `$2`, `$3`, … (at `$1`). `where` before
/// `on conflict` keeps SQLite from reading the conflict clause as a join constraint.
fn mark_holding_sql(column: &str, count: usize) -> String {
    format!(
        "insert into case_recount (abuse_case_id, generation, created_at, updated_at) \
         select distinct abuse_case_id, 1, $1, $1 from report \
         where abuse_case_id is not null and {column} in ({}) {UPSERT}",
        placeholders(2, count)
    )
}

impl Tx {
    /// Lists `cases` for a recount, in this unit.
    pub async fn mark_for_recount(&mut self, cases: &BTreeSet<i64>, now: DateTime<Utc>) -> Result<(), StoreError> {
        let cases: Vec<i64> = cases.iter().copied().collect();
        for chunk in cases.chunks(IDS_PER_QUERY) {
            let sql = mark_cases_sql(chunk.len());
            on_tx!(self, |conn| {
                let mut q = sqlx::query(&sql).bind(now);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *conn).await?;
            });
        }
        Ok(())
    }
}

impl Store {
    /// Cases waiting for a recount, lowest id first.
    pub async fn cases_to_recount(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select abuse_case_id from case_recount order by abuse_case_id limit $1";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(limit).fetch_all(pool).await?))
    }
}
