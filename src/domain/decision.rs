//! The rules for sanctions on an abuse case: which decision may be taken on which investigation, who may
//! approve or reject a proposal, and what may be reversed.
//!
//! Invariants this module owns:
//! * every decision, even "no action", rests on at least one recorded investigation with findings, so the
//!   record always says why;
//! * suspension and termination rest on a *complete* investigation (every required checklist item
//!   answered, findings written) and need a manager's approval by someone other than the proposer (four
//!   eyes);
//! * a termination is not approved while the customer has an open dispute on the case;
//! * a decision is never edited: a reversal is a new decision that references an earlier applied one.
//!
//! The functions here take plain facts (ids, flags, counts) rather than users and roles, so the caller
//! decides where those facts come from and the rules stay testable without a database. The checklist
//! itself lives in [`super::checklist`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::checklist::InvestigationFacts;

/// What the desk decides to do about a case, from the mildest to the most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    NoAction,
    Warning,
    Restriction,
    Suspension,
    Termination,
}

impl DecisionKind {
    /// Every kind, mildest first (the order the UI offers them).
    pub const ALL: [DecisionKind; 5] = [
        DecisionKind::NoAction,
        DecisionKind::Warning,
        DecisionKind::Restriction,
        DecisionKind::Suspension,
        DecisionKind::Termination,
    ];

    /// The stored and wire name (the same as the serde name).
    pub fn code(self) -> &'static str {
        match self {
            DecisionKind::NoAction => "no_action",
            DecisionKind::Warning => "warning",
            DecisionKind::Restriction => "restriction",
            DecisionKind::Suspension => "suspension",
            DecisionKind::Termination => "termination",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            DecisionKind::NoAction => "No action",
            DecisionKind::Warning => "Warning",
            DecisionKind::Restriction => "Restriction",
            DecisionKind::Suspension => "Suspension",
            DecisionKind::Termination => "Termination",
        }
    }

    /// The kind whose [`code`](Self::code) is `code` (surrounding space and case ignored).
    pub fn parse(code: &str) -> Option<DecisionKind> {
        let code = code.trim().to_ascii_lowercase();
        DecisionKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a manager must approve the decision before it takes effect. Only the sanctions that cut a
    /// customer off do: they are hard to undo and the customer may depend on the line.
    pub fn needs_approval(self) -> bool {
        matches!(self, DecisionKind::Suspension | DecisionKind::Termination)
    }
}

/// Where a proposed decision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for a manager.
    Pending,
    /// Approved: the decision is applied.
    Approved,
    /// Rejected by a manager, or withdrawn by its proposer.
    Rejected,
}

impl ProposalStatus {
    /// Every status.
    pub const ALL: [ProposalStatus; 3] = [ProposalStatus::Pending, ProposalStatus::Approved, ProposalStatus::Rejected];

    /// The stored and wire name (the same as the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "Pending approval",
            ProposalStatus::Approved => "Approved",
            ProposalStatus::Rejected => "Rejected",
        }
    }

    /// The status whose [`code`](Self::code) is `code` (surrounding space and case ignored).
    pub fn parse(code: &str) -> Option<ProposalStatus> {
        let code = code.trim().to_ascii_lowercase();
        ProposalStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Where a stored decision stands: one that needs no approval is in force when taken, whatever a review
    /// said; one that needs approval waits for a manager's review.
    pub fn of(needs_approval: bool, approved: Option<bool>) -> ProposalStatus {
        match (needs_approval, approved) {
            (false, _) | (true, Some(true)) => ProposalStatus::Approved,
            (true, Some(false)) => ProposalStatus::Rejected,
            (true, None) => ProposalStatus::Pending,
        }
    }
}

/// When a stored decision took effect: when it was taken if it needs no approval, when a manager approved it
/// otherwise; `None` while it is pending or after it was rejected. The one statement of "in force" every
/// service (casework, portal, notices) reads.
pub fn in_force_at(
    needs_approval: bool,
    approved: Option<bool>,
    taken_at: DateTime<Utc>,
    reviewed_at: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match ProposalStatus::of(needs_approval, approved) {
        ProposalStatus::Approved if needs_approval => reviewed_at,
        ProposalStatus::Approved => Some(taken_at),
        ProposalStatus::Pending | ProposalStatus::Rejected => None,
    }
}

