//! Cases through the real intake path on both backends: placement by (customer, IP, type, role), duplicate
//! links and the counters they give, the queue's filters, search and sorts, status, assignment, reopening,
//! volumes and thresholds; and counters that equal an independent recount after concurrent ingest.

use std::collections::HashMap;

use abusedesk::casework::assign_cases;
use abusedesk::attribution::csv_import::{CustomerStatus, NewCustomer};
use abusedesk::attribution::holding::AssignmentKind;
use abusedesk::domain::case::{CaseFilter, CaseSort, CaseStatus};
use abusedesk::cases::placement;
use abusedesk::intake;
use abusedesk::cases::views as case_views;
use abusedesk::store::{self, CaseRecord, Channel, NewHolding, Store};
use abusedesk::triage::counts::count_by_role;
use abusedesk::triage::duplicates::link_duplicates;
use abusedesk::triage::rates::Threshold;
use abusedesk::triage::volume::parse_volume;
use chrono::{DateTime, Duration, Utc};

use crate::backends::on_each_backend;

const SPAMMER: &str = "198.51.100.23";
const NEWSLETTER: &str = "198.51.100.40";

fn rfc2822(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

/// A SpamCop report in the current layout ("Email from IP / date").
pub(crate) fn spamcop(id: u64, ip: &str, to: &str, incident: DateTime<Utc>) -> Vec<u8> {
    let when = rfc2822(incident);
    format!(
        "From: {id}@reports.spamcop.net\nTo: {to}\nSubject: [SpamCop ({ip}) id:{id}]Cheap meds\n\
         Message-ID: <rid_{id}@msgid.spamcop.net>\nDate: {when}\n\n[ SpamCop V5.4.0 ]\n\n\
         Email from {ip} / {when}\n\n[ Offending message ]\nReceived: from mail.deals.example ([{ip}])\n\
         \tby mx.provider.example; {when}\nMessage-ID: <offer-{id}@deals.example>\nFrom: offers@deals.example\n\
         Subject: Cheap meds\nDate: {when}\n\nBuy now.\n"
    )
    .into_bytes()
}

/// An ARF feedback-loop complaint from `reader` about the original `campaign`, sent at `sent`.
fn arf(ip: &str, reader: &str, campaign: &str, incident: DateTime<Utc>, sent: DateTime<Utc>) -> Vec<u8> {
    let (when, date) = (rfc2822(incident), rfc2822(sent));
    format!(
        "From: fbl@provider.example\nTo: fbl@isp.example\nSubject: FBL report\nDate: {date}\n\
         Message-ID: <fbl-{reader}-{campaign}-{}@provider.example>\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n--b\n\
         Content-Type: text/plain\n\nA complaint.\n\n--b\nContent-Type: message/feedback-report\n\n\
         Feedback-Type: abuse\nUser-Agent: Test-FBL/1.0\nVersion: 1\nArrival-Date: {when}\nSource-IP: {ip}\n\
         Original-Rcpt-To: {reader}@provider.example\n\n--b\nContent-Type: message/rfc822\n\n\
         Received: from out.news.example ([{ip}]) by mx.provider.example; {when}\nFrom: news@news.example\n\
         To: {reader}@provider.example\nSubject: News\nMessage-ID: <{campaign}@news.example>\nDate: {when}\n\n\
         This week's news.\n\n--b--\n",
        sent.timestamp()
    )
    .into_bytes()
}

async fn receive(s: &Store, raw: &[u8], to: &str) -> i64 {
    intake::receive(s, raw, Channel::Mta, Some(to), intake::DEFAULT_MAX_MESSAGE_BYTES).await.unwrap().inbound_message_id
}

/// A customer holding 198.51.100.0/24 since 2000.
async fn customer(s: &Store) -> i64 {
    let now = store::now();
    let c = NewCustomer {
        account_ref: "C-7".to_owned(),
        name: "Seven Mail Ltd".to_owned(),
        emails: Vec::new(),
        status: CustomerStatus::Active,
        notes: String::new(),
    };
    s.upsert_customers(&[c], false, now).await.unwrap();
    let id = s.customer_ids_by_ref().await.unwrap()["C-7"];
    let holding = NewHolding {
        customer_id: id,
        kind: AssignmentKind::Static("198.51.100.0/24".parse().unwrap()),
        valid_from: "2000-01-01T00:00:00Z".parse().unwrap(),
        valid_to: None,
        source: "csv",
        source_ref: None,
    };
    s.upsert_assignments(&[holding], false, now).await.unwrap();
    id
}

async fn case_at(s: &Store, ip: &str) -> CaseRecord {
    let all = CaseFilter { open_only: false, q: Some(ip.to_owned()), ..CaseFilter::default() };
    let (rows, total) = s.list_cases(&all, 10, store::now()).await.unwrap();
    assert_eq!(total, 1, "one case about {ip}");
    rows.into_iter().next().unwrap()
}

#[tokio::test]
async fn copies_re_reports_and_campaigns_are_counted_honestly_and_the_queue_finds_them() {
    on_each_backend(|s: Store| async move {
        let customer_id = customer(&s).await;
        let now = store::now();
        let hours = |h: i64| now - Duration::hours(h);
        // SpamCop report 1 to abuse@ and postmaster@ (different bytes), abuse@'s copy retried by the MTA;
        // report 2 once.
        let first = spamcop(7_301_000_001, SPAMMER, "abuse@isp.example", hours(30));
        receive(&s, &first, "abuse@isp.example").await;
        receive(&s, &spamcop(7_301_000_001, SPAMMER, "postmaster@isp.example", hours(30)), "postmaster@isp.example")
            .await;
        receive(&s, &first, "abuse@isp.example").await;
        receive(&s, &spamcop(7_301_000_002, SPAMMER, "abuse@isp.example", hours(3)), "abuse@isp.example").await;
        // One newsletter reported by two readers; reader a reports it a second time a day later.
        receive(&s, &arf(NEWSLETTER, "a", "issue-48", hours(50), hours(49)), "fbl@isp.example").await;
        receive(&s, &arf(NEWSLETTER, "b", "issue-48", hours(50), hours(48)), "fbl@isp.example").await;
        receive(&s, &arf(NEWSLETTER, "a", "issue-48", hours(50), hours(20)), "fbl@isp.example").await;

        let spam = case_at(&s, SPAMMER).await;
        assert_eq!(spam.customer_id, Some(customer_id));
        assert_eq!((spam.report_type.as_str(), spam.role.as_str(), spam.status.as_str()), ("spam", "source", "new"));
        assert_eq!(
            (spam.received, spam.stored_reports, spam.unique_complaints, spam.same_bytes, spam.mailbox_copies),
            (4, 3, 2, 1, 1)
        );
        assert_eq!((spam.reporters, spam.re_reports, spam.other_role), (1, 0, 0));
        let news = case_at(&s, NEWSLETTER).await;
        assert_eq!((news.received, news.unique_complaints, news.re_reports, news.complainants), (3, 2, 1, 2));
        assert_eq!(
            s.case_campaigns(news.abuse_case_id, 10).await.unwrap(),
            [("issue-48@news.example".to_owned(), 3, 2)]
        );

        let detail = case_views::case_detail(&s, spam.abuse_case_id, abusedesk::triage::rates::Granularity::Hour, now)
            .await
            .unwrap();
        assert_eq!(
            detail.explanation,
            "4 reports received = 2 unique complaints from 2 complainants; 1 copy to another mailbox, 1 exact repeat"
        );
        let reasons: Vec<Option<&str>> = detail.reports.iter().map(|r| r.duplicate_reason.as_deref()).collect();
        assert_eq!(reasons, [None, Some("copy of the same report to another of our mailboxes"), None]);
        assert_eq!(detail.reports[0].arrivals, 2);
        assert!(detail.chart_svg.starts_with("<svg"), "{}", detail.chart_svg);
        assert_eq!((detail.row.last_24h, detail.row.last_7d), (1, 2));

        // Search: a SpamCop id, a CIDR block, a customer reference; filters and sorts.
        let view = |f: CaseFilter| {
            let s = s.clone();
            async move {
                let (rows, total) = s.list_cases(&f, 50, store::now()).await.unwrap();
                (total, rows.into_iter().map(|r| r.source_ip).collect::<Vec<_>>())
            }
        };
        let q = |q: &str| CaseFilter { q: Some(q.to_owned()), ..CaseFilter::default() };
        assert_eq!(view(q("7301000002")).await, (1, vec![SPAMMER.to_owned()]));
        assert_eq!(view(q("198.51.100.0/25")).await.0, 2);
        assert_eq!(view(q("192.0.2.0/24")).await.0, 0);
        assert_eq!(view(q("C-7")).await.0, 2);
        assert_eq!(view(q("seven mail")).await.0, 2);
        let by_received = CaseFilter { sort: Some(CaseSort::Received), ..CaseFilter::default() };
        assert_eq!(view(by_received).await.1, [SPAMMER, NEWSLETTER]);
        let by_recent = CaseFilter { sort: Some(CaseSort::Last24h), descending: Some(false), ..CaseFilter::default() };
        assert_eq!(view(by_recent).await.1, [NEWSLETTER, SPAMMER]);
        let reporter = CaseFilter { reporter: Some("SpamCop".to_owned()), ..CaseFilter::default() };
        assert_eq!(view(reporter).await.1, [SPAMMER]);
        let later = CaseFilter { from: Some((now - Duration::hours(10)).date_naive()), ..CaseFilter::default() };
        assert!(view(later).await.1.contains(&SPAMMER.to_owned()));
        let phishing = CaseFilter { report_type: Some("phishing".to_owned()), ..CaseFilter::default() };
        assert_eq!(view(phishing).await.0, 0);

        // Status and assignment, each recorded; a closed case leaves the default (open) view and comes
        // back when a new report arrives.
        let users = s.list_users().await.unwrap();
        assert!(users.is_empty(), "no users yet");
        assert!(s.set_case_status(spam.abuse_case_id, CaseStatus::Closed, "alex", now).await.unwrap());
        assert!(!s.set_case_status(spam.abuse_case_id, CaseStatus::Closed, "alex", now).await.unwrap(), "no change");
        assert_eq!(view(CaseFilter { open_only: true, ..CaseFilter::default() }).await.1, [NEWSLETTER]);
        receive(&s, &spamcop(7_301_000_003, SPAMMER, "abuse@isp.example", hours(1)), "abuse@isp.example").await;
        let reopened = case_at(&s, SPAMMER).await;
        assert_eq!((reopened.status.as_str(), reopened.unique_complaints), ("new", 3));
        assert!(reopened.reopened_at.is_some());
        let log = s.case_event_log(spam.abuse_case_id, 10).await.unwrap();
        let kinds: Vec<&str> = log.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["reopened", "status"]);
        assert_eq!(log[1].detail, "new → closed");

        // Placing everything again changes nothing: the counters already equal a recount.
        assert_eq!(s.refresh_report_facts().await.unwrap(), 7, "every report is looked at");
        let again = placement::place_all(&s).await.unwrap();
        assert_eq!(again.reports, 0);
        assert_eq!(case_at(&s, SPAMMER).await.received, 5);
    })
    .await;
}

