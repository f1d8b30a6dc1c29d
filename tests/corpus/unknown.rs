//! Samples in formats this library does not parse: they must come back as `Unknown` without reports
//! rather than as wrong reports.

use abusedesk::parse::Format;

use crate::helpers::parse;

#[test]
fn google_safe_browsing_xml_is_not_guessed_at() {
    // Two hosting IPs, date-only, no time of day: not a log notice, not ACNS.
    parse("abuseio/google/Safe_Browsing_Report_1.eml", Format::Unknown, 0);
}

#[test]
fn project_honey_pot_monitor_reports_are_not_guessed_at() {
    // Lists of IPs per category; several IPs and no single offender.
    parse("abuseio/projecthoneypot/Projecthoneypot_Example_free_1.eml", Format::Unknown, 0);
    parse("abuseio/projecthoneypot/Projecthoneypot_Example_paid_1.eml", Format::Unknown, 0);
}
