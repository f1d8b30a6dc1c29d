//! The customer portal through HTTP: a customer reaches only its own cases, reports, disputes and
//! attachments through every page, route and server function (another customer's are "not found"); staff
//! functions refuse customers; the dispute thread and the appeal rules hold; and no complainant identity
//! or reporter reference from any fixture reaches a customer-facing response (HTML, JSON or CSV).

use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;
use abusedesk::server::ServerSettings;
use abusedesk::store::{Channel, Store};
use reqwest::multipart::{Form, Part};

use crate::helpers::{customer_holding, location, password_of, TestApp, TestDb};

/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");
/// A Yahoo feedback-loop report about 10.17.18.25, complainant piporrina@yahoo.es (AbuseIO sample).
const YAHOO: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/Yahoo_example_1.eml");

/// A signed-in portal account of `customer_id`.
async fn portal_client(app: &TestApp, customer_id: i64, username: &str) -> reqwest::Client {
    accounts::create_portal_account(&app.store, &abusedesk::audit::Actor::system("test"), customer_id, username, "", Some(&password_of(username))).await.unwrap();
    let client = app.client();
    assert_eq!(app.sign_in(&client, username, &password_of(username)).await, "/");
    client
}

async fn case_of(s: &Store, customer_id: i64) -> i64 {
    s.customer_cases(customer_id, 10).await.unwrap()[0].abuse_case_id
}

