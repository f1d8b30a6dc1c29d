//! Who is signed in, and changing one's own password.

use leptos::prelude::*;

use crate::domain::user::CurrentUser;
use crate::error::AppError;

/// The signed-in user, or `None`. Open to everyone by design: it only tells callers who they are.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::auth::signed_in_user())
}

/// Changes the caller's own password (also the way out of a one-time password). The session is renewed,
/// and every other session of the account ends, because sessions are bound to the password. Wrong current
/// passwords are throttled like failed sign-ins.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String, confirm: String) -> Result<(), AppError> {
    use crate::auth::{accounts, session::UserSession};
    let user = crate::auth::require_signed_in()?;
    let state = super::app_state()?;
    let account = accounts::change_own_password(&state.store, &state.settings.throttle, user.user_id, &current, &new_password, &confirm).await?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(|e| AppError::internal(&e))?;
    UserSession(session).sign_in(&account).await.map_err(|e| AppError::internal(&e))?;
    tracing::info!(user.id = %user.user_id, "password changed");
    Ok(())
}
