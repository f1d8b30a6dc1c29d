//! Profiles: loading and its errors, matching, and extraction by regex, CSV and JSON.

use super::*;
use crate::parse::model::Format;

fn profile(text: &str) -> Result<Profile, ProfileError> {
    load::parse("test.toml", text, Source::Embedded)
}

fn set(text: &str) -> ProfileSet {
    ProfileSet { profiles: vec![profile(text).expect("a valid profile")] }
}

/// Runs `set` on `raw` as `parse_message` would, within `budget`.
fn claim_within(set: &ProfileSet, raw: &str, budget: Budget) -> (Option<ParsedMessage>, Option<OverBudget>) {
    let bytes = mime::normalize(raw.as_bytes());
    let msg = mime::parse(&bytes).expect("a readable message");
    let mail = Mail::new(&msg, budget::Meter::new(budget));
    let claimed = set.claim(&mail);
    (claimed, mail.meter.exceeded())
}

fn claim(set: &ProfileSet, raw: &str) -> Option<ParsedMessage> {
    claim_within(set, raw, Budget::DEFAULT).0
}

const REGEX_PROFILE: &str = r#"
name = "probe-net"
reporter = "Probe Net"
report_type = "scanning"
[match]
from = ["probe.example.org"]
subject = "^Attack report"
[[extract]]
regex = '^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<ip>[0-9a-f.:]+):(?P<port>\d+) ->'
time_formats = ["%Y-%m-%d %H:%M:%S"]
timezone = "+08:00"
"#;

const REGEX_MAIL: &str = "From: Probe NOC <noc@mail.probe.example.org>\nSubject: Attack report 42\n\n\
Hello,\n\n2024-05-01 10:00:00 45.33.32.156:4444 -> 203.0.113.9:22\n\
2024-05-01 10:00:05 10.1.2.3:5555 -> 203.0.113.9:22\n";

#[test]
fn a_regex_profile_reads_address_port_and_time_in_its_zone_and_skips_private_addresses() {
    let parsed = claim(&set(REGEX_PROFILE), REGEX_MAIL).expect("claimed");
    assert_eq!(parsed.format, Format::Profile);
    assert_eq!(parsed.reports.len(), 1, "10.1.2.3 is private: never a source");
    let r = &parsed.reports[0];
    assert_eq!(r.source_ip.to_string(), "45.33.32.156");
    assert_eq!(r.source_port, Some(4444));
    assert_eq!(r.incident_time.map(|t| t.to_rfc3339()), Some("2024-05-01T02:00:00+00:00".to_owned()));
    assert_eq!((r.reporter.as_str(), r.report_type), ("Probe Net", ReportType::Scanning));
    assert!(parsed.warnings.iter().any(|w| w.contains("1 address(es)")), "{:?}", parsed.warnings);
}

#[test]
fn a_profile_that_finds_no_routable_address_does_not_claim_the_message() {
    let private_only = REGEX_MAIL.replace("45.33.32.156", "192.168.7.7");
    assert!(claim(&set(REGEX_PROFILE), &private_only).is_none());
    let nothing = "From: noc@probe.example.org\nSubject: Attack report\n\nNo log today.\n";
    assert!(claim(&set(REGEX_PROFILE), nothing).is_none());
}

#[test]
fn every_match_condition_must_hold() {
    let other_sender = REGEX_MAIL.replace("probe.example.org", "notprobe.example.org");
    assert!(claim(&set(REGEX_PROFILE), &other_sender).is_none(), "a domain matches by whole labels");
    let other_subject = REGEX_MAIL.replace("Subject: Attack report", "Subject: Re: Attack report");
    assert!(claim(&set(REGEX_PROFILE), &other_subject).is_none());
    let header = r#"
name = "h"
report_type = "spam"
[match]
header = { name = "X-Report-Kind", value = "^trap$" }
[[extract]]
in = "subject"
regex = '(?P<ip>\d+\.\d+\.\d+\.\d+)'
"#;
    let mail = "From: a@b.example\nX-Report-Kind: trap\nSubject: hit from 45.33.32.156\n\nx\n";
    assert!(claim(&set(header), mail).is_some());
    assert!(claim(&set(header), &mail.replace(": trap", ": other")).is_none());
}

const CSV_MAIL: &str = "From: feeds@sensor.example.net\nSubject: feed\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee attached.\n\
--b\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"events-1.csv\"\n\n\
when;Attacker IP;dport;site\n2024-05-02T08:00:00Z;91.121.87.10;443;hxxp://bad[.]example/x\n\
2024-05-02T08:01:00Z;not-an-ip;443;\n--b--\n";

#[test]
fn a_csv_attachment_is_read_by_column_names() {
    let profile = r#"
name = "sensor"
report_type = "malware"
role = "source"
[match]
from = ["@sensor.example.net"]
[[extract]]
in = "attachment"
filename = '^events-\d+\.csv$'
csv = { ip = "attacker ip", port = "dport", time = "when", url = "site", delimiter = ";" }
"#;
    let parsed = claim(&set(profile), CSV_MAIL).expect("claimed");
    assert_eq!(parsed.reports.len(), 1);
    let r = &parsed.reports[0];
    assert_eq!((r.source_ip.to_string(), r.source_port), ("91.121.87.10".to_owned(), Some(443)));
    assert_eq!(r.urls, ["http://bad.example/x"]);
    assert_eq!(r.reporter, "sensor.example.net", "the sender's domain when the profile names none");
    assert!(r.evidence.as_deref().is_some_and(|e| e.starts_with("when;Attacker IP") && e.contains("91.121.87.10")));
}

