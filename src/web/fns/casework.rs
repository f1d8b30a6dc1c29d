//! Casework: investigations, notes, decisions and the manager's review. Every function checks the caller
//! is staff; the sanction rules themselves are enforced by `casework` on the server, whatever the page
//! offers.

use std::collections::HashMap;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::access::STAFF;
use crate::domain::casework::{CaseworkView, ProposalView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn decision_view(d: crate::store::DecisionRecord) -> crate::domain::casework::DecisionView {
    use crate::domain::decision::DecisionKind;
    crate::domain::casework::DecisionView {
        id: d.decision_id,
        case_id: d.abuse_case_id,
        kind_label: DecisionKind::parse(&d.kind).map_or_else(|| d.kind.clone(), |k| k.label().to_owned()),
        status: d.status().code().to_owned(),
        kind: d.kind,
        reason: d.reason,
        evidence: d.evidence,
        policy: d.policy,
        decided_by: d.decided_by_name,
        at: d.created_at,
        reverses: d.reverses_decision_id,
        reviewed_by: d.reviewed_by_name,
        review_reason: d.review_reason,
        reviewed_at: d.reviewed_at,
    }
}

/// The casework of one case.
#[server(endpoint = "get_casework")]
pub async fn get_casework(case_id: i64) -> Result<CaseworkView, AppError> {
    use crate::domain::casework::{ChecklistItemView, InvestigationView, NoteView};
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let store = &state.store;
    let items = store.checklist_items().await?;
    let required = crate::casework::required_codes(&items);
    let investigations = store
        .case_investigations(case_id)
        .await?
        .into_iter()
        .map(|i| {
            let facts = crate::casework::facts(&i.findings, &i.answers);
            InvestigationView {
                id: i.investigation_id,
                mine: i.opened_by == user.user_id.0,
                opened_by: i.opened_by_name,
                missing: facts.missing(&required),
                findings: facts.findings,
                answers: facts.answers,
                created_at: i.created_at,
                updated_at: i.updated_at,
            }
        })
        .collect();
    let notes = store.case_notes(case_id).await?.into_iter().map(|n| NoteView { author: n.author, body: n.body, at: n.created_at }).collect();
    let decisions = store.case_decisions(case_id).await?.into_iter().map(decision_view).collect();
    let indicators = match store.case_evidence(case_id).await? {
        Some((evidence, at)) => crate::investigation::indicators_at(evidence.as_bytes(), at)
            .summary()
            .into_iter()
            .map(|(what, value)| (what.to_owned(), value))
            .collect(),
        None => Vec::new(),
    };
    Ok(CaseworkView {
        checklist: items.into_iter().map(|i| ChecklistItemView { code: i.code, label: i.label, required: i.required }).collect(),
        investigations,
        notes,
        decisions,
        open_disputes: store.open_disputes(case_id).await?,
        indicators,
    })
}

/// Opens an investigation of a case.
#[server(endpoint = "open_investigation")]
pub async fn open_investigation(case_id: i64) -> Result<i64, AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    Ok(crate::casework::open_investigation(&state.store, &user, case_id).await?)
}

/// Saves an investigation: findings and `answers[code]` = yes, no, not_applicable (or empty: unanswered).
#[server(endpoint = "save_investigation")]
pub async fn save_investigation(
    investigation_id: i64,
    findings: String,
    answers: HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::domain::checklist::{Answer, ChecklistAnswer};
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let mut list = Vec::new();
    for (code, answer) in answers {
        match answer.trim() {
            "" => {}
            a => {
                let answer = Answer::parse(a)
                    .ok_or_else(|| AppError::invalid("answers", "answer yes, no or not applicable").with_response_status())?;
                list.push(ChecklistAnswer { code, answer, note: String::new() });
            }
        }
    }
    list.sort_by(|a, b| a.code.cmp(&b.code));
    crate::casework::save_investigation(&state.store, &user, investigation_id, &findings, &list).await?;
    Ok(())
}

