//! The customer portal's server functions: customer accounts only, each scoped to the account's own
//! customer record (another customer's case is "not found"). Opening disputes and replying with
//! attachments are plain multipart routes (`server::portal_routes`).

use leptos::prelude::*;

use crate::domain::portal::{PortalCaseDetail, PortalHome};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn customer() -> Result<(crate::domain::user::CurrentUser, i64), AppError> {
    let user = crate::auth::require(&[crate::domain::role::Role::Customer])?;
    let customer_id = crate::portal::customer_of(&user)?;
    Ok((user, customer_id))
}

/// The portal's first page: account status, cases and the 30-day chart.
#[server(endpoint = "load_portal")]
pub async fn load_portal() -> Result<PortalHome, AppError> {
    let (_, customer_id) = customer()?;
    let state = super::app_state()?;
    Ok(crate::portal::home(&state.store, customer_id, crate::store::now()).await?)
}

/// One of the customer's cases with redacted evidence, decisions in force and disputes.
#[server(endpoint = "load_portal_case")]
pub async fn load_portal_case(id: i64, granularity: String) -> Result<PortalCaseDetail, AppError> {
    let (_, customer_id) = customer()?;
    let state = super::app_state()?;
    let granularity = crate::triage::rates::Granularity::parse(&granularity).unwrap_or(crate::triage::rates::Granularity::Day);
    let days = state.settings.appeal_days;
    Ok(crate::portal::case_detail(&state.store, customer_id, id, granularity, days, crate::store::now()).await?)
}
