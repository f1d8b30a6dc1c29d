//! The command line, run as a real process: `abusedesk parse`, and (in `intake`) `ingest`, `import`, `reparse`,
//! (in `profiles`) the reporter profiles.

// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![allow(clippy::unwrap_used)]

mod audit;
mod healing;
mod attribution;
mod imap;
mod imap_serve;
mod imap_tls;
mod intake;
mod lmtp;
mod nodes;
mod postfix;
mod profiles;
#[path = "../common/postgres.rs"]
mod postgres;
#[path = "../common/smtp_sink.rs"]
mod smtp_sink;
mod user;

use std::process::Command;

const AOL: &str = "tests/fixtures/abuseio/feedback-loop/AOL_example_1.eml";

fn abusedesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_abusedesk")).current_dir(env!("CARGO_MANIFEST_DIR")).args(args).output().unwrap()
}

#[test]
fn parse_json_prints_one_line_per_file_with_the_report() {
    let out = abusedesk(&["parse", "--json", AOL]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1);
    let v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["file"], AOL);
    assert_eq!(v["format"], "arf");
    assert_eq!(v["error"], serde_json::Value::Null);
    let report = &v["reports"][0];
    assert_eq!(report["source_ip"], "10.17.18.1");
    assert_eq!(report["report_type"], "spam");
    assert_eq!(report["incident_time"], "2016-01-19T19:32:40Z");
    assert_eq!(report["reporter"], "AOL");
    assert!(report.get("complainant").is_none(), "complainant identities are not printed");
}

#[test]
fn parse_reports_an_unreadable_file_and_still_prints_the_others() {
    let out = abusedesk(&["parse", "--json", "tests/fixtures/no-such-file.eml", AOL]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["error"].as_str().unwrap().contains("No such file"));
    assert_eq!(lines[1]["format"], "arf");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 2 files could not be parsed"));
}

#[test]
fn parse_speaks_the_same_names_without_json() {
    let out = abusedesk(&["parse", AOL]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(": arf, 1 report(s)"), "{stdout}");
    assert!(stdout.contains("10.17.18.1  spam/source  2016-01-19T19:32:40Z  AOL"), "{stdout}");
}