async fn text(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn call(app: &TestApp, client: &reqwest::Client, endpoint: &str, args: &[(&str, &str)]) -> (u16, String) {
    let resp = app.call(client, endpoint, args).await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Posts a dispute form; returns the status and where it redirected to.
async fn post_form(app: &TestApp, client: &reqwest::Client, path: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (u16, String) {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("attachment", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    }
    let resp = client.post(app.url(path)).multipart(form).send().await.unwrap();
    (resp.status().as_u16(), location(&resp))
}

#[tokio::test]
async fn customers_reach_only_their_own_cases_disputes_and_attachments() {
    let app = TestApp::spawn().await;
    let acme = customer_holding(&app.store, "ACME", &["10.0.0.0/24"]).await;
    let beta = customer_holding(&app.store, "BETA", &["10.17.18.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    abusedesk::intake::receive(&app.store, YAHOO, Channel::Mta, None, 1 << 20).await.unwrap();
    let (acme_case, beta_case) = (case_of(&app.store, acme).await, case_of(&app.store, beta).await);
    let a = portal_client(&app, acme, "ann").await;
    let b = portal_client(&app, beta, "bob").await;

    let (status, home) = call(&app, &a, "load_portal", &[]).await;
    assert_eq!(status, 200, "{home}");
    assert!(home.contains("10.0.0.1") && !home.contains("10.17.18.25"), "{home}");
    let (status, own) = call(&app, &a, "load_portal_case", &[("id", &acme_case.to_string()), ("granularity", "day")]).await;
    assert_eq!(status, 200, "{own}");
    let (status, other) = call(&app, &a, "load_portal_case", &[("id", &beta_case.to_string()), ("granularity", "day")]).await;
    assert_eq!(status, 404, "another customer's case does not exist for A: {other}");
    assert!(!other.contains("10.17.18"), "{other}");
    let (status, page) = text(&app, &a, &format!("/portal/cases/{beta_case}")).await;
    assert!(page.contains("was not found") && !page.contains("10.17.18.25"), "{status}: {page}");
    let (_, csv) = text(&app, &a, "/portal/cases.csv").await;
    assert!(csv.contains("10.0.0.1") && !csv.contains("10.17.18.25"), "{csv}");

    // B disputes its case with an attachment; A can neither dispute B's case, reply in B's dispute nor
    // download B's attachment, and guessing ids does not tell A they exist.
    let pdf: &[u8] = b"%PDF-1.4 opt-in log of the trade fair";
    let (status, to) = post_form(&app, &b, &format!("/portal/cases/{beta_case}/disputes"), &[("body", "they opted in")], Some(("optin.pdf", pdf))).await;
    assert_eq!((status, to.contains("notice=")), (303, true), "{to}");
    let dispute = app.store.case_disputes(beta_case).await.unwrap()[0].dispute_id;
    let attachment = app.store.dispute_attachments(&[dispute]).await.unwrap()[0].dispute_attachment_id;
    let (status, _) = post_form(&app, &a, &format!("/portal/cases/{beta_case}/disputes"), &[("body", "me too")], None).await;
    assert_eq!(status, 404);
    let (status, _) = post_form(&app, &a, &format!("/portal/disputes/{dispute}/reply"), &[("body", "hijack")], None).await;
    assert_eq!(status, 404);
    assert_eq!(app.store.case_disputes(beta_case).await.unwrap().len(), 1);
    assert!(app.store.dispute_messages(&[dispute]).await.unwrap().is_empty());
    assert_eq!(text(&app, &a, &format!("/disputes/attachments/{attachment}")).await.0, 404);
    let resp = b.get(app.url(&format!("/disputes/attachments/{attachment}"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), pdf);
    let anonymous = app.client();
    assert_eq!(text(&app, &anonymous, &format!("/disputes/attachments/{attachment}")).await.0, 401);

    // Staff functions and pages refuse customers; the portal refuses staff and unlinked customer accounts.
    let case = acme_case.to_string();
    for (endpoint, args) in [
        ("list_cases", vec![("query", "")]),
        ("get_case", vec![("id", case.as_str()), ("granularity", "day")]),
        ("get_casework", vec![("case_id", case.as_str())]),
        ("case_disputes", vec![("case_id", case.as_str())]),
        ("answer_dispute", vec![("dispute_id", "1"), ("body", "x"), ("status", "accepted")]),
        ("list_appeals", vec![]),
        ("invite_to_portal", vec![("customer_id", "1"), ("username", "eve"), ("display_name", "")]),
        ("list_notifications", vec![("status", "")]),
        ("get_customer", vec![("id", "1")]),
    ] {
        assert_eq!(call(&app, &a, endpoint, &args).await.0, 403, "{endpoint} is for staff");
    }
    for path in ["/cases", &format!("/cases/{acme_case}"), "/customers", "/api/v1/cases", "/cases.csv", "/reviews"] {
        assert_eq!(text(&app, &a, path).await.0, 403, "{path} is for staff");
    }
    let staff = app.signed_in("alex", Role::Analyst).await;
    assert_eq!(call(&app, &staff, "load_portal", &[]).await.0, 403);
    assert_eq!(text(&app, &staff, "/portal").await.0, 403);
    let (status, _) = post_form(&app, &staff, &format!("/portal/cases/{acme_case}/disputes"), &[("body", "x")], None).await;
    assert_eq!(status, 403);
    let unlinked = app.signed_in("carl", Role::Customer).await;
    assert_eq!(call(&app, &unlinked, "load_portal", &[]).await.0, 403);
    // Staff read every attachment.
    assert_eq!(text(&app, &staff, &format!("/disputes/attachments/{attachment}")).await.0, 200);
}

#[tokio::test]
async fn disputes_are_answered_in_a_thread_and_appeals_follow_their_rules() {
    use abusedesk::casework::{self, DecisionRequest};
    use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
    use abusedesk::domain::decision::DecisionKind;
    let app = TestApp::spawn().await;
    let acme = customer_holding(&app.store, "ACME", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = case_of(&app.store, acme).await;
    let opened = app.store.list_notifications(None, 10).await.unwrap();
    assert_eq!(opened.len(), 1, "a case opened against a customer is notified");
    assert_eq!((opened[0].kind.as_str(), opened[0].recipients.as_str()), ("case_opened", "noc@acme.example"));
    assert!(opened[0].body.contains("10.0.0.1") && opened[0].body.contains(&format!("/portal/cases/{case}")), "{}", opened[0].body);
    let ann = portal_client(&app, acme, "ann").await;
    let disputes = format!("/portal/cases/{case}/disputes");

    // Nothing is stored without text; a refused attachment does not lose the text.
    let (_, to) = post_form(&app, &ann, &disputes, &[("body", "  ")], None).await;
    assert!(to.contains("error=") && to.contains("write+your+answer+first"), "{to}");
    assert!(app.store.case_disputes(case).await.unwrap().is_empty());
    let (_, to) = post_form(&app, &ann, &disputes, &[("body", "we have records")], Some(("records.pdf", b"MZ\x90\x00 not a pdf"))).await;
    assert!(to.contains("error=") && to.contains("attachment+was+not+kept"), "{to}");
    let dispute = app.store.case_disputes(case).await.unwrap()[0].dispute_id;
    assert!(app.store.dispute_attachments(&[dispute]).await.unwrap().is_empty());

    // The desk answers; the customer reads the answer and is notified; writing again reopens the dispute.
    let alex = app.signed_in("alex", Role::Analyst).await;
    let d = dispute.to_string();
    let (status, body) = call(&app, &alex, "answer_dispute", &[("dispute_id", &d), ("body", "Send the sign-up log."), ("status", "answered")]).await;
    assert_eq!(status, 200, "{body}");
    let (_, seen) = call(&app, &ann, "load_portal_case", &[("id", &case.to_string()), ("granularity", "day")]).await;
    assert!(seen.contains("Send the sign-up log.") && seen.contains("\"status\":\"answered\""), "{seen}");
    let kinds: Vec<String> = app.store.list_notifications(None, 10).await.unwrap().into_iter().map(|n| n.kind).collect();
    assert_eq!(kinds, ["staff_reply", "case_opened"]);
    let (_, to) = post_form(&app, &ann, &format!("/portal/disputes/{dispute}/reply"), &[("body", "attached")], Some(("log.csv", b"email,date\n"))).await;
    assert!(to.contains("notice="), "{to}");
    assert_eq!(app.store.get_dispute(dispute).await.unwrap().status, "open");
    assert_eq!(app.store.dispute_attachments(&[dispute]).await.unwrap()[0].content_type, "text/csv; charset=utf-8");
    assert_eq!(call(&app, &alex, "answer_dispute", &[("dispute_id", &d), ("body", "Accepted."), ("status", "accepted")]).await.0, 200);
    let (_, to) = post_form(&app, &ann, &format!("/portal/disputes/{dispute}/reply"), &[("body", "thanks")], None).await;
    assert!(to.contains("settled"), "{to}");

    // A restriction in force can be appealed once, within the period; the manager who took it cannot settle
    // the appeal, another manager can. A warning cannot be appealed.
    let morgan = accounts::create_account_with_password(&app.store, &abusedesk::audit::Actor::system("test"), "morgan", "Morgan", Role::Manager, &password_of("morgan"), false).await.unwrap();
    let morgan_user = morgan.current_user();
    let investigation = casework::open_investigation(&app.store, &morgan_user, case).await.unwrap();
    let yes = vec![ChecklistAnswer { code: "evidence_reviewed".into(), answer: Answer::Yes, note: String::new() }];
    casework::save_investigation(&app.store, &morgan_user, investigation, "bulk mail to a bought list", &yes).await.unwrap();
    let mut req = DecisionRequest { case_id: case, kind: DecisionKind::Warning, reason: "complaints", evidence: "report 1", policy: "AUP 4.2", reverses: None };
    let warning = casework::decide(&app.store, &morgan_user, &req).await.unwrap();
    req.kind = DecisionKind::Restriction;
    let restriction = casework::decide(&app.store, &morgan_user, &req).await.unwrap();
    let (_, to) = post_form(&app, &ann, &disputes, &[("body", "unfair"), ("decision_id", &warning.to_string())], None).await;
    assert!(to.contains("only+restrictions"), "{to}");
    let (_, portal) = call(&app, &ann, "load_portal_case", &[("id", &case.to_string()), ("granularity", "day")]).await;
    assert!(portal.contains("\"policy\":\"AUP 4.2\"") && portal.contains("\"can_appeal\":true"), "{portal}");
    let appeal_form = [("body", "port 25 is our invoicing"), ("decision_id", &restriction.to_string() as &str)];
    let (_, to) = post_form(&app, &ann, &disputes, &appeal_form, None).await;
    assert!(to.contains("notice=") && to.contains("appeal"), "{to}");
    let (_, to) = post_form(&app, &ann, &disputes, &appeal_form, None).await;
    assert!(to.contains("already+has+an+open+appeal"), "{to}");
    let appeal = app.store.open_appeals().await.unwrap()[0].dispute_id.to_string();
    let morgan_client = app.client();
    app.sign_in(&morgan_client, "morgan", &password_of("morgan")).await;
    let settle = [("dispute_id", appeal.as_str()), ("body", "We keep the block."), ("status", "rejected")];
    let (status, body) = call(&app, &morgan_client, "answer_dispute", &settle).await;
    assert_eq!((status, body.contains("did not take or approve")), (422, true), "{body}");
    assert_eq!(call(&app, &alex, "answer_dispute", &settle).await.0, 422, "an analyst does not settle appeals");
    let max = app.signed_in("max", Role::Manager).await;
    let (_, queue) = call(&app, &max, "list_appeals", &[]).await;
    assert!(queue.contains("port 25 is our invoicing"), "{queue}");
    assert_eq!(call(&app, &max, "answer_dispute", &settle).await.0, 200);
    assert!(app.store.open_appeals().await.unwrap().is_empty());
    let actions: Vec<String> = app.store.audit_entries(0, 1000).await.unwrap().into_iter().map(|e| e.action).collect();
    for action in ["dispute.opened", "dispute.answered", "dispute.customer_reply", "appeal.opened", "appeal.answered"] {
        assert!(actions.iter().any(|a| a == action), "{action} is audited: {actions:?}");
    }
}

#[tokio::test]
async fn appeals_close_when_the_period_ends() {
    use abusedesk::casework::{self, DecisionRequest};
    use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
    use abusedesk::domain::decision::DecisionKind;
    let settings = ServerSettings { appeal_days: 0, ..ServerSettings::default() };
    let app = TestApp::spawn_on(TestDb::new(), settings).await;
    let acme = customer_holding(&app.store, "ACME", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    let case = case_of(&app.store, acme).await;
    let sam = accounts::create_account_with_password(&app.store, &abusedesk::audit::Actor::system("test"), "sam", "Sam", Role::Analyst, &password_of("sam"), false).await.unwrap();
    let sam = sam.current_user();
    let investigation = casework::open_investigation(&app.store, &sam, case).await.unwrap();
    let yes = vec![ChecklistAnswer { code: "evidence_reviewed".into(), answer: Answer::Yes, note: String::new() }];
    casework::save_investigation(&app.store, &sam, investigation, "open relay abused", &yes).await.unwrap();
    let req = DecisionRequest { case_id: case, kind: DecisionKind::Restriction, reason: "relay", evidence: "r1", policy: "", reverses: None };
    let restriction = casework::decide(&app.store, &sam, &req).await.unwrap();
    let ann = portal_client(&app, acme, "ann").await;
    let fields = [("body", "please lift it"), ("decision_id", &restriction.to_string() as &str)];
    let (_, to) = post_form(&app, &ann, &format!("/portal/cases/{case}/disputes"), &fields, None).await;
    assert!(to.contains("appeal+period"), "{to}");
    assert!(app.store.case_disputes(case).await.unwrap().is_empty());
}

/// Addresses in the recipient fields inside a raw report (attached or quoted messages, feedback reports;
/// unfolded lines only): the people the reported mail was sent to.
fn recipient_addresses(raw: &[u8]) -> Vec<String> {
    const FIELDS: [&str; 11] = [
        "to:", "cc:", "delivered-to:", "x-original-to:", "original-rcpt-to:", "removal-recipient:", "redacted-address:",
        "x-envelope-to:", "envelope-to:", "original-recipient:", "final-recipient:",
    ];
    let text = String::from_utf8_lossy(raw).to_lowercase().replace("\r\n", "\n");
    // The report's own header names the desk (or the sender's abuse address) as its recipient: that is
    // not a complainant. Everything after it (the report, the attached original) is searched.
    let body = text.split_once("\n\n").map_or("", |(_, body)| body);
    let mut out = Vec::new();
    for line in body.lines() {
        if !FIELDS.iter().any(|f| line.starts_with(f)) {
            continue;
        }
        for word in line.split(|c: char| c.is_whitespace() || "<>,;:\"()".contains(c)) {
            let word = word.trim_matches('.');
            if let Some((local, domain)) = word.split_once('@') {
                if !local.is_empty() && domain.contains('.') && !domain.contains('@') {
                    out.push(word.to_owned());
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn no_complainant_identity_from_any_fixture_reaches_a_customer() {
    let app = TestApp::spawn().await;
    let everyone = customer_holding(&app.store, "ALL", &["0.0.0.0/0", "::/0"]).await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "eml" || e == "txt" || e == "msg") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 40, "the fixtures are there: {}", files.len());
    let mut identities: Vec<String> = Vec::new();
    for file in &files {
        let raw = std::fs::read(file).unwrap();
        let receipt = abusedesk::intake::receive(&app.store, &raw, Channel::Mta, None, 1 << 24).await.unwrap();
        identities.extend(recipient_addresses(&raw));
        for r in app.store.list_message_reports(receipt.inbound_message_id).await.unwrap() {
            identities.extend(r.complainant.map(|c| c.to_lowercase()));
            // Reporter references never reach a customer either (long enough not to be any number).
            identities.extend(r.reporter_ref.filter(|x| x.len() >= 6).map(|x| x.to_lowercase()));
        }
    }
    identities.sort();
    identities.dedup();
    assert!(identities.len() >= 15, "{identities:?}");
    assert!(identities.iter().any(|i| i == "piporrina@yahoo.es"), "the Yahoo complainant is among them");

    let customer_view = portal_client(&app, everyone, "ann").await;
    let cases = app.store.customer_cases(everyone, 1000).await.unwrap();
    assert!(cases.len() > 20, "the fixtures make many cases: {}", cases.len());
    let mut responses = vec![
        ("/portal (JSON)".to_owned(), call(&app, &customer_view, "load_portal", &[]).await),
        ("/portal".to_owned(), text(&app, &customer_view, "/portal").await),
        ("/portal/cases.csv".to_owned(), text(&app, &customer_view, "/portal/cases.csv").await),
    ];
    for case in &cases {
        let id = case.abuse_case_id.to_string();
        let json = call(&app, &customer_view, "load_portal_case", &[("id", &id), ("granularity", "day")]).await;
        responses.push((format!("case {id} (JSON)"), json));
        responses.push((format!("/portal/cases/{id}"), text(&app, &customer_view, &format!("/portal/cases/{id}")).await));
    }
    let mut evidence_shown = 0;
    for (what, (status, body)) in &responses {
        assert_eq!(*status, 200, "{what}: {body}");
        evidence_shown += body.matches("[redacted]").count();
        let lower = body.to_lowercase();
        for identity in &identities {
            if let Some(at) = lower.find(identity.as_str()) {
                let context: String = lower[at.saturating_sub(300)..(at + 100).min(lower.len())].to_owned();
                panic!("{what} shows the complainant identity {identity}: …{context}…");
            }
        }
    }
    assert!(evidence_shown > 100, "the evidence was shown, redacted: {evidence_shown} markers");
}

#[tokio::test]
async fn a_case_page_says_when_it_shows_evidence_for_only_some_reports() {
    let app = TestApp::spawn().await;
    let acme = customer_holding(&app.store, "ACME", &["10.0.0.0/24"]).await;
    // 22 distinct messages reporting the same address: more reports than the page builds evidence for.
    for n in 0..22 {
        let raw = [format!("X-Test-Copy: {n}\n").as_bytes(), SPAMCOP].concat();
        abusedesk::intake::receive(&app.store, &raw, Channel::Mta, None, 1 << 20).await.unwrap();
    }
    let case = case_of(&app.store, acme).await;
    let a = portal_client(&app, acme, "ann").await;
    let (status, page) = text(&app, &a, &format!("/portal/cases/{case}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Evidence is shown for 20 of this case&#x27;s 22 reports") || page.contains("Evidence is shown for 20 of this case's 22 reports"), "{page}");
    app.stop().await;
}
