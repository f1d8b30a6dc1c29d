//! The complaint arithmetic a case page explains: how many reports arrived, and how many complaints and
//! complainants they come to.
//!
//! Invariant, by construction: `received = unique + same_bytes + mailbox_copies + other_role + re_reports`.
//! Every arrival of a stored report beyond its first is `same_bytes`; every stored report is either unique
//! or carries exactly one link (a report with several links counts under one of them, chosen
//! deterministically), so the first arrival of each stored report is counted exactly once.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::duplicates::{
    distinct_by_id, non_empty, original_key, DuplicateLink, DuplicateReason, OriginalKey, ReportFacts,
};

/// What a set of reports comes to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ComplaintCounts {
    /// Every arrival of every report: the sum over reports of `arrivals`.
    pub received: i64,
    /// Reports stored (one per report in a distinct message).
    pub stored_reports: i64,
    /// Arrivals beyond the first of the same bytes: the sum of `arrivals - 1`.
    pub same_bytes: i64,
    /// Reports linked as [`DuplicateReason::SameReporterReport`].
    pub mailbox_copies: i64,
    /// Reports linked as [`DuplicateReason::OtherRole`].
    pub other_role: i64,
    /// Reports linked as [`DuplicateReason::ReReport`].
    pub re_reports: i64,
    /// Reports that are canonical (not linked): the complaints.
    pub unique: i64,
    /// Distinct complainant hashes among the unique reports. A report without one (SpamCop and other
    /// anonymising reporters) counts as one complainant of its own: nobody can tell two anonymous
    /// complainants apart, and assuming they are the same person would undercount.
    pub complainants: i64,
    /// Originals reported by two or more distinct complainants, largest first.
    pub campaigns: Vec<Campaign>,
}

/// One message that several complainants reported: a campaign, not a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Campaign {
    /// The original's Message-ID (without angle brackets), or its content fingerprint when it had none.
    pub key: String,
    /// Each time someone reported it: unique complaints plus re-reports (copies to other mailboxes and
    /// other addresses of the same complaint are not another act of complaining).
    pub complaints: i64,
    /// Distinct complainants among those, counted as in [`ComplaintCounts::complainants`].
    pub complainants: i64,
}

/// Counts `reports` as one population. A report linked to a canonical outside `reports` (in another case)
/// is still a duplicate here; links of reports not in `reports` are ignored.
pub fn count(reports: &[ReportFacts], links: &[DuplicateLink]) -> ComplaintCounts {
    let reports = distinct_by_id(reports);
    let links = links_by_report(links);
    let reasons: Vec<_> = reports.iter().map(|r| links.get(&r.report_id).map(|&(reason, _)| reason)).collect();
    tally(&reports, &reasons)
}

/// Counts per role, because a case never sums different roles into one complaint count; sorted by role.
///
/// Within a role, the first report of a complaint counts as that role's unique complaint even when it is
/// linked as [`DuplicateReason::OtherRole`] (its canonical names another role): the spamvertised host's case
/// has one complaint, which the relay's case also has. A further OtherRole report of the same complaint in
/// the same role (a second relay) stays `other_role`.
pub fn count_by_role(reports: &[ReportFacts], links: &[DuplicateLink]) -> Vec<(String, ComplaintCounts)> {
    let links = links_by_report(links);
    let mut by_role: BTreeMap<&str, Vec<&ReportFacts>> = BTreeMap::new();
    for r in distinct_by_id(reports) {
        by_role.entry(r.role.trim()).or_default().push(r);
    }
    by_role
        .into_iter()
        .map(|(role, reports)| {
            let mut complaints_seen = HashSet::new();
            let reasons: Vec<_> = reports
                .iter()
                .map(|r| match links.get(&r.report_id) {
                    None => {
                        complaints_seen.insert(r.report_id);
                        None
                    }
                    Some(&(DuplicateReason::OtherRole, canonical)) if complaints_seen.insert(canonical) => None,
                    Some(&(reason, _)) => Some(reason),
                })
                .collect();
            (role.to_owned(), tally(&reports, &reasons))
        })
        .collect()
}

/// Each linked report's reason and canonical. Self-links mean "canonical" and are dropped; of several links
/// for one report the smallest (reason, canonical) wins, so the result does not depend on their order.
fn links_by_report(links: &[DuplicateLink]) -> HashMap<i64, (DuplicateReason, i64)> {
    let mut by_report: HashMap<i64, (DuplicateReason, i64)> = HashMap::new();
    for link in links.iter().filter(|l| l.report_id != l.canonical_id) {
        let candidate = (link.reason, link.canonical_id);
        by_report.entry(link.report_id).and_modify(|kept| *kept = (*kept).min(candidate)).or_insert(candidate);
    }
    by_report
}

