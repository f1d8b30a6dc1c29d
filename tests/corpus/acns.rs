//! ACNS copyright notices: Copyright Compliance (XML inline in a PGP-signed body) and IP-Echelon (XML in
//! the body and again as an attachment). Values read from each notice's `<Infringement>` XML.

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{single, Want};

fn notice<'a>(ip: &'a str, port: u16, time: &'a str, reporter: &'a str, case: &'a str) -> Want<'a> {
    Want {
        ty: ReportType::Copyright,
        role: ReportRole::Source,
        ip,
        port: Some(port),
        time: Some(time),
        reporter,
        reference: Some(case),
        complainant: None,
    }
}

#[test]
fn copyright_compliance_notice_inside_a_pgp_signed_body() {
    let want = notice("10.0.2.100", 34890, "2015-09-04T13:19:53Z", "Irdeto USA, Inc", "312-200234534");
    let r = single("abuseio/copyrightcompliance/Copyrightcompliance_Example_1.eml", Format::Acns, &want);
    assert!(r.urls.is_empty(), "<URL>incoming</URL> is not a URL");
    assert!(r.evidence.as_deref().is_some_and(|e| e.starts_with("<Infringement")));
}

#[test]
fn ip_echelon_notices_give_one_report_although_the_xml_is_sent_twice() {
    let cases = [
        (
            "ip-echelon_sample1.eml",
            "192.168.2.200",
            35657,
            "2015-11-13T20:35:03Z",
            "Paramount Pictures Corporation",
            "314620451",
        ),
        (
            "ip-echelon_sample11.eml",
            "192.168.3.3",
            6112,
            "2015-11-01T23:04:46Z",
            "Warner Bros. Entertainment Inc.",
            "310121334",
        ),
        (
            "ip-echelon_sample13.eml",
            "192.168.3.3",
            65267,
            "2015-11-10T01:04:55Z",
            "Warner Bros. Entertainment Inc.",
            "311208287",
        ),
        (
            "ip-echelon_sample15.eml",
            "192.168.3.6",
            51413,
            "2015-11-13T03:39:39Z",
            "Paramount Pictures Corporation",
            "313124544",
        ),
        (
            "ip-echelon_sample2.eml",
            "192.168.2.212",
            58688,
            "2015-11-16T05:45:49Z",
            "Paramount Pictures Corporation",
            "315134863",
        ),
        (
            "ip-echelon_sample4.eml",
            "192.168.2.100",
            18525,
            "2015-11-17T11:05:41Z",
            "Paramount Pictures Corporation",
            "316273247",
        ),
        (
            "ip-echelon_sample6.eml",
            "192.168.3.2",
            51413,
            "2015-11-18T08:25:43Z",
            "Paramount Pictures Corporation",
            "316967065",
        ),
        (
            "ip-echelon_sample8.eml",
            "192.168.3.2",
            50321,
            "2015-11-27T11:58:43Z",
            "Warner Bros. Entertainment Inc.",
            "324415991",
        ),
    ];
    for (file, ip, port, time, reporter, case) in cases {
        single(&format!("abuseio/ip-echelon/{file}"), Format::Acns, &notice(ip, port, time, reporter, case));
    }
}
