//! The triage dashboard over HTTP: the queue page with its filters, the case page with its arithmetic and
//! chart, bulk assignment by a plain form, the CSV export, and the JSON API for staff sessions and read
//! tokens only.

use abusedesk::auth::accounts;
use abusedesk::auth::ingest_token::{self, TokenScope};
use abusedesk::domain::role::Role;
use abusedesk::store::Channel;

use crate::helpers::{location, TestApp};

/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let resp = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.text().await.unwrap()
}

/// Receives the SpamCop report once and returns the id of the case it opens.
async fn spamcop_case(app: &TestApp) -> i64 {
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, Some("abuse@isp.example"), 1 << 20).await.unwrap();
    let (rows, _) = app.store.list_cases(&Default::default(), 10, abusedesk::store::now()).await.unwrap();
    rows[0].abuse_case_id
}

#[tokio::test]
async fn only_active_staff_accounts_can_be_assigned_cases() {
    let app = TestApp::spawn().await;
    let case_id = spamcop_case(&app).await;
    let analyst = app.signed_in("alex", Role::Analyst).await;
    let customer = app.add_user("frank", Role::Customer).await;
    let former = app.add_user("jo", Role::Analyst).await;
    accounts::set_disabled(&app.store, &abusedesk::audit::Actor::system("test"), former.user_id, true).await.unwrap();

    for (who, id) in [("a customer", customer.user_id.0), ("a disabled analyst", former.user_id.0), ("an unknown id", 9_999)] {
        let form = [("case", case_id.to_string()), ("assignee", id.to_string())];
        let resp = analyst.post(app.url("/cases/assign")).form(&form).send().await.unwrap();
        assert_eq!(location(&resp), "/cases?notice=unknown-assignee", "{who}");
    }
    assert_eq!(app.store.get_case(case_id).await.unwrap().assignee, None);
    assert!(app.store.audit_page(Some("case.assigned"), None, 10, 0).await.unwrap().is_empty(), "nothing was assigned");

    // An active analyst can be; the assignment comes with its audit entry.
    let me = app.store.find_user_by_username("alex").await.unwrap().unwrap();
    let form = [("case", case_id.to_string()), ("assignee", me.user_id.0.to_string())];
    let resp = analyst.post(app.url("/cases/assign")).form(&form).send().await.unwrap();
    assert_eq!(location(&resp), "/cases?notice=assigned-1");
    let entries = app.store.audit_page(Some("case.assigned"), None, 10, 0).await.unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!((entries[0].actor.as_str(), entries[0].subject.clone()), ("alex", format!("case:{case_id}")));
}

