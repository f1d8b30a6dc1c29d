//! Attribution of reports to customers, at the report's incident time.
//!
//! One report at a time (right after parsing, and for `abusedesk attribute` and the lookup page) the store
//! hands over only the assignments whose network can contain the address, and the same
//! [`AssignmentIndex`] rules pick the winner. After an import, every report is looked at again through one
//! index of all assignments, and each report whose attribution changes gets the change recorded.

use std::collections::BTreeSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use super::holding::{Assignment, Attribution};
use super::index::AssignmentIndex;
use crate::cases::placement::{self, Recount};
use crate::domain::attribution::{LookupOutcome, LookupView};
use crate::store::{self, AttributionRecord, ReportToAttribute, Store, StoreError};

/// How many reports are read per page when everything is re-attributed.
const PAGE: i64 = 2_000;

/// How many messages are placed into cases at once after re-attribution.
const PAGE_MESSAGES: usize = 500;

/// The address as the index keys it: an IPv4-mapped IPv6 address is the IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// Looks up who held `ip` (and `port`) at `at`, from the assignments that can contain it.
///
/// # Errors
/// Database errors.
pub async fn lookup(
    store: &Store,
    ip: IpAddr,
    port: Option<u16>,
    at: DateTime<Utc>,
) -> Result<Attribution, StoreError> {
    let space = address_space(store).await?;
    lookup_in(store, &space, ip, port, at).await
}

async fn address_space(store: &Store) -> Result<Vec<IpNet>, StoreError> {
    Ok(store.address_space().await?.into_iter().map(|(net, _)| net).collect())
}

/// [`lookup`] with the address space already read.
async fn lookup_in(
    store: &Store,
    space: &[IpNet],
    ip: IpAddr,
    port: Option<u16>,
    at: DateTime<Utc>,
) -> Result<Attribution, StoreError> {
    let ip = canonical(ip);
    let candidates = store.assignments_containing(&[ip]).await?;
    Ok(AssignmentIndex::build(candidates, space.to_vec()).lookup(ip, port, at))
}

/// [`lookup`] with the customers and assignments named, for people.
///
/// # Errors
/// Database errors.
pub async fn lookup_view(
    store: &Store,
    ip: IpAddr,
    port: Option<u16>,
    at: DateTime<Utc>,
) -> Result<LookupView, StoreError> {
    let outcome = match lookup(store, ip, port, at).await? {
        Attribution::Customer { assignment_id, via, .. } => {
            let assignment =
                store.assignment_views(&[assignment_id]).await?.into_iter().next().ok_or(StoreError::NotFound)?;
            LookupOutcome::Customer { assignment, via: via.code().to_owned() }
        }
        Attribution::Unattributed { reason, candidates } => {
            let ids: Vec<i64> = candidates.iter().map(|c| c.assignment_id).collect();
            LookupOutcome::Unattributed {
                reason: reason.code().to_owned(),
                reason_label: reason.label().to_owned(),
                candidates: store.assignment_views(&ids).await?,
            }
        }
    };
    Ok(LookupView { ip: canonical(ip).to_string(), port, at, outcome })
}

/// The moment a report is attributed at, and whether it is the report's own incident time.
fn moment(report: &ReportToAttribute) -> (DateTime<Utc>, &'static str) {
    match report.incident_time {
        Some(t) => (t, "incident"),
        None => (report.first_received_at, "arrival"),
    }
}

/// The record to store for an attribution outcome.
fn record(outcome: &Attribution, basis: &'static str) -> AttributionRecord {
    match outcome {
        Attribution::Customer { customer_id, assignment_id, via } => AttributionRecord {
            attribution: "customer".to_owned(),
            customer_id: Some(*customer_id),
            assignment_id: Some(*assignment_id),
            via: Some(via.code().to_owned()),
            candidates: Vec::new(),
            basis,
        },
        Attribution::Unattributed { reason, candidates } => {
            let mut ids: Vec<i64> = candidates.iter().map(|c| c.customer_id).collect();
            ids.dedup();
            AttributionRecord {
                attribution: reason.code().to_owned(),
                customer_id: None,
                assignment_id: None,
                via: None,
                candidates: ids,
                basis,
            }
        }
    }
}

