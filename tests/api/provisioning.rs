//! Sanctions reach provisioning systems: an approved suspension becomes a signed webhook event; a receiver
//! that fails gets it again later with the same delivery id and body; a reversal sends `sanction.reversed`
//! and makes the customer active again.

use std::sync::{Arc, Mutex};

use abusedesk::auth::accounts;
use abusedesk::casework::{self, DecisionRequest};
use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
use abusedesk::domain::decision::DecisionKind;
use abusedesk::domain::role::Role;
use abusedesk::provisioning::delivery::{deliver_due, Round, Webhook};
use abusedesk::provisioning::sign;
use abusedesk::store::{self, Backend, Channel};
use axum::http::{HeaderMap, StatusCode};

use crate::helpers::{customer_holding, password_of, TestApp};

/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

/// What the receiver saw: signature, delivery id, body.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// A provisioning system that fails its first request and accepts the rest.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = Arc::clone(&log);
            async move {
                let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                let mut log = log.lock().unwrap();
                log.push((header("x-abusedesk-signature"), header("x-abusedesk-delivery"), body));
                if log.len() == 1 { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::NO_CONTENT }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn sanctions_are_delivered_signed_and_retried_until_accepted() {
    let app = TestApp::spawn().await;
    let customer = customer_holding(&app.store, "C-9", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = app.store.all_case_ids().await.unwrap()[0];
    let mut people = Vec::new();
    for (name, role) in [("alex", Role::Analyst), ("morgan", Role::Manager), ("robin", Role::Manager)] {
        let account = accounts::create_account_with_password(&app.store, &abusedesk::audit::Actor::system("test"), name, name, role, &password_of(name), false).await.unwrap();
        people.push(account.current_user());
    }
    let (alex, morgan, robin) = (people[0].clone(), people[1].clone(), people[2].clone());
    let investigation = casework::open_investigation(&app.store, &alex, case).await.unwrap();
    let all: Vec<ChecklistAnswer> = app
        .store
        .checklist_items()
        .await
        .unwrap()
        .into_iter()
        .map(|i| ChecklistAnswer { code: i.code, answer: Answer::Yes, note: String::new() })
        .collect();
    casework::save_investigation(&app.store, &alex, investigation, "bought list, confirmed", &all).await.unwrap();
    let mut req = DecisionRequest { case_id: case, kind: DecisionKind::Warning, reason: "spam", evidence: "r1", policy: "AUP 4.2", reverses: None };
    casework::decide(&app.store, &alex, &req).await.unwrap();
    assert!(app.store.list_webhooks(10).await.unwrap().is_empty(), "a warning changes nothing a provisioning system does");
    req.kind = DecisionKind::Suspension;
    let suspension = casework::decide(&app.store, &alex, &req).await.unwrap();
    assert!(app.store.list_webhooks(10).await.unwrap().is_empty(), "a proposal is not in force");
    casework::review(&app.store, &morgan, suspension, true, "four eyes").await.unwrap();
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "suspended");

    let (url, seen) = receiver().await;
    let hook = Webhook { url, secret: "shared-secret".into() };
    assert_eq!(deliver_due(&app.store, &hook, "node-a").await.unwrap(), Round { delivered: 0, retrying: 1, failed: 0 });
    let pending = app.store.list_webhooks(10).await.unwrap().remove(0);
    assert_eq!((pending.status.as_str(), pending.attempts), ("pending", 1));
    assert!(pending.last_response.contains("503"), "{}", pending.last_response);
    assert!(pending.next_attempt_at > store::now(), "the retry waits");
    assert_eq!(deliver_due(&app.store, &hook, "node-a").await.unwrap(), Round::default(), "not due yet");
    let sql = "update webhook_delivery set next_attempt_at = created_at";
    match app.store.backend() {
        Backend::Sqlite(pool) => sqlx::query(sql).execute(pool).await.unwrap(),
        Backend::Postgres(_) => unreachable!("the API tests run on SQLite"),
    };
    assert_eq!(deliver_due(&app.store, &hook, "node-a").await.unwrap(), Round { delivered: 1, retrying: 0, failed: 0 });

    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0], requests[1], "a retry sends the same body, signature and delivery id");
    let (signature, delivery, body) = &requests[0];
    assert_eq!(signature, &sign(b"shared-secret", body.as_bytes()), "signed with the shared secret");
    assert_eq!(delivery, &pending.webhook_delivery_id.to_string());
    let event: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(event["event"], "sanction.applied");
    assert_eq!(event["kind"], "suspension");
    assert_eq!(event["account_ref"], "C-9");
    assert_eq!(event["customer_status"], "suspended");
    assert_eq!((event["decided_by"].as_str(), event["approved_by"].as_str()), (Some("alex"), Some("morgan")));

    // Lifting the suspension: a reversal, which like the suspension takes a second manager's approval;
    // then it is sent and the account is active again.
    let lift = DecisionRequest { kind: DecisionKind::NoAction, reverses: Some(suspension), reason: "customer cleaned the list", ..req };
    let lifting = casework::decide(&app.store, &morgan, &lift).await.unwrap();
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "suspended", "a proposal to lift is not in force");
    assert_eq!(deliver_due(&app.store, &hook, "node-a").await.unwrap(), Round::default());
    casework::review(&app.store, &robin, lifting, true, "list cleaned, checked").await.unwrap();
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "active");
    assert_eq!(deliver_due(&app.store, &hook, "node-a").await.unwrap(), Round { delivered: 1, retrying: 0, failed: 0 });
    let last: serde_json::Value = serde_json::from_str(&seen.lock().unwrap()[2].2).unwrap();
    assert_eq!((last["event"].as_str(), last["reverses"].as_i64()), (Some("sanction.reversed"), Some(suspension)));
    assert_eq!(last["customer_status"], "active");
}
