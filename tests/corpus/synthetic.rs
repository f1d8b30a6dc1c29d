//! Hand-made messages for layouts the corpus lacks (JMRP, free-form forwards) and for the real-world
//! quirks listed in the corpus notes (line endings, odd field case, encoded report parts, CSV
//! variations). Expected values follow the formats' documentation, not this parser's output.

use base64::Engine;
use abusedesk::parse::{parse_message, Format, ParsedMessage, ReportRole, ReportType};

use crate::helpers::{ip, utc};

fn parse(raw: &str) -> ParsedMessage {
    parse_message(raw.as_bytes()).expect("parses")
}

const JMRP: &str = "From: staff@hotmail.com\n\
To: jmrp@isp.example\n\
Subject: complaint about message from 203.0.113.7\n\
Date: Tue, 05 Mar 2019 10:00:00 -0800\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"jmrp\"\n\
\n\
--jmrp\n\
Content-Type: text/plain\n\
\n\
This is an email abuse report for an email message received from IP 203.0.113.7.\n\
--jmrp\n\
Content-Type: message/rfc822\n\
\n\
X-HmXmrOriginalRecipient: <victim@hotmail.com>\n\
X-OriginalArrivalTime: 05 Mar 2019 17:42:10.0123 (UTC) FILETIME=[0A1B2C30:01D4D37E]\n\
Received: from mail.sender.example ([203.0.113.7]) by BAY004-MC1F23.hotmail.com with Microsoft SMTPSVC(7.5.7601.23143); Tue, 5 Mar 2019 09:42:09 -0800\n\
Message-ID: <offer-42@sender.example>\n\
Subject: Offer\n\
\n\
Great offer inside.\n\
--jmrp--\n";

#[test]
fn jmrp_complaint() {
    let parsed = parse(JMRP);
    assert_eq!(parsed.format, Format::Jmrp);
    let r = &parsed.reports[0];
    assert_eq!((r.report_type, r.role), (ReportType::Spam, ReportRole::Source));
    assert_eq!(r.source_ip, ip("203.0.113.7"));
    assert_eq!(r.incident_time, Some(utc("2019-03-05T17:42:09Z")), "the Received hop from the IP");
    assert_eq!(r.reporter, "Microsoft");
    assert_eq!(r.complainant.as_deref(), Some("victim@hotmail.com"));
    assert_eq!(r.original_message_id.as_deref(), Some("offer-42@sender.example"));
}

#[test]
fn jmrp_without_the_hop_uses_the_arrival_time() {
    let parsed = parse(&JMRP.replace("([203.0.113.7])", "([198.51.100.1])"));
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2019-03-05T17:42:10Z")));
}

const FORWARD: &str = "From: Jane Doe <jane@customer.example>\r\n\
To: abuse@isp.example\r\n\
Subject: Fwd: more spam from your network\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"fw\"\r\n\
\r\n\
--fw\r\n\
Content-Type: text/plain\r\n\
\r\n\
Please stop this.\r\n\
--fw\r\n\
Content-Type: message/rfc822\r\n\
\r\n\
Received: from mailstore.customer.example ([10.1.2.3]) by mx2.customer.example; Wed, 6 Mar 2019 08:00:05 +0100\r\n\
Received: from mx1.customer.example (mx1.customer.example [192.0.2.200]) by mx2.customer.example; Wed, 6 Mar 2019 08:00:04 +0100\r\n\
Received: from bad.host.example (bad.host.example [198.51.100.23]) by mx1.customer.example; Wed, 6 Mar 2019 08:00:02 +0100\r\n\
Message-ID: <spam-9@bad.host.example>\r\n\
Subject: Cheap watches\r\n\
\r\n\
Buy watches.\r\n\
--fw--\r\n";

#[test]
fn a_forwarded_spam_is_attributed_to_its_first_external_hop() {
    // 10.1.2.3 is private and 192.0.2.200 is a documentation address; the first real hop is 198.51.100.23.
    let parsed = parse(FORWARD);
    // 198.51.100.0/24 is a documentation range too, so nothing routable is left.
    assert_eq!(parsed.format, Format::Unknown);
    let routable = FORWARD.replace("198.51.100.23", "93.184.216.34");
    let parsed = parse(&routable);
    assert_eq!(parsed.format, Format::FreeForm);
    let r = &parsed.reports[0];
    assert_eq!((r.report_type, r.role), (ReportType::Spam, ReportRole::Source));
    assert_eq!(r.source_ip, ip("93.184.216.34"));
    assert_eq!(r.incident_time, Some(utc("2019-03-06T07:00:02Z")));
    assert_eq!(r.complainant.as_deref(), Some("jane@customer.example"));
    assert_eq!(r.reporter, "customer.example");
}

#[test]
fn same_organisation_hops_are_internal() {
    let internal = FORWARD
        .replace("10.1.2.3", "93.184.216.1")
        .replace("192.0.2.200", "93.184.216.2")
        .replace("198.51.100.23", "93.184.216.34");
    let r = &parse(&internal).reports[0];
    assert_eq!(r.source_ip, ip("93.184.216.34"), "hops between customer.example hosts are skipped");
}

