//! SpamCop reports: Mail::Abuse's test messages (2003 layouts) and hand-made messages in the current
//! layouts, whose expected values follow SpamCop's published report format.

use abusedesk::parse::{parse_message, Format, ReportRole, ReportType};

use crate::helpers::{ip, single, utc, Want};

fn spamcop_source(time: Option<&'static str>) -> Want<'static> {
    Want {
        ty: ReportType::Spam,
        role: ReportRole::Source,
        ip: "10.0.0.1",
        port: None,
        time,
        reporter: "SpamCop",
        reference: Some("999999999"),
        complainant: None,
    }
}

#[test]
fn v1_3_3_report_with_offending_message_inline() {
    let r = single("mail-abuse/received_1.eml", Format::SpamCop, &spamcop_source(Some("2003-06-19T21:34:13Z")));
    assert_eq!(r.original_message_id.as_deref(), Some("MJNA_____________________________etam@iol.it"));
    assert!(r.content_fingerprint.is_some());
}

#[test]
fn report_without_email_from_line_is_timed_by_the_received_hop() {
    // The body is the offending message itself; 10.0.0.1 comes from the subject and its Received
    // header says when it handed the message over.
    let r = single("mail-abuse/received_3.eml", Format::SpamCop, &spamcop_source(Some("2003-06-19T21:34:13Z")));
    assert_eq!(r.original_message_id.as_deref(), Some("14du$491k4kcav4gg94y@v5y3wqiz.49k"));
    assert_eq!(r.content_fingerprint, None, "the quoted original has no body");
}

#[test]
fn v1_3_4_report_with_cut_short_date_and_encoded_subject() {
    // "Email from 10.0.0.1 /  Thu, 19 Jun 2003 17:34:13 -0400 (ES"
    let r = single("mail-abuse/spamcop_2.eml", Format::SpamCop, &spamcop_source(Some("2003-06-19T21:34:13Z")));
    assert_eq!(r.original_message_id.as_deref(), Some("EDBH__________________________________b_cd@yahoo.ca"));
}

#[test]
fn v1_3_4_report_with_forwarded_message_markers() {
    let r = single("mail-abuse/spamcop_4.eml", Format::SpamCop, &spamcop_source(Some("2003-06-19T21:34:13Z")));
    assert_eq!(r.original_message_id.as_deref(), Some("u521__________--o9@wxdio"));
}

const SPAMVERTISED: &str = "From: 1234567890@reports.spamcop.net\r
To: abuse@example.net\r
Subject: [SpamCop (http://example.org/buy) id:1234567890]Cheap pills\r
Date: Mon, 01 Jan 2018 12:00:00 +0000\r
Message-ID: <rid_1234567890@msgid.spamcop.net>\r
Content-Type: multipart/report; report-type=feedback-report; boundary=\"b1\"\r
MIME-Version: 1.0\r
\r
--b1\r
Content-Type: text/plain; charset=\"us-ascii\"\r
\r
- SpamCop V5.2.0 -\r
This message is brief for your comfort.  Please use links below for details.\r
\r
Spamvertised web site: http://example.org/buy\r
https://www.spamcop.net/w3m?i=z1234567890z0123456789abcdefz\r
http://example.org/buy is 203.0.113.80; Mon, 01 Jan 2018 11:58:00 GMT\r
\r
--b1\r
Content-Type: message/feedback-report\r
\r
Feedback-Type: abuse\r
User-Agent: SpamCop-v5.2\r
Version: 1\r
Received-Date: Mon, 01 Jan 2018 11:55:00 +0000\r
Source-IP: 198.51.100.9\r
\r
--b1\r
Content-Type: message/rfc822\r
\r
Received: from mail.spammer.example (mail.spammer.example [198.51.100.9]) by mx.victim.example; Mon, 01 Jan 2018 11:54:00 +0000\r
Message-ID: <spam-1@spammer.example>\r
Subject: Cheap pills\r
\r
Buy now at http://example.org/buy?u=8f7e6d5c4b3a29180716\r
--b1--\r
";

#[test]
fn spamvertised_site_report_in_arf_layout_names_the_web_host() {
    let parsed = parse_message(SPAMVERTISED.as_bytes()).expect("parses");
    assert_eq!(parsed.format, Format::SpamCop);
    assert_eq!(parsed.reports.len(), 1);
    let r = &parsed.reports[0];
    assert_eq!(r.role, ReportRole::SpamvertisedHost);
    assert_eq!(r.report_type, ReportType::Spam);
    assert_eq!(r.source_ip, ip("203.0.113.80"), "the web host, not the ARF Source-IP");
    assert_eq!(r.incident_time, Some(utc("2018-01-01T11:58:00Z")));
    assert_eq!(r.urls, ["http://example.org/buy"]);
    assert_eq!(r.reporter_ref.as_deref(), Some("1234567890"));
    assert_eq!(r.original_message_id.as_deref(), Some("spam-1@spammer.example"));
}

#[test]
fn source_report_in_arf_layout_uses_source_ip() {
    let source = SPAMVERTISED
        .replace("[SpamCop (http://example.org/buy)", "[SpamCop (198.51.100.9)")
        .replace(
            "Spamvertised web site: http://example.org/buy\r\n",
            "Email from 198.51.100.9 / Mon, 01 Jan 2018 11:55:00 +0000\r\n",
        )
        .replace("http://example.org/buy is 203.0.113.80; Mon, 01 Jan 2018 11:58:00 GMT\r\n", "");
    let parsed = parse_message(source.as_bytes()).expect("parses");
    assert_eq!(parsed.format, Format::SpamCop);
    let r = &parsed.reports[0];
    assert_eq!((r.role, r.source_ip), (ReportRole::Source, ip("198.51.100.9")));
    assert_eq!(r.incident_time, Some(utc("2018-01-01T11:55:00Z")));
}

#[test]
fn a_report_quoted_with_angle_brackets_still_parses() {
    let raw = String::from_utf8(crate::helpers::fixture("mail-abuse/received_1.eml")).expect("utf-8");
    let (head, body) = raw.split_once("\n\n").expect("header block");
    let quoted: Vec<String> = body.lines().map(|l| format!("> {l}")).collect();
    let forwarded = format!("{head}\n\n{}\n", quoted.join("\n"));
    let parsed = parse_message(forwarded.as_bytes()).expect("parses");
    assert_eq!(parsed.format, Format::SpamCop);
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2003-06-19T21:34:13Z")));
    assert_eq!(parsed.reports[0].original_message_id.as_deref(), Some("MJNA_____________________________etam@iol.it"));
}

#[test]
fn a_report_that_calls_the_ip_a_relay_gets_role_relay() {
    let relay = SPAMVERTISED
        .replace("[SpamCop (http://example.org/buy)", "[SpamCop (198.51.100.9)")
        .replace(
            "Spamvertised web site: http://example.org/buy\r\n",
            "Email relayed through 198.51.100.9 / Mon, 01 Jan 2018 11:55:00 +0000\r\n",
        )
        .replace("http://example.org/buy is 203.0.113.80; Mon, 01 Jan 2018 11:58:00 GMT\r\n", "");
    let parsed = parse_message(relay.as_bytes()).expect("parses");
    assert_eq!(parsed.reports[0].role, ReportRole::Relay);
}

#[test]
fn a_raw_non_utf8_byte_in_the_subject_does_not_hide_the_report() {
    let mut raw = crate::helpers::fixture("mail-abuse/received_1.eml");
    let at = raw.windows(12).position(|w| w == b"these gals w").expect("subject text");
    raw[at + 6] = 0xe9;
    let parsed = parse_message(&raw).expect("parses");
    assert_eq!(parsed.format, Format::SpamCop);
    assert_eq!(parsed.reports[0].reporter_ref.as_deref(), Some("999999999"));
}

#[test]
fn image_only_spam_has_no_text_to_fingerprint() {
    let parsed = crate::helpers::parse("mail-abuse/spamcop_2.eml", Format::SpamCop, 1);
    assert_eq!(parsed.reports[0].content_fingerprint, None);
    // spamcop_4's original declares a multipart whose boundary never appears: its HTML is read as text.
    let parsed = crate::helpers::parse("mail-abuse/spamcop_4.eml", Format::SpamCop, 1);
    assert!(parsed.reports[0].content_fingerprint.is_some());
}

#[test]
fn summary_report_lists_one_report_per_ip_row() {
    // Hand-made in the shape of SpamCop's "[SpamCop] summary report" (no sample in the corpus).
    let raw = "From: summaries@admin.spamcop.net\nTo: abuse@isp.example\nSubject: [SpamCop] summary report\n\n\
               Summary:\n\n                 IP   Reports  Last seen\n  192.0.2.44         3  Jan 12 13h\n  192.0.2.45         1  Jan 12 14h\n";
    let parsed = parse_message(raw.as_bytes()).expect("parses");
    assert_eq!(parsed.format, Format::SpamCop);
    let ips: Vec<_> = parsed.reports.iter().map(|r| r.source_ip).collect();
    assert_eq!(ips, [ip("192.0.2.44"), ip("192.0.2.45")]);
    assert!(parsed.reports.iter().all(|r| r.incident_time.is_none() && r.role == ReportRole::Source));
}