/// What the approval rules need to know about a proposed decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalFacts {
    pub kind: DecisionKind,
    /// The user id of the person who proposed it.
    pub proposed_by: i64,
    pub status: ProposalStatus,
}

/// Why a decision, approval, rejection or reversal is not allowed. The messages are written for the
/// person who tried, and are safe to show them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No investigation with findings is on record.
    #[error("this decision needs a recorded investigation with findings")]
    NoInvestigation,
    /// Suspension or termination, and no investigation is complete; `missing` names what the most recent
    /// one still lacks.
    #[error("a suspension or termination needs a complete investigation; still missing: {}", missing.join("; "))]
    IncompleteInvestigation { missing: Vec<String> },
    #[error("the manager who approves must not be the person who proposed it")]
    SelfApproval,
    #[error("only a manager may do this")]
    NotAManager,
    #[error("the customer's open dispute on this case must be answered before a termination is approved")]
    OpenDispute,
    #[error("this proposal was already approved or rejected")]
    AlreadyDecided,
    #[error("the decision to reverse does not exist")]
    ReversalTargetMissing,
    /// The decision named for reversal never took effect (pending or rejected).
    #[error("only an applied decision can be reversed; a pending proposal is rejected instead")]
    NotApplied,
    /// "Decided" is set by recording a decision, never by hand.
    #[error("a case is marked decided by recording a decision in force")]
    DecidedByDecisionOnly,
    /// Closing by hand needs a decision in force on the case.
    #[error("a case is closed only after a decision on it is in force: record one (no action, if nothing is to be done)")]
    CloseNeedsDecision,
    /// For the caller's own checks: only the desk's staff propose, investigate and decide. None of the
    /// functions here know roles, so none of them returns it.
    #[error("only the abuse desk's staff may do this")]
    NotStaff,
}

/// Whether a decision needs a manager's approval before it takes effect: the sanctions that cut a customer
/// off, and lifting one of them (`reverses`, the kind of the decision it reverses), which undoes what a
/// manager approved and so needs a manager too.
pub fn needs_approval(kind: DecisionKind, reverses: Option<DecisionKind>) -> bool {
    kind.needs_approval() || reverses.is_some_and(DecisionKind::needs_approval)
}

/// Whether staff may set a case's status by hand. `decision_in_force` says whether a decision on the case
/// is in force. Reopening (any other status) is always allowed: new reports may need a new look.
///
/// # Errors
/// [`Refusal::DecidedByDecisionOnly`] for "decided"; [`Refusal::CloseNeedsDecision`] for "closed" without
/// a decision in force.
pub fn may_set_status(target: crate::domain::case::CaseStatus, decision_in_force: bool) -> Result<(), Refusal> {
    use crate::domain::case::CaseStatus;
    match target {
        CaseStatus::Decided => Err(Refusal::DecidedByDecisionOnly),
        CaseStatus::Closed if !decision_in_force => Err(Refusal::CloseNeedsDecision),
        _ => Ok(()),
    }
}

/// Whether a decision of `kind` may be taken (proposed, or applied when it needs no approval) on a case
/// with these `investigations` (in recorded order, oldest first). `required` lists the checklist codes
/// a complete investigation must answer.
///
/// "No action" is held to the same standard as a warning: closing a case without a sanction is a
/// decision too, and the record must show what was looked at before it was taken.
///
/// # Errors
/// [`Refusal::NoInvestigation`] when no investigation has findings; for suspension and termination,
/// [`Refusal::IncompleteInvestigation`] when none is complete.
pub fn may_decide(kind: DecisionKind, investigations: &[InvestigationFacts], required: &[&str]) -> Result<(), Refusal> {
    if !investigations.iter().any(InvestigationFacts::has_findings) {
        return Err(Refusal::NoInvestigation);
    }
    if !kind.needs_approval() || investigations.iter().any(|i| i.is_complete(required)) {
        return Ok(());
    }
    // The most recent investigation is the one the analyst is working on, so name what it lacks.
    let missing = investigations.last().map(|i| i.missing(required)).unwrap_or_default();
    Err(Refusal::IncompleteInvestigation { missing })
}

