//! Attribution over HTTP: admins import customers and assignments by upload (dry run and real), staff see
//! who held an address, the customer, and the unattributed queue; analysts cannot import.

use abusedesk::domain::role::Role;
use reqwest::multipart::{Form, Part};

use crate::helpers::{location, TestApp};

const CUSTOMERS: &str = "account_ref,name,emails,status,notes\nC-7,Seven Networks,noc@seven.example,active,\n";
const ASSIGNMENTS: &str = "account_ref,kind,network,port_from,port_to,valid_from,valid_to\n\
                           C-7,static,10.0.0.0/24,,,2003-01-01,\n\
                           C-7,cgnat,not-an-address,1,2,2003-01-01,\n";
/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

async fn upload(app: &TestApp, client: &reqwest::Client, kind: &str, text: &str, dry_run: bool) -> reqwest::Response {
    let mut form = Form::new()
        .text("kind", kind.to_owned())
        .part("file", Part::bytes(text.as_bytes().to_vec()).file_name(format!("{kind}.csv")));
    if dry_run {
        form = form.text("dry_run", "1");
    }
    client.post(app.url("/admin/imports/upload")).multipart(form).send().await.unwrap()
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let resp = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.text().await.unwrap()
}

#[tokio::test]
async fn an_admin_imports_by_upload_and_staff_see_the_attribution() {
    let app = TestApp::spawn().await;
    abusedesk::intake::receive(&app.store, SPAMCOP, abusedesk::store::Channel::Mta, None, 1 << 20).await.unwrap();
    let admin = app.signed_in("root", Role::Admin).await;
    let analyst = app.signed_in("alex", Role::Analyst).await;

    let queue = page(&app, &analyst, "/unattributed").await;
    assert!(queue.contains("1 report(s) waiting"), "{queue}");
    assert!(queue.contains("10.0.0.1"));

    let refused = upload(&app, &analyst, "customers", CUSTOMERS, false).await;
    assert_eq!(refused.status(), 403, "analysts do not import");

    let resp = upload(&app, &admin, "customers", CUSTOMERS, false).await;
    assert_eq!(resp.status(), 303);
    let dry = upload(&app, &admin, "assignments", ASSIGNMENTS, true).await;
    let dry_page = page(&app, &admin, &location(&dry)).await;
    assert!(dry_page.contains("Dry run: nothing was changed. It would add 1"), "{dry_page}");
    assert!(page(&app, &analyst, "/unattributed").await.contains("1 report(s) waiting"));

    let real = upload(&app, &admin, "assignments", ASSIGNMENTS, false).await;
    assert_eq!(real.status(), 303);
    let result = page(&app, &admin, &location(&real)).await;
    assert!(result.contains("Added 1, update 0, leave 0 unchanged, of 2 rows read."), "{result}");
    assert!(result.contains("1 report(s) were attributed anew"), "{result}");
    assert!(result.contains("<td class=\"num\">3"), "the bad row is named by its line: {result}");

    let queue = page(&app, &analyst, "/unattributed").await;
    assert!(queue.contains("0 report(s) waiting"), "{queue}");
    assert!(queue.contains("customer C-7"), "the change is listed: {queue}");

    let lookup = page(&app, &analyst, "/lookup?ip=10.0.0.1&at=2003-06-19T21%3A34%3A13Z").await;
    assert!(lookup.contains("Held by"), "{lookup}");
    assert!(lookup.contains("C-7 · Seven Networks"));
    let before = page(&app, &analyst, "/lookup?ip=10.0.0.1&at=2002-12-31T23%3A59%3A59Z").await;
    assert!(before.contains("Nobody can be named"), "{before}");
    let bad = app.call(&analyst, "lookup_address", &[("ip", "10.0.0.999"), ("port", ""), ("at", "")]).await;
    assert_eq!(bad.status(), 400);

    let customers = page(&app, &analyst, "/customers?q=seven").await;
    assert!(customers.contains("Seven Networks"));
    let id = app.store.customer_ids_by_ref().await.unwrap()["C-7"];
    let customer = page(&app, &analyst, &format!("/customers/{id}")).await;
    assert!(customer.contains("10.0.0.0/24"), "{customer}");
    assert!(customer.contains("SpamCop"), "the attributed report is listed: {customer}");

    let message = page(&app, &analyst, "/messages/1").await;
    assert!(message.contains("C-7 · Seven Networks"), "the report names its customer: {message}");
}
