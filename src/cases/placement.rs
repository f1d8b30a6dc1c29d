//! Putting reports into cases and linking duplicates, after parsing and after attribution changes.
//!
//! A report's case is keyed by (customer, source IP, report type, role): the role is part of the key so a
//! case never adds different roles into one complaint count, and the customer is, so a lease that changed
//! hands never charges the new holder with the old holder's complaints. Duplicate links come from the pure
//! rules of [`crate::triage::duplicates`], applied to every stored report that can be the same complaint
//! as the new ones (same reporter reference, or same complainant and original, followed transitively).
//! Counters are then recounted for every case touched.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use crate::store::{self, CaseFacts, CaseKey, Placement, Store, StoreError};
use crate::triage::duplicates::{link_duplicates, DuplicateReason, ReportFacts};

/// How many rounds of "reports related to the related reports" are followed; real complaints close in one
/// or two, and the cap keeps a pathological chain from reading the whole table.
const MAX_ROUNDS: usize = 4;

/// One placement at a time in this process. Links are computed from what the database holds when the
/// placement reads it; two placements of the same complaint racing (each reading before the other's report
/// was committed) could each write a view without the other's report. Serialised, the last placement of a
/// complaint always reads every report committed before it and writes the final links. Separate
/// processes (several MTA pipes at once) are not covered by this lock; `abusedesk recount` settles any
/// such race, and the concurrency test runs in one process, as `serve` and `import` do.
static PLACING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What placing changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placed {
    /// Reports whose case or link changed.
    pub reports: usize,
    /// Cases recounted.
    pub cases: usize,
    /// Closed cases reopened by a new report.
    pub reopened: usize,
}

/// Places the reports of some messages (just parsed or re-attributed) and every report of the same
/// complaints, and recounts the cases involved, each once.
///
/// # Errors
/// Database errors; the reports then stay where they were until `abusedesk recount`.
pub async fn place_messages(store: &Store, message_ids: &[i64], recount: Recount) -> Result<Placed, StoreError> {
    let _placing = PLACING.lock().await;
    let own = store.case_facts_of_messages(message_ids).await?;
    if own.is_empty() {
        return Ok(Placed::default());
    }
    let facts = related(store, own).await?;
    place(store, facts, recount).await
}

/// Recounts the cases of some messages after other arrivals of the same bytes (counted as copies), each
/// case once.
///
/// # Errors
/// Database errors.
pub async fn recount_messages(store: &Store, message_ids: &[i64], recount: Recount) -> Result<usize, StoreError> {
    let mut cases = BTreeSet::new();
    for &message_id in message_ids {
        cases.extend(store.cases_of_message(message_id).await?);
    }
    let n = cases.len();
    recount.cases(store, cases).await?;
    Ok(n)
}

/// When the counters of the cases a placement touched are recomputed (see [`crate::intake::bulk`] for why a bulk
/// import waits). Either way the cases are listed in the recount journal by the placement's own unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recount {
    /// Before the call returns: every other channel.
    Now,
    /// Left in the journal, for the caller (or the next intake run, see [`crate::intake::heal`]) to recount.
    Later,
}

impl Recount {
    async fn cases(self, store: &Store, cases: impl IntoIterator<Item = i64>) -> Result<(), StoreError> {
        match self {
            Recount::Now => recount_cases(store, cases).await,
            Recount::Later => Ok(()),
        }
    }
}

/// Recomputes the counters of each case.
///
/// # Errors
/// Database errors.
pub async fn recount_cases(store: &Store, cases: impl IntoIterator<Item = i64>) -> Result<(), StoreError> {
    for case_id in cases {
        store.recount_case(case_id, store::now()).await?;
    }
    Ok(())
}

/// Places every report not yet in a case, then recounts every case: `abusedesk recount`.
///
/// # Errors
/// Database errors.
pub async fn place_all(store: &Store) -> Result<Placed, StoreError> {
    let mut total = Placed::default();
    loop {
        let messages = store.messages_without_cases(500).await?;
        if messages.is_empty() {
            break;
        }
        let before = total.reports;
        // Every case is recounted below.
        let placed = place_messages(store, &messages, Recount::Later).await?;
        total.reports += placed.reports;
        total.reopened += placed.reopened;
        if total.reports == before {
            // Reports that cannot be placed (nothing changed) would loop forever.
            break;
        }
    }
    store.refresh_report_facts().await?;
    // The front page's kept intake counter is settled by the same recount (writes keep it in step; a fixture
    // written with plain SQL, or an older database, is brought level here).
    store.rebuild_intake_days(store::now()).await?;
    let cases = store.all_case_ids().await?;
    for &case_id in &cases {
        store.recount_case(case_id, store::now()).await?;
    }
    total.cases = cases.len();
    Ok(total)
}

