//! The portal's privacy over HTTP, as a customer's browser and scripts see it (SQLite): none of the
//! generated hostile complaints (every identity form in every position) shows its complainant in the
//! case pages' HTML, the server function's JSON or the CSV export, while the customer's own evidence is
//! shown; and a staff reply naming a complainant is refused with the reason.

use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;
use abusedesk::store::Channel;

use crate::helpers::{customer_holding, password_of, TestApp};
#[path = "../common/hostile.rs"]
mod hostile;

#[tokio::test]
async fn no_generated_hostile_complaint_reaches_a_customer_in_html_json_or_csv() {
    let app = TestApp::spawn().await;
    let acme = customer_holding(&app.store, "ACME", &["192.0.2.0/24"]).await;
    let all = hostile::all();
    for (_, _, raw, _) in &all {
        abusedesk::intake::receive(&app.store, raw, Channel::Mta, None, 1 << 20).await.unwrap();
    }
    accounts::create_portal_account(&app.store, &abusedesk::audit::Actor::system("test"), acme, "ann", "", Some(&password_of("ann"))).await.unwrap();
    let ann = app.client();
    assert_eq!(app.sign_in(&ann, "ann", &password_of("ann")).await, "/");
    let forms = hostile::forms();
    let cases = app.store.customer_cases(acme, 1000).await.unwrap();
    assert_eq!(cases.len(), all.len());
    let csv = ann.get(app.url("/portal/cases.csv")).send().await.unwrap().text().await.unwrap();
    let home = ann.get(app.url("/portal")).send().await.unwrap().text().await.unwrap();
    for case in &cases {
        let (label, _, _, person) = all.iter().find(|(_, ip, _, _)| *ip == case.source_ip).unwrap();
        let form = forms.iter().find(|(n, _, _)| label.starts_with(n)).map(|(_, f, _)| f.as_str());
        let id = case.abuse_case_id.to_string();
        let html = ann.get(app.url(&format!("/portal/cases/{id}"))).send().await.unwrap().text().await.unwrap();
        let resp = app.call(&ann, "load_portal_case", &[("id", &id), ("granularity", "day")]).await;
        let json = resp.text().await.unwrap();
        for (what, body) in [("HTML", &html), ("JSON", &json), ("CSV", &csv), ("home", &home)] {
            if let Some(tell) = hostile::leak(body, person, form) {
                panic!("{label}: the customer's {what} shows {tell:?}: {body}");
            }
        }
        assert!(html.contains(&format!("[{}]", case.source_ip)) && html.contains("withheld"), "{label}: {html}");
    }
}

#[tokio::test]
async fn a_staff_reply_naming_a_complainant_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let acme = customer_holding(&app.store, "ACME", &["192.0.2.0/24"]).await;
    let raw = hostile::complaint("192.0.2.7", "text body", "hi", &hostile::JOE);
    abusedesk::intake::receive(&app.store, &raw, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = app.store.customer_cases(acme, 10).await.unwrap()[0].abuse_case_id;
    let pat = accounts::create_portal_account(&app.store, &abusedesk::audit::Actor::system("test"), acme, "pat", "Pat", Some(&password_of("pat"))).await.unwrap().account;
    let dispute = app.store.open_dispute(case, pat.user_id.0, "they opted in", None, abusedesk::store::now()).await.unwrap().to_string();
    let alex = app.signed_in("alex", Role::Analyst).await;
    let body = "Joe.Bloggs&#64;example.com complained";
    let resp = app.call(&alex, "answer_dispute", &[("dispute_id", &dispute), ("body", body), ("status", "answered")]).await;
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("complainant"), "the reason is given: {text}");
    let resp = app.call(&alex, "answer_dispute", &[("dispute_id", &dispute), ("body", "Send the sign-up log."), ("status", "answered")]).await;
    assert_eq!(resp.status().as_u16(), 200);
}
