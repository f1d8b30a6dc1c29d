//! Customers, who held an address when (the lookup), and the queue of reports nobody could be named for.
//! Staff only: these pages name complainants' targets and customers' private details.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::messages::ReportRow;
#[cfg(feature = "ssr")]
use crate::domain::access::STAFF;
use crate::domain::attribution::{AssignmentView, AttributionChangeView, LookupView, UnattributedView};
use crate::domain::customer::CustomerView;
use crate::error::AppError;

/// Rows per page of the customer list and the unattributed queue.
pub const PAGE_SIZE: i64 = 50;

/// A customer with their assignments and the reports attributed to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: CustomerView,
    /// Every case about the customer's addresses, most unique complaints first.
    pub cases: Vec<crate::domain::case::CaseRow>,
    /// Unique complaints and received reports per day over the last 30 days (server-rendered SVG).
    pub chart_svg: String,
    pub assignments: Vec<AssignmentView>,
    pub reports: Vec<ReportRow>,
    /// The customer's portal accounts.
    pub portal_accounts: Vec<crate::domain::user::UserView>,
}

/// A page of the unattributed queue, the total, and the latest changes of attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnattributedList {
    pub total: i64,
    pub reports: Vec<UnattributedView>,
    pub changes: Vec<AttributionChangeView>,
}

/// Customers matching `search` (account reference, name or e-mail; all when empty).
#[server(endpoint = "list_customers")]
pub async fn list_customers(search: String, page: i64) -> Result<Vec<CustomerView>, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let offset = page.max(0).saturating_mul(PAGE_SIZE);
    Ok(state.store.list_customers(search.trim(), PAGE_SIZE, offset).await?)
}

/// One customer, with assignments and attributed reports.
#[server(endpoint = "get_customer")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let customer = state.store.get_customer(id).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => AppError::NotFound { what: format!("customer {id}") },
        other => other.into(),
    })?;
    let assignments = state.store.customer_assignments(id, 200).await?;
    let reports = state.store.list_customer_reports(id, 200).await?;
    let now = crate::store::now();
    let cases = crate::cases::views::case_rows(&state.store, state.store.customer_cases(id, 200).await?, now).await?;
    let chart_svg = crate::cases::views::customer_chart(&state.store, id, &customer.account_ref, now).await?;
    let portal_accounts = state.store.customer_accounts(id).await?.iter().map(|a| a.to_view()).collect();
    Ok(CustomerDetail {
        customer,
        cases,
        chart_svg,
        assignments,
        reports: reports.into_iter().map(ReportRow::from).collect(),
        portal_accounts,
    })
}

/// Invites a customer to the portal: creates a portal account linked to this customer with a one-time
/// password, shown once to the staff member to pass on (the invitation code).
#[server(endpoint = "invite_to_portal")]
pub async fn invite_to_portal(
    customer_id: i64,
    username: String,
    display_name: String,
) -> Result<super::users::IssuedCredentials, AppError> {
    let staff = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    state.store.get_customer(customer_id).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => AppError::NotFound { what: format!("customer {customer_id}") }.with_response_status(),
        other => other.into(),
    })?;
    let by = crate::audit::Actor::user(&staff);
    let issued = crate::auth::accounts::create_portal_account(&state.store, &by, customer_id, &username, &display_name, None).await?;
    tracing::info!(by = %staff.user_id, user.id = %issued.account.user_id, customer.id = customer_id, "portal account created");
    Ok(super::users::IssuedCredentials { username: issued.account.username, one_time_password: issued.one_time_password })
}

/// Who held `ip` (and `port`, for CGNAT) at `at`: RFC 3339, or a browser's `YYYY-MM-DDTHH:MM` read as UTC;
/// empty means now.
#[server(endpoint = "lookup_address")]
pub async fn lookup_address(ip: String, port: String, at: String) -> Result<LookupView, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let (ip, port, at) = lookup_query(&ip, &port, &at).map_err(AppError::with_response_status)?;
    Ok(crate::attribution::attribute::lookup_view(&state.store, ip, port, at).await?)
}

#[cfg(feature = "ssr")]
fn lookup_query(
    ip: &str,
    port: &str,
    at: &str,
) -> Result<(std::net::IpAddr, Option<u16>, chrono::DateTime<chrono::Utc>), AppError> {
    use chrono::Utc;
    let ip = ip.trim().parse().map_err(|_| AppError::invalid("ip", "not an IPv4 or IPv6 address"))?;
    let port = match port.trim() {
        "" => None,
        p => Some(p.parse::<u16>().map_err(|_| AppError::invalid("port", "a port is a number from 0 to 65535"))?),
    };
    let at = match at.trim() {
        "" => crate::store::now(),
        t => chrono::DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").map(|t| t.and_utc()))
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
            .map_err(|_| AppError::invalid("at", "give the moment as 2026-11-24T10:15:00Z"))?,
    };
    Ok((ip, port, at))
}

/// Reports nobody could be named for, newest first, with the latest changes of attribution.
#[server(endpoint = "list_unattributed")]
pub async fn list_unattributed(page: i64) -> Result<UnattributedList, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let offset = page.max(0).saturating_mul(PAGE_SIZE);
    let (rows, total) = state.store.list_unattributed(PAGE_SIZE, offset).await?;
    let mut reports = Vec::with_capacity(rows.len());
    for row in rows {
        let ids: Vec<i64> =
            row.attribution_candidates.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default();
        let reason = crate::attribution::holding::UnattributedReason::from_code(&row.attribution);
        reports.push(UnattributedView {
            report_id: row.report_id,
            message_id: row.inbound_message_id,
            report_type: row.report_type,
            reporter: row.reporter,
            source_ip: row.source_ip,
            source_port: row.source_port.and_then(|p| u16::try_from(p).ok()),
            at: row.incident_time.unwrap_or(row.first_received_at),
            at_is_incident: row.incident_time.is_some(),
            reason_label: reason.map(|r| r.label().to_owned()).unwrap_or_else(|| row.attribution.replace('_', " ")),
            reason: row.attribution,
            candidates: state.store.customer_briefs(&ids).await?,
        });
    }
    let changes = state.store.list_attribution_changes(None, 20).await?;
    Ok(UnattributedList { total, reports, changes })
}
