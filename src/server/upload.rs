//! `POST /messages/upload`: staff upload one message file from the intake page. A plain multipart form, so
//! it works without JavaScript; the answer is a redirect to the stored message (or back with the reason).

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::state::AppState;
use crate::domain::access::STAFF;
use crate::domain::user::CurrentUser;
use crate::intake::{self, IntakeError};
use crate::store::Channel;

fn back_with(error: &str) -> Response {
    let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("error", error).finish();
    Redirect::to(&format!("/messages?{query}")).into_response()
}

/// Stores and parses the uploaded file.
pub async fn upload_message(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    mut form: Multipart,
) -> Response {
    let Some(Extension(user)) = user else {
        return Redirect::to("/login?next=%2Fmessages").into_response();
    };
    if !STAFF.contains(&user.role) || user.must_change_password {
        return (StatusCode::FORBIDDEN, "Forbidden: uploading messages is for abuse staff.\n").into_response();
    }
    let (mut raw, mut recipient) = (None, None);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                match (name.as_str(), field.bytes().await) {
                    ("message", Ok(bytes)) => raw = Some(bytes),
                    ("recipient", Ok(bytes)) => recipient = Some(String::from_utf8_lossy(&bytes).trim().to_owned()),
                    (_, Ok(_)) => {}
                    (_, Err(e)) => return back_with(&format!("The upload could not be read: {}", e.body_text())),
                }
            }
            Ok(None) => break,
            Err(e) => return back_with(&format!("The upload could not be read: {}", e.body_text())),
        }
    }
    let Some(raw) = raw else {
        return back_with("Choose a message file to upload.");
    };
    let limit = state.settings.max_message_bytes;
    match intake::receive(&state.store, &raw, Channel::Upload, recipient.as_deref(), limit).await {
        Ok(receipt) => {
            tracing::info!(by = %user.user_id, message.id = receipt.inbound_message_id, "message uploaded");
            let notice = if receipt.copy {
                "These exact bytes were already stored; the upload was recorded as a copy.".to_owned()
            } else {
                format!("Stored. {} report(s) found.", receipt.reports)
            };
            let query: String =
                url::form_urlencoded::Serializer::new(String::new()).append_pair("notice", &notice).finish();
            Redirect::to(&format!("/messages/{}?{query}", receipt.inbound_message_id)).into_response()
        }
        Err(e @ (IntakeError::Empty | IntakeError::TooLarge { .. })) => back_with(&format!("Not stored: {e}.")),
        Err(IntakeError::Store(e)) => {
            tracing::error!(error = %e, "upload: message not stored");
            back_with("The message could not be stored. Please try again.")
        }
    }
}
