//! Portal records on both backends: portal accounts linked to a customer, dispute threads with
//! attachments and appeals, and the notification outbox.

use abusedesk::attribution::csv_import::{CustomerStatus, NewCustomer};
use abusedesk::domain::role::Role;
use abusedesk::store::{self, NewAttachment, NewNotification, Store, StoreError};

use crate::backends::on_each_backend;

/// A SpamCop report about 10.0.0.1 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

async fn customer(s: &Store, account_ref: &str) -> i64 {
    let c = NewCustomer {
        account_ref: account_ref.into(),
        name: format!("Customer {account_ref}"),
        emails: vec![format!("noc@{}.example", account_ref.to_lowercase())],
        status: CustomerStatus::Active,
        notes: String::new(),
    };
    s.upsert_customers(&[c], false, store::now()).await.unwrap();
    s.customer_ids_by_ref().await.unwrap()[account_ref]
}

#[tokio::test]
async fn portal_accounts_belong_to_one_customer() {
    on_each_backend(|s: Store| async move {
        let acme = customer(&s, "ACME").await;
        let other = customer(&s, "OTHER").await;
        let issued = abusedesk::auth::accounts::create_portal_account(&s, &abusedesk::audit::Actor::system("test"), acme, "pat", "Pat", None).await.unwrap();
        assert!(issued.account.must_change_password, "an invitation is a one-time password");
        assert_eq!((issued.account.role, issued.account.customer_id), (Role::Customer, Some(acme)));
        assert_eq!(issued.account.current_user().customer_id, Some(acme));
        let chosen = abusedesk::auth::accounts::create_portal_account(&s, &abusedesk::audit::Actor::system("test"), acme, "lee", "Lee", Some("lee-long-password")).await.unwrap();
        assert!(!chosen.account.must_change_password);
        let names: Vec<String> = s.customer_accounts(acme).await.unwrap().into_iter().map(|a| a.username).collect();
        assert_eq!(names, ["lee", "pat"]);
        assert!(s.customer_accounts(other).await.unwrap().is_empty());
        let staff = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "alex", "Alex", Role::Analyst, "alex-long-password", false)
            .await
            .unwrap();
        assert_eq!(staff.customer_id, None);
    })
    .await;
}