/// Pairs of text that join reports into one complaint: `(reporter, reporter_ref)` or
/// `(complainant_hash, original)`.
type JoinKeys = BTreeSet<(String, String)>;

/// The reporter-reference and complainant-original keys of `facts`.
fn keys(facts: &[CaseFacts]) -> (JoinKeys, JoinKeys) {
    let mut refs = BTreeSet::new();
    let mut originals = BTreeSet::new();
    for f in facts {
        if let Some(reference) = f.reporter_ref.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            refs.insert((f.reporter.clone(), reference.to_owned()));
        }
        if let Some(hash) = f.complainant_hash.as_deref().filter(|h| !h.is_empty()) {
            for original in [&f.original_message_id, &f.content_fingerprint].into_iter().flatten() {
                if !original.trim().is_empty() {
                    originals.insert((hash.to_owned(), original.clone()));
                }
            }
        }
    }
    (refs, originals)
}

/// `own` and every stored report that can be the same complaint, followed transitively.
async fn related(store: &Store, own: Vec<CaseFacts>) -> Result<Vec<CaseFacts>, StoreError> {
    let mut by_id: HashMap<i64, CaseFacts> = own.into_iter().map(|f| (f.report_id, f)).collect();
    let (mut seen_refs, mut seen_originals) = (BTreeSet::new(), BTreeSet::new());
    for _ in 0..MAX_ROUNDS {
        let all: Vec<CaseFacts> = by_id.values().cloned().collect();
        let (refs, originals) = keys(&all);
        let new_refs: Vec<_> = refs.difference(&seen_refs).cloned().collect();
        let new_originals: Vec<_> = originals.difference(&seen_originals).cloned().collect();
        if new_refs.is_empty() && new_originals.is_empty() {
            break;
        }
        let before = by_id.len();
        for f in store.related_case_facts(&new_refs, &new_originals).await? {
            by_id.entry(f.report_id).or_insert(f);
        }
        seen_refs.extend(new_refs);
        seen_originals.extend(new_originals);
        if by_id.len() == before {
            break;
        }
    }
    let mut facts: Vec<CaseFacts> = by_id.into_values().collect();
    facts.sort_by_key(|f| f.report_id);
    Ok(facts)
}

/// The case key of a report; the address in canonical form so `2001:DB8::1` and `2001:db8::1` share a case.
pub fn case_key(f: &CaseFacts) -> CaseKey {
    let ip = f.source_ip.trim();
    let source_ip = ip.parse::<IpAddr>().map_or_else(|_| ip.to_owned(), |ip| ip.to_canonical().to_string());
    CaseKey { customer_id: f.customer_id, source_ip, report_type: f.report_type.clone(), role: f.role.clone() }
}

/// What the duplicate rules need of a stored report.
pub fn report_facts(f: &CaseFacts) -> ReportFacts {
    ReportFacts {
        report_id: f.report_id,
        message_id: f.inbound_message_id,
        arrivals: f.arrivals,
        recipients: Vec::new(),
        reporter: f.reporter.clone(),
        reporter_ref: f.reporter_ref.clone(),
        role: f.role.clone(),
        source_ip: f.source_ip.clone(),
        report_type: f.report_type.clone(),
        complainant_hash: f.complainant_hash.clone(),
        original_message_id: f.original_message_id.clone(),
        content_fingerprint: f.content_fingerprint.clone(),
        incident_time: f.incident_time,
    }
}

/// Which reports count as unique complaints in their case: unlinked reports, and the first report of a
/// complaint in a case when the complaint's canonical report is in another case (the rule of
/// [`crate::triage::counts::count_by_role`]). `facts` are in id order.
pub fn unique_in_case(
    facts: &[CaseFacts],
    cases: &[i64],
    links: &HashMap<i64, (i64, DuplicateReason)>,
) -> HashSet<i64> {
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    let mut unique = HashSet::new();
    for (f, &case_id) in facts.iter().zip(cases) {
        let is_unique = match links.get(&f.report_id) {
            None => seen.insert((case_id, f.report_id)),
            Some(&(canonical, DuplicateReason::OtherRole)) => seen.insert((case_id, canonical)),
            Some(_) => false,
        };
        if is_unique {
            unique.insert(f.report_id);
        }
    }
    unique
}

