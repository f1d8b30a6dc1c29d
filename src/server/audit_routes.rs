//! `GET /admin/audit.csv` and `GET /admin/audit.json`: the whole audit log for admins, with every hash, so
//! an export can be verified elsewhere.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use super::state::AppState;
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;

async fn export(state: &AppState, user: Option<&CurrentUser>, json: bool) -> Response {
    if !user.is_some_and(|u| u.role == Role::Admin && !u.must_change_password) {
        return (StatusCode::FORBIDDEN, "Forbidden: the audit log is for admins.\n").into_response();
    }
    let entries = match state.store.audit_entries(0, i64::MAX).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::error!(error = %e, "audit export failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "The audit log cannot be read right now.\n").into_response();
        }
    };
    let mut body = Vec::new();
    let (written, kind, name) = if json {
        (crate::audit::export::write_json_lines(&entries, &mut body).is_ok(), "application/x-ndjson", "audit.json")
    } else {
        (crate::audit::export::write_csv(&entries, &mut body).is_ok(), "text/csv; charset=utf-8", "audit.csv")
    };
    if !written {
        return (StatusCode::INTERNAL_SERVER_ERROR, "The export could not be written.\n").into_response();
    }
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, kind.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body).into_response()
}

/// The log as CSV.
pub async fn export_csv(State(state): State<AppState>, user: Option<Extension<CurrentUser>>) -> Response {
    export(&state, user.as_deref(), false).await
}

/// The log as JSON lines.
pub async fn export_json(State(state): State<AppState>, user: Option<Extension<CurrentUser>>) -> Response {
    export(&state, user.as_deref(), true).await
}
