//! XARF v3 and v4 JSON samples of the XARF specification, given bare and wrapped in an e-mail.

use base64::Engine;
use abusedesk::parse::{parse_message, Format, ReportRole, ReportType};

use crate::helpers::{check, fixture, parse, Want};

/// (file, type, role, source_identifier, source_port, timestamp, reporter.org, report_id)
type V4 = (&'static str, ReportType, ReportRole, &'static str, Option<u16>, &'static str, &'static str, &'static str);

const V4_WITH_IP: &[V4] = &[
    (
        "connection-ddos",
        ReportType::Ddos,
        ReportRole::Source,
        "192.0.2.155",
        Some(1),
        "2025-01-11T09:21:23Z",
        "DDoS Protection Service",
        "9ac39cd1-85f3-4c31-ae87-a0a95f3ebc83",
    ),
    (
        "connection-infected-host",
        ReportType::Botnet,
        ReportRole::Source,
        "203.0.113.85",
        Some(443),
        "2025-01-11T13:42:15Z",
        "Malware Detection Service",
        "dbc8007a-2acf-4d8f-9b9d-760b5b31c59e",
    ),
    (
        "connection-login-attack",
        ReportType::Scanning,
        ReportRole::Source,
        "198.51.100.77",
        Some(45621),
        "2025-01-11T12:17:20Z",
        "SSH Honeypot Network",
        "dbf79f17-f4f4-4c22-ae58-19991f52a1e8",
    ),
    (
        "connection-port-scan",
        ReportType::Scanning,
        ReportRole::Source,
        "198.51.100.150",
        Some(54321),
        "2025-01-11T11:26:59Z",
        "Network Security Monitoring",
        "5cb60abc-119f-4f7d-a81d-26f89eed942b",
    ),
    (
        "connection-reconnaissance",
        ReportType::Scanning,
        ReportRole::Source,
        "192.0.2.99",
        None,
        "2025-01-20T16:45:00Z",
        "Web Security Service",
        "3c2877ae-da5c-4a72-bebd-d3fd54a4d0d1",
    ),
    (
        "connection-scraping",
        ReportType::Scanning,
        ReportRole::Source,
        "192.0.2.150",
        None,
        "2025-01-20T14:00:00Z",
        "Website Protection Service",
        "43094367-1c30-49b9-98cf-0ae0a23c7202",
    ),
    (
        "connection-sql-injection",
        ReportType::Scanning,
        ReportRole::Source,
        "192.0.2.45",
        None,
        "2025-01-20T12:00:00Z",
        "Web Application Firewall",
        "458017ee-b2ab-4944-a7c1-07add95f11fe",
    ),
    (
        "connection-vulnerability-scan",
        ReportType::Scanning,
        ReportRole::Source,
        "203.0.113.77",
        None,
        "2025-01-20T09:30:00Z",
        "Network Security Monitor",
        "8d5da403-ff6c-4682-b4c4-eef4c8f84c7a",
    ),
    (
        "content-csam",
        ReportType::Other,
        ReportRole::Source,
        "198.51.100.42",
        None,
        "2025-01-20T10:30:00Z",
        "Content Safety Service",
        "b7ca7591-811e-4d40-83d9-dc043c08555d",
    ),
    (
        "content-csem",
        ReportType::Other,
        ReportRole::Source,
        "198.51.100.42",
        None,
        "2025-01-20T10:30:00Z",
        "Content Safety Service",
        "40daae21-fbe5-4b5d-bfb3-7ea6c2f82cae",
    ),
    (
        "content-exposed-data",
        ReportType::Other,
        ReportRole::Source,
        "198.51.100.99",
        None,
        "2025-01-20T09:20:00Z",
        "Data Breach Monitor",
        "68a3cf9f-f4ad-42c2-bb39-34c8068c3d48",
    ),
    (
        "content-malware",
        ReportType::Malware,
        ReportRole::Source,
        "192.0.2.75",
        None,
        "2025-01-11T09:07:21Z",
        "Malware Research Lab",
        "83915efa-a15d-4c95-9eda-729d88d19d4c",
    ),
    (
        "content-phishing",
        ReportType::Phishing,
        ReportRole::Source,
        "203.0.113.45",
        None,
        "2025-01-11T15:15:24Z",
        "Brand Protection Service",
        "1a5ec293-0849-40a4-9eba-d5926262ff05",
    ),
    (
        "copyright-copyright",
        ReportType::Copyright,
        ReportRole::Source,
        "198.51.100.75",
        None,
        "2025-01-11T11:52:34Z",
        "Broadcaster Copyright Department",
        "f4a82ca4-28fb-4f09-a29c-0fe0706ac974",
    ),
    (
        "copyright-p2p",
        ReportType::Copyright,
        ReportRole::Source,
        "192.0.2.100",
        None,
        "2025-01-11T13:44:41Z",
        "P2P Monitoring Service",
        "2acc5d8c-15ba-4432-8ee1-08c657711c63",
    ),
    (
        "infrastructure-botnet",
        ReportType::Botnet,
        ReportRole::Source,
        "198.51.100.25",
        None,
        "2025-01-11T15:00:52Z",
        "Example CERT Organization",
        "31cccdf0-e34b-47b7-b5a9-b8fb58b54c90",
    ),
    (
        "infrastructure-compromised-server",
        ReportType::Malware,
        ReportRole::Source,
        "203.0.113.150",
        Some(80),
        "2025-01-11T15:57:57Z",
        "Server Security Monitor",
        "ff27d1fb-edcc-4d9c-aa12-2a3603315e3e",
    ),
    (
        "messaging-spam",
        ReportType::Spam,
        ReportRole::SpamtrapHit,
        "192.168.1.100",
        Some(25),
        "2025-01-11T10:59:45Z",
        "Example Anti-Spam Service",
        "02eb480f-8172-431a-9276-c28ba90f694a",
    ),
    (
        "reputation-blocklist",
        ReportType::Other,
        ReportRole::Source,
        "203.0.113.200",
        None,
        "2025-01-11T10:51:30Z",
        "Threat Intelligence Consortium",
        "62b0db36-3f81-4c55-9b69-a3e37a767220",
    ),
    (
        "reputation-threat-intelligence",
        ReportType::Other,
        ReportRole::Source,
        "192.0.2.50",
        None,
        "2025-01-11T10:38:41Z",
        "Threat Intelligence Provider",
        "d0c2fa6c-557f-485b-ab8c-dfab501c3d70",
    ),
    (
        "vulnerability-cve",
        ReportType::OpenService,
        ReportRole::Source,
        "172.16.1.200",
        Some(8080),
        "2025-01-11T12:49:43Z",
        "Vulnerability Assessment Service",
        "56c915c2-19bc-46e1-868f-2ee9222bc149",
    ),
    (
        "vulnerability-misconfiguration",
        ReportType::OpenService,
        ReportRole::Source,
        "192.0.2.75",
        None,
        "2025-01-11T11:39:44Z",
        "Security Scanner Service",
        "e50999f2-7190-4ed5-a4b0-122db4a407fe",
    ),
    (
        "vulnerability-open-service",
        ReportType::OpenService,
        ReportRole::Source,
        "192.0.2.50",
        Some(3389),
        "2025-01-11T15:35:37Z",
        "The Shadowserver Foundation",
        "d0717254-f958-4391-89bb-d9fa6140106d",
    ),
];

/// Samples whose source_identifier is a hostname: recognised, but nothing to attribute by IP.
const V4_HOSTNAME_ONLY: &[&str] = &[
    "content-brand-infringement",
    "content-fraud",
    "content-remote-compromise",
    "content-suspicious-registration",
    "copyright-cyberlocker",
    "copyright-link-site",
    "copyright-ugc-platform",
    "copyright-usenet",
    "messaging-bulk-messaging",
];

#[test]
fn v4_samples_with_an_ip_source() {
    for (file, ty, role, ip, port, time, reporter, reference) in V4_WITH_IP {
        let name = format!("xarf-spec/v4/{file}.json");
        let parsed = parse(&name, Format::Xarf, 1);
        let want = Want {
            ty: *ty,
            role: *role,
            ip,
            port: *port,
            time: Some(time),
            reporter,
            reference: Some(reference),
            complainant: None,
        };
        check(&name, &parsed.reports[0], &want);
    }
}

#[test]
fn v4_samples_with_a_hostname_source_give_no_report_but_say_why() {
    for file in V4_HOSTNAME_ONLY {
        let name = format!("xarf-spec/v4/{file}.json");
        let parsed = parse(&name, Format::Xarf, 0);
        assert!(parsed.warnings.iter().any(|w| w.contains("not an IP")), "{name}: {:?}", parsed.warnings);
    }
}

#[test]
fn v4_urls_come_from_url_fields() {
    let parsed = parse("xarf-spec/v4/content-malware.json", Format::Xarf, 1);
    assert_eq!(parsed.reports[0].urls, ["http://download-center.example.com/setup.exe"]);
    let parsed = parse("xarf-spec/v4/copyright-copyright.json", Format::Xarf, 1);
    assert_eq!(parsed.reports[0].urls, ["http://pirate-streams.example.com/show/episode5.mp4"]);
}

#[test]
fn v3_samples() {
    let cases = [
        (
            "botnet_v3_sample",
            ReportType::Botnet,
            ReportRole::Source,
            "198.51.100.25",
            None,
            "2024-01-15T11:30:15Z",
            "Example CERT Organization",
        ),
        (
            "ddos_v3_sample",
            ReportType::Ddos,
            ReportRole::Source,
            "172.16.254.10",
            Some(53),
            "2024-01-15T08:15:45Z",
            "Example CERT",
        ),
        // AdditionalInfo.DetectionMethod: spamtrap
        (
            "spam_v3_sample",
            ReportType::Spam,
            ReportRole::SpamtrapHit,
            "192.168.1.100",
            Some(25),
            "2024-01-15T14:30:25Z",
            "Example Anti-Spam Service",
        ),
    ];
    for (file, ty, role, ip, port, time, reporter) in cases {
        let name = format!("xarf-spec/v3/{file}.json");
        let parsed = parse(&name, Format::Xarf, 1);
        let want = Want { ty, role, ip, port, time: Some(time), reporter, reference: None, complainant: None };
        check(&name, &parsed.reports[0], &want);
    }
    // The phishing sample names only a URL.
    parse("xarf-spec/v3/phishing_v3_sample.json", Format::Xarf, 0);
}

#[test]
fn evidence_payloads_are_decoded() {
    let parsed = parse("xarf-spec/v4/connection-ddos.json", Format::Xarf, 1);
    assert_eq!(parsed.reports[0].evidence.as_deref(), Some("DDoS attack detected: 250K pps, 1.2Gbps, 45 minutes"));
}

#[test]
fn a_json_report_attached_to_an_email_is_found() {
    let json = fixture("xarf-spec/v4/connection-login-attack.json");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&json);
    let mail = format!(
        "From: abuse@honeypot.example\r\nTo: abuse@isp.example\r\nSubject: XARF report\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
         --x\r\nContent-Type: application/json; name=\"xarf.json\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--x--\r\n"
    );
    let parsed = parse_message(mail.as_bytes()).expect("parses");
    assert_eq!(parsed.format, Format::Xarf);
    assert_eq!(parsed.reports.len(), 1);
    assert_eq!(parsed.reports[0].reporter_ref.as_deref(), Some("dbf79f17-f4f4-4c22-ae58-19991f52a1e8"));
}
