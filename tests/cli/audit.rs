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
    let (_, csv) = run(&db, &["audit", "export"]);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.lines().nth(2).unwrap().contains("morgan,decision.approved"), "{csv}");

    let Backend::Sqlite(pool) = s.backend() else { unreachable!("a SQLite URL") };
    sqlx::query("update audit_log set actor = 'alex' where seq = 2").execute(pool).await.unwrap();
    s.close().await;
    let (code, out) = run(&db, &["audit", "verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("BROKEN") && out.contains("entry 2"), "{out}");
}