/// Adds up `reports` (in id order), each classified by `reasons` (`None` = unique).
fn tally(reports: &[&ReportFacts], reasons: &[Option<DuplicateReason>]) -> ComplaintCounts {
    let mut c = ComplaintCounts::default();
    let mut hashes = HashSet::new();
    let mut anonymous = 0_i64;
    let mut originals: BTreeMap<OriginalKey, (i64, HashSet<&str>, i64)> = BTreeMap::new();
    for (r, reason) in reports.iter().zip(reasons) {
        // A stored report arrived at least once; clamping keeps a bad value from breaking the identity.
        let arrivals = r.arrivals.max(1);
        c.received = c.received.saturating_add(arrivals);
        c.same_bytes = c.same_bytes.saturating_add(arrivals - 1);
        c.stored_reports += 1;
        let complainant = non_empty(&r.complainant_hash);
        match reason {
            None => {
                c.unique += 1;
                match complainant {
                    Some(hash) => {
                        hashes.insert(hash);
                    }
                    None => anonymous += 1,
                }
            }
            Some(DuplicateReason::SameReporterReport) => c.mailbox_copies += 1,
            Some(DuplicateReason::OtherRole) => c.other_role += 1,
            Some(DuplicateReason::ReReport) => c.re_reports += 1,
        }
        if matches!(reason, None | Some(DuplicateReason::ReReport)) {
            if let Some(original) = original_key(r) {
                let (complaints, hashes, anonymous) = originals.entry(original).or_default();
                *complaints += 1;
                match complainant {
                    Some(hash) => {
                        hashes.insert(hash);
                    }
                    None => *anonymous += 1,
                }
            }
        }
    }
    c.complainants = to_i64(hashes.len()).saturating_add(anonymous);
    c.campaigns = originals
        .into_iter()
        .map(|(key, (complaints, hashes, anonymous))| Campaign {
            key: key.as_str().to_owned(),
            complaints,
            complainants: to_i64(hashes.len()).saturating_add(anonymous),
        })
        .filter(|campaign| campaign.complainants >= 2)
        .collect();
    // Stable sort over keys already in order: ties stay alphabetical.
    c.campaigns.sort_by_key(|campaign| std::cmp::Reverse((campaign.complainants, campaign.complaints)));
    c
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The counts as one sentence, for example "89,000 reports received = 31,200 unique complaints from 28,900
/// complainants; 40,100 copies to several mailboxes, 17,700 re-reports". The numbers after "=" add up to
/// the received count; parts that are zero are left out, except in the first equation.
pub fn explain(c: &ComplaintCounts) -> String {
    let mut text = format!(
        "{} received = {} from {}",
        quantity(c.received, "report", "reports"),
        quantity(c.unique, "unique complaint", "unique complaints"),
        quantity(c.complainants, "complainant", "complainants"),
    );
    let parts: Vec<String> = [
        (c.mailbox_copies, "copy to another mailbox", "copies to several mailboxes"),
        (c.other_role, "report about another address", "reports about other addresses"),
        (c.re_reports, "re-report", "re-reports"),
        (c.same_bytes, "exact repeat", "exact repeats"),
    ]
    .into_iter()
    .filter(|&(n, _, _)| n != 0)
    .map(|(n, one, many)| quantity(n, one, many))
    .collect();
    if !parts.is_empty() {
        text.push_str("; ");
        text.push_str(&parts.join(", "));
    }
    text
}

/// "1 report", "2,000 reports".
fn quantity(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `n` with commas between groups of three digits.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::duplicates::link_duplicates;
    use crate::triage::testkit::{facts, fbl, random_reports, relay_and_host_to_two_mailboxes, shuffled};

    fn adds_up(c: &ComplaintCounts) -> bool {
        c.received == c.unique + c.same_bytes + c.mailbox_copies + c.other_role + c.re_reports
    }

    /// The relay-and-host SpamCop report (its first copy arrived twice) and three feedback-loop reports
    /// of one message: c1 twice, c2 once.
    fn worked_example() -> Vec<ReportFacts> {
        let mut reports = relay_and_host_to_two_mailboxes();
        reports[0].arrivals = 2;
        reports.extend([fbl(1, "c1", "<m1@x>"), fbl(2, "c1", "<m1@x>"), fbl(3, "c2", "<m1@x>")]);
        reports
    }

    #[test]
    fn a_small_worked_example_counts_and_explains_exactly() {
        let reports = worked_example();
        let c = count(&reports, &link_duplicates(&reports));
        let expected = ComplaintCounts {
            received: 8,
            stored_reports: 7,
            same_bytes: 1,
            mailbox_copies: 2,
            other_role: 1,
            re_reports: 1,
            unique: 3,
            complainants: 3,
            campaigns: vec![Campaign { key: "m1@x".into(), complaints: 3, complainants: 2 }],
        };
        assert_eq!(c, expected);
        assert_eq!(
            explain(&c),
            "8 reports received = 3 unique complaints from 3 complainants; 2 copies to several mailboxes, \
             1 report about another address, 1 re-report, 1 exact repeat"
        );
    }

    #[test]
    fn explain_separates_thousands_and_leaves_out_zero_parts() {
        let c = ComplaintCounts {
            received: 89_000,
            unique: 31_200,
            complainants: 28_900,
            mailbox_copies: 40_100,
            re_reports: 17_700,
            ..ComplaintCounts::default()
        };
        assert_eq!(
            explain(&c),
            "89,000 reports received = 31,200 unique complaints from 28,900 complainants; \
             40,100 copies to several mailboxes, 17,700 re-reports"
        );
        assert_eq!(
            explain(&ComplaintCounts::default()),
            "0 reports received = 0 unique complaints from 0 complainants"
        );
        let one = ComplaintCounts { received: 2, unique: 1, complainants: 1, mailbox_copies: 1, ..Default::default() };
        assert_eq!(
            explain(&one),
            "2 reports received = 1 unique complaint from 1 complainant; 1 copy to another mailbox"
        );
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-12_345), "-12,345");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn received_always_equals_unique_plus_every_kind_of_duplicate() {
        let mut seen = ComplaintCounts::default();
        for seed in 0..40 {
            let reports = random_reports(60, seed);
            let links = link_duplicates(&reports);
            let c = count(&reports, &links);
            seen.same_bytes += c.same_bytes;
            seen.mailbox_copies += c.mailbox_copies;
            seen.other_role += c.other_role;
            seen.re_reports += c.re_reports;
            assert!(adds_up(&c), "seed {seed}: {c:?}");
            assert_eq!(c.stored_reports, 60);
            assert_eq!(c.unique + i64::try_from(links.len()).unwrap(), 60);
            assert_eq!(count(&shuffled(&reports, seed), &shuffled(&links, seed)), c, "seed {seed}");

            let by_role = count_by_role(&reports, &links);
            assert!(by_role.iter().all(|(_, c)| adds_up(c)), "seed {seed}: {by_role:?}");
            assert_eq!(by_role.iter().map(|(_, c)| c.received).sum::<i64>(), c.received);
            assert!(by_role.windows(2).all(|w| w[0].0 < w[1].0));
        }
        // The random reports exercise every kind of duplicate, or the identity would prove little.
        assert!(seen.same_bytes > 0 && seen.mailbox_copies > 0 && seen.other_role > 0 && seen.re_reports > 0);
    }

    #[test]
    fn a_campaign_of_fifteen_complainants_is_fifteen_complaints() {
        let reports: Vec<_> = (1..=15).map(|i| fbl(i, &format!("complainant-{i}"), "<offer@mailer.example>")).collect();
        let c = count(&reports, &link_duplicates(&reports));
        assert_eq!((c.unique, c.complainants), (15, 15));
        assert_eq!(c.campaigns, [Campaign { key: "offer@mailer.example".into(), complaints: 15, complainants: 15 }]);
    }

    #[test]
    fn one_complainant_is_not_a_campaign_and_campaigns_come_largest_first() {
        let reports = [
            fbl(1, "c1", "<a@x>"),
            fbl(2, "c1", "<a@x>"),
            fbl(3, "c1", "<b@x>"),
            fbl(4, "c2", "<b@x>"),
            fbl(5, "c1", "<c@x>"),
            fbl(6, "c2", "<c@x>"),
            fbl(7, "c3", "<c@x>"),
        ];
        let c = count(&reports, &link_duplicates(&reports));
        let keys: Vec<_> = c.campaigns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["c@x", "b@x"]);
        assert_eq!((c.unique, c.re_reports, c.complainants), (6, 1, 3));
    }

    #[test]
    fn anonymous_reports_count_one_complainant_each() {
        let reports: Vec<_> = (1..=4).map(facts).collect();
        let c = count(&reports, &[]);
        assert_eq!((c.received, c.unique, c.complainants), (4, 4, 4));
        assert!(c.campaigns.is_empty());
    }

    #[test]
    fn a_case_counts_one_complaint_per_role() {
        let reports = relay_and_host_to_two_mailboxes();
        let links = link_duplicates(&reports);
        let by_role = count_by_role(&reports, &links);
        let relay = ComplaintCounts {
            received: 2,
            stored_reports: 2,
            mailbox_copies: 1,
            unique: 1,
            complainants: 1,
            ..Default::default()
        };
        assert_eq!(by_role, [("relay".to_owned(), relay.clone()), ("spamvertised_host".to_owned(), relay)]);

        // Counted as one population, the host's reports are one complaint already counted for the relay.
        let host_case: Vec<_> = reports.into_iter().filter(|r| r.role == "spamvertised_host").collect();
        let c = count(&host_case, &links);
        assert_eq!((c.unique, c.other_role, c.mailbox_copies), (0, 1, 1));
    }

    #[test]
    fn counts_serialise_for_the_ui() {
        let json = serde_json::to_value(ComplaintCounts::default()).unwrap();
        assert_eq!(json["mailbox_copies"], 0);
        assert_eq!(json["campaigns"], serde_json::json!([]));
    }
}
