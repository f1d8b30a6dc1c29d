//! `POST /api/v1/messages`: the machine way in. The body is one raw message (`message/rfc822`), the caller
//! presents an ingest token (`Authorization: Bearer adk_…`), and `?recipient=abuse@…` (or the
//! `X-Envelope-To` header) names the mailbox it was delivered to.
//!
//! Answers: 201 with the receipt when stored, 200 when the same bytes were already stored (a copy was
//! recorded), 400 for an empty body, 401 without a valid token, 413 over the size limit, 503 when the
//! message could not be stored (the caller should retry). Never 2xx for a message that was not stored.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::extract::Ingester;
use super::state::AppState;
use crate::error::AppError;
use crate::intake::{self, IntakeError};
use crate::store::Channel;

/// Query parameters of the ingest call.
#[derive(Debug, Deserialize)]
pub struct IngestQuery {
    recipient: Option<String>,
}

/// Stores and parses one posted message.
pub async fn receive_message(
    _: Ingester,
    State(state): State<AppState>,
    Query(query): Query<IngestQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let limit = state.settings.max_message_bytes;
    let too_large = || {
        tracing::warn!(limit, "ingest API: message over the size limit refused");
        AppError::TooLarge(format!("the message is over the limit of {limit} bytes"))
    };
    let raw = match axum::body::to_bytes(body, limit.saturating_add(1)).await {
        Ok(raw) if raw.len() <= limit => raw,
        Ok(_) | Err(_) => return Err(too_large()),
    };
    let recipient = query
        .recipient
        .or_else(|| headers.get("x-envelope-to").and_then(|v| v.to_str().ok()).map(str::to_owned));
    match intake::receive(&state.store, &raw, Channel::Api, recipient.as_deref(), limit).await {
        Ok(receipt) => {
            let status = if receipt.copy { StatusCode::OK } else { StatusCode::CREATED };
            Ok((status, Json(receipt)).into_response())
        }
        Err(e @ IntakeError::Empty) => Err(AppError::invalid("message", e.to_string())),
        Err(e @ IntakeError::TooLarge { .. }) => Err(AppError::TooLarge(e.to_string())),
        // Whatever kept the message from being stored, the client must send it again: never a 2xx, and a
        // 503 rather than a 500 so it does.
        Err(IntakeError::Store(e)) => Err(AppError::unavailable(&e)),
    }
}
