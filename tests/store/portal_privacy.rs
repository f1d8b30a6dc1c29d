//! What a customer reads of the evidence, on both backends, through `portal::case_detail` (what the
//! portal's server function answers, as JSON): each customer only its own rows of a notice naming several
//! customers; an individual's complaint shows the reported log lines, never the writer; and none of the
//! generated hostile complaints (every identity form in every position) shows its complainant.

use abusedesk::store::{self, Channel, Store};
use abusedesk::triage::rates::Granularity;

use crate::backends::on_each_backend;
use crate::customers;
use crate::hostile;

use customers::customer_holding;

/// A CERT's notice listing three hosts: one of ACME's, one of BETA's and one of nobody's.
const NOTICE: &str = "From: CERT Example <reports@cert.example>\n\
To: abuse@isp.example\n\
Subject: Vulnerable hosts in your network\n\
Date: Tue, 2 Dec 2026 09:00:00 +0000\n\
Message-ID: <notice-1@cert.example>\n\
\n\
Dear network owner, the following hosts run an open telnet service:\n\
\n\
ip,timestamp,port,hostname\n\
93.184.216.10,2026-12-01 10:00:00,23,cam-acme.example\n\
151.101.1.20,2026-12-01 10:05:00,23,nas-beta.example\n\
185.199.108.30,2026-12-01 10:07:00,23,router-nobody.example\n";

/// A person writing in about attacks on their own server.
const LETTER: &str = "From: Joe Bloggs <joe.bloggs@example.net>\n\
Reply-To: Joe <joe@bloggs-family.example>\n\
To: abuse@isp.example\n\
Subject: Attacks from your network\n\
Date: Tue, 2 Dec 2026 09:00:00 +0000\n\
Received: from home.bloggs-family.example (home.bloggs-family.example [203.0.113.99]) by mx.isp.example\n\
Message-ID: <letter-1@bloggs-family.example>\n\
\n\
Hello,\n\
\n\
for days your host has been trying passwords on my server. Excerpt of my log:\n\
\n\
2026-12-01 10:00:01 sshd[123]: Failed password for root from 192.0.2.10 port 4711 ssh2\n\
2026-12-01 10:00:05 sshd[123]: Failed password for root from 192.0.2.10 port 4712 ssh2\n\
\n\
Please make it stop, or I will go to the police.\n\
\n\
Joe Bloggs\n\
Flat 2, 10 Acacia Avenue, Springfield\n\
+44 20 7946 0018\n";


/// Everything the customer's portal says about each of its cases, as the server function's JSON.
async fn portal_json(s: &Store, customer_id: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for case in s.customer_cases(customer_id, 1000).await.unwrap() {
        let id = case.abuse_case_id;
        let detail = abusedesk::portal::case_detail(s, customer_id, id, Granularity::Day, 14, store::now()).await.unwrap();
        out.push((id, serde_json::to_string(&detail).unwrap()));
    }
    out
}

