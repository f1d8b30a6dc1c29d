//! Attribution as the desk shows it: which customer held an address at a moment, or why nobody can be named;
//! the queue of reports nobody could be named for; and the record of imports that changed who held what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::customer::CustomerBrief;

/// One holding of addresses by a customer over [valid_from, valid_to).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub assignment_id: i64,
    pub customer: CustomerBrief,
    /// static, lease or cgnat.
    pub kind: String,
    /// CIDR block, or the single address of a lease or CGNAT range.
    pub network: String,
    /// The port range of a CGNAT assignment (0–65535 for the others).
    pub port_from: u16,
    pub port_to: u16,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    /// csv, radius or demo.
    pub source: String,
}

impl AssignmentView {
    /// "198.51.100.9 ports 10240–12287", "192.0.2.8/29", "2001:db8::7".
    pub fn what(&self) -> String {
        if self.kind == "cgnat" {
            format!("{} ports {}–{}", bare_address(&self.network), self.port_from, self.port_to)
        } else if self.kind == "lease" {
            bare_address(&self.network).to_owned()
        } else {
            self.network.clone()
        }
    }
}

/// "192.0.2.7" from "192.0.2.7/32" (and the same for /128).
fn bare_address(network: &str) -> &str {
    network.strip_suffix("/32").or_else(|| network.strip_suffix("/128")).unwrap_or(network)
}

/// What a lookup of an address at a moment found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupOutcome {
    /// One customer held it, by this assignment; `via` says how specific the match was.
    Customer { assignment: AssignmentView, via: String },
    /// Nobody can be named: why (code and plain words), and who could have held it.
    Unattributed { reason: String, reason_label: String, candidates: Vec<AssignmentView> },
}

/// A lookup and its outcome, for the lookup page and `abusedesk attribute`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupView {
    pub ip: String,
    pub port: Option<u16>,
    pub at: DateTime<Utc>,
    pub outcome: LookupOutcome,
}

/// A report nobody could be named for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnattributedView {
    pub report_id: i64,
    pub message_id: i64,
    pub report_type: String,
    pub reporter: String,
    pub source_ip: String,
    pub source_port: Option<u16>,
    /// The moment attribution used: the incident time, or the first arrival when the report gave none.
    pub at: DateTime<Utc>,
    /// Whether `at` is the report's own incident time.
    pub at_is_incident: bool,
    pub reason: String,
    pub reason_label: String,
    /// Customers who could have held the address.
    pub candidates: Vec<CustomerBrief>,
}

/// A change of a report's attribution after its first, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionChangeView {
    pub report_id: i64,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub changed_at: DateTime<Utc>,
}

/// One line of an import file that was not taken, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub line: u64,
    pub message: String,
}

/// What one import (or dry run) of customers or assignments found and did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRunView {
    pub import_run_id: i64,
    /// customers, assignments or radius.
    pub kind: String,
    pub file_name: String,
    pub dry_run: bool,
    pub imported_by: String,
    pub rows_read: i64,
    pub rows_added: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub row_errors: Vec<RowProblem>,
    /// Overlapping assignments of different customers, in plain words.
    pub conflicts: Vec<String>,
    /// Reports whose attribution changed because of this import.
    pub reattributed: i64,
    pub created_at: DateTime<Utc>,
}