/// Whether the user `approver_user_id` may approve `proposal`. `open_disputes` counts the customer's
/// unanswered disputes on the case.
///
/// The caller decides which kinds go through a proposal at all ([`DecisionKind::needs_approval`]); this
/// check does not refuse approving a kind that would not have needed it.
///
/// # Errors
/// In this order: [`Refusal::AlreadyDecided`], [`Refusal::NotAManager`], [`Refusal::SelfApproval`],
/// [`Refusal::OpenDispute`] (termination only).
pub fn may_approve(
    proposal: &ProposalFacts,
    approver_user_id: i64,
    approver_is_manager: bool,
    open_disputes: usize,
) -> Result<(), Refusal> {
    if proposal.status != ProposalStatus::Pending {
        return Err(Refusal::AlreadyDecided);
    }
    if !approver_is_manager {
        return Err(Refusal::NotAManager);
    }
    if approver_user_id == proposal.proposed_by {
        return Err(Refusal::SelfApproval);
    }
    if proposal.kind == DecisionKind::Termination && open_disputes > 0 {
        return Err(Refusal::OpenDispute);
    }
    Ok(())
}

/// Whether the user `user_id` may reject `proposal`.
///
/// Four eyes guards the sanction, not its withdrawal: any manager may reject a pending proposal, their
/// own included, and the proposer (manager or not) may withdraw it by rejecting it. Open disputes do not
/// matter, since rejecting takes nothing away from the customer.
///
/// # Errors
/// [`Refusal::AlreadyDecided`] unless pending; [`Refusal::NotAManager`] for anyone else.
pub fn may_reject(proposal: &ProposalFacts, user_id: i64, user_is_manager: bool) -> Result<(), Refusal> {
    if proposal.status != ProposalStatus::Pending {
        return Err(Refusal::AlreadyDecided);
    }
    if !user_is_manager && user_id != proposal.proposed_by {
        return Err(Refusal::NotAManager);
    }
    Ok(())
}

