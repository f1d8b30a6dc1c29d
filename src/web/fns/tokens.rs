//! API tokens (ingest or read): admins only. A new token is returned once, to be copied into the MTA's
//! or the mail collector's configuration.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::role::Role;
use crate::error::AppError;

/// A token as listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// ingest or read.
    pub scope: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every ingest token, newest first.
#[server(endpoint = "list_ingest_tokens")]
pub async fn list_ingest_tokens() -> Result<Vec<TokenRow>, AppError> {
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    Ok(state
        .store
        .list_ingest_tokens()
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.ingest_token_id,
            name: t.name,
            scope: t.scope,
            created_by: t.created_by,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

/// Creates a token and returns it (shown once).
#[server(endpoint = "create_ingest_token")]
pub async fn create_ingest_token(name: String, scope: String) -> Result<String, AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    let scope = crate::auth::ingest_token::TokenScope::parse(scope.trim())
        .ok_or_else(|| AppError::invalid("scope", "a token either posts messages (ingest) or reads cases (read)"))?;
    match crate::auth::ingest_token::create(&state.store, &crate::audit::Actor::user(&admin), &name, scope).await {
        Ok(issued) => {
            tracing::info!(by = %admin.user_id, token.id = issued.ingest_token_id, "ingest token created");
            Ok(issued.token)
        }
        Err(crate::auth::ingest_token::TokenError::BadName) => Err(AppError::invalid(
            "name",
            crate::auth::ingest_token::TokenError::BadName.to_string(),
        )
        .with_response_status()),
        Err(crate::auth::ingest_token::TokenError::Store(e)) => Err(e.into()),
    }
}

/// Revokes a token; it stops working at once.
#[server(endpoint = "revoke_ingest_token")]
pub async fn revoke_ingest_token(id: i64) -> Result<(), AppError> {
    let admin = crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    crate::auth::ingest_token::revoke(&state.store, &crate::audit::Actor::user(&admin), id).await?;
    tracing::info!(by = %admin.user_id, token.id = id, "ingest token revoked");
    Ok(())
}
