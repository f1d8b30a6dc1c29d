//! Cases and duplicate links as stored: which case each report is in, which canonical report it copies and
//! why, and the case counters.
//!
//! Counters are never incremented: each is recomputed from the case's reports (one index holds all it
//! reads, see migration 0007) in one transaction that first takes the case's row lock (a no-op update), so
//! the last recount of a case always reads every report committed before it. Concurrent ingest therefore ends with counters equal to a recount, on SQLite (one
//! writer at a time) and on PostgreSQL (row lock, then a fresh statement snapshot under read committed).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::tx::{on_tx, Tx};
use super::{on_backend, rows, Store, StoreError};

/// A report as case placement and duplicate linking need it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseFacts {
    pub report_id: i64,
    pub inbound_message_id: i64,
    /// How many times the message's bytes arrived.
    pub arrivals: i64,
    pub first_received_at: DateTime<Utc>,
    pub reporter: String,
    pub reporter_ref: Option<String>,
    pub role: String,
    pub source_ip: String,
    pub report_type: String,
    pub complainant_hash: Option<String>,
    pub original_message_id: Option<String>,
    pub content_fingerprint: Option<String>,
    pub incident_time: Option<DateTime<Utc>>,
    pub customer_id: Option<i64>,
    pub abuse_case_id: Option<i64>,
    pub duplicate_of: Option<i64>,
    pub duplicate_reason: Option<String>,
    pub unique_in_case: bool,
}

/// Where one report goes: its case and its link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub report_id: i64,
    pub case_id: i64,
    pub duplicate_of: Option<i64>,
    pub duplicate_reason: Option<&'static str>,
    pub unique_in_case: bool,
}

/// The case a report belongs in, by its key parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseKey {
    pub customer_id: Option<i64>,
    pub source_ip: String,
    pub report_type: String,
    pub role: String,
}

impl CaseKey {
    /// The unique text stored in `abuse_case.case_key`.
    pub fn text(&self) -> String {
        let customer = self.customer_id.map_or_else(|| "-".to_owned(), |c| c.to_string());
        format!("{customer}|{}|{}|{}", self.source_ip, self.report_type, self.role)
    }
}

/// A case as placement sees it.
#[derive(Clone, Debug)]
pub struct CaseHandle {
    pub abuse_case_id: i64,
    pub status: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The counter as last recounted: 0 for a case that may have no report yet.
    pub stored_reports: i64,
}

/// When a case was closed, if it is.
type ClosedAt = Option<DateTime<Utc>>;

impl CaseHandle {
    /// Whether `ensure_case` created the case just now (an existing case keeps its creation time).
    pub fn created_now(&self, now: DateTime<Utc>) -> bool {
        self.created_at == now
    }
}

const FACTS: &str = "select r.report_id, r.inbound_message_id, m.arrival_count as arrivals, m.first_received_at, r.reporter, r.reporter_ref, r.role, r.source_ip, r.report_type, r.complainant_hash, \
    r.original_message_id, r.content_fingerprint, r.incident_time, r.customer_id, r.abuse_case_id, \
    r.duplicate_of, r.duplicate_reason, r.unique_in_case \
    from report r join inbound_message m on m.inbound_message_id = r.inbound_message_id";

/// At most this many keys per related-reports query, well under both databases' bind limits.
const KEYS_PER_QUERY: usize = 100;

impl Store {
    /// The reports of some messages, for placement, by id.
    pub async fn case_facts_of_messages(&self, message_ids: &[i64]) -> Result<Vec<CaseFacts>, StoreError> {
        let select = format!("{FACTS} where r.inbound_message_id in");
        self.fetch_for_ids(&select, message_ids, "order by r.report_id").await
    }

