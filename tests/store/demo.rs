//! The demo dataset loads on both backends and shows what the desk can do: parsed reports of several
//! formats, copies, a message no parser recognises, every kind of attribution, and cases with honest
//! counts, a campaign, a rate over the warning line, assignees and a reopened case, casework, and the
//! customer portal's account, dispute thread and notifications.

use abusedesk::domain::case::CaseFilter;
use abusedesk::store::Store;

use crate::backends::on_each_backend;

#[tokio::test]
async fn the_demo_dataset_loads_once_and_shows_every_intake_case() {
    on_each_backend(|s: Store| async move {
        let accounts = abusedesk::demo::load(&s).await.unwrap();
        assert!(accounts.iter().any(|a| a.username == "admin"));
        let c = s.count_intake().await.unwrap();
        // 24 SpamCop copies (12 reports to two mailboxes), 16 ARF, 4 Shadowserver (the last one reopens a
        // closed case), 1 hand-written, 3 portal notices of one CERT, 1 too deeply nested to read, and 3
        // SpamCop reports nobody can be named for on arrival.
        assert_eq!(c.messages, 52, "{c:?}");
        assert_eq!(c.arrivals, 53, "one MTA retry of the same bytes");
        assert_eq!(c.failed, 1, "the mangled forward is kept, unreadable, for a person");
        assert_eq!(c.unrecognised, 4, "the hand-written complaint and the CERT's portal notices wait for a person");
        let groups = s.group_unrecognised(50).await.unwrap();
        let sizes: Vec<(&str, i64)> = groups.iter().map(|g| (g.sender_domain.as_str(), g.messages)).collect();
        assert_eq!(sizes, [("watchtower-cert.example", 3), ("home.example", 1)], "two groups to show");
        assert_eq!(c.parsed, 47, "{c:?}");
        assert_eq!(c.reports, 47, "one report per parsed message: {c:?}");

        let ids = s.customer_ids_by_ref().await.unwrap();
        let reports_of = |r: &str| s.list_customer_reports(ids[r], 100);
        assert_eq!(reports_of("C-1001").await.unwrap().len(), 24, "static block: every SpamCop copy");
        assert_eq!(reports_of("C-1002").await.unwrap().len(), 16, "the current lease holder, not the former one");
        assert!(reports_of("C-1005").await.unwrap().is_empty());
        let cgnat = reports_of("C-1003").await.unwrap();
        assert_eq!(cgnat.len(), 4, "the CGNAT port range holder");
        assert!(cgnat.iter().all(|r| r.attribution_via.as_deref() == Some("cgnat_port")));
        assert_eq!(reports_of("C-1006").await.unwrap().len(), 1, "attributed by the late import");
        let (queue, total) = s.list_unattributed(10, 0).await.unwrap();
        let mut reasons: Vec<&str> = queue.iter().map(|r| r.attribution.as_str()).collect();
        reasons.sort_unstable();
        assert_eq!((total, reasons), (2, vec!["outside_address_space", "port_needed"]));
        let changes = s.list_attribution_changes(None, 10).await.unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].to, "customer C-1006");
        assert_eq!(s.list_import_runs(10).await.unwrap().len(), 3);

        let all = CaseFilter { open_only: false, ..CaseFilter::default() };
        let (cases, total) = s.list_cases(&all, 50, abusedesk::store::now()).await.unwrap();
        let case = |ip: &str| cases.iter().find(|c| c.source_ip == ip).unwrap();
        assert_eq!(total, 6, "spammer, newsletter, botnet, late, foreign, CGNAT without port: {cases:?}");
        let spam = case("198.51.100.23");
        assert_eq!((spam.received, spam.unique_complaints, spam.mailbox_copies, spam.same_bytes), (25, 12, 12, 1));
        assert_eq!((spam.status.as_str(), spam.assignee.as_deref()), ("investigating", Some("alex")));
        let news = case("198.51.100.40");
        assert_eq!((news.received, news.unique_complaints, news.re_reports, news.complainants), (16, 15, 1, 15));
        assert_eq!(s.case_campaigns(news.abuse_case_id, 5).await.unwrap().len(), 1, "one campaign");
        let rows = abusedesk::cases::views::case_rows(&s, vec![news.clone()], abusedesk::store::now()).await.unwrap();
        assert_eq!(rows[0].flag.as_deref(), Some("warn"), "15 complaints over 14,000 messages: {:?}", rows[0]);
        let botnet = cases.iter().find(|c| c.report_type == "botnet" && c.customer_id.is_some()).unwrap();
        assert_eq!((botnet.status.as_str(), botnet.stored_reports), ("new", 4));
        assert!(botnet.reopened_at.is_some(), "closed, then reopened by a new report");

        let proposals = s.pending_proposals().await.unwrap();
        assert_eq!(proposals.len(), 1, "a suspension waits for a manager");
        assert_eq!((proposals[0].kind.as_str(), proposals[0].decided_by_name.as_str()), ("suspension", "alex"));
        let decided = s.case_decisions(news.abuse_case_id).await.unwrap();
        assert_eq!(decided.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(), ["warning"]);
        assert_eq!(s.open_disputes(news.abuse_case_id).await.unwrap(), 1);
        let portal = s.customer_accounts(ids["C-1002"]).await.unwrap();
        assert_eq!(portal.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), ["newsletter"]);
        assert!(accounts.iter().any(|a| a.username == "newsletter"), "the portal account is printed");
        let dispute = s.case_disputes(news.abuse_case_id).await.unwrap().remove(0);
        let thread = s.dispute_messages(&[dispute.dispute_id]).await.unwrap();
        assert_eq!(thread.iter().map(|m| m.from_staff).collect::<Vec<_>>(), [true, false], "the desk asked, the customer answered");
        assert_eq!(s.dispute_attachments(&[dispute.dispute_id]).await.unwrap().len(), 1, "the sign-up log");
        let mut kinds: Vec<String> = s.list_notifications(None, 100).await.unwrap().into_iter().map(|n| n.kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds, ["case_opened", "decision", "reporter_reply", "staff_reply"], "every kind of notification is in the outbox");
        let events = s.list_webhooks(10).await.unwrap();
        assert_eq!(events.len(), 1, "the restriction on the infected line, for provisioning systems");
        assert!(events[0].payload.contains("\"kind\":\"restriction\""), "{}", events[0].payload);
        let audit = s.audit_entries(0, 1_000).await.unwrap();
        assert_eq!(abusedesk::audit::verify(&audit), Ok(audit.len()));
        assert!(audit.len() >= 8, "{audit:?}");

        abusedesk::demo::load(&s).await.unwrap();
        assert_eq!(s.count_intake().await.unwrap(), c, "loading again adds nothing");
    })
    .await;
}
