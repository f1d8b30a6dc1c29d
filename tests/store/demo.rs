//! The demo dataset loads on both backends and shows what the desk can do: parsed reports of several
//! formats, copies, and a message no parser recognises.

use abusedesk::store::Store;

use crate::backends::on_each_backend;

#[tokio::test]
async fn the_demo_dataset_loads_once_and_shows_every_intake_case() {
    on_each_backend(|s: Store| async move {
        let accounts = abusedesk::demo::load(&s).await.unwrap();
        assert!(accounts.iter().any(|a| a.username == "admin"));
        let c = s.count_intake().await.unwrap();
        // 24 SpamCop copies (12 reports to two mailboxes), 16 ARF, 3 Shadowserver, 1 hand-written.
        assert_eq!(c.messages, 44, "{c:?}");
        assert_eq!(c.arrivals, 45, "one MTA retry of the same bytes");
        assert_eq!(c.unrecognised, 1, "the hand-written complaint waits for a person");
        assert_eq!(c.parsed, 43, "{c:?}");
        assert_eq!(c.reports, 43, "one report per parsed message: {c:?}");

        abusedesk::demo::load(&s).await.unwrap();
        assert_eq!(s.count_intake().await.unwrap(), c, "loading again adds nothing");
    })
    .await;
}