#[test]
fn a_json_body_is_read_by_pointers() {
    let profile = r#"
name = "jsonfeed"
report_type = "botnet"
[match]
from = ["bot@feeds.example.com"]
[[extract]]
json = { records = "/events", ip = "/src/ip", port = "/src/port", time = "/seen", ref = "/id" }
"#;
    let mail = "From: bot@feeds.example.com\nSubject: x\n\n{\"events\": [{\"id\": 7, \"seen\": 1714550400, \
\"src\": {\"ip\": \"51.75.70.2\", \"port\": 8080}}, {\"src\": {\"ip\": \"::1\"}}]}\n";
    let parsed = claim(&set(profile), mail).expect("claimed");
    assert_eq!(parsed.reports.len(), 1);
    let r = &parsed.reports[0];
    assert_eq!((r.source_ip.to_string(), r.source_port), ("51.75.70.2".to_owned(), Some(8080)));
    assert_eq!(r.reporter_ref.as_deref(), Some("7"));
    assert_eq!(r.incident_time.map(|t| t.to_rfc3339()), Some("2024-05-01T08:00:00+00:00".to_owned()));
}

#[test]
fn reports_stop_at_the_budget() {
    let mut mail = String::from("From: noc@probe.example.org\nSubject: Attack report\n\n");
    for i in 0..50 {
        mail.push_str(&format!("2024-05-01 10:00:{i:02} 45.33.32.{i}:4444 -> x\n"));
    }
    let (parsed, over) = claim_within(&set(REGEX_PROFILE), &mail, Budget { reports: 10, ..Budget::DEFAULT });
    assert_eq!(over, Some(OverBudget::Reports(10)));
    assert!(parsed.is_none_or(|p| p.reports.len() <= 10));
}

fn error(text: &str) -> String {
    profile(text).expect_err("an invalid profile").to_string()
}

#[test]
fn a_bad_profile_is_an_error_naming_file_and_field() {
    let base = REGEX_PROFILE;
    let cases = [
        (base.replace("reporter =", "reportr ="), "test.toml: line 3: unknown field `reportr`"),
        (base.replace("\"scanning\"", "\"scanner\""), "test.toml: line 4: unknown variant `scanner`"),
        (base.replace("(?P<ip>", "(?P<addr>"), "test.toml: extract[0].regex: unknown group 'addr'"),
        (base.replace("(?P<ip>[0-9a-f.:]+)", "[0-9a-f.:]+"), "test.toml: extract[0].regex: needs a named group"),
        (base.replace("^Attack report", "(unclosed"), "test.toml: match.subject: not a valid regex"),
        (base.replace("%Y-%m-%d", "%Y-%Q"), "test.toml: extract[0].time_formats: '%Y-%Q"),
        (base.replace("+08:00", "Mars/Olympus"), "test.toml: extract[0].timezone: must be UTC"),
        (base.replace("name = \"probe-net\"", "name = \"probe net\""), "test.toml: name: must be letters"),
        (
            base.replace("from = [\"probe.example.org\"]\nsubject = \"^Attack report\"", ""),
            "test.toml: match: needs at least one",
        ),
        (base.replace("regex =", "csv = { ip = \"x\" }\nregex ="), "test.toml: extract[0]: needs exactly one of"),
        (
            "name = \"x\"\nreport_type = \"spam\"\nextract = []\n[match]\nfrom = [\"a.example\"]\n".to_owned(),
            "test.toml: extract: at least one",
        ),
        ("not toml at all [".to_owned(), "test.toml: line 1:"),
    ];
    for (text, want) in cases {
        let got = error(&text);
        assert!(got.starts_with(want), "got {got:?}, want {want:?}");
    }
}

#[test]
fn the_embedded_profiles_load_and_their_names_are_unique() {
    let set = ProfileSet::embedded().expect("every embedded profile validates");
    assert_eq!(set.profiles().len(), EMBEDDED.len());
    assert!(set.profiles().iter().all(|p| p.source == Source::Embedded));
}

#[test]
fn a_desks_directory_adds_and_overrides_by_name_and_reports_every_bad_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("own.toml"), REGEX_PROFILE).expect("write");
    let set = ProfileSet::with_dir(dir.path()).expect("loads");
    let own = set.profiles().iter().find(|p| p.name == "probe-net").expect("added");
    assert!(matches!(&own.source, Source::Dir(f) if f.ends_with("own.toml")));
    if let Some((file, text)) = EMBEDDED.first() {
        let embedded = profile(text).expect("valid");
        std::fs::write(dir.path().join(file), text).expect("write");
        let set = ProfileSet::with_dir(dir.path()).expect("loads");
        let same: Vec<_> = set.profiles().iter().filter(|p| p.name == embedded.name).collect();
        assert_eq!(same.len(), 1, "the desk's profile replaces the embedded one");
        assert!(matches!(same[0].source, Source::Dir(_)));
    }
    std::fs::write(dir.path().join("bad.toml"), "name = 3").expect("write");
    std::fs::write(dir.path().join("twin.toml"), REGEX_PROFILE).expect("write");
    let errors = ProfileSet::with_dir(dir.path()).expect_err("bad files");
    assert!(errors.iter().any(|e| e.file.ends_with("bad.toml")), "{errors:?}");
    assert!(errors.iter().any(|e| e.field == "name" && e.message.contains("also the name")), "{errors:?}");
    assert!(ProfileSet::with_dir(&dir.path().join("missing")).is_err());
}
