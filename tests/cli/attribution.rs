//! `abusedesk customers import`, `assignments import` (CSV and RADIUS), `address-space` and `attribute` as
//! real processes on a temporary SQLite database.

use std::process::Command;

fn run(db: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn imports_with_dry_run_then_lookups_by_time_and_port() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let customers = file(
        "customers.csv",
        "account_ref,name,emails,status,notes\nC-1,One,one@example.net,active,\nC-2,Two,,bogus,\nC-3,Three,,,\n",
    );
    let (code, out, err) = run(&db, &["customers", "import", &customers]);
    assert_eq!(code, Some(1), "a file with a bad row says so: {out}{err}");
    assert!(out.contains("added 2"), "{out}");
    assert!(out.contains("line 3:"), "the bad row is named by line: {out}");

    let assignments = file(
        "assignments.csv",
        "account_ref,kind,network,port_from,port_to,valid_from,valid_to\n\
         C-1,cgnat,100.64.0.1,1024,2047,2026-01-01,\n\
         C-3,cgnat,100.64.0.1,2048,4095,2026-01-01,\n\
         C-1,lease,192.0.2.7,,,2026-11-24T10:00:00Z,2026-11-24T12:00:00Z\n",
    );
    let (code, out, _) = run(&db, &["assignments", "import", "--dry-run", &assignments]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("dry run, nothing changed: would add 3"), "{out}");
    let (_, out, _) = run(&db, &["attribute", "192.0.2.7", "--at", "2026-11-24T11:00:00Z"]);
    assert!(out.contains("unattributed"), "the dry run stored nothing: {out}");

    let (code, out, _) = run(&db, &["assignments", "import", &assignments]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("added 3"), "{out}");
    let (_, out, _) = run(&db, &["assignments", "import", &assignments]);
    assert!(out.contains("added 0, updated 0, unchanged 3"), "the same file twice changes nothing: {out}");

    let (code, out, _) = run(&db, &["attribute", "192.0.2.7", "--at", "2026-11-24T11:00:00Z"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("customer C-1 (One)"), "{out}");
    let (_, out, _) = run(&db, &["attribute", "192.0.2.7", "--at", "2026-11-24T12:00:00Z"]);
    assert!(out.contains("unattributed"), "the lease ended at 12:00 exactly: {out}");
    let (_, out, _) = run(&db, &["attribute", "100.64.0.1", "--port", "3000", "--at", "2026-11-24T11:00:00Z"]);
    assert!(out.contains("customer C-3 (Three)"), "{out}");
    let (_, out, _) = run(&db, &["attribute", "100.64.0.1", "--at", "2026-11-24T11:00:00Z", "--json"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let candidates = &v["outcome"]["Unattributed"]["candidates"];
    assert_eq!(v["outcome"]["Unattributed"]["reason"], "port_needed");
    assert_eq!(candidates.as_array().unwrap().len(), 2, "both CGNAT customers are candidates: {v}");

    let (code, out, _) = run(&db, &["address-space", "add", "192.0.2.0/24", "--description", "test"]);
    assert_eq!(code, Some(0), "{out}");
    let (_, out, _) = run(&db, &["attribute", "198.51.100.1", "--at", "2026-11-24T11:00:00Z"]);
    assert!(out.contains("outside"), "{out}");
    let (_, out, _) = run(&db, &["address-space", "list"]);
    assert!(out.contains("192.0.2.0/24\ttest"), "{out}");
}

#[test]
fn a_radius_detail_file_gives_leases() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let customers = dir.path().join("customers.csv");
    std::fs::write(&customers, "account_ref,name\nalice,Alice\n").unwrap();
    assert_eq!(run(&db, &["customers", "import", customers.to_str().unwrap()]).0, Some(0));
    let detail = dir.path().join("detail-20261124");
    std::fs::write(
        &detail,
        "Tue Nov 24 10:00:00 2026\n\tAcct-Status-Type = Start\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\
         \tFramed-IP-Address = 198.51.100.7\n\tEvent-Timestamp = 1795514400\n\n\
         Tue Nov 24 11:00:00 2026\n\tAcct-Status-Type = Stop\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\
         \tFramed-IP-Address = 198.51.100.7\n\tAcct-Session-Time = 3600\n\tEvent-Timestamp = 1795518000\n\n",
    )
    .unwrap();
    let (code, out, err) = run(&db, &["assignments", "import", detail.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("radius detail-20261124"), "{out}");
    assert!(out.contains("added 1"), "{out}");
    let (_, out, _) = run(&db, &["attribute", "198.51.100.7", "--at", "2026-11-24T10:30:00Z"]);
    assert!(out.contains("customer alice (Alice)"), "{out}");
}