#[tokio::test]
async fn a_notice_naming_two_customers_shows_each_only_its_own_rows() {
    on_each_backend(|s: Store| async move {
        // Routable addresses: a table's rows about documentation or private ranges are not reports.
        let acme = customer_holding(&s, "ACME", &["93.184.216.0/24"]).await;
        let beta = customer_holding(&s, "BETA", &["151.101.0.0/16"]).await;
        abusedesk::intake::receive(&s, NOTICE.as_bytes(), Channel::Mta, None, 1 << 20).await.unwrap();
        for (me, mine, others) in [
            (acme, ["93.184.216.10", "cam-acme.example"], ["151.101.1.20", "nas-beta.example", "185.199.108.30", "router-nobody"]),
            (beta, ["151.101.1.20", "nas-beta.example"], ["93.184.216.10", "cam-acme.example", "185.199.108.30", "router-nobody"]),
        ] {
            let cases = portal_json(&s, me).await;
            assert_eq!(cases.len(), 1, "one case each");
            let json = &cases[0].1;
            for own in mine {
                assert!(json.contains(own), "the customer's own row is shown ({own}): {json}");
            }
            assert!(json.contains("ip,timestamp,port,hostname"), "with the table's header: {json}");
            for other in others {
                assert!(!json.contains(other), "another customer's row is not ({other}): {json}");
            }
            assert!(json.contains("the rest of the notice (its text, its headers, rows about other addresses) withheld"), "and the page says so: {json}");
            assert!(!json.contains("Dear network owner"), "the notice's letter is not shown: {json}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_individuals_complaint_shows_the_log_lines_never_the_writer() {
    on_each_backend(|s: Store| async move {
        let acme = customer_holding(&s, "ACME", &["192.0.2.0/24"]).await;
        abusedesk::intake::receive(&s, LETTER.as_bytes(), Channel::Mta, None, 1 << 20).await.unwrap();
        let cases = portal_json(&s, acme).await;
        assert_eq!(cases.len(), 1, "the letter made a case");
        let json = &cases[0].1;
        assert!(json.contains("Failed password for root from 192.0.2.10 port 4711"), "the log lines are shown: {json}");
        for writer in ["Bloggs", "bloggs", "Joe", "joe", "Acacia", "Springfield", "7946", "police", "203.0.113.99", "letter-1"] {
            assert!(!json.contains(writer), "the writer ({writer}) is not: {json}");
        }
        assert!(json.contains("not named"), "nor named as the reporter: {json}");
    })
    .await;
}

#[tokio::test]
async fn no_generated_hostile_complaint_shows_its_complainant() {
    on_each_backend(|s: Store| async move {
        let customer_id = customer_holding(&s, "ACME", &["192.0.2.0/24"]).await;
        let all = hostile::all();
        let mut labels = std::collections::HashMap::new();
        for (label, ip, raw, person) in &all {
            abusedesk::intake::receive(&s, raw, Channel::Mta, None, 1 << 20).await.unwrap();
            labels.insert(ip.clone(), (label.clone(), *person));
        }
        let forms: Vec<(&str, String)> = hostile::forms().into_iter().map(|(n, f, _)| (n, f)).collect();
        let cases = portal_json(&s, customer_id).await;
        assert_eq!(cases.len(), all.len(), "every complaint made its own case");
        let mut shown = 0;
        for (_, json) in &cases {
            let ip = labels.keys().find(|ip| json.contains(&format!("\"source_ip\":\"{ip}\""))).unwrap();
            let (label, person) = &labels[ip];
            let form = forms.iter().find(|(n, _)| label.starts_with(n)).map(|(_, f)| f.as_str());
            if let Some(tell) = hostile::leak(json, person, form) {
                panic!("{label}: the customer reads {tell:?} in {json}");
            }
            assert!(json.contains(&format!("[{ip}]")), "{label}: the Received line naming the customer is shown: {json}");
            shown += usize::from(json.contains("Cheap watches"));
        }
        assert!(shown >= all.len() * 5 / 6, "the reported message's text is shown, not withheld wholesale: {shown}");
    })
    .await;
}

#[tokio::test]
async fn staff_text_for_the_customer_naming_a_complainant_is_refused() {
    use abusedesk::auth::accounts;
    use abusedesk::casework::{self, CaseworkError, DecisionRequest};
    use abusedesk::domain::checklist::{Answer, ChecklistAnswer};
    use abusedesk::domain::decision::DecisionKind;
    use abusedesk::domain::dispute::{DisputeRefusal, DisputeStatus};
    use abusedesk::domain::role::Role;
    use abusedesk::portal::PortalError;
    on_each_backend(|s: Store| async move {
        let acme = customer_holding(&s, "ACME", &["192.0.2.0/24"]).await;
        abusedesk::intake::receive(&s, &hostile::complaint("192.0.2.7", "text body", "hello", &hostile::JOE), Channel::Mta, None, 1 << 20)
            .await
            .unwrap();
        abusedesk::intake::receive(&s, LETTER.as_bytes(), Channel::Mta, None, 1 << 20).await.unwrap();
        let cases = s.customer_cases(acme, 10).await.unwrap();
        let (arf_case, letter_case) = match (cases.iter().find(|c| c.source_ip == "192.0.2.7"), cases.iter().find(|c| c.source_ip == "192.0.2.10")) {
            (Some(a), Some(l)) => (a.abuse_case_id, l.abuse_case_id),
            _ => panic!("both complaints made cases: {cases:?}"),
        };
        let sam = accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "sam", "Sam", Role::Analyst, "sam-long-password", false).await.unwrap().current_user();
        let yes = vec![ChecklistAnswer { code: "evidence_reviewed".into(), answer: Answer::Yes, note: String::new() }];
        for case in [arf_case, letter_case] {
            let investigation = casework::open_investigation(&s, &sam, case).await.unwrap();
            casework::save_investigation(&s, &sam, investigation, "bulk mail", &yes).await.unwrap();
        }
        for (case, reason) in [
            (arf_case, "complaint from joe.bloggs@example.com"),
            (arf_case, "see https://x.example/?r=joe.bloggs%40example.com"),
            (arf_case, "the recipient Joe Bloggs complained"),
            (letter_case, "Mr Bloggs wrote to us"),
            (letter_case, "reported by joe@bloggs-family.example"),
        ] {
            let req = DecisionRequest { case_id: case, kind: DecisionKind::Warning, reason, evidence: "report 1", policy: "AUP 4.2", reverses: None };
            match casework::decide(&s, &sam, &req).await {
                Err(CaseworkError::Invalid(why)) => assert!(why.contains("complainant"), "{why}"),
                other => panic!("{reason:?} was saved: {other:?}"),
            }
        }
        assert!(s.case_decisions(arf_case).await.unwrap().is_empty(), "nothing was saved");
        let fine = DecisionRequest { case_id: arf_case, kind: DecisionKind::Warning, reason: "bulk mail to a bought list", evidence: "report 1", policy: "AUP 4.2", reverses: None };
        casework::decide(&s, &sam, &fine).await.unwrap();

        let pat = accounts::create_portal_account(&s, &abusedesk::audit::Actor::system("test"), acme, "pat", "Pat", Some("pat-long-password")).await.unwrap().account;
        let dispute = s.open_dispute(letter_case, pat.user_id.0, "they opted in", None, store::now()).await.unwrap();
        let refused = abusedesk::portal::disputes::staff_reply(&s, &sam, dispute, "Joe Bloggs says otherwise", DisputeStatus::Answered).await;
        assert!(matches!(refused, Err(PortalError::Refused(DisputeRefusal::NamesComplainant(_)))), "{refused:?}");
        assert!(s.dispute_messages(&[dispute]).await.unwrap().is_empty());
        abusedesk::portal::disputes::staff_reply(&s, &sam, dispute, "Send the sign-up log.", DisputeStatus::Answered).await.unwrap();
    })
    .await;
}
