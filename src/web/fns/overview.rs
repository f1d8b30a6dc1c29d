//! The front page's data: what needs the signed-in person now (see `domain::home`). Customers get only their
//! name; the server sends them to the portal before this is asked.

use leptos::prelude::*;

use crate::domain::home::Home;
use crate::error::AppError;

/// The front page for the signed-in user.
#[server(endpoint = "overview")]
pub async fn load_overview() -> Result<Home, AppError> {
    let user = crate::auth::require(&crate::domain::role::Role::ALL)?;
    let state = super::app_state()?;
    Ok(crate::dashboard::home(&state.store, &user, state.settings.demo, crate::store::now()).await?)
}
