//! `GET /admin/audit.csv` and `GET /admin/audit.json`: the whole audit log for admins, with every hash, so
//! an export can be verified elsewhere.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::extract::Admin;
use super::state::AppState;
use crate::error::AppError;

async fn export(state: &AppState, json: bool) -> Result<Response, AppError> {
    let entries = state.store.audit_entries(0, i64::MAX).await?;
    let mut body = Vec::new();
    let (kind, name) = if json {
        crate::audit::export::write_json_lines(&entries, &mut body).map_err(|e| AppError::internal(&e))?;
        ("application/x-ndjson", "audit.json")
    } else {
        crate::audit::export::write_csv(&entries, &mut body).map_err(|e| AppError::internal(&e))?;
        ("text/csv; charset=utf-8", "audit.csv")
    };
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, kind.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response())
}

/// The log as CSV.
pub async fn export_csv(_: Admin, State(state): State<AppState>) -> Result<Response, AppError> {
    export(&state, false).await
}

/// The log as JSON lines.
pub async fn export_json(_: Admin, State(state): State<AppState>) -> Result<Response, AppError> {
    export(&state, true).await
}
