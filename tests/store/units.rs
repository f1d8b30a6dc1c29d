//! Casework actions as units, on both backends: an approval whose audit entry cannot be written leaves
//! nothing behind and can be tried again; decisions keep the investigation versions they relied on;
//! approval checks completeness again; a case is closed only after a decision; lifting a suspension needs
//! a manager; and a dispute opened while an approval holds the case waits for it.

use std::time::Duration;

use abusedesk::casework::{self, CaseworkError, DecisionRequest};
use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
use abusedesk::domain::case::CaseStatus;
use abusedesk::domain::decision::{DecisionKind, Refusal};
use abusedesk::domain::role::Role;
use abusedesk::domain::user::CurrentUser;
use abusedesk::store::{self, Backend, Channel, Store};

use crate::backends::on_each_backend;
use crate::customers;

/// A SpamCop report about 10.0.0.1 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

struct Desk {
    case: i64,
    customer: i64,
    alex: CurrentUser,
    morgan: CurrentUser,
    robin: CurrentUser,
}

/// A case about a customer's address, an analyst, two managers, and a complete investigation by the analyst.
async fn desk(s: &Store) -> Desk {
    let customer = customers::customer_holding(s, "C-1", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(s, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = s.all_case_ids().await.unwrap()[0];
    let mut people = Vec::new();
    for (name, role) in [("alex", Role::Analyst), ("morgan", Role::Manager), ("robin", Role::Manager)] {
        let password = format!("{name}-long-password");
        let account = abusedesk::auth::accounts::create_account_with_password(s, &abusedesk::audit::Actor::system("test"), name, name, role, &password, false).await.unwrap();
        people.push(account.current_user());
    }
    let investigation = casework::open_investigation(s, &people[0], case).await.unwrap();
    casework::save_investigation(s, &people[0], investigation, "bought list, confirmed", &all_yes(s).await).await.unwrap();
    Desk { case, customer, alex: people[0].clone(), morgan: people[1].clone(), robin: people[2].clone() }
}

async fn all_yes(s: &Store) -> Vec<ChecklistAnswer> {
    let items = s.checklist_items().await.unwrap();
    items.into_iter().map(|i| ChecklistAnswer { code: i.code, answer: Answer::Yes, note: String::new() }).collect()
}

fn request(case_id: i64, kind: DecisionKind) -> DecisionRequest<'static> {
    DecisionRequest { case_id, kind, reason: "bulk mail to a bought list", evidence: "reports 1-3", policy: "AUP 4.2", reverses: None }
}

/// Runs several statements on the test's own connection (trigger bodies need more than one).
async fn raw(s: &Store, sql: &str) {
    match s.backend() {
        Backend::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        Backend::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Makes every audit append fail, as a full disk or a broken connection would.
async fn break_audit_log(s: &Store) {
    match s.backend() {
        Backend::Sqlite(_) => {
            raw(s, "create trigger audit_down before insert on audit_log begin select raise(abort, 'audit log unavailable'); end;").await
        }
        Backend::Postgres(_) => {
            raw(s, "create function audit_down() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end; $$; \
                    create trigger audit_down before insert on audit_log for each row execute function audit_down();")
            .await
        }
    }
}

async fn mend_audit_log(s: &Store) {
    match s.backend() {
        Backend::Sqlite(_) => raw(s, "drop trigger audit_down").await,
        Backend::Postgres(_) => raw(s, "drop trigger audit_down on audit_log; drop function audit_down();").await,
    }
}

#[tokio::test]
async fn an_approval_whose_audit_entry_cannot_be_written_leaves_nothing_behind_and_can_be_tried_again() {
    on_each_backend(|s: Store| async move {
        let d = desk(&s).await;
        let proposal = casework::decide(&s, &d.alex, &request(d.case, DecisionKind::Termination)).await.unwrap();
        let entries_before = s.audit_entries(0, 1_000).await.unwrap().len();
        let outbox_before = s.list_notifications(None, 100).await.unwrap().len();

        break_audit_log(&s).await;
        let failed = casework::review(&s, &d.morgan, proposal, true, "four eyes").await;
        assert!(matches!(failed, Err(CaseworkError::Store(_))), "{failed:?}");
        assert_eq!(s.get_decision(proposal).await.unwrap().approved, None, "the review was not kept");
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "active", "nothing was applied");
        assert_ne!(s.get_case(d.case).await.unwrap().status, "decided");
        assert_eq!(s.list_notifications(None, 100).await.unwrap().len(), outbox_before, "no notification for a decision not taken");
        assert!(s.list_webhooks(10).await.unwrap().is_empty(), "no provisioning event either");

        mend_audit_log(&s).await;
        casework::review(&s, &d.morgan, proposal, true, "four eyes").await.expect("a retry is not refused as already decided");
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "terminated");
        assert_eq!(s.get_case(d.case).await.unwrap().status, "decided");
        let decided: Vec<_> = s.list_notifications(None, 100).await.unwrap().into_iter().filter(|n| n.kind == "decision").collect();
        assert_eq!(decided.len(), 1);
        assert_eq!(s.list_webhooks(10).await.unwrap().len(), 1);
        let entries = s.audit_entries(0, 1_000).await.unwrap();
        let new: Vec<&str> = entries[entries_before..].iter().map(|e| e.action.as_str()).collect();
        assert_eq!(new, ["decision.approved", "customer.status", "case.status"], "the unit's entries, in order, once");
        assert_eq!(abusedesk::audit::verify(&entries), Ok(entries.len()));
    })
    .await;
}

#[tokio::test]
async fn a_decision_keeps_the_investigation_it_relied_on_and_later_edits_are_new_versions() {
    on_each_backend(|s: Store| async move {
        let d = desk(&s).await;
        let relied = s.case_investigations(d.case).await.unwrap()[0].investigation_id;
        let warning = casework::decide(&s, &d.alex, &request(d.case, DecisionKind::Warning)).await.unwrap();
        let kept = s.decision_investigations(warning).await.unwrap();
        assert_eq!((kept.len(), kept[0].investigation_id), (1, relied));
        assert!(kept[0].frozen_at.is_some());

        let newer = casework::save_investigation(&s, &d.alex, relied, "customer says the list was opt-in", &[]).await.unwrap();
        assert_ne!(newer, relied, "a new version, not an edit");
        let kept = s.decision_investigations(warning).await.unwrap();
        assert_eq!(kept[0].findings, "bought list, confirmed", "the decision still points at what it relied on");
        let current = s.case_investigations(d.case).await.unwrap();
        assert_eq!((current.len(), current[0].investigation_id, current[0].supersedes_id), (1, newer, Some(relied)));
        let stale = casework::save_investigation(&s, &d.alex, relied, "again", &[]).await;
        assert!(matches!(stale, Err(CaseworkError::Invalid(ref m)) if m.contains("newer version")), "{stale:?}");
        // The database refuses an edit of a frozen investigation that goes round the desk.
        let sql = format!("update investigation set findings = 'rewritten' where investigation_id = {relied}");
        let direct = match s.backend() {
            Backend::Sqlite(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
            Backend::Postgres(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ()),
        };
        assert!(direct.is_err());
    })
    .await;
}

#[tokio::test]
async fn approval_checks_the_investigation_against_the_checklist_of_the_day() {
    on_each_backend(|s: Store| async move {
        let d = desk(&s).await;
        let proposal = casework::decide(&s, &d.alex, &request(d.case, DecisionKind::Suspension)).await.unwrap();
        s.set_checklist_item("legal_reviewed", "Legal reviewed the termination", true, 99, store::now()).await.unwrap();
        let refused = casework::review(&s, &d.morgan, proposal, true, "ok").await;
        assert!(matches!(refused, Err(CaseworkError::Refused(Refusal::IncompleteInvestigation { .. }))), "{refused:?}");
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "active");
        casework::review(&s, &d.morgan, proposal, false, "re-propose after legal review").await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_case_is_closed_only_after_a_decision_and_lifting_a_suspension_needs_a_manager() {
    on_each_backend(|s: Store| async move {
        let d = desk(&s).await;
        let closed = casework::set_status(&s, &d.alex, d.case, CaseStatus::Closed).await;
        assert!(matches!(closed, Err(CaseworkError::Refused(Refusal::CloseNeedsDecision))), "{closed:?}");
        let decided = casework::set_status(&s, &d.morgan, d.case, CaseStatus::Decided).await;
        assert!(matches!(decided, Err(CaseworkError::Refused(Refusal::DecidedByDecisionOnly))), "{decided:?}");
        assert!(casework::set_status(&s, &d.alex, d.case, CaseStatus::Investigating).await.unwrap());

        let suspension = casework::decide(&s, &d.alex, &request(d.case, DecisionKind::Suspension)).await.unwrap();
        casework::review(&s, &d.morgan, suspension, true, "four eyes").await.unwrap();
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "suspended");
        let lift = DecisionRequest { kind: DecisionKind::NoAction, reverses: Some(suspension), ..request(d.case, DecisionKind::NoAction) };
        let proposal = casework::decide(&s, &d.alex, &lift).await.unwrap();
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "suspended", "an analyst alone does not lift it");
        let own = casework::review(&s, &d.alex, proposal, true, "done").await;
        assert!(matches!(own, Err(CaseworkError::Refused(Refusal::NotAManager))), "{own:?}");
        casework::review(&s, &d.robin, proposal, true, "list cleaned").await.unwrap();
        assert_eq!(s.get_customer(d.customer).await.unwrap().status, "active");
        assert!(casework::set_status(&s, &d.alex, d.case, CaseStatus::Closed).await.unwrap(), "closing after a decision");
    })
    .await;
}

#[tokio::test]
async fn a_dispute_opened_while_an_approval_holds_the_case_waits_for_it() {
    on_each_backend(|s: Store| async move {
        let d = desk(&s).await;
        let login = abusedesk::auth::accounts::create_portal_account(&s, &abusedesk::audit::Actor::system("test"), d.customer, "pat", "Pat", Some("pat-long-password")).await.unwrap();
        let pat = login.account.current_user();
        // An approval in progress holds the case (as `casework::review` does from its first read to commit).
        let mut approval = s.begin().await.unwrap();
        approval.lock_case(d.case).await.unwrap();
        let opening = {
            let (s, pat, case) = (s.clone(), pat.clone(), d.case);
            tokio::spawn(async move { abusedesk::portal::disputes::open(&s, &pat, case, "we have opt-in records", None, None, 30).await })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!opening.is_finished(), "the dispute waits for the approval's unit to end");
        assert_eq!(approval.open_disputes(d.case).await.unwrap(), 0);
        approval.commit().await.unwrap();
        opening.await.unwrap().unwrap();
        assert_eq!(s.open_disputes(d.case).await.unwrap(), 1);
        // And the approval that comes after it sees it.
        let proposal = casework::decide(&s, &d.alex, &request(d.case, DecisionKind::Termination)).await.unwrap();
        let refused = casework::review(&s, &d.morgan, proposal, true, "ok").await;
        assert!(matches!(refused, Err(CaseworkError::Refused(Refusal::OpenDispute))), "{refused:?}");
    })
    .await;
}
