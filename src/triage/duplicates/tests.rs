//! Tests of duplicate linking: each reason alone, chains, order independence, and what is never a link.

use super::*;
use crate::triage::testkit::{facts, fbl, relay_and_host_to_two_mailboxes, shuffled, spamcop};
use DuplicateReason::{OtherRole, ReReport, SameReporterReport};

fn link(report_id: i64, canonical_id: i64, reason: DuplicateReason) -> DuplicateLink {
    DuplicateLink { report_id, canonical_id, reason }
}

#[test]
fn a_report_delivered_to_abuse_and_postmaster_is_one_complaint() {
    let reports = [
        spamcop(1, "7123456789", "source", "192.0.2.10", "abuse@isp.example"),
        spamcop(2, "7123456789", "source", "192.0.2.10", "postmaster@isp.example"),
    ];
    assert_eq!(link_duplicates(&reports), [link(2, 1, SameReporterReport)]);
}

#[test]
fn the_same_report_about_another_address_or_role_is_linked_as_other_role() {
    let reports = [
        spamcop(1, "7123456789", "relay", "192.0.2.10", "abuse@isp.example"),
        spamcop(2, "7123456789", "spamvertised_host", "198.51.100.7", "abuse@isp.example"),
        // The ISP that relayed the mail also hosts the banner ad on the same IP: two issues, one complaint.
        spamcop(3, "7123456789", "spamvertised_host", "192.0.2.10", "abuse@isp.example"),
    ];
    assert_eq!(link_duplicates(&reports), [link(2, 1, OtherRole), link(3, 1, OtherRole)]);
}