#[tokio::test]
async fn cases_are_assigned_in_bulk_and_rates_use_imported_volumes_and_thresholds() {
    on_each_backend(|s: Store| async move {
        customer(&s).await;
        let now = store::now();
        for (i, reader) in ["a", "b", "c"].into_iter().enumerate() {
            let h = 10 + i64::try_from(i).unwrap();
            receive(
                &s,
                &arf(NEWSLETTER, reader, "issue-49", now - Duration::hours(h), now - Duration::hours(h)),
                "fbl@isp.example",
            )
            .await;
        }
        receive(
            &s,
            &spamcop(7_301_000_009, SPAMMER, "abuse@isp.example", now - Duration::hours(2)),
            "abuse@isp.example",
        )
        .await;
        let (news, spam) = (case_at(&s, NEWSLETTER).await, case_at(&s, SPAMMER).await);

        let alex = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"),
            "alex",
            "Alex",
            abusedesk::domain::role::Role::Analyst,
            "alex-long-password",
            false,
        )
        .await
        .unwrap();
        let both = [news.abuse_case_id, spam.abuse_case_id, 999_999];
        assert_eq!(assign_cases(&s, "morgan", &both, Some(alex.user_id), now).await.unwrap(), 2);
        assert_eq!(assign_cases(&s, "morgan", &both, Some(alex.user_id), now).await.unwrap(), 0, "already theirs");
        assert_eq!(case_at(&s, SPAMMER).await.assignee.as_deref(), Some("alex"));
        let mine = CaseFilter { assignee: Some("alex".to_owned()), ..CaseFilter::default() };
        assert_eq!(s.list_cases(&mine, 10, now).await.unwrap().1, 2);
        assert_eq!(assign_cases(&s, "morgan", &[spam.abuse_case_id], None, now).await.unwrap(), 1);
        let nobody = CaseFilter { assignee: Some("none".to_owned()), ..CaseFilter::default() };
        assert_eq!(s.list_cases(&nobody, 10, now).await.unwrap().1, 1);
        assert_eq!(s.case_event_log(spam.abuse_case_id, 10).await.unwrap()[0].detail, "unassigned");

        // 3 complaints over 2,500 messages = 1.2 per 1,000: over the default warning line (1.0).
        let day = now.date_naive();
        let csv = format!("ip,day,messages\n{NEWSLETTER},{day},1500\n{NEWSLETTER},{},1000\n", day.pred_opt().unwrap());
        let volumes = parse_volume(csv.as_bytes());
        assert_eq!(volumes.source, Some("maillog"));
        assert_eq!(s.upsert_volumes(&volumes.rows, "maillog", now).await.unwrap(), 2);
        assert_eq!(s.upsert_volumes(&volumes.rows, "maillog", now).await.unwrap(), 2, "re-imports replace");
        let since = (now - Duration::days(7)).date_naive();
        assert_eq!(s.volumes_since(&[NEWSLETTER.to_owned()], since).await.unwrap()[NEWSLETTER], 2_500);
        let rows = case_views::case_rows(&s, vec![case_at(&s, NEWSLETTER).await], now).await.unwrap();
        assert_eq!(rows[0].flag.as_deref(), Some("warn"));
        assert!((rows[0].rate_per_thousand.unwrap() - 1.2).abs() < 1e-9);

        let strict = Threshold { warn_per_thousand: 0.5, block_per_thousand: 1.0 };
        s.set_rate_threshold("spam", strict, "admin", now).await.unwrap();
        assert_eq!(s.rate_thresholds().await.unwrap(), [("spam".to_owned(), strict)]);
        let rows = case_views::case_rows(&s, vec![case_at(&s, NEWSLETTER).await], now).await.unwrap();
        assert_eq!(rows[0].flag.as_deref(), Some("block"));
    })
    .await;
}

