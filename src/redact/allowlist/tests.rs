//! The allowlist on the shapes of evidence the parsers store: table rows, log lines, embedded originals
//! (with odd encodings) and hand-written letters.

use std::net::IpAddr;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn complainant() -> Identities {
    let mut ids = Identities::default();
    ids.add_address("joe.bloggs@example.com", true);
    ids.add_name("Joe Bloggs", true);
    ids
}

#[test]
fn a_table_shows_its_header_and_the_customers_rows_only() {
    let evidence = "timestamp,ip,port,hostname\n2026-12-01 10:00:00,192.0.2.10,23,a.example\n2026-12-01 10:00:00,192.0.2.100,23,b.example\n2026-12-01 11:00:00,192.0.2.10,2323,a.example\n";
    let shown = report_evidence("shadowserver", Some(evidence), None, ip("192.0.2.10"), &Identities::default());
    assert_eq!(shown.text.lines().count(), 3, "{}", shown.text);
    assert!(shown.text.starts_with("timestamp,ip,port,hostname"));
    assert!(!shown.text.contains("192.0.2.100") && !shown.text.contains("b.example"), "{}", shown.text);
    assert_eq!(shown.withheld[0], "1 line about other addresses withheld");
    assert!(shown.withheld[1].starts_with("the rest of the notice"), "{:?}", shown.withheld);
    let other = report_evidence("shadowserver", Some(evidence), None, ip("192.0.2.100"), &Identities::default());
    assert!(other.text.contains("b.example") && !other.text.contains("a.example"), "{}", other.text);
}

#[test]
fn log_lines_about_other_addresses_and_a_complainant_are_withheld() {
    let evidence = "Dec  1 10:00:01 host sshd: Failed password from 198.51.100.7\nDec  1 10:00:02 host sshd: Failed password from 198.51.100.70\nDec  1 10:00:03 host sshd: 198.51.100.7 reported by joe.bloggs@example.com\n";
    let shown = report_evidence("blocklist_log", Some(evidence), None, ip("198.51.100.7"), &complainant());
    assert!(shown.text.contains("10:00:01") && !shown.text.contains("198.51.100.70"), "{}", shown.text);
    assert!(!shown.text.to_lowercase().contains("joe.bloggs"), "{}", shown.text);
}

#[test]
fn an_embedded_original_shows_allowlisted_headers_and_its_body() {
    let original = "Received: from mx.victim.example by mx.home.example for <joe.bloggs@example.com>; Mon, 1 Dec 2026 10:00:00 +0000\n\
Received: from [203.0.113.5] by mx.victim.example; Mon, 1 Dec 2026 10:00:00 +0000\n\
Return-Path: <bounce+joe.bloggs=example.com@shop.example>\n\
List-Unsubscribe: <mailto:unsub-joe.bloggs=example.com@shop.example>\n\
X-Campaign: id=4711\n\
From: Shop <offers@shop.example>\n\
To: Joe Bloggs <joe.bloggs@example.com>\n\
Subject: =?utf-8?B?SGVsbG8gSm9lIEJsb2dncw==?=\n\
Date: Mon, 1 Dec 2026 10:00:00 +0000\n\
Message-ID: <abc@shop.example>\n\
Content-Type: text/plain; charset=utf-8; name=\"joe.bloggs@example.com\"\n\
Content-Transfer-Encoding: Base64 (because)\n\
\n\
RGVhciBKb2UsCmJ1eSBub3cgYXQgaHR0cHM6Ly9zaG9wLmV4YW1wbGUvP2U9am9lLmJsb2dncyU0MGV4YW1wbGUuY29tCnRoYW5rcwo=\n";
    let shown = report_evidence("spamcop", Some(original), None, ip("203.0.113.5"), &Identities::default());
    let lower = shown.text.to_lowercase();
    assert!(lower.contains("from: shop <offers@shop.example>") && lower.contains("message-id: <abc@shop.example>"), "{}", shown.text);
    assert!(lower.contains("from [203.0.113.5]") && lower.contains("content-type: text/plain\n"), "{}", shown.text);
    assert!(lower.contains("buy now"), "the body was decoded: {}", shown.text);
    for leak in ["joe", "bloggs", "mx.home.example", "x-campaign", "4711", "unsub"] {
        assert!(!lower.contains(leak), "{leak} in {}", shown.text);
    }
    assert!(shown.withheld.iter().any(|w| w.starts_with("6 header fields")), "{:?}", shown.withheld);
    assert!(shown.withheld.iter().any(|w| w == "1 line naming a complainant withheld"), "the Subject: {:?}", shown.withheld);
}