#[test]
fn the_reporters_own_authenticated_submission_of_a_forward_is_never_the_source() {
    // The reporter forwarded the phishing mail to itself from a phone (`with ESMTPSA` by its own server),
    // then attached that forward: the phone's address is the reporter's, the offender is one level down.
    let name = "abusedesk/forward-submitted-by-reporter.eml";
    let raw = crate::helpers::fixture(name);
    let parsed = parse_message(&raw).expect("parses");
    assert_eq!(parsed.format, Format::FreeForm, "{:?}", parsed.warnings);
    let ips: Vec<String> = parsed.reports.iter().map(|r| r.source_ip.to_string()).collect();
    assert_eq!(ips, ["185.220.101.4"], "never 81.2.69.160, the reporter's own phone");
    // Received by someone else's server, the same authenticated hop says nothing of the reporter.
    let own = "by mail.reporter.example (Postfix) with ESMTPSA";
    let text = String::from_utf8(raw).expect("utf-8").replace(own, "by smtp.other.example (Postfix) with ESMTPSA");
    let parsed = parse(&text);
    assert_eq!(parsed.reports.first().map(|r| r.source_ip), Some(ip("81.2.69.160")));
}

const ARF_QUIRKS: &str = "From: fbl@isp.example\rTo: abuse@example.net\rSubject: complaint\rMIME-Version: 1.0\r\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"q\"\r\r\n\
--q\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n\
--q\r\nContent-Type: message/feedback-report\r\nContent-Transfer-Encoding: base64\r\n\r\n";

#[test]
fn arf_with_bare_cr_headers_base64_report_part_and_odd_field_case() {
    let report = "feedback-type: fraud\r\nVersion: 0.1\r\nSource-Ip: 192.0.2.77 (comment)\r\nsource-port: 40123\r\nReceived-Date: Tue, 19 Jan 2016 14:32:40 EST\r\n";
    let raw = format!("{ARF_QUIRKS}{}\r\n--q--\r\n", base64::engine::general_purpose::STANDARD.encode(report));
    let parsed = parse(&raw);
    assert_eq!(parsed.format, Format::Arf);
    let r = &parsed.reports[0];
    assert_eq!(r.report_type, ReportType::Phishing);
    assert_eq!(r.source_ip, ip("192.0.2.77"));
    assert_eq!(r.source_port, Some(40123));
    assert_eq!(r.incident_time, Some(utc("2016-01-19T19:32:40Z")));
}

#[test]
fn feedback_type_xarf_hands_over_to_xarf() {
    let report = "Feedback-Type: xarf\nReported-From: abuse@cert.example\nCategory: abuse\nReport-Type: login-attack\n\
                  Source-Type: ip-address\nSource: 192.0.2.78\nDate: 2016-01-19T10:00:00Z\nReport-ID: 77@cert.example\n";
    let raw = format!("{ARF_QUIRKS}{}\r\n--q--\r\n", base64::engine::general_purpose::STANDARD.encode(report));
    let parsed = parse(&raw);
    assert_eq!(parsed.format, Format::Xarf);
    let r = &parsed.reports[0];
    assert_eq!((r.report_type, r.source_ip), (ReportType::Scanning, ip("192.0.2.78")));
    assert_eq!(r.reporter_ref.as_deref(), Some("77@cert.example"));
}

const CSV_MAIL: &str = "From: reports@feeds.example\nTo: abuse@isp.example\nSubject: Daily drone report\n\
MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"c\"\n\n--c\nContent-Type: text/plain\n\nAttached.\n\
--c\nContent-Type: application/octet-stream; name=\"2024-05-01-botnet_drone-isp.csv\"\n\n";

#[test]
fn plain_csv_with_another_ip_column_epoch_times_and_placeholder_rows() {
    let csv = "\"timestamp\",\"src_ip\",\"src_port\",\"infection\"\n\
               1714521600,192.0.2.10,4444,mirai\n\
               1714521660,0.0.0.0,0,placeholder\n\
               1714521720,not-an-ip,0,broken\n";
    let parsed = parse(&format!("{CSV_MAIL}{csv}\n--c--\n"));
    assert_eq!(parsed.format, Format::Shadowserver);
    assert_eq!(parsed.reports.len(), 1);
    let r = &parsed.reports[0];
    assert_eq!((r.report_type, r.source_ip, r.source_port), (ReportType::Botnet, ip("192.0.2.10"), Some(4444)));
    assert_eq!(r.incident_time, Some(utc("2024-05-01T00:00:00Z")));
    assert!(parsed.warnings.iter().any(|w| w.starts_with("2 CSV rows skipped")), "{:?}", parsed.warnings);
}

