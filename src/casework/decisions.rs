//! Decisions and their review: recording a decision (or proposing one that needs a manager), approving or
//! rejecting a proposal, and what a decision in force does — the customer's status, the case marked
//! decided, the customer's notification and the provisioning event — all in the decision's own unit.
//! Also the one status change staff make by hand that the rules restrict: closing a case.

use super::{facts, is_manager, required_items, CaseworkError};
use crate::domain::case::CaseStatus;
use crate::domain::checklist::InvestigationFacts;
use crate::domain::decision::{
    may_approve, may_decide, may_reject, may_reverse, may_set_status, needs_approval, DecisionKind, ProposalFacts, ProposalStatus,
    Refusal,
};
use crate::domain::customer::CustomerView;
use crate::domain::user::CurrentUser;
use crate::notify::{self, Composed, Kind};
use crate::store::{self, CaseRecord, DecisionRecord, InvestigationRecord, NewDecision, Store, StoreError, Tx};

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

fn facts_of(investigations: &[InvestigationRecord]) -> Vec<InvestigationFacts> {
    investigations.iter().map(|i| facts(&i.findings, &i.answers)).collect()
}

/// What a decision in force needs to know of its case, read before its unit begins: a unit holding the
/// database's write lock must never wait for a second connection (on SQLite, enough such units at once
/// would each hold a connection the others need).
struct Effects {
    case: CaseRecord,
    customer: Option<CustomerView>,
    notification: Option<Composed>,
}

impl Effects {
    async fn read(store: &Store, case_id: i64, kind: DecisionKind) -> Result<Effects, CaseworkError> {
        let case = store.get_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
        let customer = match case.customer_id {
            Some(id) => Some(store.get_customer(id).await?),
            None => None,
        };
        let notification = notify::compose(store, case_id, Kind::Decision, kind.label()).await?;
        Ok(Effects { case, customer, notification })
    }
}

