//! Casework: investigations, notes, decisions and their review, with the rules of `domain::decision`
//! enforced here on the server (whatever the UI shows), and an approved sanction applied to the customer's
//! account. Each action is one unit (`store::Tx`): the change, its audit entries, the case and customer
//! status it sets and the outbox rows it causes (notification, webhook event) commit together or not at
//! all, so a failure half-way leaves nothing done and the action can simply be tried again.
//!
//! The rules in force: a warning, restriction or "no action" needs an investigation with findings; a
//! suspension or termination needs a complete investigation and is a proposal until a manager who did not
//! propose it approves it; a termination is not approved while the customer has an open dispute on the
//! case; decisions are never edited or deleted (the database refuses it too), a reversal is a new decision,
//! and lifting a suspension or termination needs a manager's approval like imposing one. The
//! investigations a decision relied on are frozen (edits become new versions); approval checks them again
//! against the checklist of the day.

mod assign;
mod decisions;
mod investigations;

pub use assign::assign_cases;
pub use decisions::{decide, review, set_status, DecisionRequest};
pub use investigations::{add_note, open_investigation, save_investigation};

use crate::domain::checklist::InvestigationFacts;
use crate::domain::decision::{ProposalStatus, Refusal};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::store::{self, DecisionRecord, Store, StoreError};

/// Why a casework action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CaseworkError {
    /// A rule said no; the message is for the person who tried.
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("{0}")]
    Invalid(String),
    #[error("{0} was not found")]
    NotFound(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CaseworkError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CaseworkError::NotFound("the record".to_owned()),
            other => CaseworkError::Store(other),
        }
    }
}

/// Appends one state change to the hash-chained audit log. A failure is logged and returned: callers
/// whose change is already stored report it rather than pretend the change did not happen.
///
/// # Errors
/// Database errors.
pub async fn record_event(store: &Store, actor: &str, action: &str, subject: &str, detail: &str) -> Result<(), StoreError> {
    match store.append_audit(store::now(), actor, action, subject, detail).await {
        Ok(_) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, action, subject, "audit entry could not be written");
            Err(e)
        }
    }
}

pub(crate) fn is_manager(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Manager | Role::Admin)
}

/// The status a stored decision has for the rules: decisions that need no approval are in force when taken.
pub fn status_of(d: &DecisionRecord) -> ProposalStatus {
    match (d.needs_approval, d.approved) {
        (false, _) | (true, Some(true)) => ProposalStatus::Approved,
        (true, Some(false)) => ProposalStatus::Rejected,
        (true, None) => ProposalStatus::Pending,
    }
}

/// An investigation's facts from its stored row (answers are JSON; an unreadable column counts as none).
pub fn facts(findings: &str, answers: &str) -> InvestigationFacts {
    InvestigationFacts { findings: findings.to_owned(), answers: serde_json::from_str(answers).unwrap_or_default() }
}

/// The checklist codes a complete investigation must answer, as the checklist stands now.
///
/// # Errors
/// Database errors.
pub async fn required_items(store: &Store) -> Result<Vec<String>, StoreError> {
    Ok(store.checklist_items().await?.into_iter().filter(|i| i.required).map(|i| i.code).collect())
}
