//! Answering reporters after a decision: SpamCop by its command address, a feedback loop by a reply to
//! the report's sender; never before the decision is in force, never twice to the same address, and
//! noted on the case.

use abusedesk::casework::{self, DecisionRequest};
use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
use abusedesk::domain::decision::DecisionKind;
use abusedesk::domain::role::Role;
use abusedesk::store::Channel;

use crate::helpers::{customer_holding, TestApp};

/// A SpamCop report (id 999999999) about 10.0.0.1 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");
/// A Yahoo feedback-loop report about 10.17.18.25, from feedback@arf.mail.yahoo.com (AbuseIO sample).
const YAHOO: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/Yahoo_example_1.eml");

#[tokio::test]
async fn reporters_are_answered_once_after_a_decision_in_force() {
    let app = TestApp::spawn().await;
    let customer = customer_holding(&app.store, "C-1", &["10.0.0.0/24", "10.17.18.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    abusedesk::intake::receive(&app.store, YAHOO, Channel::Mta, None, 1 << 20).await.unwrap();
    let cases = app.store.customer_cases(customer, 10).await.unwrap();
    let case_of = |ip: &str| cases.iter().find(|c| c.source_ip == ip).unwrap().abuse_case_id;
    let (spamcop, yahoo) = (case_of("10.0.0.1"), case_of("10.17.18.25"));
    let alex_account = app.add_user("alex", Role::Analyst).await;
    let alex = alex_account.current_user();
    let client = app.signed_in("sam", Role::Analyst).await;
    let mut decisions = Vec::new();
    for case in [spamcop, yahoo] {
        let investigation = casework::open_investigation(&app.store, &alex, case).await.unwrap();
        let yes = vec![ChecklistAnswer { code: "evidence_reviewed".into(), answer: Answer::Yes, note: String::new() }];
        casework::save_investigation(&app.store, &alex, investigation, "confirmed", &yes).await.unwrap();
        let req = DecisionRequest { case_id: case, kind: DecisionKind::Warning, reason: "spam", evidence: "r1", policy: "", reverses: None };
        decisions.push(casework::decide(&app.store, &alex, &req).await.unwrap().to_string());
    }
    let answer = |case: i64, decision: &str| {
        let (case, decision) = (case.to_string(), decision.to_owned());
        let (app, client) = (&app, &client);
        async move {
            let resp = app.call(client, "answer_reporters", &[("case_id", &case), ("decision_id", &decision)]).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (status, body) = answer(spamcop, &decisions[1]).await;
    assert_eq!((status, body.contains("not in force on case")), (422, true), "another case's decision: {body}");
    assert_eq!(answer(spamcop, &decisions[0]).await, (200, "1".to_owned()));
    assert_eq!(answer(spamcop, &decisions[0]).await, (200, "0".to_owned()), "nobody is answered twice");
    assert_eq!(answer(yahoo, &decisions[1]).await, (200, "1".to_owned()));

    let sent = app.store.list_notifications(None, 20).await.unwrap();
    let to: Vec<&str> = sent.iter().filter(|n| n.kind == "reporter_reply").map(|n| n.recipients.as_str()).collect();
    assert_eq!(to, ["feedback@arf.mail.yahoo.com", "resolved.999999999@cmds.spamcop.net"]);
    let spamcop_answer = sent.iter().find(|n| n.recipients.starts_with("resolved.")).unwrap();
    assert!(spamcop_answer.subject.contains("999999999") && spamcop_answer.body.contains("Warning"), "{spamcop_answer:?}");
    assert_eq!(spamcop_answer.customer_id, None, "an answer to a reporter is not a customer notification");
    let notes = app.store.case_notes(spamcop).await.unwrap();
    assert!(notes.iter().any(|n| n.body.contains("1 spamcop resolved")), "{notes:?}");

    let customer_view = app.signed_in("frank", Role::Customer).await;
    let args = [("case_id", "1"), ("decision_id", decisions[0].as_str())];
    assert_eq!(app.call(&customer_view, "answer_reporters", &args).await.status(), 403);
}
