//! Two `abusedesk serve` processes on one PostgreSQL database, one SMTP relay and one webhook receiver:
//! every notification and every sanction event arrives exactly once. The relay answers slowly, so both
//! nodes are delivering at the same time; without claims each node would send the whole outbox.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use abusedesk::store::{self, NewNotification, Store};

use crate::smtp_sink::smtp_sink;

use crate::postgres;

const NOTIFICATIONS: usize = 30;
const EVENTS: usize = 30;

/// A provisioning system that takes 40 ms to answer; returns its URL and each request's delivery id.
async fn slow_receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let log = Arc::clone(&log);
            async move {
                tokio::time::sleep(Duration::from_millis(40)).await;
                let id = headers.get("x-abusedesk-delivery").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                log.lock().unwrap().push(id);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// The Message-ID header of a message's DATA.
fn message_id(data: &str) -> String {
    let line = data.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).unwrap_or_default();
    line[line.len().min(11)..].trim().to_owned()
}

/// Kills the node when the test ends, however it ends.
struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(database_url: &str, relay_port: u16, hook: &str) -> Node {
    let child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .args(["serve", "--bind", "127.0.0.1:0", "--delivery-interval-seconds", "1"])
        .args(["--smtp-relay", &format!("127.0.0.1:{relay_port}"), "--mail-from", "Abuse desk <abuse@isp.example>"])
        .args(["--webhook-url", hook, "--webhook-secret", "shared-secret"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Node(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_database_deliver_every_notification_and_event_exactly_once() {
    let Some(db) = postgres::TestPostgres::create("the two-node delivery test (it needs PostgreSQL)").await else { return };
    let s = Store::connect(&db.url).await.unwrap();
    s.migrate().await.unwrap();
    let now = store::now();
    for i in 0..NOTIFICATIONS {
        let subject = format!("Abuse case {i}");
        let n = NewNotification { customer_id: None, case_id: None, kind: "reporter_reply", recipients: "noc@c.example", subject: &subject, body: "text" };
        s.queue_notification(&n, now).await.unwrap();
    }
    for i in 0..EVENTS {
        s.queue_webhook("sanction.applied", &format!(r#"{{"decision_id":{i}}}"#), now).await.unwrap();
    }
    // A relay that takes 40 ms to accept each message, so both nodes are sending at once.
    let (relay_port, accepted) = smtp_sink(Duration::from_millis(40)).await;
    let (hook, seen) = slow_receiver().await;
    let nodes = [serve(&db.url, relay_port, &hook), serve(&db.url, relay_port, &hook)];

    let started = Instant::now();
    loop {
        let sent = s.list_notifications(Some("sent"), 1_000).await.unwrap().len();
        let delivered = s.list_webhooks(1_000).await.unwrap().iter().filter(|d| d.status == "delivered").count();
        if sent == NOTIFICATIONS && delivered == EVENTS {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "only {sent} notifications sent and {delivered} events delivered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A round in flight on either node would show a repeat now.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    drop(nodes);

    let accepted: Vec<String> = accepted.lock().unwrap().iter().map(|data| message_id(data)).collect();
    let distinct: HashSet<&String> = accepted.iter().collect();
    assert_eq!((accepted.len(), distinct.len()), (NOTIFICATIONS, NOTIFICATIONS), "each notification reached the relay once");
    assert!(accepted.iter().all(|id| id.starts_with("<abusedesk.notification.") && id.ends_with("@isp.example>")), "{accepted:?}");
    let seen = seen.lock().unwrap().clone();
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!((seen.len(), distinct.len()), (EVENTS, EVENTS), "each event reached the receiver once");
    let attempts: i64 = s.list_notifications(None, 1_000).await.unwrap().iter().map(|n| n.attempts).sum();
    assert_eq!(attempts, i64::try_from(NOTIFICATIONS).unwrap(), "one attempt each, none counted twice");
    s.close().await;
    db.drop_database().await;
}
