//! Casework records on both backends: checklist, investigations, notes, decisions and reviews (which the
//! database refuses to change or delete), disputes, customer status, case evidence, and the audit log,
//! whose chain `audit::verify` checks, and breaks at the entry a direct edit changed.

use abusedesk::audit::{verify, BreakReason};
use abusedesk::domain::role::Role;
use abusedesk::store::{self, Backend, NewDecision, Store, StoreError};

use crate::backends::on_each_backend;

/// A SpamCop report about 10.0.0.1 (Mail::Abuse test message) with its original attached.
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

async fn raw(s: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    match s.backend() {
        Backend::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
        Backend::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
    }
}

#[tokio::test]
async fn investigations_decisions_reviews_and_disputes_are_kept_and_decisions_never_change() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        abusedesk::intake::receive(&s, SPAMCOP, store::Channel::Mta, None, 1 << 20).await.unwrap();
        let case = s.all_case_ids().await.unwrap()[0];
        let alex = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "alex", "Alex", Role::Analyst, "alex-long-password", false).await.unwrap();
        let morgan = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "morgan", "Morgan", Role::Manager, "morgan-long-password", false).await.unwrap();
        let (alex, morgan) = (alex.user_id.0, morgan.user_id.0);

        let items = s.checklist_items().await.unwrap();
        assert_eq!(items.len(), 6);
        assert_eq!(items[0].code, "attribution_verified");
        assert!(items.iter().all(|i| i.required));

        let inv = s.open_investigation(case, alex, now).await.unwrap();
        s.save_investigation(inv, "sender confirmed bought list", r#"[{"code":"evidence_reviewed","answer":"yes","note":""}]"#, now)
            .await
            .unwrap();
        let stored = s.get_investigation(inv).await.unwrap();
        assert_eq!((stored.opened_by_name.as_str(), stored.findings.as_str()), ("alex", "sender confirmed bought list"));
        assert_eq!(s.case_investigations(case).await.unwrap().len(), 1);
        assert!(matches!(s.save_investigation(999_999, "", "[]", now).await, Err(StoreError::NotFound)));

        s.add_case_note(case, alex, "called the customer", now).await.unwrap();
        let notes = s.case_notes(case).await.unwrap();
        assert_eq!((notes[0].author.as_str(), notes[0].body.as_str()), ("alex", "called the customer"));

        let d = NewDecision { case_id: case, kind: "suspension", reason: "r", evidence: "e", policy: "", decided_by: alex, needs_approval: true, reverses: None };
        let proposal = s.record_decision(&d, now).await.unwrap();
        assert_eq!(s.pending_proposals().await.unwrap().len(), 1);
        s.review_decision(proposal, morgan, true, "checked", now).await.unwrap();
        assert!(matches!(s.review_decision(proposal, morgan, false, "again", now).await, Err(StoreError::Conflict { .. })));
        let got = s.get_decision(proposal).await.unwrap();
        assert_eq!((got.approved, got.reviewed_by_name.as_deref()), (Some(true), Some("morgan")));
        assert!(s.pending_proposals().await.unwrap().is_empty());
        let reversal = NewDecision { kind: "no_action", needs_approval: false, reverses: Some(proposal), ..d };
        s.record_decision(&reversal, now).await.unwrap();
        assert_eq!(s.case_decisions(case).await.unwrap().len(), 2);
        // The database itself refuses to edit or delete a decision or a review.
        assert!(raw(&s, "update decision set kind = 'warning'").await.is_err());
        assert!(raw(&s, "delete from decision").await.is_err());
        assert!(raw(&s, "update decision_review set reason = ''").await.is_err());
        assert_eq!(s.get_decision(proposal).await.unwrap().kind, "suspension");

        let dispute = s.open_dispute(case, alex, "we have opt-in records", None, now).await.unwrap();
        assert_eq!(s.open_disputes(case).await.unwrap(), 1);
        s.set_dispute_status(dispute, "answered", now).await.unwrap();
        assert_eq!(s.open_disputes(case).await.unwrap(), 0);
        assert!(matches!(s.set_dispute_status(999_999, "answered", now).await, Err(StoreError::NotFound)));

        let (evidence, _) = s.case_evidence(case).await.unwrap().expect("the original is kept as evidence");
        assert!(evidence.contains("Received:"), "{evidence}");

        s.upsert_customers(&[abusedesk::attribution::csv_import::NewCustomer {
            account_ref: "C-1".into(),
            name: "One".into(),
            emails: vec![],
            status: abusedesk::attribution::csv_import::CustomerStatus::Active,
            notes: String::new(),
        }], false, now).await.unwrap();
        let customer = s.customer_ids_by_ref().await.unwrap()["C-1"];
        s.set_customer_status(customer, "suspended", now).await.unwrap();
        assert_eq!(s.get_customer(customer).await.unwrap().status, "suspended");
    })
    .await;
}

#[tokio::test]
async fn the_audit_chain_verifies_and_a_tampered_row_is_named() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        for i in 0..5 {
            let e = s.append_audit(now, "alex", "case.status", &format!("case:{i}"), "investigating").await.unwrap();
            assert_eq!(e.seq, i + 1);
        }
        let all = s.audit_entries(0, 100).await.unwrap();
        assert_eq!(verify(&all), Ok(5));
        assert_eq!(s.audit_entries(3, 100).await.unwrap().len(), 2);
        let page = s.audit_page(Some("case.status"), Some("alex"), 2, 0).await.unwrap();
        assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [5, 4], "newest first");
        assert!(s.audit_page(Some("user.role"), None, 10, 0).await.unwrap().is_empty());

        raw(&s, "update audit_log set detail = 'closed' where seq = 3").await.unwrap();
        let broken = verify(&s.audit_entries(0, 100).await.unwrap()).unwrap_err();
        assert_eq!((broken.seq, broken.reason), (3, BreakReason::HashMismatch));
    })
    .await;
}

#[tokio::test]
async fn the_checklist_can_be_changed_and_items_removed() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        s.set_checklist_item("trap_hits_checked", "Spamtrap hits checked", false, 7, now).await.unwrap();
        s.set_checklist_item("customer_contacted", "Customer called", true, 5, now).await.unwrap();
        let items = s.checklist_items().await.unwrap();
        assert_eq!(items.len(), 7);
        assert_eq!((items[6].code.as_str(), items[6].required), ("trap_hits_checked", false));
        assert_eq!((items[4].code.as_str(), items[4].label.as_str()), ("customer_contacted", "Customer called"));
        assert!(s.remove_checklist_item("trap_hits_checked").await.unwrap());
        assert!(!s.remove_checklist_item("trap_hits_checked").await.unwrap());
        assert_eq!(s.checklist_items().await.unwrap().len(), 6);
    })
    .await;
}
