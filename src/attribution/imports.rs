//! Imports of who holds which addresses: customers CSV, assignments CSV and RADIUS accounting detail
//! files, from the command line and the admin upload alike. Row errors are collected with their line
//! numbers (the rest of the file still counts), conflicts are reported rather than resolved, a dry run
//! counts without writing, and every run is recorded. A real import that changed any assignment is
//! followed by re-attributing every report, each change recorded with the import as its reason.

use std::collections::HashMap;

use super::conflicts::find_conflicts;
use super::csv_import::{self, RowError};
use super::holding::{Assignment, AssignmentKind};
use super::radius;
use crate::domain::attribution::{ImportRunView, RowProblem};
use crate::store::{self, NewHolding, NewImportRun, Store, StoreError, UpsertCounts};

use super::attribute;

/// At most this many conflicts are listed by an import (their total is still given).
const MAX_CONFLICTS_LISTED: usize = 100;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    Customers,
    Assignments,
    Radius,
}

impl ImportKind {
    /// The recorded name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Assignments => "assignments",
            ImportKind::Radius => "radius",
        }
    }

    /// From the recorded name.
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s {
            "customers" => Some(ImportKind::Customers),
            "assignments" => Some(ImportKind::Assignments),
            "radius" => Some(ImportKind::Radius),
            _ => None,
        }
    }
}

/// One import to run.
#[derive(Clone, Debug)]
pub struct ImportRequest<'a> {
    pub kind: ImportKind,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub dry_run: bool,
    /// The user name, or `cli`.
    pub imported_by: &'a str,
}

fn problems(errors: Vec<RowError>) -> Vec<RowProblem> {
    errors.into_iter().map(|e| RowProblem { line: e.line, message: e.message }).collect()
}

/// Runs an import and records it.
///
/// # Errors
/// Database errors (nothing of the import is then kept: each import is one transaction).
pub async fn import(store: &Store, req: &ImportRequest<'_>) -> Result<ImportRunView, StoreError> {
    let now = store::now();
    let (rows_read, counts, mut errors, holdings) = match req.kind {
        ImportKind::Customers => {
            let parsed = csv_import::parse_customers(req.bytes);
            let customers: Vec<_> = parsed.rows.into_iter().map(|(_, c)| c).collect();
            let counts = store.upsert_customers(&customers, req.dry_run, now).await?;
            (customers.len() + parsed.errors.len(), counts, problems(parsed.errors), Vec::new())
        }
        ImportKind::Assignments => {
            let parsed = csv_import::parse_assignments(req.bytes);
            let refs = store.customer_ids_by_ref().await?;
            let mut errors = problems(parsed.errors);
            let read = parsed.rows.len() + errors.len();
            let rows = parsed.rows.into_iter().map(|(line, a)| (line, a.account_ref, a.kind, a.valid_from, a.valid_to, None));
            let holdings = holdings_for(rows, &refs, "csv", &mut errors);
            (read, UpsertCounts::default(), errors, holdings)
        }
        ImportKind::Radius => {
            let text = String::from_utf8_lossy(req.bytes);
            let parsed = radius::parse_detail(&text);
            let refs = store.customer_ids_by_ref().await?;
            let mut errors = problems(parsed.warnings);
            let read = parsed.leases.len();
            let rows = parsed.leases.into_iter().map(|l| {
                (0, l.user_name, AssignmentKind::Lease(l.ip), l.valid_from, l.valid_to, Some(l.session_id))
            });
            let holdings = holdings_for(rows, &refs, "radius", &mut errors);
            (read, UpsertCounts::default(), errors, holdings)
        }
    };
    let counts = if holdings.is_empty() { counts } else { store.upsert_assignments(&holdings, req.dry_run, now).await? };
    errors.sort_by_key(|e| e.line);

    let (conflicts, reattributed) = if req.kind == ImportKind::Customers {
        (Vec::new(), 0)
    } else {
        let conflicts = conflicts(store, if req.dry_run { &holdings } else { &[] }).await?;
        let changed = counts.added + counts.updated > 0 && !req.dry_run;
        let reason = format!("{} import of {}", req.kind.as_str(), req.file_name);
        let reattributed = if changed { attribute::reattribute_all(store, &reason).await? } else { 0 };
        (conflicts, reattributed)
    };
    let run = NewImportRun {
        kind: req.kind.as_str(),
        file_name: req.file_name,
        dry_run: req.dry_run,
        imported_by: req.imported_by,
        rows_read: i64::try_from(rows_read).unwrap_or(i64::MAX),
        rows_added: counts.added,
        rows_updated: counts.updated,
        rows_unchanged: counts.unchanged,
        row_errors: &errors,
        conflicts: &conflicts,
        reattributed,
    };
    let id = store.record_import_run(&run, now).await?;
    store.get_import_run(id).await
}

type Row = (u64, String, AssignmentKind, chrono::DateTime<chrono::Utc>, Option<chrono::DateTime<chrono::Utc>>, Option<String>);

/// Assignments for the rows whose account reference names a customer; the others become row errors.
fn holdings_for(
    rows: impl Iterator<Item = Row>,
    refs: &HashMap<String, i64>,
    source: &'static str,
    errors: &mut Vec<RowProblem>,
) -> Vec<NewHolding> {
    let mut out = Vec::new();
    for (line, account_ref, kind, valid_from, valid_to, source_ref) in rows {
        match refs.get(&account_ref) {
            Some(&customer_id) => out.push(NewHolding { customer_id, kind, valid_from, valid_to, source, source_ref }),
            None => errors.push(RowProblem {
                line,
                message: format!("no customer has the account reference {account_ref:?}: import customers first"),
            }),
        }
    }
    out
}

/// Overlapping assignments of different customers among those stored (plus `pending`, in a dry run), in
/// plain words with account references.
async fn conflicts(store: &Store, pending: &[NewHolding]) -> Result<Vec<String>, StoreError> {
    let mut all = store.all_assignments().await?;
    // Rows of a dry run have no ids yet: negative ones keep them apart from stored rows.
    all.extend(pending.iter().zip(1_i64..).map(|(h, n)| Assignment {
        assignment_id: -n,
        customer_id: h.customer_id,
        kind: h.kind.clone(),
        valid_from: h.valid_from,
        valid_to: h.valid_to,
    }));
    let found = find_conflicts(&all);
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let names: HashMap<i64, String> = store.customer_ids_by_ref().await?.into_iter().map(|(r, id)| (id, r)).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let total = found.len();
    let mut out: Vec<String> = found
        .into_iter()
        .take(MAX_CONFLICTS_LISTED)
        .map(|c| format!("{} and {}: {}", name(c.first.customer_id), name(c.second.customer_id), c.description))
        .collect();
    if total > MAX_CONFLICTS_LISTED {
        out.push(format!("… and {} more", total - MAX_CONFLICTS_LISTED));
    }
    Ok(out)
}
