//! Sanction events for provisioning systems on both backends: recorded due at once, attempted, retried
//! later, and listed newest first.

use chrono::Duration;

use abusedesk::store::{self, Store, StoreError};

use crate::backends::on_each_backend;

#[tokio::test]
async fn events_wait_until_due_and_keep_every_answer() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let first = s.queue_webhook("sanction.applied", r#"{"decision_id":1}"#, now).await.unwrap();
        let second = s.queue_webhook("sanction.reversed", r#"{"decision_id":2}"#, now).await.unwrap();
        let due: Vec<i64> = s.due_webhooks(now, 10).await.unwrap().into_iter().map(|d| d.webhook_delivery_id).collect();
        assert_eq!(due, [first, second]);
        assert!(s.due_webhooks(now - Duration::seconds(1), 10).await.unwrap().is_empty(), "not due before it was recorded");

        s.record_webhook_attempt(first, "pending", now + Duration::minutes(1), "HTTP 503 Service Unavailable", now).await.unwrap();
        s.record_webhook_attempt(second, "delivered", now, "HTTP 200 OK", now).await.unwrap();
        assert!(s.due_webhooks(now, 10).await.unwrap().is_empty(), "the retry waits, the delivered one is done");
        let later = s.due_webhooks(now + Duration::minutes(1), 10).await.unwrap();
        assert_eq!((later.len(), later[0].attempts, later[0].last_response.as_str()), (1, 1, "HTTP 503 Service Unavailable"));
        assert_eq!(later[0].payload, r#"{"decision_id":1}"#);

        let all = s.list_webhooks(10).await.unwrap();
        let listed: Vec<(i64, &str)> = all.iter().map(|d| (d.webhook_delivery_id, d.status.as_str())).collect();
        assert_eq!(listed, [(second, "delivered"), (first, "pending")]);
        assert!(matches!(s.record_webhook_attempt(first + 1000, "failed", now, "", now).await, Err(StoreError::NotFound)));
    })
    .await;
}
