//! Assignments (who held which addresses when) and the ISP's own address space.
//!
//! `network` holds canonical CIDR text, so the assignments that can contain an address are found by asking
//! for the address's own prefixes (33 for IPv4, 129 for IPv6) through the `network` index: a probe, never a
//! scan. Imports upsert by the natural key; the one field an import may change is `valid_to` (a session
//! seen open and later closed).

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use super::customers::UpsertCounts;
use crate::store::{on_backend, placeholders, Store, StoreError};
use crate::attribution::holding::{Assignment, AssignmentKind};
use crate::domain::attribution::AssignmentView;
use crate::domain::customer::CustomerBrief;

/// One assignment to store.
#[derive(Clone, Debug)]
pub struct NewHolding {
    pub customer_id: i64,
    pub kind: AssignmentKind,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    /// csv, radius or demo.
    pub source: &'static str,
    /// The RADIUS accounting session id, when it came from one.
    pub source_ref: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    assignment_id: i64,
    customer_id: i64,
    kind: String,
    network: String,
    port_from: i32,
    port_to: i32,
    valid_from: DateTime<Utc>,
    valid_to: Option<DateTime<Utc>>,
}

impl TryFrom<AssignmentRow> for Assignment {
    type Error = StoreError;
    fn try_from(r: AssignmentRow) -> Result<Self, StoreError> {
        let port = |p: i32| u16::try_from(p).map_err(|_| StoreError::Corrupt(format!("port {p} out of range")));
        let kind = AssignmentKind::from_parts(&r.kind, &r.network, port(r.port_from)?, port(r.port_to)?)
            .map_err(StoreError::Corrupt)?;
        Ok(Assignment {
            assignment_id: r.assignment_id,
            customer_id: r.customer_id,
            kind,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    assignment_id: i64,
    customer_id: i64,
    account_ref: String,
    name: String,
    status: String,
    kind: String,
    network: String,
    port_from: i32,
    port_to: i32,
    valid_from: DateTime<Utc>,
    valid_to: Option<DateTime<Utc>>,
    source: String,
}

impl From<ViewRow> for AssignmentView {
    fn from(r: ViewRow) -> Self {
        AssignmentView {
            assignment_id: r.assignment_id,
            customer: CustomerBrief {
                customer_id: r.customer_id,
                account_ref: r.account_ref,
                name: r.name,
                status: r.status,
            },
            kind: r.kind,
            network: r.network,
            port_from: u16::try_from(r.port_from).unwrap_or(0),
            port_to: u16::try_from(r.port_to).unwrap_or(u16::MAX),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            source: r.source,
        }
    }
}

const COLUMNS: &str = "assignment_id, customer_id, kind, network, port_from, port_to, valid_from, valid_to";
const VIEW_SELECT: &str = "select a.assignment_id, a.customer_id, c.account_ref, c.name, c.status, a.kind, \
    a.network, a.port_from, a.port_to, a.valid_from, a.valid_to, a.source \
    from assignment a join customer c on c.customer_id = a.customer_id";

/// Every prefix that can contain `ip`, in canonical text: the address itself (/32 or /128) down to /0.
pub fn containing_prefixes(ip: std::net::IpAddr) -> Vec<String> {
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (0..=max).rev().filter_map(|len| IpNet::new(ip, len).ok()).map(|net| net.trunc().to_string()).collect()
}

impl Store {
    /// Stores assignments by natural key in one transaction: new ones are added, a changed end of validity is
    /// updated, the rest is left alone. With `dry_run` the transaction is rolled back after counting.
    #[tracing::instrument(skip_all, fields(rows = holdings.len(), dry_run))]
    pub async fn upsert_assignments(
        &self,
        holdings: &[NewHolding],
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<UpsertCounts, StoreError> {
        const INSERT: &str = "insert into assignment (customer_id, kind, network, port_from, port_to, valid_from, \
            valid_to, source, source_ref, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
            on conflict (customer_id, kind, network, port_from, port_to, valid_from) do nothing";
        const UPDATE: &str = "update assignment set valid_to = $7, updated_at = $8 where customer_id = $1 \
            and kind = $2 and network = $3 and port_from = $4 and port_to = $5 and valid_from = $6 \
            and valid_to is distinct from $7";
        let mut counts = UpsertCounts::default();
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(crate::store::begin_write(pool)).await?;
            for h in holdings {
                let network = h.kind.network().trunc().to_string();
                let (port_from, port_to) = h.kind.port_range();
                let added = sqlx::query(INSERT)
                    .bind(h.customer_id)
                    .bind(h.kind.code())
                    .bind(&network)
                    .bind(i32::from(port_from))
                    .bind(i32::from(port_to))
                    .bind(h.valid_from)
                    .bind(h.valid_to)
                    .bind(h.source)
                    .bind(&h.source_ref)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if added > 0 {
                    counts.added += 1;
                    continue;
                }
                let updated = sqlx::query(UPDATE)
                    .bind(h.customer_id)
                    .bind(h.kind.code())
                    .bind(&network)
                    .bind(i32::from(port_from))
                    .bind(i32::from(port_to))
                    .bind(h.valid_from)
                    .bind(h.valid_to)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if updated > 0 {
                    counts.updated += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
            if dry_run {
                tx.rollback().await?;
            } else {
                tx.commit().await?;
            }
            Ok(counts)
        })
    }

    /// The assignments whose network can contain any of `ips` (every period and kind): what lookups of
    /// those addresses choose from. Each assignment comes once.
    pub async fn assignments_containing(&self, ips: &[std::net::IpAddr]) -> Result<Vec<Assignment>, StoreError> {
        let prefixes: Vec<String> = ips
            .iter()
            .flat_map(|&ip| containing_prefixes(ip))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut rows: Vec<AssignmentRow> = Vec::new();
        for chunk in prefixes.chunks(crate::store::IDS_PER_QUERY) {
            let sql = format!("select {COLUMNS} from assignment where network in ({})", placeholders(1, chunk.len()));
            let found: Vec<AssignmentRow> = on_backend!(self, |pool| {
                let mut q = sqlx::query_as(&sql);
                for p in chunk {
                    q = q.bind(p);
                }
                q.fetch_all(pool).await?
            });
            rows.extend(found);
        }
        rows.into_iter().map(Assignment::try_from).collect()
    }

    /// Every assignment, for building the in-memory index (bulk re-attribution, conflict checks).
    pub async fn all_assignments(&self) -> Result<Vec<Assignment>, StoreError> {
        let sql = format!("select {COLUMNS} from assignment order by assignment_id");
        let rows: Vec<AssignmentRow> = on_backend!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(Assignment::try_from).collect()
    }

    /// The given assignments with their customers, for display.
    pub async fn assignment_views(&self, ids: &[i64]) -> Result<Vec<AssignmentView>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{VIEW_SELECT} where a.assignment_id in ({}) order by a.customer_id, a.assignment_id",
            placeholders(1, ids.len())
        );
        let rows: Vec<ViewRow> = on_backend!(self, |pool| {
            let mut q = sqlx::query_as(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(AssignmentView::from).collect())
    }

    /// A customer's assignments, newest first.
    pub async fn customer_assignments(&self, customer_id: i64, limit: i64) -> Result<Vec<AssignmentView>, StoreError> {
        let sql =
            format!("{VIEW_SELECT} where a.customer_id = $1 order by a.valid_from desc, a.assignment_id limit $2");
        let rows: Vec<ViewRow> =
            on_backend!(self, |pool| sqlx::query_as(&sql).bind(customer_id).bind(limit).fetch_all(pool).await?);
        Ok(rows.into_iter().map(AssignmentView::from).collect())
    }

    /// Adds a block to the ISP's own address space (no change if it is there already). Returns whether it was new.
    pub async fn add_address_block(
        &self,
        network: IpNet,
        description: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "insert into address_block (network, description, created_at, updated_at) \
                           values ($1, $2, $3, $3) on conflict (network) do nothing";
        let network = network.trunc().to_string();
        let n = on_backend!(self, |pool| sqlx::query(SQL)
            .bind(&network)
            .bind(description)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(n > 0)
    }

    /// The ISP's own address space, with each block's description.
    pub async fn address_space(&self) -> Result<Vec<(IpNet, String)>, StoreError> {
        const SQL: &str = "select network, description from address_block order by network";
        let rows: Vec<(String, String)> = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter()
            .map(|(net, description)| {
                net.parse::<IpNet>()
                    .map(|n| (n, description))
                    .map_err(|_| StoreError::Corrupt(format!("address block {net:?} is not a network")))
            })
            .collect()
    }
}
