//! The evidence a customer reads, report by report: each report's own evidence cut down to what is the
//! customer's (`redact::allowlist`), with the complainants of its message masked and guarded, on a blocking
//! thread with a time budget. Also the complainant identities of a case, against which staff text meant
//! for the customer is checked before it is saved.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::portal::EvidenceView;
use crate::redact::allowlist::{self, Shown};
use crate::redact::complainant::{is_reporting_system, sender_identities};
use crate::redact::guard::Identities;
use crate::store::{Store, StoreError, StoredReport};

/// Reports whose evidence is shown on the customer's case page.
const EVIDENCE_REPORTS: i64 = 20;
/// How long building one report's evidence may take; over it the evidence is withheld.
const BUDGET: Duration = Duration::from_secs(3);

/// The reporter as the customer may read it: a reporting system's name, never a person's domain.
pub fn public_reporter(reporter: &str) -> String {
    if is_reporting_system(reporter) {
        reporter.to_owned()
    } else {
        "an individual or another network (not named)".to_owned()
    }
}

/// The complainant identities of one message: every report's complainant and reporter reference, and the
/// message's sender (a person's sender by name too).
///
/// # Errors
/// Database errors.
pub async fn message_identities(store: &Store, message_id: i64) -> Result<Identities, StoreError> {
    let reports = store.list_message_reports(message_id).await?;
    let mut ids = Identities::default();
    for r in &reports {
        if let Some(c) = &r.complainant {
            ids.add_address(c, true);
            ids.add_name(c, false);
        }
        if let Some(reference) = &r.reporter_ref {
            ids.add_reference(reference);
        }
        if let Some(evidence) = &r.evidence {
            ids.extend(&allowlist::evidence_recipients(evidence));
        }
    }
    let person = !reports.iter().any(|r| is_reporting_system(&r.reporter));
    if let Some(raw) = store.find_message_raw(message_id).await? {
        ids.extend(&sender_identities(&raw, person));
    }
    Ok(ids)
}

/// The complainant identities of every message with a report in the case.
///
/// # Errors
/// Database errors.
pub async fn case_identities(store: &Store, case_id: i64) -> Result<Identities, StoreError> {
    let mut ids = Identities::default();
    let mut seen = Vec::new();
    for r in store.list_case_reports(case_id, 10_000).await? {
        if !seen.contains(&r.inbound_message_id) {
            seen.push(r.inbound_message_id);
            ids.extend(&message_identities(store, r.inbound_message_id).await?);
        }
    }
    Ok(ids)
}

/// The evidence of the case's first reports, each built for the customer whose address is `own_ip`.
///
/// # Errors
/// Database errors.
pub async fn case_evidence(store: &Store, case_id: i64, own_ip: &str) -> Result<Vec<EvidenceView>, StoreError> {
    let Ok(own_ip) = own_ip.parse::<IpAddr>() else { return Ok(Vec::new()) };
    let mut identities: HashMap<i64, Identities> = HashMap::new();
    let mut out = Vec::new();
    for r in store.list_case_reports(case_id, EVIDENCE_REPORTS).await? {
        let ids = match identities.get(&r.inbound_message_id) {
            Some(ids) => ids.clone(),
            None => {
                let ids = message_identities(store, r.inbound_message_id).await?;
                identities.insert(r.inbound_message_id, ids.clone());
                ids
            }
        };
        // A letter is read only when the report has no evidence of its own.
        let letter = match r.evidence {
            Some(_) => None,
            None => store.find_message_raw(r.inbound_message_id).await?,
        };
        let at = r.incident_time;
        let shown = build(r.clone(), letter, own_ip, ids).await;
        out.push(view(&r, at, shown));
    }
    Ok(out)
}

/// Runs the allowlist off the async workers; over [`BUDGET`] (or if it failed) the evidence is withheld.
async fn build(r: StoredReport, letter: Option<Vec<u8>>, own_ip: IpAddr, ids: Identities) -> Shown {
    let task = tokio::task::spawn_blocking(move || {
        allowlist::report_evidence(&r.format, r.evidence.as_deref(), letter.as_deref(), own_ip, &ids)
    });
    match tokio::time::timeout(BUDGET, task).await {
        Ok(Ok(shown)) => shown,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "portal: evidence could not be built");
            withheld("the evidence could not be checked and was withheld")
        }
        Err(_) => withheld("the evidence took too long to check and was withheld"),
    }
}

fn withheld(why: &str) -> Shown {
    Shown { withheld: vec![why.to_owned()], ..Shown::default() }
}

fn view(r: &StoredReport, at: Option<DateTime<Utc>>, shown: Shown) -> EvidenceView {
    EvidenceView {
        report_id: r.report_id,
        reporter: public_reporter(&r.reporter),
        at,
        text: shown.text,
        removed: shown.removed,
        withheld: shown.withheld,
    }
}

/// Why `texts` (written by staff for the customer: a statement of reasons, a reply) may not be saved: one
/// names a complainant of the case, in any form the guard decodes. `None` when they are fine.
///
/// # Errors
/// Database errors.
pub async fn names_a_complainant(store: &Store, case_id: i64, texts: &[&str]) -> Result<Option<String>, StoreError> {
    let ids = case_identities(store, case_id).await?;
    Ok(texts.iter().find_map(|t| ids.found_in(t)).map(|what| {
        format!("the text names {what} of this case; the customer reads it, so rewrite it without the complainant")
    }))
}