#[tokio::test]
async fn disputes_keep_their_thread_attachments_and_appeals() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        abusedesk::intake::receive(&s, SPAMCOP, store::Channel::Mta, None, 1 << 20).await.unwrap();
        let case = s.all_case_ids().await.unwrap()[0];
        let acme = customer(&s, "ACME").await;
        let pat = abusedesk::auth::accounts::create_portal_account(&s, &abusedesk::audit::Actor::system("test"), acme, "pat", "Pat Customer", None).await.unwrap().account;
        let alex = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "alex", "Alex Analyst", Role::Analyst, "alex-long-password", false)
            .await
            .unwrap();
        let (pat, alex) = (pat.user_id.0, alex.user_id.0);

        let dispute = s.open_dispute(case, pat, "they all opted in", None, now).await.unwrap();
        let got = s.get_dispute(dispute).await.unwrap();
        assert_eq!((got.opened_by_name.as_str(), got.status.as_str(), got.decision_id), ("Pat Customer", "open", None));
        assert!(matches!(s.get_dispute(dispute + 1000).await, Err(StoreError::NotFound)));
        assert_eq!(s.open_disputes(case).await.unwrap(), 1);
        assert_eq!(s.open_dispute_counts(&[case, case + 1000]).await.unwrap().into_iter().collect::<Vec<_>>(), [(case, 1)]);
        assert!(s.open_dispute_counts(&[]).await.unwrap().is_empty());

        s.add_dispute_message(dispute, alex, true, "please send the sign-up records", now).await.unwrap();
        s.add_dispute_message(dispute, pat, false, "attached", now).await.unwrap();
        let thread = s.dispute_messages(&[dispute]).await.unwrap();
        let lines: Vec<(&str, bool, &str)> = thread.iter().map(|m| (m.author_name.as_str(), m.from_staff, m.body.as_str())).collect();
        assert_eq!(lines, [("Alex Analyst", true, "please send the sign-up records"), ("Pat Customer", false, "attached")]);
        assert!(s.dispute_messages(&[]).await.unwrap().is_empty());

        let pdf = b"%PDF-1.4 sign-up log".to_vec();
        let new = NewAttachment { dispute_id: dispute, file_name: "signups.pdf", content_type: "application/pdf", content: &pdf };
        let attachment = s.add_dispute_attachment(&new, now).await.unwrap();
        let listed = s.dispute_attachments(&[dispute]).await.unwrap();
        assert_eq!((listed[0].file_name.as_str(), listed[0].size_bytes), ("signups.pdf", i64::try_from(pdf.len()).unwrap()));
        let (meta, bytes) = s.get_dispute_attachment(attachment).await.unwrap();
        assert_eq!((meta.dispute_id, bytes), (dispute, pdf));
        assert!(matches!(s.get_dispute_attachment(attachment + 1000).await, Err(StoreError::NotFound)));

        s.set_dispute_status(dispute, "answered", now).await.unwrap();
        assert_eq!(s.open_disputes(case).await.unwrap(), 0);
        assert!(s.open_dispute_counts(&[case]).await.unwrap().is_empty());
        assert!(matches!(s.set_dispute_status(dispute + 1000, "answered", now).await, Err(StoreError::NotFound)));

        let decision = abusedesk::store::NewDecision {
            case_id: case,
            kind: "restriction",
            reason: "port 25 blocked",
            evidence: "reports",
            policy: "AUP 4.2",
            decided_by: alex,
            needs_approval: false,
            reverses: None,
        };
        let decision = s.record_decision(&decision, now).await.unwrap();
        assert_eq!(s.get_decision(decision).await.unwrap().policy, "AUP 4.2");
        let appeal = s.open_dispute(case, pat, "the block hits our invoices", Some(decision), now).await.unwrap();
        let appeals = s.open_appeals().await.unwrap();
        assert_eq!((appeals.len(), appeals[0].dispute_id, appeals[0].decision_id), (1, appeal, Some(decision)));
        let all = s.case_disputes(case).await.unwrap();
        assert_eq!(all.iter().map(|d| d.dispute_id).collect::<Vec<_>>(), [dispute, appeal]);

        let reporters = s.case_reporter_reports(case, 10).await.unwrap();
        let found: Vec<(&str, Option<&str>)> = reporters.iter().map(|r| (r.reporter.as_str(), r.reporter_ref.as_deref())).collect();
        assert_eq!(found, [("SpamCop", Some("999999999"))]);
        let answer = NewNotification {
            customer_id: None,
            case_id: Some(case),
            kind: "reporter_reply",
            recipients: "resolved.999999999@cmds.spamcop.net",
            subject: "Re",
            body: "done",
        };
        s.queue_notification(&answer, now).await.unwrap();
        assert_eq!(s.case_notification_recipients(case, "reporter_reply").await.unwrap(), ["resolved.999999999@cmds.spamcop.net"]);
        assert!(s.case_notification_recipients(case, "staff_reply").await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn notifications_wait_in_the_outbox_until_marked() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let acme = customer(&s, "ACME").await;
        let n = NewNotification { customer_id: Some(acme), case_id: None, kind: "case_opened", recipients: "noc@acme.example", subject: "Case 1", body: "text" };
        let first = s.queue_notification(&n, now).await.unwrap();
        let second = s.queue_notification(&NewNotification { subject: "Case 2", ..n.clone() }, now).await.unwrap();
        let outbox: Vec<i64> = s.outbox(10).await.unwrap().into_iter().map(|x| x.notification_id).collect();
        assert_eq!(outbox, [first, second], "oldest first");
        s.mark_notification(first, "sent", "accepted: 250", now).await.unwrap();
        s.mark_notification(second, "failed", "no such user", now).await.unwrap();
        assert!(s.outbox(10).await.unwrap().is_empty());
        let all = s.list_notifications(None, 10).await.unwrap();
        assert_eq!(all.iter().map(|x| x.notification_id).collect::<Vec<_>>(), [second, first], "newest first");
        assert_eq!(all[0].customer_name.as_deref(), Some("Customer ACME"));
        let reporter = NewNotification { customer_id: None, kind: "reporter_reply", recipients: "resolved.1@cmds.spamcop.net", ..n.clone() };
        let answer = s.queue_notification(&reporter, now).await.unwrap();
        let listed = s.list_notifications(Some("outbox"), 10).await.unwrap();
        assert_eq!((listed[0].notification_id, listed[0].customer_name.as_deref()), (answer, None));
        let failed = s.list_notifications(Some("failed"), 10).await.unwrap();
        assert_eq!((failed.len(), failed[0].detail.as_str()), (1, "no such user"));
        assert!(matches!(s.mark_notification(second + 1000, "sent", "", now).await, Err(StoreError::NotFound)));
    })
    .await;
}
