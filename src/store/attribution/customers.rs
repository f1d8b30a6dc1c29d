//! Customers: the ISP's subscribers, keyed by the ISP's own account reference. Imports upsert by that key,
//! so the same file imported twice changes nothing; a dry run does the same work and rolls it back, so its
//! counts are exactly what the import would do.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::store::{like_escape, on_backend, placeholders, Store, StoreError};
use crate::attribution::csv_import::NewCustomer;
use crate::domain::customer::{CustomerBrief, CustomerView};

/// What an import did (or, in a dry run, would do) with its rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub added: i64,
    pub updated: i64,
    pub unchanged: i64,
}

#[derive(sqlx::FromRow)]
struct CustomerRow {
    customer_id: i64,
    account_ref: String,
    name: String,
    emails: String,
    status: String,
    notes: String,
    assignments: i64,
    reports: i64,
}

impl From<CustomerRow> for CustomerView {
    fn from(r: CustomerRow) -> Self {
        CustomerView {
            customer_id: r.customer_id,
            account_ref: r.account_ref,
            name: r.name,
            emails: r.emails.split_whitespace().map(str::to_owned).collect(),
            status: r.status,
            notes: r.notes,
            assignments: r.assignments,
            reports: r.reports,
        }
    }
}

#[derive(sqlx::FromRow)]
struct BriefRow {
    customer_id: i64,
    account_ref: String,
    name: String,
    status: String,
}

impl From<BriefRow> for CustomerBrief {
    fn from(r: BriefRow) -> Self {
        CustomerBrief { customer_id: r.customer_id, account_ref: r.account_ref, name: r.name, status: r.status }
    }
}

const VIEW_SELECT: &str = "select c.customer_id, c.account_ref, c.name, c.emails, c.status, c.notes, \
    (select count(*) from assignment a where a.customer_id = c.customer_id) as assignments, \
    (select count(*) from report r where r.customer_id = c.customer_id) as reports from customer c";

impl Store {
    /// Adds new customers and updates changed ones by account reference, in one transaction; with `dry_run`
    /// the transaction is rolled back after counting.
    #[tracing::instrument(skip_all, fields(rows = customers.len(), dry_run))]
    pub async fn upsert_customers(
        &self,
        customers: &[NewCustomer],
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts, StoreError> {
        const FIND: &str = "select name, emails, status, notes from customer where account_ref = $1";
        const INSERT: &str = "insert into customer (account_ref, name, emails, status, notes, created_at, updated_at) \
                              values ($1, $2, $3, $4, $5, $6, $6)";
        const UPDATE: &str = "update customer set name = $2, emails = $3, status = $4, notes = $5, updated_at = $6 \
                              where account_ref = $1";
        let mut counts = UpsertCounts::default();
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(crate::store::begin_write(pool)).await?;
            for c in customers {
                let emails = c.emails.join(" ");
                let wanted = (c.name.clone(), emails.clone(), c.status.code().to_owned(), c.notes.clone());
                let found: Option<(String, String, String, String)> =
                    sqlx::query_as(FIND).bind(&c.account_ref).fetch_optional(&mut *tx).await?;
                let sql = match found {
                    None => {
                        counts.added += 1;
                        INSERT
                    }
                    Some(existing) if existing == wanted => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => {
                        counts.updated += 1;
                        UPDATE
                    }
                };
                sqlx::query(sql)
                    .bind(&c.account_ref)
                    .bind(&c.name)
                    .bind(&emails)
                    .bind(c.status.code())
                    .bind(&c.notes)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            if dry_run {
                tx.rollback().await?;
            } else {
                tx.commit().await?;
            }
            Ok(counts)
        })
    }

    /// Every customer's id by account reference, for matching import rows to customers.
    pub async fn customer_ids_by_ref(&self) -> Result<HashMap<String, i64>, StoreError> {
        const SQL: &str = "select account_ref, customer_id from customer";
        let rows: Vec<(String, i64)> = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows.into_iter().collect())
    }

    /// Customers whose account reference, name or e-mail contains `search` (all when empty), by name.
    pub async fn list_customers(&self, search: &str, limit: i64, offset: i64) -> Result<Vec<CustomerView>, StoreError> {
        let sql = format!(
            "{VIEW_SELECT} where $1 = '' or lower(c.account_ref) like $2 escape '\\' \
             or lower(c.name) like $2 escape '\\' or lower(c.emails) like $2 escape '\\' order by c.name, c.customer_id limit $3 offset $4"
        );
        let pattern = format!("%{}%", like_escape(&search.to_lowercase()));
        let rows: Vec<CustomerRow> = on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(search)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(CustomerView::from).collect())
    }

    /// One customer.
    pub async fn get_customer(&self, customer_id: i64) -> Result<CustomerView, StoreError> {
        let sql = format!("{VIEW_SELECT} where c.customer_id = $1");
        let row: CustomerRow = on_backend!(self, |pool| sqlx::query_as(&sql).bind(customer_id).fetch_one(pool).await?);
        Ok(row.into())
    }

    /// Names of the given customers, for showing candidates and attributions.
    pub async fn customer_briefs(&self, ids: &[i64]) -> Result<Vec<CustomerBrief>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "select customer_id, account_ref, name, status from customer where customer_id in ({}) \
             order by customer_id",
            placeholders(1, ids.len())
        );
        let rows: Vec<BriefRow> = on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(CustomerBrief::from).collect())
    }
}
