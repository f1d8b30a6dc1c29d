//! The triage queue and case pages: staff only. The queue view arrives as the page's URL query, so the same
//! text drives the page, the JSON API and the CSV export.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::access::STAFF;
use crate::domain::case::{CaseDetail, CasePage};
use crate::error::AppError;

/// The queue view described by `query` (`type=spam&status=new&sort=last_7d&…`, as in the page URL).
#[server(endpoint = "list_cases")]
pub async fn list_cases(query: String) -> Result<CasePage, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let filter = crate::domain::case::CaseFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Ok(crate::cases::views::case_page(&state.store, &filter, crate::domain::case::CASE_PAGE_SIZE, crate::store::now()).await?)
}

/// One case with its arithmetic, chart (`granularity`: hour, day or week) and reports.
#[server(endpoint = "get_case")]
pub async fn get_case(id: i64, granularity: String) -> Result<CaseDetail, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let granularity = crate::triage::rates::Granularity::parse(&granularity).unwrap_or(crate::triage::rates::Granularity::Day);
    crate::cases::views::case_detail(&state.store, id, granularity, crate::store::now()).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => AppError::NotFound { what: format!("case {id}") }.with_response_status(),
        other => other.into(),
    })
}

/// Changes a case's status (recorded with who did it); closing needs a decision in force, "decided" is
/// set by decisions only.
#[server(endpoint = "set_case_status")]
pub async fn set_case_status(id: i64, status: String) -> Result<(), AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let status = crate::domain::case::CaseStatus::parse(&status)
        .ok_or_else(|| AppError::invalid("status", "choose one of the listed statuses").with_response_status())?;
    let changed = crate::casework::set_status(&state.store, &user, id, status).await?;
    if changed {
        tracing::info!(by = %user.user_id, case.id = id, status = status.code(), "case status changed");
    }
    Ok(())
}

/// Usernames cases can be assigned to: active staff.
#[server(endpoint = "list_assignees")]
pub async fn list_assignees() -> Result<Vec<(i64, String)>, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let users = state.store.list_users().await?;
    Ok(users
        .into_iter()
        .filter(|u| u.disabled_at.is_none() && STAFF.contains(&u.role))
        .map(|u| (u.user_id.0, u.username))
        .collect())
}
