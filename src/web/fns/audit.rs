//! The audit log for admins: a filtered page of entries and a check of the whole chain.

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
    crate::auth::require(&[Role::Admin])?;
    let state = super::app_state()?;
    let entries = state.store.audit_entries(0, i64::MAX).await?;
    Ok(match crate::audit::verify(&entries) {
        Ok(n) => format!("The chain is intact: {n} entries."),
        Err(broken) => format!("The chain is broken: {broken}."),
    })
}
