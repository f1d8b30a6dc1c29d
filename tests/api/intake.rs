//! Receiving over HTTP: the ingest API with bearer tokens, staff uploads, and the intake pages.

use abusedesk::auth::ingest_token;
use abusedesk::domain::role::Role;
use abusedesk::server::ServerSettings;

use crate::helpers::{location, TestApp, TestDb};

const AOL: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/AOL_example_1.eml");

async fn token(app: &TestApp) -> String {
    ingest_token::create(&app.store, &abusedesk::audit::Actor::system("test"), "test collector", ingest_token::TokenScope::Ingest).await.unwrap().token
}

async fn post_message(app: &TestApp, token: Option<&str>, body: &[u8], query: &str) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/messages{query}")))
        .header("content-type", "message/rfc822")
        .body(body.to_vec());
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_posted_message_is_stored_parsed_and_a_second_copy_is_only_counted() {
    let app = TestApp::spawn().await;
    let token = token(&app).await;
    let resp = post_message(&app, Some(&token), AOL, "?recipient=abuse%40example.net").await;
    assert_eq!(resp.status(), 201);
    let receipt: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(receipt["copy"], false);
    assert_eq!(receipt["status"], "parsed");
    assert_eq!(receipt["format"], "arf");
    assert_eq!(receipt["reports"], 1);
    let id = receipt["inbound_message_id"].as_i64().unwrap();

    let again = post_message(&app, Some(&token), AOL, "?recipient=postmaster%40example.net").await;
    assert_eq!(again.status(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["copy"], true);
    assert_eq!(again["inbound_message_id"].as_i64(), Some(id));

    let summary = app.store.find_message(id).await.unwrap().unwrap();
    assert_eq!(summary.arrivals, 2);
    assert_eq!(app.store.find_message_raw(id).await.unwrap().unwrap(), AOL);
    assert_eq!(app.store.list_message_reports(id).await.unwrap().len(), 1, "the copy added no report");
}

#[tokio::test]
async fn an_unrecognised_message_is_still_stored_and_says_so() {
    let app = TestApp::spawn().await;
    let token = token(&app).await;
    let resp = post_message(&app, Some(&token), b"Subject: hello\n\nJust saying hi.\n", "").await;
    assert_eq!(resp.status(), 201);
    let receipt: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(receipt["status"], "unrecognised");
    assert_eq!(receipt["reports"], 0);
    assert_eq!(app.store.count_intake().await.unwrap().unrecognised, 1);
}

#[tokio::test]
async fn without_a_valid_token_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let token = token(&app).await;
    let missing = post_message(&app, None, AOL, "").await;
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.headers().get("www-authenticate").unwrap(), "Bearer");
    assert_eq!(post_message(&app, Some("adk_not-a-token"), AOL, "").await.status(), 401);

    let id = app.store.list_ingest_tokens().await.unwrap()[0].ingest_token_id;
    ingest_token::revoke(&app.store, &abusedesk::audit::Actor::system("test"), id).await.unwrap();
    assert_eq!(post_message(&app, Some(&token), AOL, "").await.status(), 401, "revoked");
    assert_eq!(app.store.count_intake().await.unwrap().messages, 0);
}

#[tokio::test]
async fn empty_and_oversized_messages_are_refused_with_a_reason() {
    let settings = ServerSettings { max_message_bytes: 1_000, ..ServerSettings::default() };
    let app = TestApp::spawn_on(TestDb::new(), settings).await;
    let token = token(&app).await;
    let empty = post_message(&app, Some(&token), b"  \r\n", "").await;
    assert_eq!(empty.status(), 400);
    assert!(empty.text().await.unwrap().contains("empty"));
    let big = post_message(&app, Some(&token), &vec![b'x'; 5_000], "").await;
    assert_eq!(big.status(), 413);
    assert!(big.text().await.unwrap().contains("1000 bytes"));
    assert_eq!(app.store.count_intake().await.unwrap().messages, 0);
}

