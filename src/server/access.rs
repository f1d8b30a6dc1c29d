//! The two request guards: same-origin checks for writes (CSRF), and page access by role.
//!
//! `page_guard` resolves the signed-in user once per request and leaves it in the request extensions, where
//! server functions find it (`auth::require`). Pages are checked here against `domain::access::PAGES`;
//! server functions check their own role, since each has its own rule.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::state::AppState;
use crate::auth::csrf;
use crate::auth::session::UserSession;
use crate::domain::access::{find_page, Page};
use crate::domain::user::CurrentUser;
use crate::error::AppError;

/// Refuses state-changing requests that do not come from this site (see `auth::csrf`).
pub async fn csrf_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match csrf::check_request(req.method(), req.headers(), &state.settings.trusted_origins) {
        Ok(()) => next.run(req).await,
        Err(refusal) => {
            tracing::warn!(path = %req.uri().path(), %refusal, "refused a cross-site request");
            (StatusCode::FORBIDDEN, format!("Forbidden: {refusal}.\n")).into_response()
        }
    }
}

/// Resolves the signed-in user and enforces page access.
pub async fn page_guard(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/pkg/") {
        return next.run(req).await;
    }
    let user = match UserSession(session).signed_in_account(&state.store).await {
        Ok(account) => account.map(|a| a.current_user()),
        Err(e) => return AppError::internal(&e).into_response(),
    };
    if let Some(user) = &user {
        req.extensions_mut().insert(user.clone());
    }
    if req.method() == axum::http::Method::GET {
        if let Some(page) = find_page(&path) {
            let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            if let Some(refusal) = decide_page(page, user.as_ref(), target) {
                return refusal;
            }
        }
    }
    next.run(req).await
}

/// `None` lets the request through; otherwise the redirect or refusal to send.
fn decide_page(page: &Page, user: Option<&CurrentUser>, target: &str) -> Option<Response> {
    match user {
        Some(_) if page.path == "/login" => Some(Redirect::to("/").into_response()),
        Some(u) if u.must_change_password && page.path != "/account" && page.access.allows(Some(u.role)) => {
            Some(Redirect::to("/account").into_response())
        }
        Some(u) if !page.access.allows(Some(u.role)) => Some(forbidden_page(u)),
        // A customer's front page is the portal (their cases), not the desk's.
        Some(u) if page.path == "/" && u.role == crate::domain::role::Role::Customer => {
            Some(Redirect::to("/portal").into_response())
        }
        None if !page.access.allows(None) => Some(sign_in_first(target)),
        _ => None,
    }
}

/// The sign-in page, coming back to `target` (a local path) afterwards.
pub(super) fn sign_in_first(target: &str) -> Response {
    let next: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("next", target).finish();
    Redirect::to(&format!("/login?{next}")).into_response()
}

/// The no-access page: what a signed-in browser sees when its role may not open a page or call a route.
pub(super) fn forbidden_page(user: &CurrentUser) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>No access · abusedesk</title>\
         <link rel=\"stylesheet\" href=\"/pkg/abusedesk.css\"></head><body><main class=\"page narrow\">\
         <h1>No access</h1><p>You are signed in as <strong>{}</strong> ({}), and this page is not open to \
         that role.</p><p><a href=\"/\">Back to the overview</a></p></main></body></html>",
        html_escape(&user.username),
        user.role.label()
    );
    (StatusCode::FORBIDDEN, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
