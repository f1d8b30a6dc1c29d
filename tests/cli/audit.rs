//! `abusedesk audit verify` and `audit export` as real processes: an intact chain passes, a row edited in
//! the database is named, and the export carries every hash.

use std::process::Command;

use abusedesk::store::{self, Backend, Store};

fn run(db: &str, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_abusedesk")).env("DATABASE_URL", db).env("RUST_LOG", "warn").args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn audit_verify_names_the_first_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let s = Store::connect(&db).await.unwrap();
    s.migrate().await.unwrap();
    for (actor, action) in [("alex", "decision.proposed"), ("morgan", "decision.approved"), ("morgan", "customer.status")] {
        s.append_audit(store::now(), actor, action, "case:1", "decision 1: suspension").await.unwrap();
    }
    let (code, out) = run(&db, &["audit", "verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("audit log intact: 3 entries"), "{out}");
    // The check is recorded for the admin's front page, with its own entry after the three it checked.
    let check = s.last_audit_verification().await.unwrap().expect("recorded");
    assert!(check.intact && check.entries == 3 && check.verified_by.starts_with("cli"), "{check:?}");
    let (_, csv) = run(&db, &["audit", "export"]);
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(csv.lines().nth(2).unwrap().contains("morgan,decision.approved"), "{csv}");
    assert!(csv.lines().nth(4).unwrap().contains("audit.verified"), "{csv}");

    let Backend::Sqlite(pool) = s.backend() else { unreachable!("a SQLite URL") };
    sqlx::query("update audit_log set actor = 'alex' where seq = 2").execute(pool).await.unwrap();
    s.close().await;
    let (code, out) = run(&db, &["audit", "verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("BROKEN") && out.contains("entry 2"), "{out}");
    let s = Store::connect(&db).await.unwrap();
    let check = s.last_audit_verification().await.unwrap().expect("recorded");
    assert!(!check.intact && check.entries == 1 && check.detail.contains("entry 2"), "a failed check too: {check:?}");
}

#[tokio::test]
async fn the_checklist_is_configured_from_the_command_line_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let (code, list) = run(&db, &["checklist", "list"]);
    assert_eq!((code, list.lines().count()), (Some(0), 6), "the six default items: {list}");
    let (code, out) = run(&db, &["checklist", "set", "trap_hits_checked", "Spamtrap hits checked", "--optional"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&db, &["checklist", "set", "customer_contacted", "Customer contacted by phone or mail"]);
    assert_eq!(code, Some(0), "{out}");
    let (_, list) = run(&db, &["checklist", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 7, "{list}");
    assert!(lines[6].starts_with("trap_hits_checked") && lines[6].contains("optional"), "added last: {list}");
    assert!(lines[4].starts_with("customer_contacted") && lines[4].contains("by phone or mail"), "changed in place: {list}");
    let (code, _) = run(&db, &["checklist", "set", "Bad Code", "x"]);
    assert_ne!(code, Some(0), "a bad code is refused");
    assert_eq!(run(&db, &["checklist", "remove", "trap_hits_checked"]).0, Some(0));
    assert_ne!(run(&db, &["checklist", "remove", "trap_hits_checked"]).0, Some(0), "removing twice says there is none");
    let (_, log) = run(&db, &["audit", "export"]);
    assert_eq!(log.matches("checklist.set").count(), 2, "{log}");
    assert!(log.contains("checklist.remove"), "{log}");
}