/// Whether storing `new` would change what `report` says.
fn differs(report: &ReportToAttribute, new: &AttributionRecord) -> bool {
    report.attribution.as_deref() != Some(new.attribution.as_str())
        || report.customer_id != new.customer_id
        || report.assignment_id != new.assignment_id
}

/// The report's address, or `None` when the stored text is not one (then it cannot be attributed).
fn address(report: &ReportToAttribute) -> Option<IpAddr> {
    report.source_ip.parse::<IpAddr>().ok().map(canonical)
}

fn port(report: &ReportToAttribute) -> Option<u16> {
    report.source_port.and_then(|p| u16::try_from(p).ok())
}

/// Attributes the reports of some messages (after parsing). Returns how many were attributed to a customer.
/// One index is built from the assignments that can contain any of the reports' addresses: for each
/// address it holds every assignment a lookup of that address alone would read, so the outcome is the same.
///
/// # Errors
/// Database errors; reports not yet attributed then wait for `abusedesk reattribute`.
pub async fn attribute_messages(store: &Store, message_ids: &[i64]) -> Result<usize, StoreError> {
    let reports = store.reports_to_attribute(message_ids).await?;
    if reports.is_empty() {
        return Ok(0);
    }
    let addresses: BTreeSet<IpAddr> = reports.iter().filter_map(address).collect();
    let addresses: Vec<IpAddr> = addresses.into_iter().collect();
    let index = AssignmentIndex::build(store.assignments_containing(&addresses).await?, address_space(store).await?);
    let mut found = 0;
    let mut records = Vec::new();
    for report in &reports {
        let Some(ip) = address(report) else { continue };
        let (at, basis) = moment(report);
        let new = record(&index.lookup(ip, port(report), at), basis);
        found += usize::from(new.customer_id.is_some());
        if differs(report, &new) {
            records.push((report, new));
        }
    }
    let changes: Vec<_> = records.iter().map(|(report, new)| (*report, new)).collect();
    store.set_attributions(&changes, Some("re-parsed"), store::now()).await?;
    Ok(found)
}

/// Looks at every report again with all current assignments, recording each change with `reason`, and
/// moves the reports that changed hands into their new customers' cases. Returns how many reports changed.
///
/// # Errors
/// Database errors (changes made before the error stay, each recorded).
pub async fn reattribute_all(store: &Store, reason: &str) -> Result<i64, StoreError> {
    let assignments: Vec<Assignment> = store.all_assignments().await?;
    let index = AssignmentIndex::build(assignments, address_space(store).await?);
    let mut changed = 0;
    let mut after = 0;
    let mut messages = BTreeSet::new();
    loop {
        let page = store.reports_to_attribute_page(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.report_id;
        for report in &page {
            let Some(ip) = address(report) else { continue };
            let (at, basis) = moment(report);
            let new = record(&index.lookup(ip, port(report), at), basis);
            if differs(report, &new) {
                store.set_attribution(report, &new, Some(reason), store::now()).await?;
                messages.insert(report.inbound_message_id);
                changed += 1;
            }
        }
    }
    let messages: Vec<i64> = messages.into_iter().collect();
    for chunk in messages.chunks(PAGE_MESSAGES) {
        placement::place_messages(store, chunk, Recount::Later).await?;
    }
    // Reports whose customer changed left their old cases, which the journal lists (store::recount).
    placement::recount_listed(store, usize::MAX).await?;
    if changed > 0 {
        let detail = format!("{changed} report(s) attributed anew: {reason}");
        crate::audit::record(store, "abusedesk", "attribution.changed", "reports", &detail).await?;
    }
    Ok(changed)
}
