//! `abusedesk user …` as real processes: every account change made at the command line is in the audit
//! log, with the operator (`cli:<OS user>`, the same for this test process and the command it runs) as actor.

use abusedesk::audit::Actor;

use crate::intake::run;

#[test]
fn every_user_command_that_changes_an_account_is_audited_as_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    for (args, stdin) in [
        (&["user", "add", "bob", "--role", "analyst"][..], ""),
        (&["user", "disable", "bob"][..], ""),
        (&["user", "enable", "bob"][..], ""),
        (&["user", "set-role", "bob", "manager"][..], ""),
        (&["user", "set-password", "bob"][..], ""),
        (&["user", "set-password", "bob", "--password-stdin"][..], "bob-chosen-password\n"),
    ] {
        let out = run(&db, args, stdin.as_bytes());
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let csv = String::from_utf8(run(&db, &["audit", "export"], b"").stdout).unwrap();
    let operator = format!(",{},", Actor::cli().name());
    assert!(operator.starts_with(",cli"), "{operator}");
    let actions: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",user."))
        .map(|l| {
            assert!(l.contains(&operator), "the operator is the actor: {l}");
            l.split(',').find(|f| f.starts_with("user.")).unwrap()
        })
        .collect();
    assert_eq!(actions, ["user.created", "user.access", "user.access", "user.role", "user.password_reset", "user.password_set"], "{csv}");
}
