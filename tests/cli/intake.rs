//! `abusedesk ingest`, `import` and `reparse` as real processes on a temporary SQLite database.

use std::io::Write;
use std::process::{Command, Stdio};

use abusedesk::store::Store;

const AOL: &str = "tests/fixtures/abuseio/feedback-loop/AOL_example_1.eml";
const SPAMCOP: &str = "tests/fixtures/mail-abuse/spamcop_4.eml";

/// Runs the binary on `db` with `stdin` as standard input.
pub(crate) fn run(db: &str, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

pub(crate) fn temp_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/desk.db", dir.path().display());
    (dir, url)
}

pub(crate) async fn counts(url: &str) -> abusedesk::store::IntakeCounts {
    let store = Store::connect(url).await.unwrap();
    let counts = store.count_intake().await.unwrap();
    store.close().await;
    counts
}

#[tokio::test]
async fn ingest_exits_0_once_stored_even_when_the_message_is_not_understood() {
    let (_dir, db) = temp_db();
    let aol = std::fs::read(format!("{}/{AOL}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let out = run(&db, &["ingest", "--recipient", "abuse@example.net"], &aol);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&db, &["ingest"], b"Subject: hi\n\nnothing to see\n");
    assert_eq!(out.status.code(), Some(0));
    let c = counts(&db).await;
    assert_eq!((c.messages, c.parsed, c.unrecognised, c.reports), (2, 1, 1, 1));
}

#[tokio::test]
async fn ingest_refuses_empty_and_oversized_messages_with_ex_dataerr() {
    let (_dir, db) = temp_db();
    assert_eq!(run(&db, &["ingest"], b"\n\n").status.code(), Some(65));
    let out = run(&db, &["--max-message-bytes", "100", "ingest"], &[b'x'; 500]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("over the limit of 100 bytes"));
    assert_eq!(counts(&db).await.messages, 0);
}

#[test]
fn ingest_asks_the_mta_to_retry_when_the_database_cannot_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    // A database "file" inside a regular file can never be created.
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let db = format!("sqlite://{}/desk.db", blocker.display());
    let out = run(&db, &["ingest"], b"Subject: hi\n\nbody\n");
    assert_eq!(out.status.code(), Some(75), "EX_TEMPFAIL: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn import_reads_files_directories_and_mbox_and_a_second_import_only_counts_copies() {
    let (dir, db) = temp_db();
    let root = env!("CARGO_MANIFEST_DIR");
    let mbox_path = dir.path().join("inbox.mbox");
    let mut mbox = Vec::new();
    for file in [AOL, SPAMCOP] {
        mbox.extend_from_slice(b"From abuse@example.net Mon Jan  1 00:00:00 2024\n");
        mbox.extend_from_slice(&std::fs::read(format!("{root}/{file}")).unwrap());
        mbox.extend_from_slice(b"\n");
    }
    std::fs::write(&mbox_path, &mbox).unwrap();
    let mbox_arg = mbox_path.display().to_string();

    let out = run(&db, &["import", &mbox_arg, "tests/fixtures/mail-abuse"], b"");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let first = counts(&db).await;
    assert!(first.messages >= 3, "{stdout}");
    assert!(stdout.contains("0 failed"), "{stdout}");

    let out = run(&db, &["import", &mbox_arg, "tests/fixtures/mail-abuse"], b"");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains(": 0 stored,"), "nothing new the second time: {stdout}");
    let second = counts(&db).await;
    assert_eq!(second.messages, first.messages, "idempotent");
    assert_eq!(second.arrivals, first.arrivals * 2, "every arrival is counted");
    assert_eq!(second.reports, first.reports);

    // Bulk import recounts the cases it touched when it ends: a full recount afterwards changes nothing.
    let imported = case_counters(&db).await;
    assert!(imported.iter().any(|&(stored, received, _)| stored > 0 && received == 2 * stored), "{imported:?}");
    let out = run(&db, &["recount"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(case_counters(&db).await, imported);
}

/// `(stored reports, received, unique complaints)` of every case, by id.
async fn case_counters(url: &str) -> Vec<(i64, i64, i64)> {
    let store = Store::connect(url).await.unwrap();
    let mut out = Vec::new();
    for id in store.all_case_ids().await.unwrap() {
        let case = store.get_case(id).await.unwrap();
        out.push((case.stored_reports, case.received, case.unique_complaints));
    }
    store.close().await;
    out
}

#[tokio::test]
async fn import_names_what_it_could_not_read_and_fails() {
    let (_dir, db) = temp_db();
    let out = run(&db, &["import", AOL, "tests/fixtures/no-such-dir"], b"");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 stored") && stdout.contains("no-such-dir"), "{stdout}");
    assert_eq!(counts(&db).await.messages, 1, "the readable message was still imported");
}

#[tokio::test]
async fn reparse_parses_every_stored_message_again_without_adding_reports() {
    let (_dir, db) = temp_db();
    assert_eq!(run(&db, &["import", AOL, SPAMCOP], b"").status.code(), Some(0));
    let before = counts(&db).await;
    let out = run(&db, &["reparse"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 messages parsed again"));
    assert_eq!(counts(&db).await, before);
}

#[tokio::test]
async fn a_locked_database_gets_ex_tempfail_and_the_retry_stores_the_message_exactly_once() {
    use sqlx::Connection;
    let (dir, db) = temp_db();
    assert_eq!(run(&db, &["migrate"], b"").status.code(), Some(0));
    let aol = std::fs::read(format!("{}/{AOL}", env!("CARGO_MANIFEST_DIR"))).unwrap();

    // Another writer holds the database: the ingest cannot store and must tell the MTA to retry.
    let mut blocker = sqlx::SqliteConnection::connect(&format!("sqlite://{}/desk.db", dir.path().display())).await.unwrap();
    sqlx::query("begin immediate").execute(&mut blocker).await.unwrap();
    let out = run(&db, &["ingest"], &aol);
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
    sqlx::query("rollback").execute(&mut blocker).await.unwrap();
    blocker.close().await.unwrap();
    assert_eq!(counts(&db).await.arrivals, 0, "nothing half-stored");

    // The MTA's retry stores it once; a further duplicate delivery is only counted.
    assert_eq!(run(&db, &["ingest"], &aol).status.code(), Some(0));
    let c = counts(&db).await;
    assert_eq!((c.messages, c.arrivals, c.reports), (1, 1, 1));
}

#[tokio::test]
async fn unrecognised_groups_the_unknown_by_sender_and_subject_shape() {
    let (_dir, db) = temp_db();
    for (n, ip) in [(1, "198.51.100.7"), (2, "203.0.113.9")] {
        let mail = format!("From: Notices <n@reports.example>\nSubject: Weird notice #{n} about {ip}\n\nsee attachment\n");
        assert_eq!(run(&db, &["ingest"], mail.as_bytes()).status.code(), Some(0));
    }
    let other = "From: Someone <x@elsewhere.example>\nSubject: hello\n\nnothing to see\n";
    assert_eq!(run(&db, &["ingest"], other.as_bytes()).status.code(), Some(0));
    let out = run(&db, &["unrecognised"], b"");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("3 not-recognised messages in 2 shapes"), "{text}");
    assert!(lines[1].trim_start().starts_with("2  reports.example") && lines[1].contains("weird notice ## about #"), "{text}");
    assert!(lines[2].trim_start().starts_with("1  elsewhere.example"), "{text}");
}
