//! The demo dataset loads on both backends and shows what the desk can do: parsed reports of several
//! formats, copies, a message no parser recognises, and every kind of attribution.

use abusedesk::store::Store;

use crate::backends::on_each_backend;

#[tokio::test]
async fn the_demo_dataset_loads_once_and_shows_every_intake_case() {
    on_each_backend(|s: Store| async move {
        let accounts = abusedesk::demo::load(&s).await.unwrap();
        assert!(accounts.iter().any(|a| a.username == "admin"));
        let c = s.count_intake().await.unwrap();
        // 24 SpamCop copies (12 reports to two mailboxes), 16 ARF, 3 Shadowserver, 1 hand-written, and 3
        // SpamCop reports nobody can be named for on arrival.
        assert_eq!(c.messages, 47, "{c:?}");
        assert_eq!(c.arrivals, 48, "one MTA retry of the same bytes");
        assert_eq!(c.unrecognised, 1, "the hand-written complaint waits for a person");
        assert_eq!(c.parsed, 46, "{c:?}");
        assert_eq!(c.reports, 46, "one report per parsed message: {c:?}");

        let ids = s.customer_ids_by_ref().await.unwrap();
        let reports_of = |r: &str| s.list_customer_reports(ids[r], 100);
        assert_eq!(reports_of("C-1001").await.unwrap().len(), 24, "static block: every SpamCop copy");
        assert_eq!(reports_of("C-1002").await.unwrap().len(), 16, "the current lease holder, not the former one");
        assert!(reports_of("C-1005").await.unwrap().is_empty());
        let cgnat = reports_of("C-1003").await.unwrap();
        assert_eq!(cgnat.len(), 3, "the CGNAT port range holder");
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

        abusedesk::demo::load(&s).await.unwrap();
        assert_eq!(s.count_intake().await.unwrap(), c, "loading again adds nothing");
    })
    .await;
}
