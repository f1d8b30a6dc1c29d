//! The overview page's data: who you are and, for staff, the state of the desk.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::role::Role;
use crate::error::AppError;

/// How many accounts hold one role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCount {
    pub role: Role,
    pub accounts: i64,
}

/// The state of the desk, shown to staff only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskStatus {
    pub database: String,
    pub schema_version: i64,
    pub accounts: Vec<RoleCount>,
    pub disabled_accounts: i64,
}

/// What the overview shows the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub display_name: String,
    pub role: Role,
    pub demo: bool,
    /// `None` for customers: the desk's internals are not theirs to see.
    pub desk: Option<DeskStatus>,
}

/// The overview for the signed-in user.
#[server(endpoint = "overview")]
pub async fn load_overview() -> Result<Overview, AppError> {
    let user = crate::auth::require(&Role::ALL)?;
    let state = super::app_state()?;
    let desk = if Role::STAFF.contains(&user.role) {
        let users = state.store.list_users().await?;
        let accounts = Role::ALL
            .into_iter()
            .map(|role| RoleCount {
                role,
                accounts: users.iter().filter(|u| u.role == role && u.disabled_at.is_none()).count() as i64,
            })
            .collect();
        Some(DeskStatus {
            database: state.store.backend_name().to_owned(),
            schema_version: state.store.schema_version().await?,
            accounts,
            disabled_accounts: users.iter().filter(|u| u.disabled_at.is_some()).count() as i64,
        })
    } else {
        None
    };
    Ok(Overview { display_name: user.display_name, role: user.role, demo: state.settings.demo, desk })
}
