//! X-ARF 0.1/0.2 samples with a YAML `report.txt` (blocklist.de, Clean MX, Netcraft) and WebIron's
//! X-ARF-style attachments sent without the X-ARF header.

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{parse, single, Want};

#[test]
fn blocklist_de_regbot_report() {
    let want = Want {
        ty: ReportType::Spam, // a registration bot posting spam profiles
        role: ReportRole::Source,
        ip: "10.0.2.150",
        port: None, // Port: 80 is the attacked web server's port
        time: Some("2014-01-31T06:19:02Z"),
        reporter: "blocklist.de",
        reference: Some("123456789@blocklist.de"),
        complainant: None,
    };
    let r = single("abuseio/blocklistde/Blocklistde_Example_1.eml", Format::Xarf, &want);
    assert!(r.evidence.as_deref().is_some_and(|e| e.contains("POST /profile.php")), "evidence is the log file");
}

fn cleanmx(ip: &str) -> Want<'_> {
    Want {
        ty: ReportType::Scanning, // Report-Type: harvesting (a directory-harvest attack on SMTP)
        role: ReportRole::Source,
        ip,
        port: None,
        time: Some("2015-06-07T19:09:11Z"),
        reporter: "Clean MX",
        reference: Some("91942290@postfix.clean-mx.de"),
        complainant: None,
    }
}

#[test]
fn clean_mx_reports_take_the_source_from_report_txt() {
    // The human-readable text names 84.22.103.137; the machine-readable report.txt says 192.168.2.20.
    single("abuseio/cleanmx/Cleanmx_Example_1.eml", Format::Xarf, &cleanmx("192.168.2.20"));
    single("abuseio/cleanmx/Cleanmx_Example_3.eml", Format::Xarf, &cleanmx("fdf1:cb9d:f59e:19b0:45ff::1"));
}

#[test]
fn netcraft_malware_report_with_ipv4_source() {
    let want = Want {
        ty: ReportType::Malware,
        role: ReportRole::Source,
        ip: "10.0.2.2",
        port: Some(80), // Download-Port of the malware the host serves
        time: Some("2015-07-23T01:58:17Z"),
        reporter: "Netcraft",
        reference: Some("takedown-response+0317484@netcraft.com"),
        complainant: None,
    };
    let r = single("abuseio/netcraft/Netcraft_Example_1.eml", Format::Xarf, &want);
    assert_eq!(r.urls, ["http://www.domain.tld/scripts/ufo.js"]);
}

fn netcraft_phishing<'a>(ip: &'a str, time: &'a str, reference: &'a str) -> Want<'a> {
    Want {
        ty: ReportType::Phishing,
        role: ReportRole::Source,
        ip,
        port: Some(80),
        time: Some(time),
        reporter: "Netcraft",
        reference: Some(reference),
        complainant: None,
    }
}

#[test]
fn netcraft_phishing_reports_with_uri_sources_take_the_ip_printed_beside_the_url() {
    let cases = [
        (
            "abuseio/netcraft/Netcraft_Example_3.eml",
            "10.0.2.11",
            "2015-10-12T06:40:56Z",
            "takedown-response+0527363@netcraft.com",
        ),
        (
            "abuseio/netcraft/Netcraft_Example_6.eml",
            "10.19.3.1",
            "2015-10-26T11:27:58Z",
            "takedown-response+0536145@netcraft.com",
        ),
        (
            "abuseio/netcraft/Netcraft_Example_9.eml",
            "10.2.2.15",
            "2015-10-02T18:16:57Z",
            "takedown-response+0521829@netcraft.com",
        ),
    ];
    for (file, ip, time, reference) in cases {
        let r = single(file, Format::Xarf, &netcraft_phishing(ip, time, reference));
        assert!(r.urls.first().is_some_and(|u| u.starts_with("http://")), "{file}: the phishing URL");
    }
}

#[test]
fn webiron_batched_report_gives_one_report_per_attachment() {
    let parsed = parse("abuseio/webiron/Webiron_Example_1.eml", Format::Xarf, 2);
    for (r, reference) in
        parsed.reports.iter().zip(["00000000-aaaa-ffff-3333-83621af9eb12", "00000000-aaaa-ffff-3333-83621af9eb13"])
    {
        let want = Want {
            ty: ReportType::Scanning, // Report-Type: web-attack
            role: ReportRole::Source,
            ip: "172.16.31.20",
            port: None,                         // Port: '80' is the targeted site's port
            time: Some("2015-05-16T00:03:11Z"), // '2015-05-15 17:03:11-07:00'
            reporter: "WebIron",
            reference: Some(reference),
            complainant: None,
        };
        crate::helpers::check("Webiron_Example_1", r, &want);
    }
}
