//! The one error type that crosses the network boundary.
//!
//! Every variant is safe to show to a client. Internal causes (database, I/O) are logged once on the
//! server with a reference id and replaced by `Internal { ref_id }`, so nothing sensitive is ever sent.

use serde::{Deserialize, Serialize};

/// A client-safe error, returned by server functions and the HTTP API alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("please sign in")]
    Unauthorized,
    #[error("you do not have access to this")]
    Forbidden,
    #[error("please change your one-time password first")]
    PasswordChangeRequired,
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// A rule of the desk refused the action (an incomplete investigation, approving one's own proposal);
    /// the message says which and is safe to show.
    #[error("refused: {0}")]
    Refused(String),
    /// The database failed the request (down, busy, or it refused a statement): the action's transaction was
    /// rolled back, nothing was done and the same request may be sent again, which a 503 tells programs
    /// (an ingest client, a monitor) to do.
    #[error("the desk cannot answer right now; please try again later (reference {ref_id})")]
    Unavailable { ref_id: String },
    /// The request is over a size budget; the message names the limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("something went wrong on our side (reference {ref_id})")]
    Internal { ref_id: String },
    #[error("request failed: {0}")]
    ServerFn(String),
}

impl AppError {
    /// Shorthand for a validation error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.to_owned(), message: message.into() }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod server_side {
    use super::AppError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    impl AppError {
        /// Logs an internal failure with its whole cause chain and returns the opaque variant.
        pub fn internal(cause: &(dyn std::error::Error + 'static)) -> Self {
            let ref_id = logged(cause, "internal error");
            AppError::Internal { ref_id }
        }

        /// Logs a failure to reach the database and returns the retryable variant (503).
        pub fn unavailable(cause: &(dyn std::error::Error + 'static)) -> Self {
            let ref_id = logged(cause, "database unavailable");
            AppError::Unavailable { ref_id }
        }

        /// Sets this error's status on the response being built, when there is one (inside a server
        /// function or page render); server functions would otherwise answer every error with 500.
        pub fn with_response_status(self) -> Self {
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(self.status_code());
            }
            self
        }

        /// The HTTP status this error maps to.
        pub fn status_code(&self) -> StatusCode {
            match self {
                AppError::NotFound { .. } => StatusCode::NOT_FOUND,
                AppError::Unauthorized => StatusCode::UNAUTHORIZED,
                AppError::Forbidden | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
                AppError::Invalid { .. } | AppError::ServerFn(_) => StatusCode::BAD_REQUEST,
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
                AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }
    }

    /// Logs `cause` with its whole chain under a fresh reference id, which the client is shown.
    fn logged(cause: &(dyn std::error::Error + 'static), what: &str) -> String {
        let ref_id = format!("{:08x}", rand::random::<u32>());
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(ref_id = %ref_id, error = %chain, "{what}");
        ref_id
    }

    impl From<crate::store::StoreError> for AppError {
        fn from(e: crate::store::StoreError) -> Self {
            match e {
                // A database error rolled the whole action back (every action is one transaction), so nothing
                // was changed and the same request may be sent again: 503, whether the database was down,
                // busy or refused a statement. Stored data that cannot be read is ours to fix: 500.
                crate::store::StoreError::Db(_) => AppError::unavailable(&e),
                crate::store::StoreError::NotFound => AppError::NotFound { what: "record".into() },
                crate::store::StoreError::Conflict { constraint } => {
                    AppError::Conflict(format!("already exists ({constraint})"))
                }
                other => AppError::internal(&other),
            }
        }
    }

    impl From<crate::casework::CaseworkError> for AppError {
        fn from(e: crate::casework::CaseworkError) -> Self {
            use crate::casework::CaseworkError;
            let error = match e {
                CaseworkError::Refused(refusal) => AppError::Refused(refusal.to_string()),
                CaseworkError::Invalid(message) => AppError::Refused(message),
                CaseworkError::NotFound(what) => AppError::NotFound { what },
                CaseworkError::Store(e) => e.into(),
            };
            error.with_response_status()
        }
    }

    impl From<crate::portal::PortalError> for AppError {
        fn from(e: crate::portal::PortalError) -> Self {
            use crate::portal::PortalError;
            let error = match e {
                PortalError::Refused(refusal) => AppError::Refused(refusal.to_string()),
                PortalError::NotFound(what) => AppError::NotFound { what },
                PortalError::Forbidden => AppError::Forbidden,
                PortalError::Store(e) => e.into(),
            };
            error.with_response_status()
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(e: tower_sessions::session::Error) -> Self {
            AppError::internal(&e)
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let body = serde_json::json!({ "error": self.to_string(), "detail": self });
            (self.status_code(), axum::Json(body)).into_response()
        }
    }
}