async fn place(store: &Store, facts: Vec<CaseFacts>, recount: Recount) -> Result<Placed, StoreError> {
    let now = store::now();
    let keys: Vec<CaseKey> = facts.iter().map(case_key).collect();
    let handles = store.ensure_cases(&keys, now).await?;
    let mut cases = Vec::with_capacity(facts.len());
    for key in &keys {
        cases.push(handles.get(key).ok_or(StoreError::NotFound)?.abuse_case_id);
    }
    let report_facts: Vec<ReportFacts> = facts.iter().map(report_facts).collect();
    let links: HashMap<i64, (i64, DuplicateReason)> =
        link_duplicates(&report_facts).into_iter().map(|l| (l.report_id, (l.canonical_id, l.reason))).collect();
    let unique = unique_in_case(&facts, &cases, &links);

    let mut placements = Vec::new();
    let mut touched: BTreeSet<i64> = BTreeSet::new();
    let mut entered: BTreeSet<i64> = BTreeSet::new();
    let mut reopen = Vec::new();
    for (f, &case_id) in facts.iter().zip(&cases) {
        let link = links.get(&f.report_id);
        let p = Placement {
            report_id: f.report_id,
            case_id,
            duplicate_of: link.map(|&(canonical, _)| canonical),
            duplicate_reason: link.map(|&(_, reason)| reason.code()),
            unique_in_case: unique.contains(&f.report_id),
        };
        let unchanged = f.abuse_case_id == Some(case_id)
            && f.duplicate_of == p.duplicate_of
            && f.duplicate_reason.as_deref() == p.duplicate_reason
            && f.unique_in_case == p.unique_in_case;
        if unchanged {
            continue;
        }
        touched.insert(case_id);
        touched.extend(f.abuse_case_id);
        if f.abuse_case_id != Some(case_id) {
            entered.insert(case_id);
        }
        if f.abuse_case_id.is_none() {
            let handle = handles.values().find(|h| h.abuse_case_id == case_id);
            let after_close = handle.and_then(|h| h.closed_at).is_some_and(|closed| f.first_received_at > closed);
            if handle.is_some_and(|h| h.status == "closed") && after_close {
                reopen.push((case_id, f.report_id));
            }
        }
        placements.push(p);
    }
    if placements.is_empty() {
        return Ok(Placed::default());
    }
    // A customer's case opens when its first report enters it. The notices are written before the unit
    // (composing reads other rows) for every case that may still be empty, a case created just now or
    // one whose first placement never committed, and queued in the unit only for those really empty.
    let mut notices = Vec::new();
    for (key, handle) in &handles {
        let may_be_empty = handle.created_now(now) || handle.stored_reports == 0;
        if key.customer_id.is_some() && may_be_empty && entered.contains(&handle.abuse_case_id) {
            if let Some(n) = crate::notify::compose(store, handle.abuse_case_id, crate::notify::Kind::CaseOpened, "").await? {
                notices.push(n);
            }
        }
    }
    // One unit: where the reports go, the cases they reopen, the cases listed for a recount (so a crash
    // before the recount below leaves them to the next intake run) and the opening notices.
    let mut tx = store.begin().await?;
    let candidates: BTreeSet<i64> = notices.iter().map(|n| n.case_id).collect();
    let opened = tx.cases_without_reports(&candidates).await?;
    tx.place_reports(&placements, now).await?;
    let mut reopened = 0;
    for &(case_id, report_id) in &reopen {
        reopened += usize::from(tx.reopen_case(case_id, report_id, now).await?);
    }
    tx.mark_for_recount(&touched, now).await?;
    for n in notices.iter().filter(|n| opened.contains(&n.case_id)) {
        tx.queue_notification(&n.as_new(), now).await?;
    }
    tx.commit().await?;
    recount.cases(store, touched.iter().copied()).await?;
    Ok(Placed { reports: placements.len(), cases: touched.len(), reopened })
}

/// Recounts up to `limit` cases of the journal; returns how many.
///
/// # Errors
/// Database errors.
pub async fn recount_listed(store: &Store, limit: usize) -> Result<usize, StoreError> {
    let mut done = 0;
    let mut seen = BTreeSet::new();
    while done < limit {
        let want = limit.saturating_sub(done).min(500);
        let listed = store.cases_to_recount(i64::try_from(want).unwrap_or(500)).await?;
        // A case still listed after its recount was changed meanwhile; the next call takes it.
        let fresh: Vec<i64> = listed.into_iter().filter(|c| seen.insert(*c)).collect();
        if fresh.is_empty() {
            break;
        }
        for &case_id in &fresh {
            store.recount_case(case_id, store::now()).await?;
        }
        done += fresh.len();
    }
    Ok(done)
}
