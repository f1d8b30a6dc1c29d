//! Sanction events for provisioning systems and customer notifications on both backends: recorded due at
//! once, claimed by one node at a time (a claim runs out if its node dies), attempted, retried later, and
//! listed newest first.

use chrono::Duration;

use abusedesk::store::{self, NewNotification, Store};

use crate::backends::on_each_backend;

#[tokio::test]
async fn events_wait_until_due_and_keep_every_answer() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let first = s.queue_webhook("sanction.applied", r#"{"decision_id":1}"#, now).await.unwrap();
        let second = s.queue_webhook("sanction.reversed", r#"{"decision_id":2}"#, now).await.unwrap();
        let early = s.claim_due_webhooks("a", now + Duration::minutes(5), 10, now - Duration::seconds(1)).await.unwrap();
        assert!(early.is_empty(), "not due before it was recorded");
        let due: Vec<i64> =
            s.claim_due_webhooks("a", now + Duration::minutes(5), 10, now).await.unwrap().into_iter().map(|d| d.webhook_delivery_id).collect();
        assert_eq!(due, [first, second]);

        assert!(s.settle_webhook_attempt(first, "a", "pending", now + Duration::minutes(1), "HTTP 503 Service Unavailable", now).await.unwrap());
        assert!(s.settle_webhook_attempt(second, "a", "delivered", now, "HTTP 200 OK", now).await.unwrap());
        assert!(s.claim_due_webhooks("a", now + Duration::minutes(5), 10, now).await.unwrap().is_empty(), "the retry waits, the delivered one is done");
        let minute = now + Duration::minutes(1);
        let later = s.claim_due_webhooks("a", minute + Duration::minutes(5), 10, minute).await.unwrap();
        assert_eq!((later.len(), later[0].attempts, later[0].last_response.as_str()), (1, 1, "HTTP 503 Service Unavailable"));
        assert_eq!(later[0].payload, r#"{"decision_id":1}"#);

        let all = s.list_webhooks(10).await.unwrap();
        let listed: Vec<(i64, &str)> = all.iter().map(|d| (d.webhook_delivery_id, d.status.as_str())).collect();
        assert_eq!(listed, [(second, "delivered"), (first, "pending")]);
        assert!(!s.settle_webhook_attempt(first + 1000, "a", "failed", now, "", now).await.unwrap(), "no such delivery");
    })
    .await;
}

#[tokio::test]
async fn a_claimed_delivery_is_left_to_its_node_until_the_claim_runs_out() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let lease = now + Duration::minutes(5);
        let id = s.queue_webhook("sanction.applied", "{}", now).await.unwrap();
        assert_eq!(s.claim_due_webhooks("node-a", lease, 10, now).await.unwrap().len(), 1);
        assert!(s.claim_due_webhooks("node-b", lease, 10, now).await.unwrap().is_empty(), "node a holds it");
        // Node a dies; once its claim has run out node b takes the row, and a's late answer is not recorded.
        let after = lease + Duration::seconds(1);
        let taken = s.claim_due_webhooks("node-b", after + Duration::minutes(5), 10, after).await.unwrap();
        assert_eq!(taken.iter().map(|d| d.webhook_delivery_id).collect::<Vec<_>>(), [id]);
        assert!(!s.settle_webhook_attempt(id, "node-a", "delivered", after, "HTTP 200 OK", after).await.unwrap());
        assert!(s.settle_webhook_attempt(id, "node-b", "delivered", after, "HTTP 200 OK", after).await.unwrap());
        assert_eq!(s.list_webhooks(1).await.unwrap()[0].attempts, 1, "one attempt recorded, by the node holding the claim");
    })
    .await;
}

#[tokio::test]
async fn nodes_claiming_the_outbox_at_once_never_share_a_notification() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let lease = now + Duration::minutes(10);
        let n = NewNotification { customer_id: None, case_id: None, kind: "reporter_reply", recipients: "a@example.org", subject: "s", body: "b" };
        for _ in 0..40 {
            s.queue_notification(&n, now).await.unwrap();
        }
        // Four nodes claim at the same moment, each on its own task (and connection).
        let mut claims = tokio::task::JoinSet::new();
        for i in 0..4 {
            let s = s.clone();
            claims.spawn(async move { s.claim_outbox(&format!("node-{i}"), lease, 7, now).await.unwrap() });
        }
        let mut ids: Vec<i64> = claims.join_all().await.into_iter().flatten().map(|n| n.notification_id).collect();
        assert_eq!(ids.len(), 28, "each of four nodes took its own seven");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 28, "no notification was claimed twice");

        let mine = s.claim_outbox("node-x", lease, 100, now).await.unwrap();
        assert_eq!(mine.len(), 12, "only the unclaimed rest");
        assert!(s.settle_notification(mine[0].notification_id, "node-x", "sent", "250", now).await.unwrap());
        assert!(!s.settle_notification(mine[1].notification_id, "node-y", "sent", "250", now).await.unwrap(), "not node y's claim");
        s.release_outbox("node-x").await.unwrap();
        assert_eq!(s.claim_outbox("node-z", lease, 100, now).await.unwrap().len(), 11, "released claims are free at once");
    })
    .await;
}