/// Records a decision, or a proposal when it needs a manager's approval (a suspension or termination, or
/// lifting one). The case's investigations as they stand are what it relies on: they are frozen and linked
/// to it. A decision in force at once takes effect in the same unit.
///
/// # Errors
/// [`CaseworkError::Refused`] when a rule says no; blank reason; unknown case; database errors.
pub async fn decide(store: &Store, user: &CurrentUser, req: &DecisionRequest<'_>) -> Result<i64, CaseworkError> {
    if req.reason.trim().is_empty() || req.evidence.trim().is_empty() {
        return Err(CaseworkError::Invalid("give the reason and the evidence relied on".to_owned()));
    }
    let effects = Effects::read(store, req.case_id, req.kind).await?;
    let required = required_items(store).await?;
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    // The statement of reasons is what the customer reads: it must not name a complainant.
    let customer_text = [req.reason, req.evidence, req.policy];
    if let Some(why) = crate::portal::evidence::names_a_complainant(store, req.case_id, &customer_text).await? {
        return Err(CaseworkError::Invalid(format!("not saved: {why}")));
    }

    let mut tx = store.begin().await?;
    // Read what the rules look at under the case's lock, so that an investigation saved or a decision
    // taken meanwhile is either wholly before this one or wholly after it.
    tx.lock_case(req.case_id).await?;
    let investigations = tx.case_investigations(req.case_id).await?;
    may_decide(req.kind, &facts_of(&investigations), &required)?;
    let reversed = match req.reverses {
        Some(target) => {
            let earlier = tx.case_decisions(req.case_id).await?.into_iter().find(|d| d.decision_id == target);
            may_reverse(earlier.as_ref().map(DecisionRecord::status))?;
            earlier.and_then(|d| DecisionKind::parse(&d.kind))
        }
        None => None,
    };
    let needs_approval = needs_approval(req.kind, reversed);
    let now = store::now();
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
    let id = tx.record_decision(&new, now).await?;
    let relied_on: Vec<i64> = investigations.iter().map(|i| i.investigation_id).collect();
    tx.rely_on(id, &relied_on, now).await?;
    let action = if needs_approval { "decision.proposed" } else { "decision.recorded" };
    let reversal = req.reverses.map(|r| format!(", reversing decision {r}")).unwrap_or_default();
    let relied = relied_on.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let detail = format!("decision {id}: {}{reversal}; relies on investigation {relied}", req.kind.code());
    tx.audit(now, &user.username, action, &format!("case:{}", req.case_id), &detail);
    if !needs_approval {
        take_effect(&mut tx, user, &effects, id, reversed).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A manager approves or rejects a proposal with a written reason. Approval checks the rules again as they
/// stand now: the investigations the proposal relied on against today's checklist, and the customer's open
/// disputes on the case (a dispute opened meanwhile is seen: the case's lock orders the two). An approved
/// proposal takes effect in the same unit.
///
/// # Errors
/// [`CaseworkError::Refused`] when a rule says no; blank reason; unknown proposal; database errors.
pub async fn review(store: &Store, user: &CurrentUser, decision_id: i64, approve: bool, reason: &str) -> Result<(), CaseworkError> {
    if reason.trim().is_empty() {
        return Err(CaseworkError::Invalid("write the reason for the approval or rejection".to_owned()));
    }
    let not_found = || CaseworkError::NotFound(format!("decision {decision_id}"));
    let before = store.get_decision(decision_id).await.map_err(|_| not_found())?;
    let case_id = before.abuse_case_id;
    let kind = DecisionKind::parse(&before.kind).ok_or_else(|| CaseworkError::Invalid(format!("unknown decision kind {}", before.kind)))?;
    let effects = Effects::read(store, case_id, kind).await?;
    let required = required_items(store).await?;
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    let relied_on = facts_of(&store.decision_investigations(decision_id).await?);

    let mut tx = store.begin().await?;
    tx.lock_case(case_id).await?;
    let d = tx.get_decision(decision_id).await.map_err(|_| not_found())?;
    let status = if d.needs_approval { d.status() } else { ProposalStatus::Approved };
    let proposal = ProposalFacts { kind, proposed_by: d.decided_by, status };
    if approve {
        let disputes = usize::try_from(tx.open_disputes(case_id).await?).unwrap_or(usize::MAX);
        may_approve(&proposal, user.user_id.0, is_manager(user), disputes)?;
        may_decide(kind, &relied_on, &required)?;
    } else {
        may_reject(&proposal, user.user_id.0, is_manager(user))?;
    }
    let now = store::now();
    tx.review_decision(decision_id, user.user_id.0, approve, reason.trim(), now).await.map_err(|e| match e {
        StoreError::Conflict { .. } => CaseworkError::Refused(Refusal::AlreadyDecided),
        other => other.into(),
    })?;
    let action = if approve { "decision.approved" } else { "decision.rejected" };
    tx.audit(now, &user.username, action, &format!("case:{case_id}"), &format!("decision {decision_id}: {}", reason.trim()));
    if approve {
        let reversed = match d.reverses_decision_id {
            Some(r) => DecisionKind::parse(&tx.get_decision(r).await?.kind),
            None => None,
        };
        take_effect(&mut tx, user, &effects, decision_id, reversed).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a decision in force does, in its unit: the customer's account status (a sanction applied, or
/// active again when one is lifted), the case marked decided, the customer told, and the provisioning
/// event recorded. `reversed` is the kind of the decision this one reverses.
async fn take_effect(
    tx: &mut Tx,
    user: &CurrentUser,
    effects: &Effects,
    decision_id: i64,
    reversed: Option<DecisionKind>,
) -> Result<(), CaseworkError> {
    let case_id = effects.case.abuse_case_id;
    let kind = DecisionKind::parse(&tx.get_decision(decision_id).await?.kind);
    let status_after = match (kind, reversed) {
        (_, Some(DecisionKind::Suspension | DecisionKind::Termination)) => Some("active"),
        (Some(DecisionKind::Suspension), _) => Some("suspended"),
        (Some(DecisionKind::Termination), _) => Some("terminated"),
        _ => None,
    };
    let now = store::now();
    if let (Some(status), Some(customer_id)) = (status_after, effects.case.customer_id) {
        tx.set_customer_status(customer_id, status, now).await?;
        let why = if reversed.is_some() { format!("decision {decision_id} lifts the earlier sanction") } else { format!("decision {decision_id}") };
        let detail = format!("{status} at {} (case {case_id}, {why})", now.to_rfc3339());
        tx.audit(now, &user.username, "customer.status", &format!("customer:{customer_id}"), &detail);
    }
    if tx.set_case_status(case_id, CaseStatus::Decided, &user.username, now).await? {
        tx.audit(now, &user.username, "case.status", &format!("case:{case_id}"), "decided");
    }
    if let Some(n) = &effects.notification {
        tx.queue_notification(&n.as_new(), now).await?;
    }
    crate::provisioning::queue(tx, decision_id, &effects.case, effects.customer.as_ref(), status_after).await?;
    Ok(())
}

/// Changes a case's status by hand. "Decided" comes only from a decision in force, and a case is closed
/// only once one is; reopening is always allowed. Returns whether the status changed.
///
/// # Errors
/// [`CaseworkError::Refused`] when the rules say no; unknown case; database errors.
pub async fn set_status(store: &Store, user: &CurrentUser, case_id: i64, status: CaseStatus) -> Result<bool, CaseworkError> {
    let mut tx = store.begin().await?;
    tx.lock_case(case_id).await.map_err(|_| CaseworkError::NotFound(format!("case {case_id}")))?;
    let in_force = tx.case_decisions(case_id).await?.iter().any(|d| d.status() == ProposalStatus::Approved);
    may_set_status(status, in_force)?;
    let now = store::now();
    let changed = tx.set_case_status(case_id, status, &user.username, now).await?;
    if changed {
        tx.audit(now, &user.username, "case.status", &format!("case:{case_id}"), status.code());
    }
    tx.commit().await?;
    Ok(changed)
}
