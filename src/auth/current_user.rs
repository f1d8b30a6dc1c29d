//! The signed-in user of the current request, and the role check every server function starts with.
//!
//! The access middleware (server::access) resolves the user once per request and puts it into the request
//! extensions; server functions read it from there through the request parts Leptos provides.

use crate::domain::role::Role;
pub use crate::domain::user::CurrentUser;
use crate::error::AppError;

/// The signed-in user, if any. Only reads: for callers to whom "nobody" is a normal answer.
pub fn signed_in_user() -> Option<CurrentUser> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
}

/// The signed-in user, or `Unauthorized`. A user who still has a one-time password is let through:
/// only for the functions that exist to change it.
pub fn require_signed_in() -> Result<CurrentUser, AppError> {
    signed_in_user().ok_or_else(|| AppError::Unauthorized.with_response_status())
}

/// The signed-in user if their role is one of `roles`; otherwise `Unauthorized` or `Forbidden`.
/// Call it first in every server function (default deny).
pub fn require(roles: &[Role]) -> Result<CurrentUser, AppError> {
    let user = require_signed_in()?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired.with_response_status());
    }
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden.with_response_status())
    }
}

