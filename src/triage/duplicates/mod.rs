//! Linking duplicate reports to one complaint, never dropping them.
//!
//! This module owns the rule that decides which stored reports are the *same complaint*. Every report stays
//! stored and visible; a duplicate only gets a [`DuplicateLink`] to the canonical report of its complaint, so
//! counts can be honest in both directions: nothing is counted twice, and nothing disappears. Senders have
//! argued in court that one SpamCop report sent to several of an ISP's mailboxes, or about both the relay and
//! the hosted banner ad, was counted as several complaints (OptInRealBig v. SpamCop, N.D. Cal. 2004); this
//! is the desk's answer.
//!
//! What is *not* a link:
//! * the same bytes arriving twice (MTA retries, re-imports): the message is stored once and
//!   [`ReportFacts::arrivals`] counts the copies;
//! * many complainants reporting the same original message: that is a campaign, counted by
//!   [`super::counts`], and every complainant is a complaint.
//!
//! # Precedence
//! 1. **Complaints.** Reports are joined into one complaint when they share `(reporter, reporter_ref)` (one
//!    report of the reporter, however many copies and addresses) or `(complainant_hash, original)`, where
//!    the original is the Message-ID of the reported message, or its content fingerprint when it has none
//!    (one person reporting one message). Joining is transitive. The report with the lowest id is canonical
//!    and every other report links to it directly, so chains resolve to the ultimate canonical.
//! 2. **Reasons.** Each other report is judged by its *address*, `(source_ip, role)`, within its complaint,
//!    taking reports in id order:
//!    * an address the complaint has not named yet → [`DuplicateReason::OtherRole`]: the same complaint about
//!      another of our addresses (the relay and the spamvertised host; or one IP as both relay and banner-ad
//!      host, which is why the role is part of the address). It stays in that address's case;
//!    * an address already named by the same `(reporter, reporter_ref)` → [`DuplicateReason::SameReporterReport`]:
//!      a copy delivered to another mailbox (abuse@ and postmaster@) or through an upstream;
//!    * an address already named only under another or no reporter_ref → [`DuplicateReason::ReReport`]: the
//!      complainant reported the same message again.
//!
//!    So a re-report that was itself delivered to two mailboxes gives one ReReport and one
//!    SameReporterReport, both pointing at the first report; and the first report of each address in a
//!    complaint is never a copy, which is what lets [`super::counts::count_by_role`] count one complaint per
//!    role.
//!
//! Anonymised reports (SpamCop removes the complainant) have no complainant hash, so they can only be joined
//! through the reporter's own id: two anonymous reports of the same spam with different ids are two
//! complaints, as far as anyone can tell. The report type, arrival time and envelope recipients play no part:
//! the mailbox a copy arrived at does not change what it is.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use chrono::{DateTime, Utc};

/// What the desk knows of one stored report, for duplicate detection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFacts {
    /// Ascending = stored order; the canonical report of a group is the one with the lowest id.
    pub report_id: i64,
    /// The stored inbound message (stored once per distinct bytes).
    pub message_id: i64,
    /// How many times those same bytes arrived (>= 1): MTA retries and re-imports.
    pub arrivals: i64,
    /// Envelope recipients the message arrived for (abuse@…, postmaster@…), may be empty.
    pub recipients: Vec<String>,
    /// "SpamCop", "AOL", …
    pub reporter: String,
    /// The reporter's own id (SpamCop report id, X-ARF Report-ID).
    pub reporter_ref: Option<String>,
    /// "source" | "relay" | "spamvertised_host" | "spamtrap_hit" | "unknown".
    pub role: String,
    /// The address of ours the report is about.
    pub source_ip: String,
    /// "spam", "phishing", …
    pub report_type: String,
    /// The keyed hash of the complainant's address, when the reporter disclosed it.
    pub complainant_hash: Option<String>,
    /// The Message-ID of the reported message.
    pub original_message_id: Option<String>,
    /// The content fingerprint of the reported message (see `parse::fingerprint`).
    pub content_fingerprint: Option<String>,
    /// When the reported incident happened, if known.
    pub incident_time: Option<DateTime<Utc>>,
}

/// Why a report is a duplicate of another; see the module documentation for the precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same report of the same reporter about the same address, delivered more than once (to abuse@
    /// and postmaster@, or relayed by an upstream): different bytes, same complaint.
    SameReporterReport,
    /// The same complaint about a different address or role (relay IP and spamvertised host in one SpamCop
    /// report): stays in its own case, linked as one complaint.
    OtherRole,
    /// The same complainant reporting the same original message again, with a different or no reporter_ref.
    ReReport,
}

impl DuplicateReason {
    /// The stored and wire name (the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            DuplicateReason::SameReporterReport => "same_reporter_report",
            DuplicateReason::OtherRole => "other_role",
            DuplicateReason::ReReport => "re_report",
        }
    }

    /// A human explanation for the case page.
    pub fn label(&self) -> &'static str {
        match self {
            DuplicateReason::SameReporterReport => "copy of the same report to another of our mailboxes",
            DuplicateReason::OtherRole => "the same complaint about another address (relay or spamvertised host)",
            DuplicateReason::ReReport => "the same complainant reporting the same message again",
        }
    }
}

/// One duplicate and the canonical report of its complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DuplicateLink {
    /// The duplicate.
    pub report_id: i64,
    /// The lowest-id report of the same complaint (never itself a duplicate).
    pub canonical_id: i64,
    /// The duplicate's own relation to the complaint.
    pub reason: DuplicateReason,
}

