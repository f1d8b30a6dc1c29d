//! User administration: admins only.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::role::Role;
use crate::domain::user::UserView;
use crate::error::AppError;

/// A one-time password just issued, shown once to the administrator to pass on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredentials {
    pub username: String,
    pub one_time_password: String,
}

/// Every account.
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    Ok(state.store.list_users().await?.iter().map(|a| a.to_view()).collect())
}

/// Creates an account with a one-time password.
#[server(endpoint = "create_user")]
pub async fn create_user(username: String, display_name: String, role: String) -> Result<IssuedCredentials, AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let role = parse_role(&role)?;
    if role == Role::Customer {
        let message = "customer accounts are created from the customer's page, so each is linked to its customer";
        return Err(AppError::invalid("role", message).with_response_status());
    }
    let state = super::app_state()?;
    let by = crate::audit::Actor::user(&admin);
    let issued = crate::auth::accounts::create_account(&state.store, &by, &username, &display_name, role).await?;
    tracing::info!(by = %admin.user_id, user.id = %issued.account.user_id, %role, "account created");
    Ok(IssuedCredentials { username: issued.account.username, one_time_password: issued.one_time_password })
}

/// Gives an account another role.
#[server(endpoint = "set_user_role")]
pub async fn set_user_role(user_id: i64, role: String) -> Result<(), AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let role = parse_role(&role)?;
    let state = super::app_state()?;
    let target = crate::domain::ids::UserId(user_id);
    crate::auth::accounts::set_role(&state.store, &crate::audit::Actor::user(&admin), target, role).await?;
    tracing::info!(by = %admin.user_id, user.id = %target, %role, "role changed");
    Ok(())
}

/// Disables or re-enables an account.
#[server(endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    let target = crate::domain::ids::UserId(user_id);
    crate::auth::accounts::set_disabled(&state.store, &crate::audit::Actor::user(&admin), target, disabled).await?;
    tracing::info!(by = %admin.user_id, user.id = %target, disabled, "account access changed");
    Ok(())
}

/// Replaces an account's password with a one-time password.
#[server(endpoint = "reset_user_password")]
pub async fn reset_user_password(user_id: i64) -> Result<IssuedCredentials, AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    let by = crate::audit::Actor::user(&admin);
    let issued = crate::auth::accounts::reset_password(&state.store, &by, crate::domain::ids::UserId(user_id)).await?;
    tracing::info!(by = %admin.user_id, user.id = %issued.account.user_id, "password reset");
    Ok(IssuedCredentials { username: issued.account.username, one_time_password: issued.one_time_password })
}

#[cfg(feature = "ssr")]
fn parse_role(role: &str) -> Result<Role, AppError> {
    Role::parse(role).map_err(|e| AppError::invalid("role", e.to_string()))
}
