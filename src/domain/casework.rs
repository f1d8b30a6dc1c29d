//! Casework as the case page and the manager's review queue show it: the checklist, investigations,
//! notes, decisions with their reviews, and open disputes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::checklist::ChecklistAnswer;

/// One checklist item as configured by the desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItemView {
    pub code: String,
    pub label: String,
    pub required: bool,
}

/// An investigation with its author and whether it is complete.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvestigationView {
    pub id: i64,
    pub opened_by: String,
    /// The signed-in user opened it (only they write in it).
    pub mine: bool,
    pub findings: String,
    pub answers: Vec<ChecklistAnswer>,
    /// Labels of what is still missing for a complete investigation (empty when complete).
    pub missing: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A note on a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A decision with its review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: i64,
    pub case_id: i64,
    /// no_action, warning, restriction, suspension or termination.
    pub kind: String,
    pub kind_label: String,
    pub reason: String,
    pub evidence: String,
    /// The policy clause relied on; empty when none was named.
    pub policy: String,
    pub decided_by: String,
    pub at: DateTime<Utc>,
    /// pending, approved (in force) or rejected.
    pub status: String,
    pub reverses: Option<i64>,
    pub reviewed_by: Option<String>,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// Everything of a case's casework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseworkView {
    pub checklist: Vec<ChecklistItemView>,
    pub investigations: Vec<InvestigationView>,
    pub notes: Vec<NoteView>,
    pub decisions: Vec<DecisionView>,
    pub open_disputes: i64,
    /// CAN-SPAM indicators of the case's first original message: (what, finding). They inform; they
    /// decide nothing.
    pub indicators: Vec<(String, String)>,
}

/// A proposal in the manager's review queue, with the evidence summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalView {
    pub decision: DecisionView,
    pub case: super::case::CaseRow,
    /// The case's arithmetic in one sentence.
    pub explanation: String,
    /// Whether any investigation of the case is complete, and the latest one's findings.
    pub investigation_complete: bool,
    pub findings: String,
    pub open_disputes: i64,
}
