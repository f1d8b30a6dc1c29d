//! Log-style notices: Mail::Abuse's myNetWatchman test messages (wrapped and re-dated variants of one
//! firewall log), cyscon's malware notice and a WebIron notice without X-ARF attachments.

use abusedesk::parse::{Format, ReportRole, ReportType};

use crate::helpers::{single, Want};

fn mynetwatchman(
    ty: ReportType,
    ip: &'static str,
    time: &'static str,
    complainant: Option<&'static str>,
) -> Want<'static> {
    Want {
        ty,
        role: ReportRole::Source,
        ip,
        port: None,
        time: Some(time),
        reporter: "myNetWatchman",
        reference: None,
        complainant,
    }
}

#[test]
fn mynetwatchman_log_lines_in_every_wrapping_and_date_style() {
    // All six describe one probe from 10.10.10.10 on 23 Oct 2003 18:13:36 -0400 (Mail::Abuse expects
    // time 1066947216). The first three quote the "W32.Opaserv Worm?" log line.
    for file in ["log_1.eml", "log_2.eml", "log_4.eml"] {
        // Each row begins with the handle of the person whose firewall logged it: a complainant.
        let want = mynetwatchman(ReportType::Malware, "10.10.10.10", "2003-10-23T22:13:36Z", Some("rbooth"));
        let r = single(&format!("mail-abuse/{file}"), Format::BlocklistLog, &want);
        assert!(!r.evidence.unwrap_or_default().contains("rbooth"), "{file}: the handle stays out of the evidence");
    }
    // These two only quote Received lines: nothing says what kind of abuse, so the log default applies.
    for file in ["log_6.eml", "log_8.eml"] {
        let want = mynetwatchman(ReportType::Scanning, "10.10.10.10", "2003-10-23T22:13:36Z", None);
        single(&format!("mail-abuse/{file}"), Format::BlocklistLog, &want);
    }
}

#[test]
fn mynetwatchman_aggregated_table_with_masked_targets() {
    // Src:(200.200.200.200) in the subject; sixteen rows (times in UTC, as the notice says), the
    // earliest "Thoris, 23 Oct 2003 15:17:42".
    let want = mynetwatchman(ReportType::Malware, "200.200.200.200", "2003-10-23T15:17:42Z", Some("youngerberry"));
    let r = single("mail-abuse/mynet_1.eml", Format::BlocklistLog, &want);
    let evidence = r.evidence.unwrap_or_default();
    assert_eq!(evidence.lines().count(), 15, "16 rows, one of them twice: {evidence}");
    for handle in ["youngerberry", "waynepyrah", "crusader", "thoreau", "djchadderton", "marty"] {
        assert!(!evidence.contains(handle), "the reporting users' handles stay out of the evidence: {evidence}");
    }
}

#[test]
fn cyscon_malware_notice() {
    let want = Want {
        ty: ReportType::Malware,
        role: ReportRole::Source,
        ip: "172.16.10.13",
        port: None,
        time: Some("2015-09-23T02:04:16Z"), // last_scan: 2015-09-23 04:04:16 +0200, the earliest stamp
        reporter: "cyscon",
        reference: None,
        complainant: None,
    };
    let r = single("abuseio/cyscon/Cyscon_Example_1.eml", Format::BlocklistLog, &want);
    assert_eq!(r.urls, ["http://malware.cust.domain.tld/"]);
}

#[test]
fn webiron_notice_with_the_ip_only_in_the_subject() {
    let want = Want {
        ty: ReportType::Scanning,
        role: ReportRole::Source,
        ip: "fdf1:cb9d:f59e:19b0:0:3:4:2",
        port: None,
        time: Some("2015-09-26T05:14:33Z"), // "Time:  2015-09-25 22:14:33-07:00"
        reporter: "WebIron",
        reference: None,
        complainant: None,
    };
    single("abuseio/webiron/Webiron_Example_3.eml", Format::BlocklistLog, &want);
}
