//! The ARF samples of the mail-auth crate (RFC 5965 / RFC 6591 examples), with mail-auth's own parse
//! results used only as a cross-check of the fields both parsers read.

use abusedesk::parse::{Format, ReportRole, ReportType};
use serde_json::Value;

use crate::helpers::{fixture, ip, parse, single, Want};

#[test]
fn rfc5965_example_without_source_ip_and_only_a_documentation_hop_gives_no_report() {
    // No Source-IP; the original's only Received hop is 192.0.2.1, a documentation address that cannot
    // be a real external hop.
    let parsed = parse("mail-auth-arf/001.eml", Format::Arf, 0);
    assert!(parsed.warnings.iter().any(|w| w.contains("Source-IP")), "{:?}", parsed.warnings);
}

#[test]
fn rfc5965_full_example_reads_every_field() {
    let want = Want {
        ty: ReportType::Spam,
        role: ReportRole::Source,
        ip: "192.0.2.1",
        port: None,
        time: Some("2005-03-08T18:00:00Z"), // "Thu, 8 Mar 2005 14:00:00 EDT"
        reporter: "example.com",
        reference: None,
        complainant: Some("user@example.com"),
    };
    let r = single("mail-auth-arf/002.eml", Format::Arf, &want);
    assert_eq!(r.urls, ["http://example.net/earn_money.html", "mailto:user@example.com"]);
    // The original's header block ends after Received (a blank line follows), so it has no Message-ID.
    assert_eq!(r.original_message_id, None);
    assert!(r.content_fingerprint.is_some());
}

#[test]
fn auth_failure_reports_are_other() {
    let want = Want {
        ty: ReportType::Other,
        role: ReportRole::Source,
        ip: "192.0.2.1",
        port: None,
        time: Some("2010-04-14T19:15:31Z"), // Received-Date, "-0700 (PDT)"
        reporter: "example.com",
        reference: None,
        complainant: Some("user@example.com"),
    };
    single("mail-auth-arf/003.eml", Format::Arf, &want);
}

#[test]
fn dmarc_failure_with_a_commented_source_ip_and_rfc822_headers() {
    let want = Want {
        ty: ReportType::Other,
        role: ReportRole::Source,
        ip: "148.163.85.135", // "148.163.85.135 (sainay.interpublication.org)"
        port: None,
        time: None, // no Arrival-Date, and no hop from that IP in the headers
        reporter: "box.mydomain.name",
        reference: None,
        complainant: None,
    };
    let r = single("mail-auth-arf/004.eml", Format::Arf, &want);
    assert_eq!(r.content_fingerprint, None, "headers only: nothing to fingerprint");
    assert!(r.evidence.as_deref().is_some_and(|e| e.contains("Wir kaufen dein Auto!")));
}

#[test]
fn rfc6591_example_with_folded_base64_fields_before_source_ip() {
    let want = Want {
        ty: ReportType::Other,
        role: ReportRole::Source,
        ip: "192.0.2.1",
        port: None,
        time: Some("2011-10-08T20:15:58Z"),
        reporter: "mail.receiver.example",
        reference: None,
        complainant: None,
    };
    let r = single("mail-auth-arf/005.eml", Format::Arf, &want);
    assert_eq!(r.urls, ["http://www.sender.example/"]);
    assert_eq!(r.original_message_id.as_deref(), Some("87913910.1318094604546@out.sender.example"));
}

#[test]
fn cross_check_against_mail_auth_results() {
    for n in 1..=5 {
        let name = format!("mail-auth-arf/00{n}.eml");
        let theirs: Value = serde_json::from_slice(&fixture(&format!("mail-auth-arf/00{n}.json"))).expect("json");
        let ours = abusedesk::parse::parse_message(&fixture(&name)).expect("parses");
        let report = ours.reports.first();
        match theirs["source_ip"].as_str() {
            Some(source) => assert_eq!(report.map(|r| r.source_ip), Some(ip(source)), "{name}"),
            None => assert!(report.is_none(), "{name}: mail-auth found no Source-IP either"),
        }
        if let (Some(arrival), Some(r)) = (theirs["arrival_date"].as_i64(), report) {
            let theirs = chrono::DateTime::from_timestamp(arrival, 0).expect("timestamp");
            assert_eq!(r.incident_time, Some(theirs), "{name}: arrival date");
        }
    }
}
