//! The audit log for admins: a filtered page of entries and a check of the whole chain (recorded).

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::role::Role;
use crate::error::AppError;

/// One entry as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub hash: String,
}

/// Rows per page of the audit log.
pub const AUDIT_PAGE_SIZE: i64 = 100;

/// The newest entries, optionally of one action or one actor.
#[server(endpoint = "audit_log")]
pub async fn audit_log(action: String, actor: String, page: i64) -> Result<Vec<AuditRow>, AppError> {
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    let filter = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let offset = page.max(0).saturating_mul(AUDIT_PAGE_SIZE);
    let (action, actor) = (filter(&action), filter(&actor));
    let entries = state.store.audit_page(action.as_deref(), actor.as_deref(), AUDIT_PAGE_SIZE, offset).await?;
    Ok(entries
        .into_iter()
        .map(|e| AuditRow { seq: e.seq, at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: e.detail, hash: e.hash })
        .collect())
}

/// Checks the whole chain: "intact: N entries" or the first broken entry.
#[server(endpoint = "verify_audit")]
pub async fn verify_audit() -> Result<String, AppError> {
    let user = crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    // Recorded, with its own audit entry, for the front page's "audit chain verified".
    let (check, _) = crate::audit::check::verify_and_record(&state.store, &crate::audit::Actor::user(&user)).await?;
    Ok(if check.intact {
        format!("The chain is intact: {} entries.", check.entries)
    } else {
        format!("The chain is broken: {}.", check.detail)
    })
}
