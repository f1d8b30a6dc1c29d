//! The sanction rules, tried through the server functions by the wrong people and in the wrong order:
//! every refusal comes back with its reason, and what is allowed ends on the record (customer status,
//! case status, an intact audit chain).

use abusedesk::domain::role::Role;
use abusedesk::store::{self, Channel};

use crate::helpers::{customer_holding, TestApp};

/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

/// Every item of the default checklist, in order.
const ALL_ITEMS: [&str; 6] = {
    let c = abusedesk::domain::checklist::DEFAULT_CHECKLIST;
    [c[0].code, c[1].code, c[2].code, c[3].code, c[4].code, c[5].code]
};

async fn answer(app: &TestApp, client: &reqwest::Client, endpoint: &str, args: &[(&str, &str)]) -> (u16, String) {
    let resp = app.call(client, endpoint, args).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn decide(app: &TestApp, client: &reqwest::Client, case: &str, kind: &str, reverses: &str) -> (u16, String) {
    let args = [("case_id", case), ("kind", kind), ("reason", "policy 4.2"), ("evidence", "reports #1"), ("reverses", reverses)];
    answer(app, client, "decide", &args).await
}

/// Saves the investigation with findings and `yes` to `items` (the others unanswered).
async fn save(app: &TestApp, client: &reqwest::Client, investigation: &str, items: &[&str]) -> (u16, String) {
    let mut args: Vec<(String, String)> = vec![
        ("investigation_id".into(), investigation.to_owned()),
        ("findings".into(), "mailing to a purchased list; customer admits".into()),
    ];
    for code in ALL_ITEMS {
        let value = if items.contains(&code) { "yes" } else { "" };
        args.push((format!("answers[{code}]"), value.to_owned()));
    }
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    answer(app, client, "save_investigation", &borrowed).await
}

async fn review(app: &TestApp, client: &reqwest::Client, id: &str, verdict: &str) -> (u16, String) {
    answer(app, client, "review_decision", &[("decision_id", id), ("verdict", verdict), ("reason", "read the file")]).await
}

#[tokio::test]
async fn no_sanction_without_investigation_and_four_eyes_for_terminations() {
    let app = TestApp::spawn().await;
    let now = store::now();
    let customer = customer_holding(&app.store, "C-9", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = app.store.all_case_ids().await.unwrap()[0].to_string();
    let alex = app.signed_in("alex", Role::Analyst).await;
    let sam = app.signed_in("sam", Role::Analyst).await;
    let morgan = app.signed_in("morgan", Role::Manager).await;
    let max = app.signed_in("max", Role::Manager).await;
    let frank = app.signed_in("frank", Role::Customer).await;
    // No decision, not even a warning, without an investigation with findings; customers cannot even try.
    let (status, body) = decide(&app, &alex, &case, "warning", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("needs a recorded investigation with findings"), "{body}");
    assert_eq!(decide(&app, &frank, &case, "warning", "").await.0, 403);
    assert_eq!(answer(&app, &frank, "get_casework", &[("case_id", &case)]).await.0, 403);

    let (status, body) = answer(&app, &alex, "open_investigation", &[("case_id", &case)]).await;
    assert_eq!(status, 200, "{body}");
    let investigation = body.trim().to_owned();
    assert_eq!(save(&app, &alex, &investigation, &ALL_ITEMS[..2]).await.0, 200);
    let (status, body) = save(&app, &sam, &investigation, &ALL_ITEMS).await;
    assert_eq!(status, 422, "only the analyst who opened it writes in it: {body}");
    let (status, body) = decide(&app, &alex, &case, "warning", "").await;
    assert_eq!(status, 200, "{body}");

    // A termination needs a complete investigation; the refusal names what is missing.
    let (status, body) = decide(&app, &alex, &case, "termination", "").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Customer contacted"), "{body}");
    assert_eq!(save(&app, &alex, &investigation, &ALL_ITEMS).await.0, 200);
    let (status, termination) = decide(&app, &alex, &case, "termination", "").await;
    assert_eq!(status, 200, "{termination}");
    let termination = termination.trim().to_owned();

    // Only a manager approves, never the proposer, and not while the customer's dispute is open.
    let (status, body) = review(&app, &alex, &termination, "approve").await;
    assert_eq!((status, body.contains("only a manager")), (422, true), "{body}");
    let (status, suspension) = decide(&app, &morgan, &case, "suspension", "").await;
    assert_eq!(status, 200, "{suspension}");
    let suspension = suspension.trim().to_owned();
    let (status, body) = review(&app, &morgan, &suspension, "approve").await;
    assert_eq!((status, body.contains("must not be the person who proposed")), (422, true), "{body}");
    let frank_id = app.store.find_user_by_username("frank").await.unwrap().unwrap().user_id.0;
    let dispute = app.store.open_dispute(case.parse().unwrap(), frank_id, "we have opt-in records", None, now).await.unwrap();
    let (status, body) = review(&app, &max, &termination, "approve").await;
    assert_eq!((status, body.contains("open dispute")), (422, true), "{body}");
    app.store.set_dispute_status(dispute, "answered", now).await.unwrap();
    let (status, body) = review(&app, &max, &termination, "approve").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "terminated");
    assert_eq!(app.store.get_case(case.parse().unwrap()).await.unwrap().status, "decided");
    let (status, body) = review(&app, &max, &termination, "approve").await;
    assert_eq!((status, body.contains("already approved or rejected")), (422, true), "{body}");

    // Decisions are never edited: a pending proposal cannot be reversed (it is rejected instead); an applied
    // decision is reversed by a new one that names it.
    let (status, body) = decide(&app, &alex, &case, "no_action", &suspension).await;
    assert_eq!((status, body.contains("rejected instead")), (422, true), "{body}");
    assert_eq!(review(&app, &max, &suspension, "reject").await.0, 200);
    let (status, body) = decide(&app, &alex, &case, "no_action", &termination).await;
    assert_eq!(status, 200, "{body}");
    // Lifting a termination needs a manager's approval like imposing one: an analyst alone only proposes it.
    let reversal = body.trim().to_owned();
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "terminated", "an analyst alone cannot lift a termination");
    let (status, body) = review(&app, &max, &reversal, "approve").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "active");
    let decisions = app.store.case_decisions(case.parse().unwrap()).await.unwrap();
    assert_eq!(decisions.len(), 4);
    assert_eq!(decisions[3].reverses_decision_id, Some(termination.parse().unwrap()));

    // The manager's queue is for managers; the audit chain holds every step and is intact.
    assert_eq!(answer(&app, &max, "list_proposals", &[]).await.0, 200);
    assert_eq!(answer(&app, &alex, "list_proposals", &[]).await.0, 403);
    let entries = app.store.audit_entries(0, 1_000).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for expected in ["investigation.opened", "decision.proposed", "decision.approved", "decision.rejected", "customer.status", "user.signed_in"] {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    assert_eq!(abusedesk::audit::verify(&entries), Ok(entries.len()));
    let verdict = answer(&app, &app.signed_in("root", Role::Admin).await, "verify_audit", &[]).await;
    assert!(verdict.1.contains("intact"), "{verdict:?}");
}
