//! Plain routes of the customer portal and of dispute attachments:
//! * `POST /portal/cases/{id}/disputes`: a customer disputes its case, or appeals a decision on it
//!   (`decision_id`), with an optional attachment; a multipart form that works without JavaScript;
//! * `POST /portal/disputes/{id}/reply`: the customer writes again in its dispute;
//! * `GET /portal/cases.csv`: the customer's cases as CSV;
//! * `GET /disputes/attachments/{id}`: an attachment, for staff or the customer whose dispute it is.
//!
//! Each answers a form with a redirect back to the case, carrying a notice or the reason for a refusal.

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::state::AppState;
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::portal::disputes::{self, Filed, Upload};
use crate::portal::{self, PortalError};

/// A dispute form's fields.
#[derive(Default)]
struct DisputeForm {
    body: String,
    decision_id: Option<i64>,
    file_name: String,
    file: Vec<u8>,
}

fn back(case_id: i64, key: &str, text: &str) -> Response {
    let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair(key, text).finish();
    Redirect::to(&format!("/portal/cases/{case_id}?{query}#disputes")).into_response()
}

/// Why a request is not the portal's.
enum NotPortal {
    SignedOut,
    NotACustomer,
}

impl IntoResponse for NotPortal {
    fn into_response(self) -> Response {
        match self {
            NotPortal::SignedOut => Redirect::to("/login?next=%2Fportal").into_response(),
            NotPortal::NotACustomer => (StatusCode::FORBIDDEN, "Forbidden: the portal is for customer accounts.\n").into_response(),
        }
    }
}

/// A customer account with a customer, or why not.
fn portal_user(user: Option<Extension<CurrentUser>>) -> Result<CurrentUser, NotPortal> {
    match user {
        None => Err(NotPortal::SignedOut),
        Some(Extension(u)) if u.role == Role::Customer && !u.must_change_password && u.customer_id.is_some() => Ok(u),
        Some(_) => Err(NotPortal::NotACustomer),
    }
}

async fn read_form(mut form: Multipart) -> Result<DisputeForm, String> {
    let mut out = DisputeForm::default();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(out),
            Err(e) => return Err(format!("The form could not be read: {}", e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(|e| format!("The form could not be read: {}", e.body_text()))?;
        match name.as_str() {
            "body" => out.body = String::from_utf8_lossy(&bytes).into_owned(),
            "decision_id" => out.decision_id = String::from_utf8_lossy(&bytes).trim().parse().ok(),
            "attachment" => {
                out.file_name = file_name;
                out.file = bytes.to_vec();
            }
            _ => {}
        }
    }
}

fn answer(case_id: i64, result: Result<Filed, PortalError>, done: &str) -> Response {
    match result {
        Ok(Filed { attachment_refused: None, .. }) => back(case_id, "notice", done),
        Ok(Filed { attachment_refused: Some(why), .. }) => {
            back(case_id, "error", &format!("{done} The attachment was not kept: {why}."))
        }
        Err(PortalError::Refused(why)) => back(case_id, "error", &format!("Not sent: {why}.")),
        Err(PortalError::NotFound(_) | PortalError::Forbidden) => {
            (StatusCode::NOT_FOUND, "Not found.\n").into_response()
        }
        Err(PortalError::Store(e)) => {
            tracing::error!(error = %e, "portal: dispute not stored");
            back(case_id, "error", "Your answer could not be stored. Please try again.")
        }
    }
}

fn upload(form: &DisputeForm) -> Option<Upload<'_>> {
    Some(Upload { file_name: &form.file_name, content: &form.file })
}

/// Opens a dispute or appeal.
pub async fn open_dispute(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(case_id): Path<i64>,
    form: Multipart,
) -> Response {
    let user = match portal_user(user) {
        Ok(u) => u,
        Err(refusal) => return refusal.into_response(),
    };
    let form = match read_form(form).await {
        Ok(f) => f,
        Err(why) => return back(case_id, "error", &why),
    };
    let days = state.settings.appeal_days;
    let result = disputes::open(&state.store, &user, case_id, &form.body, form.decision_id, upload(&form), days).await;
    let done = if form.decision_id.is_some() { "Your appeal was sent to a manager." } else { "Your dispute was sent to the abuse desk." };
    answer(case_id, result, done)
}

/// The customer writes again in its dispute.
pub async fn reply(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(dispute_id): Path<i64>,
    form: Multipart,
) -> Response {
    let user = match portal_user(user) {
        Ok(u) => u,
        Err(refusal) => return refusal.into_response(),
    };
    let form = match read_form(form).await {
        Ok(f) => f,
        Err(why) => return (StatusCode::BAD_REQUEST, format!("{why}\n")).into_response(),
    };
    let Ok(dispute) = state.store.get_dispute(dispute_id).await else {
        return (StatusCode::NOT_FOUND, "Not found.\n").into_response();
    };
    let case_id = dispute.abuse_case_id;
    let result = disputes::customer_reply(&state.store, &user, dispute_id, &form.body, upload(&form)).await;
    answer(case_id, result, "Your reply was sent to the abuse desk.")
}

/// The customer's cases as CSV.
pub async fn cases_csv(State(state): State<AppState>, user: Option<Extension<CurrentUser>>) -> Response {
    let user = match portal_user(user) {
        Ok(u) => u,
        Err(refusal) => return refusal.into_response(),
    };
    let Ok(customer_id) = portal::customer_of(&user) else {
        return StatusCode::FORBIDDEN.into_response();
    };
    match portal::cases_csv(&state.store, customer_id).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"cases.csv\"")),
            ],
            csv,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "portal: cases export failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The export is not available right now; try again later.\n").into_response()
        }
    }
}

/// An attachment, always as a download (never rendered inline, whatever its type).
pub async fn attachment(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(id): Path<i64>,
) -> Response {
    let Some(Extension(user)) = user.filter(|Extension(u)| !u.must_change_password) else {
        return (StatusCode::UNAUTHORIZED, "Please sign in.\n").into_response();
    };
    match disputes::attachment(&state.store, &user, id).await {
        Ok((meta, bytes)) => {
            let content_type = HeaderValue::from_str(&meta.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", meta.file_name))
                .unwrap_or(HeaderValue::from_static("attachment"));
            let headers = [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_DISPOSITION, disposition),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ];
            (headers, bytes).into_response()
        }
        Err(PortalError::Store(e)) => {
            tracing::error!(error = %e, "attachment could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
        Err(_) => (StatusCode::NOT_FOUND, "Not found.\n").into_response(),
    }
}