/// Adds a note to a case.
#[server(endpoint = "add_case_note")]
pub async fn add_case_note(case_id: i64, body: String) -> Result<(), AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    Ok(crate::casework::add_note(&state.store, &user, case_id, &body).await?)
}

/// Records a decision, or proposes one that needs a manager. `reverses` is empty or the id of the decision
/// this one reverses; `policy` names the policy clause relied on.
#[server(endpoint = "decide")]
pub async fn decide(
    case_id: i64,
    kind: String,
    reason: String,
    evidence: String,
    reverses: String,
    policy: Option<String>,
) -> Result<i64, AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let kind = crate::domain::decision::DecisionKind::parse(kind.trim())
        .ok_or_else(|| AppError::invalid("kind", "choose one of the listed decisions").with_response_status())?;
    let reverses = match reverses.trim() {
        "" => None,
        r => Some(r.parse::<i64>().map_err(|_| AppError::invalid("reverses", "give a decision number").with_response_status())?),
    };
    let policy = policy.unwrap_or_default();
    let req = crate::casework::DecisionRequest { case_id, kind, reason: &reason, evidence: &evidence, policy: &policy, reverses };
    let id = crate::casework::decide(&state.store, &user, &req).await?;
    tracing::info!(by = %user.user_id, case.id = case_id, decision.id = id, kind = kind.code(), "decision recorded");
    Ok(id)
}

/// Answers the reporters of a case about a decision in force (SpamCop by its command addresses, others by
/// reply); returns how many answers were queued.
#[server(endpoint = "answer_reporters")]
pub async fn answer_reporters(case_id: i64, decision_id: i64) -> Result<usize, AppError> {
    use crate::notify::reporters::AnswerError;
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    match crate::notify::reporters::answer_reporters(&state.store, &user, case_id, decision_id).await {
        Ok(n) => Ok(n),
        Err(AnswerError::NotInForce(_)) => {
            Err(AppError::Refused(format!("decision {decision_id} is not in force on case {case_id}")).with_response_status())
        }
        Err(AnswerError::Store(e)) => Err(e.into()),
    }
}

/// A manager approves (`verdict` = approve) or rejects (reject) a proposal, with a written reason.
#[server(endpoint = "review_decision")]
pub async fn review_decision(decision_id: i64, verdict: String, reason: String) -> Result<(), AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let approve = match verdict.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::invalid("verdict", "approve or reject").with_response_status()),
    };
    crate::casework::review(&state.store, &user, decision_id, approve, &reason).await?;
    tracing::info!(by = %user.user_id, decision.id = decision_id, approve, "proposal reviewed");
    Ok(())
}

/// The manager's review queue: pending proposals with the evidence summary.
#[server(endpoint = "list_proposals")]
pub async fn list_proposals() -> Result<Vec<ProposalView>, AppError> {
    use crate::domain::role::Role;
    crate::auth::require(&[Role::Manager, Role::Admin])?;
    let state = super::app_state()?;
    let store = &state.store;
    let items = store.checklist_items().await?;
    let required = crate::casework::required_codes(&items);
    let now = crate::store::now();
    let mut out = Vec::new();
    for d in store.pending_proposals().await? {
        let case_id = d.abuse_case_id;
        let record = store.get_case(case_id).await?;
        // What the proposal relied on (frozen when it was made), not later versions.
        let investigations: Vec<_> = store
            .decision_investigations(d.decision_id)
            .await?
            .iter()
            .map(|i| crate::casework::facts(&i.findings, &i.answers))
            .collect();
        let case = crate::cases::views::case_rows(store, vec![record.clone()], now).await?.remove(0);
        let detail = crate::cases::views::case_detail(store, case_id, crate::triage::rates::Granularity::Day, now).await?;
        out.push(ProposalView {
            decision: decision_view(d),
            case,
            explanation: detail.explanation,
            investigation_complete: investigations.iter().any(|i| i.is_complete(&required)),
            findings: investigations.last().map(|i| i.findings.clone()).unwrap_or_default(),
            open_disputes: store.open_disputes(case_id).await?,
        });
    }
    Ok(out)
}
