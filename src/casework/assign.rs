//! Assigning cases from the queue. Only an active staff account can be the assignee (a customer's portal
//! account or a disabled account never holds a case), and the assignment and its `case.assigned` audit
//! entry are one unit: both are kept or neither.

use chrono::{DateTime, Utc};

use super::CaseworkError;
use crate::domain::ids::UserId;
use crate::store::{Store, StoreError};

/// Assigns `case_ids` to `assignee` (or to nobody) on behalf of `actor` (a username) at `now`. Returns how many
/// cases changed; unknown case ids are skipped.
///
/// # Errors
/// `NotFound` for an unknown assignee, `Invalid` for one who is not active staff; database errors.
pub async fn assign_cases(
    store: &Store,
    actor: &str,
    case_ids: &[i64],
    assignee: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<u64, CaseworkError> {
    let mut tx = store.begin().await?;
    // Read inside the unit, so the account is checked as the assignment sees it.
    let account = match assignee {
        None => None,
        Some(id) => Some(tx.find_user(id).await?.ok_or_else(|| CaseworkError::NotFound(format!("user {id}")))?),
    };
    if account.as_ref().is_some_and(|a| !a.is_active_staff()) {
        return Err(CaseworkError::Invalid("only an active staff account can be assigned cases".to_owned()));
    }
    let changed = tx.assign_cases(case_ids, account.as_ref(), actor, now).await?;
    let who = assignee.map_or_else(|| "nobody".to_owned(), |a| format!("user {a}"));
    let subject = case_ids.iter().map(|c| format!("case:{c}")).collect::<Vec<_>>().join(" ");
    tx.audit(now, actor, "case.assigned", &subject, &who);
    tx.commit().await.map_err(|e: StoreError| {
        tracing::error!(error = %e, "the assignment and its audit entry could not be committed");
        CaseworkError::from(e)
    })?;
    Ok(changed)
}
