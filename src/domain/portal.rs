//! What a customer reads in the portal: its own cases, counts and decisions, the evidence with every
//! complainant identity removed, and its disputes. These views carry no complainant data and no reporter
//! references by construction: the server builds them from allowlisted, masked text only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::case::CaseStatus;
use super::dispute::DisputeView;

/// One of the customer's cases in the portal's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalCaseRow {
    pub case_id: i64,
    pub source_ip: String,
    pub report_type: String,
    pub role: String,
    pub status: CaseStatus,
    pub unique_complaints: i64,
    pub received: i64,
    pub reporters: i64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
}

/// The portal's first page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalHome {
    pub customer_name: String,
    pub account_ref: String,
    /// active, suspended or terminated.
    pub account_status: String,
    pub cases: Vec<PortalCaseRow>,
    /// Unique complaints of the last 30 days (server-rendered SVG).
    pub chart_svg: String,
}

/// A decision in force, with its statement of reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalDecision {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    /// What was found.
    pub reason: String,
    /// Which evidence was relied on.
    pub evidence: String,
    /// Which policy clause applies.
    pub policy: String,
    /// When it took effect (recorded, or approved by a manager).
    pub in_force_at: DateTime<Utc>,
    pub reverses: Option<i64>,
    /// Until when it can be appealed; `None` for decisions that restrict nothing.
    pub appeal_until: Option<DateTime<Utc>>,
    /// Whether the customer can appeal now.
    pub can_appeal: bool,
}

/// One report of a case as the customer sees it: who reported and when, and whether it counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalReport {
    pub reporter: String,
    pub at: DateTime<Utc>,
    pub unique: bool,
    pub duplicate_reason: Option<String>,
}

/// The evidence of one report, built for the customer from an allowlist (`redact::allowlist`): its own
/// rows or log lines, or the reported message's allowlisted headers and body text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    pub report_id: i64,
    /// The reporting system's name, or a phrase that names nobody.
    pub reporter: String,
    pub at: Option<DateTime<Utc>>,
    pub text: String,
    /// How many items were masked in `text`.
    pub removed: usize,
    /// What was withheld, one sentence each ("3 lines about other addresses withheld").
    pub withheld: Vec<String>,
}

/// One case as the customer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalCaseDetail {
    pub row: PortalCaseRow,
    /// The arithmetic: reports received against unique complaints, and why they differ.
    pub explanation: String,
    pub granularity: String,
    pub chart_svg: String,
    pub reports: Vec<PortalReport>,
    pub evidence: Vec<EvidenceView>,
    pub decisions: Vec<PortalDecision>,
    pub disputes: Vec<DisputeView>,
}
