//! Fixture loading and one assertion helper that checks every field a sample test cares about.

use std::net::IpAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use abusedesk::parse::{parse_message, Format, ParsedMessage, ParsedReport, ReportRole, ReportType};

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Parses a fixture and checks its format and report count.
pub fn parse(name: &str, format: Format, reports: usize) -> ParsedMessage {
    let parsed = parse_message(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(parsed.format, format, "{name}: format (warnings: {:?})", parsed.warnings);
    assert_eq!(parsed.reports.len(), reports, "{name}: number of reports (warnings: {:?})", parsed.warnings);
    parsed
}

pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_else(|e| panic!("test timestamp {s}: {e}"))
}

pub fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|e| panic!("test address {s}: {e}"))
}

/// What a report should say, field by field; every field is compared.
pub struct Want<'a> {
    pub ty: ReportType,
    pub role: ReportRole,
    pub ip: &'a str,
    pub port: Option<u16>,
    pub time: Option<&'a str>,
    pub reporter: &'a str,
    pub reference: Option<&'a str>,
    pub complainant: Option<&'a str>,
}

pub fn check(name: &str, r: &ParsedReport, want: &Want<'_>) {
    assert_eq!(r.report_type, want.ty, "{name}: type");
    assert_eq!(r.role, want.role, "{name}: role");
    assert_eq!(r.source_ip, ip(want.ip), "{name}: source IP");
    assert_eq!(r.source_port, want.port, "{name}: port");
    assert_eq!(r.incident_time, want.time.map(utc), "{name}: incident time");
    assert_eq!(r.reporter, want.reporter, "{name}: reporter");
    assert_eq!(r.reporter_ref.as_deref(), want.reference, "{name}: reporter ref");
    assert_eq!(r.complainant.as_deref(), want.complainant, "{name}: complainant");
}

/// Parses a fixture expected to hold exactly one report and checks it.
pub fn single(name: &str, format: Format, want: &Want<'_>) -> ParsedReport {
    let mut parsed = parse(name, format, 1);
    let r = parsed.reports.remove(0);
    check(name, &r, want);
    r
}
