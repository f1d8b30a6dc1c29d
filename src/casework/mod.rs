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
use crate::domain::decision::Refusal;
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::store::{ChecklistRow, Store, StoreError};

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

pub(crate) fn is_manager(user: &CurrentUser) -> bool {
    matches!(user.role, Role::Manager | Role::Admin)
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
    Ok(required_codes(&store.checklist_items().await?).into_iter().map(str::to_owned).collect())
}

/// The codes of the required items of a checklist already read (pages that show the checklist too).
pub fn required_codes(items: &[ChecklistRow]) -> Vec<&str> {
    items.iter().filter(|i| i.required).map(|i| i.code.as_str()).collect()
}