fn upload_form(raw: &[u8]) -> reqwest::multipart::Form {
    let part = reqwest::multipart::Part::bytes(raw.to_vec()).file_name("report.eml");
    reqwest::multipart::Form::new().part("message", part).text("recipient", "abuse@example.net")
}

#[tokio::test]
async fn staff_upload_a_message_and_read_it_with_its_reports() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("alex", Role::Analyst).await;
    let resp = client.post(app.url("/messages/upload")).multipart(upload_form(AOL)).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let to = location(&resp);
    assert!(to.starts_with("/messages/"), "{to}");
    let page = client.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("10.17.18.1"), "the report's source is shown");
    assert!(page.contains("Stored. 1 report(s) found."), "the upload's outcome is shown");
    assert!(page.contains("raw-message"));

    let list = client.get(app.url("/messages")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("1 arrivals = 1 distinct messages + 0 exact copies"), "{list}");
}

#[tokio::test]
async fn customers_can_neither_upload_nor_read_raw_messages() {
    let app = TestApp::spawn().await;
    let token = token(&app).await;
    let receipt: serde_json::Value = post_message(&app, Some(&token), AOL, "").await.json().await.unwrap();
    let id = receipt["inbound_message_id"].as_i64().unwrap();
    let client = app.signed_in("acme", Role::Customer).await;
    let resp = client.post(app.url("/messages/upload")).multipart(upload_form(AOL)).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(client.get(app.url(&format!("/messages/{id}"))).send().await.unwrap().status(), 403);
    let call = app.call(&client, "get_message", &[("id", &id.to_string())]).await;
    assert_eq!(call.status(), 403);
    assert_eq!(app.store.count_intake().await.unwrap().arrivals, 1, "the customer's upload stored nothing");
}

#[tokio::test]
async fn staff_enter_a_report_by_hand_for_a_message_no_parser_understood() {
    let app = TestApp::spawn().await;
    let token = token(&app).await;
    let receipt: serde_json::Value =
        post_message(&app, Some(&token), b"Subject: ssh\n\nsomeone is hammering my server\n", "").await.json().await.unwrap();
    let id = receipt["inbound_message_id"].as_i64().unwrap().to_string();
    let call = |client: reqwest::Client, ip: &'static str| {
        let id = id.clone();
        let app = &app;
        async move {
            let args = [
                ("message_id", id.as_str()),
                ("source_ip", ip),
                ("source_port", ""),
                ("report_type", "scanning"),
                ("incident_time", "2024-03-04T10:00"),
                ("reporter", "Pat Neighbour"),
            ];
            app.call(&client, "add_manual_report", &args).await
        }
    };
    let customer = app.signed_in("acme", Role::Customer).await;
    assert_eq!(call(customer, "192.0.2.7").await.status(), 403);
    let alex = app.signed_in("alex", Role::Analyst).await;
    let bad = call(alex.clone(), "not-an-ip").await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("not an IPv4 or IPv6 address"));
    assert_eq!(call(alex, "192.0.2.7").await.status(), 200);
    let stored = app.store.list_message_reports(id.parse().unwrap()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].source_ip.as_str(), stored[0].report_type.as_str()), ("192.0.2.7", "scanning"));
    assert_eq!(stored[0].incident_time, "2024-03-04T10:00:00Z".parse().ok());
    assert_eq!(stored[0].entered_by.as_deref(), Some("alex"));
}

#[tokio::test]
async fn static_files_go_out_gzip_compressed_to_browsers_that_accept_it() {
    // The fallback serves the site's files (the 2.7 MB wasm bundle above all) and the not-found page; a
    // not-found answer is enough to see the layer, and needs no built site.
    let app = TestApp::spawn().await;
    let client = app.client();
    let gz = client.get(app.url("/pkg/no-such-file.js")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(gz.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let plain = client.get(app.url("/pkg/no-such-file.js")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "only when the browser asks for it");
    app.stop().await;
}
