//! The customer portal on the server: what a customer account may read, scoped to its one customer record,
//! with the evidence of each report built from an allowlist before it leaves the server (`evidence`). A
//! case of another customer is "not found", never "forbidden", so ids cannot be probed.
//!
//! Customers read counts, the arithmetic, the chart, who reported (the organisation, never its reference
//! or the complainant), decisions in force with their statement of reasons, and their disputes. Pending and
//! rejected proposals stay internal: only what took effect is told.

pub mod disputes;
pub mod evidence;

use chrono::{DateTime, Utc};

use crate::domain::case::CaseStatus;
use crate::domain::decision::DecisionKind;
use crate::domain::dispute::{appeal_until, may_appeal, DisputeRefusal, DisputeStatus, DisputeView};
use crate::domain::portal::{PortalCaseDetail, PortalCaseRow, PortalDecision, PortalHome, PortalReport};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::cases::views as case_views;
use crate::store::{CaseRecord, Store, StoreError};
use crate::triage::rates::Granularity;

/// Reports listed on the customer's case page.
const PORTAL_REPORTS: i64 = 200;

/// Why a portal request did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// A rule said no; the message is for the person who tried.
    #[error(transparent)]
    Refused(#[from] DisputeRefusal),
    #[error("{0} was not found")]
    NotFound(String),
    /// Not a customer account linked to a customer, or not staff where staff is needed.
    #[error("you do not have access to this")]
    Forbidden,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => PortalError::NotFound("the record".to_owned()),
            other => PortalError::Store(other),
        }
    }
}

/// The customer record a signed-in customer account may see.
///
/// # Errors
/// [`PortalError::Forbidden`] for staff and for customer accounts not linked to a customer.
pub fn customer_of(user: &CurrentUser) -> Result<i64, PortalError> {
    match (user.role, user.customer_id) {
        (Role::Customer, Some(id)) => Ok(id),
        _ => Err(PortalError::Forbidden),
    }
}

/// The case if it belongs to `customer_id`; otherwise "not found".
///
/// # Errors
/// [`PortalError::NotFound`]; database errors.
pub async fn own_case(store: &Store, customer_id: i64, case_id: i64) -> Result<CaseRecord, PortalError> {
    match store.get_case(case_id).await {
        Ok(case) if case.customer_id == Some(customer_id) => Ok(case),
        Ok(_) | Err(StoreError::NotFound) => Err(PortalError::NotFound(format!("case {case_id}"))),
        Err(e) => Err(e.into()),
    }
}

fn row(r: &CaseRecord) -> PortalCaseRow {
    PortalCaseRow {
        case_id: r.abuse_case_id,
        source_ip: r.source_ip.clone(),
        report_type: r.report_type.clone(),
        role: r.role.clone(),
        status: CaseStatus::parse(&r.status).unwrap_or(CaseStatus::New),
        unique_complaints: r.unique_complaints,
        received: r.received,
        reporters: r.reporters,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
    }
}

/// The portal's first page: the customer's account status, cases and 30-day chart.
///
/// # Errors
/// Database errors.
pub async fn home(store: &Store, customer_id: i64, now: DateTime<Utc>) -> Result<PortalHome, PortalError> {
    let customer = store.get_customer(customer_id).await?;
    let cases = store.customer_cases(customer_id, 500).await?.iter().map(row).collect();
    let chart_svg = case_views::customer_chart(store, customer_id, &customer.name, now).await?;
    Ok(PortalHome {
        customer_name: customer.name,
        account_ref: customer.account_ref,
        account_status: customer.status,
        cases,
        chart_svg,
    })
}

/// One of the customer's cases.
///
/// # Errors
/// [`PortalError::NotFound`] for another customer's case; database errors.
pub async fn case_detail(
    store: &Store,
    customer_id: i64,
    case_id: i64,
    granularity: Granularity,
    appeal_days: i64,
    now: DateTime<Utc>,
) -> Result<PortalCaseDetail, PortalError> {
    let record = own_case(store, customer_id, case_id).await?;
    let chart_svg = case_views::case_chart(store, &record, granularity, now).await?;
    let records = store.case_reports(case_id, PORTAL_REPORTS, 0).await?;
    let evidence = evidence::case_evidence(store, case_id, &record.source_ip).await?;
    let reports: Vec<PortalReport> = records
        .into_iter()
        .map(|r| PortalReport {
            reporter: evidence::public_reporter(&r.reporter),
            at: r.incident_time.unwrap_or(r.first_received_at),
            duplicate_reason: case_views::reason_label(r.duplicate_reason.as_deref(), r.unique_in_case),
            unique: r.unique_in_case,
        })
        .collect();
    let disputes = disputes::case_disputes(store, case_id).await?;
    Ok(PortalCaseDetail {
        explanation: case_views::explanation(&case_views::counts(&record)),
        row: row(&record),
        granularity: granularity.as_str().to_owned(),
        chart_svg,
        reports,
        evidence,
        decisions: decisions_in_force(store, case_id, &disputes, appeal_days, now).await?,
        disputes,
    })
}

/// The case's decisions that took effect, with their statement of reasons and appeal window.
///
/// # Errors
/// Database errors.
pub async fn decisions_in_force(
    store: &Store,
    case_id: i64,
    disputes: &[DisputeView],
    appeal_days: i64,
    now: DateTime<Utc>,
) -> Result<Vec<PortalDecision>, PortalError> {
    let mut out = Vec::new();
    for d in store.case_decisions(case_id).await? {
        let (Some(at), Some(kind)) = (d.in_force_at(), DecisionKind::parse(&d.kind)) else { continue };
        let open_appeal = disputes.iter().any(|x| x.decision_id == Some(d.decision_id) && x.status == DisputeStatus::Open);
        out.push(PortalDecision {
            id: d.decision_id,
            kind: d.kind,
            kind_label: kind.label().to_owned(),
            reason: d.reason,
            evidence: d.evidence,
            policy: d.policy,
            in_force_at: at,
            reverses: d.reverses_decision_id,
            appeal_until: appeal_until(kind, at, appeal_days),
            can_appeal: may_appeal(kind, at, appeal_days, now, open_appeal).is_ok(),
        });
    }
    Ok(out)
}

/// The customer's cases as CSV (the portal's export): counts only, nothing about complainants.
///
/// # Errors
/// Database errors.
pub async fn cases_csv(store: &Store, customer_id: i64) -> Result<String, PortalError> {
    let mut out = String::from("case,address,type,role,status,unique_complaints,received_reports,reporters,first_seen,last_seen\n");
    let stamp = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    for c in store.customer_cases(customer_id, 10_000).await? {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            c.abuse_case_id,
            c.source_ip,
            c.report_type,
            c.role,
            c.status,
            c.unique_complaints,
            c.received,
            c.reporters,
            stamp(c.first_seen),
            stamp(c.last_seen)
        ));
    }
    Ok(out)
}
