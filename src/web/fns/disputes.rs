//! The desk's side of disputes and appeals: read a case's disputes, reply and settle, and the managers'
//! queue of open appeals. Staff only; settling an appeal also needs a manager with no part in the decision
//! (checked in `portal::disputes`).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::access::STAFF;
use crate::domain::dispute::DisputeView;
use crate::error::AppError;

/// A case's disputes and appeals with their threads.
#[server(endpoint = "case_disputes")]
pub async fn case_disputes(case_id: i64) -> Result<Vec<DisputeView>, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    Ok(crate::portal::disputes::case_disputes(&state.store, case_id).await?)
}

/// The desk replies in a dispute; `status` is answered, accepted or rejected.
#[server(endpoint = "answer_dispute")]
pub async fn answer_dispute(dispute_id: i64, body: String, status: String) -> Result<(), AppError> {
    use crate::domain::dispute::DisputeStatus;
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let status = DisputeStatus::parse(status.trim())
        .ok_or_else(|| AppError::invalid("status", "choose answered, accepted or rejected").with_response_status())?;
    crate::portal::disputes::staff_reply(&state.store, &user, dispute_id, &body, status).await?;
    tracing::info!(by = %user.user_id, dispute.id = dispute_id, status = status.code(), "dispute answered");
    Ok(())
}

/// Open appeals across all cases, for the managers' review page.
#[server(endpoint = "list_appeals")]
pub async fn list_appeals() -> Result<Vec<DisputeView>, AppError> {
    use crate::domain::role::Role;
    crate::auth::require(&[Role::Manager, Role::Admin])?;
    let state = super::app_state()?;
    Ok(crate::portal::disputes::open_appeals(&state.store).await?)
}
