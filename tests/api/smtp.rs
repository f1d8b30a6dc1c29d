//! Notifications leave the outbox over SMTP: a tiny SMTP server on a local port accepts one recipient and
//! refuses another for good; a customer without a contact address fails without a connection; an
//! unreachable relay leaves the outbox as it is, with the reason, for the next round.

use std::time::Duration;

use abusedesk::notify::delivery::{deliver, Relay, Round};
use abusedesk::store::{self, NewNotification, Store};

use crate::helpers::customer_holding;
use crate::smtp_sink::smtp_sink;

#[tokio::test]
async fn the_outbox_is_delivered_refusals_fail_and_an_unreachable_relay_waits() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::connect(&format!("sqlite://{}/desk.db", dir.path().display())).await.unwrap();
    s.migrate().await.unwrap();
    let customer = customer_holding(&s, "C-1", &[]).await;
    let now = store::now();
    let note = |recipients: &'static str, subject: &'static str| NewNotification {
        customer_id: Some(customer),
        case_id: None,
        kind: "case_opened",
        recipients,
        subject,
        body: "Dear C-1 Ltd,\nwe received reports.",
    };
    let good = s.queue_notification(&note("noc@c-1.example", "Abuse case 1"), now).await.unwrap();
    let gone = s.queue_notification(&note("gone@c-1.example", "Abuse case 2"), now).await.unwrap();
    let nobody = s.queue_notification(&note("", "Abuse case 3"), now).await.unwrap();

    let (port, received) = smtp_sink(Duration::ZERO).await;
    let relay = Relay::parse(&format!("127.0.0.1:{port}"), "Abuse desk <abuse@isp.example>").unwrap();
    assert_eq!(deliver(&s, &relay, "node-a", 10).await.unwrap(), Round { sent: 1, failed: 2, deferred: 0 });
    let all = s.list_notifications(None, 10).await.unwrap();
    let status = |id: i64| all.iter().find(|n| n.notification_id == id).map(|n| (n.status.clone(), n.detail.clone())).unwrap();
    assert_eq!(status(good).0, "sent", "{:?}", status(good));
    assert!(status(good).1.contains("250"), "{:?}", status(good));
    assert_eq!(status(gone).0, "failed");
    assert!(status(gone).1.contains("no such user"), "the server's words are kept: {:?}", status(gone));
    assert_eq!(status(nobody), ("failed".to_owned(), "the customer has no contact address on file".to_owned()));
    let mails = received.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("Subject: Abuse case 1") && mails[0].contains("we received reports."), "{}", mails[0]);

    // A relay that does not answer: nothing is lost, the reason is noted, the next round tries again.
    let waiting = s.queue_notification(&note("noc@c-1.example", "Abuse case 4"), now).await.unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let down = Relay::parse(&format!("127.0.0.1:{closed}"), "abuse@isp.example").unwrap();
    assert_eq!(deliver(&s, &down, "node-a", 10).await.unwrap(), Round { sent: 0, failed: 0, deferred: 1 });
    let outbox = s.outbox(10).await.unwrap();
    assert_eq!(outbox.iter().map(|n| n.notification_id).collect::<Vec<_>>(), [waiting]);
    assert!(outbox[0].detail.starts_with("will retry"), "{}", outbox[0].detail);
    assert_eq!(deliver(&s, &relay, "node-a", 10).await.unwrap(), Round { sent: 1, failed: 0, deferred: 0 });
}
