//! Plain routes of the customer portal and of dispute attachments:
//! * `POST /portal/cases/{id}/disputes`: a customer disputes its case, or appeals a decision on it
//!   (`decision_id`), with an optional attachment; a multipart form that works without JavaScript;
//! * `POST /portal/disputes/{id}/reply`: the customer writes again in its dispute;
//! * `GET /portal/cases.csv`: the customer's cases as CSV;
//! * `GET /disputes/attachments/{id}`: an attachment, for staff or the customer whose dispute it is.
//!
//! Each answers a form with a redirect back to the case, carrying a notice or the reason for a refusal.

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::extract::{PortalCustomer, SignedIn};
use super::form::{back_with, Form};
use super::state::AppState;
use crate::error::AppError;
use crate::portal::disputes::{self, Filed, Upload};
use crate::portal::{self, PortalError};

/// A dispute form's fields.
struct DisputeForm {
    body: String,
    decision_id: Option<i64>,
    form: Form,
}

impl DisputeForm {
    fn of(form: Form) -> Self {
        let body = form.text("body").unwrap_or_default();
        let decision_id = form.text("decision_id").and_then(|d| d.trim().parse().ok());
        DisputeForm { body, decision_id, form }
    }

    fn upload(&self) -> Option<Upload<'_>> {
        self.form.file("attachment").map(|(file_name, content)| Upload { file_name, content })
    }
}

fn back(case_id: i64, key: &str, text: &str) -> Response {
    back_with(&format!("/portal/cases/{case_id}"), key, text, "#disputes")
}

/// Not this customer's, or not there: the same answer, so the portal never tells which.
fn not_found() -> AppError {
    AppError::NotFound { what: "page".into() }
}

fn answer(case_id: i64, result: Result<Filed, PortalError>, done: &str) -> Result<Response, AppError> {
    Ok(match result {
        Ok(Filed { attachment_refused: None, .. }) => back(case_id, "notice", done),
        Ok(Filed { attachment_refused: Some(why), .. }) => {
            back(case_id, "error", &format!("{done} The attachment was not kept: {why}."))
        }
        Err(PortalError::Refused(why)) => back(case_id, "error", &format!("Not sent: {why}.")),
        Err(PortalError::NotFound(_) | PortalError::Forbidden) => return Err(not_found()),
        Err(PortalError::Store(e)) => {
            tracing::error!(error = %e, "portal: dispute not stored");
            back(case_id, "error", "Your answer could not be stored. Please try again.")
        }
    })
}

/// Opens a dispute or appeal.
pub async fn open_dispute(
    PortalCustomer { user, .. }: PortalCustomer,
    State(state): State<AppState>,
    Path(case_id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let form = match Form::read(form).await {
        Ok(form) => DisputeForm::of(form),
        Err(why) => return Ok(back(case_id, "error", &why)),
    };
    let days = state.settings.appeal_days;
    let (body, decision_id) = (&form.body, form.decision_id);
    let result = disputes::open(&state.store, &user, case_id, body, decision_id, form.upload(), days).await;
    let done = match decision_id {
        Some(_) => "Your appeal was sent to a manager.",
        None => "Your dispute was sent to the abuse desk.",
    };
    answer(case_id, result, done)
}

/// The customer writes again in its dispute.
pub async fn reply(
    PortalCustomer { user, .. }: PortalCustomer,
    State(state): State<AppState>,
    Path(dispute_id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let form = DisputeForm::of(Form::read(form).await.map_err(|why| AppError::invalid("form", why))?);
    let dispute = state.store.get_dispute(dispute_id).await.map_err(|_| not_found())?;
    let case_id = dispute.abuse_case_id;
    let result = disputes::customer_reply(&state.store, &user, dispute_id, &form.body, form.upload()).await;
    answer(case_id, result, "Your reply was sent to the abuse desk.")
}

/// The customer's cases as CSV.
pub async fn cases_csv(customer: PortalCustomer, State(state): State<AppState>) -> Result<Response, AppError> {
    let csv = portal::cases_csv(&state.store, customer.customer_id).await?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
        (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"cases.csv\"")),
    ];
    Ok((headers, csv).into_response())
}

/// An attachment, always as a download (never rendered inline, whatever its type).
pub async fn attachment(
    SignedIn(user): SignedIn,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (meta, bytes) = match disputes::attachment(&state.store, &user, id).await {
        Ok(found) => found,
        Err(PortalError::Store(e)) => return Err(e.into()),
        Err(_) => return Err(not_found()),
    };
    let content_type =
        HeaderValue::from_str(&meta.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", meta.file_name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_DISPOSITION, disposition),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    Ok((headers, bytes).into_response())
}
