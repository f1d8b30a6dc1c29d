//! Casework: investigations, notes, decisions and their review, with the rules of `domain::decision`
//! enforced here on the server (whatever the UI shows), each state change appended to the audit log, and
//! an approved sanction applied to the customer's account.
//!
//! The rules in force: a warning, restriction or "no action" needs an investigation with findings; a
//! suspension or termination needs a complete investigation and is a proposal until a manager who did not
//! propose it approves it; a termination is not approved while the customer has an open dispute on the
//! case; decisions are never edited or deleted (the database refuses it too), a reversal is a new decision.

use chrono::Utc;

use crate::domain::checklist::{ChecklistAnswer, InvestigationFacts};
use crate::domain::decision::{may_approve, may_decide, may_reject, may_reverse, DecisionKind, ProposalFacts, ProposalStatus, Refusal};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::store::{self, DecisionRecord, NewDecision, Store, StoreError};

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

/// Appends to the audit log; every casework change goes through here.
async fn audit(store: &Store, user: &CurrentUser, action: &str, subject: String, detail: String) -> Result<(), StoreError> {
    record_event(store, &user.username, action, &subject, &detail).await
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

fn is_manager(user: &CurrentUser) -> bool {
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

/// Opens an investigation of a case.
///
/// # Errors
/// Unknown case; database errors.
pub async fn open_investigation(store: &Store, user: &CurrentUser, case_id: i64) -> Result<i64, CaseworkError> {
    store.get_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
    let id = store.open_investigation(case_id, user.user_id.0, store::now()).await?;
    audit(store, user, "investigation.opened", format!("case:{case_id}"), format!("investigation {id}")).await?;
    Ok(id)
}

/// Saves findings and checklist answers; only the analyst who opened the investigation writes in it.
///
/// # Errors
/// Unknown investigation or checklist item, someone else's investigation; database errors.
pub async fn save_investigation(
    store: &Store,
    user: &CurrentUser,
    investigation_id: i64,
    findings: &str,
    answers: &[ChecklistAnswer],
) -> Result<(), CaseworkError> {
    let current = store
        .get_investigation(investigation_id)
        .await
        .map_err(|_| CaseworkError::NotFound(format!("investigation {investigation_id}")))?;
    if current.opened_by != user.user_id.0 {
        return Err(CaseworkError::Invalid("only the analyst who opened an investigation writes in it; open your own".to_owned()));
    }
    let items = store.checklist_items().await?;
    if let Some(unknown) = answers.iter().find(|a| !items.iter().any(|i| i.code == a.code)) {
        return Err(CaseworkError::Invalid(format!("{} is not an item of the checklist", unknown.code)));
    }
    let json = serde_json::to_string(answers).map_err(|e| CaseworkError::Invalid(e.to_string()))?;
    store.save_investigation(investigation_id, findings.trim(), &json, store::now()).await?;
    let detail = format!("{} of {} checklist items answered; findings {}", answers.len(), items.len(), findings.trim().len());
    audit(store, user, "investigation.saved", format!("case:{}", current.abuse_case_id), detail).await?;
    Ok(())
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
    store.get_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
    store.add_case_note(case_id, user.user_id.0, body, store::now()).await?;
    audit(store, user, "case.note", format!("case:{case_id}"), body.chars().take(200).collect()).await?;
    Ok(())
}

/// What a person asks to decide.
pub struct DecisionRequest<'a> {
    pub case_id: i64,
    pub kind: DecisionKind,
    pub reason: &'a str,
    pub evidence: &'a str,
    /// The policy clause relied on, for the customer's statement of reasons.
    pub policy: &'a str,
    pub reverses: Option<i64>,
}

/// Records a decision, or a proposal when the kind needs a manager's approval. Decisions in force at once
/// mark the case decided.
///
/// # Errors
/// [`CaseworkError::Refused`] when a rule says no; blank reason; unknown case; database errors.
pub async fn decide(store: &Store, user: &CurrentUser, req: &DecisionRequest<'_>) -> Result<i64, CaseworkError> {
    if req.reason.trim().is_empty() || req.evidence.trim().is_empty() {
        return Err(CaseworkError::Invalid("give the reason and the evidence relied on".to_owned()));
    }
    store.get_case(req.case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {}", req.case_id)))?;
    let investigations: Vec<InvestigationFacts> =
        store.case_investigations(req.case_id).await?.iter().map(|i| facts(&i.findings, &i.answers)).collect();
    let items = store.checklist_items().await?;
    let required: Vec<&str> = items.iter().filter(|i| i.required).map(|i| i.code.as_str()).collect();
    may_decide(req.kind, &investigations, &required)?;
    // The statement of reasons is what the customer reads: it must not name a complainant.
    let customer_text = [req.reason, req.evidence, req.policy];
    if let Some(why) = crate::portal::evidence::names_a_complainant(store, req.case_id, &customer_text).await? {
        return Err(CaseworkError::Invalid(format!("not saved: {why}")));
    }
    if let Some(target) = req.reverses {
        let earlier = store.case_decisions(req.case_id).await?;
        may_reverse(earlier.iter().find(|d| d.decision_id == target).map(status_of))?;
    }
    let needs_approval = req.kind.needs_approval();
    let new = NewDecision {
        case_id: req.case_id,
        kind: req.kind.code(),
        reason: req.reason.trim(),
        evidence: req.evidence.trim(),
        policy: req.policy.trim(),
        decided_by: user.user_id.0,
        needs_approval,
        reverses: req.reverses,
    };
    let id = store.record_decision(&new, store::now()).await?;
    let action = if needs_approval { "decision.proposed" } else { "decision.recorded" };
    let reversal = req.reverses.map(|r| format!(", reversing decision {r}")).unwrap_or_default();
    audit(store, user, action, format!("case:{}", req.case_id), format!("decision {id}: {}{reversal}", req.kind.code())).await?;
    if !needs_approval {
        if let Some(reversed) = req.reverses {
            lift(store, user, req.case_id, reversed).await?;
        }
        close_as_decided(store, user, req.case_id).await?;
        crate::notify::notify(store, req.case_id, crate::notify::Kind::Decision, req.kind.label()).await?;
        crate::provisioning::record(store, id).await?;
    }
    Ok(id)
}

async fn close_as_decided(store: &Store, user: &CurrentUser, case_id: i64) -> Result<(), StoreError> {
    if store.set_case_status(case_id, crate::domain::case::CaseStatus::Decided, &user.username, store::now()).await? {
        audit(store, user, "case.status", format!("case:{case_id}"), "decided".to_owned()).await?;
    }
    Ok(())
}

/// A manager approves or rejects a proposal with a written reason; an approved suspension or termination
/// is applied to the customer's account at once.
///
/// # Errors
/// [`CaseworkError::Refused`] when a rule says no; blank reason; unknown proposal; database errors.
pub async fn review(
    store: &Store,
    user: &CurrentUser,
    decision_id: i64,
    approve: bool,
    reason: &str,
) -> Result<(), CaseworkError> {
    if reason.trim().is_empty() {
        return Err(CaseworkError::Invalid("write the reason for the approval or rejection".to_owned()));
    }
    let d = store.get_decision(decision_id).await.map_err(|_| CaseworkError::NotFound(format!("decision {decision_id}")))?;
    let kind = DecisionKind::parse(&d.kind).ok_or_else(|| CaseworkError::Invalid(format!("unknown decision kind {}", d.kind)))?;
    let status = if d.needs_approval { status_of(&d) } else { ProposalStatus::Approved };
    let proposal = ProposalFacts { kind, proposed_by: d.decided_by, status };
    if approve {
        let disputes = usize::try_from(store.open_disputes(d.abuse_case_id).await?).unwrap_or(usize::MAX);
        may_approve(&proposal, user.user_id.0, is_manager(user), disputes)?;
    } else {
        may_reject(&proposal, user.user_id.0, is_manager(user))?;
    }
    store.review_decision(decision_id, user.user_id.0, approve, reason.trim(), store::now()).await.map_err(|e| match e {
        StoreError::Conflict { .. } => CaseworkError::Refused(Refusal::AlreadyDecided),
        other => other.into(),
    })?;
    let action = if approve { "decision.approved" } else { "decision.rejected" };
    audit(store, user, action, format!("case:{}", d.abuse_case_id), format!("decision {decision_id}: {}", reason.trim())).await?;
    if approve {
        apply(store, user, d.abuse_case_id, kind).await?;
        close_as_decided(store, user, d.abuse_case_id).await?;
        crate::notify::notify(store, d.abuse_case_id, crate::notify::Kind::Decision, kind.label()).await?;
        crate::provisioning::record(store, decision_id).await?;
    }
    Ok(())
}

/// A reversal of an applied suspension or termination makes the customer's account active again.
async fn lift(store: &Store, user: &CurrentUser, case_id: i64, reversed: i64) -> Result<(), StoreError> {
    let earlier = store.get_decision(reversed).await?;
    if !matches!(DecisionKind::parse(&earlier.kind), Some(DecisionKind::Suspension | DecisionKind::Termination)) {
        return Ok(());
    }
    let case = store.get_case(case_id).await?;
    if let Some(customer_id) = case.customer_id {
        store.set_customer_status(customer_id, "active", store::now()).await?;
        let detail = format!("active again: decision {reversed} reversed (case {case_id})");
        audit(store, user, "customer.status", format!("customer:{customer_id}"), detail).await?;
    }
    Ok(())
}

/// Puts an approved sanction into the customer's account status, recorded with who and when.
async fn apply(store: &Store, user: &CurrentUser, case_id: i64, kind: DecisionKind) -> Result<(), StoreError> {
    let status = match kind {
        DecisionKind::Suspension => "suspended",
        DecisionKind::Termination => "terminated",
        _ => return Ok(()),
    };
    let case = store.get_case(case_id).await?;
    if let Some(customer_id) = case.customer_id {
        store.set_customer_status(customer_id, status, store::now()).await?;
        let at = Utc::now().to_rfc3339();
        audit(store, user, "customer.status", format!("customer:{customer_id}"), format!("{status} at {at} (case {case_id})")).await?;
    }
    Ok(())
}
