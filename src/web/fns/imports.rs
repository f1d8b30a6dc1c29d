//! The record of customer and assignment imports, for admins (the upload itself is a plain form post to
//! `/admin/imports`, so large files need no JavaScript).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::role::Role;
use crate::domain::attribution::ImportRunView;
use crate::error::AppError;

/// The newest imports, dry runs included.
#[server(endpoint = "list_import_runs")]
pub async fn list_import_runs() -> Result<Vec<ImportRunView>, AppError> {
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    Ok(state.store.list_import_runs(50).await?)
}

/// One import: what it read, changed, refused and found in conflict.
#[server(endpoint = "get_import_run")]
pub async fn get_import_run(id: i64) -> Result<ImportRunView, AppError> {
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    state.store.get_import_run(id).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => AppError::NotFound { what: format!("import {id}") },
        other => other.into(),
    })
}