    /// Reports sharing a reporter's reference (`(reporter, reporter_ref)`) or a complainant and original
    /// (`(complainant_hash, Message-ID or fingerprint)`) with the given keys: the reports that can be the
    /// same complaint.
    pub async fn related_case_facts(
        &self,
        refs: &[(String, String)],
        originals: &[(String, String)],
    ) -> Result<Vec<CaseFacts>, StoreError> {
        let mut out = Vec::new();
        for chunk in refs.chunks(KEYS_PER_QUERY) {
            let conditions: Vec<String> = (0..chunk.len())
                .map(|i| format!("(r.reporter = ${} and r.reporter_ref = ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!("{FACTS} where {}", conditions.join(" or "));
            let rows: Vec<CaseFacts> = on_backend!(self, |pool| {
                let mut query = sqlx::query_as(&sql);
                for (reporter, reference) in chunk {
                    query = query.bind(reporter).bind(reference);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        for chunk in originals.chunks(KEYS_PER_QUERY) {
            let conditions: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let (h, o) = (2 * i + 1, 2 * i + 2);
                    format!("(r.complainant_hash = ${h} and (r.original_message_id = ${o} or r.content_fingerprint = ${o}))")
                })
                .collect();
            let sql = format!("{FACTS} where {}", conditions.join(" or "));
            let rows: Vec<CaseFacts> = on_backend!(self, |pool| {
                let mut query = sqlx::query_as(&sql);
                for (hash, original) in chunk {
                    query = query.bind(hash).bind(original);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// The case of each key (keys in any order, each once), created (status new) where there is none yet.
    pub async fn ensure_cases(
        &self,
        keys: &[CaseKey],
        now: DateTime<Utc>,
    ) -> Result<HashMap<CaseKey, CaseHandle>, StoreError> {
        let insert = |n: usize| {
            format!(
                "insert into abuse_case (case_key, customer_id, source_ip, report_type, role, status, created_at, \
                 updated_at) values {} on conflict (case_key) do update set updated_at = abuse_case.updated_at \
                 returning case_key, abuse_case_id, status, closed_at, created_at, stored_reports",
                rows::values(n, 8)
            )
        };
        // In key order, so concurrent placements lock rows in the same order on PostgreSQL.
        let by_text: BTreeMap<String, &CaseKey> = keys.iter().map(|k| (k.text(), k)).collect();
        let texts: Vec<(&String, &CaseKey)> = by_text.iter().map(|(t, k)| (t, *k)).collect();
        let mut out = HashMap::with_capacity(keys.len());
        for chunk in texts.chunks(rows::per_statement(8)) {
            let sql = insert(chunk.len());
            let rows: Vec<(String, i64, String, ClosedAt, DateTime<Utc>, i64)> = on_backend!(self, |pool| {
                let mut q = sqlx::query_as(&sql);
                for &(text, key) in chunk {
                    q = q
                        .bind(text)
                        .bind(key.customer_id)
                        .bind(&key.source_ip)
                        .bind(&key.report_type)
                        .bind(&key.role)
                        .bind("new")
                        .bind(now)
                        .bind(now);
                }
                q.fetch_all(pool).await?
            });
            for (text, abuse_case_id, status, closed_at, created_at, stored_reports) in rows {
                if let Some(&key) = by_text.get(&text) {
                    let handle = CaseHandle { abuse_case_id, status, closed_at, created_at, stored_reports };
                    out.insert(key.clone(), handle);
                }
            }
        }
        Ok(out)
    }
}

impl Tx {
    /// Stores where each report goes (each report once), in this unit.
    pub async fn place_reports(&mut self, placements: &[Placement], now: DateTime<Utc>) -> Result<(), StoreError> {
        let update = |n: usize| {
            format!(
                "update report set abuse_case_id = v.column2, duplicate_of = v.column3, duplicate_reason = v.column4, \
                 unique_in_case = v.column5, updated_at = v.column6 from (values {}) as v where report_id = v.column1",
                rows::values(n, 6)
            )
        };
        for chunk in placements.chunks(rows::per_statement(6)) {
            let sql = update(chunk.len());
            on_tx!(self, |conn| {
                let mut q = sqlx::query(&sql);
                for p in chunk {
                    q = q
                        .bind(p.report_id)
                        .bind(p.case_id)
                        .bind(p.duplicate_of)
                        .bind(p.duplicate_reason)
                        .bind(p.unique_in_case)
                        .bind(now);
                }
                q.execute(&mut *conn).await?;
            });
        }
        Ok(())
    }

    /// Which of `cases` hold no report, each case's row locked first (in id order) so that two units
    /// placing the first reports of one case see each other: the second reads after the first commits.
    pub async fn cases_without_reports(&mut self, cases: &BTreeSet<i64>) -> Result<BTreeSet<i64>, StoreError> {
        const EMPTY: &str = "select count(*) from report where abuse_case_id = $1";
        let mut empty = BTreeSet::new();
        for &case_id in cases {
            self.lock_case(case_id).await?;
            let n: i64 = on_tx!(self, |conn| sqlx::query_scalar(EMPTY).bind(case_id).fetch_one(&mut *conn).await?);
            if n == 0 {
                empty.insert(case_id);
            }
        }
        Ok(empty)
    }

    /// Reopens a closed case because a new report arrived, recording why, in this unit.
    pub async fn reopen_case(&mut self, case_id: i64, report_id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        const SQL: &str = "update abuse_case set status = 'new', closed_at = null, reopened_at = $2, updated_at = $2 \
            where abuse_case_id = $1 and status = 'closed'";
        const EVENT: &str = "insert into case_event (abuse_case_id, kind, detail, actor, created_at, updated_at) \
            values ($1, 'reopened', $2, 'abusedesk', $3, $3)";
        let detail = format!("report {report_id} arrived after the case was closed");
        on_tx!(self, |conn| {
            let done = sqlx::query(SQL).bind(case_id).bind(now).execute(&mut *conn).await?.rows_affected();
            if done > 0 {
                sqlx::query(EVENT).bind(case_id).bind(&detail).bind(now).execute(&mut *conn).await?;
            }
            Ok(done > 0)
        })
    }
}

impl Store {
    /// Recomputes a case's counters from its reports (see the module documentation for why this is safe
    /// under concurrent ingest).
    pub async fn recount_case(&self, case_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        const LOCK: &str = "update abuse_case set updated_at = $2 where abuse_case_id = $1";
        // Sums of bigint are numeric on PostgreSQL: cast back so both backends return a 64-bit integer.
        const COUNT: &str = "select count(*), cast(coalesce(sum(x.arrivals), 0) as bigint), \
            coalesce(sum(case when x.unique_in_case then 1 else 0 end), 0), \
            count(distinct case when x.unique_in_case then x.complainant_hash end) \
              + coalesce(sum(case when x.unique_in_case and x.complainant_hash is null then 1 else 0 end), 0), \
            count(distinct x.reporter), \
            cast(coalesce(sum(x.arrivals - 1), 0) as bigint), \
            coalesce(sum(case when x.duplicate_reason = 'same_reporter_report' and not x.unique_in_case then 1 else 0 end), 0), \
            coalesce(sum(case when x.duplicate_reason = 'other_role' and not x.unique_in_case then 1 else 0 end), 0), \
            coalesce(sum(case when x.duplicate_reason = 're_report' and not x.unique_in_case then 1 else 0 end), 0), \
            min(x.seen), max(x.seen) \
            from (select r.unique_in_case, r.complainant_hash, r.reporter, r.duplicate_reason, r.arrivals, \
                  r.seen_at as seen from report r where r.abuse_case_id = $1) x";
        const STORE: &str = "update abuse_case set stored_reports = $2, received = $3, unique_complaints = $4, \
            complainants = $5, reporters = $6, same_bytes = $7, mailbox_copies = $8, other_role = $9, \
            re_reports = $10, first_seen = $11, last_seen = $12, updated_at = $13, trend = $14, \
            trend_until = $15, week_unique = $16, trend_from = $13, day_unique = $17, day_until = $18 \
            where abuse_case_id = $1";
        // The recount journal (store::recount): the case leaves it only if nothing changed it meanwhile.
        const GENERATION: &str = "select generation from case_recount where abuse_case_id = $1";
        const SETTLED: &str = "delete from case_recount where abuse_case_id = $1 and generation = $2";
        type Counts = (i64, i64, i64, i64, i64, i64, i64, i64, i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let locked = sqlx::query(LOCK).bind(case_id).bind(now).execute(&mut *tx).await?.rows_affected();
            if locked == 0 {
                return Err(StoreError::NotFound);
            }
            let generation: Option<i64> = sqlx::query_scalar(GENERATION).bind(case_id).fetch_optional(&mut *tx).await?;
            let c: Counts = sqlx::query_as(COUNT).bind(case_id).fetch_one(&mut *tx).await?;
            // The kept trend and week count go with the counters: the queue's rising and rate filters read
            // them (store::trends).
            let (week, fortnight, today) = super::trends::window_starts(now);
            let windows: super::trends::WindowRow = sqlx::query_as(super::trends::WINDOWS)
                .bind(case_id)
                .bind(week)
                .bind(true)
                .bind(fortnight)
                .bind(today)
                .fetch_one(&mut *tx)
                .await?;
            let kept = super::trends::judge(windows);
            sqlx::query(STORE)
                .bind(case_id)
                .bind(c.0)
                .bind(c.1)
                .bind(c.2)
                .bind(c.3)
                .bind(c.4)
                .bind(c.5)
                .bind(c.6)
                .bind(c.7)
                .bind(c.8)
                .bind(c.9)
                .bind(c.10)
                .bind(now)
                .bind(kept.trend)
                .bind(kept.until)
                .bind(kept.week_unique)
                .bind(kept.day_unique)
                .bind(kept.day_until)
                .execute(&mut *tx)
                .await?;
            if let Some(generation) = generation {
                sqlx::query(SETTLED).bind(case_id).bind(generation).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// The cases the reports of one message are in (to recount after another arrival of the same bytes).
    pub async fn cases_of_message(&self, message_id: i64) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select distinct abuse_case_id from report where inbound_message_id = $1 \
            and abuse_case_id is not null order by abuse_case_id";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(message_id).fetch_all(pool).await?))
    }

    /// Every case id, for `abusedesk recount`.
    pub async fn all_case_ids(&self) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select abuse_case_id from abuse_case order by abuse_case_id";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).fetch_all(pool).await?))
    }

    /// Messages with reports not yet in a case (stored before cases existed, or whose placement failed).
    pub async fn messages_without_cases(&self, limit: i64) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select distinct inbound_message_id from report where abuse_case_id is null \
            order by inbound_message_id limit $1";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(limit).fetch_all(pool).await?))
    }
}