/// A minimal ZIP with one ZipCrypto-flagged entry (general purpose flag bit 0), built by hand so the
/// test needs no fixture: the reader must refuse it as password-protected before decrypting anything.
fn encrypted_zip() -> Vec<u8> {
    let name = b"r.csv";
    let data = [0u8; 15]; // 12-byte encryption header + 3 bytes
    let u16le = |v: u16| v.to_le_bytes();
    let u32le = |v: u32| v.to_le_bytes();
    let mut zip = Vec::new();
    zip.extend_from_slice(b"PK\x03\x04");
    for part in [u16le(20), u16le(1), u16le(0), u16le(0), u16le(0)] {
        zip.extend_from_slice(&part);
    }
    for part in [u32le(0), u32le(15), u32le(15)] {
        zip.extend_from_slice(&part);
    }
    zip.extend_from_slice(&u16le(5));
    zip.extend_from_slice(&u16le(0));
    zip.extend_from_slice(name);
    zip.extend_from_slice(&data);
    let cd_offset = zip.len() as u32;
    zip.extend_from_slice(b"PK\x01\x02");
    for part in [u16le(20), u16le(20), u16le(1), u16le(0), u16le(0), u16le(0)] {
        zip.extend_from_slice(&part);
    }
    for part in [u32le(0), u32le(15), u32le(15)] {
        zip.extend_from_slice(&part);
    }
    for part in [u16le(5), u16le(0), u16le(0), u16le(0), u16le(0)] {
        zip.extend_from_slice(&part);
    }
    zip.extend_from_slice(&u32le(0));
    zip.extend_from_slice(&u32le(0));
    zip.extend_from_slice(name);
    let cd_size = zip.len() as u32 - cd_offset;
    zip.extend_from_slice(b"PK\x05\x06");
    for part in [u16le(0), u16le(0), u16le(1), u16le(1)] {
        zip.extend_from_slice(&part);
    }
    zip.extend_from_slice(&u32le(cd_size));
    zip.extend_from_slice(&u32le(cd_offset));
    zip.extend_from_slice(&u16le(0));
    zip
}

#[test]
fn an_encrypted_zip_is_kept_for_review() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(encrypted_zip());
    let raw = CSV_MAIL
        .replace("name=\"2024-05-01-botnet_drone-isp.csv\"", "name=\"r.csv.zip\"\nContent-Transfer-Encoding: base64");
    let parsed = parse(&format!("{raw}{b64}\n--c--\n"));
    assert_eq!(parsed.format, Format::Shadowserver);
    assert!(parsed.reports.is_empty());
    assert!(parsed.warnings.iter().any(|w| w.contains("password-protected")), "{:?}", parsed.warnings);
}

#[test]
fn fail2ban_notice_with_syslog_lines_without_a_year() {
    let raw = "From: fail2ban@server.example\nTo: abuse@isp.example\nSubject: [Fail2Ban] sshd: banned 192.0.2.99\n\
               Date: Sat, 02 Jan 2021 10:00:00 +0000\n\nHi,\n\nThe IP 192.0.2.99 has just been banned.\n\n\
               Lines containing IP 192.0.2.99:\n\
               Dec 31 23:59:58 server sshd[123]: Failed password for root from 192.0.2.99 port 51515 ssh2\n\
               Jan  2 09:59:01 server sshd[124]: Failed password for root from 192.0.2.99 port 51516 ssh2\n";
    let parsed = parse(raw);
    assert_eq!(parsed.format, Format::BlocklistLog);
    let r = &parsed.reports[0];
    assert_eq!((r.report_type, r.source_ip), (ReportType::Scanning, ip("192.0.2.99")));
    assert_eq!(r.incident_time, Some(utc("2020-12-31T23:59:58Z")), "a December stamp in a January mail is last year's");
}

#[test]
fn mbox_from_line_and_empty_input() {
    let raw = format!("From MAILER-DAEMON Mon Jan  1 00:00:00 2018\n{JMRP}");
    assert_eq!(parse(&raw).format, Format::Jmrp);
    assert_eq!(parse_message(b"  \r\n "), Err(abusedesk::parse::ParseError::Empty));
}

#[test]
fn an_xarf_part_without_an_ip_does_not_hide_the_arf_report_beside_it() {
    let report =
        "Feedback-Type: abuse\r\nVersion: 1\r\nSource-IP: 192.0.2.80\r\nArrival-Date: 2016-01-19T10:00:00Z\r\n";
    let json = r#"{"xarf_version":"4.2.0","report_id":"r1","timestamp":"2016-01-19T10:00:00Z","reporter":{"org":"X"},"source_identifier":"spam.example","category":"messaging","type":"spam"}"#;
    let raw = format!(
        "{ARF_QUIRKS}{}\r\n--q\r\nContent-Type: application/json\r\n\r\n{json}\r\n--q--\r\n",
        base64::engine::general_purpose::STANDARD.encode(report)
    );
    let parsed = parse(&raw);
    assert_eq!(parsed.format, Format::Arf);
    assert_eq!(parsed.reports[0].source_ip, ip("192.0.2.80"));
}

#[test]
fn a_csv_with_a_byte_order_mark_and_crlf_rows() {
    let csv = "\u{feff}timestamp,ip,port\r\n2024-05-01 00:00:00,192.0.2.11,53\r\n";
    let parsed = parse(&format!("{CSV_MAIL}{csv}\n--c--\n"));
    assert_eq!(parsed.format, Format::Shadowserver);
    assert_eq!((parsed.reports[0].source_ip, parsed.reports[0].source_port), (ip("192.0.2.11"), Some(53)));
}