#[tokio::test]
async fn an_assignment_whose_audit_entry_cannot_be_written_is_not_made() {
    let app = TestApp::spawn().await;
    let case_id = spamcop_case(&app).await;
    let analyst = app.signed_in("alex", Role::Analyst).await;
    let me = app.store.find_user_by_username("alex").await.unwrap().unwrap();
    let abusedesk::store::Backend::Sqlite(pool) = app.store.backend() else { unreachable!("a SQLite test app") };
    sqlx::query("alter table audit_log rename to audit_log_gone").execute(pool).await.unwrap();
    let form = [("case", case_id.to_string()), ("assignee", me.user_id.0.to_string())];
    let resp = analyst.post(app.url("/cases/assign")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(app.store.get_case(case_id).await.unwrap().assignee, None, "rolled back with its entry");
}

#[tokio::test]
async fn staff_triage_cases_and_machines_read_them_with_a_read_token_only() {
    let app = TestApp::spawn().await;
    // The same bytes twice: one report, two arrivals.
    for _ in 0..2 {
        abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, Some("abuse@isp.example"), 1 << 20).await.unwrap();
    }
    let analyst = app.signed_in("alex", Role::Analyst).await;

    let queue = page(&app, &analyst, "/cases").await;
    assert!(queue.contains("Cases 1–1 of 1."), "{queue}");
    assert!(queue.contains(">10.0.0.1<"), "{queue}");
    assert!(queue.contains(r#"href="/cases.csv?""#) || queue.contains(r#"href="/cases.csv""#), "{queue}");
    let none = page(&app, &analyst, "/cases?type=phishing").await;
    assert!(none.contains("No case matches this view."), "{none}");
    let found = page(&app, &analyst, "/cases?q=10.0.0.0%2F24&sort=received&dir=asc").await;
    assert!(found.contains("Cases 1–1 of 1."), "{found}");

    let (rows, _) = app.store.list_cases(&Default::default(), 10, abusedesk::store::now()).await.unwrap();
    let case_id = rows[0].abuse_case_id;
    let case = page(&app, &analyst, &format!("/cases/{case_id}?per=week")).await;
    assert!(case.contains("2 reports received = 1 unique complaint from 1 complainant; 1 exact repeat"), "{case}");
    assert!(case.contains("<svg"), "the chart is rendered on the server");

    // Bulk assignment through the plain form, back to the same view with a notice.
    let me = app.store.find_user_by_username("alex").await.unwrap().unwrap();
    let form = [("case", case_id.to_string()), ("assignee", me.user_id.0.to_string()), ("back", "/cases?type=spam".to_owned())];
    let resp = analyst.post(app.url("/cases/assign")).form(&form).send().await.unwrap();
    assert_eq!((resp.status().as_u16(), location(&resp)), (303, "/cases?type=spam&notice=assigned-1".to_owned()));
    assert_eq!(app.store.get_case(case_id).await.unwrap().assignee.as_deref(), Some("alex"));
    let away = [("case", case_id.to_string()), ("assignee", "none".to_owned()), ("back", "https://evil.example/".to_owned())];
    let resp = analyst.post(app.url("/cases/assign")).form(&away).send().await.unwrap();
    assert_eq!(location(&resp), "/cases?notice=assigned-1", "never an open redirect");
    let customer = app.signed_in("frank", Role::Customer).await;
    assert_eq!(customer.post(app.url("/cases/assign")).form(&form).send().await.unwrap().status(), 403);

    // CSV of the view.
    let csv = analyst.get(app.url("/cases.csv?status=all")).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.headers().get("link").is_none(), "one case: no next export");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("case,customer,customer_name,ip,type,role,unique_complaints,received"), "{csv}");
    assert!(lines[1].starts_with(&format!("{case_id},,,10.0.0.1,spam,")), "{csv}");
    assert_eq!(lines.len(), 2);

    // The API: staff session yes, customer no, anonymous asked for a token, ingest token refused, read token yes.
    let json: serde_json::Value = analyst.get(app.url("/api/v1/cases?status=all")).send().await.unwrap().json().await.unwrap();
    assert_eq!((json["total"].as_i64(), json["rows"][0]["received"].as_i64()), (Some(1), Some(2)));
    // A full page names where the next one starts; the page after the only case is empty.
    let one: serde_json::Value =
        analyst.get(app.url("/api/v1/cases?status=all&per_page=1")).send().await.unwrap().json().await.unwrap();
    assert_eq!((one["next"]["id"].as_i64(), one["next"]["key"].as_str()), (Some(case_id), Some("1")), "{one}");
    let after = format!("/api/v1/cases?status=all&per_page=1&after={case_id}~1");
    let rest: serde_json::Value = analyst.get(app.url(&after)).send().await.unwrap().json().await.unwrap();
    assert_eq!((rest["total"].as_i64(), rest["rows"].as_array().map(Vec::len)), (Some(1), Some(0)), "{rest}");
    assert_eq!(customer.get(app.url("/api/v1/cases")).send().await.unwrap().status(), 403);
    let anonymous = app.client().get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let ingest = ingest_token::create(&app.store, &abusedesk::audit::Actor::system("test"), "mx1", TokenScope::Ingest).await.unwrap().token;
    let read = ingest_token::create(&app.store, &abusedesk::audit::Actor::system("test"), "reporting", TokenScope::Read).await.unwrap().token;
    let machine = reqwest::Client::new();
    let with = |token: &str| machine.get(app.url(&format!("/api/v1/cases/{case_id}"))).bearer_auth(token.to_owned()).send();
    assert_eq!(with(&ingest).await.unwrap().status(), 401, "an ingest token cannot read cases");
    let detail: serde_json::Value = with(&read).await.unwrap().json().await.unwrap();
    assert_eq!(detail["counts"]["same_bytes"].as_i64(), Some(1));
    assert_eq!(detail["counts"]["unique_complaints"].as_i64(), Some(1));
    let missing = machine.get(app.url("/api/v1/cases/999999")).bearer_auth(read.clone()).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let posted = machine
        .post(app.url("/api/v1/messages"))
        .bearer_auth(read)
        .body(SPAMCOP.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 401, "a read token cannot post messages");
}
