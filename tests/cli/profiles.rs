//! `abusedesk profiles list|test` and `--profiles DIR`, and `reparse` turning stored "not recognised" mail
//! into reports once the desk has added a profile for its reporter.

use crate::intake::{counts, run, temp_db};

const DIGEST: &str = "tests/fixtures/abusedesk/profile-honeynet.eml";
const DESK_PROFILES: &str = "tests/fixtures/desk-profiles";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn reparse_turns_a_stored_unrecognised_message_into_a_report_after_a_profile_is_added() {
    let (_dir, db) = temp_db();
    assert_eq!(run(&db, &["import", DIGEST], b"").status.code(), Some(0));
    let before = counts(&db).await;
    assert_eq!((before.unrecognised, before.reports), (1, 0), "no generic rule may guess the sensor grid's source");

    let out = run(&db, &["--profiles", DESK_PROFILES, "reparse"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let after = counts(&db).await;
    assert_eq!((after.unrecognised, after.parsed, after.reports), (0, 1, 1));
}

#[test]
fn list_names_each_profile_with_its_source_and_test_shows_what_it_extracts() {
    let (_dir, db) = temp_db();
    let out = run(&db, &["--profiles", DESK_PROFILES, "profiles", "list"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = stdout(&out);
    assert!(listed.lines().any(|l| l.starts_with("bnshosting ") && l.contains("embedded")), "{listed}");
    let own = listed.lines().find(|l| l.starts_with("honeynet-grid ")).unwrap_or_default();
    assert!(own.contains("dir ") && own.contains("from grid@honeynet.example.org"), "{listed}");

    let out = run(&db, &["--profiles", DESK_PROFILES, "profiles", "test", DIGEST], b"");
    let tested = stdout(&out);
    assert!(tested.contains("profile honeynet-grid (dir "), "{tested}");
    assert!(tested.contains("51.75.70.2  scanning/source  2024-03-09T08:00:00Z  Sensor Grid"), "{tested}");
    assert!(tested.contains("the desk reads it as profile, 1 report(s)"), "{tested}");
}

#[test]
fn a_bad_profile_in_the_directory_stops_the_command_naming_file_and_field() {
    let (_dir, db) = temp_db();
    let profiles = tempfile::tempdir().unwrap();
    let broken =
        "name = \"x\"\nreport_type = \"spam\"\n[match]\nsubject = \"(\"\n[[extract]]\nregex = '(?P<ip>\\S+)'\n";
    std::fs::write(profiles.path().join("broken.toml"), broken).unwrap();
    let dir = profiles.path().to_str().unwrap();
    let out = run(&db, &["--profiles", dir, "profiles", "list"], b"");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml: match.subject: not a valid regex"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