/// Whether an earlier decision may be reversed. `target` is the status of the decision named for
/// reversal, `None` when there is no such decision (on this case).
///
/// A decision is never edited; a reversal is a new decision (itself subject to [`may_decide`]) that
/// references the applied one it undoes. Decisions that need no approval are recorded as
/// [`ProposalStatus::Approved`] when taken, so "applied" is always "approved".
///
/// # Errors
/// [`Refusal::ReversalTargetMissing`] for `None`; [`Refusal::NotApplied`] unless approved.
pub fn may_reverse(target: Option<ProposalStatus>) -> Result<(), Refusal> {
    match target {
        None => Err(Refusal::ReversalTargetMissing),
        Some(ProposalStatus::Approved) => Ok(()),
        Some(ProposalStatus::Pending | ProposalStatus::Rejected) => Err(Refusal::NotApplied),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lifting_a_suspension_or_termination_needs_a_manager_like_imposing_one() {
        use super::{needs_approval, DecisionKind as K};
        assert!(needs_approval(K::NoAction, Some(K::Suspension)));
        assert!(needs_approval(K::Warning, Some(K::Termination)));
        assert!(needs_approval(K::Termination, None));
        assert!(!needs_approval(K::NoAction, Some(K::Restriction)), "a restriction was never approved by a manager");
        assert!(!needs_approval(K::Warning, None));
    }

    #[test]
    fn a_case_is_decided_only_by_a_decision_and_closed_only_after_one() {
        use super::{may_set_status, Refusal};
        use crate::domain::case::CaseStatus;
        assert_eq!(may_set_status(CaseStatus::Decided, true), Err(Refusal::DecidedByDecisionOnly));
        assert_eq!(may_set_status(CaseStatus::Closed, false), Err(Refusal::CloseNeedsDecision));
        assert_eq!(may_set_status(CaseStatus::Closed, true), Ok(()));
        assert_eq!(may_set_status(CaseStatus::Investigating, false), Ok(()));
    }

    use super::*;
    use crate::domain::checklist::{Answer, ChecklistAnswer, FINDINGS_LABEL};

    const ALL_CODES: [&str; 6] = [
        "attribution_verified",
        "evidence_reviewed",
        "canspam_checked",
        "other_sources_checked",
        "customer_contacted",
        "customer_answer_reviewed",
    ];

    fn answer(code: &str, answer: Answer) -> ChecklistAnswer {
        ChecklistAnswer { code: code.to_owned(), answer, note: String::new() }
    }

    fn investigation(findings: &str, answered: &[&str], with: Answer) -> InvestigationFacts {
        InvestigationFacts {
            findings: findings.to_owned(),
            answers: answered.iter().map(|c| answer(c, with)).collect(),
        }
    }

    fn complete() -> InvestigationFacts {
        investigation("Customer's web server relays spam.", &ALL_CODES, Answer::Yes)
    }

    fn findings_only() -> InvestigationFacts {
        investigation("Looked at the sample; it is a newsletter.", &[], Answer::Yes)
    }

    fn proposal(kind: DecisionKind, status: ProposalStatus) -> ProposalFacts {
        ProposalFacts { kind, proposed_by: 7, status }
    }

    #[test]
    fn codes_round_trip_and_match_serde_names() {
        for kind in DecisionKind::ALL {
            assert_eq!(DecisionKind::parse(kind.code()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.code()));
        }
        for s in ProposalStatus::ALL {
            assert_eq!(ProposalStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.code()));
        }
        assert_eq!(DecisionKind::parse(" No_Action "), Some(DecisionKind::NoAction));
        assert_eq!(DecisionKind::parse("ban"), None);
    }

    #[test]
    fn only_suspension_and_termination_need_approval() {
        let needing: Vec<DecisionKind> = DecisionKind::ALL.into_iter().filter(|k| k.needs_approval()).collect();
        assert_eq!(needing, [DecisionKind::Suspension, DecisionKind::Termination]);
    }

    #[test]
    fn every_decision_needs_an_investigation_with_findings() {
        for kind in DecisionKind::ALL {
            assert_eq!(may_decide(kind, &[], &ALL_CODES), Err(Refusal::NoInvestigation), "{kind:?}");
            let blank = investigation(" ", &ALL_CODES, Answer::Yes);
            assert_eq!(may_decide(kind, &[blank], &ALL_CODES), Err(Refusal::NoInvestigation), "{kind:?}");
        }
    }

    #[test]
    fn no_action_warning_and_restriction_need_findings_only() {
        for kind in [DecisionKind::NoAction, DecisionKind::Warning, DecisionKind::Restriction] {
            assert_eq!(may_decide(kind, &[findings_only()], &ALL_CODES), Ok(()), "{kind:?}");
        }
    }

    #[test]
    fn suspension_and_termination_need_a_complete_investigation() {
        for kind in [DecisionKind::Suspension, DecisionKind::Termination] {
            let refused = may_decide(kind, &[findings_only()], &ALL_CODES);
            assert!(matches!(refused, Err(Refusal::IncompleteInvestigation { ref missing }) if missing.len() == 6));
            assert_eq!(may_decide(kind, &[complete()], &ALL_CODES), Ok(()), "{kind:?}");
            // One complete investigation anywhere in the record is enough.
            assert_eq!(may_decide(kind, &[complete(), findings_only()], &ALL_CODES), Ok(()), "{kind:?}");
        }
    }

    #[test]
    fn an_incomplete_refusal_names_what_the_latest_investigation_lacks() {
        let older = investigation("old", &[], Answer::Yes);
        let latest = investigation("", &ALL_CODES[..5], Answer::No);
        let refused = may_decide(DecisionKind::Termination, &[older, latest], &ALL_CODES);
        let missing = vec!["Customer's answer reviewed".to_owned(), FINDINGS_LABEL.to_owned()];
        assert_eq!(refused, Err(Refusal::IncompleteInvestigation { missing }));
        assert_eq!(
            refused.unwrap_err().to_string(),
            "a suspension or termination needs a complete investigation; still missing: \
             Customer's answer reviewed; Findings written"
        );
    }

    #[test]
    fn a_manager_other_than_the_proposer_approves_a_pending_proposal() {
        for kind in DecisionKind::ALL {
            assert_eq!(may_approve(&proposal(kind, ProposalStatus::Pending), 8, true, 0), Ok(()), "{kind:?}");
        }
    }

    #[test]
    fn approval_refusals() {
        let pending = proposal(DecisionKind::Suspension, ProposalStatus::Pending);
        assert_eq!(may_approve(&pending, 8, false, 0), Err(Refusal::NotAManager));
        assert_eq!(may_approve(&pending, 7, true, 0), Err(Refusal::SelfApproval));
        for status in [ProposalStatus::Approved, ProposalStatus::Rejected] {
            let decided = proposal(DecisionKind::Suspension, status);
            assert_eq!(may_approve(&decided, 8, true, 0), Err(Refusal::AlreadyDecided));
        }
    }

    #[test]
    fn an_open_dispute_blocks_approving_a_termination_only() {
        let termination = proposal(DecisionKind::Termination, ProposalStatus::Pending);
        assert_eq!(may_approve(&termination, 8, true, 1), Err(Refusal::OpenDispute));
        assert_eq!(may_approve(&termination, 8, true, 0), Ok(()));
        let suspension = proposal(DecisionKind::Suspension, ProposalStatus::Pending);
        assert_eq!(may_approve(&suspension, 8, true, 3), Ok(()));
        assert_eq!(may_reject(&termination, 8, true), Ok(()));
    }

    #[test]
    fn approval_checks_come_in_a_fixed_order() {
        // A decided proposal says so first, whoever asks; a non-manager proposer hears "not a manager".
        let decided = proposal(DecisionKind::Termination, ProposalStatus::Approved);
        assert_eq!(may_approve(&decided, 7, false, 5), Err(Refusal::AlreadyDecided));
        let pending = proposal(DecisionKind::Termination, ProposalStatus::Pending);
        assert_eq!(may_approve(&pending, 7, false, 5), Err(Refusal::NotAManager));
        assert_eq!(may_approve(&pending, 7, true, 5), Err(Refusal::SelfApproval));
    }

    #[test]
    fn rejection_by_a_manager_or_withdrawal_by_the_proposer() {
        let pending = proposal(DecisionKind::Suspension, ProposalStatus::Pending);
        assert_eq!(may_reject(&pending, 8, true), Ok(()));
        assert_eq!(may_reject(&pending, 7, true), Ok(()), "a manager may reject their own proposal");
        assert_eq!(may_reject(&pending, 7, false), Ok(()), "the proposer may withdraw");
        assert_eq!(may_reject(&pending, 8, false), Err(Refusal::NotAManager));
        for status in [ProposalStatus::Approved, ProposalStatus::Rejected] {
            let decided = proposal(DecisionKind::Suspension, status);
            assert_eq!(may_reject(&decided, 8, true), Err(Refusal::AlreadyDecided));
        }
    }

    #[test]
    fn only_an_applied_decision_is_reversed() {
        assert_eq!(may_reverse(Some(ProposalStatus::Approved)), Ok(()));
        assert_eq!(may_reverse(None), Err(Refusal::ReversalTargetMissing));
        assert_eq!(may_reverse(Some(ProposalStatus::Pending)), Err(Refusal::NotApplied));
        assert_eq!(may_reverse(Some(ProposalStatus::Rejected)), Err(Refusal::NotApplied));
    }

    #[test]
    fn refusal_messages_are_the_user_facing_sentences() {
        assert_eq!(Refusal::NoInvestigation.to_string(), "this decision needs a recorded investigation with findings");
        assert_eq!(
            Refusal::SelfApproval.to_string(),
            "the manager who approves must not be the person who proposed it"
        );
        assert_eq!(
            Refusal::OpenDispute.to_string(),
            "the customer's open dispute on this case must be answered before a termination is approved"
        );
        assert_eq!(Refusal::AlreadyDecided.to_string(), "this proposal was already approved or rejected");
        assert_eq!(Refusal::NotStaff.to_string(), "only the abuse desk's staff may do this");
    }
}