#[tokio::test]
async fn counters_equal_an_independent_recount_after_concurrent_ingest() {
    on_each_backend(|s: Store| async move {
        customer(&s).await;
        let now = store::now();
        // 8 writers at once: SpamCop reports (some sent to two mailboxes, one retried each) and feedback-loop
        // complaints with re-reports, all about the same two addresses, while a reader lists the queue.
        let mut tasks = Vec::new();
        for w in 0..8_u64 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..6_u64 {
                    let at = now - Duration::minutes(i64::try_from(w * 10 + i).unwrap());
                    let id = 7_400_000_000 + w * 100 + i % 4;
                    let to = if i % 2 == 0 { "abuse@isp.example" } else { "postmaster@isp.example" };
                    ids.push(receive(&s, &spamcop(id, SPAMMER, to, at), to).await);
                    let reader = format!("r{}", (w + i) % 5);
                    let sent = at + Duration::seconds(i64::try_from(w).unwrap());
                    ids.push(receive(&s, &arf(NEWSLETTER, &reader, "issue-50", at, sent), "fbl@isp.example").await);
                }
                // An MTA retry of this writer's first message: the same bytes again.
                let first = spamcop(
                    7_400_000_000 + w * 100,
                    SPAMMER,
                    "abuse@isp.example",
                    now - Duration::minutes(i64::try_from(w * 10).unwrap()),
                );
                ids.push(receive(&s, &first, "abuse@isp.example").await);
                ids
            }));
        }
        let reader = {
            let s = s.clone();
            tokio::spawn(async move {
                for _ in 0..20 {
                    s.list_cases(&CaseFilter::default(), 50, store::now()).await.unwrap();
                }
            })
        };
        let mut messages = Vec::new();
        for t in tasks {
            messages.extend(t.await.unwrap());
        }
        reader.await.unwrap();
        messages.sort_unstable();
        messages.dedup();

        // The independent recount: every report's facts, links computed afresh over all of them, counted
        // per case with the pure rules.
        let facts = s.case_facts_of_messages(&messages).await.unwrap();
        let all: Vec<_> = facts.iter().map(placement::report_facts).collect();
        let links = link_duplicates(&all);
        let mut by_case: HashMap<i64, Vec<_>> = HashMap::new();
        for (f, r) in facts.iter().zip(&all) {
            by_case.entry(f.abuse_case_id.expect("every report is in a case")).or_default().push(r.clone());
        }
        assert_eq!(by_case.len(), 2);
        for (case_id, reports) in by_case {
            let counted = count_by_role(&reports, &links);
            assert_eq!(counted.len(), 1, "one role per case");
            let want = &counted[0].1;
            let got = s.get_case(case_id).await.unwrap();
            assert_eq!(
                (got.received, got.stored_reports, got.unique_complaints, got.complainants),
                (want.received, want.stored_reports, want.unique, want.complainants),
                "case {case_id}"
            );
            assert_eq!(
                (got.same_bytes, got.mailbox_copies, got.other_role, got.re_reports),
                (want.same_bytes, want.mailbox_copies, want.other_role, want.re_reports),
                "case {case_id}"
            );
        }
    })
    .await;
}
