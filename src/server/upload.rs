//! `POST /messages/upload`: staff upload one message file from the intake page. A plain multipart form, so
//! it works without JavaScript; the answer is a redirect to the stored message (or back with the reason).

use axum::extract::{Multipart, State};
use axum::response::Response;

use super::extract::Staff;
use super::form::{back_with, Form};
use super::state::AppState;
use crate::intake::{self, IntakeError};
use crate::store::Channel;

fn refused(error: &str) -> Response {
    back_with("/messages", "error", error, "")
}

/// Stores and parses the uploaded file.
pub async fn upload_message(Staff(user): Staff, State(state): State<AppState>, form: Multipart) -> Response {
    let form = match Form::read(form).await {
        Ok(form) => form,
        Err(why) => return refused(&why),
    };
    let Some((_, raw)) = form.file("message") else {
        return refused("Choose a message file to upload.");
    };
    let recipient = form.text("recipient").map(|r| r.trim().to_owned());
    let limit = state.settings.max_message_bytes;
    match intake::receive(&state.store, raw, Channel::Upload, recipient.as_deref(), limit).await {
        Ok(receipt) => {
            tracing::info!(by = %user.user_id, message.id = receipt.inbound_message_id, "message uploaded");
            let notice = if receipt.copy {
                "These exact bytes were already stored; the upload was recorded as a copy.".to_owned()
            } else {
                format!("Stored. {} report(s) found.", receipt.reports)
            };
            back_with(&format!("/messages/{}", receipt.inbound_message_id), "notice", &notice, "")
        }
        Err(e @ (IntakeError::Empty | IntakeError::TooLarge { .. })) => refused(&format!("Not stored: {e}.")),
        Err(IntakeError::Store(e)) => {
            tracing::error!(error = %e, "upload: message not stored");
            refused("The message could not be stored. Please try again.")
        }
    }
}
