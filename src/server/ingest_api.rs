//! `POST /api/v1/messages`: the machine way in. The body is one raw message (`message/rfc822`), the caller
//! presents an ingest token (`Authorization: Bearer adk_…`), and `?recipient=abuse@…` (or the
//! `X-Envelope-To` header) names the mailbox it was delivered to.
//!
//! Answers: 201 with the receipt when stored, 200 when the same bytes were already stored (a copy was
//! recorded), 400 for an empty body, 401 without a valid token, 413 over the size limit, 503 when the
//! message could not be stored (the caller should retry). Never 2xx for a message that was not stored.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::state::AppState;
use crate::auth::ingest_token;
use crate::intake::{self, IntakeError};
use crate::store::Channel;

/// Query parameters of the ingest call.
#[derive(Debug, Deserialize)]
pub struct IngestQuery {
    recipient: Option<String>,
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// Stores and parses one posted message.
pub async fn receive_message(
    State(state): State<AppState>,
    Query(query): Query<IngestQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match ingest_token::check(&state.store, authorization, ingest_token::TokenScope::Ingest).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let mut response = refusal(StatusCode::UNAUTHORIZED, "a valid ingest token is required (Authorization: Bearer …)");
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return response;
        }
        Err(e) => {
            tracing::error!(error = %e, "ingest API: cannot check the token");
            return refusal(StatusCode::SERVICE_UNAVAILABLE, "the desk cannot accept messages right now; try again later");
        }
    }
    let limit = state.settings.max_message_bytes;
    let raw = match axum::body::to_bytes(body, limit.saturating_add(1)).await {
        Ok(raw) if raw.len() <= limit => raw,
        Ok(_) | Err(_) => {
            tracing::warn!(limit, "ingest API: message over the size limit refused");
            return refusal(StatusCode::PAYLOAD_TOO_LARGE, &format!("the message is over the limit of {limit} bytes"));
        }
    };
    let recipient = query
        .recipient
        .or_else(|| headers.get("x-envelope-to").and_then(|v| v.to_str().ok()).map(str::to_owned));
    match intake::receive(&state.store, &raw, Channel::Api, recipient.as_deref(), limit).await {
        Ok(receipt) => {
            let status = if receipt.copy { StatusCode::OK } else { StatusCode::CREATED };
            (status, Json(receipt)).into_response()
        }
        Err(e @ IntakeError::Empty) => refusal(StatusCode::BAD_REQUEST, &e.to_string()),
        Err(e @ IntakeError::TooLarge { .. }) => refusal(StatusCode::PAYLOAD_TOO_LARGE, &e.to_string()),
        Err(IntakeError::Store(e)) => {
            tracing::error!(error = %e, "ingest API: message not stored");
            refusal(StatusCode::SERVICE_UNAVAILABLE, "the message could not be stored; try again later")
        }
    }
}
