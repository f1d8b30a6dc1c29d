//! What a page says while it waits and when it fails, and the outcome of a form (an error or a
//! confirmation), announced to screen readers.

use leptos::prelude::*;

use crate::error::AppError;

/// Shows an action's result: nothing before it ran, the error if it failed, `success` if it worked.
#[component]
pub fn ActionNotice<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, AppError>>>,
    success: fn(&T) -> String,
) -> impl IntoView {
    move || {
        result.get().map(|r| match r {
            Ok(value) => view! { <p class="notice ok" role="status">{success(&value)}</p> }.into_any(),
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    }
}

/// What a page shows while its data loads (every `Suspense` and `Transition` fallback).
pub fn loading() -> impl IntoView {
    view! { <p class="muted">"Loading…"</p> }
}

/// What a page shows when its data could not be loaded: the client-safe error, as an alert.
pub fn load_failed(e: &AppError) -> AnyView {
    view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any()
}
