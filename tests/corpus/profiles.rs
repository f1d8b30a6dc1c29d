//! The embedded reporter profiles (`profiles/*.toml`), each on a message written for this project in its
//! reporter's layout (`tests/fixtures/abusedesk/profile-*.eml`, own addresses and text). Each test names
//! what the profile must take and what it must never take (the reporter's own hosts, private addresses).

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{check, ip, parse, Want};

#[test]
fn bnshosting_takes_the_source_column_in_its_time_zone_never_its_own_destinations() {
    let name = "abusedesk/profile-bnshosting.eml";
    let parsed = parse(name, Format::Profile, 3);
    let want = Want {
        ty: ReportType::Scanning,
        role: ReportRole::Source,
        ip: "45.33.32.156",
        port: Some(51514),
        time: Some("2024-03-11T00:15:02Z"),
        reporter: "BNSHosting",
        reference: None,
        complainant: None,
    };
    check(name, &parsed.reports[0], &want);
    assert_eq!(parsed.reports[2].source_ip, ip("91.121.87.10"));
    assert!(parsed.reports.iter().all(|r| !r.source_ip.to_string().starts_with("202.91.")), "the reporter's own hosts");
    assert!(parsed.warnings.iter().any(|w| w.contains("1 address(es)")), "10.20.30.40 is skipped, and said so");
}

#[test]
fn cyber_gc_reads_the_table_pasted_one_cell_a_line_when_a_provider_forwards_it() {
    let name = "abusedesk/profile-cyber-gc.eml";
    let parsed = parse(name, Format::Profile, 2);
    let want = Want {
        ty: ReportType::Scanning,
        role: ReportRole::Source,
        ip: "51.75.70.2",
        port: None,
        time: Some("2024-03-10T21:05:13.250Z"),
        reporter: "Canadian Centre for Cyber Security",
        reference: None,
        complainant: None,
    };
    check(name, &parsed.reports[0], &want);
    assert!(parsed.reports.iter().all(|r| r.source_ip == ip("51.75.70.2")), "never the destination 172.20.0.9");
}

#[test]
fn cert_br_lists_each_hosting_address_with_its_url() {
    let name = "abusedesk/profile-cert-br.eml";
    let parsed = parse(name, Format::Profile, 2);
    let r = &parsed.reports[0];
    assert_eq!(
        (r.source_ip, r.report_type, r.reporter.as_str()),
        (ip("45.33.32.156"), ReportType::Phishing, "CERT.br")
    );
    assert_eq!(r.urls, ["https://banco-seguro.example/login/"]);
    assert_eq!(parsed.reports[1].source_ip, ip("185.220.101.4"), "192.168.10.20 is never a source");
}

#[test]
fn govcert_ch_takes_the_client_column_of_its_feed_never_the_sinkhole() {
    let name = "abusedesk/profile-govcert-ch.eml";
    let parsed = parse(name, Format::Profile, 2);
    let want = Want {
        ty: ReportType::Botnet,
        role: ReportRole::Source,
        ip: "51.75.70.2",
        port: None,
        time: Some("2024-03-14T00:02:03Z"),
        reporter: "GovCERT.ch",
        reference: None,
        complainant: None,
    };
    check(name, &parsed.reports[1], &want);
    assert_eq!(parsed.reports[0].source_ip, ip("91.121.87.10"));
    assert!(parsed.reports.iter().all(|r| r.source_ip != ip("185.220.101.4")), "the ServerIP column is the sinkhole");
}

#[test]
fn circl_takes_each_address_announced_under_a_reported_site_never_documentation_space() {
    let name = "abusedesk/profile-circl.eml";
    let parsed = parse(name, Format::Profile, 2);
    let want = Want {
        ty: ReportType::Phishing,
        role: ReportRole::Source,
        ip: "8.8.4.4",
        port: None,
        time: None,
        reporter: "CIRCL",
        reference: None,
        complainant: None,
    };
    check(name, &parsed.reports[0], &want);
    assert_eq!(parsed.reports[1].source_ip, ip("9.9.9.9"), "203.0.113.9 is documentation space");
}

#[test]
fn hkcert_reads_the_host_ip_of_each_wrapped_record_in_hong_kong_time() {
    let name = "abusedesk/profile-hkcert.eml";
    let parsed = parse(name, Format::Profile, 2);
    let r = &parsed.reports[0];
    assert_eq!(
        (r.source_ip, r.report_type, r.reporter.as_str()),
        (ip("45.33.32.156"), ReportType::Phishing, "HKCERT")
    );
    assert_eq!(r.incident_time.map(|t| t.to_rfc3339()), Some("2024-03-01T01:15:00+00:00".to_owned()), "UTC+8");
    assert_eq!(r.urls, ["https://login-bank.example/verify/"]);
    assert_eq!(parsed.reports[1].source_ip, ip("185.220.101.4"), "10.20.30.40 is never a source");
}

#[test]
fn cert_br_alerts_read_the_headerless_rows_of_the_zipped_asn_file() {
    let name = "abusedesk/profile-cert-br-alert.eml";
    let parsed = parse(name, Format::Profile, 2);
    let r = &parsed.reports[0];
    assert_eq!((r.source_ip, r.report_type), (ip("45.33.32.156"), ReportType::OpenService));
    assert_eq!(r.incident_time.map(|t| t.to_rfc3339()), Some("2024-03-12T10:15:02+00:00".to_owned()));
    assert_eq!(parsed.reports[1].source_ip, ip("185.220.101.4"), "192.168.10.20 is never a source");
}
