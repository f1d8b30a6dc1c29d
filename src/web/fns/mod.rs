//! Server functions, one file per area. Each one starts by checking the caller's role (`auth::require`).

pub mod cases;
pub mod audit;
pub mod casework;
pub mod customers;
pub mod disputes;
pub mod imports;
pub mod messages;
pub mod notifications;
pub mod overview;
pub mod portal;
pub mod session;
pub mod tokens;
pub mod users;

/// The application state, as Leptos provides it to every server function.
#[cfg(feature = "ssr")]
pub(crate) fn app_state() -> Result<crate::server::AppState, crate::error::AppError> {
    leptos::prelude::use_context::<crate::server::AppState>()
        .ok_or_else(|| crate::error::AppError::Internal { ref_id: "no-state".into() })
}
