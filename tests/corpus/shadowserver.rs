//! Shadowserver CSV-in-ZIP samples and AbuseHUB's forwarded Shadowserver drone report. Expected rows
//! were read from the unzipped CSV files.

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{check, parse, Want};

/// (file, rows, first row's ip, port, timestamp)
const FEEDS: &[(&str, usize, &str, u16, &str)] = &[
    ("2015-01-01-dns_openresolver-sample-asn.csv.zip.eml", 5, "208.70.149.107", 53, "2013-10-10T00:05:10Z"),
    ("2015-01-01-scan_memcached-sample-asn.csv.zip.eml", 9, "167.160.165.190", 11211, "2015-01-22T01:30:25Z"),
    ("2015-01-01-scan_nat_pmp-sample-asn.csv.zip.eml", 7, "177.9.199.160", 5351, "2014-12-19T07:08:59Z"),
    ("2015-01-01-scan_ntp-sample-asn.csv.zip.eml", 9, "76.22.142.205", 123, "2014-03-21T02:13:17Z"),
    ("2015-01-01-scan_redis-sample-asn.csv.zip.eml", 13, "98.126.92.5", 6379, "2015-01-19T12:10:01Z"),
    ("2015-01-01-scan_ssdp-sample-asn.csv.zip.eml", 9, "67.193.128.173", 1900, "2014-03-16T08:14:59Z"),
    ("2019-01-06-scan_afp-sample-ip.csv.zip.eml", 2, "127.0.6.59", 548, "2019-01-16T03:42:34Z"),
    ("2019-10-15-scan_ftp-sample-asn.csv.zip.eml", 1, "31.42.105.195", 21, "2019-10-15T00:05:18Z"),
    ("2019-10-15-scan_ldap_tcp-sample-asn.csv.zip.eml", 1, "31.42.105.195", 389, "2019-10-15T06:21:11Z"),
];

#[test]
fn scan_reports_give_one_open_service_report_per_row() {
    for (file, rows, ip, port, time) in FEEDS {
        let name = format!("abuseio/shadowserver/{file}");
        let parsed = parse(&name, Format::Shadowserver, *rows);
        let want = Want {
            ty: ReportType::OpenService,
            role: ReportRole::Source,
            ip,
            port: Some(*port),
            time: Some(time),
            reporter: "Shadowserver",
            reference: None,
            complainant: None,
        };
        check(&name, &parsed.reports[0], &want);
        for r in &parsed.reports {
            assert_eq!(r.report_type, ReportType::OpenService, "{name}");
            let evidence = r.evidence.as_deref().unwrap_or_default();
            assert!(
                evidence.starts_with("\"timestamp\"") && evidence.contains(&r.source_ip.to_string()),
                "{name}: row evidence"
            );
        }
    }
}

#[test]
fn every_row_keeps_its_own_values() {
    let parsed = parse("abuseio/shadowserver/2015-01-01-scan_ssdp-sample-asn.csv.zip.eml", Format::Shadowserver, 9);
    let second = Want {
        ty: ReportType::OpenService,
        role: ReportRole::Source,
        ip: "24.35.243.77",
        port: Some(32853),
        time: Some("2014-03-16T08:14:59Z"),
        reporter: "Shadowserver",
        reference: None,
        complainant: None,
    };
    check("ssdp row 2", &parsed.reports[1], &second);
    let eighth = Want { ip: "1.62.9.118", port: Some(1900), time: Some("2014-03-16T08:15:00Z"), ..second };
    check("ssdp row 8", &parsed.reports[7], &eighth);

    let parsed = parse("abuseio/shadowserver/2019-01-06-scan_afp-sample-ip.csv.zip.eml", Format::Shadowserver, 2);
    let afp = Want { ip: "127.0.6.57", port: Some(548), time: Some("2019-01-16T03:52:17Z"), ..eighth };
    check("afp row 2", &parsed.reports[1], &afp);
}

#[test]
fn abusehub_forward_reads_the_shadowserver_csv() {
    // Two CSVs describe the same event; AbuseHUB's own (no `timestamp` column, zone-less local time) is
    // not a Shadowserver CSV, the second is. The type comes from the subject, "[Shadowserver Botnet Drone]".
    let parsed = parse("abuseio/abusehub/Abusehub_Example_1.eml", Format::Shadowserver, 1);
    let want = Want {
        ty: ReportType::Botnet,
        role: ReportRole::Source,
        ip: "172.16.10.13",
        port: Some(2005),
        time: Some("2015-03-02T00:45:59Z"), // = "2015-03-02 01:45:59 +01:00" in the text
        reporter: "AbuseHUB",
        reference: None,
        complainant: None,
    };
    check("Abusehub_Example_1", &parsed.reports[0], &want);
}