#[test]
fn the_same_complainant_reporting_the_same_message_again_is_one_re_report() {
    let reports = [fbl(1, "c1", "<m1@mailer.example>"), fbl(2, "c1", "m1@mailer.example")];
    assert_eq!(link_duplicates(&reports), [link(2, 1, ReReport)]);

    // With a reporter id on each report, different ids: still the same person and the same message.
    let with_refs = [
        ReportFacts { reporter_ref: Some("a".into()), ..fbl(1, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("b".into()), ..fbl(2, "c1", "<m1@x>") },
    ];
    assert_eq!(link_duplicates(&with_refs), [link(2, 1, ReReport)]);
}

#[test]
fn without_a_message_id_the_content_fingerprint_identifies_the_original() {
    let by_print = |id, print: &str| ReportFacts {
        original_message_id: Some("  ".into()),
        content_fingerprint: Some(print.into()),
        ..fbl(id, "c1", "")
    };
    let reports = [by_print(1, "ab12"), by_print(2, "ab12"), by_print(3, "cd34")];
    assert_eq!(link_duplicates(&reports), [link(2, 1, ReReport)]);

    // Two messages with their own Message-IDs are two spams, even when their contents match.
    let two_messages = [
        ReportFacts { content_fingerprint: Some("ab12".into()), ..fbl(1, "c1", "<m1@x>") },
        ReportFacts { content_fingerprint: Some("ab12".into()), ..fbl(2, "c1", "<m2@x>") },
    ];
    assert_eq!(link_duplicates(&two_messages), []);
}

#[test]
fn the_same_bytes_arriving_again_is_not_a_link() {
    let reports = [ReportFacts { arrivals: 3, ..spamcop(1, "71", "source", "192.0.2.10", "abuse@isp.example") }];
    assert_eq!(link_duplicates(&reports), []);
}

#[test]
fn a_re_report_delivered_to_two_mailboxes_points_at_the_first_report() {
    let reports = [
        ReportFacts { reporter_ref: Some("A".into()), ..fbl(1, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("A".into()), ..fbl(2, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("B".into()), ..fbl(3, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("B".into()), ..fbl(4, "c1", "<m1@x>") },
    ];
    assert_eq!(
        link_duplicates(&reports),
        [link(2, 1, SameReporterReport), link(3, 1, ReReport), link(4, 1, SameReporterReport)]
    );
}

#[test]
fn a_spamcop_report_about_relay_and_host_to_two_mailboxes_is_one_complaint() {
    assert_eq!(
        link_duplicates(&relay_and_host_to_two_mailboxes()),
        [link(12, 11, OtherRole), link(13, 11, SameReporterReport), link(14, 11, SameReporterReport)]
    );
}

#[test]
fn a_re_report_that_names_a_second_address_links_each_address_once() {
    // Report X names relay A and host B; the complainant reports the same message again (report Y), which
    // names both again. Each address's second appearance is the re-report.
    let named = |id, reference: &str, role: &str, ip: &str| ReportFacts {
        reporter_ref: Some(reference.into()),
        role: role.into(),
        source_ip: ip.into(),
        ..fbl(id, "c1", "<m1@x>")
    };
    let reports = [
        named(1, "X", "relay", "192.0.2.10"),
        named(2, "X", "spamvertised_host", "198.51.100.7"),
        named(3, "Y", "relay", "192.0.2.10"),
        named(4, "Y", "spamvertised_host", "198.51.100.7"),
    ];
    assert_eq!(link_duplicates(&reports), [link(2, 1, OtherRole), link(3, 1, ReReport), link(4, 1, ReReport)]);
}

#[test]
fn links_do_not_depend_on_input_order() {
    let mut reports = relay_and_host_to_two_mailboxes();
    reports.extend([
        ReportFacts { reporter_ref: Some("A".into()), ..fbl(1, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("A".into()), ..fbl(5, "c1", "<m1@x>") },
        ReportFacts { reporter_ref: Some("B".into()), ..fbl(3, "c1", "<m1@x>") },
        fbl(2, "c2", "<m1@x>"),
        fbl(7, "c2", "<m1@x>"),
        facts(4),
        facts(6),
    ]);
    let expected = link_duplicates(&reports);
    assert_eq!(expected.len(), 6);
    for seed in 0..20 {
        assert_eq!(link_duplicates(&shuffled(&reports, seed)), expected, "seed {seed}");
    }
    let mut reversed = reports.clone();
    reversed.reverse();
    assert_eq!(link_duplicates(&reversed), expected);
}

#[test]
fn a_campaign_of_fifteen_complainants_is_not_a_duplicate() {
    let reports: Vec<_> = (1..=15).map(|i| fbl(i, &format!("complainant-{i}"), "<offer@mailer.example>")).collect();
    assert_eq!(link_duplicates(&reports), []);
}

#[test]
fn reports_with_no_reporter_ref_and_no_complainant_are_all_unique() {
    let reports: Vec<_> = (1..=5)
        .map(|i| ReportFacts {
            original_message_id: Some("<same@x>".into()),
            reporter_ref: Some(" ".into()),
            ..facts(i)
        })
        .collect();
    assert_eq!(link_duplicates(&reports), []);
}

#[test]
fn reporter_ids_are_per_reporter() {
    let reports = [
        spamcop(1, "42", "source", "192.0.2.10", "abuse@isp.example"),
        ReportFacts { reporter: "Abusix".into(), ..spamcop(2, "42", "source", "192.0.2.10", "abuse@isp.example") },
    ];
    assert_eq!(link_duplicates(&reports), []);
}

#[test]
fn ipv6_addresses_are_compared_as_addresses() {
    let reports = [
        spamcop(1, "9", "source", "2001:DB8::1", "abuse@isp.example"),
        spamcop(2, "9", "source", "2001:db8:0:0::1", "postmaster@isp.example"),
    ];
    assert_eq!(link_duplicates(&reports), [link(2, 1, SameReporterReport)]);
}

#[test]
fn a_repeated_report_id_is_taken_once_whatever_the_order() {
    let a = spamcop(1, "9", "source", "192.0.2.10", "abuse@isp.example");
    let b = ReportFacts { source_ip: "192.0.2.99".into(), ..a.clone() };
    let c = spamcop(2, "9", "source", "192.0.2.10", "abuse@isp.example");
    let forward = link_duplicates(&[a.clone(), b.clone(), c.clone()]);
    assert_eq!(forward, link_duplicates(&[c, b, a]));
    assert_eq!(forward.len(), 1);
}

#[test]
fn reason_codes_are_the_serde_names() {
    for reason in [SameReporterReport, OtherRole, ReReport] {
        assert_eq!(serde_json::to_string(&reason).unwrap(), format!("\"{}\"", reason.code()));
        assert!(!reason.label().is_empty());
    }
}
