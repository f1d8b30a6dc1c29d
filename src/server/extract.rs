//! Who may call a plain route, as axum extractors. A handler names the caller it needs in its signature
//! (`Staff`, `Admin`, `PortalCustomer`, `SignedIn`, `Reader`, `Ingester`) and never runs for anyone else
//! (default deny); the rule is `auth::check`, the one server functions apply through `auth::require`.
//!
//! A refusal answers a browser the way pages do (a sign-in redirect, the change-password page, the no-access
//! page) and a program with `AppError`'s JSON, with `WWW-Authenticate: Bearer` where a token would do.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};

use super::state::AppState;
use crate::auth::{self, ingest_token, ingest_token::TokenScope};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::error::AppError;

/// Why a route refused its caller, and how to say it to this kind of client.
#[derive(Debug)]
pub struct Refusal {
    error: AppError,
    /// The signed-in user, for the no-access page's "signed in as" (boxed: a refusal travels in `Err`).
    user: Option<Box<CurrentUser>>,
    /// A browser (it accepts HTML) is sent where it can act; a program gets JSON.
    browser: bool,
    /// Where signing in should lead back to.
    next: String,
    /// A token would have been accepted: say so in `WWW-Authenticate`, and this in place of "please sign in".
    bearer: Option<&'static str>,
}

impl Refusal {
    fn new(error: AppError, user: Option<CurrentUser>, parts: &Parts) -> Self {
        let browser = accepts_html(&parts.headers);
        Refusal { error, user: user.map(Box::new), browser, next: back_to(parts), bearer: None }
    }

    fn bearer(mut self, hint: &'static str) -> Self {
        self.bearer = Some(hint);
        self
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match (&self.error, self.browser, &self.user) {
            (AppError::Unauthorized, true, _) => super::access::sign_in_first(&self.next),
            (AppError::PasswordChangeRequired, true, _) => Redirect::to("/account").into_response(),
            (AppError::Forbidden, true, Some(user)) => super::access::forbidden_page(user),
            _ => match self.bearer {
                Some(hint) => {
                    let body = serde_json::json!({ "error": hint, "detail": self.error });
                    let mut response = (self.error.status_code(), axum::Json(body)).into_response();
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    response
                }
                None => self.error.into_response(),
            },
        }
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// A GET returns to itself after signing in; a form post to the page it was sent from (same-origin, which
/// the CSRF guard has already made sure of), else the front page.
fn back_to(parts: &Parts) -> String {
    if parts.method == Method::GET {
        return parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".to_owned());
    }
    let referer = parts.headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    referer
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .unwrap_or_else(|| "/".to_owned())
}

fn user_of(parts: &Parts) -> Option<CurrentUser> {
    parts.extensions.get::<CurrentUser>().cloned()
}

/// The signed-in user if `roles` admits them (`auth::check`), or the refusal.
fn caller(parts: &Parts, roles: &[Role]) -> Result<CurrentUser, Refusal> {
    let user = user_of(parts);
    auth::check(user.clone(), roles).map_err(|e| Refusal::new(e, user, parts))
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $roles:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub CurrentUser);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Refusal;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
                caller(parts, $roles).map($name)
            }
        }
    };
}

role_extractor!(
    /// The ISP's abuse staff: analysts, managers and admins.
    Staff,
    Role::STAFF
);
role_extractor!(
    /// Admins only.
    Admin,
    &[Role::Admin]
);
role_extractor!(
    /// Anyone signed in whose password is no longer one-time; the service behind the route decides what
    /// this user may see (a dispute's attachment: staff, or the customer whose dispute it is).
    SignedIn,
    &Role::ALL
);

/// A customer account that belongs to a customer; a customer account without one sees nothing.
#[derive(Clone, Debug)]
pub struct PortalCustomer {
    pub user: CurrentUser,
    pub customer_id: i64,
}

impl<S: Send + Sync> FromRequestParts<S> for PortalCustomer {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Refusal> {
        let user = caller(parts, &[Role::Customer])?;
        match user.customer_id {
            Some(customer_id) => Ok(PortalCustomer { user, customer_id }),
            None => Err(Refusal::new(AppError::Forbidden, Some(user), parts)),
        }
    }
}

/// The bearer token of the request, if any.
fn authorization(parts: &Parts) -> Option<&str> {
    parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

/// May read the queue and cases: a staff session, or a live `read` token (`Authorization: Bearer …`).
#[derive(Clone, Copy, Debug)]
pub struct Reader;

impl FromRequestParts<AppState> for Reader {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refusal> {
        let staff = match caller(parts, Role::STAFF) {
            Ok(_) => return Ok(Reader),
            Err(refusal) => refusal,
        };
        match ingest_token::check(&state.store, authorization(parts), TokenScope::Read).await {
            Ok(Some(_)) => Ok(Reader),
            // Signed in as someone who may not read, without a token: say why, not "sign in".
            Ok(None) if staff.user.is_some() => Err(staff),
            Ok(None) => Err(staff.bearer("sign in as staff or send a read token (Authorization: Bearer …)")),
            Err(e) => Err(Refusal::new(AppError::unavailable(&e), None, parts)),
        }
    }
}

/// May post messages: a live `ingest` token. Programs only, so the refusal is always JSON.
#[derive(Clone, Copy, Debug)]
pub struct Ingester;

impl FromRequestParts<AppState> for Ingester {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Refusal> {
        let refuse = |error: AppError| Refusal { error, user: None, browser: false, next: String::new(), bearer: None };
        match ingest_token::check(&state.store, authorization(parts), TokenScope::Ingest).await {
            Ok(Some(_)) => Ok(Ingester),
            Ok(None) => {
                Err(refuse(AppError::Unauthorized).bearer("a valid ingest token is required (Authorization: Bearer …)"))
            }
            Err(e) => Err(refuse(AppError::unavailable(&e))),
        }
    }
}
