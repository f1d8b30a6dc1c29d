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
    check(signed_in_user(), roles).map_err(AppError::with_response_status)
}

/// The one access rule, for server functions (through [`require`]) and plain routes (through the
/// extractors of `server::extract`) alike: signed in, password no longer one-time, role among `roles`.
pub fn check(user: Option<CurrentUser>, roles: &[Role]) -> Result<CurrentUser, AppError> {
    let user = user.ok_or(AppError::Unauthorized)?;
    if user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if roles.contains(&user.role) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::UserId;

    fn user(role: Role, must_change_password: bool) -> CurrentUser {
        let (username, display_name) = ("ann".to_owned(), "Ann".to_owned());
        CurrentUser { user_id: UserId(1), username, display_name, role, must_change_password, customer_id: None }
    }

    #[test]
    fn nobody_is_unauthorized_a_one_time_password_must_change_first_and_other_roles_are_forbidden() {
        assert_eq!(check(None, &[Role::Admin]), Err(AppError::Unauthorized));
        assert_eq!(check(Some(user(Role::Admin, true)), &[Role::Admin]), Err(AppError::PasswordChangeRequired));
        assert_eq!(check(Some(user(Role::Analyst, false)), &[Role::Admin]), Err(AppError::Forbidden));
        assert_eq!(check(Some(user(Role::Admin, false)), &[Role::Admin]), Ok(user(Role::Admin, false)));
    }
}