/// The reported original message, as far as it can be identified.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum OriginalKey {
    MessageId(String),
    Fingerprint(String),
}

impl OriginalKey {
    /// The Message-ID or fingerprint itself.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            OriginalKey::MessageId(s) | OriginalKey::Fingerprint(s) => s,
        }
    }
}

/// The original's Message-ID (without angle brackets), else its content fingerprint.
pub(crate) fn original_key(r: &ReportFacts) -> Option<OriginalKey> {
    let message_id = r.original_message_id.as_deref().map(|m| {
        let m = m.trim();
        m.strip_prefix('<').and_then(|m| m.strip_suffix('>')).unwrap_or(m).trim()
    });
    match message_id.filter(|m| !m.is_empty()) {
        Some(m) => Some(OriginalKey::MessageId(m.to_owned())),
        None => non_empty(&r.content_fingerprint).map(|f| OriginalKey::Fingerprint(f.to_owned())),
    }
}

/// A present, non-blank optional field; parsers sometimes store "" for "absent".
pub(crate) fn non_empty(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The reports in id order, one per id. Ids are primary keys, so a repeated id is a caller's mistake; the
/// smallest entry (by every field) is kept so the result still does not depend on input order.
pub(crate) fn distinct_by_id(reports: &[ReportFacts]) -> Vec<&ReportFacts> {
    let mut sorted: Vec<&ReportFacts> = reports.iter().collect();
    sorted.sort_by(|a, b| a.report_id.cmp(&b.report_id).then_with(|| tie_key(a).cmp(&tie_key(b))));
    sorted.dedup_by_key(|r| r.report_id);
    sorted
}

type TieKey<'a> = (
    (i64, i64, &'a [String], &'a str, Option<&'a str>, &'a str),
    (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<DateTime<Utc>>),
);

fn tie_key(r: &ReportFacts) -> TieKey<'_> {
    (
        (r.message_id, r.arrivals, &r.recipients, &r.reporter, r.reporter_ref.as_deref(), &r.role),
        (
            &r.source_ip,
            &r.report_type,
            r.complainant_hash.as_deref(),
            r.original_message_id.as_deref(),
            r.content_fingerprint.as_deref(),
            r.incident_time,
        ),
    )
}

/// The address a report is about: the IP in canonical text form (so `2001:DB8::1` and `2001:db8:0::1`
/// agree), and the role.
type Address<'a> = (String, &'a str);

/// A reporter and its own id for a report.
type ReporterRef<'a> = (&'a str, &'a str);

/// `r`'s address; an unparsable IP is compared as the trimmed text, so it still matches its own copies.
fn address(r: &ReportFacts) -> Address<'_> {
    let ip = r.source_ip.trim();
    let ip = ip.parse::<IpAddr>().map_or_else(|_| ip.to_owned(), |ip| ip.to_string());
    (ip, r.role.trim())
}

/// Union-find over report positions; the smaller position always becomes the root, so the root of a
/// complaint is its lowest id whatever order the joins happen in.
struct Complaints(Vec<usize>);

impl Complaints {
    fn root(&mut self, mut i: usize) -> usize {
        let mut top = i;
        while self.0[top] != top {
            top = self.0[top];
        }
        while self.0[i] != top {
            let next = self.0[i];
            self.0[i] = top;
            i = next;
        }
        top
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.0[high] = low;
    }
}

/// Links each duplicate to the canonical (lowest id) report of its complaint. Reports not listed are
/// canonical. Chains resolve to the ultimate canonical, with the reason of the report's own relation (see
/// the module documentation). O(n log n) for the sort, then linear with hash maps; the result is sorted by
/// report id and does not depend on input order.
pub fn link_duplicates(reports: &[ReportFacts]) -> Vec<DuplicateLink> {
    let reports = distinct_by_id(reports);
    let mut complaints = Complaints((0..reports.len()).collect());
    let mut first_by_ref: HashMap<ReporterRef<'_>, usize> = HashMap::new();
    let mut first_by_original: HashMap<(&str, OriginalKey), usize> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if let Some(reference) = non_empty(&r.reporter_ref) {
            let first = *first_by_ref.entry((r.reporter.as_str(), reference)).or_insert(i);
            complaints.join(first, i);
        }
        if let (Some(hash), Some(original)) = (non_empty(&r.complainant_hash), original_key(r)) {
            let first = *first_by_original.entry((hash, original)).or_insert(i);
            complaints.join(first, i);
        }
    }

    let mut named: HashSet<(usize, Address<'_>)> = HashSet::new();
    let mut named_by_ref: HashSet<(usize, Address<'_>, ReporterRef<'_>)> = HashSet::new();
    let mut links = Vec::new();
    for (i, r) in reports.iter().enumerate() {
        let root = complaints.root(i);
        let addr = address(r);
        let reference = non_empty(&r.reporter_ref).map(|reference| (r.reporter.as_str(), reference));
        if root != i {
            let reason = if !named.contains(&(root, addr.clone())) {
                DuplicateReason::OtherRole
            } else if reference.is_some_and(|reference| named_by_ref.contains(&(root, addr.clone(), reference))) {
                DuplicateReason::SameReporterReport
            } else {
                DuplicateReason::ReReport
            };
            links.push(DuplicateLink { report_id: r.report_id, canonical_id: reports[root].report_id, reason });
        }
        if let Some(reference) = reference {
            named_by_ref.insert((root, addr.clone(), reference));
        }
        named.insert((root, addr));
    }
    links
}

#[cfg(test)]
mod tests;
