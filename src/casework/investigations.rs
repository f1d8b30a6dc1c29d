//! Investigations and notes: opening an investigation of a case, saving its findings and checklist
//! answers (a new version when a decision already relied on it), and notes on a case. Each is one unit with
//! its audit entry.

use super::CaseworkError;
use crate::domain::checklist::ChecklistAnswer;
use crate::domain::user::CurrentUser;
use crate::store::{self, Store, StoreError};

/// Opens an investigation of a case.
///
/// # Errors
/// Unknown case; database errors.
pub async fn open_investigation(store: &Store, user: &CurrentUser, case_id: i64) -> Result<i64, CaseworkError> {
    let mut tx = store.begin().await?;
    tx.lock_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
    let now = store::now();
    let id = tx.open_investigation(case_id, user.user_id.0, now).await?;
    tx.audit(now, &user.username, "investigation.opened", &format!("case:{case_id}"), &format!("investigation {id}"));
    tx.commit().await?;
    Ok(id)
}

/// Saves findings and checklist answers; only the analyst who opened the investigation writes in it. An
/// investigation a decision relied on is not changed: the text is saved as a new version of it. Returns the
/// id of the version saved.
///
/// # Errors
/// Unknown investigation or checklist item, someone else's investigation, a newer version exists; database
/// errors.
pub async fn save_investigation(
    store: &Store,
    user: &CurrentUser,
    investigation_id: i64,
    findings: &str,
    answers: &[ChecklistAnswer],
) -> Result<i64, CaseworkError> {
    let not_found = || CaseworkError::NotFound(format!("investigation {investigation_id}"));
    let current = store.get_investigation(investigation_id).await.map_err(|_| not_found())?;
    if current.opened_by != user.user_id.0 {
        return Err(CaseworkError::Invalid("only the analyst who opened an investigation writes in it; open your own".to_owned()));
    }
    let items = store.checklist_items().await?;
    if let Some(unknown) = answers.iter().find(|a| !items.iter().any(|i| i.code == a.code)) {
        return Err(CaseworkError::Invalid(format!("{} is not an item of the checklist", unknown.code)));
    }
    let json = serde_json::to_string(answers).map_err(|e| CaseworkError::Invalid(e.to_string()))?;
    let mut tx = store.begin().await?;
    // A decision taken meanwhile freezes the investigation: the case lock orders the two.
    tx.lock_case(current.abuse_case_id).await?;
    let now = store::now();
    let saved = tx.save_investigation(investigation_id, findings.trim(), &json, now).await.map_err(|e| match e {
        StoreError::Conflict { .. } => {
            CaseworkError::Invalid("a newer version of this investigation exists; reload the case and edit that one".to_owned())
        }
        StoreError::NotFound => not_found(),
        other => other.into(),
    })?;
    let version = if saved == investigation_id { String::new() } else { format!(" as investigation {saved}, a new version of {investigation_id}") };
    let detail = format!("{} of {} checklist items answered; findings {}{version}", answers.len(), items.len(), findings.trim().len());
    tx.audit(now, &user.username, "investigation.saved", &format!("case:{}", current.abuse_case_id), &detail);
    tx.commit().await?;
    Ok(saved)
}

/// Adds a note to a case.
///
/// # Errors
/// Empty note, unknown case; database errors.
pub async fn add_note(store: &Store, user: &CurrentUser, case_id: i64, body: &str) -> Result<(), CaseworkError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CaseworkError::Invalid("write the note first".to_owned()));
    }
    let mut tx = store.begin().await?;
    tx.lock_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
    let now = store::now();
    tx.add_case_note(case_id, user.user_id.0, body, now).await?;
    tx.audit(now, &user.username, "case.note", &format!("case:{case_id}"), &body.chars().take(200).collect::<String>());
    tx.commit().await?;
    Ok(())
}
