//! Feedback-loop ARF samples (AbuseIO notifier samples) and SpamExperts' ARF reports.
//! Expected values were read from each message's `message/feedback-report` part and attachment.

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{single, Want};

/// (file, Source-IP, Arrival-Date or Received-Date in UTC, reporter, Original-Rcpt-To, original Message-ID)
type Fbl = (&'static str, &'static str, &'static str, &'static str, Option<&'static str>, &'static str);

const FBL: &[Fbl] = &[
    (
        "AOL_example_1.eml",
        "10.17.18.1",
        "2016-01-19T19:32:40Z",
        "AOL",
        None, // only Redacted-Address, which is not an identity
        "20160119143236.14076@une.com.co",
    ),
    (
        "Bluetie_example_1.eml",
        "10.17.18.3",
        "2016-01-16T06:10:14Z",
        "BlueTie",
        Some("c05e6794fd2ea6ffa2c7b8257138ecc0@excite.com"),
        "f690adc-cf090-87@domain3.tld",
    ),
    (
        "Comcast_example_1.eml",
        "10.17.18.5",
        "2016-01-19T12:42:56Z",
        "Comcast",
        Some("b6cf7e1a0096ba1caf76ee2c90aaaeaa@comcast.net"),
        "987965a01e99875b505a4bbef8b85b0a@relay4.domain3.tld",
    ),
    (
        "Cox_example_1.eml",
        "10.17.18.7",
        "2015-12-21T22:52:30Z",
        "Cox",
        Some("275b86f68f4c15e341a5188e416c44b6@cox.net"),
        // Cox's MTA added its own Message-Id above the sender's; the sender's is the original's.
        "51ca092-66ab5-3a@domain3.tld",
    ),
    (
        "Fastmail_example_1.eml",
        "10.17.18.9",
        "2016-01-16T11:09:22Z",
        "FastMail",
        Some("cd17248e07765e9c70d0e7cfa91954ef@emailplus.org"),
        "468a0de4063f998417a6a71b9abe0666@server.domain3.tld",
    ),
    (
        "OpenSRS_example_1.eml",
        "10.17.18.12",
        "2016-01-17T06:57:49Z",
        "OpenSRS",
        Some("06b17a35259424d71a396bd1f6b356e0@bex.net"),
        "ae08021e4ef68b8032025fa78730ba60@domain3.tld",
    ),
    (
        "Rackspace_example_1.eml",
        "10.17.18.14",
        "2015-12-29T05:21:10Z",
        "Rackspace",
        Some("3da9a55bf56d9f1739959b63cfce627f@olympiaintl.com"),
        "8257938866.20151229052105@domain3.tld",
    ),
    (
        "RoadRunner_example_1.eml",
        "10.17.18.16",
        "2016-01-13T16:41:53Z",
        "Road Runner",
        None,
        "11.4C.10729.46E76965@dnvrco-iedge02",
    ),
    (
        "Synacor_example_1.eml",
        "10.17.18.21",
        "2016-01-10T21:56:23Z",
        "Synacor",
        Some("7a5828b75e5518527cdabc7fd76ac41d@mymts.net"),
        "5e2aa01-1b9e6-dd@domain3.tld",
    ),
    (
        "USANet_example_1.eml",
        "10.17.18.23",
        "2015-10-14T06:59:38Z",
        "USA.NET",
        Some("c92c34de884224fbae01bb3472c17c92@kjo.com.sa"),
        "821TJNg7z9785S11@nm11.cms.usa.net",
    ),
    (
        "Yahoo_example_1.eml",
        "10.17.18.25",
        "2016-01-18T23:57:24Z",
        "Yahoo",
        Some("piporrina@yahoo.es"),
        "fec56a4664faf8844c7f202424ff1fcb@localhost.localdomain",
    ),
    (
        "Zoho_example_1.eml",
        "10.17.18.28",
        "2015-09-07T15:58:04Z", // "Mon, 7 Sep 2015 08:58:04 -0700 (PDT)"
        "Zoho",
        None,
        "004701d0e986$181bf800$4853e800$@com",
    ),
];

#[test]
fn feedback_loop_samples_give_one_spam_report_each() {
    for (file, ip, time, reporter, complainant, message_id) in FBL {
        let name = format!("abuseio/feedback-loop/{file}");
        let want = Want {
            ty: ReportType::Spam,
            role: ReportRole::Source,
            ip,
            port: None,
            time: Some(time),
            reporter,
            reference: None,
            complainant: *complainant,
        };
        let r = single(&name, Format::Arf, &want);
        assert_eq!(r.original_message_id.as_deref(), Some(*message_id), "{name}: original Message-ID");
        assert!(r.evidence.as_deref().is_some_and(|e| e.contains("Received:")), "{name}: evidence is the original");
    }
}

#[test]
fn feedback_loop_originals_with_a_body_are_fingerprinted() {
    // Zoho's attachment is headers only; every other sample includes the spam's body.
    for (file, ..) in FBL {
        let name = format!("abuseio/feedback-loop/{file}");
        let parsed = crate::helpers::parse(&name, Format::Arf, 1);
        let fingerprint = parsed.reports.first().and_then(|r| r.content_fingerprint.clone());
        if *file == "Zoho_example_1.eml" {
            assert_eq!(fingerprint, None, "{name}");
        } else {
            assert!(fingerprint.is_some_and(|f| f.len() == 64), "{name}: fingerprint");
        }
    }
}

/// (file, Source-IP, Arrival-Date in UTC, original Message-ID)
const SPAMEXPERTS: &[(&str, &str, &str, &str)] = &[
    ("1.eml", "172.16.10.13", "2015-08-04T08:51:18Z", "E1ZMXvl-000B9p-HH@server1.test17.example.com"),
    ("3.eml", "10.0.2.35", "2015-08-04T11:01:11Z", "E1ZMZx6-000FHA-EX@server1.test17.example.com"),
    ("5.eml", "10.0.2.35", "2015-08-04T11:01:10Z", "E1ZMZxE-000FHr-2r@server1.test17.example.com"),
    ("7.eml", "10.0.2.35", "2015-08-04T11:01:13Z", "E1ZMZxF-000FHx-11@server1.test17.example.com"),
    ("9.eml", "10.0.2.35", "2015-08-04T11:01:14Z", "E1ZMZxJ-000FI9-CM@server1.test17.example.com"),
    ("11.eml", "fdf1:cb9d:f59e:19b0::122", "2015-08-04T11:01:12Z", "E1ZMZxK-000FIF-B7@server1.test17.example.com"),
];

#[test]
fn spamexperts_samples_are_arf_abuse_reports() {
    for (file, ip, time, message_id) in SPAMEXPERTS {
        let name = format!("abuseio/spamexperts/{file}");
        let want = Want {
            ty: ReportType::Spam,
            role: ReportRole::Source,
            ip,
            port: None,
            time: Some(time),
            // Not a known reporter: the sender's domain.
            reporter: "server1.test17.example.com",
            reference: None,
            complainant: Some("ashley@example.com"),
        };
        let r = single(&name, Format::Arf, &want);
        assert_eq!(r.original_message_id.as_deref(), Some(*message_id), "{name}: original Message-ID");
    }
}