#[test]
fn an_html_only_original_is_read_as_text() {
    let original = "From: Shop <offers@shop.example>\nTo: undisclosed-recipients:;\nSubject: hi\nContent-Type: text/html\n\n<html><body><p>Hi joe.bloggs&#64;example.com</p><p>Sale at j<b>oe.bl</b>oggs<span>@</span>example.com and 10.0.0.1</p><p>Visit us</p></body></html>\n";
    let shown = report_evidence("arf", Some(original), None, ip("10.0.0.1"), &complainant());
    assert!(shown.text.contains("Visit us") && !shown.text.contains("<p>"), "{}", shown.text);
    assert!(!shown.text.to_lowercase().contains("bloggs"), "{}", shown.text);
}

#[test]
fn a_letter_shows_only_the_lines_naming_the_customers_address() {
    let letter = b"From: Joe Bloggs <joe.bloggs@example.com>\nSubject: your customer attacks me\nReceived: from home.example\n\nHello,\n\nyour host 10.0.0.1 has been trying passwords on my server:\n2026-12-01 10:00:01 sshd: Failed password for root from 10.0.0.1 port 4711\n2026-12-01 10:00:02 sshd: Failed password for root from 10.0.0.2 port 4711\nPlease stop it.\n\n-- \nJoe Bloggs, +44 20 7946 0000\n10 Downing Street\n";
    let mut ids = complainant();
    ids.extend(&crate::redact::complainant::sender_identities(letter, true));
    let shown = report_evidence("manual", None, Some(letter), ip("10.0.0.1"), &ids);
    assert!(shown.text.contains("Failed password for root from 10.0.0.1 port 4711"), "{}", shown.text);
    for leak in ["Joe", "Bloggs", "7946", "Downing", "Please stop", "10.0.0.2", "home.example"] {
        assert!(!shown.text.contains(leak), "{leak} in {}", shown.text);
    }
    assert!(shown.withheld.iter().any(|w| w.contains("of the complaint's text withheld")), "{:?}", shown.withheld);
}

#[test]
fn oversized_evidence_is_withheld_not_shown() {
    let big = "10.0.0.1 ".repeat(MAX_EVIDENCE / 8);
    let shown = report_evidence("table", Some(&big), None, ip("10.0.0.1"), &Identities::default());
    assert!(shown.text.is_empty() && shown.withheld[0].contains("too large"), "{:?}", shown.withheld);
}

#[test]
fn nothing_panics_on_damaged_evidence() {
    let samples: [&[u8]; 6] = [b"", b"\n\n\n", b"From:\n\n=?", b"Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--", b"\xff\xfe\x00From: a\n", b"Received: for <@>\n\n<a href="];
    for s in samples {
        let text = String::from_utf8_lossy(s);
        let _ = report_evidence("arf", Some(&text), Some(s), ip("10.0.0.1"), &complainant());
        let _ = report_evidence("x", None, Some(s), ip("::1"), &complainant());
    }
}

#[test]
fn a_writers_phone_number_on_a_line_naming_the_address_is_masked() {
    let letter = b"From: Ann <ann@home.example>\n\nCall me on +44 (0)20 7946-0018 about 10.0.0.1, seen 2026-12-01 10:00:01 +0000.\n";
    let shown = report_evidence("manual", None, Some(letter), ip("10.0.0.1"), &Identities::default());
    assert!(!shown.text.contains("7946"), "{}", shown.text);
    assert!(shown.text.contains("about 10.0.0.1, seen 2026-12-01 10:00:01 +0000."), "{}", shown.text);
}

#[test]
fn reporter_references_never_reach_the_customer() {
    let yaml = "Reported-From: robot@reporter.example\nReport-ID: 7012345678@reporter.example\nSource: 10.0.0.1\n\
Report-Type: login-attack\nComment: 10.0.0.1 see ticket 7012345678@reporter.example\n";
    let mut ids = Identities::default();
    ids.add_reference("7012345678@reporter.example");
    ids.add_reference("7012345678");
    let shown = report_evidence("xarf", Some(yaml), None, ip("10.0.0.1"), &ids);
    assert!(shown.text.contains("Source: 10.0.0.1"), "{}", shown.text);
    assert!(!shown.text.contains("7012345678") && !shown.text.contains("Report-ID"), "{}", shown.text);
}

#[test]
fn a_multipart_original_that_lost_its_boundaries_shows_its_text() {
    let original = "Received: from x ([10.0.0.1]) by mx.example\nFrom: a@shop.example\nSubject: pills\nContent-Type: multipart/alternative;\n  boundary=\"gone\"\n\n\n\n<html><body><p>INTR<!h>ODUCING</p>\n\n\n<p>cheap pills</p></body></html>\n";
    let shown = report_evidence("spamcop", Some(original), None, ip("10.0.0.1"), &Identities::default());
    assert!(shown.text.contains("INTRODUCING\ncheap pills"), "{}", shown.text);
    assert!(!shown.withheld.iter().any(|w| w.contains("attachment")), "{:?}", shown.withheld);
}
